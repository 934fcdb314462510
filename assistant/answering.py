"""Offline extractive answers: the best sentences of the retrieved passages, cited, or a refusal.

No language model is involved, so every word of an answer is a verbatim quote
that a reader can check against its source, and the same question always gets
the same answer. The answerer splits the retrieved passages into sentences and
scores each sentence on four kinds of evidence:

(a) how well its passage was retrieved (its place in the fused ranking),
(b) term overlap with the question, using the retrieval analyzer (Dutch stems),
(c) semantic similarity to the question, with the same embedding model as the index,
(d) whether it carries the kind of fact the question asks for (an amount for
    "hoeveel", a date for "wanneer", a name for "wie", a reason for "waarom").

It refuses ("Dit staat niet in de documenten.") rather than quote something
beside the point: when the passages are not close to the question; when no
sentence on the question's subject carries the fact an amount, date or person
question needs (so "Hoeveel heeft het tweede congres gekost?" is refused: no
amount is said about it); when the best sentence scores low; or when the
question's salient terms are not covered by that sentence and its passage,
unless the sentence scores so high that the mismatch is one of words, not of
meaning (paraphrases, English questions). The thresholds are settings,
calibrated by `benchmarks/calibrate_refusal.py`.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from assistant.conversation import Language, detect_language, named_things, salient_words
from assistant.embedding import embed_passages, embed_queries
from assistant.retrieval import analyze
from assistant.settings import Settings
from assistant.types import Answer, Citation, Hit, Passage

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def _wordset(words: str) -> frozenset[str]:
    """A word list written as running text: easier to read and review than a list of strings."""
    return frozenset(words.split())


REFUSAL: dict[Language, str] = {
    "nl": "Dit staat niet in de documenten.",
    "en": "The documents do not contain this.",
}
CLOSEST: dict[Language, str] = {"nl": "Dichtstbijzijnde passages", "en": "Closest passages"}
FRAMING: dict[Language, str] = {
    "nl": "Volgens de documenten:",
    "en": "According to the documents (quoted in Dutch):",
}

# --- sentences -----------------------------------------------------------------

# Words that end in a full stop without ending the sentence ("nr. 96", "de zg.
# integrale middelen", "o.a. kennis"); compared lowercased, without the final stop.
ABBREVIATIONS = _wordset(
    """
    nr nrs zg zgn z.g o.a a.o ca bijv bv e.g i.e resp jl j.l blz pag p pp art mr dr drs ir ing prof
    mevr dhr mw m.b.t t.a.v i.p.v i.v.m m.i.v n.a.v d.w.z incl excl min mins vs etc enz evt o.b.v
    t.b.v vgl cf e.a a.s e.d m.n n.v.t st jr mln mld no vol fig tel
    """
)
_BULLETS = "-•*–·▪●◦¢"
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A line that starts a list item. OCR turns "•" into "e" or "¢", so a lone "e"
# before a capitalised word at the start of a line counts as a bullet too.
_BULLET_LINE = re.compile(rf"\n[ \t]*(?=[{re.escape(_BULLETS)}][ \t]|e[ \t]+[A-Z])")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_MARKERS = re.compile(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")
_LEAD = re.compile(rf"(?:[\s{re.escape(_BULLETS + _SUPERSCRIPTS)}]|e[ \t]+(?=[A-Z]))+")
_TRAIL = re.compile(rf"[\s{_SUPERSCRIPTS}]+$")
_OPENERS = "\"'“‘«([" + _BULLETS


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs and list items: a sentence never runs across one of these edges."""
    cuts = {0, len(text)}
    for m in _BLOCK_BREAK.finditer(text):
        cuts.update((m.start(), m.end()))
    for m in _BULLET_LINE.finditer(text):
        cuts.update((m.start(), m.end()))
    edges = sorted(cuts)
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if text[a:b].strip()]


def _ends_sentence(text: str, stop: int, after: int, block_end: int) -> bool:
    """Whether the punctuation starting at `stop` (closers included up to `after`) ends a sentence."""
    rest = text[after:block_end]
    if not rest.strip(" \t\n" + _SUPERSCRIPTS):
        return True
    if not rest[:1].isspace() and rest[:1] not in _SUPERSCRIPTS:
        return False
    nxt = rest.lstrip(" \t\n" + _SUPERSCRIPTS)[:1]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return False
    if text[stop] != ".":
        return True
    word = re.search(r"(\S*)$", text[:stop]).group(1).lstrip("(\"'“‘«")
    if word.lower() in ABBREVIATIONS:
        return False
    # Initials: "F. Kaulingfreks", "J.D. de Jong".
    return not re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", word)


def split_sentences(text: str, citation_markers: bool = False) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` into `text`, so `text[start:end]` is the exact sentence.

    Paragraph breaks and list items always separate sentences; a single line
    break (the hard wrap of extracted PDF text) does not. A full stop ends a
    sentence only before a capital, digit or opening quote, and not after an
    abbreviation ("nr.", "zg.", "o.a.") or an initial ("J.D."), so amounts such
    as "€ 6,3 miljoen" and "313.327" stay whole. With `citation_markers`, "[1]"
    after the stop belongs to the sentence before it (for model output).
    Footnote superscripts and bullets are left outside the span.
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for m in _SENTENCE_END.finditer(text, block_start, block_end):
            after = m.end()
            if citation_markers:
                markers = _MARKERS.match(text, after, block_end)
                if markers:
                    after = markers.end()
            if _ends_sentence(text, m.start(), after, block_end):
                spans.append((start, after))
                start = after
        spans.append((start, block_end))
    cleaned: list[tuple[int, int]] = []
    for start, end in spans:
        lead = _LEAD.match(text, start, end)
        if lead:
            start = lead.end()
        trail = _TRAIL.search(text, start, end)
        if trail:
            end = trail.start()
        if end > start and any(c.isalpha() for c in text[start:end]):
            cleaned.append((start, end))
    return cleaned


def one_line(text: str) -> str:
    """A quote as it reads in an answer: hard line wraps and runs of spaces become one space."""
    return re.sub(r"\s+", " ", text).strip()


# --- what a question asks for ------------------------------------------------------

QuestionType = Literal["amount", "money", "date", "who", "which", "why", "abbreviation", "what"]

_QUESTION_WORD = (
    r"(?:hoeveel|wanneer|wie|wat|welke|welk|waarom|waar\w*|hoe|how|when|who|what|which|why|where)"
)
# "..., en welk deel ..." / "... en wanneer ..." / "... and how many ...": a second question.
_PREPOSITION = r"(?:in|op|uit|van|vanuit|voor|tot|met|over|aan|naar|bij|door|at|on|for|to|from|by|with|of)"
_SECOND_QUESTION = re.compile(
    rf"(?:,\s*|\s+)(?:en|and)\s+(?=(?:{_PREPOSITION}\s+)?{_QUESTION_WORD}\b)", re.IGNORECASE
)
# Words of a question that are about money: an amount in the sentence answers them.
_MONEY_WORDS = re.compile(
    r"^(?:geld|euro|bedra|budget|kost|gekost|invest|geïnvest|geinvest|financ|middel|uitga|uitgegeven|"
    r"besteed|subsid|potje|fonds|money|cost|fund|spen|paid|pay|grant)",
    re.IGNORECASE,
)
# Words that follow "hoeveel" when the question counts nothing ("Hoeveel heeft ...").
_VERBISH = _wordset(
    """
    heeft hebben is zijn was waren wordt worden werd bedraagt bedragen bedroeg kost kostte kosten
    gaat ging krijgt kregen krijgen er does did do is are was were has have will
    """
)


def question_parts(question: str) -> list[str]:
    """A question that asks two things ("Hoeveel ..., en welk deel ...?") as its separate parts."""
    parts = [p.strip(" ,") for p in _SECOND_QUESTION.split(question)]
    return [p for p in parts if p] or [question]


def question_type(question: str) -> QuestionType:
    """The kind of fact a question asks for, in Dutch or English.

    "money" is an amount of money ("Hoeveel geld", "Hoeveel heeft X gekost",
    "How much does X invest"); "amount" is any other count or quantity
    ("Hoeveel gemeenten", "Hoe lang", "How many").
    """
    q = " " + re.sub(r"[^\w\s]", " ", question.lower()) + " "
    if _abbreviation_asked(question):
        return "abbreviation"
    if re.search(
        r" (waarom|waartoe|hoezo|why) |met welk doel|wat is het doel|what is the (aim|goal|purpose)", q
    ):
        return "why"
    quantity = re.search(
        r" (hoeveel|how much|how many|hoe groot|hoe lang|how long|hoe oud|how old|hoe vaak|how often|"
        r"welk bedrag|"
        r"what amount|wat kost|wat kostte|what does \w+ cost) ",
        q,
    )
    if quantity:
        word = quantity.group(1)
        after = q[quantity.end() :].split()
        money_word = any(_MONEY_WORDS.match(w) for w in q.split())
        counted = bool(after) and not _MONEY_WORDS.match(after[0]) and after[0] not in _VERBISH
        if word in ("welk bedrag", "what amount", "wat kost", "wat kostte") or (money_word and not counted):
            return "money"
        if word == "how much" and not counted:
            return "money"
        return "amount"
    if re.search(r" (wanneer|when|until when) |in welk jaar|welke datum|what date|which year", q):
        return "date"
    if re.search(r" (wie|who|whom|whose) ", q) or re.search(
        r" (welke?|which) (staatssecretaris|minister|ministeries?|organisaties?|personen|persoon|"
        r"bewindspersoon|"
        r"ministry|ministries|organisations?|person|people) ",
        q,
    ):
        return "who"
    if re.search(r" (welke|welk|which) ", q):
        return "which"
    return "what"


_ABBREVIATION_QUESTION = re.compile(
    r"(?:waar staat|wat betekent|wat is) (?:de afkorting |het acroniem )?([A-Z][\w-]*[A-Z])\b(?: voor)?"
    r"|what (?:does|do) ([A-Z][\w-]*[A-Z]) (?:stand for|mean)",
    re.IGNORECASE,
)


def _abbreviation_asked(question: str) -> str | None:
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


# --- facts a sentence can carry --------------------------------------------------

_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?<![\w.,])(?:19|20)\d{2}(?![\w]|[.,]\d)")
_MONEY = re.compile(
    r"€\s?\d|\d(?:[\d.,]*\d)?\s*(?:miljoen|miljard|duizend|mln|mld|euro|million|billion|thousand)\b|\beuro\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = _wordset(
    """
    twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd
    duizend tientallen honderden tweetal drietal jaarlijks two three four five six seven eight nine
    ten twenty hundred thousand dozens annually
    """
)
_DATE_WORDS = _wordset(
    """
    januari februari maart april mei juni juli augustus september oktober november december january
    february march june july august october zomer winter voorjaar najaar lente herfst eind begin
    medio kwartaal summer spring autumn
    """
)
_ORG_WORDS = _wordset(
    """
    ministerie ministeries minister staatssecretaris kabinet gemeente gemeenten raad kamer commissie
    adviescommissie professionals organisaties experts wetenschappers personen onderzoekers
    """
)
_REASON = re.compile(
    r"\b(?:om\b.{0,80}\bte|omdat|doel|zodat|daardoor|hierdoor|daarom|teneinde|ten behoeve|vanwege|"
    r"want|namelijk|nodig|bedoeling)\b",
    re.IGNORECASE | re.DOTALL,
)
# Sentences that open with these lean on the sentence before ("Hiermee wordt de pilotfase afgesloten").
_ANAPHORIC_OPENERS = _wordset(
    """
    hiermee daarmee hierdoor daardoor daarom hiervoor daarvoor hierbij daarbij dit deze die zij ze
    hun zo hiermede
    """
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


# Numbers that name rather than count: "bijlage 1", "nr. 32", "Kamerstuk 36 200".
_REFERENCE = re.compile(
    r"\b(?:bijlage|nr|nummer|artikel|art|hoofdstuk|paragraaf|kamerstuk|pagina|blz|p)\.?\s*$", re.I
)
_MONTH_NAMES = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|june|july|august|october"
)
_DAY_MONTH = re.compile(rf"\d{{1,2}} (?:{_MONTH_NAMES})\b", re.IGNORECASE)
_END_DATE = re.compile(r"\b(?:tot|t/m|until|through|eind|einde)\b", re.IGNORECASE)


def _has_quantity(text: str) -> bool:
    """A count or quantity that is not a date: "7 gemeenten", "drie wijken", "30 mins", not "26 november"."""
    for m in _NUMBER.finditer(text):
        if (
            _YEAR.fullmatch(m.group())
            or _DAY_MONTH.match(text, m.start())
            or _REFERENCE.search(text[: m.start()])
        ):
            continue
        return True
    return any(w in _NUMBER_WORDS for w in _tokens(text))


def date_bonus(part: str, sentence: str) -> float:
    """How precisely a sentence dates what a "wanneer" question asks, 0..1.

    "Op welke datum" wants a day ("26 november 2024"); "tot wanneer" wants an
    end ("tot eind 2025", "tot en met 2025"); a plain "wanneer" is answered best
    by a month or season with its year ("In mei 2024") and less well by a bare year.
    """
    asked = part.lower()
    tokens = set(_tokens(sentence))
    day = bool(_DAY_MONTH.search(sentence))
    month = bool(tokens & _DATE_WORDS)
    year = bool(_YEAR.search(sentence))
    if not (day or month or year):
        return 0.0
    if re.search(r"\b(?:datum|date)\b", asked):
        return 1.0 if day else 0.3
    if re.search(r"\b(?:tot wanneer|until when|how long)\b", asked):
        return 1.0 if _END_DATE.search(sentence) else 0.5
    return 1.0 if day or month else 0.7


def _names_in(text: str) -> list[str]:
    """Capitalised words that are not the first word, abbreviations and initials."""
    tokens = [t.rstrip(".-") for t in re.findall(r"[\w][\w'’&.-]*", text)]
    return [t for i, t in enumerate(tokens) if (i > 0 and t[0].isupper()) or sum(c.isupper() for c in t) >= 2]


def _is_list(text: str) -> bool:
    """Several things named in a row: "A, B en C", "zoals A en B", a lead-in with a colon."""
    lowered = text.lower()
    return text.count(",") >= 2 or ":" in text or " zoals " in lowered or ("," in text and " en " in lowered)


_INITIALS = re.compile(r"\b(?:[A-Z]\.){1,4} ?(?:(?:de|van|der|den) )*[A-Z][a-z]+")


def _counted(part: str) -> str | None:
    """What a "hoeveel" question counts: "Hoeveel gemeenten kregen ..." -> "gemeenten"."""
    m = re.search(r"\b(?:hoeveel|how many)\s+(\w+)", part.lower())
    if m and m.group(1) not in _VERBISH and not _MONEY_WORDS.match(m.group(1)):
        return m.group(1)
    return None


def _counts(sentence: str, noun: str) -> bool:
    """Whether a number in the sentence counts `noun` ("7 gemeenten", "drie wijken")."""
    stems = set(analyze(noun))
    tokens = _tokens(sentence)
    for i, token in enumerate(tokens):
        if token.isdigit() or token in _NUMBER_WORDS:
            following = " ".join(tokens[i + 1 : i + 3])
            if stems & set(analyze(following)):
                return True
    return False


def _enumerated(part: str) -> str | None:
    """The counted noun of an enumeration question: "Welke 7 gemeenten ..." -> "gemeenten"."""
    m = re.search(r"\b(?:welke|welk|which)\s+(\w+)\s+(\w+)", part.lower())
    if m and (m.group(1).isdigit() or m.group(1) in _NUMBER_WORDS):
        return m.group(2)
    return None


def type_bonus(qtype: QuestionType, sentence: str, known: frozenset[str], part: str = "") -> float:
    """How well a sentence carries the kind of fact the question asks for, 0..1.

    For "wie" and "welke" only what the question does not already say counts:
    names and organisations outside `known` (the question's words, the section
    heading and words found in most retrieved passages, such as "Agenda"). An
    enumeration ("Welke 7 gemeenten") needs its noun and a list or several
    names: "7 gemeenten kregen een bijdrage" repeats the count, it names none.
    """
    if qtype == "money":
        return 1.0 if _MONEY.search(sentence) else 0.0
    if qtype == "amount":
        if not _has_quantity(sentence):
            return 0.0
        noun = _counted(part)
        return 1.0 if noun is None or _counts(sentence, noun) else 0.6
    if qtype == "date":
        return date_bonus(part, sentence)
    if qtype == "abbreviation":
        word = _abbreviation_asked(part) or ""
        return 1.0 if re.search(rf"\(\s*{re.escape(word)}\s*\)|\b{re.escape(word)}\s*\(", sentence) else 0.0
    if qtype == "why":
        return 1.0 if _REASON.search(sentence) else 0.0
    if qtype == "what":
        return 0.0
    names = {_fold(n) for n in _names_in(sentence)} - known
    orgs = (set(_tokens(sentence)) & _ORG_WORDS) - known
    if qtype == "who":
        if _INITIALS.search(sentence):
            return 1.0  # a person: "J.N.J. Nobel", "F. Kaulingfreks"
        return 0.8 if names else (0.6 if orgs else 0.0)
    noun = _enumerated(part)
    if noun is not None:
        has_noun = bool(set(analyze(noun)) & set(analyze(sentence)))
        enumerates = (
            sentence.count(",") >= 2 or ":" in sentence or " zoals " in sentence.lower() or len(names) >= 2
        )
        return 1.0 if has_noun and enumerates else 0.0
    return 1.0 if _is_list(sentence) or names else (0.5 if orgs else 0.0)


def requires_fact(qtype: QuestionType, part: str) -> bool:
    """Questions that only a sentence with the asked-for fact can answer.

    Amounts, dates, persons and expansions of an abbreviation must be in the
    sentence; a "welke" question only when it asks to enumerate a counted set
    ("Welke 7 gemeenten", "In welke drie wijken").
    """
    if qtype in ("money", "amount", "date", "who", "abbreviation"):
        return True
    return qtype == "which" and _enumerated(part) is not None


# --- salient terms and their coverage --------------------------------------------


@dataclass(frozen=True)
class Term:
    """A salient word of the question, with its index stems and whether it is about money."""

    word: str
    stems: tuple[str, ...]  # the whole word's stem, then those of its parts if it is hyphenated
    money: bool
    hard: bool  # English content words are soft: the Dutch text cannot contain them
    carried: bool = False  # brought in from earlier turns by the follow-up rewrite, not asked now


def salient_terms(query: str, lang: Language, question: str | None = None) -> list[Term]:
    """The words a sentence must be about: content words of the query, analysed like the index.

    For English questions only names, abbreviations and numbers are hard terms
    (they are spelled the same in the Dutch documents); other English words are
    soft: matched by their first five letters, which catches cognates such as
    congress/congres, and never a reason to refuse. Words of the standalone
    query that the user's `question` does not contain were carried over from
    earlier turns: context, weighted less than what is asked now.
    """
    names = {w.lower() for name in named_things(query) for w in name.split()}
    asked = set(salient_words(question)) if question else None
    terms = []
    for word in salient_words(query):
        stems = tuple(analyze(word))
        if not stems:
            continue
        hard = lang == "nl" or word in names or any(c.isdigit() for c in word)
        carried = asked is not None and word not in asked
        terms.append(Term(word, stems, bool(_MONEY_WORDS.match(word)), hard, carried))
    return terms


@dataclass(frozen=True)
class _TextIndex:
    """What coverage looks at in a piece of text: its stems, folded words and whether it has an amount."""

    stems: frozenset[str]
    words: frozenset[str]
    money: bool

    @classmethod
    def of(cls, text: str) -> _TextIndex:
        return cls(frozenset(analyze(text)), frozenset(_tokens(text)), bool(_MONEY.search(text)))

    def covers(self, term: Term, prefix: int) -> bool:
        """Same stem; else the same first `prefix` letters; money words by an amount.

        A hyphenated compound needs the whole word or all its parts:
        "minister-president" is not covered by "minister" alone.
        """
        whole, *parts = term.stems
        if whole in self.stems or (parts and all(p in self.stems for p in parts)):
            return True
        word = _fold(term.word)
        if len(word) >= prefix and not parts:
            start = word[:prefix]
            # Dutch participles carry a ge- prefix: reserved ~ gereserveerd, invested ~ geinvesteerd.
            if any(
                w.startswith(start) or (w.startswith("ge") and w[2:].startswith(start)) for w in self.words
            ):
                return True
        return term.money and self.money


def term_weights(terms: Sequence[Term], passages: Sequence[_TextIndex], prefix: int) -> list[float]:
    """Inverse document frequency over the retrieved passages.

    A word found in every passage ("Agenda") says little about whether the
    question is answered; a word found in none ("webadres", "gekost") says most.
    Words carried over from earlier turns count half.
    """
    n = len(passages)
    weights = [math.log(1.0 + (n + 1) / (sum(p.covers(t, prefix) for p in passages) + 0.5)) for t in terms]
    return [w / 2 if t.carried else w for t, w in zip(terms, weights, strict=True)]


def coverage(terms: Sequence[Term], weights: Sequence[float], text: _TextIndex, prefix: int) -> float:
    """Weighted share of the salient terms that `text` covers (1.0 when there are none).

    A soft (English) term that is not found is left out rather than counted as
    missing: its absence from Dutch text says nothing. One that is found counts.
    """
    found = [(w, text.covers(t, prefix)) for t, w in zip(terms, weights, strict=True)]
    pairs = [(w, hit) for (w, hit), t in zip(found, terms, strict=True) if t.hard or hit]
    total = sum(w for w, _ in pairs)
    return sum(w for w, hit in pairs if hit) / total if total else 1.0


# --- scoring -----------------------------------------------------------------------

# Weights of the sentence score (see ScoredSentence), set by hand while reading
# `benchmarks/calibrate_refusal.py --verbose` on evals/qa.jsonl (the chosen sentences
# should hold the expected facts). The refusal thresholds are calibrated on top of
# them: change a weight, run the calibration again.
SCORE_WEIGHTS = {
    "similarity": 1.0,
    "overlap": 0.15,
    "passage": 0.15,
    "evidence": 0.1,
    "type": 0.25,
    "novelty": 0.15,
}


# The type bonus at which a sentence counts as carrying the fact a question requires
# (a bare year for "wanneer", an organisation for "wie"; not a year for "op welke datum").
FACT_MINIMUM = 0.5


@dataclass(frozen=True)
class ScoredSentence:
    """One candidate sentence for one part of the question, with the evidence behind its score."""

    part: int  # which part of the question it answers
    hit_index: int  # into the hits given to the answerer
    start: int  # offsets into hits[hit_index].passage.text
    end: int
    text: str
    similarity: float  # (c) cosine of sentence and question-part embeddings
    overlap: float  # (b) coverage of the question's salient terms by the sentence
    passage_coverage: float  # (b) coverage of the hard terms by the sentence and its passage
    evidence: float  # (a) the passage's place in the fused ranking: 1.0 for the first of n, then 1 - i/n
    type_bonus: float  # (d)
    novelty: float  # share of its content words the question does not already contain
    score: float


@dataclass(frozen=True)
class Assessment:
    """Everything the answerer decided from, for one question (what calibration prints)."""

    language: Language
    parts: list[tuple[str, QuestionType]]
    best_dense: float | None
    eligible: list[list[ScoredSentence]]  # per part: the sentences that may answer it, best first
    refusal_reason: str | None

    @property
    def best(self) -> ScoredSentence | None:
        """The best sentence for the first part of the question: what the gates judge."""
        return self.eligible[0][0] if self.eligible and self.eligible[0] else None


class _EmbeddingCache:
    """Vectors by text: passages come back question after question, so embed each sentence once.

    Questions are cached too (apart: e5 embeds a query differently from a
    passage), which makes a repeated question cost no model time at all.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self._vectors: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, embedder: SentenceTransformer, texts: list[str], queries: bool = False) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if (queries, t) not in self._vectors]
        if missing:
            embed = embed_queries if queries else embed_passages
            vectors = embed(embedder, missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._vectors[(queries, text)] = vector
                while len(self._vectors) > self._capacity:
                    self._vectors.popitem(last=False)
        with self._lock:
            return np.stack([self._vectors[(queries, t)] for t in texts])


@dataclass(frozen=True)
class _Candidate:
    """A sentence of a retrieved passage, with what every question part's scoring needs."""

    hit_index: int
    start: int
    end: int
    text: str
    index: _TextIndex
    local: _TextIndex  # the sentence, the one before it and the section heading: what it is about
    around: _TextIndex  # the passage (with heading) plus the sentence's own amount


class ExtractiveAnswerer:
    """Answers from the retrieved passages by quoting their best sentences, or refuses.

    The embedder is optional: without it the semantic part of the score is left
    out and the term overlap and answer type rank the sentences alone (the
    refusal thresholds are calibrated with it, so give it whenever there is one).
    """

    name = "extractive"

    def __init__(self, settings: Settings, embedder: SentenceTransformer | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self._cache = _EmbeddingCache()

    # --- the decision
    def assess(self, question: str, hits: Sequence[Hit], query: str | None = None) -> Assessment:
        """Score every sentence of the top passages for each question part and apply the refusal gates."""
        s = self.settings
        query = query or question
        lang = detect_language(question)
        parts = [(p, question_type(p)) for p in question_parts(query)]
        dense = [h.dense_score for h in hits if h.dense_score is not None]
        best_dense = max(dense) if dense else None
        hits = list(hits)[: s.answer_passages]
        if not hits:
            return Assessment(lang, parts, best_dense, [[] for _ in parts], "no passages")

        prefix = 6 if lang == "nl" else 5
        terms = salient_terms(query, lang, question if query != question else None)
        passage_index = [_TextIndex.of(h.passage.embedding_text()) for h in hits]
        weights = term_weights(terms, passage_index, prefix)
        query_stems = set(analyze(query))
        common = {w for w in set().union(*(p.words for p in passage_index)) if _in_most(w, passage_index)}

        candidates = self._candidates(hits, passage_index)
        similarities = self._similarities([p for p, _ in parts], [c.text for c in candidates])
        eligible: list[list[ScoredSentence]] = [[] for _ in parts]
        subject = [t for t in terms if not t.money]
        for k, c in enumerate(candidates):
            # A fact-bearing sentence must be about the question's subject, not just carry a number.
            on_subject = not subject or any(c.local.covers(t, prefix) for t in subject)
            overlap = coverage(terms, weights, c.index, prefix)
            passage_cov = coverage(terms, weights, c.around, prefix)
            novelty = len(c.index.stems - query_stems) / max(1, len(c.index.stems))
            evidence = 1.0 - c.hit_index / len(hits)
            section = hits[c.hit_index].passage.section or ""
            known = frozenset(set(_tokens(query)) | set(_tokens(section)) | common)
            for j, (part, qtype) in enumerate(parts):
                bonus = type_bonus(qtype, c.text, known, part)
                if requires_fact(qtype, part) and (bonus < FACT_MINIMUM or not on_subject):
                    continue
                w = SCORE_WEIGHTS
                score = (
                    w["similarity"] * similarities[j][k]
                    + w["overlap"] * overlap
                    + w["passage"] * passage_cov
                    + w["evidence"] * evidence
                    + w["type"] * bonus
                    + w["novelty"] * novelty
                )
                eligible[j].append(
                    ScoredSentence(
                        j, c.hit_index, c.start, c.end, c.text, similarities[j][k], overlap, passage_cov,
                        evidence, bonus, novelty, score,
                    )
                )  # fmt: skip
        for ranked in eligible:
            ranked.sort(key=lambda x: (-x.score, x.hit_index, x.start))
        return Assessment(
            lang, parts, best_dense, eligible, self._refusal_reason(best_dense, eligible, parts)
        )

    def _refusal_reason(
        self,
        best_dense: float | None,
        eligible: list[list[ScoredSentence]],
        parts: list[tuple[str, QuestionType]],
    ) -> str | None:
        """Why the documents do not answer the question, or None when they do."""
        s = self.settings
        best = eligible[0][0] if eligible[0] else None
        if best_dense is not None and best_dense < s.refuse_min_dense:
            return f"passages not close (dense {best_dense:.3f} < {s.refuse_min_dense})"
        if best is None:
            return f"no sentence about the subject carries the {parts[0][1]} asked for"
        if best.score < s.refuse_min_sentence:
            return f"best sentence weak ({best.score:.3f} < {s.refuse_min_sentence})"
        if best.score < s.answer_uncovered_min_sentence and best.passage_coverage < s.refuse_min_coverage:
            return f"question terms not covered ({best.passage_coverage:.2f} < {s.refuse_min_coverage})"
        return None

    def _candidates(self, hits: Sequence[Hit], passage_index: Sequence[_TextIndex]) -> list[_Candidate]:
        candidates = []
        for i, hit in enumerate(hits):
            text = hit.passage.text
            spans = split_sentences(text)
            for n, (a, b) in enumerate(spans):
                words = text[a:b].split()
                if len(words) < self.settings.answer_min_words or sum(_is_word(w) for w in words) < 2:
                    continue  # headings, "Nr. 32", "36 600 XV": nothing to quote
                sentence = one_line(text[a:b])
                index = _TextIndex.of(sentence)
                previous = text[spans[n - 1][0] : spans[n - 1][1]] if n else ""
                local = _TextIndex.of(f"{hit.passage.section or ''}\n{previous}\n{sentence}")
                around = _TextIndex(passage_index[i].stems | index.stems, passage_index[i].words, index.money)
                candidates.append(_Candidate(i, a, b, sentence, index, local, around))
        return candidates

    def _similarities(self, parts: list[str], texts: list[str]) -> list[list[float]]:
        """Cosine of every sentence with every question part (zeros without an embedder)."""
        if not texts or self.embedder is None:
            return [[0.0] * len(texts) for _ in parts]
        queries = self._cache.get(self.embedder, parts, queries=True)
        sentences = self._cache.get(self.embedder, texts)
        return (queries @ sentences.T).astype(float).tolist()

    # --- the answer
    def answer(self, question: str, hits: list[Hit], query: str | None = None) -> Answer:
        """A cited answer of 1-3 verbatim sentences, or a refusal listing the closest passages."""
        assessment = self.assess(question, hits, query)
        standalone = query or question
        if assessment.refusal_reason is not None:
            return refusal(question, hits, assessment.language, standalone)
        hits_used = list(hits)[: self.settings.answer_passages]
        quotes = self._compose(assessment, [h.passage for h in hits_used])
        citations = [Citation(n, hits_used[i].passage, a, b) for n, (i, a, b) in enumerate(quotes, start=1)]
        body = " ".join(f"{one_line(c.quote)} [{c.n}]" for c in citations)
        return Answer(
            question=question,
            text=f"{FRAMING[assessment.language]} {body}",
            refused=False,
            citations=citations,
            hits=list(hits),
            standalone_query=standalone,
            answerer=self.name,
        )

    def _compose(self, assessment: Assessment, passages: list[Passage]) -> list[tuple[int, int, int]]:
        """The quotes of the answer as (hit index, start, end), in answer order.

        First the best sentence of each question part (a different one per part),
        then runners-up within `answer_companion_margin` of the best that tell
        something new (a number, or three words that neither the question nor the
        chosen sentences contain), preferring other passages; at most
        `answer_max_sentences` quotes and `answer_max_words` words. A quote is
        widened where a sentence cannot stand alone: see `_with_context`.
        """
        s = self.settings
        chosen: list[ScoredSentence] = []
        for ranked in assessment.eligible:
            pick = next((x for x in ranked if all(_distinct(x, c) for c in chosen)), None)
            if pick is not None:
                chosen.append(pick)
        best = chosen[0]
        runners = [x for x in assessment.eligible[0][1:] if x.score >= best.score - s.answer_companion_margin]
        runners.sort(key=lambda x: (x.hit_index in {c.hit_index for c in chosen}, -x.score))
        for x in runners:
            if len(chosen) >= s.answer_max_sentences:
                break
            if all(_distinct(x, c) for c in chosen) and _adds_facts(x, chosen, assessment.parts[0][0]):
                chosen.append(x)

        quotes: list[tuple[int, int, int]] = []
        words = 0
        for x in chosen[: s.answer_max_sentences]:
            text = passages[x.hit_index].text
            start, end = _with_context(text, x.start, x.end, assessment.parts[x.part][1])
            length = len(text[start:end].split())
            if quotes and words + length > s.answer_max_words:
                continue
            if any(i == x.hit_index and a < end and start < b for i, a, b in quotes):
                continue  # overlaps a quote already taken
            quotes.append((x.hit_index, start, end))
            words += length
            for f_start, f_end in footnotes_cited(text, start, end):
                if not any(i == x.hit_index and a < f_end and f_start < b for i, a, b in quotes):
                    quotes.append((x.hit_index, f_start, f_end))
        return quotes

    def stream(self, question: str, hits: list[Hit], query: str | None = None) -> Iterator[str | Answer]:
        """The answer text quote by quote (so a UI shows progress), then the `Answer`."""
        answer = self.answer(question, hits, query)
        yield from text_chunks(answer.text)
        yield answer


_FOOTNOTE_MARK = re.compile(rf"[{_SUPERSCRIPTS}]+")


def footnotes_cited(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the footnotes that the quote text[start:end] points to, where the passage holds them.

    A sentence like "... jongerenwerkplaatsen in Nederland.³" gets its facts (authors,
    title) from footnote 3; quoting the footnote too keeps those facts in the answer
    and the citation checkable. The footnote line itself is not a reference to follow.
    """
    spans = []
    trailing = _FOOTNOTE_MARK.match(text, end)  # quotes end before a sentence's trailing marker
    quoted = text[start : trailing.end() if trailing else end]
    for mark in dict.fromkeys(_FOOTNOTE_MARK.findall(quoted)):
        if quoted.lstrip().startswith(mark):
            continue
        line = re.search(rf"(?m)^[ \t]*({re.escape(mark)}[ \t]+\S[^\n]*)", text)
        if line is not None and not (start <= line.start(1) < end):
            spans.append((line.start(1), line.end(1)))
    return spans


def _is_word(token: str) -> bool:
    return sum(c.isalpha() for c in token) >= 3


def _in_most(word: str, passages: Sequence[_TextIndex]) -> bool:
    return sum(word in p.words for p in passages) * 2 > len(passages)


def _with_context(text: str, start: int, end: int, qtype: QuestionType) -> tuple[int, int]:
    """Widen a sentence span where it cannot stand alone (within its paragraph).

    A sentence that leans on the one before ("Hiermee ...", "Daarom ...") is
    quoted with it; a lead-in ending in ":" is quoted with the list items that
    follow; a "waarom" answer without a reason takes the next sentence along
    when that one gives it ("... namelijk ...").
    """
    spans = split_sentences(text)
    k = next((n for n, (a, _) in enumerate(spans) if a == start), None)
    if k is None:
        return start, end
    first = _tokens(text[start:end])[:1]
    if first and first[0] in _ANAPHORIC_OPENERS and k > 0 and _same_paragraph(text, spans[k - 1][1], start):
        start = spans[k - 1][0]
    if text[start:end].rstrip().endswith(":"):
        for a, b in spans[k + 1 :]:
            if not _BULLET_LINE.match(text, text.rfind("\n", 0, a)):
                break
            end = b
    elif qtype == "why" and not _REASON.search(text[start:end]) and k + 1 < len(spans):
        a, b = spans[k + 1]
        if _REASON.search(text[a:b]) and _same_paragraph(text, end, a):
            end = b
    return start, end


def _same_paragraph(text: str, left: int, right: int) -> bool:
    return not _BLOCK_BREAK.search(text, left, right)


def _distinct(a: ScoredSentence, b: ScoredSentence) -> bool:
    """Not the same sentence and not a near-repeat of it."""
    if (a.hit_index, a.start) == (b.hit_index, b.start):
        return False
    ta, tb = set(analyze(a.text)), set(analyze(b.text))
    return not (ta and tb and len(ta & tb) / len(ta | tb) >= 0.6)


def _facts(text: str) -> set[str]:
    """Numbers, names and content stems: what a sentence tells."""
    return (
        {m.group() for m in _NUMBER.finditer(text)}
        | {n.lower() for n in _names_in(text)}
        | set(analyze(text))
    )


def _adds_facts(candidate: ScoredSentence, chosen: Sequence[ScoredSentence], question: str) -> bool:
    """Whether a runner-up tells something that neither the question nor the chosen sentences do."""
    known = set(analyze(question)).union(*(_facts(c.text) for c in chosen))
    new = _facts(candidate.text) - known
    return any(f[0].isdigit() for f in new) or len(new) >= 3


def text_chunks(text: str) -> list[str]:
    """`text` cut after each citation marker, so the pieces join back to exactly `text`."""
    pieces = re.split(r"(?<=\])(?=\s)", text)
    return [p for p in pieces if p]


def describe_passage(passage: Passage) -> str:
    """Where a passage is, for a reader: title, section and page."""
    where = passage.title
    if passage.section:
        where += f" — {passage.section}"
    if passage.page is not None:
        where += f" (p. {passage.page})"
    return where


def refusal(question: str, hits: Sequence[Hit], lang: Language, standalone_query: str = "") -> Answer:
    """The honest answer when the documents are silent: no citations, the closest passages named."""
    text = REFUSAL[lang]
    closest = list(dict.fromkeys(describe_passage(h.passage) for h in hits[:3]))
    if closest:
        text += f" {CLOSEST[lang]}: " + "; ".join(closest) + "."
    return Answer(
        question=question,
        text=text,
        refused=True,
        citations=[],
        hits=list(hits),
        standalone_query=standalone_query or question,
        answerer=ExtractiveAnswerer.name,
    )
