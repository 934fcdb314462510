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
from assistant.question_kinds import ENGLISH_TO_DUTCH, QuestionType, answer_noun, question_type
from assistant.sentences import wordset

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
# Dutch separable verbs: "Wie voert Buurtkracht uit?" asks about "uitvoeren"; the
# particle at the end joined to the verb finds "uitvoering", "uitgevoerd", "uitvoerder".
_PARTICLES = wordset("uit op aan af in mee toe door voor over terug bij samen vast na voort weg deel plaats")
_FRAME_VERB = re.compile(
    r"^\s*wat\s+(houdt|houden|hield|hielden)\b.*\bin\W*$|^\s*wat\s+(?:er\s+)?(gebeurt|gebeurde|gebeuren)\b"
    # "Wanneer eindigt / stopt X?": the end asked for, which the text gives as "loopt tot eind 2025".
    r"|^\s*(?:wanneer|tot wanneer)\s+(eindigt|eindigen|stopt|stoppen|afloopt|aflopen)\b"
    # "Wat verstaat X onder Y?": a definition, which the text gives as "Y is ...".
    r"|^\s*wat\s+(verstaat|verstaan)\b.*\bonder\b",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"\bper\s+(?:jaar|maand|week|dag|kwartaal|year|month|week|day)\b|\b(?:uiteindelijk|ongeveer|"
    r"circa|precies|exact|eventually|approximately|roughly|exactly)\b",
    re.IGNORECASE,
)
_PREPOSITIONS = wordset("aan voor in op met van over tot naar bij om uit door tegen tussen")
# The document a question takes its answer from: "volgens het coalitieakkoord", "according to the
# memo", "Wat verstaat het Iv3 onder ...". Its words are in the document's title, not its text.
_SOURCE = re.compile(
    r"\b(?:volgens|according\s+to)\s+(?:de|het|een|the|a)?\s*(?P<source>[\w-]+)"
    r"|\bwat\s+(?:verstaat|verstaan)\s+(?:de|het)?\s*(?P<definer>[\w-]+(?:\s+[\w-]+)?)\s+onder\b",
    re.IGNORECASE,
)

# The kinds of document a question names (also `assistant.docfacts`). One named as the conversation's
# subject ("Wie heeft de Kamerbrief ondertekend?" / "Wie is de staatssecretaris?" carries "Kamerbrief")
# is the source of the answer, like "volgens de Kamerbrief".
DOCUMENT_KINDS = r"\w*brief|nota|memo|notitie|\w*akkoord|rapport|verslag|besluitenlijst|letter|report"
_DOCUMENT_KIND = re.compile(DOCUMENT_KINDS, re.IGNORECASE)


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
    `rendered` are the words of the retrieved passages that render an English question's
    words (`assistant.crosslingual`, set by the answerer).
    `carried` are the words brought in from earlier turns; `answer_noun` is the kind
    of thing a "welke" question wants named ("Welke regeling ..." -> "regeling");
    `verb_forms` pairs a split verb with its whole form ("voert" with "uitvoert"): a
    sentence covers the term with either. `problem` says why the
    input cannot be answered as a question ("empty", "too_long"), else None.
    `time` is the time asked about (`assistant.asked_time.TimeAsk`: the newest value,
    the value as of a year or date, or the history), None when the question names none;
    its time words ("huidige", "current", "vorig jaar") are left out of `parts`,
    `terms` and `search_text`, since they say when, not what.
    `source` are the terms that name the document the answer is to come from ("volgens het
    coalitieakkoord" -> ("coalitieakkoord",)): a passage of that document covers them by its title.
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
    rendered: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    problem: Problem | None = None
    search_text: str = ""
    answer_noun: str | None = None
    verb_forms: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default=())
    time: TimeAsk | None = None
    source: tuple[str, ...] = ()

    @property
    def kind(self) -> QuestionType:
        """The kind of fact the (first part of the) question asks for."""
        return self.parts[0].kind

    @property
    def followup(self) -> bool:
        """Whether the question took its subject from earlier turns."""
        return bool(self.carried)

    @property
    def subject_names(self) -> tuple[str, ...]:
        """The named things the question is about: `names` without the document the answer is to
        come from ("Kamerbrief" in "Wie is volgens de Kamerbrief de staatssecretaris?", or carried
        over from "Wie heeft de Kamerbrief ondertekend?"), which says where to look, not about what."""
        source = {w.lower() for w in self.source}
        return tuple(n for n in self.names if not {w.lower() for w in n.split()} <= source)


def question_parts(question: str) -> list[str]:
    """A question that asks two things ("Hoeveel ..., en welk deel ...?") as its separate parts."""
    parts = [p.strip(" ,") for p in _SECOND_QUESTION.split(question)]
    return [p for p in parts if p] or [question]


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
    named_source = _source_words(query)
    source = tuple(t for t in terms if t in named_source or (t in carried and _DOCUMENT_KIND.fullmatch(t)))
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
        source=source,
    )


def _source_words(query: str) -> set[str]:
    """The lowercased words of the phrases that name the question's source document (`_SOURCE`)."""
    found: set[str] = set()
    for match in _SOURCE.finditer(query):
        found |= {w.lower() for w in (match.group("source") or match.group("definer")).split()}
    return found
