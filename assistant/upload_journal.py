"""An upload in progress, written down so that one cut off by a crash is taken out again.

A web upload stores its files first and writes their manifest entries second
(`assistant.uploads`). A process killed in between would leave a file without
the type, date and title the user gave, and the next ingest would index it as
if the upload had succeeded. So an upload holds the uploads folder's lock
(`.upload.lock`, an advisory `flock` that the kernel releases when the process
dies) and names every file in a journal (`.upload-journal.json`) before the file
appears under its final name; the journal is removed once the manifest holds
their entries. A journal found later belongs to an upload that was cut off:
`recover` removes its files that have no manifest entry, and the temporary
`.part` files a killed write leaves. Both names start with a dot, so the loader
never reads them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from assistant.loading import MANIFEST_NAME, LoadError, load_manifest

log = logging.getLogger(__name__)

JOURNAL = ".upload-journal.json"
LOCK = ".upload.lock"
TEMP_PATTERNS = (".upload-*.part", ".manifest-*.part", JOURNAL + ".part")


class UploadJournal:
    """The files one upload may create (paths relative to the uploads folder), kept on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []

    def note(self, target: Path) -> None:
        """Write `target` into the journal (atomically, synced) before it is created."""
        self.files.append(target.relative_to(self.folder).as_posix())
        part = self.folder / (JOURNAL + ".part")
        with part.open("w", encoding="utf-8") as f:
            json.dump(self.files, f)
            f.flush()
            os.fsync(f.fileno())
        part.replace(self.folder / JOURNAL)

    def done(self) -> None:
        """The manifest now holds the entries of every stored file: nothing to undo any more."""
        (self.folder / JOURNAL).unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(folder: Path, wait: bool) -> Iterator[bool]:
    """Hold the folder's upload lock; yields False (holding nothing) when `wait` is False and it is taken."""
    with (folder / LOCK).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def upload_session(folder: Path) -> Iterator[UploadJournal]:
    """One upload: the folder's lock held throughout, an earlier cut-off upload undone first.

    Call `journal.note(path)` before a file gets its final name and `journal.done()`
    once the manifest lists it; leaving the block without `done()` (an exception)
    undoes the upload's files as `recover` would.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder, wait=True):
        _undo(folder)
        journal = UploadJournal(folder)
        try:
            yield journal
        finally:
            _undo(folder)


def recover(folder: Path | None) -> None:
    """Undo an upload that was cut off (see module doc); does nothing while an upload is running."""
    if folder is None or not folder.is_dir():
        return
    with _locked(folder, wait=False) as held:
        if held:
            _undo(folder)


def _undo(folder: Path) -> None:
    """Remove the journal's files that lack a manifest entry, the journal and stray `.part` files."""
    journal = folder / JOURNAL
    if journal.is_file():
        try:
            files = json.loads(journal.read_text(encoding="utf-8"))
            listed = load_manifest(folder) if (folder / MANIFEST_NAME).is_file() else {}
        except (OSError, ValueError, LoadError) as exc:
            log.warning("Upload journal in %s not applied (%s); files left as they are.", folder, exc)
            return
        for relative in files:
            if relative not in listed:
                (folder / relative).unlink(missing_ok=True)
                log.info("Removed %s: its upload was cut off before its metadata was recorded.", relative)
        journal.unlink(missing_ok=True)
    for pattern in TEMP_PATTERNS:
        for leftover in folder.glob(pattern):
            leftover.unlink(missing_ok=True)
