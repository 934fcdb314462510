"""`SourceDocument` -> `Passage`s that follow the document's own structure.

A passage is what retrieval returns and what an answer cites, so it should be
one coherent piece of a section: whole paragraphs under one heading, a list
together with the sentence that introduces it, footnotes next to the text that
cites them. Only a paragraph too long for one passage is split, at sentence
boundaries and with some overlap so a fact on the seam is found from both sides.

Input is the cleaner's output shape (one paragraph or list item per line, see
`assistant.cleaning`). Every passage is an exact slice of its page's text, so
citations can be located and highlighted in the source.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from assistant.cleaning import SUPERSCRIPT_DIGITS
from assistant.tables import CELL_SEPARATOR, ROW_LABEL_SEPARATOR
from assistant.types import Page, Passage, SourceDocument

_HEADING_MAX_CHARS = 80
_HEADING_MAX_WORDS = 12
_HEADING_MAX_DEPTH = 2  # a heading directly followed by one sub-heading
SECTION_SEPARATOR = " › "  # between a heading and the sub-heading right under it
_BODY_MIN_CHARS = 100  # a line this long is running text even without a full stop
# "2.1 ", "3. ", and a number set off by a dash: "6.822 – Jeugdreclassering" (the Iv3 informatievoorschrift).
_NUMBER_PREFIX = re.compile(r"^\d+(?:\.\d+)*\.?\s+(?:[–—-]\s+)?")
_NUMBERED_ITEM = re.compile(r"^\d{1,2}[.)]\s+\S")
# A table row that names its columns: "Deventer — Bijdrage 2025: € 180.000" (assistant.tables).
_TABLE_ROW = re.compile(rf"{re.escape(ROW_LABEL_SEPARATOR)}[^:]+: \S")
_CLOSING = SUPERSCRIPT_DIGITS + "\"'”’»)]"
# Dots that do not end a sentence: "nr. 96", "Mr. Jansen"; initials and "o.a." are
# recognised by their shape (single letters between dots).
_ABBREVIATIONS = frozenset(
    [
        "nr",
        "nrs",
        "art",
        "blz",
        "bijv",
        "bv",
        "ca",
        "dhr",
        "mevr",
        "mr",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "jl",
        "resp",
        "incl",
        "excl",
        "zg",
        "zgn",
        "vgl",
        "etc",
        "enz",
    ]
)
_LAST_WORD = re.compile(r"\S*$")
_INITIALS = re.compile(r"^(?:\w\.)*\w$")
_SENTENCE_END = re.compile(rf"[.!?…][{re.escape(_CLOSING)}]*(?P<space>\s+)(?=[\"'“‘(«A-ZÀ-ÖØ-Þ])")


@dataclass
class _Unit:
    """One line of a page: a paragraph, list item, footnote or heading."""

    page: int  # index into doc.pages
    start: int
    end: int
    text: str
    kind: str  # "text" | "item" | "foot"
    heading: bool = False


def _is_complete(text: str) -> bool:
    return text.rstrip(_CLOSING).endswith((".", "!", "?", ":", ";"))


def _heading_like(text: str) -> bool:
    """Short, title-like, without final punctuation: "Social Labs", "2.1 Aanleiding"."""
    core = _NUMBER_PREFIX.sub("", text)
    return (
        len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and core[:1].isalpha()
        and core[:1].isupper()
        and not text.endswith((".", ",", ";", ":", "!", "?", "-"))
        and "," not in text
        and ";" not in text
        and _TABLE_ROW.search(text) is None  # a table row must stay in the passages to be quoted
    )


def _is_table_row(unit: _Unit) -> bool:
    return _TABLE_ROW.search(unit.text) is not None


def _is_table_header(unit: _Unit) -> bool:
    """The line naming a table's columns ("Gemeente; Bijdrage 2025"), see `assistant.tables`."""
    return CELL_SEPARATOR in unit.text and ROW_LABEL_SEPARATOR not in unit.text


def _is_body(unit: _Unit) -> bool:
    """Text a heading can introduce: a list item or running text (not a date line or a label)."""
    return unit.kind == "item" or (
        unit.kind == "text" and (_is_complete(unit.text) or len(unit.text) >= _BODY_MIN_CHARS)
    )


def _units(doc: SourceDocument) -> list[_Unit]:
    """All non-empty lines of the document, classified, with headings marked."""
    units: list[_Unit] = []
    for page_index, page in enumerate(doc.pages):
        page_units: list[_Unit] = []
        for match in re.finditer(r"[^\n]+", page.text):
            line = match.group()
            text = line.strip()
            if not text:
                continue
            start = match.start() + len(line) - len(line.lstrip())
            if text.startswith("- "):
                kind = "item"
            elif text[0] in SUPERSCRIPT_DIGITS:
                kind = "foot"
            else:
                kind = "text"
            page_units.append(_Unit(page_index, start, start + len(text), text, kind))
        # A numbered line is a list item when it sits in a list block (single newlines),
        # and a candidate numbered heading ("1. Inleiding") when it stands alone.
        for prev, nxt in zip(page_units, page_units[1:], strict=False):
            if "\n\n" not in page.text[prev.end : nxt.start]:
                for unit in (prev, nxt):
                    if _NUMBERED_ITEM.match(unit.text):
                        unit.kind = "item"
        units.extend(page_units)

    # A heading is followed by body text, possibly through a sub-heading
    # ("Voortgang activiteiten" / "SPUK Kansrijke Wijk" / text), across page breaks,
    # or by a table (its header line, then rows).
    for i in range(len(units) - 2, -1, -1):
        unit, following = units[i], units[i + 1]
        table_next = _is_table_header(following) and i + 2 < len(units) and _is_table_row(units[i + 2])
        unit.heading = (
            unit.kind == "text"
            and _heading_like(unit.text)
            and (following.heading or _is_body(following) or table_next)
        )
    # Three or more title-like lines in a row are a plain list (names, places), not
    # nested headings: as headings all but the last would vanish from the passages.
    run: list[_Unit] = []
    for unit in [*units, None]:
        if unit is not None and unit.heading:
            run.append(unit)
            continue
        if len(run) > _HEADING_MAX_DEPTH:
            for member in run:
                member.heading = False
        run = []
    return units


def _blocks(units: list[_Unit], chunk_chars: int) -> list[list[_Unit]]:
    """Group units that belong together: a lead-in with its list, a paragraph with its footnotes."""
    blocks: list[list[_Unit]] = []
    i = 0
    while i < len(units):
        unit = units[i]
        block = [unit]
        i += 1
        if unit.kind == "text" and unit.text.rstrip(_CLOSING).endswith(":"):
            while i < len(units) and units[i].kind == "item" and units[i].end - unit.start <= chunk_chars:
                block.append(units[i])
                i += 1
        elif unit.kind == "foot" and blocks and unit.end - blocks[-1][0].start <= chunk_chars:
            blocks[-1].append(unit)
            continue
        blocks.append(block)
    return blocks


def _sentence_bounds(text: str) -> tuple[list[int], list[int]]:
    """Where sentences end and the next ones start in one paragraph (abbreviations do not end them)."""
    ends, starts = [], []
    for match in _SENTENCE_END.finditer(text):
        last_word = _LAST_WORD.search(text, max(0, match.start() - 20), match.start())
        word = last_word.group().lower() if last_word else ""
        if word in _ABBREVIATIONS or _INITIALS.match(word):
            continue
        ends.append(match.start("space"))
        starts.append(match.end())
    return ends + [len(text)], starts


def _last_in(values: list[int], low: int, high: int) -> int | None:
    """The largest value v (sorted `values`) with low < v <= high."""
    i = bisect_right(values, high) - 1
    return values[i] if i >= 0 and values[i] > low else None


def _first_in(values: list[int], low: int, high: int) -> int | None:
    """The smallest value v (sorted `values`) with low <= v < high."""
    i = bisect_left(values, low)
    return values[i] if i < len(values) and values[i] < high else None


def _split_long(text: str, chunk_chars: int, overlap_chars: int) -> list[tuple[int, int]]:
    """Windows (start, end) over one oversize paragraph: cut at sentence ends, else at word ends.

    Each next window starts up to `overlap_chars` before the previous one ended,
    at a sentence start when one is close enough, otherwise at a word start.
    """
    overlap_chars = min(overlap_chars, chunk_chars // 2)
    sentence_ends, sentence_starts = _sentence_bounds(text)
    words = list(re.finditer(r"\S+", text))
    word_starts = [m.start() for m in words]
    word_ends = [m.end() for m in words]

    windows: list[tuple[int, int]] = []
    start, end = 0, 0
    while len(text) > start + chunk_chars:
        limit = start + chunk_chars
        # Offsets found here are > 0, so `or` falls through only when nothing was found.
        end = _last_in(sentence_ends, end, limit) or _last_in(word_ends, end, limit) or limit
        windows.append((start, end))
        low = max(end - overlap_chars, start + 1)
        start = (
            _first_in(sentence_starts, low, end)
            or _first_in(word_starts, low, end)
            or _first_in(word_starts, end, len(text))
            or end
        )
    windows.append((start, len(text)))
    return windows


def _passage_id(doc_id: str, page: int | None, text: str) -> str:
    return hashlib.sha1(f"{doc_id}|{page}|{text}".encode()).hexdigest()[:16]


def chunk_document(doc: SourceDocument, chunk_chars: int = 900, overlap_chars: int = 150) -> list[Passage]:
    """Split a document into passages of at most `chunk_chars` characters within one section and page."""
    spans: list[tuple[int, int, int, str | None]] = []  # (page index, start, end, section)
    section: str | None = None
    pending: list[_Unit] = []

    def flush() -> None:
        """Pack the pending units (one page, one section) into passages."""
        group_start = group_end = -1
        for block in _blocks(pending, chunk_chars):
            page, start, end = block[0].page, block[0].start, block[-1].end
            if group_start >= 0 and end - group_start <= chunk_chars:
                group_end = end
                continue
            if group_start >= 0:
                spans.append((page, group_start, group_end, section))
                group_start = -1
            if end - start <= chunk_chars:
                group_start, group_end = start, end
                continue
            text = doc.pages[page].text[start:end]
            for s, e in _split_long(text, chunk_chars, overlap_chars):
                spans.append((page, start + s, start + e, section))
        if group_start >= 0:
            spans.append((pending[-1].page, group_start, group_end, section))
        pending.clear()

    parent: str | None = None  # a heading with no text of its own yet
    for unit in _units(doc):
        if unit.heading or (pending and pending[-1].page != unit.page):
            flush()
        if unit.heading:
            # A heading directly under another one ("Voortgang activiteiten" / "SPUK
            # Kansrijke Wijk") keeps its parent in view, or the parent's words are lost.
            # The document's title above its first heading is shown with every citation anyway.
            section = f"{parent}{SECTION_SEPARATOR}{unit.text}" if parent else unit.text
            parent = unit.text if unit.text != doc.meta.title else None
        else:
            pending.append(unit)
            parent = None
    flush()

    passages: list[Passage] = []
    seen: Counter[str] = Counter()
    meta = doc.meta
    for index, (page_index, start, end, sect) in enumerate(spans):
        page = doc.pages[page_index]
        text = page.text[start:end]
        base = _passage_id(meta.doc_id, page.number, text)
        passage_id = f"{base}-{seen[base]}" if seen[base] else base
        seen[base] += 1
        passages.append(
            Passage(
                id=passage_id,
                doc_id=meta.doc_id,
                title=meta.title,
                doc_type=meta.doc_type,
                text=text,
                page=page.number,
                section=sect,
                start=start,
                end=end,
                chunk_index=index,
                date=meta.date,
                kamerstuk=meta.kamerstuk,
                doc_sha256=meta.sha256,
                page_end=_page_end(page, end),
            )
        )
    return passages


def _page_end(page: Page, end: int) -> int | None:
    """The next page's number when the passage reaches into text continued from it."""
    if page.number is not None and page.continues_at is not None and end > page.continues_at:
        return page.number + 1
    return None
