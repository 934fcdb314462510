"""The facts a sentence can carry, and whether they are the fact a question asks for.

`type_bonus` says how well a sentence carries the asked kind of fact (an amount
for "hoeveel geld", a count of the counted noun for "hoeveel gemeenten", a date
for "wanneer", a name or group for "wie"); `requires_fact` says which kinds only
such a sentence may answer. `year_conflict`, `amount_match` and `other_subject`
compare a sentence with the typed `Question`: a sentence about another year,
another sum or another named scheme is not an answer to this question.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import simplemma

from assistant.conversation import STOP_WORDS
from assistant.count_facts import amount_bonus, counts, has_quantity
from assistant.definitions import defined_term, definition_bonus
from assistant.initialisms import capitals_in, expansion_words
from assistant.numbers import money_values, quantities, years
from assistant.question_kinds import (
    QuestionType,
    abbreviation_asked,
    answer_noun,
    enumerated_noun,
)
from assistant.retrieval import analyze
from assistant.sentences import REASON, fold, tokens, wordset
from assistant.terms import plural_noun, verb_form
from assistant.when_facts import date_bonus
from assistant.who_facts import org_words, who_bonus, without_known_people

MONEY = re.compile(
    r"€\s?\d|\d(?:[\d.,]*\d)?\s*(?:miljoen|miljard|duizend|mln|mld|euro|million|billion|thousand)\b|\beuro\b",
    re.IGNORECASE,
)
# A place: a locative preposition before a capitalised name ("in Eindhoven", "te Den Haag"), or a
# word that is one ("online", "op de website", "in de wijk"); "naar de Tweede Kamer" is an addressee.
_PLACE = re.compile(
    r"\b(?:in|te|op|bij|at)\s+(?:de\s+|het\s+)?(?!Tweede\b|Eerste\b|Kamer\b)[A-Z][\w'-]+"
    r"|\b(?:online|website|locatie|adres|digitaal|wijk|wijken|gemeente|stad|provincie|regio)\b",
)
# The way to do something: where or through what it goes, or who may do it how.
_WAY = re.compile(
    r"\b(?:via|bij (?:de|het|een)|door (?:een|het|de|te)|formulier|loket|website|aanvraag (?:in|indienen)|"
    r"kunt u|kun je|kunnen \w+ (?:aanvragen|indienen|aanmelden)|moet u|dient u|aanmelden|melden bij|"
    r"through|by (?:filling|applying|contacting|sending)|online|digitaal)\b",
    re.IGNORECASE,
)


def names_in(text: str) -> list[str]:
    """Capitalised words, abbreviations and initials. A sentence's first word (of the text, or after
    a sentence's end within it) counts only when it is no Dutch word (its capital may be the
    sentence's): "Gupta heeft ..." names Gupta, "Daarnaast" and "... benoemd. Zij zijn" name nothing
    (simplemma's Dutch and English lexicons decide)."""
    found = [(m.group().rstrip(".-"), m.start()) for m in re.finditer(r"[\w][\w'’&.-]*", text)]
    return [
        t
        for t, at in found
        if (t[0].isupper() and (not _opens_sentence(text, at) or _unknown_word(t)))
        or sum(c.isupper() for c in t) >= 2
    ]


# Where a sentence opens inside a text: after a full stop, "!" or "?" that closes a lower-case word,
# a number or a bracket (not an initial: "J.N.J. Nobel" goes on), or at a line's start.
_SENTENCE_OPENING = re.compile(r"(?:^|\n|[a-zà-ÿ0-9)»”][.!?]\s+)$")


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at offset `at` opens a sentence ("... benoemd. Zij zijn ...")."""
    return bool(_SENTENCE_OPENING.search(text[max(0, at - 3) : at]))


# Sentence openers simplemma's lexicon lacks: pronominal adverbs ("Daarnaast", "Hierdoor",
# "Waarbij", "Erna") and a few connectives.
_OPENER = re.compile(r"(?:daar|hier|waar|er)\w+|vervolgens|kortom|eveneens|derhalve|desalniettemin|tevens")


@lru_cache(maxsize=50_000)
def _unknown_word(word: str) -> bool:
    """Whether a capitalised first word is no Dutch word, so its capital marks a name."""
    low = word.lower()
    if not word.isalpha() or len(word) <= 2 or _OPENER.fullmatch(low) or low in STOP_WORDS:
        return False
    return not simplemma.is_known(low, lang="nl") and not simplemma.is_known(low, lang="en")


def _is_list(text: str) -> bool:
    """Several things named in a row: "A, B en C", "zoals A en B", a lead-in with a colon, or
    three joined by "en" ("een sprinklerinstallatie en brandwerende muren en deuren")."""
    lowered = text.lower()
    return (
        text.count(",") >= 2
        or ":" in text
        or " zoals " in lowered
        or ("," in text and " en " in lowered)
        or lowered.count(" en ") >= 2
    )


# The addressee of a Kamerbrief or Kamervragen answer: "ik kan ... niet met uw Kamer delen".
_ADDRESSEE = re.compile(r"\b(?:uw|your)\s+(?:Kamer|House)\b")
_CONCLUSION = re.compile(r"\b(?:dus|derhalve|daarmee)\b", re.IGNORECASE)
_YES_NO = re.compile(r"\W*(?:ja|nee|neen|yes|no)\b\s*[,.;:]", re.IGNORECASE)
_NEGATION = wordset("geen niet nooit nergens not no never")


def _negates_asked_verb(part: str, sentence: str) -> bool:
    """Whether a sentence denies what a yes/no question asks, in its own verb: "Er zijn op dit
    moment geen middelen gereserveerd ..." answers "Is er al budget gereserveerd ...?" with no.
    (An affirmation is not read off this way: repeating the verb is what any sentence on the
    subject does.)"""
    words = tokens(sentence)
    if not _NEGATION.intersection(words):
        return False
    asked = {s for w in tokens(part) if len(w) >= 4 and verb_form(w) for s in analyze(w)}
    return bool(asked & {s for w in words for s in analyze(w)})


def counts_instead_of_naming(part: str, sentence: str) -> bool:
    """Whether a sentence answers "welke <things>?" only with how many there are: "In welke wijken
    komen de nieuwe jongerenwerkplaatsen?" by "... in drie wijken ...", "Welke gemeenten kregen een
    bijdrage?" by "Daarmee kregen 7 gemeenten een bijdrage". A sentence that also lists or names
    two or more things names them; an enumeration with its count ("Welke 7 gemeenten") has its own
    check (`enumerated_noun`)."""
    noun = answer_noun(part)
    if noun is None or enumerated_noun(part) is not None or not plural_noun(noun):
        return False
    if not counts(sentence, noun):
        return False
    return not _enumerates(sentence, names_in(sentence))


def _enumerates(sentence: str, names: Collection[str]) -> bool:
    """Whether a sentence enumerates things: two commas, a colon, "zoals", or two `names` or more.
    Stricter than `_is_list`: "in drie wijken waar de leefbaarheid en veiligheid onder druk staan,
    ..." has a comma and an "en" without listing any wijk."""
    return sentence.count(",") >= 2 or ":" in sentence or " zoals " in sentence.lower() or len(names) >= 2


def type_bonus(qtype: QuestionType, sentence: str, known: frozenset[str], part: str = "") -> float:
    """How well a sentence carries the kind of fact the question asks for, 0..1.

    For "wie" and "welke" only what the question does not already say counts:
    names and organisations outside `known` (the question's words, the section
    heading and words found in most retrieved passages, such as "Agenda"). An
    enumeration ("Welke 7 gemeenten") needs its noun and a list or several
    names: "7 gemeenten kregen een bijdrage" repeats the count, it names none.
    """
    if qtype == "money":
        return 1.0 if MONEY.search(sentence) or money_values(sentence) else 0.0
    if qtype == "amount":
        return amount_bonus(part, sentence)
    if qtype == "date":
        return date_bonus(part, sentence)
    if qtype == "where":
        return 1.0 if _PLACE.search(sentence) else 0.0
    if qtype == "how":  # "Er zullen mensen zijn die een paspoort aanvragen" says no way to do it
        return 1.0 if _WAY.search(sentence) else 0.0
    if qtype == "abbreviation":
        word = abbreviation_asked(part) or ""
        return 1.0 if re.search(rf"\(\s*{re.escape(word)}\s*\)|\b{re.escape(word)}\s*\(", sentence) else 0.0
    if qtype == "why":
        return 1.0 if REASON.search(sentence) else 0.0
    if qtype == "yesno":  # "Ja, ADSB en de Staat zijn bezig met ...": the answer says it outright
        if _YES_NO.match(sentence) or _negates_asked_verb(part, sentence):
            return 1.0
        return 0.5 if _CONCLUSION.search(sentence) else 0.0  # "Er is dus geen concurrentie ..."
    if qtype == "what":  # a definition ("Wat zijn Social Labs?") or anything else
        term = defined_term(part)
        return definition_bonus(term, sentence) if term else 0.0
    named = _ADDRESSEE.sub(" ", sentence)  # "uw Kamer" is who a letter speaks to, not an answer
    named = without_known_people(named, known | set(tokens(part)))
    # A name the question gives by its initials is no answer either: "DU" names "Decentrale Uitkering".
    names = {fold(n) for n in names_in(named)} - known - expansion_words(named, capitals_in(part))
    orgs = org_words(set(tokens(named))) - known
    if qtype == "who":
        return who_bonus(sentence, names, orgs, part)
    noun = enumerated_noun(part)
    if noun is not None:
        has_noun = bool(set(analyze(noun)) & set(analyze(sentence)))
        return 1.0 if has_noun and _enumerates(sentence, names) else 0.0
    if _measure_of(part, sentence) or _names_instance(part, sentence):
        return 1.0
    if _is_list(sentence) or names:
        # "Welke verordening ...?" is answered by a sentence that names a verordening; one naming
        # only other things ("de heer G.J. Braas") is a weaker answer.
        return 1.0 if _names_kind(part, sentence) else 0.6
    return 0.5 if orgs else 0.0


_WHICH_NOUN = re.compile(r"\b(?:welke|welk|which)\s+(\w+)(?:\s+(\w+))?", re.IGNORECASE)


# Kinds of thing a text names by its own name, without the kind word: "Gupta", "Movisie".
_NAMED_BY_NAME = wordset(
    """
    bureau bureaus organisatie organisaties instantie instanties instelling instellingen bedrijf bedrijven
    partij partijen stichting stichtingen persoon personen ministerie ministeries kennisinstituut land landen
    """
)


def _which_noun(part: str) -> str | None:
    """The folded noun after "welke"/"welk"/"which" ("Welke fracties ...?" -> "fracties"), or None."""
    match = _WHICH_NOUN.search(part)
    return None if match is None or match.group(1).isdigit() else fold(match.group(1))


def _names_instance(part: str, sentence: str) -> bool:
    """Whether the sentence names a thing of the kind a "welke" question asks for by its proper
    name: the kind word capitalised inside the sentence ("Welke wet ...?" -> "onder b Wet open
    overheid") or a capitalised compound ending in it ("Omgevingswet", "Participatiewet"), or by
    its number or code ("Op welk taakveld ...?" -> "onder taakveld 0.4", "welk artikel" -> "artikel
    5.1", "welke categorie" -> "categorie B"). The question's own words are no name, but a title
    that merely starts with one is."""
    noun = _which_noun(part)
    if noun is None or len(noun) < 3:
        return False
    if re.search(rf"\b(?i:{re.escape(noun)})\s+(?:\d+(?:[.,]\d+)*|[A-Z]{{1,3}})\b", sentence):
        return True
    words = re.findall(r"[\w'’-]+", sentence)[1:]  # the first word's capital is the sentence's
    return any(
        w[0].isupper() and (fold(w) == noun or (fold(w).endswith(noun) and len(w) > len(noun) + 3))
        for w in words
        if fold(w) not in fold(part).split() or fold(w) == noun
    )


def _names_kind(part: str, sentence: str) -> bool:
    """Whether the sentence says the noun of a "welke" question ("Welke fracties ...?" -> "fracties"),
    by stem or first six letters; True when the question has no such noun."""
    noun = _which_noun(part)
    if noun is None:
        return True
    if noun in _NAMED_BY_NAME:
        return True  # "Welk bureau analyseerde ...?" -> "Gupta heeft ... een analyse uitgevoerd."
    if simplemma.is_known(noun, lang="en") and not simplemma.is_known(noun, lang="nl"):
        return True  # "Which letter ...?": an English noun is not in the Dutch text
    stems = set(analyze(noun))
    words = tokens(sentence)
    return bool(stems & set(analyze(sentence))) or any(
        w.startswith(noun[:6]) for w in words if len(noun) >= 6
    )


def _measure_of(part: str, sentence: str) -> bool:
    """Whether the sentence gives a value for the thing a "welke" question names: "Welke minimale
    afstandseis geldt?" is answered by "... een minimale afstandeis van 8 meter" (the noun, or an
    adjective before it, by its first six letters, then a quantity within a few words)."""
    match = _WHICH_NOUN.search(part)
    if match is None:
        return False
    for noun in filter(None, match.groups()):
        start = fold(noun)[:6]
        if len(start) < 4:
            continue
        for word in re.finditer(r"\w+", sentence):
            if fold(word.group()).startswith(start) and has_quantity(sentence[word.end() : word.end() + 40]):
                return True
    return False


def year_conflict(sentence_years: set[int], asked: frozenset[int]) -> bool:
    """Whether a text speaks of other years than the asked ones and not of those: a figure
    for 2025 does not answer "in 2027"."""
    return bool(asked and sentence_years and not (sentence_years & asked))


def amount_match(sentence: str, asked: frozenset[float]) -> bool | None:
    """Whether the sentence names a sum the question names (None when the question names none).

    Compared as values, so "1,5 miljoen euro" matches "€ 1.500.000" and "anderhalf miljoen euro".
    """
    if not asked:
        return None
    return bool(money_values(sentence) & asked)


def count_match(sentence: str, asked: frozenset[float]) -> bool | None:
    """Whether the sentence holds a number the question names ("achttien" for 18); None without one."""
    if not asked:
        return None
    return bool({q.value for q in quantities(sentence)} & asked)


def sentence_years(text: str) -> set[int]:
    """The years a text speaks of (ranges filled in)."""
    return years(text)


# Kinds of question whose answer is one kind of fact: a further quote must carry it too.
FACT_KINDS = frozenset({"money", "amount", "date", "who", "where", "how", "abbreviation"})


def requires_fact(qtype: QuestionType, part: str) -> bool:
    """Questions that only a sentence with the asked-for fact can answer.

    Amounts, dates, persons and expansions of an abbreviation must be in the
    sentence; a "welke" question only when it asks to enumerate a counted set
    ("Welke 7 gemeenten", "In welke drie wijken").
    """
    if qtype in FACT_KINDS:
        return True
    return qtype == "which" and enumerated_noun(part) is not None
