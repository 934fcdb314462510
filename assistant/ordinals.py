"""Ordinals that tell one of a series from another: the second congress is not the first.

"When is the second congress?" was answered with "In mei 2024 werd het eerste Congres ...
gehouden": both sentences are about the congress and carry a date; only the ordinal before the
noun tells them apart. A Dutch question says "tweede" and the sentence lacks it, so term overlap
already prefers the right one, but an English question's "second" is a soft term (never found
in Dutch text), so nothing did. A sentence that numbers the asked noun with another ordinal, and
never with the asked one, is about another of the series: like a sum for another year
(`facts.year_conflict`), it is no answer.
"""

from __future__ import annotations

import re

from assistant.question_kinds import dutch_noun
from assistant.sentences import fold

_ORDINALS = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6, "zevende": 7,
    "achtste": 8, "negende": 9, "tiende": 10,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_NUMBERED = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+([^\W\d_]{{4,}})", re.IGNORECASE)
# "Tweede Kamer", "Eerste Kamer": names, not a series; "eerste lid": a paragraph of an article.
_NOT_A_SERIES = frozenset({"kamer", "lid", "instantie", "plaats", "helft", "instance", "place", "half"})
_PREFIX = 5  # "congress" / "congres": English and Dutch nouns share their first letters


def _numbered(text: str) -> list[tuple[int, str]]:
    """(ordinal, noun prefix) for each "<ordinal> <noun>" of a text, English nouns in Dutch."""
    found = []
    for m in _NUMBERED.finditer(text):
        noun = fold(m.group(2))
        if noun in _NOT_A_SERIES:
            continue
        found.append((_ORDINALS[m.group(1).lower()], dutch_noun(noun)[:_PREFIX]))
    return found


def ordinal_conflict(question: str, sentence: str) -> bool:
    """Whether `sentence` numbers a noun the question numbers, with other ordinals only:
    ("When is the second congress?", "In mei 2024 werd het eerste Congres gehouden.") -> True;
    a sentence that names the asked one too ("na het eerste volgt het tweede congres") -> False."""
    asked = _numbered(question)
    if not asked:
        return False
    said = _numbered(sentence)
    for ordinal, noun in asked:
        others = {o for o, n in said if n == noun}
        if others and ordinal not in others:
            return True
    return False
