"""The answerer embeds only the sentences that may answer, with the result of embedding them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import eligible_first
from assistant.evaluation import DEFAULT_QA, load_qa
from assistant.pipeline import Assistant
from assistant.question import parse_question
from assistant.scoring import assess, candidates
from assistant.settings import Settings
from assistant.terms import TextIndex

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    a = Assistant(Settings(index=tmp_path_factory.mktemp("eligible") / "index", corpus=ROOT / "corpus"))
    a.ingest(progress=False)
    return a


def _inputs(a: Assistant, text: str):
    q = parse_question(text)
    hits = a.retriever.search(q)[: a.settings.answer_passages]
    passage_index = [TextIndex.of(h.passage.embedding_text()) for h in hits]
    return q, hits, candidates(hits, passage_index, a.settings.answer_min_words), passage_index


def _counting(a: Assistant, embedded: list[int]):
    def similarities(parts: list[str], texts: list[str]) -> list[list[float]]:
        embedded.append(len(texts))
        return a.answerer._similarities(parts, texts)

    return similarities


def test_same_assessment_as_embedding_every_sentence(assistant: Assistant) -> None:
    """On every question of the Q&A set: same eligible sentences, scores, order and blocked years,
    with fewer sentences embedded in total."""
    embedded: list[int] = []
    every = 0
    for item in load_qa(DEFAULT_QA):
        q, hits, found, passage_index = _inputs(assistant, item.question)
        if q.problem or not hits:
            continue
        blocked_all: set[int] = set()
        sims = assistant.answerer._similarities([p.text for p in q.parts], [c.text for c in found])
        expected = assess(q, hits, sims, found, passage_index, blocked_all)
        every += len(found)
        blocked: set[int] = set()
        got = eligible_first.assess_eligible_first(
            q, hits, found, passage_index, _counting(assistant, embedded), blocked
        )
        assert got == expected, item.question
        assert blocked == blocked_all, item.question
    assert sum(embedded) < every


def test_a_rule_that_reads_the_similarity_embeds_everything(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard: when eligibility comes to depend on the similarity, the result is still the full one."""
    q, hits, found, passage_index = _inputs(assistant, "Wat doet de Maatschappelijke Raad?")
    sims = assistant.answerer._similarities([p.text for p in q.parts], [c.text for c in found])
    gate = sorted(sims[0])[len(found) // 2]  # "similar enough": half of the sentences pass

    def gated(question, hits, similarities, found, passage_index, blocked_years=None):
        eligible = assess(question, hits, similarities, found, passage_index, blocked_years)
        return [[x for x in ranked if x.similarity >= gate] for ranked in eligible]

    monkeypatch.setattr(eligible_first, "assess", gated)
    embedded: list[int] = []
    got = eligible_first.assess_eligible_first(q, hits, found, passage_index, _counting(assistant, embedded))
    expected = gated(q, hits, sims, found, passage_index)
    assert got == expected and 0 < len(got[0]) < len(assess(q, hits, sims, found, passage_index)[0])
    assert embedded[-1] == len(found)
