"""Initialisms: "Delta Rhine Corridor" and "DRC" name the same thing.

Dutch policy text introduces a name once in full and then writes its initials
("de Delta Rhine Corridor (DRC)", "Atradius Dutch State Business (ADSB)", "de
Decentrale Uitkering (DU)"); a user asks with either. A question word that is
part of a capitalised name is therefore also covered by the name's initials in
the text, and a question written in initials by the full name in the text.

Matching is by case: initials must be written in capitals in the text ("DRC"),
and a full name must be a run of capitalised words, so the Dutch words "de",
"en" or "mr" never stand in for a name.
"""

from __future__ import annotations

import re

from assistant.sentences import fold

# A capitalised word ("Delta", "Rhine", "Sociale") and an all-capitals one ("DRC", "SZW").
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CAPITALISED = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ][\w'’-]*")
_ALL_CAPS = re.compile(r"(?<![^\W\d_])[A-ZÀ-Þ]{2,8}(?![^\W\d_])")
# Words that may stand inside a name without a capital ("Raad van State", "Huis voor democratie").
_INNER = frozenset(["van", "voor", "en", "de", "der", "het", "of", "op", "in"])


def _runs(text: str) -> list[list[str]]:
    """Runs of two or more capitalised words in one phrase (inner "van", "voor" ... allowed, not
    counted; punctuation ends a run)."""
    runs: list[list[str]] = []
    current: list[str] = []
    end = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if text[end : match.start()].strip():  # punctuation between: "Corridor. De Raad" is two
            if len(current) >= 2:
                runs.append(current)
            current = []
        end = match.end()
        if _CAPITALISED.fullmatch(word):
            current.append(word)
            continue
        if word in _INNER and current:
            continue
        if len(current) >= 2:
            runs.append(current)
        current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _initials(words: list[str]) -> str:
    return fold("".join(w[0] for w in words))


def text_initialisms(text: str) -> frozenset[str]:
    """The initialisms a text holds, folded: every all-capitals word ("DRC" -> "drc", also
    inside "DRC-tracé") and the initials of every run of capitalised words and of its tails
    ("Atradius Dutch State Business" -> "adsb", "dsb", "sb"), since the full name of
    "DSB" may be preceded by another name. Shape: a set of 2-8 letter strings."""
    found = {fold(m.group(0)) for m in _ALL_CAPS.finditer(text)}
    for run in _runs(text):
        found |= {_initials(run[k:]) for k in range(len(run) - 1)}
    return frozenset(found)


def expansion_words(text: str, initials: frozenset[str]) -> frozenset[str]:
    """The folded words of the capitalised names in `text` written out from one of `initials`:
    with {"du"}, "een Decentrale Uitkering (DU)" gives {"decentrale", "uitkering"}. A question
    that says "DU" already names them, so they are no answer to it."""
    found: set[str] = set()
    for run in _runs(text):
        for k in range(len(run) - 1):
            if _initials(run[k:]) in initials:
                found |= {fold(w) for w in run[k:]}
                break
    return frozenset(found)


def capitals_in(text: str) -> frozenset[str]:
    """The all-capitals words of a text, folded ("Welke gemeenten kregen een DU?" -> {"du"})."""
    return frozenset(fold(m.group(0)) for m in _ALL_CAPS.finditer(text))


def question_initialisms(question: str) -> dict[str, str]:
    """Folded question word -> the initials it may be written as.

    Words of a run of capitalised words map to the run's initials ("Delta Rhine
    Corridor" -> {"delta": "drc", "rhine": "drc", "corridor": "drc"}); a word
    written in capitals maps to itself ("DSB" -> {"dsb": "dsb"}), found in a text
    that writes the name in full. The question's first word is left out of a run
    when it is a question word ("Wie", "Hoeveel"), which it nearly always is.
    """
    mapping: dict[str, str] = {}
    body = question.split(maxsplit=1)[1] if len(question.split()) > 1 else question
    for run in _runs(body):
        initials = _initials(run)
        for word in run:
            mapping.setdefault(fold(word), initials)
    for match in _ALL_CAPS.finditer(body):
        mapping.setdefault(fold(match.group(0)), fold(match.group(0)))
    return mapping
