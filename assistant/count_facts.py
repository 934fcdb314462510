"""Counts and quantities: whether a sentence holds a quantity, and whether its number counts the thing
a "hoeveel" question asks about ("7 gemeenten" for "Hoeveel gemeenten ...?", not "negen sprekers",
"31% meer Woo-verzoeken" or a table row of another thing). Split out of `assistant.facts`, which
asks `amount_bonus` for the amount kind.
"""

from __future__ import annotations

import re

from assistant.conversation import STOP_WORDS
from assistant.numbers import quantities, word_value
from assistant.question_kinds import asks_limit, counted_noun
from assistant.retrieval import analyze
from assistant.sentences import fold, tokens, wordset
from assistant.tables import CELL_SEPARATOR, ROW_LABEL_SEPARATOR
from assistant.terms import PEOPLE_NOUNS, plural_noun
from assistant.when_facts import DAY_MONTH, FREQUENCY, YEAR

_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")
# "ten" is left out, as in `numbers.word_value`: in Dutch text it is "ten aanzien", "ten laste",
# never 10 (it made "Een positieve grondhouding ten aanzien van ..." a count).
NUMBER_WORDS = wordset(
    """
    twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd
    duizend tientallen honderden tweetal drietal jaarlijks two three four five six seven eight nine
    twenty hundred thousand dozens annually
    """
)
_REFERENCE = re.compile(
    r"\b(?:bijlage|nr|nummer|artikel|art|hoofdstuk|paragraaf|kamerstuk|pagina|blz|p)\.?\s*$", re.I
)
_HOW_OFTEN = re.compile(r"\b(?:hoe vaak|hoe dikwijls|how often|how frequently)\b", re.IGNORECASE)
# A quantity stated as a bound: "tot 120% van de bijstandsnorm", "ten hoogste € 5.000", "up to 20".
_BOUND = re.compile(
    r"\b(?:tot|maximaal|minimaal|hoogstens|ten hoogste|ten minste|niet meer dan|niet minder dan|boven|"
    r"onder|up to|at most|at least|below|above)\s+(?:€\s*)?\d",
    re.IGNORECASE,
)


# "WCAG 2.2", "versie 1.1", "paragraaf 3.4.1": a dot before one or two digits is no Dutch thousands
# separator (those take three) nor a Dutch decimal (a comma): a version or section number, no quantity.
_VERSION = re.compile(r"\d+(?:\.\d{1,2})+")
# "5.c.2 Vaststelling plan- en prognosekaart", "10.d.1": the outline number of an agenda item (the
# Wassenaar decision lists number every item so), no quantity either.
_OUTLINE = re.compile(r"(?<![\w.])\d+\.[a-z](?:\.\d+)*\b")
# "Rijksstraatweg 785", "Dr. Mansveltkade 12": a house number names a place; it counts nothing.
_HOUSE_NUMBER = re.compile(
    r"[A-Z][\w-]*(?:straat|straatweg|weg|laan|plein|kade|singel|gracht|dreef|hof|dijk|pad|park)\s+$"
)


def has_quantity(text: str) -> bool:
    """A count or quantity that is not a date, a version, an agenda item's number or a house number:
    "7 gemeenten", "drie wijken", "30 mins", not "26 november", "WCAG 2.2", "5.c.2 Vaststelling
    ..." or "het perceel Rijksstraatweg 785"."""
    text = _OUTLINE.sub(lambda m: " " * len(m.group()), text)
    for m in _NUMBER.finditer(text):
        if (
            YEAR.fullmatch(m.group())
            or _VERSION.fullmatch(m.group())
            or DAY_MONTH.match(text, m.start())
            or _REFERENCE.search(text[: m.start()])
            or _HOUSE_NUMBER.search(text[max(0, m.start() - 40) : m.start()])
        ):
            continue
        return True
    return any(w in NUMBER_WORDS or word_value(w) is not None for w in tokens(text))


# "het aantal (deelnemende) gemeenten groeit naar 16": the count follows its noun.
_COUNT_OF = re.compile(r"\b(?:aantal|number of)\s+(?:\w+\s+)?(\w+)\b(.*)", re.IGNORECASE)


def counts(sentence: str, noun: str) -> bool:
    """Whether a number in the sentence counts `noun` ("7 gemeenten", "drie wijken",
    "het aantal gemeenten groeit naar 16"); people count as people ("7 personen" for "leden").
    A percentage counts nothing: "31% meer Woo-verzoeken" says how the number changed, not what it is
    (the sign is read as the word, so "procent" stands between the number and its noun)."""
    people = PEOPLE_NOUNS if fold(noun) in PEOPLE_NOUNS else frozenset()
    stems = {s for n in {noun, *people} for s in analyze(n)}
    words = tokens(sentence.replace("%", " procent"))
    for i, token in enumerate(words):
        if token.isdigit() or token in NUMBER_WORDS or word_value(token) is not None:
            following = " ".join(words[i + 1 : i + 3])
            if stems & set(analyze(following)) or names_head(words[i + 1 : i + 2], {fold(noun)}):
                return True
    m = _COUNT_OF.search(sentence)
    return bool(m and stems & set(analyze(m.group(1))) and has_quantity(m.group(2)))


# Words after a number that measure rather than count: "12 jaar", "5 procent", "3 miljoen".
_MEASURES = wordset(
    """
    jaar jaren maand maanden week weken dag dagen uur uren minuten procent keer maal miljoen miljard
    duizend euro eur mln mld kilometer meter km vierkante procentpunt year years month months
    weeks days hours percent times million billion thousand
    """
)


def counts_only_others(sentence: str, part: str) -> bool:
    """Whether every number of the sentence counts a thing the question does not name: "negen
    sprekers" for "Over hoeveel moties ...?", "de 20 kwetsbare stedelijke gebieden" for "Hoeveel
    gemeenten ...?" (the noun within three words of its number, before any function word: "239
    inwoners van Wassenaar" counts inwoners, whatever town the question names). Sums of money count
    nothing and are passed over; other numbers that measure ("12 jaar", "5 procent") or that are
    followed by no noun leave it open (False), as does a sentence without numbers."""
    asked = {s for w in tokens(part) for s in analyze(w)}
    nouns = {w for w in tokens(part) if len(w) >= 4}
    words = tokens(sentence)
    counted = []
    for i, token in enumerate(words[:-1]):
        if YEAR.fullmatch(token):
            continue  # "In 2023 zijn er 53 projecten": a year counts nothing
        if token.isdigit() or token in NUMBER_WORDS or word_value(token) is not None:
            after = words[i + 1]
            if after in _MONEY_MEASURES:
                continue  # "€ 256 miljoen"
            if not after.isalpha() or len(after) < 4 or after in STOP_WORDS or after in _MEASURES:
                return False
            phrase = words[i + 1 : i + 4]  # "20 kwetsbare stedelijke gebieden", "239 inwoners van ..."
            counted.append(phrase[: next((k for k, w in enumerate(phrase) if w in STOP_WORDS), 3)])
    return bool(counted) and not any(
        set(analyze(w)) & asked or names_head([w], nouns) for phrase in counted for w in phrase
    )


def row_of_another_thing(sentence: str, noun: str) -> bool:
    """Whether a table row ("Totale woonlasten Wassenaar — Realisatie 2022: 1.323; ...", as
    `assistant.tables` writes it) counts another thing than `noun`: neither its label nor its
    column headers say the noun or a compound ending in it ("Hoeveel Woo-verzoeken ...?")."""
    label, sep, cells = sentence.partition(ROW_LABEL_SEPARATOR)
    if not sep:
        return False
    headers = " ".join(cell.split(":", 1)[0] for cell in cells.split(CELL_SEPARATOR) if ":" in cell)
    said = tokens(f"{label} {headers}")
    return not (set(analyze(noun)) & {s for w in said for s in analyze(w)} or names_head(said, {fold(noun)}))


# A percentage more or fewer of something: "In 2023 zijn er 31% meer Woo-verzoeken binnengekomen".
_PERCENT_OF = re.compile(r"\d\s*(?:%|procent)\s+(?:meer|minder|more|fewer|less)\b", re.IGNORECASE)

_MONEY_MEASURES = wordset("miljoen miljard mln mld euro eur million billion")


def only_sums(sentence: str) -> bool:
    """Whether every number of the sentence, years left aside, is a sum of money ("€ 6,3 miljoen")."""
    found = [q for q in quantities(sentence) if not YEAR.fullmatch(q.text)]
    return bool(found) and all(q.money for q in found)


def names_head(words: list[str], nouns: set[str]) -> bool:
    """Whether a word is one of `nouns` or a compound with one as its head ("aandachtswijken" for
    "wijken"): Dutch puts a compound's head last."""
    return any(w.endswith(n) for w in words for n in nouns)


def amount_bonus(part: str, sentence: str) -> float:
    """How well a sentence carries the amount, count or frequency an amount question asks for, 0..1:
    a frequency for "hoe vaak", a bound for a limit, the counted noun for "hoeveel <noun>" (0.3
    when the sentence counts something else or only changes the count; 0.6 when it leaves it open)."""
    if _HOW_OFTEN.search(part):  # "Hoe vaak rapporteert ...?" -> "elk kwartaal", "jaarlijks"
        return 1.0 if FREQUENCY.search(sentence) else 0.0
    if not has_quantity(sentence):
        return 0.0
    if asks_limit(part):  # a budget of € 133.000 is a quantity, but no limit
        return 1.0 if _BOUND.search(sentence) else 0.6
    noun = counted_noun(part)
    if noun is None or counts(sentence, noun):
        return 1.0
    # "Er zijn vandaag negen sprekers." counts speakers, not the "moties" asked about; "De
    # investering bedraagt € 6,3 miljoen." counts no gemeenten: a sum of money counts nothing.
    sums_only = plural_noun(noun) and only_sums(sentence)  # "gemeenten" counted, not "brengen"
    changed = _PERCENT_OF.search(sentence)  # "31% meer Woo-verzoeken": a change, not the count
    other_row = row_of_another_thing(sentence, noun)
    return 0.3 if counts_only_others(sentence, part) or sums_only or changed or other_row else 0.6
