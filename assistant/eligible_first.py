"""Embed only the sentences that may answer: the answerer's speed mechanism (issue 11).

Embedding the candidate sentences with the model is most of the time of an
offline `ask` (docs/benchmarks.md). But whether a sentence may answer a question
part at all (`scoring.assess`: the fact it must carry, the subject, the year, the
scheme it names, record lines and source references) is decided from its words
alone; the similarity only scores and orders the eligible ones. So the answerer
first runs `assess` with every similarity at its maximum, 1.0 (a probe: no model),
embeds the sentences the probe found eligible, in one batched call, and scores those.

The result is the one of assessing every sentence with its similarity: the same
eligible sentences with the same scores in the same order (`assess` scores and
sorts each sentence on its own, so leaving out ineligible ones changes nothing).
The years of sentences blocked by a year conflict come from the probe, which sees
every sentence. A guard keeps it so if a rule comes to read the similarity as a
gate ("similar enough"): such a rule passes at 1.0 whatever passes at the real
value, and when the scored sentences are then not exactly the probe's eligible
ones, every sentence is embedded and assessed as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.question import Question
from assistant.scoring import Candidate, ScoredSentence, assess
from assistant.terms import TextIndex
from assistant.types import Hit

# (question part texts, sentence texts) -> cosine of every sentence with every part
Similarities = Callable[[list[str], list[str]], list[list[float]]]


def _keys(eligible: list[list[ScoredSentence]]) -> list[list[tuple[int, int]]]:
    return [sorted((x.hit_index, x.start) for x in ranked) for ranked in eligible]


def assess_eligible_first(
    question: Question,
    hits: Sequence[Hit],
    found: Sequence[Candidate],
    passage_index: Sequence[TextIndex],
    similarities: Similarities,
    blocked_years: set[int] | None = None,
) -> list[list[ScoredSentence]]:
    """`scoring.assess` over all of `found`, embedding only the sentences that may answer."""
    parts = [p.text for p in question.parts]
    highest = [[1.0] * len(found) for _ in parts]  # cosine's maximum: see the module's docstring
    probe = assess(question, hits, highest, found, passage_index, blocked_years)
    wanted = {(x.hit_index, x.start) for ranked in probe for x in ranked}
    if not wanted:
        return probe  # nothing may answer: no sentence needs the model
    subset = [c for c in found if (c.hit_index, c.start) in wanted]
    eligible = assess(question, hits, similarities(parts, [c.text for c in subset]), subset, passage_index)
    if _keys(eligible) == _keys(probe):
        return eligible
    if blocked_years is not None:  # the rules read the similarity: embed and assess all, as before
        blocked_years.clear()
    every = similarities(parts, [c.text for c in found])
    return assess(question, hits, every, found, passage_index, blocked_years)
