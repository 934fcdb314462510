"""Labels that hang left of their values: the fields of a decision list ("Zaak: ...", "Besluit: ...").

Tweede Kamer and municipal decision lists print each agenda item as labels in a left column and
values beside them that wrap over several lines. `assistant.pdf_layout` reads such a region as one
line per label with the value's wrapped lines joined (`assistant.tables.pair_lines`); these tests
tell it which lines belong to one.
"""

from __future__ import annotations

from assistant.pdf_lines import Line

# A label that hangs left of its value, a wide gap apart: "Besluit:", "Volgcommissie(s):".
_LABEL_WORDS = 4


def is_label_row(line: Line) -> bool:
    """A line whose first cell is a short label ending in a colon, its value in the cells after it."""
    label = line.cell_text(0).strip()
    return len(line.cells) >= 2 and label.endswith(":") and len(label.split()) <= _LABEL_WORDS


def value_x(row: Line) -> float:
    """Where the value of a label row starts (points)."""
    return row.cells[1][0].x0


def continues_label(row: Line, previous: Line, line: Line, pitch: float) -> bool:
    """Whether a one-cell line carries on the value of label row `row`: it starts under the value
    (within 2 pt) and follows the line before it at the usual pitch."""
    under_value = abs(line.x0 - value_x(row)) <= 2
    return len(line.cells) == 1 and under_value and bool(pitch) and previous.y - line.y <= 1.4 * pitch


def label_list(lines: list[Line]) -> bool:
    """A list of labels and values, such as the items of a Tweede Kamer decision list ("5.
    Agendapunt: ...", "Zaak: ...", "Besluit: ..."): every line is a label row, the values starting
    at one x (a numbered label starts further left), or carries on the value of the row above it.
    Read as two columns, such a list put its labels under one another, apart from their values."""
    rows = [line for line in lines if len(line.cells) >= 2]
    return all(is_label_row(line) and abs(value_x(line) - value_x(rows[0])) <= 2 for line in rows)
