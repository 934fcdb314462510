"""The PDF's own document information: /Title, /Subject and /Author, without the junk writers leave there.

`assistant.metadata` falls back to these when the text does not state a title or
author; they are often stale (left over from a template) or junk, so only values
that look like real words are returned. Only the trailer and the info dictionary
are read, not the pages.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from assistant.metadata import tidy

# Producer and tool names, placeholders and log-in names that PDF writers leave in /Title and /Author.
_JUNK_INFO = re.compile(
    r"^(?:none|null|untitled|anonymous|unknown|onbekend|titel|title|document\d*|logo\b.*|"
    r"microsoft (?:word|powerpoint|excel)\b.*|.*\.(?:docx?|xml|pdf|odt|rtf)|.*https?://.*|"
    r"ibabs|service_\w+|[a-z]+\d+)$",
    re.I,
)


def pdf_info(data: bytes) -> dict[str, str]:
    """The PDF's own /Title, /Subject and /Author (only those that are not junk); {} when unreadable.

    Opens only the trailer and the info dictionary, not the pages, so it is cheap
    next to text extraction. Junk is what PDF writers put there by themselves:
    'None', 'untitled', 'Microsoft Word - x.docx', log-in names ('rdjonge',
    'berr0904', 'Service_Parlis'), producer URLs.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")  # as the loader does: many PDFs are locked with an owner password only
        info = reader.metadata or {}
        raw = {key: info.get(f"/{key}") for key in ("Title", "Subject", "Author")}
    except Exception:  # a damaged or encrypted file: the loader reports it; metadata just stays empty
        return {}
    result = {}
    for key, value in raw.items():
        text = tidy(str(value)) if value is not None else ""
        if text and not _JUNK_INFO.match(text) and re.search(r"[^\W\d_]{3}", text):
            result[key.lower()] = text
    return result
