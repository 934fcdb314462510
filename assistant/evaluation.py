"""The fixed Q&A evaluation: retrieval, answer, refusal and citation metrics.

Why this exists: every change to loading, chunking, retrieval or answering can
silently make answers worse. `assistant eval` replays a fixed question set
(`evals/qa.jsonl`, format in `evals/README.md`) through the same `Assistant`
façade the CLI and web app use, and turns the outcome into numbers, an ablation
over retrieval modes, a Markdown report with every failing question, and a
recall@k plot. The guard-rail test in `tests/test_evaluation.py` fails when a
number drops below its threshold.

The metric functions at the top are pure (strings and lists in, numbers out) so
they can be unit-tested on tiny hand-made data; only `run_eval` touches the
model and the index.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import math
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:  # the pipeline loads a model; keep `import assistant.evaluation` cheap
    from assistant.pipeline import Assistant
    from assistant.types import Answer, Citation, Hit

DEFAULT_QA = PROJECT_ROOT / "evals" / "qa.jsonl"
DEFAULT_REPORT = PROJECT_ROOT / "evals" / "report.md"
DEFAULT_MODES: tuple[str, ...] = ("keyword", "dense", "hybrid", "hybrid+rerank")
KINDS = ("fact", "number", "date", "who", "list", "why", "multi", "paraphrase", "unanswerable")
K_MAX = 10  # retrieval depth of the evaluation: recall@1..10, nDCG@10

# ---------------------------------------------------------------------------
# Text normalisation and matching
# ---------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"} | {
    ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"
}


def normalize_text(text: str) -> str:
    """Lower-cased text with unified dashes/quotes, joined hyphenation and single spaces.

    Why: the gold strings were copied from the raw files, while passages and answers
    come out of cleaning (OCR repair, line joining) and chunking. Whitespace, line
    breaks, typographic dashes and end-of-line hyphenation must not decide whether a
    fact or quote "is there".
    """
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = text.translate(_DASHES).translate(_QUOTES)
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)  # "veer-\nkracht" -> "veerkracht"
    return re.sub(r"\s+", " ", text).strip().casefold()


def squash(text: str) -> str:
    """Only the letters and digits of `text`, lower-cased.

    Why: evidence quotes must survive any clean-up of OCR noise (bullets such as 'e'
    or '¢' stay outside the quotes, but punctuation, spacing and hyphens may change).
    Quotes are long enough (>= ~12 letters) that a squashed match is not accidental.
    """
    return "".join(ch for ch in normalize_text(text) if ch.isalnum())


def contains_quote(passage_text: str, quote: str) -> bool:
    """True when the evidence `quote` occurs in `passage_text` (whitespace/punctuation-insensitive)."""
    q = squash(quote)
    return bool(q) and q in squash(passage_text)


def contains_fact(text: str, alternatives: Sequence[str]) -> bool:
    """True when any alternative occurs in `text` as a whole token sequence.

    Matching is case-insensitive after `normalize_text`, and anchored at word edges so
    that the fact "7 gemeenten" is not found in "17 gemeenten" and "2025" not in "20251".
    """
    norm = normalize_text(text)
    for alt in alternatives:
        a = normalize_text(alt)
        if a and re.search(rf"(?<!\w){re.escape(a)}(?!\w)", norm):
            return True
    return False


def facts_found(text: str, facts: Sequence[Sequence[str]]) -> list[bool]:
    """For each required fact, whether some alternative of it occurs in `text`."""
    return [contains_fact(text, alts) for alts in facts]


# ---------------------------------------------------------------------------
# Retrieval metrics (pure)
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The Q&A set
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QAItem:
    """One question of the set (see evals/README.md for the meaning of each field)."""

    id: str
    question: str
    lang: str
    answerable: bool
    facts: list[list[str]]
    evidence: list[dict[str, str]]
    kind: str
    notes: str = ""

    @property
    def quotes(self) -> list[str]:
        return [e["quote"] for e in self.evidence]


class QAFormatError(ValueError):
    """The Q&A file breaks the format of evals/README.md."""


def load_qa(path: Path) -> list[QAItem]:
    """Read and check a Q&A JSONL file; raise QAFormatError naming the line on any defect."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAFormatError(f"{where}: not JSON ({exc})") from exc
        missing = {"id", "question", "lang", "answerable", "facts", "evidence", "kind"} - raw.keys()
        if missing:
            raise QAFormatError(f"{where}: missing fields {sorted(missing)}")
        item = QAItem(
            id=str(raw["id"]),
            question=str(raw["question"]),
            lang=str(raw["lang"]),
            answerable=bool(raw["answerable"]),
            facts=[[str(a) for a in alts] for alts in raw["facts"]],
            evidence=[{"doc_id": str(e["doc_id"]), "quote": str(e["quote"])} for e in raw["evidence"]],
            kind=str(raw["kind"]),
            notes=str(raw.get("notes", "")),
        )
        problems = []
        if item.id in seen:
            problems.append("duplicate id")
        if item.lang not in ("nl", "en"):
            problems.append("lang must be 'nl' or 'en'")
        if item.kind not in KINDS:
            problems.append(f"kind must be one of {KINDS}")
        if (item.kind == "unanswerable") == item.answerable:
            problems.append("kind 'unanswerable' exactly when answerable is false")
        if item.answerable and (not item.facts or not item.evidence):
            problems.append("answerable items need facts and evidence")
        if not item.answerable and (item.facts or item.evidence):
            problems.append("unanswerable items have facts [] and evidence []")
        if any(not alts or not all(a.strip() for a in alts) for alts in item.facts):
            problems.append("every fact needs at least one non-empty alternative")
        if problems:
            raise QAFormatError(f"{where} ({item.id}): " + "; ".join(problems))
        seen.add(item.id)
        items.append(item)
    return items


def check_evidence(items: Sequence[QAItem], doc_texts: dict[str, str]) -> list[str]:
    """Problems with evidence quotes: unknown doc_id or a quote that is not in its document.

    Why: a quote that is not verbatim in the source can never be "found", which would
    silently lower recall. Run against the raw files (before cleaning).
    """
    problems = []
    for item in items:
        for ev in item.evidence:
            text = doc_texts.get(ev["doc_id"])
            if text is None:
                problems.append(f"{item.id}: unknown doc_id {ev['doc_id']!r}")
            elif normalize_text(ev["quote"]) not in normalize_text(text):
                problems.append(f"{item.id}: quote not in {ev['doc_id']}: {ev['quote']!r}")
    return problems


# ---------------------------------------------------------------------------
# Running the evaluation
# ---------------------------------------------------------------------------


@dataclass
class EvalResult:
    """Everything one run measured: summary numbers, the ablation and per-question outcomes."""

    setup: dict[str, Any]
    summary: dict[str, float | None]  # the headline numbers the guard-rail test checks
    retrieval: dict[str, dict[str, Any]]  # mode -> recall@1..10, MRR, nDCG@10
    answers: dict[str, Any]
    breakdown: dict[str, dict[str, dict[str, float | None]]]  # "kind"/"lang" -> value -> metrics
    questions: list[dict[str, Any]]
    unreachable_evidence: list[dict[str, str]] = field(default_factory=list)
    skipped_modes: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def failures(self) -> list[dict[str, Any]]:
        """The questions with at least one problem, in set order."""
        return [q for q in self.questions if q["failures"]]


def eval_index_dir(settings: Settings, corpus: Path) -> Path:
    """A separate index folder per evaluated corpus, so an eval never rewrites the everyday index."""
    digest = hashlib.sha1(str(Path(corpus).resolve()).encode("utf-8")).hexdigest()[:12]
    return Path(settings.index) / f"eval-{digest}"


def supported_modes(requested: Sequence[str] | None) -> tuple[list[str], dict[str, str]]:
    """The retrieval modes to evaluate, and the requested ones the retriever lacks (with why).

    Without a request: keyword, dense, hybrid and the retriever's rerank mode; when it has
    none, "hybrid+rerank" is reported as skipped so the ablation table says so.
    """
    from assistant import retrieval

    available = tuple(getattr(retrieval, "MODES", ("hybrid", "dense", "keyword")))
    if requested:
        wanted = list(dict.fromkeys(requested))
    else:
        wanted = list(DEFAULT_MODES)
        wanted += [m for m in available if "rerank" in m and m not in wanted]
        if any("rerank" in m for m in available):  # the retriever names its rerank mode differently
            wanted = [m for m in wanted if m in available or "rerank" not in m]
    modes = [m for m in wanted if m in available]
    why = f"not offered by the retriever (modes: {', '.join(available)})"
    skipped = {m: why for m in wanted if m not in available}
    return modes, skipped


def _hit_summary(hit: Hit) -> dict[str, Any]:
    p = hit.passage
    return {"passage_id": p.id, "doc_id": p.doc_id, "page": p.page, "section": p.section, "score": hit.score}


def _score_retrieval(item: QAItem, hits: Sequence[Hit], n_relevant: int) -> dict[str, Any]:
    texts = [h.passage.text for h in hits]
    ranks = evidence_ranks(texts, item.quotes)
    rels = relevance(texts, item.quotes)
    return {
        "ranks": ranks,
        "recall": [recall_at_k(ranks, k) for k in range(1, K_MAX + 1)],
        "rr": reciprocal_rank(rels),
        "ndcg@10": ndcg_at_k(rels, K_MAX, n_relevant),
        "top": [_hit_summary(h) for h in hits[:3]],
    }


def _citation_row(c: Citation, supports: bool) -> dict[str, Any]:
    p = c.passage
    return {"n": c.n, "doc_id": p.doc_id, "passage_id": p.id, "quote": c.quote, "supports": supports}


def _refusal_reason(asst: Assistant, answer: Answer) -> str | None:
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


def _score_answer(
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
        "citations": [_citation_row(c, ok) for c, ok in zip(answer.citations, supports, strict=True)],
        "citation_precision": None,
        "citation_recall": None,
        "evidence_ranks_in_hits": evidence_ranks(hit_texts, item.quotes),
    }
    if item.answerable and not answer.refused:
        result["citation_precision"] = citation_precision(cited_passages, item.quotes, item.facts)
        result["citation_recall"] = citation_recall(cited_quotes, item.facts)
    result["failures"] = _diagnose(item, result, top_k, search_ranks)
    return result


def _diagnose(
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


def _retrieval_means(per_item: Sequence[dict[str, Any]]) -> dict[str, Any]:
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


def _answer_metrics(items: Sequence[QAItem], answers: Sequence[dict[str, Any]]) -> dict[str, Any]:
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
        "latency_median_s": statistics.median(latencies) if latencies else None,
        "latency_p95_s": percentile(latencies, 95),
    }


def _breakdown(
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


def run_eval(
    settings: Settings,
    qa_path: Path | str = DEFAULT_QA,
    corpus: Path | str | None = None,
    modes: Sequence[str] | None = None,
    index: Path | str | None = None,
    assistant: Assistant | None = None,
    log: Callable[[str], None] | None = None,
) -> EvalResult:
    """Evaluate retrieval (per mode) and answers on a Q&A file over a corpus.

    The corpus is ingested into its own index (`eval_index_dir`, or `index`), which
    is incremental, so a second run reuses it. `assistant` may be passed to reuse a
    loaded model; it must already point at the right index.
    """
    from assistant.pipeline import Assistant

    say = log or (lambda _msg: None)
    items = load_qa(Path(qa_path))
    corpus = Path(corpus or settings.corpus)
    index_dir = Path(index) if index else eval_index_dir(settings, corpus)
    settings = settings.with_overrides(corpus=corpus, index=index_dir)
    modes_run, skipped = supported_modes(modes)
    if not modes_run:
        raise ValueError(f"none of the retrieval modes can be evaluated: {skipped}")

    say(f"index {index_dir} <- corpus {corpus}")
    asst = assistant or Assistant(settings)
    report = asst.ingest(corpus, progress=False)
    passages = asst.index.all_passages()
    say(f"{report.total_passages} passages; {len(items)} questions; modes {', '.join(modes_run)}")

    # Quotes that no passage holds (split by the chunker or changed by cleaning) cannot be found.
    unreachable = [
        {"id": i.id, "doc_id": e["doc_id"], "quote": e["quote"]}
        for i in items
        for e in i.evidence
        if not any(contains_quote(p.text, e["quote"]) for p in passages)
    ]
    n_relevant = {
        i.id: sum(1 for p in passages if any(contains_quote(p.text, q) for q in i.quotes)) for i in items
    }

    questions: list[dict[str, Any]] = []
    for item in items:
        q: dict[str, Any] = {
            "id": item.id,
            "question": item.question,
            "lang": item.lang,
            "kind": item.kind,
            "answerable": item.answerable,
            "retrieval": {},
        }
        if item.answerable:
            for mode in modes_run:
                hits = asst.search(item.question, k=K_MAX, mode=mode)
                q["retrieval"][mode] = _score_retrieval(item, hits, n_relevant[item.id])
        questions.append(q)

    default_mode = settings.retrieval_mode if settings.retrieval_mode in modes_run else modes_run[-1]
    asst.ask("Wat is de Agenda Veerkrachtige & Weerbare Samenleving?")  # warm-up, not timed
    for n, (item, q) in enumerate(zip(items, questions, strict=True), 1):
        start = time.perf_counter()
        answer = asst.ask(item.question)
        latency = time.perf_counter() - start
        deep = q["retrieval"].get(default_mode, {}).get("ranks")
        reason = _refusal_reason(asst, answer) if answer.refused and item.answerable else None
        q["answer"] = _score_answer(item, answer, latency, asst.settings.top_k, deep, reason)
        q["failures"] = q["answer"].pop("failures")
        if n % 20 == 0:
            say(f"answered {n}/{len(items)}")

    answerable_q = [q for q in questions if q["answerable"]]
    retrieval = {m: _retrieval_means([q["retrieval"][m] for q in answerable_q]) for m in modes_run}
    answers = _answer_metrics(items, [q["answer"] for q in questions])
    head = retrieval[default_mode]
    summary = {
        "recall@1": head["recall@1"],
        "recall@5": head["recall@5"],
        "recall@10": head["recall@10"],
        "mrr": head["mrr"],
        "ndcg@10": head["ndcg@10"],
        **{k: answers[k] for k in (
            "fact_accuracy", "refusal_precision", "refusal_recall", "false_refusal_rate",
            "citation_precision", "citation_recall", "latency_median_s", "latency_p95_s",
        )},
    }  # fmt: skip
    setup = {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "qa": str(qa_path),
        "corpus": str(corpus),
        "index": str(index_dir),
        "documents": len({p.doc_id for p in passages}),
        "passages": len(passages),
        "questions": len(items),
        "answerable": sum(i.answerable for i in items),
        "english": sum(i.lang == "en" for i in items),
        "embedding_model": settings.embedding_model,
        "answerer": next((q["answer"]["answerer"] for q in questions), "extractive"),
        "llm_provider": settings.llm_provider,
        "default_mode": default_mode,
        "modes": modes_run,
        "top_k": asst.settings.top_k,
        "chunk_chars": settings.chunk_chars,
        "chunk_overlap_chars": settings.chunk_overlap_chars,
        "candidates": settings.candidates,
        "rrf_k": settings.rrf_k,
        # Refusal gates and answer-size knobs, whatever the answerer calls them: what a number depends on.
        "answer_settings": {
            k: v for k, v in settings.model_dump().items() if k.startswith(("refuse_", "answer_"))
        },
    }
    return EvalResult(
        setup=setup,
        summary=summary,
        retrieval=retrieval,
        answers=answers,
        breakdown=_breakdown(items, questions, default_mode),
        questions=questions,
        unreachable_evidence=unreachable,
        skipped_modes=skipped,
    )


# ---------------------------------------------------------------------------
# Report and plot
# ---------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plot_recall(result: EvalResult, path: Path) -> Path:
    """recall@k for k = 1..10, one line per retrieval mode (PNG, headless Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = list(range(1, K_MAX + 1))
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    for mode, metrics in result.retrieval.items():
        ax.plot(ks, metrics["recall_at_k"], marker="o", label=mode)
    ax.set_xlabel("k (passages retrieved)")
    ax.set_ylabel("recall@k (share of gold quotes found)")
    ax.set_xticks(ks)
    lowest = min((min(m["recall_at_k"]) for m in result.retrieval.values()), default=0.0)
    ax.set_ylim(max(0.0, math.floor((lowest - 0.05) * 10) / 10), 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(f"Retrieval recall@k — {result.setup['answerable']} answerable questions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def render_report(result: EvalResult, plot_name: str | None = "recall_at_k.png") -> str:
    """The Markdown report: setup, metric tables, ablation, breakdowns and every failing question."""
    s, a = result.setup, result.answers
    lines = [
        "# Q&A evaluation report",
        "",
        "Regenerate with `assistant eval --report evals/report.md` (format and metrics: `evals/README.md`).",
        "",
        f"**Setup:** embedding model `{s['embedding_model']}`, answerer `{s['answerer']}` "
        f"(llm_provider `{s['llm_provider']}`) · corpus `{s['corpus']}` ({s['documents']} documents, "
        f"{s['passages']} passages; chunk {s['chunk_chars']}/{s['chunk_overlap_chars']} chars) · "
        f"{s['questions']} questions ({s['answerable']} answerable, {s['questions'] - s['answerable']} "
        f"unanswerable, {s['english']} English) from `{s['qa']}` · answers use mode `{s['default_mode']}`, "
        f"top_k {s['top_k']} · {s['date']}",
        "",
        "Answer settings: "
        + (", ".join(f"`{k}={v}`" for k, v in s.get("answer_settings", {}).items()) or "defaults")
        + ".",
        "",
        "## Answers (default settings)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| fact accuracy (answerable, all facts in the answer) | {_fmt(a['fact_accuracy'])} |",
        f"| fact recall (required facts found; a refusal misses all) | {_fmt(a['fact_recall'])} |",
        f"| refusal precision (refusals that were right) | {_fmt(a['refusal_precision'])} |",
        f"| refusal recall (unanswerable questions refused) | {_fmt(a['refusal_recall'])} |",
        f"| false refusal rate (answerable questions refused) | {_fmt(a['false_refusal_rate'])} |",
        f"| citation precision (ALCE) | {_fmt(a['citation_precision'])} |",
        f"| citation recall (facts in a cited quote) | {_fmt(a['citation_recall'])} |",
        f"| answered without any citation | {a['answered_without_citation']} |",
        f"| latency of ask(), median / p95 (s) | {_fmt(a['latency_median_s'])} / "
        f"{_fmt(a['latency_p95_s'])} |",
        "",
        "## Retrieval ablation (answerable questions, `search(question, k=10, mode)`)",
        "",
        "| mode | recall@1 | recall@5 | recall@10 | MRR | nDCG@10 |",
        "|---|---|---|---|---|---|",
    ]
    for mode, m in result.retrieval.items():
        marker = " (default)" if mode == s["default_mode"] else ""
        lines.append(
            f"| {mode}{marker} | {_fmt(m['recall@1'])} | {_fmt(m['recall@5'])} | {_fmt(m['recall@10'])} "
            f"| {_fmt(m['mrr'])} | {_fmt(m['ndcg@10'])} |"
        )
    for mode, why in result.skipped_modes.items():
        lines.append(f"| {mode} | skipped: {why} | | | | |")
    if s["passages"] <= 5 * K_MAX:
        share = min(1.0, K_MAX / max(1, s["passages"]))
        lines += [
            "",
            f"The index holds only {s['passages']} passages, so the top {K_MAX} is {share:.0%} of the "
            f"corpus: recall@1, MRR and recall@{s['top_k']} (what the answerer sees) tell most.",
        ]
    if plot_name:
        lines += ["", f"![recall@k per retrieval mode]({plot_name})"]
    for attr, title in (("kind", "question kind"), ("lang", "language")):
        lines += [
            "",
            f"## By {title} (retrieval in mode `{s['default_mode']}`)",
            "",
            f"| {attr} | n | recall@5 | fact accuracy | refused |",
            "|---|---|---|---|---|",
        ]
        for value, m in result.breakdown[attr].items():
            lines.append(
                f"| {value} | {int(m['n'] or 0)} | {_fmt(m['recall@5'])} | {_fmt(m['fact_accuracy'])} "
                f"| {_fmt(m['refused'])} |"
            )
    lines += ["", "## Evidence not in any indexed passage", ""]
    if result.unreachable_evidence:
        lines.append("These quotes are split across passages or changed by cleaning; no mode can find them:")
        lines.append("")
        lines += [f"- {u['id']} ({u['doc_id']}): “{u['quote']}”" for u in result.unreachable_evidence]
    else:
        lines.append("None: every gold quote lies within one indexed passage.")

    failures = result.failures()
    counts: dict[str, int] = {}
    for q in failures:
        for cause in {f["cause"] for f in q["failures"]}:
            counts[cause] = counts.get(cause, 0) + 1
    lines += [
        "",
        f"## Failing questions ({len(failures)} of {s['questions']})",
        "",
        "Causes: " + (", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none") + ". "
        "*retrieval* = gold evidence not among the passages the answerer saw; *refusal* = wrong "
        "refusal decision; *fact* = answered without a required fact; *citation* = missing or "
        "unsupported citations.",
        "",
        "| id | kind | question | what went wrong | answer (start) |",
        "|---|---|---|---|---|",
    ]
    for q in failures:
        what = "<br>".join(f"**{f['cause']}**: {f['detail']}" for f in q["failures"])
        answer = q["answer"]["text"].strip()
        answer = answer if len(answer) <= 160 else answer[:157] + "…"
        row = [q["id"], q["kind"], _cell(q["question"]), _cell(what), _cell(answer)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The `assistant eval` options (also usable as a subparser by the CLI)."""
    add = parser.add_argument
    add("--qa", type=Path, default=DEFAULT_QA, help="Q&A file (JSONL; default evals/qa.jsonl)")
    add("--corpus", type=Path, help="folder with the documents (default: the settings' corpus)")
    add("--index", type=Path, help="index folder for the evaluation (default: index/eval-<hash of corpus>)")
    add(
        "--retriever",
        dest="modes",
        action="append",
        metavar="MODE",
        help="retrieval mode for the ablation (repeatable; default keyword, dense, hybrid[, hybrid+rerank])",
    )
    add("--json", dest="json_path", type=Path, help="write all numbers and per-question results")
    add("--report", type=Path, help="write the Markdown report (and recall_at_k.png next to it)")
    add("--model", dest="embedding_model", help="embedding model (env ASSISTANT_EMBEDDING_MODEL)")
    add("--check", action="store_true", help="only check the Q&A file (format, quotes in the corpus)")
    add("-q", "--quiet", action="store_true", help="no progress messages")
    return parser


def check_qa_file(qa_path: Path, corpus: Path) -> list[str]:
    """Format problems and quotes missing from the raw corpus files (empty list: all good)."""
    from assistant.loading import SUPPORTED_SUFFIXES, doc_id_for, load_file, load_manifest

    try:
        items = load_qa(qa_path)
    except QAFormatError as exc:
        return [str(exc)]
    manifest = load_manifest(corpus)
    texts: dict[str, str] = {}
    for path in sorted(Path(corpus).iterdir()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        entry = manifest.get(path.name)
        doc_id = doc_id_for(path, entry)
        if path.suffix.lower() in (".txt", ".md"):
            texts[doc_id] = path.read_text(encoding="utf-8", errors="replace")
        else:  # PDFs: the extracted text is the only "source text" there is
            texts[doc_id] = load_file(path, entry).text
    return check_evidence(items, texts)


def run_from_args(args: argparse.Namespace) -> int:
    """Run `assistant eval` for parsed arguments; returns the exit code."""
    settings = Settings().with_overrides(embedding_model=args.embedding_model)
    corpus = Path(args.corpus or settings.corpus)
    if args.check:
        problems = check_qa_file(args.qa, corpus)
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{args.qa}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
        return 1 if problems else 0

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"[eval] {msg}", file=sys.stderr, flush=True)

    try:
        result = run_eval(settings, args.qa, corpus=corpus, modes=args.modes, index=args.index, log=say)
    except QAFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=1)
        args.json_path.write_text(text, encoding="utf-8")
    if args.report:
        plot = plot_recall(result, args.report.parent / "recall_at_k.png")
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(render_report(result, plot.name), encoding="utf-8")
    print(_summary_table(result))
    return 0


def _summary_table(result: EvalResult) -> str:
    rows = [f"{k:<22} {_fmt(v)}" for k, v in result.summary.items()]
    ablation = [
        f"{mode:<14} R@1 {_fmt(m['recall@1'])}  R@5 {_fmt(m['recall@5'])}  R@10 {_fmt(m['recall@10'])}  "
        f"MRR {_fmt(m['mrr'])}  nDCG@10 {_fmt(m['ndcg@10'])}"
        for mode, m in result.retrieval.items()
    ]
    fails = len(result.failures())
    return "\n".join([*rows, "", *ablation, "", f"failing questions: {fails} of {result.setup['questions']}"])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `assistant eval` (the CLI passes the arguments after 'eval')."""
    parser = add_arguments(
        argparse.ArgumentParser(
            prog="assistant eval", description="Evaluate retrieval and answers against a fixed Q&A set."
        )
    )
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
