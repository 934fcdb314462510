"""Definition questions ("Wat zijn Social Labs?", "What is the Maatschappelijke Raad?") and the
sentences that answer them.

A definition question names one thing and asks what it is or does. The sentence that answers it
has that thing as its subject, followed by what it is or does ("De Maatschappelijke Raad geeft
gevraagd en ongevraagd advies ...", "Het doel van de Social Labs is ..."), the copular pattern of
definitional question answering (TREC 2003 definition track; Hearst 1992 for the "X is a Y" and
"so-called X" patterns). A sentence that only mentions the thing in passing ("... de SPUK en Social
Labs") does not say what it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.sentences import same_paragraph, split_sentences, tokens, wordset

# "Wat is/zijn X?", "Wat houdt X in?", "Wat betekent X?", "Wat doet X?", "Wat moet X doen?", "What is
# X?", "What does X do/mean?": X is the defined thing; groups a-e hold it with its article.
_DEFINITION_QUESTION = re.compile(
    r"^\s*(?:wat\s+(?:is|zijn|was|waren|betekent|betekenen|doet|doen)\s+(?P<a>.+?)"
    r"|wat\s+(?:houdt|houden)\s+(?P<b>.+?)\s+in"
    r"|wat\s+(?:moet|moeten|mag|mogen|kan|kunnen|gaat|gaan)\s+(?P<e>.+?)\s+doen"
    r"|what\s+(?:is|are|was|were)\s+(?P<c>.+?)"
    r"|what\s+(?:does|do)\s+(?P<d>.+?)\s+(?:do|mean|stand\s+for))\s*\??\s*$",
    re.IGNORECASE,
)
_ARTICLES = wordset("de het een the a an")
# A thing with a qualifier is not defined but asked about: "Wat is de titel van het onderzoek?",
# "What is the minimum wage in 2025?" ask for a value of it.
_QUALIFIERS = wordset(
    """
    van in op voor met over bij uit tot naar door aan per volgens er nu dan
    of for on at with from by to about according now then
    """
)
# Words that say what a thing is or does right after it: copulas and the verbs of a description.
# Any finite verb right after the thing also counts (`_VERB_END`); these are the short or irregular ones.
_DEFINING_VERBS = wordset(
    """
    is zijn was waren wordt worden werd werden betekent omvat bestaat heeft hebben staat gaat geeft
    biedt richt helpt zorgt doet
    are means has gives helps
    """
)
# The endings of Dutch finite verbs in the present or past: "ondersteunt", "adviseert", "bevorderde",
# "organiseren". Approximate: plural nouns end so too ("De Social Labs jongeren ..." is rare right after
# the name, where this is read).
_VERB_END = re.compile(r"\w{3,}(?:t|en|de|te|den|ten)$")
_PURPOSE_NOUNS = wordset("doel doelstelling taak opdracht aim goal purpose task")
_INTRODUCERS = wordset("zogenaamde zogenoemde zogeheten genaamd called")
_DETERMINERS = wordset("de het een deze dit die the a an this these")
_JOINERS = wordset("en and")  # "Veerkrachtige & Weerbare" is "Veerkrachtige en Weerbare"


@lru_cache(maxsize=1024)
def defined_term(question: str) -> tuple[str, ...] | None:
    """The folded words of the thing a definition question asks about, article dropped:
    "Wat zijn Social Labs?" -> ("social", "labs"); None for any other question, and for a
    qualified thing ("Wat is de titel van het onderzoek?") or one with a number ("What is the
    minimum wage in 2025?"), which ask for a value rather than a definition. Cached: the type
    bonus asks it again for every candidate sentence of the same question part."""
    m = _DEFINITION_QUESTION.match(question)
    if not m:
        return None
    words = tokens(next(g for g in m.groups() if g))
    while words and words[0] in _ARTICLES:
        words = words[1:]
    if not words or len(words) > 6 or any(w in _QUALIFIERS or any(c.isdigit() for c in w) for w in words):
        return None
    return tuple(words)


def definition_bonus(term: tuple[str, ...], sentence: str) -> float:
    """How well `sentence` says what `term` is, 0..1 (the type bonus of a definition question).

    1.0: the thing opens the sentence (after at most an article: "De X", not "Voor de X is ...") and
    a verb follows it ("De Maatschappelijke Raad geeft advies ..."), or its purpose is stated ("Het doel
    van de Social Labs is ..."). 0.5: it is introduced ("om zogenaamde Social Labs te ontwikkelen").
    0.0: it is only mentioned. Words match up to their endings (`_same_word`: plural and singular).
    Raises nothing; an empty term gives 0.0.
    """
    words = [w for w in tokens(sentence) if w not in _JOINERS]
    term = tuple(w for w in term if w not in _JOINERS)
    # A long name is written short once introduced: "de Agenda" for the Agenda Veerkrachtige &
    # Weerbare Samenleving, "de SPUK" for the SPUK Kansrijke Wijk; a name led by an adjective by its
    # noun, "de commissie" for the Wetenschappelijke commissie wijkaanpak, "de Raad" for the
    # Maatschappelijke Raad (a Dutch attributive adjective ends in -e).
    names = [term]
    if len(term) >= 3 and len(term[0]) >= 3:
        names.append(term[:1])
    if len(term) >= 2 and len(term[0]) >= 5 and term[0].endswith("e"):
        names.append(term[1:2])
    starts = [
        (i, len(name))
        for name in names
        for i in range(len(words) - len(name) + 1)
        if name and all(_same_word(w, t) for w, t in zip(words[i : i + len(name)], name, strict=True))
    ]
    best = 0.0
    for i, n in starts:
        after = words[i + n : i + n + 2]
        # An abbreviation in brackets after the name ("Maatschappelijke Raad (MR) adviseert") is skipped.
        if after and re.search(rf"\(\s*{re.escape(after[0])}\s*\)", sentence, re.IGNORECASE):
            after = after[1:]
        verb = bool(after) and (after[0] in _DEFINING_VERBS or bool(_VERB_END.fullmatch(after[0])))
        subject = all(w in _DETERMINERS for w in words[:i])
        if (subject and verb) or any(w in _PURPOSE_NOUNS for w in words[max(0, i - 4) : i]):
            return 1.0
        if i and words[i - 1] in _INTRODUCERS:
            best = 0.5
    return best


def _same_word(a: str, b: str) -> bool:
    """The same word up to its ending: the first five letters agree, or one of two words of three
    letters or more starts the other ("lab" and "labs")."""
    return a[:5] == b[:5] or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


def with_introduction(text: str, start: int, term: tuple[str, ...]) -> int:
    """Where a definition's quote starts: at the sentence before the one at `start` when that one
    introduces or defines `term` in the same paragraph ("JenV heeft 2,1 miljoen ter beschikking
    gesteld om zogenaamde Social Labs te ontwikkelen. Het doel van de Social Labs is ..."), else
    `start`. Offsets are into `text`."""
    spans = split_sentences(text)
    k = next((n for n, (a, _) in enumerate(spans) if a == start), None)
    if not k:
        return start
    a, b = spans[k - 1]
    if same_paragraph(text, b, start) and definition_bonus(term, text[a:b]) > 0:
        return a
    return start
