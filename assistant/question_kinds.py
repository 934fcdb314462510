"""The kind of fact a question asks for, read off its wording: `question_type` and its helpers.

`assistant.question` calls these once per question part while it builds a `Question`;
the answerer (`assistant.facts`, `assistant.scoring`) uses the same helpers to read what
a part counts ("Hoeveel gemeenten" -> "gemeenten") or names ("Welke regeling" ->
"regeling"). Dutch and English wordings; everything is a regular expression or a small
word list, since no model that types questions ships its weights in a package here.
"""

from __future__ import annotations

import re
from typing import Literal

import simplemma

from assistant.sentences import wordset

# The kind of fact a question asks for. "money" is a sum of money ("Hoeveel geld",
# "How much does X cost"), "amount" any other count or quantity ("Hoeveel gemeenten",
# "Hoe vaak"); "date" a moment, an end or a length of time ("Wanneer", "Hoe lang loopt X");
# "who" a person, organisation or group; "where" a place ("Waar vond X plaats?"); "how" a
# procedure ("Hoe vraag ik X aan?"); "which" a
# choice or a list; "why" a reason or aim; "abbreviation" the expansion of one; "yesno" a
# check ("Klopt het dat ...?"); "what" a definition or anything else.
QuestionType = Literal[
    "amount", "money", "date", "who", "where", "how", "which", "why", "abbreviation", "yesno", "what"
]
# "Hoe vraag ik X aan?", "How can I apply?": a procedure, answered by the way to do it.
_PROCEDURE = re.compile(
    r"^ (?:hoe|how) (?:vraag|kan|kun|moet|meld|regel|krijg|dien|do|can|should|would|must) "
    r"(?:ik|je|jij|u|men|we|wij|i|you|one) "
)

# Words of a question that are about money: an amount in the sentence answers them.
MONEY_WORDS = re.compile(
    r"^(?:geld|euro|bedra|budget|kost|gekost|invest|geïnvest|geinvest|financ|middel|uitga|uitgegeven|"
    r"besteed|subsid|potje|fonds|bijdrage|rijksbijdrage|betaal|betaald|money|cost|fund|spen|paid|pay|grant|\w+budget|"
    r"vergoed|\w*plafond)",
    re.IGNORECASE,
)
# Words that follow "hoeveel" when the question counts nothing ("Hoeveel heeft ...").
VERBISH = wordset(
    """
    heeft hebben is zijn was waren wordt worden werd bedraagt bedragen bedroeg kost kostte kosten
    gaat ging krijgt kregen krijgen ontvangt ontvangen er does did do is are was were has have will
    """
)
NUMBER_WORDS = wordset(
    """
    twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd
    duizend tientallen honderden tweetal drietal two three four five six seven eight nine ten twenty
    hundred thousand dozens
    """
)

# English words that decide which Dutch sentence holds the asked fact, with their Dutch
# renderings: the counted nouns of "how many" questions and the verbs of who/when questions.
# The documents are Dutch; the embedding model bridges most of the gap, these words bridge
# the exact checks (what a number counts, which words the keyword index must find).
ENGLISH_TO_DUTCH = {
    "municipalities": "gemeenten", "municipality": "gemeente", "libraries": "bibliotheken",
    "library": "bibliotheek", "schools": "scholen", "school": "school", "people": "mensen personen",
    "persons": "personen", "members": "leden", "member": "lid", "neighbourhoods": "wijken",
    "neighborhoods": "wijken", "districts": "wijken gebieden", "areas": "gebieden", "regions": "regio's",
    "volunteers": "vrijwilligers", "participants": "deelnemers", "organisations": "organisaties",
    "organizations": "organisaties", "projects": "projecten", "young": "jongeren", "youth": "jongeren",
    "children": "kinderen", "families": "gezinnen", "residents": "bewoners", "elderly": "ouderen",
    "adults": "volwassenen", "ministries": "ministeries", "ministry": "ministerie",
    "meetings": "bijeenkomsten",
    "years": "jaar jaren", "months": "maanden", "weeks": "weken", "days": "dagen", "round": "ronde",
    "first": "eerste", "second": "tweede", "start": "start begint", "starts": "start begint",
    "end": "eindigt loopt", "ends": "eindigt loopt", "carries": "uitvoering uitgevoerd",
    "implements": "uitvoering uitgevoerd", "executes": "uitvoering uitgevoerd", "runs": "uitvoering loopt",
    "budget": "budget beschikbaar", "available": "beschikbaar", "reserved": "gereserveerd",
    "applications": "aanvragen", "evaluation": "evaluatie", "report": "rapport rapporteert",
    "municipal": "gemeentelijke", "take": "doen", "part": "mee", "signed": "ondertekend",
    "letter": "brief kamerbrief", "aim": "doel", "goal": "doel", "purpose": "doel",
}  # fmt: skip


# A limit is a quantity, whatever it limits: "inkomensgrens", "leeftijdsgrens", "drempelbedrag" is
# money by its own word; "Tot welke inkomensgrens ...?" is answered by "tot 120% van de bijstandsnorm".
_LIMIT = r"\w*(?:grens|grenzen|limiet|drempel|plafond)|(?:income |age )?(?:threshold|limit|ceiling)"


def asks_limit(part: str) -> bool:
    """Whether a question asks for a limit ("Tot welke inkomensgrens ...?", "What is the threshold?")."""
    return re.search(rf"\b(?:{_LIMIT})\b", part, re.IGNORECASE) is not None


# "welke hoeveelheid", "welk percentage", "what percentage": a quantity by the name of its measure.
_MEASURE_ASKED = re.compile(
    r" (?:welke?|what|which) (?:hoeveelheid|aantal|percentage|omvang|afstand|leeftijd|duur|capaciteit|"
    rf"gewicht|hoogte|maximum|minimum|quantity|number|percentage|share|distance|age|{_LIMIT}) "
)


# "Wat is de hoogte van X?", "What is the size of X?": the measure of X by the name of the measure;
# "Wat is de inkomensgrens voor X?": a limit.
_SIZE_OF = re.compile(
    r" (?:wat (?:is|was|zijn|waren)|what (?:is|was|are|were)) (?:de|het|the) "
    rf"(?:(?:hoogte|omvang|grootte|level|amount|size|height) (?:van|of)|(?:{_LIMIT})) "
)


# Words that end a noun phrase: "Wat is de rol van het budget?" asks about a role, not a sum.
_LINKS = wordset("van voor in op met aan bij uit over of en for of in on with to and")


def _quantity_type(q: str) -> QuestionType | None:
    """ "money" or "amount" for a quantity question ("hoeveel", "how much", "welk bedrag"), else None."""
    quantity = re.search(
        r" (hoeveel|how much|how many|hoe groot|hoe hoog|how high|how large|how big|hoe lang|how long|"
        r"hoe oud|how old|hoe vaak|how often|welk bedrag|what amount|wat kost|wat kostte|what does \w+ cost|"
        r"wat bedraagt|wat bedroeg|wat bedragen|wat bedroegen) ",
        q,
    )
    if not quantity and _SIZE_OF.search(q):
        # "Wat is de hoogte van de subsidie?": a sum when money is named, else a quantity.
        return "money" if any(MONEY_WORDS.match(w) for w in q.split()) else "amount"
    if not quantity and _MEASURE_ASKED.search(q):
        return "amount"  # "Vanaf welke hoeveelheid ...?", "Tot welk percentage ...?": a quantity
    if not quantity:
        # "Wat is het (jaarlijkse) budget van X?", "What is the (current annual) budget for X?": a
        # sum of money by its name, after at most two adjectives.
        named = re.match(
            r" (?:wat (?:is|was|zijn|waren)|what (?:is|was|are|were)) (?:het|de|the) ((?:\w+ ){1,3})", q
        )
        words = named.group(1).split() if named else []
        head = next((k for k, w in enumerate(words) if MONEY_WORDS.match(w)), None)
        adjectives = words[:head] if head is not None else []
        return "money" if head is not None and all(w not in _LINKS for w in adjectives) else None
    word = quantity.group(1)
    after = q[quantity.end() :].split()
    money_word = any(MONEY_WORDS.match(w) for w in q.split())
    # "Hoeveel gemeenten ...?" counts gemeenten; "Wat bedraagt de looncomponent?" names what it sizes.
    counted = (
        bool(after)
        and not MONEY_WORDS.match(after[0])
        and after[0] not in VERBISH
        and not word.startswith("wat bedr")
    )
    if word in ("welk bedrag", "what amount", "wat kost", "wat kostte") or (money_word and not counted):
        return "money"
    if word == "how much" and not counted:
        return "money"
    return "amount"


def _changed_type(q: str) -> QuestionType | None:
    """ "money" or "amount" for a question about how a figure changed ("Hoe is het budget
    veranderd?", "How has the number of municipalities changed?"), else None."""
    m = re.search(
        r" (?:hoe (?:is|zijn|heeft|hebben)|how (?:has|have|did)) (?:het |de |the )?(.*) "
        r"(?:veranderd|gewijzigd|ontwikkeld|gegroeid|gestegen|gedaald|toegenomen|afgenomen|"
        r"chang\w*|develop\w*|grow\w*|grown|evolv\w*|increas\w*|decreas\w*) ",
        q,
    )
    if not m:
        return None
    words = m.group(1).split()
    if words and MONEY_WORDS.match(words[0]):
        return "money"
    if words and words[0] in ("aantal", "number"):
        return "amount"
    return None


def question_type(question: str) -> QuestionType:
    """The kind of fact a question asks for, in Dutch or English (see `QuestionType`)."""
    q = " " + re.sub(r"[^\w\s]", " ", question.lower()) + " "
    if abbreviation_asked(question):
        return "abbreviation"
    if re.search(
        r" (waarom|waartoe|hoezo|why) |met welk doel|wat is het doel|what is the (aim|goal|purpose)", q
    ):
        return "why"
    if re.search(r" (hoe laat|what time|at what time) ", q):
        return "date"  # "Hoe laat begon de vergadering?": a clock time ("aanvang 17.00 uur")
    if re.search(r" (hoe lang|how long|voor hoe lang) ", q):
        return "date"  # "Hoe lang loopt X?": an end date ("tot eind 2025") or a duration ("voor 2 jaar")
    quantity = _quantity_type(q)
    if quantity:
        return quantity
    changed = _changed_type(q)
    if changed:
        return changed
    if re.search(
        r"in welk jaar|welke datum|welke dag|welke maand|what date|which year|what day|which day|which month",
        q,
    ) or _asks_when(q):
        return "date"
    if _asks_place(q):
        return "where"
    if _PROCEDURE.search(q):
        return "how"
    if re.search(r" (wie|who|whom|whose) ", q) or re.search(
        r" (welke?|which) (staatssecretaris|minister|ministeries?|organisaties?|personen|persoon|"
        r"bewindspersoon|stichting|instantie|partij|uitvoerder|"
        r"ministry|ministries|organisations?|organizations?|person|people) ",
        q,
    ):
        return "who"
    if re.search(r" (welke|welk|which) ", q):
        return "which"
    if re.match(
        r" (klopt het|is het zo|is het waar|does|do|is|are|did|kan|mag|heeft|hebben|krijgt|krijgen) ", q
    ) or _opens_with_verb(q):
        return "yesno"
    return "what"


# Question words that, before a "wanneer" / "when", make it a conjunction: "Wie beoordeelt X
# wanneer bijna alle kosten ...?", "What happens when a municipality stops?".
_EARLIER_QUESTION_WORD = re.compile(
    r" (wie|wat|welke?|hoeveel|hoe|waar|waarom|who|whom|what|which|how|where|why) "
)


def _asks_when(q: str) -> bool:
    """Whether "wanneer" / "when" is the question word, not a conjunction after another one."""
    m = re.search(r" (wanneer|when|until when) ", q)
    return bool(m) and not _EARLIER_QUESTION_WORD.search(q[: m.start() + 1])


# "Waar ... aan / op / naar ...?" asks what something goes to, not where it is.
_STRANDED = wordset("aan op naar van vandaan voor over mee in uit door bij tegen toe om tussen onder achter")


def _asks_place(q: str) -> bool:
    """Whether a question asks where ("Waar vond het congres plaats?", "Where was it held?"): "waar"
    or "where" opens it and no preposition belongs to "waar" ("Waar wordt het geld aan besteed?"
    asks what for; "Waar staat SPUK voor?" is an abbreviation, typed before)."""
    words = q.split()
    if not words or words[0] not in ("waar", "where"):
        return False
    return words[0] == "where" or not any(w in _STRANDED for w in words[1:])


def _opens_with_verb(q: str) -> bool:
    """Whether a Dutch question opens with a finite verb ("Concurreert X met Y?", "Geldt dit ook
    voor ...?"): a yes/no question. The verb is a word ending in -t whose lemma (simplemma)
    is an infinitive (a question word such as "wat" is its own lemma)."""
    first = q.split()[0] if q.split() else ""
    if len(first) < 4 or not first.endswith("t"):
        return False
    if first in ("staat", "gaat", "bestaat", "ontstaat"):  # lemmas simplemma leaves as they are
        return True
    lemma = simplemma.lemmatize(first, lang="nl")
    return lemma != first and lemma.endswith(("en", "an"))


_ABBREVIATION_QUESTION = re.compile(
    r"(?:waar staat|wat betekent|wat is) (?:de afkorting |het acroniem )?([A-Z][\w-]*[A-Z])\b(?: voor)?"
    r"|what (?:does|do) ([A-Z][\w-]*[A-Z]) (?:stand for|mean)",
    re.IGNORECASE,
)


def abbreviation_asked(question: str) -> str | None:
    """The abbreviation in "Waar staat SPUK voor?" / "What does DU stand for?", if that is the question."""
    m = _ABBREVIATION_QUESTION.search(question)
    if not m:
        return None
    word = m.group(1) or m.group(2)
    if sum(c.isupper() for c in word) < 2 or (
        "voor" not in question.lower() and "stand" not in question.lower()
    ):
        return None
    return word


def counted_noun(part: str) -> str | None:
    """What a "hoeveel" question counts: "Hoeveel gemeenten kregen ..." -> "gemeenten";
    "How many municipalities ..." -> "gemeenten" (its Dutch rendering)."""
    # An inflected adjective before it is skipped: "Hoeveel deelnemende gemeenten" counts gemeenten.
    m = re.search(r"\b(?:hoeveel|how many)\s+(?:\w+e\s+(?=[a-z]{4,}(?:en|s)\b))?(\w+)", part.lower())
    if m and m.group(1) not in VERBISH and not MONEY_WORDS.match(m.group(1)):
        return dutch_noun(m.group(1))
    return None


def dutch_noun(word: str) -> str:
    """The Dutch word for an English noun of `ENGLISH_TO_DUTCH` (its first rendering:
    "municipalities" -> "gemeenten"); any other word as it is."""
    return ENGLISH_TO_DUTCH.get(word, word).split()[0]


def enumerated_noun(part: str) -> str | None:
    """The counted noun of an enumeration question: "Welke 7 gemeenten ..." -> "gemeenten"."""
    m = re.search(r"\b(?:welke|welk|which)\s+(\w+)\s+(\w+)", part.lower())
    if m and (m.group(1).isdigit() or m.group(1) in NUMBER_WORDS):
        return m.group(2)
    return None


def answer_noun(query: str) -> str | None:
    """The noun after "welke"/"which": what the answer names, not what it is about."""
    m = re.search(r"\b(?:welke|welk|which)\s+(\w+)", query.lower())
    return m.group(1) if m and not m.group(1).isdigit() else None
