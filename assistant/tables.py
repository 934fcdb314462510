"""Table rows -> quotable lines that carry their column names.

A table is only useful to a reader with its header in view: "Deventer € 180.000 2"
means nothing on its own. Every table row (from a PDF page or a Markdown file)
therefore becomes one line of text that names its columns, so a question about
one row is answered, and cited, with exactly that row:

    Deventer — Bijdrage 2025: € 180.000; Aantal wijken: 2

The first column is the row's label; the other cells follow as "column: value".
"""

from __future__ import annotations

import re

ROW_LABEL_SEPARATOR = " — "
CELL_SEPARATOR = "; "
# Starts each table line handed to the cleaner, so it keeps the line whole and on
# its own (a private-use character: never in real text; the cleaner removes it).
ROW_MARK = "\ue000"
# A cell that holds only a figure (an amount, a count, a percentage, a dash for nil) and is no year.
_FIGURE = re.compile(r"(?!(?:19|20)\d\d$)[-–]?\s*€?\s*[-–]?\d[\d.,]*\s*%?")


def _clean_cell(cell: str) -> str:
    return " ".join(cell.split())


def row_text(header: list[str], cells: list[str]) -> str:
    """One table row as a line: "label — column: value; column: value".

    `header` and `cells` are the column names and the row's cell texts, in
    column order; they may differ in length (missing names or cells are skipped,
    empty cells are left out). Without a label (empty first cell) the row is
    "column: value; ..."; without column names the cells are joined with "; ".
    Returns "" for a row without any text.
    """
    cells = [_clean_cell(c) for c in cells]
    names = [_clean_cell(h) for h in header]
    label = cells[0] if cells else ""
    parts = []
    for index, value in enumerate(cells[1:], start=1):
        if not value:
            continue
        name = names[index] if index < len(names) else ""
        parts.append(f"{name}: {value}" if name else value)
    body = CELL_SEPARATOR.join(parts)
    if label and body:
        return f"{label}{ROW_LABEL_SEPARATOR}{body}"
    return label or body


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table (first row = header) as quotable lines: the header line, then one line per row.

    Each line starts with `ROW_MARK`, which tells `assistant.cleaning.clean_text`
    to keep it as a paragraph of its own (never joined with its neighbours).

    The header itself is kept as a plain line ("Gemeente; Bijdrage 2025; Aantal
    wijken") so every word of the table stays in the text. Rows without text
    are dropped. A table of one row yields that row joined with "; ".
    """
    rows = [[_clean_cell(c) for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    lines = [CELL_SEPARATOR.join(c for c in header if c)]
    lines.extend(line for row in body if (line := row_text(header, row)))
    return [ROW_MARK + line for line in lines]


def has_header(rows: list[list[str]]) -> bool:
    """Whether the first row names the columns, or is itself a row of a label/value list.

    A two-column list of labels and values ("Datum | 10-05-2022", "Tijd | 9:30")
    has no header row; its first row already carries a value. Labels often end in
    a colon ("Voortouwcommissie:"); otherwise, a column name is a few words
    without digits or punctuation ("Bedrag" over "€ 250.000"), where a value
    often has them ("Muzenzaal, Raadhuis De Paauw"); tables of
    three or more columns are taken to have a header (column names may hold a
    year: "Bijdrage 2025", "2026") unless a value column of the first row holds a figure.
    """
    if not rows:
        return True
    if len(rows[0]) != 2:
        # A first row with a figure in a value column is a row of data, not column names ("8 |
        # Energietoeslag | 133.000" under a header the page draws apart or in white on a band): taken
        # as the header, its figures named every column of every row ("Energietoeslag; -566.000:
        # 133.000", the Wassenaar jaarstukken 2023). Years are column names ("2025 | 2026").
        return not any(_FIGURE.fullmatch(cell.strip()) for cell in rows[0][1:])
    labels = [row[0].strip() for row in rows if row[0].strip()]
    if labels and sum(label.endswith(":") for label in labels) >= len(labels) / 2:
        return False  # "Datum:", "Locatie:" label the value beside them
    value = rows[0][1]
    return not any(ch.isdigit() or ch in ",.;" for ch in value) and len(value.split()) <= 4


def pair_lines(rows: list[list[str]]) -> list[str]:
    """A label/value list as quotable lines "label: value" (each marked with `ROW_MARK`)."""
    lines = []
    for row in rows:
        cells = [_clean_cell(c) for c in row if c.strip()]
        if cells:
            label = cells[0].rstrip(":")
            lines.append(ROW_MARK + (f"{label}: {'; '.join(cells[1:])}" if len(cells) > 1 else cells[0]))
    return lines
