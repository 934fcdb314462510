"""An assistant over a small corpus written by a test: real files, a real index, the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from assistant.settings import Settings

BUNDLED = Path(__file__).resolve().parent.parent / "corpus"


def indexed_assistant(
    tmp_path_factory: pytest.TempPathFactory, name: str, files: dict[str, str], bundled: bool = False
) -> Assistant:
    """An `Assistant` over `files` (file name -> text), after the bundled corpus when `bundled`,
    ingested into a fresh index under pytest's temporary folders."""
    corpus = tmp_path_factory.mktemp(name) / "corpus"
    if bundled:
        shutil.copytree(BUNDLED, corpus)
    else:
        corpus.mkdir()
    for file_name, text in files.items():
        (corpus / file_name).write_text(text, encoding="utf-8")
    assistant = Assistant(Settings(index=tmp_path_factory.mktemp(f"{name}-index"), corpus=corpus))
    assistant.ingest(progress=False)
    return assistant
