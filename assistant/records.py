"""Records written as fields: the items of a decision list ("Zaak: ...", "Besluit: ...", "Griffier: ...").

The decision lists of the Tweede Kamer and of municipal councils write each agenda item as fields,
one per line once `assistant.pdf_layout` has read them. A question about an office ("Wie was
griffier?") or a decision ("Wat besloot de commissie over X?") is answered by the field of that
name, however little else of the question it repeats; `assistant.scoring` puts such a field first
and `assistant.answering` quotes the record's other fields of that name with it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.who_facts import asked_office

if TYPE_CHECKING:  # scoring asks this module which field a question asks for
    from assistant.scoring import ScoredSentence
    from assistant.types import Passage

# "Wat besloot de commissie over X?", "Welk besluit nam het college?", "What did the committee decide?":
# the record field that answers is the decision ("Besluit: Technische briefing organiseren.").
_DECISION_ASKED = re.compile(
    r"\b(?:besloot|besloten|beslist|besliste|decided?|(?:welk|which|what)\s+(?:besluit|decision))\b",
    re.IGNORECASE,
)


def asked_field(part: str) -> str | None:
    """The record field a question asks for: the office of a "wie" question (`asked_office`), or
    "besluit" for a question about what was decided; None otherwise. Decision lists (Tweede Kamer,
    municipal councils) write each item as fields ("Zaak: ...", "Besluit: ...", "Griffier: ...")."""
    if _DECISION_ASKED.search(part):
        return "besluit"
    return asked_office(part)


def is_field(name: str, sentence: str) -> bool:
    """Whether the sentence is the record field `name` with its value: "Griffier: Drs. M.J. van der
    Leeden" for "griffier", "Besluit: Technische briefing organiseren." for "besluit"."""
    return re.match(rf"\s*{re.escape(name)}\s*:\s*\w", sentence, re.IGNORECASE) is not None


def record_fields(
    best: ScoredSentence, ranked: list[ScoredSentence], passages: list[Passage], question: str
) -> list[ScoredSentence]:
    """When the best sentence is the record field the question asks for (`asked_field`):
    it and the fields of that name right before and after it, nothing else between them, in
    document order: one record's list ("Besluit: Technische briefing organiseren." / "Besluit:
    Rondetafelgesprek organiseren ..." for "Wat besloot de commissie over ...?"). Else []."""
    field = asked_field(question)
    if field is None or not is_field(field, best.text):
        return []
    text = passages[best.hit_index].text
    same = sorted(
        (x for x in ranked if x.hit_index == best.hit_index and is_field(field, x.text)),
        key=lambda x: x.start,
    )
    low = high = next(i for i, x in enumerate(same) if x is best)
    while low > 0 and not text[same[low - 1].end : same[low].start].strip():
        low -= 1
    while high + 1 < len(same) and not text[same[high].end : same[high + 1].start].strip():
        high += 1
    return same[low : high + 1] if high > low else []
