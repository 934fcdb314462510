"""Logging for operators: English lines, the app's own notes, and no other library's chatter.

Log lines are for whoever runs the app, so they are English (what users see stays
Dutch). `configure` sets up one handler on the root logger for the app and the CLI:
the assistant's own loggers at the level asked for, every other library's only
from WARNING. The handler's filter does the latter, because a library may set its
own logger's level: bm25s sets DEBUG on import and would otherwise print
"Building index from tokens" next to the app's lines.
"""

from __future__ import annotations

import logging

APP_LOGGER = "assistant"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def is_own(record: logging.LogRecord) -> bool:
    return record.name == APP_LOGGER or record.name.startswith(APP_LOGGER + ".")


def quiet_libraries(record: logging.LogRecord) -> bool:
    """Filter: the assistant's records as they come, other libraries' only from WARNING."""
    return record.levelno >= logging.WARNING or is_own(record)


def configure(level: int = logging.INFO, fmt: str = FORMAT) -> None:
    """One stderr handler (unless the root logger has one): own records from `level`, others from WARNING."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(fmt))
        root.addHandler(handler)
    for handler in root.handlers:
        if quiet_libraries not in handler.filters:
            handler.addFilter(quiet_libraries)
    root.setLevel(logging.WARNING)
    logging.getLogger(APP_LOGGER).setLevel(level)
