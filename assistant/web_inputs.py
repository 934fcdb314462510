"""What users type into the web page's fields, read into values or answered with a Dutch hint.

Ordinary mistakes (an empty question, a date the filter cannot read) are not
errors of the app: they become an `InputProblem` naming the field, which the
page shows next to that field while the conversation stays usable, and which is
logged as one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.dutch_dates import parse_date_input
from assistant.export import dutch_date
from assistant.types import Filters

DATE_FORMS = "schrijf bv. 26-11-2024, 26 november 2024 of 2024-11-26"
DATE_PLACEHOLDER = "bv. 26-11-2024"
DATE_INFO = "Bv. 26-11-2024, 26 november 2024 of 2024-11-26."
EMPTY_QUESTION = "Typ eerst een vraag in het vak hierboven."
# Before the first question the chat shows example questions; after it they are gone.
EMPTY_FIRST_QUESTION = "Typ eerst een vraag in het vak hierboven, of kies een voorbeeldvraag."


@dataclass(frozen=True)
class InputProblem(Exception):
    """An ordinary input mistake: which field (`question`, `date_from`, `date_to`) and what to do."""

    field: str
    message: str  # Dutch, shown next to the field
    reason: str = ""  # English, for the log line

    def __str__(self) -> str:
        return self.message


def parse_filter_date(value: str | None, field: str, label: str) -> str | None:
    """A date filter field -> ISO date (None when empty), or `InputProblem` saying how to write it."""
    raw = (value or "").strip()
    if not raw:
        return None
    iso = parse_date_input(raw)
    if iso is None:
        message = f"{label}: '{raw}' is geen datum die de assistent kan lezen; {DATE_FORMS}."
        raise InputProblem(field, message, f"unreadable date {raw!r}")
    return iso


def make_filters(
    doc_types: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
    date_from: str | None,
    date_to: str | None,
) -> Filters:
    """The UI's (and API's) filter inputs as `Filters`; `InputProblem` for a date it cannot read."""
    start = parse_filter_date(date_from, "date_from", "Datum vanaf")
    end = parse_filter_date(date_to, "date_to", "Datum tot en met")
    if start and end and start > end:
        raise InputProblem(
            "date_to",
            f"De datum 'tot en met' ({dutch_date(end)}) ligt vóór 'vanaf' ({dutch_date(start)}).",
            f"end date {end} before start date {start}",
        )
    return Filters(
        doc_types=tuple(doc_types or ()), doc_ids=tuple(doc_ids or ()), date_from=start, date_to=end
    )


def check_question(question: str | None, first: bool = False) -> None:
    """`InputProblem` for a question box with no word in it: nothing, spaces, or only punctuation
    ("???"), which `assistant ask --json` answers with reason "empty". Before, the chat answered
    "???" with "Dit staat niet in de documenten." above the hint (found by a fresh user).

    `first`: no question asked yet, so the chat still shows its example questions
    and the hint points to them too.
    """
    if not re.search(r"[^\W_]", question or ""):
        raise InputProblem("question", EMPTY_FIRST_QUESTION if first else EMPTY_QUESTION, "empty question")


def describe_filters(filters: Filters, titles: Mapping[str, str] | None = None) -> str:
    """The active filters in words: "documenttype nota; vanaf 1 januari 2024"; "" without filters."""
    parts = []
    if filters.doc_types:
        kind = "documenttype" if len(filters.doc_types) == 1 else "documenttypen"
        parts.append(f"{kind} {', '.join(filters.doc_types)}")
    if filters.date_from and filters.date_to:
        parts.append(f"datum {dutch_date(filters.date_from)} t/m {dutch_date(filters.date_to)}")
    elif filters.date_from:
        parts.append(f"vanaf {dutch_date(filters.date_from)}")
    elif filters.date_to:
        parts.append(f"tot en met {dutch_date(filters.date_to)}")
    if filters.doc_ids:
        names = [(titles or {}).get(d, d) for d in filters.doc_ids]
        parts.append("alleen " + "; ".join(f"‘{n}’" for n in names))
    return "; ".join(parts)


def documents_left(filters: Filters, documents: Sequence[Mapping[str, Any]]) -> int:
    """How many indexed documents the filters let through (the same rules as `Filters.accepts`)."""
    count = 0
    for d in documents:
        if filters.doc_types and d.get("doc_type") not in filters.doc_types:
            continue
        if filters.doc_ids and d.get("doc_id") not in filters.doc_ids:
            continue
        date = d.get("date")
        if (filters.date_from or filters.date_to) and not date:
            continue
        if (filters.date_from and date < filters.date_from) or (filters.date_to and date > filters.date_to):
            continue
        count += 1
    return count
