"""The documents tab's work: adding uploaded files to the uploads folder and showing a document's text.

Uploads go to `Settings.uploads` (never into the bundled corpus). A file the
loader cannot read after all is taken out again, file and manifest entry, so a
rejected upload leaves no trace. Every problem is a Dutch line in the result
list, never an exception the page shows as an error box.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from assistant.corpus import printable
from assistant.crash_points import reached
from assistant.loading import LoadError, load_file, load_manifest
from assistant.pipeline import Assistant
from assistant.upload_journal import upload_session
from assistant.uploads import (
    MetadataError,
    UploadMetadata,
    UploadResult,
    forget_uploads,
    parse_metadata,
    record_metadata,
    store_uploads,
)
from assistant.web_render import ingest_summary, n_passages

log = logging.getLogger(__name__)


def _problem(message: str, reason: str) -> str:
    """The Dutch `message` as the result list; the English `reason` as one log line."""
    log.info("upload not accepted: %s", reason)
    return f'<ul class="upload-results"><li class="bad">✖ {html.escape(message)}</li></ul>'


def _relative(path: Path, folders: Sequence[Path | None]) -> str:
    for folder in folders:
        if folder is not None and path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return path.name


def _record(folder: Path, results: Sequence[UploadResult], meta: UploadMetadata) -> str | None:
    """Give the newly stored files their manifest entries; on failure take the files out again.

    A file indexed without its metadata would stay without it, so an upload whose
    metadata cannot be recorded is undone as a whole. Returns the problem, if any.
    """
    today = date.today().isoformat()
    stored = [(r.name, r.stored_as) for r in results if r.new and r.stored_as is not None]
    entries = [
        meta.entry(path.relative_to(folder).as_posix(), source=f"upload via de webapp ({name}, {today})")
        for name, path in stored
    ]
    try:
        record_metadata(folder, entries)
    except MetadataError as e:
        for _, path in stored:
            path.unlink(missing_ok=True)
        return f"{e} Er zijn geen bestanden toegevoegd."
    return None


def add_documents(
    assistant: Assistant,
    files: Sequence[str] | None,
    doc_type: str | None = None,
    doc_date: str | None = None,
    title: str | None = None,
    kamerstuk: str | None = None,
) -> tuple[str, bool]:
    """Check, store and index uploaded files: the per-file report (HTML) and whether the form is done.

    The metadata is checked before anything is stored and written to the uploads
    manifest before the ingest, so the new files are indexed with it at once.
    `False` keeps the form as it is (files and fields) so the user can correct it.
    The whole upload holds the uploads folder's lock, and its files are journaled
    until their entries are written (`assistant.upload_journal`): an upload cut off
    by a crash leaves no file without its metadata.
    """
    settings = assistant.settings
    folder = settings.uploads
    if folder is None:
        return _problem("Toevoegen van documenten staat uit in deze installatie.", "uploads are off"), False
    if not files:
        return _problem("Kies eerst één of meer bestanden (PDF, TXT of Markdown).", "no files chosen"), False
    try:
        meta = parse_metadata(doc_type, doc_date, title if len(files) == 1 else None, kamerstuk)
    except MetadataError as e:
        return _problem(str(e), "metadata not valid"), False
    with upload_session(folder) as journal:
        results = store_uploads(
            files, folder, settings.upload_max_mb, others=[settings.corpus], note=journal.note
        )
        reached("upload")
        problem = _record(folder, results, meta)
        if problem:
            return _problem(problem, "metadata not recorded; the new files were removed"), False
        journal.done()
        return _index_uploads(assistant, results)


def _index_uploads(assistant: Assistant, results: Sequence[UploadResult]) -> tuple[str, bool]:
    """Index the newly stored uploads; take out those the loader cannot read; the report as HTML."""
    settings = assistant.settings
    folder = settings.uploads
    assert folder is not None
    report = None
    if any(r.new for r in results):
        try:
            report = assistant.ingest(progress=False)
        except LoadError as e:
            forget_uploads(
                folder, [_relative(r.stored_as, [folder]) for r in results if r.new and r.stored_as]
            )
            message = f"De index kon niet worden bijgewerkt: {e.reason}"
            return _problem(
                message, f"index not updated ({printable(str(e.path))}); the new files were removed"
            ), False
    skipped = {s.path: s.reason for s in report.skipped} if report else {}
    unreadable = [
        _relative(r.stored_as, [folder])
        for r in results
        if r.new and r.stored_as and _relative(r.stored_as, [folder]) in skipped
    ]
    forget_uploads(folder, unreadable)  # skipped at every ingest otherwise: file and entry out again
    passages = {d.get("source_file"): d.get("passages", 0) for d in assistant.documents()}
    lines = []
    for r in results:
        name = html.escape(r.name)
        stored = _relative(r.stored_as, [folder, settings.corpus]) if r.stored_as else ""
        if r.new and stored in unreadable:
            r = replace(r, accepted=False, message=f"Kan niet worden gelezen: {skipped[stored]}.")
        if not r.accepted:
            lines.append(f'<li class="bad">✖ <strong>{name}</strong>: {html.escape(r.message)}</li>')
            continue
        count = f" {n_passages(passages[stored])} doorzoekbaar." if stored in passages else ""
        lines.append(f'<li class="ok">✔ <strong>{name}</strong>: {html.escape(r.message)}{count}</li>')
    summary = f'<p class="ingest-summary">{html.escape(ingest_summary(report))}</p>' if report else ""
    return f'<ul class="upload-results">{"".join(lines)}</ul>{summary}', True


def document_html(assistant: Assistant, doc_id: str | None) -> str:
    """The text of one indexed document, page by page, for the documents tab."""
    if not doc_id:
        return '<p class="sources-empty">Kies een document om de tekst te lezen.</p>'
    doc = next((d for d in assistant.documents() if d["doc_id"] == doc_id), None)
    if doc is None:
        return '<p class="sources-empty">Dit document staat niet (meer) in de index.</p>'
    header = f"<h3>{html.escape(doc.get('title') or doc_id)}</h3>"
    body = "".join(
        (f'<div class="doc-page-no">Pagina {number}</div>' if number is not None else "")
        + f'<div class="doc-page">{html.escape(text)}</div>'
        for number, text in _document_pages(assistant, doc)
    )
    return f'<div class="doc-text">{header}{body}</div>'


def _document_pages(assistant: Assistant, doc: dict[str, Any]) -> list[tuple[int | None, str]]:
    """The document's cleaned pages from its file; its indexed passages if the file is gone."""
    relative = doc.get("source_file") or ""
    path = assistant.source_path(relative)
    try:
        if path is None:
            raise LoadError(Path(relative), "bestand niet gevonden")
        folder = path.parents[len(Path(relative).parts) - 1]
        manifest = load_manifest(folder)
        entry = manifest.get(relative) or manifest.get(Path(relative).name)
        loaded = load_file(path, entry, pdf_limits=assistant.settings.pdf_limits)
        return [(p.number, p.text) for p in loaded.pages]
    except LoadError:
        return [(p.page, p.text) for p in assistant.index.passages_for(doc["doc_id"])]
