"""Cited question answering over Dutch policy documents (Agenda Veerkrachtige & Weerbare Samenleving).

Importing the package first applies the privacy defaults in `assistant.settings`
(no telemetry, analytics or hub look-ups), so no submodule can load chromadb,
gradio or a model before they are in place.
"""

from assistant import settings as _settings  # noqa: F401  (imported for its side effect)
