"""A corpus folder -> its `SourceDocument`s and the files it skipped, each with a Dutch reason.

`assistant.loading` loads one file; this module decides which files of a folder
are loaded at all: supported types below the folder (recursively, in sorted
order), not hidden, not the manifest or a README. Before a file is parsed it is
refused when its doc_id is already taken by an earlier file, when it is a link
(symlink) pointing outside the allowed folders, or when it is over the size
limit. One bad file never stops the rest of the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from assistant.loading import SUPPORTED_SUFFIXES, LoadError, doc_id_for, load_file, load_manifest
from assistant.pdf_guard import PdfLimits
from assistant.types import SkippedFile, SourceDocument


def load_corpus(
    corpus_dir: Path,
    max_file_mb: float,
    ocr_language: str | None = None,
    pdf_limits: PdfLimits | None = None,
    link_roots: Sequence[Path] = (),
    skip: Callable[[Path, str, str, dict | None], bool] | None = None,
) -> tuple[list[SourceDocument], list[SkippedFile]]:
    """Load every document under `corpus_dir` (recursively, in sorted order) and report the rest.

    `ocr_language` and `pdf_limits` are passed to `load_file` (None: scans are skipped, not
    OCRed). Links (symlinks) whose target lies outside `corpus_dir` and the folders of
    `link_roots` are never read. `skip(path, relative path, doc_id, manifest entry)`
    returning True leaves a file unread and unreported (the caller keeps its indexed
    document; `assistant.unchanged`).

    Raises `LoadError` only for a missing folder or a malformed manifest; any
    single bad file is reported as a `SkippedFile` with its doc_id, so the index
    can keep what it already had of that file.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise LoadError(corpus_dir, "map met documenten bestaat niet")
    manifest = load_manifest(corpus_dir)
    roots = [corpus_dir.resolve(), *(Path(r).resolve() for r in link_roots)]
    documents: list[SourceDocument] = []
    skipped: list[SkippedFile] = []
    seen_ids: dict[str, str] = {}
    paths = sorted(
        (p for p in corpus_dir.rglob("*") if _is_document(p, corpus_dir)),
        key=lambda p: p.relative_to(corpus_dir).as_posix(),
    )
    for path in paths:
        relative = path.relative_to(corpus_dir).as_posix()
        entry = manifest.get(relative) or manifest.get(path.name)
        doc_id = doc_id_for(path, entry)
        refused = _refusal(path, relative, doc_id, seen_ids, roots, max_file_mb)
        if refused is not None:
            skipped.append(refused)
            continue
        if skip is not None and skip(path, relative, doc_id, entry):
            continue
        try:
            document = load_file(path, entry, ocr_language, pdf_limits)
        except LoadError as exc:
            skipped.append(SkippedFile(relative, exc.reason, doc_id))
            continue
        documents.append(replace(document, meta=replace(document.meta, source_file=relative)))
    return documents, skipped


def _refusal(
    path: Path,
    relative: str,
    doc_id: str,
    seen_ids: dict[str, str],
    roots: Sequence[Path],
    max_file_mb: float,
) -> SkippedFile | None:
    """Why a file is not even read (doc_id taken, link out of bounds, too large); None to read it.

    The first file with a doc_id claims it in `seen_ids`, even when refused for another reason.
    """
    if doc_id in seen_ids:
        reason = (
            f"doc_id {doc_id} is al in gebruik voor {seen_ids[doc_id]}; "
            "geef dit bestand een eigen doc_id in het manifest"
        )
        return SkippedFile(relative, reason, None)
    seen_ids[doc_id] = relative
    outside = _outside_reason(path, roots)
    if outside:
        return SkippedFile(relative, outside, None)
    size_mb = path.stat().st_size / (1024 * 1024)
    if size_mb > max_file_mb:
        reason = f"bestand is te groot ({_format_mb(size_mb)} MB; maximaal {_format_mb(max_file_mb)} MB)"
        return SkippedFile(relative, reason, doc_id)
    return None


def _is_document(path: Path, corpus_dir: Path) -> bool:
    """Documents to load: supported types, not hidden, not the manifest or a README."""
    relative = path.relative_to(corpus_dir)
    return (
        path.is_file()
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in relative.parts)
        and path.stem.lower() != "readme"
    )


def _format_mb(value: float) -> str:
    return f"{value:.3g}".replace(".", ",")


def _outside_reason(path: Path, roots: Sequence[Path]) -> str | None:
    """Why a link may not be read: its target lies outside the corpus folder and the other
    allowed `roots` (or is missing)."""
    if not path.is_symlink() and not any(parent.is_symlink() for parent in path.parents):
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a broken or looping link
        return "koppeling (symlink) wijst naar een bestand dat niet bestaat; niet gelezen"
    if not any(target.is_relative_to(root) for root in roots):
        return "koppeling (symlink) wijst naar een bestand buiten de documentenmap; niet gelezen"
    return None


def printable(name: str) -> str:
    """A file name as it may be shown in a terminal or log line: control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
