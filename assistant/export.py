"""A conversation as a Markdown file with its sources as footnotes.

Debate preparers paste answers into notes and briefings; a citation that loses
its title, date, Kamerstuk number, page and exact quote on the way is useless
there. So every exported answer keeps its sources as Markdown footnotes that are
numbered across the whole conversation (each answer restarts at [1], the file
must not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime

from assistant.types import Answer, Citation, Passage

# "[1]" or "[1, 2]": how the answerers mark citations in `Answer.text`.
MARKER_RE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")

DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

DOCUMENT_TITLE = "Gesprek met de documentassistent Veerkrachtige & Weerbare Samenleving"


def dutch_count(n: int, one: str, many: str) -> str:
    """'1 document', '2 documenten', '0 documenten': a count with its noun in the right number."""
    return f"{n} {one if n == 1 else many}"


def dutch_date(iso: str | None) -> str | None:
    """'2024-11-26' -> '26 november 2024': how dates are written in Kamerstukken."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {DUTCH_MONTHS[d.month - 1]} {d.year}"


def replace_markers(text: str, known: set[int], render: Callable[[int], str]) -> str:
    """Rewrite citation markers through `render`, leaving other brackets alone.

    Only numbers that are real citations are touched, so "[2023]" or a bracket
    quoted from a document stays as written. "[1, 2]" becomes two rendered markers.
    """

    def sub(match: re.Match[str]) -> str:
        numbers = [int(part) for part in match.group(1).split(",")]
        if not all(n in known for n in numbers):
            return match.group(0)
        return "".join(render(n) for n in numbers)

    return MARKER_RE.sub(sub, text)


def one_line(text: str) -> str:
    """Collapse whitespace: a footnote definition must stay on one line."""
    return " ".join(text.split())


def source_details(p: Passage) -> list[str]:
    """Date, Kamerstuk, page and section as a reader expects them (export and sources panel)."""
    details = []
    if p.date:
        details.append(dutch_date(p.date) or p.date)
    if p.kamerstuk:
        details.append(f"Kamerstuk {p.kamerstuk}")
    if p.page is not None:
        details.append(f"p. {p.pages_label}")
    if p.section:
        details.append(f"§ {one_line(p.section)}")
    return details


def citation_reference(citation: Citation) -> str:
    """Title, type, date, Kamerstuk, page and section: everything needed to find the source."""
    p = citation.passage
    parts = [f"*{one_line(p.title)}*"]
    if p.doc_type:
        parts.append(p.doc_type)
    return ", ".join(parts + source_details(p))


def timeline_lines(answer: Answer, footnote_of: dict[int, int]) -> list[str]:
    """A figure that changed over time as a list, in the answer's order (the lead value first),
    each value with its date and the footnote of its quote; [] for other answers.

    `footnote_of` maps the answer's citation numbers to the conversation's footnote numbers.
    """
    if not answer.timeline:
        return []
    rows = ["**Tijdlijn:**", ""]
    for entry in answer.timeline:
        when = dutch_date(entry.date) or "datum onbekend"
        if entry.year_in_text:
            when += f" (cijfer over {entry.year_in_text})"
        mark = f" [^{footnote_of[entry.citation]}]" if entry.citation in footnote_of else ""
        rows.append(f"- {entry.value} — {when}{mark}")
    return [*rows, ""]


def conversation_markdown(turns: Sequence[tuple[str, Answer]], exported_at: datetime | None = None) -> str:
    """The whole conversation, question by question, with one footnote per citation."""
    exported_at = exported_at or datetime.now()
    stamp = f"{dutch_date(exported_at.date().isoformat())}, {exported_at:%H:%M}"
    lines = [
        f"# {DOCUMENT_TITLE}",
        "",
        f"Geëxporteerd op {stamp}. De antwoorden zijn letterlijk ontleend aan de geïndexeerde "
        "documenten; de voetnoten geven bij elk antwoord de bron en het citaat.",
        "",
    ]
    footnotes: list[str] = []
    for i, (question, answer) in enumerate(turns, start=1):
        lines += [f"## Vraag {i}", "", f"**Vraag:** {one_line(question)}", ""]
        if answer.refused:
            # The refusal text says so itself; nothing in it is a source, so no footnotes.
            lines += [f"**Antwoord (niet gevonden in de documenten):** {one_line(answer.text)}", ""]
        else:
            # Global footnote number per citation: in order, without gaps or clashes.
            numbers: dict[int, int] = {}
            for c in sorted(answer.citations, key=lambda c: c.n):
                numbers[c.n] = len(footnotes) + 1
                footnotes.append(f"[^{numbers[c.n]}]: {citation_reference(c)}: “{one_line(c.quote)}”")
            text = replace_markers(answer.text.strip(), set(numbers), lambda n, m=numbers: f"[^{m[n]}]")
            lines += [f"**Antwoord:** {text}", ""]
            lines += timeline_lines(answer, numbers)
        if answer.notice:
            lines += [f"> {one_line(answer.notice)}", ""]
    if footnotes:
        lines += ["---", "", *footnotes, ""]
    return "\n".join(lines)


def export_filename(exported_at: datetime | None = None) -> str:
    """A name that sorts by time and says what the file is."""
    return f"gesprek-{(exported_at or datetime.now()):%Y-%m-%d-%H%M}.md"
