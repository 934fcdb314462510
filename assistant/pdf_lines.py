"""Positioned text runs on one baseline -> a `Line`: its text, its cells and its height.

The first step of reading a PDF page (`assistant.pdf_layout` does the rest):
runs whose baselines lie within a run's height form a line, top to bottom; on a
line, a gap wider than a font height separates cells (of a table, or of two
columns), a gap a space wide becomes a space, and a small raised number after
text is a footnote marker, written as a superscript ("…regenboogbeleid»?¹").
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from assistant.pdf_runs import TextRun

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# A gap this many font heights wide separates cells (table) or columns; word
# spaces, even in loosely justified text, stay well below one height (an em).
# Case 03 (../shared/cases) has a gutter of 1.4 heights.
_CELL_GAP_HEIGHTS = 1.0


@dataclass
class Line:
    """Runs on one baseline, left to right, grouped into cells by wide gaps."""

    cells: list[list[TextRun]]
    y: float
    height: float  # the largest run height on the line (points)

    @property
    def x0(self) -> float:
        return self.cells[0][0].x0

    @property
    def x1(self) -> float:
        return max(run.x1 for run in self.cells[-1])

    def cell_text(self, index: int) -> str:
        return _join_runs(self.cells[index], self.height)

    @property
    def text(self) -> str:
        return " ".join(self.cell_text(i) for i in range(len(self.cells)))

    def key(self) -> str:
        """The line compared across pages: spacing and numbers ignored ("Pagina 3" ~ "Pagina 4")."""
        return re.sub(r"\d+", "#", " ".join(self.text.lower().split()))


def _is_marker(run: TextRun, line_height: float, baseline: float) -> bool:
    """A small raised number after text: a footnote marker."""
    return (
        run.text.strip().isdigit()
        and len(run.text.strip()) <= 3
        and run.height < 0.8 * line_height
        and run.y > baseline + 0.15 * line_height
    )


def _font_changes_at_word(previous: TextRun, run: TextRun, gap: float) -> bool:
    """A change of font between two words ("zijn" + bold "15 pagina's") where the widths lie.

    Some exporters position each font change absolutely while pypdf's widths for
    the font before it are too wide, so the measured gap is negative although a
    space is printed (the VWS audit reports in ../shared/corpora: "zijn15"). A font
    change inside a word is rare in Dutch text (superscript markers are handled apart).
    """
    font_change = abs(run.space - previous.space) > 0.05 * max(run.space, previous.space)
    at_word = (previous.text[-1:].isalnum() or previous.text[-1:] in ":;,.)") and run.text[:1].isalnum()
    return font_change and at_word and gap > -6 * max(run.space, previous.space)


def _join_runs(runs: list[TextRun], line_height: float) -> str:
    """Text of adjacent runs: a space where the gap is a space wide; markers as superscripts."""
    baseline = min(run.y for run in runs)
    out = ""
    previous: TextRun | None = None
    for run in runs:
        text = run.text
        if _is_marker(run, line_height, baseline) and previous is not None:
            out = out.rstrip() + text.strip().translate(SUPERSCRIPTS)
            previous = run
            continue
        if previous is not None and not out.endswith(" ") and not text.startswith(" "):
            gap = run.x0 - previous.x1
            if gap > 0.3 * max(run.space, previous.space) or _font_changes_at_word(previous, run, gap):
                out += " "
        out += text
        previous = run
    return " ".join(out.split())


def group_lines(runs: list[TextRun]) -> list[Line]:
    """Runs -> lines, top to bottom; a run joins a line when its baseline is within its height."""
    lines: list[list[TextRun]] = []
    for run in sorted(runs, key=lambda r: (-r.y, r.x0)):
        for members in reversed(lines[-3:]):
            anchor = max(members, key=lambda r: r.height)
            if abs(anchor.y - run.y) <= 0.5 * max(anchor.height, run.height) and not _overlaps(members, run):
                members.append(run)
                break
        else:
            lines.append([run])
    result = []
    for members in lines:
        members.sort(key=lambda r: r.x0)
        height = max(r.height for r in members)
        main = [r for r in members if r.height >= 0.8 * height] or members
        result.append(Line(_cells(members, height), statistics.median(r.y for r in main), height))
    result.sort(key=lambda line: -line.y)
    return result


def _overlaps(members: list[TextRun], run: TextRun) -> bool:
    """Whether a run would overprint recent text on the line at another height (then it is another line).

    Only the last few runs are compared: overprinting lines are drawn close together,
    and comparing all runs made pages set one glyph per run quadratic.
    """
    return any(
        r.x0 + 1 < run.x1 and run.x0 + 1 < r.x1 and abs(r.y - run.y) > 1 and r.text.strip()
        for r in members[-8:]
    )


def _cells(runs: list[TextRun], height: float) -> list[list[TextRun]]:
    """Runs of one line (left to right) grouped into cells wherever the gap is a cell gap wide."""
    cells: list[list[TextRun]] = [[runs[0]]]
    right = runs[0].x1
    for run in runs[1:]:
        if run.x0 - right > _CELL_GAP_HEIGHTS * height:
            cells.append([run])
        else:
            cells[-1].append(run)
        right = max(right, run.x1) if len(cells[-1]) > 1 else run.x1
    return cells
