"""Accepting files that users upload in the web app into the uploads folder.

Uploads live in a folder of their own (`Settings.uploads`, default `data/uploads/`,
git-ignored) with its own `manifest.yaml`; the bundled corpus is read-only to the
app, and the index is built from both. A bad upload must never land anywhere:
every file is checked (type, size, content; `assistant.upload_checks`) before it
is copied, rejected files get a Dutch reason the user can act on, and an upload
never silently replaces a
different document (in either folder) that happens to have the same name or
would share a document id with one. Stored files and the manifest get normal
permissions (0644), not the 0600 of temporary files. Text saved as Windows-1252 or
UTF-16 (common on Windows desktops) is stored as UTF-8, the one encoding the
loader accepts without a byte-order mark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.dutch_dates import parse_date_input
from assistant.loading import MANIFEST_NAME, LoadError, doc_id_for, load_manifest
from assistant.upload_checks import ALLOWED_SUFFIXES, UploadRejected, check_upload, sanitise_filename

DOCUMENT_TYPES = ("kamerbrief", "nota", "interventie", "rapport", "overig")  # offered in the upload form
FILE_MODE = 0o644  # stored uploads and the manifest: readable like any other file of the project
_NEW_MANIFEST_HEADER = (
    "# Metadata of the documents in this folder, one entry per file (see the loader for the fields).\n"
)


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file, phrased for the user."""

    name: str  # the name as uploaded
    accepted: bool
    message: str  # Dutch, shown next to the file name
    stored_as: Path | None = None  # the file in the corpus folder (also for an identical existing file)
    new: bool = False  # True when a file was added to the corpus folder


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _corpus_files(corpus: Path) -> list[Path]:
    """The files the loader reads: supported types anywhere below `corpus`, not hidden."""
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file()
        and p.suffix.lower() in ALLOWED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def _taken_doc_ids(corpus: Path, files: Sequence[Path]) -> set[str]:
    """Document ids in use: a new file with one of these ids would be skipped by the loader."""
    try:
        manifest = load_manifest(corpus)
    except LoadError:
        manifest = {}  # ingest reports the broken manifest itself; names then follow the file names
    return {
        doc_id_for(p, manifest.get(p.relative_to(corpus).as_posix()) or manifest.get(p.name)) for p in files
    }


def _listed_files(corpus: Path) -> set[str]:
    """File names the manifest already describes: a new upload under one would get that entry's metadata."""
    try:
        return set(load_manifest(corpus))
    except LoadError:
        return set()


def _store(
    data: bytes, corpus: Path, name: str, usable: Callable[[Path], bool], note: Callable[[Path], None]
) -> Path:
    """Write `data` under the first usable variant of `name` (x.pdf, x-2.pdf, ...), never replacing a file.

    The bytes go to a hidden temporary file (which the loader ignores) and are
    then hard-linked into place: an ingest running at the same moment never reads
    half a file, and `os.link` refuses an existing target, so two simultaneous
    uploads of the same name cannot overwrite each other. `note(target)` is called
    before each link (`assistant.upload_journal`).
    """
    stem, _, suffix = name.rpartition(".")
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=corpus)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, FILE_MODE)
        n = 1
        while True:
            target = corpus / (name if n == 1 else f"{stem}-{n}.{suffix}")
            n += 1
            if not usable(target):
                continue
            note(target)
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                continue
    finally:
        os.unlink(tmp)


@dataclass
class _Occupied:
    """What the uploads folder and the folders indexed with it already hold; an upload must not clash."""

    corpus: Path  # the uploads folder, where new files go
    known: dict[str, tuple[Path, Path]]  # sha256 of the content -> (folder, file)
    taken: set[str]  # document ids in use
    listed: set[str]  # file names (and relative paths) the manifests describe
    names: set[str]  # relative paths of the existing files

    @classmethod
    def of(cls, corpus: Path, folders: Sequence[Path]) -> _Occupied:
        existing = {folder: _corpus_files(folder) for folder in [corpus, *folders]}
        return cls(
            corpus=corpus,
            known={_sha256(p.read_bytes()): (folder, p) for folder, paths in existing.items() for p in paths},
            taken=set().union(*(_taken_doc_ids(folder, paths) for folder, paths in existing.items())),
            listed=set().union(*(_listed_files(folder) for folder in existing)),
            names={p.relative_to(folder).as_posix() for folder, paths in existing.items() for p in paths},
        )

    def usable(self, target: Path) -> bool:
        """Whether a new file may be stored as `target` (in the uploads folder)."""
        # The loader ignores README files and skips a second file with the same document id; a name
        # the manifest lists (for a file that is gone) would give the upload someone else's metadata;
        # a name the bundled corpus uses would make the two files hard to tell apart.
        relative = target.relative_to(self.corpus).as_posix()
        return (
            target.stem.lower() != "readme"
            and doc_id_for(target, None) not in self.taken
            and target.name not in self.listed
            and relative not in self.listed
            and relative not in self.names
        )


def store_uploads(
    files: Sequence[str | Path],
    corpus: Path,
    max_mb: float,
    others: Sequence[Path] = (),
    note: Callable[[Path], None] = lambda target: None,
) -> list[UploadResult]:
    """Check each uploaded file and copy the good ones into `corpus`; one result per file, in order.

    `corpus` is the uploads folder; `others` are folders indexed with it (the
    bundled corpus), whose documents count as present but are never written to.
    `note(path)` hears of every file before it appears (`UploadJournal.note`).
    """
    corpus = Path(corpus)
    folders = [Path(o) for o in others if Path(o).is_dir() and Path(o).resolve() != corpus.resolve()]
    corpus.mkdir(parents=True, exist_ok=True)
    occupied = _Occupied.of(corpus, folders)
    results = []
    for file in files:
        path = Path(file)
        name = path.name
        try:
            data = check_upload(path, max_mb)
        except UploadRejected as e:
            results.append(UploadResult(name, accepted=False, message=str(e)))
            continue
        digest = _sha256(data)
        if digest in occupied.known:
            folder, path = occupied.known[digest]
            same = path.relative_to(folder).as_posix()
            message = f"Staat al in de documenten als {same}; niet opnieuw toegevoegd."
            results.append(UploadResult(name, accepted=True, message=message, stored_as=path))
            continue
        wanted = sanitise_filename(name)
        target = _store(data, corpus, wanted, occupied.usable, note)
        occupied.known[digest] = (corpus, target)
        occupied.taken.add(doc_id_for(target, None))
        if target.name == wanted:
            message = f"Toegevoegd als {target.name}."
        else:
            message = (
                f"Toegevoegd als {target.name} (de naam {wanted} was al in gebruik voor een ander document)."
            )
        results.append(UploadResult(name, accepted=True, message=message, stored_as=target, new=True))
    return results


DATE_FORMS = "schrijf bv. 26-11-2024, 26 november 2024 of 2024-11-26"


class MetadataError(Exception):
    """Metadata given with an upload is invalid or could not be recorded; the message is Dutch."""


@dataclass(frozen=True)
class UploadMetadata:
    """What the uploader says about the files of one upload; None where nothing was given."""

    doc_type: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    title: str | None = None
    kamerstuk: str | None = None

    def entry(self, file: str, source: str | None = None) -> dict[str, object]:
        """A manifest entry for `file`, in the field order of the existing entries.

        The date goes in as a `date` so YAML writes it unquoted, like the hand-written entries.
        """
        entry: dict[str, object] = {"file": file}
        if self.title:
            entry["title"] = self.title
        if self.doc_type:
            entry["type"] = self.doc_type
        entry["date"] = dt.date.fromisoformat(self.date) if self.date else None
        if self.kamerstuk:
            entry["kamerstuk"] = self.kamerstuk
        if source:
            entry["source"] = source
        return entry


def _clean(value: str | None) -> str | None:
    """Trim and collapse whitespace; an empty field means "not given"."""
    text = " ".join((value or "").split())
    return text or None


def parse_metadata(
    doc_type: str | None, date: str | None, title: str | None, kamerstuk: str | None
) -> UploadMetadata:
    """Validate the form's fields before any file is stored, so a typo never leaves half an upload.

    Types are lower-cased because filters and citations compare them literally
    with the existing (lower-case) types; a date must be one real date in a form
    Dutch users type (26-11-2024, 26 november 2024, 2024-11-26), since a wrong
    date silently excludes the document from date filters.
    """
    raw_date = (date or "").strip()
    iso = parse_date_input(raw_date) if raw_date else None
    if raw_date and iso is None:
        raise MetadataError(f"Datum '{raw_date}' is geen geldige datum: {DATE_FORMS}.")
    kind = _clean(doc_type)
    return UploadMetadata(
        doc_type=kind.lower() if kind else None, date=iso, title=_clean(title), kamerstuk=_clean(kamerstuk)
    )


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step: an ingest running at the same moment sees the old or the new manifest."""
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _list_indent(text: str) -> str:
    """The indentation of the existing `documents:` items, so appended items join the same list."""
    match = re.search(r"^documents:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*([ \t]*)- ", text, re.M)
    return match.group(1) if match else "  "


def record_metadata(corpus: Path, entries: Sequence[dict[str, object]]) -> None:
    """Append manifest entries for newly uploaded files, keeping everything already in the manifest.

    The manifest is hand-edited (comments explain dates and sources), so it is
    never re-serialised: the new entries are appended as text to the
    `documents:` list. The result is re-read with the loader's own
    `load_manifest`; if it does not parse, or the new entries did not end up in
    the list, the previous bytes are put back and `MetadataError` is raised.
    """
    if not entries:
        return
    path = Path(corpus) / MANIFEST_NAME
    previous = path.read_bytes() if path.is_file() else None
    try:
        before = load_manifest(corpus)
    except LoadError as e:
        raise MetadataError(f"Het manifest is ongeldig en is niet aangepast: {e.reason}.") from e
    for entry in entries:
        if str(entry["file"]) in before:
            raise MetadataError(f"{entry['file']} staat al in het manifest; het manifest is niet aangepast.")

    dumped = yaml.safe_dump(
        list(entries), allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    text = previous.decode("utf-8") if previous is not None else ""
    if not text.strip():
        new_text = _NEW_MANIFEST_HEADER + "documents:\n" + _indent(dumped, "  ")
    else:
        new_text = (text if text.endswith("\n") else text + "\n") + _indent(dumped, _list_indent(text))
    _write_atomically(path, new_text.encode("utf-8"))

    try:
        after = load_manifest(corpus)
        missing = [str(e["file"]) for e in entries if str(e["file"]) not in after]
        if missing or len(after) != len(before) + len(entries):
            raise LoadError(path, "de nieuwe gegevens staan niet in de lijst 'documents'")
    except LoadError as e:
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomically(path, previous)
        raise MetadataError(
            f"De gegevens konden niet aan het manifest worden toegevoegd ({e.reason}); "
            "het manifest is ongewijzigd."
        ) from e


def _indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(keepends=True))


def forget_uploads(folder: Path, relative_files: Sequence[str]) -> None:
    """Take rejected uploads out again: their files and their manifest entries, leaving no trace.

    The uploads manifest is written by the app alone, so it may be re-serialised;
    when no entry is left it is removed, as if the upload never happened.
    """
    folder = Path(folder)
    gone = set(relative_files)
    for relative in gone:
        folder.joinpath(relative).unlink(missing_ok=True)
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = [e for e in data.get("documents") or [] if str(e.get("file")) not in gone]
    if not entries:
        path.unlink()
        return
    dumped = yaml.safe_dump(
        {"documents": entries}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    _write_atomically(path, (_NEW_MANIFEST_HEADER + dumped).encode("utf-8"))
