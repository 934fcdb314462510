"""Scoring the sentences of retrieved passages against a typed `Question`.

Each sentence of the top passages is scored for each part of the question on:

(a) how well its passage was retrieved (its place in the fused ranking),
(b) term overlap with the question (`assistant.terms`: Dutch stems, numbers by value),
(c) semantic similarity to the question, with the same embedding model as the index,
(d) whether it carries the kind of fact asked for (`assistant.facts.type_bonus`).

A sentence may answer a part that needs a fact (an amount, a count, a date, a
person) only when it carries that fact, is about the question's subject, does
not speak of another year than the asked one, and is not about another named
scheme or document than the one asked about.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.conversation import Language
from assistant.embedding import embed_passages, embed_queries
from assistant.facts import (
    FACT_KINDS,
    amount_match,
    count_match,
    requires_fact,
    type_bonus,
    year_conflict,
)
from assistant.numbers import years
from assistant.ordinals import ordinal_conflict
from assistant.question import Question, QuestionPart
from assistant.question_kinds import enumerated_noun
from assistant.records import asked_field, is_field
from assistant.retrieval import analyze
from assistant.sentence_kinds import (
    PLACING_WORDS,
    asks_about_record,
    asks_about_source,
    asks_for_name,
    is_citation_clause,
    is_question_sentence,
    is_record_line,
    is_salutation,
    is_source_reference,
)
from assistant.sentences import antecedent, fold, one_line, points_back, split_sentences, tokens
from assistant.subjects import Subjects, mentions, name_words
from assistant.terms import TextIndex, coverage, salient_terms, term_weights, verb_form
from assistant.types import Hit
from assistant.when_facts import YEAR
from assistant.who_facts import asked_role

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


# Weights of the sentence score (see ScoredSentence), set by hand while reading
# `benchmarks/calibrate_refusal.py --verbose` on evals/qa.jsonl (the chosen sentences
# should hold the expected facts). The refusal thresholds are calibrated on top of
# them: change a weight, run the calibration again.
# Tried and rejected: weights fitted by `benchmarks/fit_sentence_weights.py` on the dev
# splits of all four sets (logistic regression over 1,834 candidate sentences) rank a
# fact-holding sentence first more often (0.702 vs 0.685 of the dev questions, 5-fold
# cross-validated), but the composed answers held the expected facts less often with the
# gates open (98 vs 106 of 142 answerable dev questions), so these weights stay.
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
    # The question names a year and no amount, and the year is all of it its passage holds: no other
    # word of the question, soft or hard ("What is the minimum wage in 2025?" by "De Agenda loopt tot
    # eind 2025").
    only_year: bool = False


@dataclass(frozen=True)
class Assessment:
    """Everything the answerer decided from, for one question (what calibration prints)."""

    language: Language
    parts: list[tuple[str, str]]  # (part text, kind)
    best_dense: float | None
    eligible: list[list[ScoredSentence]]  # per part: the sentences that may answer it, best first
    refusal_reason: str | None
    other_years: frozenset[int] = frozenset()  # years the documents do give when the asked one is missing

    @property
    def best(self) -> ScoredSentence | None:
        """The best sentence for the first part of the question: what the gates judge."""
        return self.eligible[0][0] if self.eligible and self.eligible[0] else None


class EmbeddingCache:
    """Vectors by text: passages come back question after question, so embed each sentence once.

    Questions are cached too (apart: e5 embeds a query differently from a
    passage), which makes a repeated question cost no model time at all.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self._vectors: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, embedder: SentenceTransformer, texts: list[str], queries: bool = False) -> np.ndarray:
        """Unit vectors of `texts`, shape (len(texts), dim), computed once per text."""
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
class Candidate:
    """A sentence of a retrieved passage, with what every question part's scoring needs."""

    hit_index: int
    start: int
    end: int
    text: str
    index: TextIndex
    local: TextIndex  # the sentence, the one before it and the section heading: what it is about
    around: TextIndex  # the passage (with heading) plus the sentence's own amount
    local_text: str  # the same as text, for the subject and year checks
    frame: str  # title and section heading
    doc_id: str
    record: bool = False  # a Kamervragen record line (who asked/answered, when): see assistant.sentence_kinds
    web: bool = False  # holds a web address: a source reference ("1 NRC, 1 maart 2024, «…», https://…")
    doc_year: int | None = None  # the year of the document's date: a present-tense figure is of that year
    citation: bool = False  # a regulation's citation clause ("Deze regeling wordt aangehaald als: X")
    # The sentences it leans on when it opens with a pointing word, back to the first that does not
    # ("Om meer gemeenten ... wordt ook een DU ingezet. Daarmee kregen 7 gemeenten ... Hiermee ..."): "".
    antecedent: str = ""


def candidates(hits: Sequence[Hit], passage_index: Sequence[TextIndex], min_words: int) -> list[Candidate]:
    """Every quotable sentence of the hits (at least `min_words` words, two of them real words)."""
    found = []
    for i, hit in enumerate(hits):
        text = hit.passage.text
        spans = split_sentences(text)
        for n, (a, b) in enumerate(spans):
            words = text[a:b].split()
            if len(words) < min_words or sum(sum(c.isalpha() for c in w) >= 3 for w in words) < 2:
                continue  # headings, "Nr. 32", "36 600 XV": nothing to quote
            if is_question_sentence(text[a:b]) or is_salutation(text[a:b]):
                continue  # a question states nothing (a member's question in Kamervragen), nor "Geachte ..."
            sentence = one_line(text[a:b])
            index = TextIndex.of(sentence)
            previous = text[spans[n - 1][0] : spans[n - 1][1]] if n else ""
            local_text = f"{hit.passage.section or ''}\n{previous}\n{sentence}"
            local = TextIndex.of(local_text)
            around = TextIndex(
                passage_index[i].stems | index.stems,
                passage_index[i].words,
                index.money,
                passage_index[i].values | index.values,
                initialisms=passage_index[i].initialisms | index.initialisms,
            )
            frame = f"{hit.passage.title}\n{hit.passage.section or ''}"
            doc_id, record = hit.passage.doc_id, is_record_line(sentence)
            web = is_source_reference(sentence)
            year = int(hit.passage.date[:4]) if (hit.passage.date or "")[:4].isdigit() else None
            parts = (sentence, index, local, around, local_text, frame, doc_id, record, web, year)
            leans_on, citation = antecedent(text, spans, n), is_citation_clause(sentence)
            found.append(Candidate(i, a, b, *parts, antecedent=leans_on, citation=citation))
    return found


def score_part(
    question: Question,
    part: QuestionPart,
    c: Candidate,
    known: frozenset[str],
    on_subject: bool,
    year_covered: bool = True,
) -> float | None:
    """The type bonus of sentence `c` for one question part, or None when it may not answer it.

    A sentence is not an answer when the part needs a fact the sentence lacks or
    names for another subject, when it speaks only of another year than the asked
    one, or when the question names a sum and the sentence names other sums only.
    `year_covered` is False when the question names a year and no retrieved sentence, passage
    or document date is of it: then no figure answers it, however undated.
    """
    if part.kind == "yesno" and not re.search(r"[.!?;:»”\")]\s*$", c.text):
        return None  # a title or heading line ("Aanvraag regeling X, gemeente Y") says neither yes nor no
    bonus = type_bonus(part.kind, c.text, known, part.text)
    if bonus < FACT_MINIMUM and part.kind in FACT_KINDS and points_back(c.text):
        # "Hiermee wordt de pilotfase afgesloten." is quoted with the sentence it points back to
        # ("Ook zal in 2025 een tweede congres plaatsvinden ..."), which may hold the fact.
        earlier = c.local_text.split("\n", 1)[-1]
        bonus = max(bonus, type_bonus(part.kind, earlier, known, part.text))
    if ordinal_conflict(part.text, c.text):
        return None  # "the second congress" is not "het eerste Congres"
    named = question.subject_names
    if part.kind == "who" and named and asked_role(part.text) and not _names_asked(named, c):
        return None  # "Wie is de voorzitter van de Raad?": a chair named elsewhere is not the Raad's
    # A year in a date question is context ("Tot wanneer loopt de subsidie die in 2023 is
    # verleend?"): the asked fact is itself a date, so another year is the answer, not a conflict.
    if part.kind != "date" and (part.kind in ("money", "amount") or c.index.values):
        said = years(c.text) or years(c.local_text)
        if year_conflict(said, question.years):
            return None
        if not year_covered and part.kind in ("money", "amount"):
            return None  # "Hoeveel geld krijgt de Agenda in 2026?": no document speaks of 2026
    matched = amount_match(c.text, question.amounts)
    if matched is False and c.index.money:
        return None
    counted = part.kind not in ("money", "amount") and enumerated_noun(part.text) is None
    if matched or (counted and count_match(c.text, question.counts)):
        bonus = max(bonus, 1.0)  # "Welke regeling heeft 18 gemeenten?" is answered by the 18
    if requires_fact(part.kind, part.text) and (bonus < FACT_MINIMUM or not on_subject):
        return None
    return bonus


def assess(
    question: Question,
    hits: Sequence[Hit],
    similarities: list[list[float]],
    found: Sequence[Candidate],
    passage_index: Sequence[TextIndex],
    blocked_years: set[int] | None = None,
) -> list[list[ScoredSentence]]:
    """Per question part: the candidate sentences that may answer it, scored, best first.

    `blocked_years`, when given, receives the years of the sentences that would have
    answered the first part but speak of another year than the asked one.
    """
    yearless = replace(question, years=frozenset())
    prefix = 6 if question.language == "nl" else 5
    terms = salient_terms(question)
    weights = term_weights(terms, passage_index, prefix)
    query_stems = set(analyze(question.query))
    # Words in most of the retrieved passages ("Agenda") are the corpus's theme, not an answer to
    # "wie"/"welke". Among fewer than three passages "most" is every word of a one-passage
    # document ("door de firma Renewi" would name nothing), so then there are none.
    common = (
        {w for w in set().union(*(p.words for p in passage_index)) if _in_most(w, passage_index)}
        if len(passage_index) >= _MIN_PASSAGES_FOR_COMMON
        else set()
    )
    subjects = Subjects.of(question, hits)
    # A year the question names is context; when the passage shares only that with it, it is not about
    # the question (`ScoredSentence.only_year`). An amount or count it names is its subject ("Welke
    # regeling ontvangt 1,5 miljoen euro?"), so then the check is left to the coverage gate.
    content = [t for t in terms if not t.values and not t.money and not t.word.isdigit()]
    asks_year = any(YEAR.fullmatch(t.word) for t in terms) and not any(t.values for t in terms)
    # Ordinals and "new" place a thing, they do not say what it is ("the first congress").
    subject = [t for t in terms if not t.money and not t.values and fold(t.word) not in PLACING_WORDS]
    # What a sentence must name to be about the subject: a thing, not the verb ("Wie haalt het
    # grofvuil op?" is not answered by "Het restafval wordt opgehaald door Renewi").
    things = [t for t in subject if not verb_form(t.word)]
    eligible: list[list[ScoredSentence]] = [[] for _ in question.parts]
    why = any(p.kind == "why" for p in question.parts)
    # A figure of no stated year answers a question about a year only when some retrieved text is of
    # that year (a letter of 2023 saying "het budget is verhoogd" answers "in 2023"; the timeline then
    # shows what held when). Otherwise the documents do not speak of that year at all.
    year_covered = not question.years or any(_dated_in(question.years, c) for c in found)
    about_record = asks_about_record(question.query)
    about_web = asks_about_source(question.query)
    about_name = asks_for_name(question.query)
    for k, c in enumerate(found):
        if c.record and not about_record:
            continue  # who asked and when is not what the questions were about
        if c.web and not about_web:
            continue  # a source reference answers only where to find something
        if c.citation and not about_name:
            continue  # a citation clause answers only what the regulation is called
        # A fact-bearing sentence must be about the question's subject, not just carry a number.
        on_subject = not subject or any(c.local.covers(t, prefix) for t in things or subject)
        if subjects.elsewhere(c):
            continue  # a fact about another scheme is never an answer about the asked one
        overlap = coverage(terms, weights, c.index, prefix)
        if why and points_back(c.text):
            # A reason often follows the claim it explains: "... richt zich op de professionals.
            # Zij hebben het beste inzicht ...". It is quoted with the sentence it points back to
            # (sentences.with_context), so for a "waarom" question that sentence's words count as its
            # own. (For other kinds this promoted side remarks: "Zij zijn onafhankelijk" for "how many".)
            overlap = max(overlap, coverage(terms, weights, c.local, prefix))
        passage_cov = coverage(terms, weights, c.around, prefix, rendered_hard=False)
        novelty = len(c.index.stems - query_stems) / max(1, len(c.index.stems))
        evidence = 1.0 - c.hit_index / len(hits)
        section = hits[c.hit_index].passage.section or ""
        asked_words = set(tokens(question.query)) | common
        known = frozenset(asked_words | set(tokens(section)))
        for j, part in enumerate(question.parts):
            # The heading names what the passage is about, and that is often who does it: "De
            # Maatschappelijke Raad geeft advies" under "Maatschappelijke Raad" answers "Wie geeft advies?".
            part_known = frozenset(asked_words) if part.kind == "who" else known
            bonus = score_part(question, part, c, part_known, on_subject, year_covered)
            if bonus is None:
                if (
                    j == 0
                    and blocked_years is not None
                    and question.years
                    and score_part(yearless, part, c, known, on_subject) is not None
                ):
                    blocked_years |= years(c.text) or years(c.local_text)
                continue
            evidence_of = (similarities[j][k], overlap, passage_cov, evidence, bonus, novelty)
            only_year = asks_year and bool(content) and not any(c.around.covers(t, prefix) for t in content)
            eligible[j].append(replace(_scored(j, c, *evidence_of), only_year=only_year))
    for part, ranked in zip(question.parts, eligible, strict=True):
        # The record field named after the asked office or the decision is the answer, however little
        # else of the question it repeats ("Griffier: Drs. M.J. van der Leeden" for "Wie was griffier
        # bij ...?", "Besluit: Technische briefing organiseren." for "Wat besloot de commissie over
        # ...?"), when it stands in a passage that covers the question as well as any (the asked record's).
        field = asked_field(part.text)
        most = max((x.passage_coverage for x in ranked), default=0.0)
        ranked.sort(
            key=lambda x: (
                not (field and x.passage_coverage >= most and is_field(field, x.text)),
                -x.score,
                x.hit_index,
                x.start,
            )  # fmt: skip
        )
    return eligible


def _scored(
    part: int, c: Candidate, similarity: float, overlap: float, passage_cov: float, evidence: float,
    bonus: float, novelty: float,
) -> ScoredSentence:  # fmt: skip
    """One sentence's score for one part: the weighted sum of its evidence (SCORE_WEIGHTS)."""
    w = SCORE_WEIGHTS
    score = (
        w["similarity"] * similarity
        + w["overlap"] * overlap
        + w["passage"] * passage_cov
        + w["evidence"] * evidence
        + w["type"] * bonus
        + w["novelty"] * novelty
    )
    return ScoredSentence(
        part, c.hit_index, c.start, c.end, c.text, similarity, overlap, passage_cov, evidence, bonus,
        novelty, score,
    )  # fmt: skip


def _names_asked(names: Sequence[str], c: Candidate) -> bool:
    """Whether the sentence, the one before it or its document's title names one of `names` (the
    question's `subject_names`), also by initials ("SZW" in "De Staatssecretaris van Sociale Zaken en
    Werkgelegenheid"). The title counts because a document is about what it is named after: "als
    voorzitter, tevens lid, de heer P. Hooimeijer" in the Instellingsbesluit Wetenschappelijke
    commissie wijkaanpak is that committee's chair."""
    words = set(tokens(c.local_text)) | set(tokens(c.frame)) | c.local.initialisms
    return any(mentions(n, words) for n in map(name_words, names) if n)


def _dated_in(asked: frozenset[int], c: Candidate) -> bool:
    """Whether the sentence, the one before it, its passage or its document's date is of an asked
    year ("Wat was het budget in 2023?" is answered by a letter of 2023 that says "het budget is")."""
    if c.doc_year in asked:
        return True
    return bool(years(c.local_text) & asked) or any(str(y) in c.around.words for y in asked)


_MIN_PASSAGES_FOR_COMMON = 3


def _in_most(word: str, passages: Sequence[TextIndex]) -> bool:
    return sum(word in p.words for p in passages) * 2 > len(passages)
