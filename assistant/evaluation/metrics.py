"""Retrieval, answer and refusal metrics (pure: strings and lists in, numbers out)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from assistant.evaluation.matching import contains_fact, contains_quote

K_MAX = 10  # retrieval depth of the evaluation: recall@1..10, nDCG@10


def evidence_ranks(passage_texts: Sequence[str], quotes: Sequence[str]) -> list[int | None]:
    """1-based rank of the first passage containing each quote (None: not retrieved)."""
    ranks: list[int | None] = []
    for quote in quotes:
        rank = next((i for i, text in enumerate(passage_texts, 1) if contains_quote(text, quote)), None)
        ranks.append(rank)
    return ranks


def relevance(passage_texts: Sequence[str], quotes: Sequence[str]) -> list[int]:
    """Binary relevance per ranked passage: 1 when it contains any gold quote."""
    return [int(any(contains_quote(text, q) for q in quotes)) for text in passage_texts]


def recall_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of gold quotes found in the top k (multi-evidence items get partial credit)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def reciprocal_rank(rels: Sequence[int]) -> float:
    """1/rank of the first relevant passage, 0 when none is relevant."""
    return next((1.0 / i for i, rel in enumerate(rels, 1) if rel), 0.0)


def ndcg_at_k(rels: Sequence[int], k: int, n_relevant: int | None = None) -> float:
    """nDCG@k with binary relevance.

    `n_relevant` is how many passages in the whole index are relevant (so the ideal
    ranking is known); without it, the relevant passages among the retrieved ones are
    used, which can only overestimate.
    """
    gains = list(rels)[:k]
    dcg = sum(rel / math.log2(i + 1) for i, rel in enumerate(gains, 1))
    ideal_n = min(k, n_relevant if n_relevant is not None else sum(rels))
    ideal_n = max(ideal_n, sum(gains))  # never below what was actually found
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, ideal_n + 1))
    return dcg / idcg if idcg else 0.0


# ---------------------------------------------------------------------------
# Answer metrics (pure)
# ---------------------------------------------------------------------------


def citation_supports(
    passage_text: str, evidence_quotes: Sequence[str], facts: Sequence[Sequence[str]]
) -> bool:
    """ALCE-style support of one citation: its passage holds a gold quote or a required fact."""
    if any(contains_quote(passage_text, q) for q in evidence_quotes):
        return True
    return any(contains_fact(passage_text, alts) for alts in facts)


def citation_precision(
    cited_passages: Sequence[str], evidence_quotes: Sequence[str], facts: Sequence[Sequence[str]]
) -> float | None:
    """Share of citations that support the answer; None when the answer cites nothing."""
    if not cited_passages:
        return None
    ok = sum(citation_supports(text, evidence_quotes, facts) for text in cited_passages)
    return ok / len(cited_passages)


def citation_recall(cited_quotes: Sequence[str], facts: Sequence[Sequence[str]]) -> float | None:
    """Share of required facts that occur in at least one cited quote; None without facts."""
    if not facts:
        return None
    covered = [any(contains_fact(q, alts) for q in cited_quotes) for alts in facts]
    return sum(covered) / len(facts)


def refusal_scores(refused: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float | None]:
    """Precision/recall of refusing, with "not answerable" as the positive class.

    Precision: of the refusals, how many were right; recall: of the unanswerable
    questions, how many were refused. None when undefined (no refusals / none unanswerable).
    """
    tp = sum(1 for r, a in zip(refused, answerable, strict=True) if r and not a)
    n_refused = sum(refused)
    n_unanswerable = sum(1 for a in answerable if not a)
    precision = tp / n_refused if n_refused else None
    recall = tp / n_unanswerable if n_unanswerable else None
    f1 = None
    if precision is not None and recall is not None and precision + recall:
        f1 = 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1}


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Iterable[float | None]) -> float | None:
    """Average of the defined values; None when there are none."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None
