"""Named points where the crash tests kill the process (issue 12: crash safety).

Test-only and inert unless `ASSISTANT_CRASH_AT` is set. With
`ASSISTANT_CRASH_AT=<point>:<n>` (n defaults to 1) the n-th arrival at `<point>`
writes one line to stderr and then kills this process with SIGKILL, as a power
cut or the kernel's out-of-memory killer would: no `finally`, no flush, no
cleanup. `tests/test_crash_safety.py` runs real `python -m assistant.cli ingest`
processes (and the upload handler) with it and checks that the next ingest
repairs whatever the kill left behind.

Points (where `reached` is called):

    embedding   after each batch of passages is embedded, before anything is written (index.py)
    passages    after a document's new passages are written, before its stale ones are deleted
                and before its record is written (index.py)
    record      after a document's record is written (index.py)
    removal     after a removed document's passages are deleted, before its record (index.py)
    keyword     while the keyword index is saved: the old folder removed, the new one not yet
                in its place (keyword_store.py)
    upload      after uploaded files are stored, before their manifest entries (web_uploads.py)
"""

from __future__ import annotations

import os
import signal
import sys

ENV = "ASSISTANT_CRASH_AT"


def _target(spec: str) -> tuple[str, int] | None:
    """`"passages:2"` -> ("passages", 2); `"keyword"` -> ("keyword", 1); empty -> None."""
    point, _, count = spec.strip().partition(":")
    if not point:
        return None
    return point, int(count or 1)


_TARGET = _target(os.environ.get(ENV, ""))
_arrivals: dict[str, int] = {}


def reached(point: str) -> None:
    """Count an arrival at `point`; kill this process (SIGKILL) at the arrival `ASSISTANT_CRASH_AT` names."""
    if _TARGET is None or _TARGET[0] != point:
        return
    _arrivals[point] = _arrivals.get(point, 0) + 1
    if _arrivals[point] == _TARGET[1]:
        sys.stderr.write(f"crash point {point}:{_TARGET[1]} reached: SIGKILL\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
