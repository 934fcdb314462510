"""The user's question, understood once: a typed `Question` that retrieval and answering share.

`parse_question(text, history)` resolves a follow-up against the earlier turns
(`assistant.conversation.rewrite_followup`), then reads off everything the later
stages need: the language, the kind of fact asked for (per part of a double
question), the subject terms and named things, the numbers, amounts and years as
values (`assistant.numbers`), Dutch renderings of the English words that matter
for finding a fact, and whether the input is a question at all (empty,
punctuation only, too long). Retrieval searches `Question.search_text`; the
answerer scores sentences against `Question.parts` and checks facts against
`Question.amounts` and `Question.years`. Nothing downstream re-analyses the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import simplemma

from assistant.asked_time import CHANGE_VERB, TimeAsk, time_asked, without_time_words
from assistant.cleaning import normalise_characters
from assistant.conversation import (
    Language,
    clause_names,
    detect_language,
    rewrite_followup,
    salient_words,
)
from assistant.numbers import Quantity, money_values, quantities, years
from assistant.sentences import wordset

# The kind of fact a question asks for. "money" is a sum of money ("Hoeveel geld",
# "How much does X cost"), "amount" any other count or quantity ("Hoeveel gemeenten",
# "Hoe lang"); "who" a person, organisation or group; "which" a choice or a list;
# "why" a reason or aim; "abbreviation" the expansion of one; "yesno" a check
# ("Klopt het dat ...?"); "what" a definition or anything else.
QuestionType = Literal[
    "amount", "money", "date", "who", "where", "which", "why", "abbreviation", "yesno", "what"
]
Problem = Literal["empty", "too_long"]

# Longer input is not a question but a pasted text: its last question is what is asked.
# 60 words is three times the longest question of evals/qa.jsonl (20 words).
MAX_QUESTION_WORDS = 60


_QUESTION_WORD = (
    r"(?:hoeveel|wanneer|wie|wat|welke|welk|waarom|waar\w*|hoe|how|when|who|what|which|why|where)"
)
# "..., en welk deel ..." / "... en wanneer ..." / "... and how many ...": a second question.
_PREPOSITION = r"(?:in|op|uit|van|vanuit|voor|tot|met|over|aan|naar|bij|door|at|on|for|to|from|by|with|of)"
_SECOND_QUESTION = re.compile(
    rf"(?:,\s*|\s+)(?:en|and)\s+(?=(?:{_PREPOSITION}\s+)?{_QUESTION_WORD}\b)", re.IGNORECASE
)
# Words of a question that are about money: an amount in the sentence answers them.
MONEY_WORDS = re.compile(
    r"^(?:geld|euro|bedra|budget|kost|gekost|invest|geïnvest|geinvest|financ|middel|uitga|uitgegeven|"
    r"besteed|subsid|potje|fonds|bijdrage|rijksbijdrage|betaal|betaald|money|cost|fund|spen|paid|pay|grant|\w+budget)",
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

# Dutch separable verbs: "Wie voert Buurtkracht uit?" asks about "uitvoeren"; the
# particle at the end joined to the verb finds "uitvoering", "uitgevoerd", "uitvoerder".
_PARTICLES = wordset("uit op aan af in mee toe door voor over terug bij samen vast na voort weg deel plaats")
_FRAME_VERB = re.compile(
    r"^\s*wat\s+(houdt|houden|hield|hielden)\b.*\bin\W*$|^\s*wat\s+(?:er\s+)?(gebeurt|gebeurde|gebeuren)\b"
    # "Wanneer eindigt / stopt X?": the end asked for, which the text gives as "loopt tot eind 2025".
    r"|^\s*(?:wanneer|tot wanneer)\s+(eindigt|eindigen|stopt|stoppen|afloopt|aflopen)\b",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"\bper\s+(?:jaar|maand|week|dag|kwartaal|year|month|week|day)\b|\b(?:uiteindelijk|ongeveer|"
    r"circa|precies|exact|eventually|approximately|roughly|exactly)\b",
    re.IGNORECASE,
)
_PREPOSITIONS = wordset("aan voor in op met van over tot naar bij om uit door tegen tussen")


@dataclass(frozen=True)
class QuestionPart:
    """One question of a possibly double question, with the kind of fact it asks for."""

    text: str
    kind: QuestionType


@dataclass(frozen=True)
class Question:
    """A user's question as every later stage needs it. Build it with `parse_question`.

    `text` is what the user typed; `query` the standalone question (a follow-up with
    the conversation's subject added, a long text cut to its last question);
    `search_text` what retrieval searches (the query plus Dutch renderings of English
    words). `amounts` are the values of the sums of money in the question (euros),
    `counts` its other numbers, `years` the years it names (ranges filled in).
    `carried` are the words brought in from earlier turns; `answer_noun` is the kind
    of thing a "welke" question wants named ("Welke regeling ..." -> "regeling");
    `verb_forms` pairs a split verb with its whole form ("voert" with "uitvoert"): a
    sentence covers the term with either. `problem` says why the
    input cannot be answered as a question ("empty", "too_long"), else None.
    `time` is the time asked about (`assistant.asked_time.TimeAsk`: the newest value,
    the value as of a year or date, or the history), None when the question names none;
    its time words ("huidige", "current", "vorig jaar") are left out of `parts`,
    `terms` and `search_text`, since they say when, not what.
    """

    text: str
    query: str
    language: Language
    parts: tuple[QuestionPart, ...]
    terms: tuple[str, ...]
    names: tuple[str, ...]
    amounts: frozenset[float] = frozenset()
    counts: frozenset[float] = frozenset()
    years: frozenset[int] = frozenset()
    dutch: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    problem: Problem | None = None
    search_text: str = ""
    answer_noun: str | None = None
    verb_forms: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default=())
    time: TimeAsk | None = None

    @property
    def kind(self) -> QuestionType:
        """The kind of fact the (first part of the) question asks for."""
        return self.parts[0].kind

    @property
    def followup(self) -> bool:
        """Whether the question took its subject from earlier turns."""
        return bool(self.carried)


def question_parts(question: str) -> list[str]:
    """A question that asks two things ("Hoeveel ..., en welk deel ...?") as its separate parts."""
    parts = [p.strip(" ,") for p in _SECOND_QUESTION.split(question)]
    return [p for p in parts if p] or [question]


def _quantity_type(q: str) -> QuestionType | None:
    """ "money" or "amount" for a quantity question ("hoeveel", "how much", "welk bedrag"), else None."""
    quantity = re.search(
        r" (hoeveel|how much|how many|hoe groot|hoe lang|how long|hoe oud|how old|hoe vaak|how often|"
        r"welk bedrag|what amount|wat kost|wat kostte|what does \w+ cost) ",
        q,
    )
    if not quantity:
        # "Wat is het budget van X?", "What is the budget for X?": a sum of money by its name.
        named = re.match(r" (?:wat (?:is|was|zijn|waren)|what (?:is|was|are|were)) (?:het|de|the) (\w+) ", q)
        return "money" if named and MONEY_WORDS.match(named.group(1)) else None
    word = quantity.group(1)
    after = q[quantity.end() :].split()
    money_word = any(MONEY_WORDS.match(w) for w in q.split())
    counted = bool(after) and not MONEY_WORDS.match(after[0]) and after[0] not in VERBISH
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
    if re.search(r" (hoe lang|how long|voor hoe lang) ", q):
        return "date"  # "Hoe lang loopt X?": an end date ("tot eind 2025") or a duration ("voor 2 jaar")
    quantity = _quantity_type(q)
    if quantity:
        return quantity
    changed = _changed_type(q)
    if changed:
        return changed
    if re.search(r" (wanneer|when|until when) |in welk jaar|welke datum|what date|which year", q):
        return "date"
    if _asks_place(q):
        return "where"
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
    m = re.search(r"\b(?:hoeveel|how many)\s+(\w+)", part.lower())
    if m and m.group(1) not in VERBISH and not MONEY_WORDS.match(m.group(1)):
        noun = m.group(1)
        return ENGLISH_TO_DUTCH.get(noun, noun).split()[0]
    return None


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


def _without_numbers(text: str, found: Sequence[Quantity]) -> str:
    """`text` with the written numbers of `found` blanked out (offsets kept)."""
    chars = list(text)
    for q in found:
        if text[q.start : q.end].strip() == q.text:
            chars[q.start : q.end] = " " * (q.end - q.start)
        else:
            i = text.find(q.text, q.start)
            if i >= 0:
                chars[i : i + len(q.text)] = " " * len(q.text)
    return "".join(chars)


def _focus(text: str) -> tuple[str, Problem | None]:
    """The question inside the input: the input itself, the last question of a long text, or a problem."""
    if not re.search(r"[^\W_]", text):
        return text, "empty"
    if len(text.split()) <= MAX_QUESTION_WORDS:
        return text, None
    questions = re.findall(r"[^.!?\n]*\?", text)
    last = questions[-1].strip() if questions else ""
    last = last.split(":")[-1].strip() if ":" in last else last
    if last and len(last.split()) <= MAX_QUESTION_WORDS and re.search(r"[^\W_]", last):
        return last[0].upper() + last[1:], None
    return text, "too_long"


def _separable_verbs(query: str) -> list[tuple[str, str]]:
    """Dutch verbs split in two, as (verb part, whole verb): "Wie voert Buurtkracht uit?" ->
    [("voert", "uitvoert")], "om de Agenda voort te zetten" -> [("zetten", "voortzetten")].

    A guess (a noun can look like a verb), so the whole verbs are soft terms: they
    count when found and never against a sentence.
    """
    tokens = re.findall(r"\w+", query.lower())
    pairs = [
        (tokens[i + 2], tokens[i] + tokens[i + 2])
        for i in range(len(tokens) - 2)
        if tokens[i] in _PARTICLES and tokens[i + 1] == "te" and tokens[i + 2].endswith("en")
    ]
    # The particle ends the clause: at the end of the question, or before a prepositional
    # phrase ("Hoeveel draagt Nederland jaarlijks bij aan het fonds?" -> "bijdraagt").
    ends = [len(tokens) - 1] if tokens and tokens[-1] in _PARTICLES else []
    ends += [
        i for i in range(2, len(tokens) - 1) if tokens[i] in _PARTICLES and tokens[i + 1] in _PREPOSITIONS
    ]
    if len(tokens) < 3 or not ends or tokens[0].startswith("waar"):  # "Waar staat X voor?"
        return pairs
    end = ends[0]
    middle = tokens[1:end]
    verbs = [v for v in middle if len(v) >= 4 and v.endswith("t")] or [
        v for k, v in enumerate(middle) if len(v) >= 4 and v.endswith("en") and k > 0
    ]
    return pairs + [(verbs[0], tokens[end] + verbs[0])] if verbs else pairs


def _dutch_renderings(query: str, language: Language) -> tuple[str, ...]:
    if language != "en":
        return ()
    found: list[str] = []
    for word in re.findall(r"[a-z]+", query.lower()):
        for dutch in ENGLISH_TO_DUTCH.get(word, "").split():
            if dutch not in found:
                found.append(dutch)
    return tuple(found)


def parse_question(
    text: str, history: Sequence[tuple[str, str]] = (), standalone: str | None = None
) -> Question:
    """Understand one question: resolve a follow-up against `history`, then type its parts.

    `history` holds (question, answer) turns, oldest first; `standalone` is an
    already rewritten query (e.g. by a chat model) used instead of the offline
    rewrite. Never raises: empty or punctuation-only input gets problem "empty",
    a text longer than `MAX_QUESTION_WORDS` without a findable question "too_long".
    """
    text = normalise_characters(text).strip()  # NFC, ligatures: the same characters as the passages
    focus, problem = _focus(text)
    language = detect_language(focus) if problem is None else detect_language(text)
    if problem is not None:
        return Question(text, text, language, (QuestionPart(text, "what"),), (), (), problem=problem)
    query = standalone.strip() if standalone else rewrite_followup(focus, list(history))
    asked_time = time_asked(query)
    query = without_time_words(query) or query  # "huidige", "current": when, not what
    asked_years = years(focus)
    amounts = frozenset(money_values(focus))
    found = [q for q in quantities(query) if q.value not in asked_years or q.money]
    counts = frozenset(q.value for q in found if q.value not in amounts)
    words_only = _without_numbers(query, found)  # numbers are values, not words: "1,5" is not "1" and "5"
    asked = set(salient_words(_without_numbers(focus, quantities(focus))))
    # "hoe lang", "hoe vaak", "how often": the question's form, not its subject.
    form = {m.group(1).lower() for m in re.finditer(r"\b(?:hoe|how)\s+(\w+)", query, re.IGNORECASE)}
    # "Wat houdt X in?", "Wat gebeurt er met X?": the question's frame, answered by what X is or
    # what is done with it, in words of its own.
    form |= {m.group(m.lastindex or 0).lower() for m in _FRAME_VERB.finditer(query)}
    if asked_time is not None and asked_time.mode == "history":  # "hoe is ... veranderd": the form too
        form |= {w.lower() for w in re.findall(r"\w+", query) if CHANGE_VERB.fullmatch(w)}
    split_verbs = _separable_verbs(focus)  # "voert ... uit" is one word: "uitvoert"
    # The particle of a split verb is part of the verb, not a word of its own ("loopt ... af").
    form |= {whole[: len(whole) - len(verb)] for verb, whole in split_verbs}
    # "per jaar", "uiteindelijk": the rate or the certainty of a figure, not what it is about.
    form |= {w.lower() for m in _RATE.finditer(query) for w in m.group().split()}
    terms = [t for t in salient_words(words_only) if t not in form]
    verb_forms = tuple((verb, whole) for verb, whole in split_verbs if verb in terms)
    carried = tuple(t for t in terms if t not in asked)
    dutch = _dutch_renderings(query, language)
    search = " ".join([query, *(d for d in dutch if d not in query.lower())])
    return Question(
        text=text,
        query=query,
        language=language,
        parts=tuple(QuestionPart(p, question_type(p)) for p in question_parts(query)),
        terms=tuple(terms),
        names=tuple(clause_names(words_only)),
        answer_noun=answer_noun(query),
        verb_forms=verb_forms,
        amounts=amounts,
        counts=counts,
        years=frozenset(asked_years),
        dutch=dutch,
        carried=carried,
        search_text=search,
        notes=("long input: answered its last question",) if focus != text else (),
        time=asked_time,
    )
