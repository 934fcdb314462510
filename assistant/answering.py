"""Offline extractive answers: the best sentences of the retrieved passages, cited, or a refusal.

No language model is involved, so every word of an answer is a verbatim quote
that a reader can check against its source, and the same question always gets
the same answer. The question arrives typed (`assistant.question.Question`);
its sentences are scored by `assistant.scoring` and the answer composed here.

It refuses ("Dit staat niet in de documenten.") rather than quote something
beside the point: when the input is not a question (empty, punctuation only,
too long); when the passages are not close to the question; when no sentence on
the question's subject carries the fact an amount, date or person question needs
(so "Hoeveel heeft het tweede congres gekost?" is refused: no amount is said
about it, and "Hoeveel in 2027?" is refused when only 2025 is given, saying so);
when the best sentence scores low; or when the question's salient terms are not
covered by that sentence and its passage, unless the sentence scores so high
that the mismatch is one of words, not of meaning (paraphrases, English
questions). The thresholds are settings, calibrated by
`benchmarks/calibrate_refusal.py`.

The sentence, fact and question helpers that used to live here are re-exported
for existing callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.conversation import named_things
from assistant.crosslingual import dutch_renderings, passage_words
from assistant.definitions import defined_term, with_introduction
from assistant.eligible_first import assess_eligible_first
from assistant.facts import FACT_KINDS, names_in, type_bonus
from assistant.gates import covered_first, refusal_reason
from assistant.initialisms import text_initialisms
from assistant.numbers import quantities
from assistant.question import Question, parse_question, question_parts
from assistant.question_kinds import MONEY_WORDS, question_type
from assistant.records import record_fields
from assistant.refusals import (
    ANSWERER,
    FRAMING,
    OTHER_YEARS,
    REFUSAL,
    problem_answer,
    refusal,
)
from assistant.retrieval import analyze
from assistant.scoring import (
    FACT_MINIMUM,
    SCORE_WEIGHTS,
    Assessment,
    EmbeddingCache,
    ScoredSentence,
    candidates,
)
from assistant.sentences import (
    fold,
    footnotes_cited,
    one_line,
    same_paragraph,
    split_sentences,
    text_chunks,
    tokens,
    with_context,
)
from assistant.settings import Settings
from assistant.subjects import Subjects, name_words
from assistant.tables import ROW_LABEL_SEPARATOR
from assistant.terms import Term, TextIndex, salient_terms
from assistant.timeline import timeline_answer
from assistant.types import Answer, Citation, Hit, Passage
from assistant.who_facts import speaker_label

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "SCORE_WEIGHTS", "Assessment", "ExtractiveAnswerer", "ScoredSentence", "footnotes_cited",
    "one_line", "question_parts", "question_type", "split_sentences", "text_chunks", "type_bonus",
]  # fmt: skip


class ExtractiveAnswerer:
    """Answers from the retrieved passages by quoting their best sentences, or refuses.

    The embedder is optional: without it the semantic part of the score is left
    out and the term overlap and answer type rank the sentences alone (the
    refusal thresholds are calibrated with it, so give it whenever there is one).
    """

    name = ANSWERER

    def __init__(self, settings: Settings, embedder: SentenceTransformer | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self._cache = EmbeddingCache()

    # --- the decision
    def assess(self, question: str | Question, hits: Sequence[Hit], query: str | None = None) -> Assessment:
        """Score every sentence of the top passages for each question part and apply the refusal gates.

        `question` is a `Question` (from `parse_question`) or the raw text, with
        `query` the standalone rewrite of a follow-up (kept for older callers).
        """
        q = question if isinstance(question, Question) else parse_question(question, standalone=query)
        parts = [(p.text, p.kind) for p in q.parts]
        dense = [h.dense_score for h in hits if h.dense_score is not None]
        best_dense = max(dense) if dense else None
        hits = list(hits)[: self.settings.answer_passages]
        if q.problem is not None:
            return Assessment(
                q.language, parts, best_dense, [[] for _ in parts], f"not a question ({q.problem})"
            )
        if not hits:
            return Assessment(q.language, parts, best_dense, [[] for _ in parts], "no passages")
        q = self._with_renderings(q, hits)
        # The document a passage is in is what its text is about: the question's source ("volgens het
        # coalitieakkoord") and the names it asks about ("Veilig Verkeer Nederland") that the document's
        # title says count as said by each of its passages (an article of a regulation never repeats it).
        # Not every word of the title: then "stemden" and "huurwoningen" questions lost (dev).
        named = {fold(w) for name in q.subject_names for w in name.split()}
        source = [t for t in salient_terms(q) if t.word in q.source or fold(t.word) in named]
        # An answer in Kamervragen is about the member's question it answers (qa_pairs): its
        # words count as the passage's subject, never as quotable text.
        passage_index = [
            TextIndex.of("\n".join((h.passage.embedding_text(), h.asked, _source_named(source, h.passage))))
            for h in hits
        ]
        found = candidates(hits, passage_index, self.settings.answer_min_words)
        blocked: set[int] = set()
        # Only the sentences that may answer are embedded (eligible_first.py): the same result.
        eligible = assess_eligible_first(q, hits, found, passage_index, self._similarities, blocked)
        eligible[0] = covered_first(eligible[0], self.settings)
        reason = refusal_reason(best_dense, eligible, parts, self.settings, bool(q.amounts or q.counts))
        # Said only when the asked year is what is missing: a figure exists for other years.
        other_years = frozenset(blocked - q.years) if reason and not eligible[0] else frozenset()
        return Assessment(q.language, parts, best_dense, eligible, reason, other_years)

    def _with_renderings(self, q: Question, hits: Sequence[Hit]) -> Question:
        """An English question with the passage words that render its words as Dutch terms
        (`assistant.crosslingual`); any other question as it is."""
        if q.language != "en" or self.embedder is None:
            return q
        names = {fold(w) for name in q.names for w in name.split()}
        # Money words are covered by any amount already ("money" by "€ 6,3 miljoen").
        english = [w for w in q.terms if fold(w) not in names and w.isalpha() and not MONEY_WORDS.match(w)]
        dutch = passage_words(h.passage.text for h in hits)
        found = dutch_renderings(
            english, dutch, lambda texts: self._cache.get(self.embedder, texts, queries=True),
            self.settings.crosslingual_min_word_cosine,
        )  # fmt: skip
        return replace(q, rendered=found) if found else q

    def _similarities(self, parts: list[str], texts: list[str]) -> list[list[float]]:
        """Cosine of every sentence with every question part (zeros without an embedder)."""
        if not texts or self.embedder is None:
            return [[0.0] * len(texts) for _ in parts]
        queries = self._cache.get(self.embedder, parts, queries=True).astype(np.float64)
        sentences = self._cache.get(self.embedder, texts).astype(np.float64)
        # Row by row, not one matrix product: BLAS sums in an order that depends on the shape, so a
        # sentence's similarity would depend (by ~1e-7) on which other sentences are scored with it.
        return [(sentences * q).sum(axis=1).tolist() for q in queries]

    # --- the answer
    def answer(self, question: str | Question, hits: list[Hit], query: str | None = None) -> Answer:
        """A cited answer of 1-3 verbatim sentences, or a refusal listing the closest passages."""
        q = question if isinstance(question, Question) else parse_question(question, standalone=query)
        assessment = self.assess(q, hits)
        if q.problem is not None:
            return problem_answer(q)
        if assessment.refusal_reason is not None:
            answer = refusal(q.text, hits, assessment.language, q.query)
            answer.reason = assessment.refusal_reason
            if assessment.other_years:
                note = OTHER_YEARS[q.language].format(
                    years=", ".join(map(str, sorted(assessment.other_years))),
                    asked=", ".join(map(str, sorted(q.years))),
                )
                head = REFUSAL[q.language]
                answer.text = answer.text.replace(head, f"{head} {note}", 1)
            return answer
        hits_used = list(hits)[: self.settings.answer_passages]
        dated = timeline_answer(q, assessment, hits_used, self.settings)  # a figure that changed: issue 10
        if dated is not None:
            dated.hits = list(hits)
            return dated
        quotes = self._compose(assessment, [h.passage for h in hits_used], Subjects.of(q, hits_used))
        citations = [Citation(n, hits_used[i].passage, a, b) for n, (i, a, b) in enumerate(quotes, start=1)]
        body = " ".join(f"{one_line(c.quote)} [{c.n}]" for c in citations)
        first = citations[0]
        speaker = speaker_label(q.kind, q.answer_noun, q.query, first.passage.section, first.quote)
        body = f"{speaker}: {body}" if speaker else body  # who said it, in a debate's transcript
        return Answer(
            question=q.text,
            text=f"{FRAMING[assessment.language]} {body}",
            refused=False,
            citations=citations,
            hits=list(hits),
            standalone_query=q.query,
            answerer=self.name,
        )

    def _compose(
        self, assessment: Assessment, passages: list[Passage], subjects: Subjects | None = None
    ) -> list[tuple[int, int, int]]:
        """The quotes of the answer as (hit index, start, end), in answer order.

        First the best sentence of each question part (a different one per part),
        then runners-up within `answer_companion_margin` of the best that add a
        fact the question asks for (for amount, date and person questions: a
        sentence that carries that kind of fact and says something new; else a
        number or three new words) and that do not stray to another subject (`subjects`: a
        sentence under another scheme's heading, "Voor 2025 is € 3,1 miljoen beschikbaar" in the
        Buurtkracht column of a letter asked about the Jeugdfonds, or another table row, "Zwolle —
        Bijdrage 2025: ..." after "Deventer — ..."), preferring other passages; at most
        `answer_max_sentences` quotes and `answer_max_words` words. A quote is
        widened where a sentence cannot stand alone: see `sentences.with_context`.
        """
        s = self.settings
        chosen: list[ScoredSentence] = []
        for ranked in assessment.eligible:
            pick = next((x for x in ranked if all(_distinct(x, c) for c in chosen)), None)
            if pick is not None:
                chosen.append(pick)
        best = chosen[0]
        kind = assessment.parts[0][1]
        runners = [x for x in assessment.eligible[0][1:] if x.score >= best.score - s.answer_companion_margin]
        runners.sort(key=lambda x: (x.hit_index in {c.hit_index for c in chosen}, -x.score))
        record = record_fields(best, assessment.eligible[0], passages, assessment.parts[0][0])
        if record:  # the asked record's fields of that name lead, in their order ("Besluit: ...")
            chosen = [*record, *(c for c in chosen if c is not best)][: s.answer_max_sentences]
        for x in runners:
            if len(chosen) >= s.answer_max_sentences:
                break
            if kind in FACT_KINDS and x.type_bonus < max(FACT_MINIMUM, best.type_bonus):
                continue  # no fact of the asked kind, or a weaker one ("€ 1,8 miljoen" for a count)
            if subjects is not None and _strays(x, best, passages[x.hit_index], subjects):
                continue  # a neighbouring row or column about another thing ("Zwolle — Bijdrage ...")
            if all(_distinct(x, c) for c in chosen) and _adds_facts(x, chosen, assessment.parts[0][0]):
                chosen.append(x)
        return self._quotes(chosen, assessment, passages)

    def _quotes(
        self, chosen: list[ScoredSentence], assessment: Assessment, passages: list[Passage]
    ) -> list[tuple[int, int, int]]:
        """The chosen sentences as quote spans, widened to stand alone, with their footnotes."""
        s = self.settings
        quotes: list[tuple[int, int, int]] = []
        words = 0
        for x in chosen[: s.answer_max_sentences]:
            text = passages[x.hit_index].text
            part, kind = assessment.parts[x.part]
            start, end = with_context(text, x.start, x.end, kind)
            term = defined_term(part) if kind == "what" else None
            start = with_introduction(text, start, term) if term else start
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

    def stream(
        self, question: str | Question, hits: list[Hit], query: str | None = None
    ) -> Iterator[str | Answer]:
        """The answer text quote by quote (so a UI shows progress), then the `Answer`."""
        answer = self.answer(question, hits, query)
        yield from text_chunks(answer.text)
        yield answer


def _source_named(source: Sequence[Term], passage: Passage) -> str:
    """The words of the question's source terms (`Question.source`: "volgens het coalitieakkoord") that
    the passage's document title, type or file name says: a passage of coalitieakkoord-2021-2025.pdf
    covers "coalitieakkoord" though its text never names the document it is in. Empty for any other."""
    if not source:
        return ""
    title = TextIndex.of(f"{passage.title} {passage.doc_type} {re.sub(r'[-_.]', ' ', passage.doc_id)}")
    return " ".join(t.word for t in source if title.covers(t, 6))


def _strays(x: ScoredSentence, best: ScoredSentence, passage: Passage, subjects: Subjects) -> bool:
    """Whether a further quote is about another subject than the answer: another row of the table
    than the best quote's ("Zwolle — ..." after "Deventer — ..."), or a sentence led in by a heading
    or a sentence of its paragraph that names another thing and not the asked one ("De regeling
    Buurtkracht ondersteunt ... Voor 2025 is € 3,1 miljoen beschikbaar" asked about the Jeugdfonds)."""
    label, best_label = _row_label(x.text), _row_label(best.text)
    if label and best_label and label != best_label:
        return True
    if not subjects.asked:
        return False
    text = passage.text
    before = [(a, b) for a, b in split_sentences(text) if b <= x.start and same_paragraph(text, b, x.start)]
    lead = f"{passage.section or ''}\n{text[before[-1][0] : before[-1][1]] if before else ''}"
    own = set(tokens(f"{lead}\n{x.text}")) | text_initialisms(f"{lead}\n{x.text}")
    if subjects.names_asked(own):
        return False
    rivals = [name_words(n) for n in named_things(lead)]
    return any(r and not any(r & a for a in subjects.asked) for r in rivals)


def _row_label(sentence: str) -> str | None:
    """The label of a table row as `assistant.tables` writes it ("Deventer — Bijdrage: ..."), else None."""
    label, sep, rest = sentence.partition(ROW_LABEL_SEPARATOR)
    return label.strip() if sep and ":" in rest and len(label.split()) <= 6 else None


def _distinct(a: ScoredSentence, b: ScoredSentence) -> bool:
    """Not the same sentence and not a near-repeat of it."""
    if (a.hit_index, a.start) == (b.hit_index, b.start):
        return False
    ta, tb = set(analyze(a.text)), set(analyze(b.text))
    return not (ta and tb and len(ta & tb) / len(ta | tb) >= 0.6)


def _facts(text: str) -> set[str]:
    """Numbers, names and content stems: what a sentence tells."""
    numbers = {f"{q.value:g}" for q in quantities(text)}
    return numbers | {n.lower() for n in names_in(text)} | set(analyze(text))


def _adds_facts(candidate: ScoredSentence, chosen: Sequence[ScoredSentence], question: str) -> bool:
    """Whether a runner-up tells something that neither the question nor the chosen sentences do."""
    known = set(analyze(question)).union(*(_facts(c.text) for c in chosen))
    new = _facts(candidate.text) - known
    return any(f[0].isdigit() for f in new) or len(new) >= 3
