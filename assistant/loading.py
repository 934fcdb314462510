"""One file of the corpus folder -> a `SourceDocument` with metadata, or a `LoadError`.

Users drop whatever they have into the corpus folder: scans, password-protected
PDFs, half-copied files, text in odd encodings. Each file is loaded on its own
and a file that cannot be used raises `LoadError` with a Dutch reason the user
can act on; `assistant.corpus` walks the folder and turns those into `SkippedFile`s,
so one bad file never stops the rest of the corpus. The manifest (`manifest.yaml`)
that gives files their metadata is read here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import yaml
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

from assistant.cleaning import assemble_pages, strip_repeated_lines
from assistant.lost_glyphs import ligature_map, restore_ligatures
from assistant.markdown_text import markdown_to_text
from assistant.metadata import derive_metadata
from assistant.ocr import (
    OCR_DISABLED_REASON,
    OCR_FOUND_NOTHING_REASON,
    OCR_MISSING_REASON,
    needs_ocr,
    ocr_available,
    ocr_missing_pages,
)
from assistant.pdf_docinfo import pdf_info
from assistant.pdf_guard import PdfLimits, PdfTooCostly, run_bounded
from assistant.pdf_layout import PageLayout, layout_pages
from assistant.pdf_runs import PageRuns, page_runs
from assistant.types import DocumentMeta, Page, SourceDocument

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")
MANIFEST_NAME = "manifest.yaml"
UNKNOWN_TYPE = "onbekend"
_SOURCE_PREFIX = "SOURCE: "
_TEXT_FIELDS = ("doc_id", "title", "type", "kamerstuk", "author", "recipient")

# pypdf logs English repair notes ("EOF marker not found") for every odd file; the
# loader reports each unusable file itself, in Dutch, so only real errors may pass.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class LoadError(Exception):
    """A file that cannot be loaded; `reason` is shown to the user (Dutch)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        """Picklable with both fields (it travels back from the PDF worker process)."""
        return (type(self), (self.path, self.reason))


def _iso_date(value: object, manifest: Path, file: str) -> str | None:
    """YAML turns 2024-11-26 into a `date`; a quoted string must still be a valid ISO date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise LoadError(manifest, f"ongeldige datum {value!r} bij {file} (gebruik JJJJ-MM-DD)")


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """Read `manifest.yaml` of the corpus folder, keyed by file name; {} when there is none.

    A malformed manifest raises `LoadError`: silently ignoring it would index
    documents with wrong dates and types, which filters and citations then show.
    """
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise LoadError(path, "manifest is geen geldige UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        raise LoadError(path, f"manifest is geen geldige YAML{where}") from exc
    if data is None:
        return {}
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list):
        raise LoadError(path, "manifest moet een lijst 'documents' bevatten")

    entries: dict[str, dict] = {}
    doc_ids: dict[str, str] = {}
    for number, raw in enumerate(documents, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("file"), str) or not raw["file"].strip():
            raise LoadError(path, f"document {number} in het manifest heeft geen veld 'file'")
        file = raw["file"].strip()
        if file in entries:
            raise LoadError(path, f"{file} staat twee keer in het manifest")
        entry = dict(raw, file=file)
        for key in _TEXT_FIELDS:
            if entry.get(key) is not None:
                entry[key] = str(entry[key]).strip()
        entry["date"] = _iso_date(raw.get("date"), path, file)
        doc_id = entry.get("doc_id")
        if doc_id:
            if doc_id in doc_ids:
                raise LoadError(path, f"doc_id {doc_id} staat bij {doc_ids[doc_id]} en bij {file}")
            doc_ids[doc_id] = file
        entries[file] = entry
    return entries


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def doc_id_for(path: Path, entry: dict | None) -> str:
    """The manifest's doc_id, else a slug of the file name (stable across runs and machines)."""
    if entry and entry.get("doc_id"):
        return str(entry["doc_id"])
    return _slug(path.stem) or "document-" + hashlib.sha1(path.stem.encode()).hexdigest()[:8]


def _decode(data: bytes, path: Path) -> str:
    """Strict UTF-8 (with or without BOM) or UTF-16 with BOM: guessing other encodings garbles words."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        label = "UTF-16" if utf16 else "UTF-8"
        raise LoadError(
            path, f"tekst is geen geldige {label} (fout bij byte {exc.start}); sla het bestand op als UTF-8"
        ) from exc


RawPage = tuple[int | None, str, list[str], tuple[str, ...]]  # number, body, footnotes, furniture


def _text_pages(data: bytes, path: Path) -> list[RawPage]:
    """A text file is one page, unless form feeds (as pdftotext writes) mark its pages."""
    text = _decode(data, path)
    if path.suffix.lower() == ".md":
        # Rendered Markdown is already in the cleaned shape (see load_file). A first
        # "SOURCE: ..." line records where a file came from; it is not part of the document.
        if text.startswith(_SOURCE_PREFIX):
            text = text.partition("\n")[2]
        return [(None, markdown_to_text(text), [], ())]
    if "\f" not in text:
        return [(None, text, [], ())]
    parts = text.split("\f")
    return [(n, part, [], ()) for n, part in enumerate(strip_repeated_lines(parts), start=1)]


def _with_ligatures_read(pages: list[RawPage]) -> list[RawPage]:
    """The pages with ligature glyphs that the PDF maps to private-use characters read as the
    letters they show ("hee\ue01et" -> "heeft"; `assistant.lost_glyphs`)."""
    mapping = ligature_map([t for _, body, footnotes, _ in pages for t in (body, *footnotes)])
    if not mapping:
        return pages
    return [
        (
            number,
            restore_ligatures(body, mapping),
            [restore_ligatures(f, mapping) for f in footnotes],
            furniture,
        )
        for number, body, footnotes, furniture in pages
    ]


def _pdf_pages(data: bytes, path: Path, limits: PdfLimits | None = None) -> tuple[list[RawPage], int]:
    """`_read_pdf_pages` in the PDF worker (`assistant.pdf_guard`) when `limits` are given: a bomb
    costs bounded time and memory. Without limits the PDF is parsed in this process (a caller
    that reads its own, trusted files; every corpus ingest passes the settings' limits)."""
    if limits is None:
        return _read_pdf_pages(data, path)
    try:
        return run_bounded(_read_pdf_pages, (data, path), limits)
    except PdfTooCostly as exc:
        raise LoadError(path, exc.reason) from None


def _read_pdf_pages(data: bytes, path: Path) -> tuple[list[RawPage], int]:
    """The reader's text of each page (`assistant.pdf_layout`) and the hidden characters dropped."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # Many "protected" PDFs only carry an owner password and open with an empty one.
            raise LoadError(path, "PDF is beveiligd met een wachtwoord; sla een onbeveiligde versie op")
        runs = [_runs(page) for page in reader.pages]
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise LoadError(path, "PDF is beveiligd met een wachtwoord; sla een onbeveiligde versie op") from exc
    except DependencyError as exc:
        raise LoadError(path, f"PDF gebruikt een versleuteling die niet gelezen kan worden ({exc})") from exc
    except (LimitReachedError, RecursionError, MemoryError):
        raise LoadError(path, _BOMB_REASON) from None
    except Exception as exc:  # PdfReadError, and on damaged files many other kinds of errors
        raise LoadError(path, _damage_reason(data)) from exc
    layouts = iter(layout_pages([r for r in runs if isinstance(r, PageRuns)]))
    # Pages read as plain text lose only repeated edge lines and page numbers (by pattern).
    plain = iter(strip_repeated_lines([r for r in runs if isinstance(r, str)]))
    pages: list[RawPage] = []
    hidden = 0
    for number, result in enumerate(runs, start=1):
        layout = next(layouts) if isinstance(result, PageRuns) else PageLayout(body=next(plain))
        pages.append((number, layout.body, layout.footnotes, tuple(layout.furniture)))
        hidden += layout.hidden_chars
    return pages, hidden


_BOMB_REASON = (
    "PDF bevat onredelijk veel of te diep geneste gegevens "
    "(mogelijk een opzettelijk zwaar bestand); niet gelezen"
)


def _runs(page: PageObject) -> PageRuns | str:
    """The page's positioned runs; pypdf's plain text when the layout engine fails on its fonts."""
    try:
        runs = page_runs(page)
    except Exception:  # layout mode fails on some fonts where plain extraction still works
        return page.extract_text()
    return runs if runs.reliable else page.extract_text()


def _damage_reason(data: bytes) -> str:
    """Say what is wrong in words the user can act on (wrong extension, broken copy, damage)."""
    if b"%PDF-" not in data[:1024]:
        return "bestand is geen PDF (verkeerde extensie?)"
    if b"%%EOF" not in data[-2048:]:
        return "PDF is onvolledig (afgebroken download of kopie?)"
    return "PDF is beschadigd en kan niet gelezen worden"


def _markdown_pages(raw_pages: list[RawPage]) -> list[Page]:
    """Rendered Markdown (`_text_pages`) is final: one page of text, nothing to reflow or place."""
    return [Page(number, body) for number, body, _, _ in raw_pages if body]


def _ocr_missing_pages(
    data: bytes, raw_pages: list[RawPage], language: str | None
) -> tuple[list[RawPage], set[int | None]]:
    """PDF pages without text get OCR text (assistant/ocr.py); also returns the numbers of those pages."""
    if language is None or not any(needs_ocr(page[1]) for page in raw_pages) or not ocr_available(language):
        return raw_pages, set()
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")  # _pdf_pages has already opened it this way
    texts, done = ocr_missing_pages(reader, [page[1] for page in raw_pages], language, pdf_data=data)
    pages = [(page[0], text, page[2], page[3]) for page, text in zip(raw_pages, texts, strict=True)]
    return pages, {raw_pages[i][0] for i in done}


def _no_text_reason(language: str | None) -> str:
    if language is None:
        return OCR_DISABLED_REASON
    return OCR_FOUND_NOTHING_REASON if ocr_available(language) else OCR_MISSING_REASON


def load_file(
    path: Path,
    entry: dict | None = None,
    ocr_language: str | None = None,
    pdf_limits: PdfLimits | None = None,
) -> SourceDocument:
    """Load one file with its manifest entry (or none) into cleaned pages; raises `LoadError`.

    `meta.source_file` is the file name here; `corpus.load_corpus` makes it relative to the corpus folder.
    PDF pages without a text layer are OCRed in `ocr_language` (a Tesseract language such as
    "nld"; None: no OCR) when Tesseract is installed, and marked `Page.ocr`. A PDF is parsed
    within `pdf_limits` (time and memory; `assistant.pdf_guard`) in a worker process; without
    limits, in this process.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, f"bestandstype {suffix or '(geen)'} wordt niet ondersteund")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"bestand kan niet gelezen worden ({exc.strerror or exc})") from exc
    if not data:
        raise LoadError(path, "bestand is leeg (0 bytes)")

    if suffix == ".pdf":
        raw_pages, hidden_chars = _pdf_pages(data, path, pdf_limits)
    else:
        raw_pages, hidden_chars = _text_pages(data, path), 0
    ocr_pages: set[int | None] = set()
    if suffix == ".pdf":
        raw_pages, ocr_pages = _ocr_missing_pages(data, raw_pages, ocr_language)
        raw_pages = _with_ligatures_read(raw_pages)
    # Markdown is rendered straight into the cleaned shape; the cleaner's reflow would only damage it.
    assemble = _markdown_pages if suffix == ".md" else assemble_pages
    pages = [replace(page, ocr=page.number in ocr_pages) for page in assemble(raw_pages)]
    if not pages:
        if suffix == ".pdf":
            raise LoadError(path, _no_text_reason(ocr_language))
        raise LoadError(path, "bestand bevat geen tekst")

    entry = entry or {}
    # Manifest values win; what the manifest leaves empty is read from the document itself.
    info = pdf_info(data) if suffix == ".pdf" else {}
    derived = derive_metadata("\n\n".join(page.text for page in pages), info, path.name)
    meta = DocumentMeta(
        doc_id=doc_id_for(path, entry),
        title=entry.get("title") or derived.title or path.name,
        doc_type=entry.get("type") or derived.doc_type or UNKNOWN_TYPE,
        source_file=path.name,
        date=entry.get("date") or derived.date,
        kamerstuk=entry.get("kamerstuk") or derived.kamerstuk,
        author=entry.get("author") or derived.author,
        recipient=entry.get("recipient") or derived.recipient,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return SourceDocument(meta=meta, pages=pages, hidden_chars=hidden_chars)
