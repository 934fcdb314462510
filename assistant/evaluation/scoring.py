"""Scoring one question's retrieval and answer, diagnosing failures, and averaging over items.

The per-question functions turn an `Answer` and its hits into plain dicts (what the
JSON output and the report show); `summarize` averages them over any subset of the
items, so the same numbers come out per set, per split and per kind.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.evaluation.matching import contains_fact, facts_found, quote_verbatim
from assistant.evaluation.metrics import (
    K_MAX,
    citation_precision,
    citation_recall,
    citation_supports,
    evidence_ranks,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_scores,
    relevance,
)
from assistant.evaluation.qa import QAItem

if TYPE_CHECKING:  # the pipeline loads a model; keep this module cheap to import
    from assistant.pipeline import Assistant
    from assistant.types import Answer, Citation, Hit


def hit_summary(hit: Hit) -> dict[str, Any]:
    p = hit.passage
    return {"passage_id": p.id, "doc_id": p.doc_id, "page": p.page, "section": p.section, "score": hit.score}


def score_retrieval(item: QAItem, hits: Sequence[Hit], n_relevant: int) -> dict[str, Any]:
    texts = [h.passage.text for h in hits]
    ranks = evidence_ranks(texts, item.quotes)
    rels = relevance(texts, item.quotes)
    return {
        "ranks": ranks,
        "recall": [recall_at_k(ranks, k) for k in range(1, K_MAX + 1)],
        "rr": reciprocal_rank(rels),
        "ndcg@10": ndcg_at_k(rels, K_MAX, n_relevant),
        "top": [hit_summary(h) for h in hits[:3]],
    }


def citation_row(c: Citation, supports: bool) -> dict[str, Any]:
    p = c.passage
    return {"n": c.n, "doc_id": p.doc_id, "passage_id": p.id, "quote": c.quote, "supports": supports}


def refusal_reason(asst: Assistant, answer: Answer) -> str | None:
    """The extractive answerer's own reason for a refusal, when it can tell (diagnostics only).

    Why: "refused" alone does not say which gate to look at. Other answerers (an LLM)
    have no `assess`, and then the report simply shows no reason.
    """
    assess = getattr(asst.answerer, "assess", None)
    if assess is None:
        return None
    try:
        reason = assess(answer.question, answer.hits, query=answer.standalone_query or None).refusal_reason
    except Exception:  # a diagnostic must never break the evaluation
        return None
    return str(reason) if reason else None


def score_answer(
    item: QAItem,
    answer: Answer,
    latency: float,
    top_k: int,
    search_ranks: Sequence[int | None] | None = None,
    refusal_reason: str | None = None,
) -> dict[str, Any]:
    """Fact, refusal and citation outcome of one answer.

    `search_ranks` (gold quote ranks in the default mode at k=10) say how far a missed quote was.
    """
    found = facts_found(answer.text, item.facts)
    cited_passages = [c.passage.text for c in answer.citations]
    cited_quotes = [c.quote for c in answer.citations]
    hit_texts = [h.passage.text for h in answer.hits]
    supports = [citation_supports(t, item.quotes, item.facts) for t in cited_passages]
    result: dict[str, Any] = {
        "text": answer.text,
        "refused": answer.refused,
        "refusal_reason": refusal_reason,
        "answerer": answer.answerer,
        "notice": answer.notice,
        "latency_s": latency,
        "facts_found": found,
        "fact_ok": bool(item.answerable and not answer.refused and all(found)),
        "citations": [citation_row(c, ok) for c, ok in zip(answer.citations, supports, strict=True)],
        "citation_precision": None,
        "citation_recall": None,
        "evidence_ranks_in_hits": evidence_ranks(hit_texts, item.quotes),
        # Every citation's quote is the passage's own wording (None: nothing cited).
        "quotes_verbatim": (
            all(quote_verbatim(c.quote, c.passage.text) for c in answer.citations)
            if answer.citations and not answer.refused
            else None
        ),
    }
    if item.answerable and not answer.refused:
        result["citation_precision"] = citation_precision(cited_passages, item.quotes, item.facts)
        result["citation_recall"] = citation_recall(cited_quotes, item.facts)
    result["failures"] = diagnose(item, result, top_k, search_ranks)
    return result


def diagnose(
    item: QAItem, ans: dict[str, Any], top_k: int, search_ranks: Sequence[int | None] | None = None
) -> list[dict[str, str]]:
    """What went wrong with one answer, as (cause, detail) pairs a reader can act on.

    Causes: "retrieval" (gold evidence not among the passages the answerer saw),
    "refusal" (refused an answerable question or answered an unanswerable one),
    "fact" (answered, but a required fact is missing from the text),
    "citation" (no citations, citations without support, or facts not in any cited quote).
    """
    out: list[dict[str, str]] = []
    if not item.answerable:
        if not ans["refused"]:
            out.append({"cause": "refusal", "detail": "answered an unanswerable question"})
        return out
    deeper = list(search_ranks) if search_ranks is not None else [None] * len(item.quotes)
    seen_ranks = ans["evidence_ranks_in_hits"]
    missed = [(q, deep) for q, r, deep in zip(item.quotes, seen_ranks, deeper, strict=True) if r is None]
    if missed:
        detail = "; ".join(
            f"not in the top {top_k} ({f'rank {deep}' if deep else f'not in the top {K_MAX}'}): “{q}”"
            for q, deep in missed
        )
        out.append({"cause": "retrieval", "detail": detail})
    if ans["refused"]:
        where = [r for r in seen_ranks if r is not None]
        detail = "refused an answerable question"
        if where and not missed:
            detail += f" (gold evidence was at rank {', '.join(map(str, where))} of the passages it saw)"
        if ans.get("refusal_reason"):
            detail += f"; answerer's reason: {ans['refusal_reason']}"
        out.append({"cause": "refusal", "detail": detail})
        return out
    missing = [alts[0] for alts, ok in zip(item.facts, ans["facts_found"], strict=True) if not ok]
    if missing:
        seen = "evidence was retrieved" if not missed else "evidence partly/not retrieved"
        out.append({"cause": "fact", "detail": f"missing {', '.join(repr(m) for m in missing)} ({seen})"})
    if not ans["citations"]:
        out.append({"cause": "citation", "detail": "no citations"})
    else:
        bad = [str(c["n"]) for c in ans["citations"] if not c["supports"]]
        if bad:
            detail = f"citation(s) [{', '.join(bad)}] hold no gold quote or fact"
            out.append({"cause": "citation", "detail": detail})
        uncited = [
            alts[0]
            for alts, ok in zip(item.facts, ans["facts_found"], strict=True)
            if ok and not any(contains_fact(c["quote"], alts) for c in ans["citations"])
        ]
        if uncited:
            detail = f"fact(s) {', '.join(map(repr, uncited))} not in any cited quote"
            out.append({"cause": "citation", "detail": detail})
    return out


def retrieval_means(per_item: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(per_item)
    recall = [sum(r["recall"][k] for r in per_item) / n if n else 0.0 for k in range(K_MAX)]
    return {
        "n": n,
        "recall_at_k": recall,  # index 0 is recall@1
        "recall@1": recall[0],
        "recall@5": recall[4],
        "recall@10": recall[9],
        "mrr": sum(r["rr"] for r in per_item) / n if n else 0.0,
        "ndcg@10": sum(r["ndcg@10"] for r in per_item) / n if n else 0.0,
    }


def answer_metrics(items: Sequence[QAItem], answers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    answerable = [(i, a) for i, a in zip(items, answers, strict=True) if i.answerable]
    answered = [a for i, a in answerable if not a["refused"]]
    latencies = [a["latency_s"] for a in answers]
    refusal = refusal_scores([a["refused"] for a in answers], [i.answerable for i in items])
    n_facts = sum(len(i.facts) for i, _ in answerable)
    return {
        "n_answerable": len(answerable),
        "n_unanswerable": len(items) - len(answerable),
        "fact_accuracy": sum(a["fact_ok"] for _, a in answerable) / len(answerable) if answerable else None,
        # Refused answerable items count as facts not found.
        "fact_recall": sum(sum(a["facts_found"]) for _, a in answerable) / n_facts if n_facts else None,
        "refusal_precision": refusal["precision"],
        "refusal_recall": refusal["recall"],
        "refusal_f1": refusal["f1"],
        "false_refusal_rate": (
            sum(a["refused"] for _, a in answerable) / len(answerable) if answerable else None
        ),
        "citation_precision": mean(a["citation_precision"] for a in answered),
        "citation_recall": mean(a["citation_recall"] for a in answered),
        "answered_without_citation": sum(1 for a in answered if not a["citations"]),
        # Over every answer that cites something (unanswerable items included).
        "quotes_verbatim": mean(
            None if a.get("quotes_verbatim") is None else float(a["quotes_verbatim"]) for a in answers
        ),
        "latency_median_s": statistics.median(latencies) if latencies else None,
        "latency_p95_s": percentile(latencies, 95),
    }


def breakdown(
    items: Sequence[QAItem], questions: Sequence[dict[str, Any]], mode: str
) -> dict[str, dict[str, dict[str, float | None]]]:
    """Recall@5, fact accuracy and refusal rate per kind and per language: where to look first."""
    out: dict[str, dict[str, dict[str, float | None]]] = {"kind": {}, "lang": {}}
    for attr in ("kind", "lang"):
        groups: dict[str, list[tuple[QAItem, dict[str, Any]]]] = {}
        for item, q in zip(items, questions, strict=True):
            groups.setdefault(getattr(item, attr), []).append((item, q))
        for value, members in sorted(groups.items()):
            ans = [(i, q) for i, q in members if i.answerable]
            rec = [q["retrieval"][mode]["recall"][4] for i, q in ans if mode in q["retrieval"]]
            out[attr][value] = {
                "n": float(len(members)),
                "recall@5": mean(rec),
                "fact_accuracy": mean(float(q["answer"]["fact_ok"]) for _, q in ans) if ans else None,
                "refused": mean(float(q["answer"]["refused"]) for _, q in members),
            }
    return out


SUMMARY_KEYS = (
    "fact_accuracy", "refusal_precision", "refusal_recall", "false_refusal_rate",
    "citation_precision", "citation_recall", "quotes_verbatim", "latency_median_s", "latency_p95_s",
)  # fmt: skip


def summarize(
    items: Sequence[QAItem], questions: Sequence[dict[str, Any]], modes: Sequence[str], default_mode: str
) -> dict[str, Any]:
    """Retrieval per mode, answer metrics and the headline numbers over `items` (order of `questions`)."""
    answerable_q = [q for q in questions if q["answerable"]]
    retrieval = {m: retrieval_means([q["retrieval"][m] for q in answerable_q]) for m in modes}
    answers = answer_metrics(items, [q["answer"] for q in questions])
    head = retrieval[default_mode]
    summary = {
        "n": len(items),
        "n_unanswerable": answers["n_unanswerable"],
        **{k: head[k] for k in ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")},
        **{k: answers[k] for k in SUMMARY_KEYS},
    }
    return {"retrieval": retrieval, "answers": answers, "summary": summary}
