"""Files in the corpus folder -> `SourceDocument`s with metadata, one bad file at a time.

Users drop whatever they have into the corpus folder: scans, password-protected
PDFs, half-copied files, text in odd encodings. Each file is loaded on its own
and a file that cannot be used becomes a `SkippedFile` with a Dutch reason the
user can act on, so one bad file never stops the rest of the corpus.
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
from pypdf.errors import DependencyError, FileNotDecryptedError

from assistant.cleaning import clean_text, strip_repeated_lines
from assistant.markdown_text import markdown_to_text
from assistant.types import DocumentMeta, Page, SkippedFile, SourceDocument

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")
MANIFEST_NAME = "manifest.yaml"
UNKNOWN_TYPE = "onbekend"
_TITLE_MAX_CHARS = 120
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


def _text_pages(data: bytes, path: Path) -> list[tuple[int | None, str]]:
    """A text file is one page, unless form feeds (as pdftotext writes) mark its pages."""
    text = _decode(data, path)
    if path.suffix.lower() == ".md":
        # Rendered Markdown is already in the cleaned shape (see load_file). A first
        # "SOURCE: ..." line records where a file came from; it is not part of the document.
        if text.startswith(_SOURCE_PREFIX):
            text = text.partition("\n")[2]
        return [(None, markdown_to_text(text))]
    if "\f" not in text:
        return [(None, text)]
    parts = text.split("\f")
    return list(enumerate(strip_repeated_lines(parts), start=1))


def _pdf_pages(data: bytes, path: Path) -> list[tuple[int | None, str]]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # Many "protected" PDFs only carry an owner password and open with an empty one.
            raise LoadError(path, "PDF is beveiligd met een wachtwoord; sla een onbeveiligde versie op")
        raw_pages = [_extract(page) for page in reader.pages]
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise LoadError(path, "PDF is beveiligd met een wachtwoord; sla een onbeveiligde versie op") from exc
    except DependencyError as exc:
        raise LoadError(path, f"PDF gebruikt een versleuteling die niet gelezen kan worden ({exc})") from exc
    except Exception as exc:  # PdfReadError, and on damaged files many other kinds of errors
        raise LoadError(path, _damage_reason(data)) from exc
    texts = strip_repeated_lines(raw_pages)
    return [(page.page_number + 1, text) for page, text in zip(reader.pages, texts, strict=True)]


def _damage_reason(data: bytes) -> str:
    """Say what is wrong in words the user can act on (wrong extension, broken copy, damage)."""
    if b"%PDF-" not in data[:1024]:
        return "bestand is geen PDF (verkeerde extensie?)"
    if b"%%EOF" not in data[-2048:]:
        return "PDF is onvolledig (afgebroken download of kopie?)"
    return "PDF is beschadigd en kan niet gelezen worden"


def _extract(page: PageObject) -> str:
    """Layout mode keeps the blank lines between paragraphs that the cleaner needs; plain is the fallback."""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some fonts where plain extraction still works
        text = ""
    return text if text.strip() else page.extract_text()


def _first_meaningful_line(pages: list[Page]) -> str | None:
    """The first line with a real word in it, shortened at a word boundary: a title for unlisted files."""
    for page in pages:
        for line in page.text.split("\n"):
            line = line.removeprefix("- ").strip()
            if re.search(r"[^\W\d_]{3}", line):
                if len(line) <= _TITLE_MAX_CHARS:
                    return line
                return line[:_TITLE_MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return None


def load_file(path: Path, entry: dict | None = None) -> SourceDocument:
    """Load one file with its manifest entry (or none) into cleaned pages; raises `LoadError`.

    `meta.source_file` is the file name here; `load_corpus` makes it relative to the corpus folder.
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

    raw_pages = _pdf_pages(data, path) if suffix == ".pdf" else _text_pages(data, path)
    # Markdown is rendered straight into the cleaned shape; reflowing it would join table rows.
    clean = str.strip if suffix == ".md" else clean_text
    pages = [Page(number, text) for number, raw in raw_pages if (text := clean(raw))]
    if not pages:
        if suffix == ".pdf":
            raise LoadError(path, "PDF bevat geen uitleesbare tekst (waarschijnlijk een scan zonder OCR)")
        raise LoadError(path, "bestand bevat geen tekst")

    entry = entry or {}
    meta = DocumentMeta(
        doc_id=doc_id_for(path, entry),
        title=entry.get("title") or _first_meaningful_line(pages) or path.name,
        doc_type=entry.get("type") or UNKNOWN_TYPE,
        source_file=path.name,
        date=entry.get("date"),
        kamerstuk=entry.get("kamerstuk"),
        author=entry.get("author"),
        recipient=entry.get("recipient"),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return SourceDocument(meta=meta, pages=pages)


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


def load_corpus(corpus_dir: Path, max_file_mb: float) -> tuple[list[SourceDocument], list[SkippedFile]]:
    """Load every document under `corpus_dir` (recursively, in sorted order) and report the rest.

    Raises `LoadError` only for a missing folder or a malformed manifest; any
    single bad file is reported as a `SkippedFile` with its doc_id, so the index
    can keep what it already had of that file.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise LoadError(corpus_dir, "map met documenten bestaat niet")
    manifest = load_manifest(corpus_dir)
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
        if doc_id in seen_ids:
            reason = (
                f"doc_id {doc_id} is al in gebruik voor {seen_ids[doc_id]}; "
                "geef dit bestand een eigen doc_id in het manifest"
            )
            skipped.append(SkippedFile(relative, reason, None))
            continue
        seen_ids[doc_id] = relative
        size_mb = path.stat().st_size / (1024 * 1024)
        if size_mb > max_file_mb:
            reason = f"bestand is te groot ({_format_mb(size_mb)} MB; maximaal {_format_mb(max_file_mb)} MB)"
            skipped.append(SkippedFile(relative, reason, doc_id))
            continue
        try:
            document = load_file(path, entry)
        except LoadError as exc:
            skipped.append(SkippedFile(relative, exc.reason, doc_id))
            continue
        documents.append(replace(document, meta=replace(document.meta, source_file=relative)))
    return documents, skipped
