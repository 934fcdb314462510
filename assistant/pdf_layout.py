"""Positioned text runs of PDF pages -> the text a reader sees, page by page.

A reader of a printed letter skips the running header and footer, reads a
two-column page column by column, reads a table row by row with the column
heads in mind, and reads a footnote when its marker sends them there. This
module does the same with the runs of `assistant.pdf_runs`:

- runs on one baseline become a line; small raised digits become superscript
  footnote markers ("…regenboogbeleid»?¹") (`assistant.pdf_lines`);
- page furniture is removed: lines in the top or bottom band of the page that
  repeat on other pages (numbers ignored), and, on any page, lines that look
  like furniture by their pattern (page numbers, "Pagina N van M", ISSN lines,
  "Tweede Kamer, vergaderjaar …", document codes such as "ah-tk-…");
- footnotes (a block of smaller lines at the foot of the page, starting with a
  marker) are separated from the body;
- a region of lines with a common empty gutter and running text on both sides
  is read as two columns; a region of short aligned cells is a table, whose rows
  become quotable lines with their column names (`assistant.tables`); labels that
  hang left of their values ("Besluit:", "Noot:") give one line per label, with
  the value's wrapped lines joined to it;
- a vertical gap larger than the line pitch becomes a blank line (paragraph break).

The output per page (`PageLayout`) is raw text for `assistant.cleaning.clean_text`
plus the footnote texts, so later stages get body text and footnotes apart.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from assistant.hyphenation import join_wrapped
from assistant.pdf_labels import continues_label, is_label_row, label_list, value_x
from assistant.pdf_lines import SUPERSCRIPTS, Line, group_lines
from assistant.pdf_runs import PageRuns
from assistant.tables import has_header, pair_lines, table_lines

# Furniture lives in the top/bottom 12 % of a page (A4: ~100 pt, the usual
# margin band of Rijksoverheid and Tweede Kamer documents in ../shared/corpora).
_EDGE_BAND = 0.12
_MIN_REGION_LINES = 3  # columns and tables need at least this many lines
_FURNITURE_PATTERNS = re.compile(
    r"""^(?:
        [-–—\s]*(?:pagina|page|blz\.?|p\.)?\s*\d{1,4}(?:\s*(?:van|of|/)\s*\d{1,4})?[-–—\s]*
      | ISSN\s*\d{4}\s*[-–]?\s*\d{3}[\dXx].*
      | [’']s-Gravenhage\s+\d{4}
      | (?:[’']s-Gravenhage\s+\d{4}\s+)?(?:Tweede|Eerste)\s+Kamer,\s+vergaderjaar\s+\d{4}\s*[–-]\s*\d{4},
        \s*(?:Aanhangsel|\d[\d\s]*[A-Z]*,\s*nr\.\s*\d+)(?:\s+\d+)?
      | (?:ah|kst|stb|stcrt|trb|h)-[a-z]*-?\d[\w-]*\s*
      | .*\bPagina\s+\d+\s+van\s+\d+\s*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A cell that is only a number: a page number at either end of an edge line, or a figure in a table
# row near the top or bottom of the page (the Wassenaar budget 2025: "Baten 2.483 102 105 105 105"
# lost its middle figures). `_FIGURE` is any figure, with thousands separators or decimals.
_BARE_NUMBER = re.compile(r"[-–—\s]*\d{1,4}[-–—\s]*")
_FIGURE = re.compile(r"[-–—\s]*-?€?\s*\d[\d.,]*[-–—\s]*")


@dataclass
class PageLayout:
    """One page as a reader sees it: body text (raw, for the cleaner) and footnotes apart."""

    body: str
    footnotes: list[str] = field(default_factory=list)  # each starts with its superscript marker
    furniture: list[str] = field(default_factory=list)  # removed header/footer lines
    hidden_chars: int = 0
    tables: int = 0
    columns: int = 0  # regions read as two columns


def _in_edge_band(line: Line, page: PageRuns) -> bool:
    top = page.bottom + page.height * (1 - _EDGE_BAND)
    bottom = page.bottom + page.height * _EDGE_BAND
    return line.y >= top or line.y <= bottom


def _strip_furniture_cells(page: PageRuns, lines: list[Line]) -> list[str]:
    """Remove furniture that shares a baseline with body text ("… 650 m³.    Pagina 2 van 5").

    Only cells of edge-band lines with more than one cell are looked at; a cell
    that matches a furniture pattern is taken out of its line and returned.
    """
    removed = []
    for line in lines:
        if len(line.cells) < 2 or not _in_edge_band(line, page):
            continue
        numbers = sum(bool(_FIGURE.fullmatch(line.cell_text(i))) for i in range(len(line.cells)))
        for index in range(len(line.cells) - 1, -1, -1):
            text = line.cell_text(index)
            if _BARE_NUMBER.fullmatch(text) and (numbers > 1 or 0 < index < len(line.cells) - 1):
                continue  # a figure of a table row ("Baten 2.483 102 105"), not a page number
            if _FURNITURE_PATTERNS.match(text) and len(line.cells) > 1:
                removed.append(text)
                del line.cells[index]
    return removed


def find_furniture(pages: list[tuple[PageRuns, list[Line]]]) -> list[set[int]]:
    """Indexes of the furniture lines of each page (see the module docstring).

    A line in the edge band is furniture when its key repeats in the edge band of
    at least two pages and of at least half of them, or when it matches a
    furniture pattern; a pattern match in the middle of a page is body text.
    """
    counts: Counter[str] = Counter()
    for page, lines in pages:
        counts.update({line.key() for line in lines if _in_edge_band(line, page)})
    threshold = max(2, len(pages) / 2)
    result = []
    for page, lines in pages:
        found = set()
        for index, line in enumerate(lines):
            if not _in_edge_band(line, page):
                continue
            if (len(pages) > 1 and counts[line.key()] >= threshold) or _FURNITURE_PATTERNS.match(line.text):
                found.add(index)
        result.append(found)
    return result


def _body_height(lines: list[Line]) -> float:
    """The font height most characters of the page are set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.height, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _split_footnotes(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Body lines and the footnote block at the foot of the page (smaller text from a marker on)."""
    body_height = _body_height(lines)
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.height >= 0.92 * body_height:
            break
        if re.match(r"^\d{1,3}\s", line.text) or re.match(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+", line.text):
            start = index
    return lines[:start], lines[start:]


def _footnote_texts(lines: list[Line]) -> list[str]:
    """Footnote lines -> one raw text per footnote (its lines), starting with its superscript marker."""
    notes: list[str] = []
    for line in lines:
        text = line.text
        match = re.match(r"^(\d{1,3})\s+(.*)$", text)
        if match:
            notes.append(f"{match.group(1).translate(SUPERSCRIPTS)} {match.group(2)}")
        elif re.match(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+", text) or not notes:
            notes.append(text)
        else:
            notes[-1] = f"{notes[-1]}\n{text}"  # the cleaner rejoins wrapped and hyphenated lines
    return notes


def _words_per_cell(lines: list[Line]) -> float:
    counts = [len(line.cell_text(i).split()) for line in lines for i in range(len(line.cells))]
    return statistics.median(counts) if counts else 0.0


def _regions(lines: list[Line], pitch: float) -> list[tuple[int, int]]:
    """Maximal runs [start, end) of two or more consecutive lines with two or more cells.

    In a run whose lines are all label rows with their values at one x (`pdf_labels.is_label_row`),
    a one-cell line that carries on the value of the row above (`pdf_labels.continues_label`) does
    not end the run; such a run ends before the first line that is not a label row with its value
    there.
    `pitch` is the page's usual distance between baselines (`_pitch`, points).
    """
    regions: list[tuple[int, int]] = []
    start: int | None = None
    values_at: float | None = None  # the values' x while every multi-cell line of the run is a label row
    continued = False  # the run holds lines that carry on a label's value
    row: Line | None = None  # the run's last label row

    def close(end: int) -> None:
        if start is not None and end - start >= 2:
            regions.append((start, end))

    for index, line in enumerate(lines):
        if len(line.cells) >= 2:
            label = is_label_row(line)
            same = label and values_at is not None and abs(value_x(line) - values_at) <= 2
            if start is None or (continued and not same):
                close(index)
                start, values_at, continued = index, (value_x(line) if label else None), False
            elif not same:
                values_at = None
            row = line if label else None
        elif values_at is not None and row and continues_label(row, lines[index - 1], line, pitch):
            continued = True
        else:
            close(index)
            start, values_at, continued, row = None, None, False, None
    close(len(lines))
    return regions


def _spans(line: Line) -> list[tuple[float, float]]:
    """Where each cell of a line starts and ends horizontally (points)."""
    return [(cell[0].x0, max(r.x1 for r in cell)) for cell in line.cells]


def _gutter(lines: list[Line]) -> float | None:
    """An x position that no cell of these lines crosses and that splits every line, if any."""
    spans = [_spans(line) for line in lines]
    candidates = sorted({(cells[0][1] + cells[1][0]) / 2 for cells in spans})
    for x in candidates:
        if all(
            any(x1 <= x for _, x1 in cells)
            and any(x0 >= x for x0, _ in cells)
            and not any(x0 < x < x1 for x0, x1 in cells)
            for cells in spans
        ):
            return x
    return None


def _column_text(lines: list[Line], gutter: float) -> list[str]:
    """Two columns: the left column's lines, a blank line, then the right column's lines."""
    left, right = [], []
    for line in lines:
        left_cells = [i for i, cell in enumerate(line.cells) if cell[0].x0 < gutter]
        right_cells = [i for i, cell in enumerate(line.cells) if cell[0].x0 >= gutter]
        left.append(" ".join(line.cell_text(i) for i in left_cells))
        right.append(" ".join(line.cell_text(i) for i in right_cells))
    return [*filter(None, left), "", *filter(None, right)]


# What a list item starts with: a bullet glyph ("-", "•", "\uf0b7", a hollow "o") or a number or
# letter ("1.", "a)").
_BULLET_MARKER = re.compile(r"^(?:[^\w\s]{1,2}|o)$")
_ITEM_MARKER = re.compile(r"^(?:[^\w\s]{1,2}|o|\d{1,2}[.)]|[a-z][.)])$")


def _list_items(lines: list[Line]) -> bool:
    """Whether every line is a list marker in a cell of its own followed by the item's text: the
    marker column is no column of text, nor a table column. (Read as two columns, the Iv3
    informatievoorschrift's three-item lists came out as "- - - item; item; item".)"""
    return all(len(line.cells) >= 2 and _ITEM_MARKER.match(line.cell_text(0).strip()) for line in lines)


def _item_text(line: Line) -> str:
    """A list line as the cleaner reads an item: "- text" for a bullet, "1. text" for a number."""
    marker = line.cell_text(0).strip()
    text = " ".join(line.cell_text(i) for i in range(1, len(line.cells)))
    return f"- {text}" if _BULLET_MARKER.match(marker) else f"{marker} {text}"


def _aligned(lines: list[Line]) -> bool:
    """A table: every cell of every row overlaps a header cell horizontally (columns line up)."""
    header = _spans(lines[0])
    return all(
        any(min(x1, b) > max(x0, a) for a, b in header) for line in lines[1:] for x0, x1 in _spans(line)
    )


def _is_table(lines: list[Line]) -> bool:
    """Short aligned cells; a table of one row under its header needs three columns."""
    enough = len(lines) >= _MIN_REGION_LINES or len(lines[0].cells) >= 3
    return enough and _words_per_cell(lines) <= 5 and _aligned(lines)


def _table_rows(lines: list[Line]) -> list[list[str]]:
    """Cells assigned to the header's columns by horizontal overlap (nearest column otherwise)."""
    spans = _spans(lines[0])
    rows = []
    for line in lines:
        row = [""] * len(spans)
        for i, (x0, x1) in enumerate(_spans(line)):
            overlap = [min(x1, b) - max(x0, a) for a, b in spans]
            best = max(range(len(spans)), key=lambda k: (overlap[k], -abs((x0 + x1) / 2 - sum(spans[k]) / 2)))
            row[best] = f"{row[best]} {line.cell_text(i)}".strip()
        if not row[0] and rows:  # a cell's text wrapped onto the next line
            rows[-1] = [join_wrapped(a, b) if a and b else a or b for a, b in zip(rows[-1], row, strict=True)]
        else:
            rows.append(row)
    return rows


def _continuation_end(lines: list[Line], end: int, pitch: float) -> int:
    """Extend a table over the single-cell lines that continue its last row's wrapped cell."""
    spans = _spans(lines[end - 1])
    while end < len(lines):
        line = lines[end]
        close = pitch and lines[end - 1].y - line.y <= 1.4 * pitch
        under_a_cell = any(abs(line.x0 - x0) <= 2 for x0, _ in spans[1:])
        if not (len(line.cells) == 1 and close and under_a_cell):
            break
        end += 1
    return end


def _pitch(lines: list[Line]) -> float:
    """The usual distance between the baselines of one paragraph (points; 0 for a single line).

    The median distance, capped at 1.35 font heights (common leading is 1.2),
    so a page whose paragraphs are all one line apart still shows its gaps.
    """
    pitches = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False) if a.y > b.y]
    if not pitches:
        return 0.0
    return min(statistics.median(pitches), 1.35 * _body_height(lines))


def _text_with_gaps(lines: list[Line], pitch: float, items: dict[int, str] | None = None) -> list[str]:
    """Line texts with a blank line wherever the vertical gap exceeds the usual line pitch; `items`
    gives the text of list lines by `id(line)` (`_item_text`)."""
    if not lines:
        return []
    items = items or {}
    out = [items.get(id(lines[0]), lines[0].text)]
    for previous, line in zip(lines, lines[1:], strict=False):
        if pitch and previous.y - line.y > 1.4 * pitch:
            out.append("")
        out.append(items.get(id(line), line.text))
    return out


def _body_text(lines: list[Line], layout: PageLayout) -> str:
    """Body lines -> raw text: columns read in order, tables as rows with column names."""
    out: list[str] = []
    cursor = 0
    pitch = _pitch(lines)
    items: dict[int, str] = {}
    for start, end in _regions(lines, pitch):
        region = lines[start:end]
        if _list_items(region):  # read line by line, the marker made plain
            items |= {id(line): _item_text(line) for line in region}
            continue
        if label_list(region):  # one line per label, its value's wrapped lines joined to it
            body = pair_lines(_table_rows(region))
            out += [*_text_with_gaps(lines[cursor:start], pitch, items), "", *body, ""]
            cursor = end
            continue
        gutter = _gutter(region)
        two_columns = gutter is not None and all(len(line.cells) == 2 for line in region)
        if two_columns and len(region) >= _MIN_REGION_LINES and _words_per_cell(region) >= 4:
            out += [
                *_text_with_gaps(lines[cursor:start], pitch, items),
                "",
                *_column_text(region, gutter),
                "",
            ]
            layout.columns += 1
        elif _is_table(region):
            end = _continuation_end(lines, end, pitch)
            region = lines[start:end]
            rows = _table_rows(region)
            body = table_lines(rows) if has_header(rows) else pair_lines(rows)
            out += [*_text_with_gaps(lines[cursor:start], pitch, items), "", *body, ""]
            layout.tables += 1
        else:
            continue
        cursor = end
    out += _text_with_gaps(lines[cursor:], pitch, items)
    return "\n".join(out)


def layout_pages(pages: list[PageRuns]) -> list[PageLayout]:
    """The reader's text of every page of one document (furniture is judged across pages)."""
    lined = [(page, group_lines(page.runs)) for page in pages]
    inline = [_strip_furniture_cells(page, lines) for page, lines in lined]
    furniture = find_furniture(lined)
    result = []
    for (page, lines), drop, cells in zip(lined, furniture, inline, strict=True):
        kept = [line for i, line in enumerate(lines) if i not in drop]
        body, notes = _split_footnotes(kept)
        layout = PageLayout(
            body="",
            footnotes=_footnote_texts(notes),
            furniture=[lines[i].text for i in sorted(drop)] + cells,
            hidden_chars=page.hidden_chars,
        )
        layout.body = _body_text(body, layout)
        result.append(layout)
    return result
