"""One uploaded file checked before it is stored: its type, size and content, and a safe name.

Nothing is stored before these checks pass (`assistant.uploads` stores). A check
that fails raises `UploadRejected` with a Dutch reason the user can act on. Text
saved as Windows-1252 or UTF-16 (common on Windows desktops) comes back as UTF-8,
the one encoding the loader accepts without a byte-order mark; a PDF must be a
PDF by its content, whatever its name says, and text must not be a PDF or binary.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from assistant.loading import SUPPORTED_SUFFIXES

ALLOWED_SUFFIXES = SUPPORTED_SUFFIXES
MB = 1024 * 1024  # the loader's megabyte, so both limits are counted alike
MAX_STEM_CHARS = 100
PDF_MAGIC = b"%PDF-"
PDF_HEADER_WINDOW = 1024  # the PDF spec allows the header anywhere in the first 1024 bytes
ALLOWED_CONTROL = {"\t", "\n", "\r", "\f"}


class UploadRejected(Exception):
    """A file failed a check; the message is the Dutch reason."""


def sanitise_filename(name: str) -> str:
    """A safe, readable file name: no folders, no hidden files, ASCII letters, digits, '.', '-', '_'.

    Accents are folded ("financiën" -> "financien") rather than dropped so the name
    stays recognisable; the suffix is lower-cased so the loader recognises it.
    """
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", folded)
    safe = re.sub(r"-{2,}", "-", safe).strip(".-_ ")[:MAX_STEM_CHARS].rstrip(".-_ ")
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())
    return f"{safe or 'document'}.{suffix}" if suffix else safe or "document"


def _dutch_mb(n_bytes: int) -> str:
    return f"{n_bytes / MB:.1f}".replace(".", ",")


def _check_text(data: bytes) -> bytes:
    """Return the text as UTF-8 bytes, or raise with the reason it is not readable text."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise UploadRejected("Het bestand bevat binaire gegevens, geen leesbare tekst.")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise UploadRejected(
            "De tekst kan niet worden gelezen: sla het bestand op als UTF-8-tekst."
        ) from None
    control = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROL)
    if control > len(text) // 100:
        raise UploadRejected("Het bestand bevat binaire gegevens, geen leesbare tekst.")
    if not text.strip():
        raise UploadRejected("Het bestand bevat geen tekst.")
    return text.encode("utf-8")


def check_upload(path: Path, max_mb: float) -> bytes:
    """The bytes to store for an uploaded file, or `UploadRejected` with the Dutch reason."""
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        shown = suffix or "zonder extensie"
        raise UploadRejected(
            f"Bestandstype {shown} wordt niet ondersteund: "
            "gebruik PDF (.pdf), tekst (.txt) of Markdown (.md)."
        )
    size = path.stat().st_size
    if size > max_mb * MB:
        limit = f"{max_mb:g}".replace(".", ",")
        raise UploadRejected(f"Het bestand is te groot ({_dutch_mb(size)} MB; maximaal {limit} MB).")
    if size == 0:
        raise UploadRejected("Het bestand is leeg.")
    data = path.read_bytes()
    is_pdf = PDF_MAGIC in data[:PDF_HEADER_WINDOW]
    if suffix == ".pdf":
        if not is_pdf:
            raise UploadRejected("Dit is geen geldig PDF-bestand (de inhoud is geen PDF).")
        return data
    if is_pdf:
        raise UploadRejected("De inhoud is een PDF: geef het bestand de extensie .pdf.")
    return _check_text(data)
