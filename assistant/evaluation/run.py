"""Running the evaluation: index a corpus, search and ask every question, score and aggregate.

Everything goes through the `Assistant` façade (`search` and `ask`), the same code path
as `assistant ask --json` and the web app, so the numbers describe what users get.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.matching import squash
from assistant.evaluation.metrics import K_MAX
from assistant.evaluation.qa import DEFAULT_QA, SPLITS, load_qa
from assistant.evaluation.scoring import breakdown, refusal_reason, score_answer, score_retrieval, summarize
from assistant.settings import Settings

if TYPE_CHECKING:  # the pipeline loads a model; keep `import assistant.evaluation` cheap
    from assistant.pipeline import Assistant

DEFAULT_MODES: tuple[str, ...] = ("keyword", "dense", "hybrid", "hybrid+rerank")


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
    # split ("dev"/"test") -> {"summary", "retrieval", "answers"} over that split's items only
    splits: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def failures(self) -> list[dict[str, Any]]:
        """The questions with at least one problem, in set order."""
        return [q for q in self.questions if q["failures"]]


def eval_settings(settings: Settings, corpus: Path, index_dir: Path) -> Settings:
    """Settings that index an evaluation corpus: the set's links may point into the shared
    corpora, the files unpacked from their archives and the bundled corpus (`sets.corpus_for`
    builds folders of such links)."""
    from assistant.evaluation.sets import shared_corpora_dir, unpacked_dir

    roots = (shared_corpora_dir(), unpacked_dir(settings), Path(settings.corpus))
    return settings.with_overrides(corpus=corpus, index=index_dir, link_roots=roots)


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
    settings = eval_settings(settings, corpus, index_dir)
    modes_run, skipped = supported_modes(modes)
    if not modes_run:
        raise ValueError(f"none of the retrieval modes can be evaluated: {skipped}")

    say(f"index {index_dir} <- corpus {corpus}")
    asst = assistant or Assistant(settings)
    report = asst.ingest(corpus, progress=False, uploads=False)  # web uploads never enter an eval
    passages = asst.index.all_passages()
    say(f"{report.total_passages} passages; {len(items)} questions; modes {', '.join(modes_run)}")

    # Quotes that no passage holds (split by the chunker or changed by cleaning) cannot be found.
    # (`contains_quote` on pre-squashed passages: the mixed corpus has over a thousand of them.)
    squashed = [squash(p.text) for p in passages]
    unreachable = [
        {"id": i.id, "doc_id": e["doc_id"], "quote": e["quote"]}
        for i in items
        for e in i.evidence
        if not any(squash(e["quote"]) in text for text in squashed)
    ]
    n_relevant = {
        i.id: sum(1 for text in squashed if any(squash(q) and squash(q) in text for q in i.quotes))
        for i in items
    }

    questions: list[dict[str, Any]] = []
    for item in items:
        q: dict[str, Any] = {
            "id": item.id,
            "question": item.question,
            "lang": item.lang,
            "kind": item.kind,
            "answerable": item.answerable,
            "split": item.split,
            "retrieval": {},
        }
        if item.answerable:
            for mode in modes_run:
                hits = asst.search(item.question, k=K_MAX, mode=mode)
                q["retrieval"][mode] = score_retrieval(item, hits, n_relevant[item.id])
        questions.append(q)

    default_mode = settings.retrieval_mode if settings.retrieval_mode in modes_run else modes_run[-1]
    asst.ask("Wat is de Agenda Veerkrachtige & Weerbare Samenleving?")  # warm-up, not timed
    for n, (item, q) in enumerate(zip(items, questions, strict=True), 1):
        start = time.perf_counter()
        answer = asst.ask(item.question)
        latency = time.perf_counter() - start
        deep = q["retrieval"].get(default_mode, {}).get("ranks")
        reason = refusal_reason(asst, answer) if answer.refused and item.answerable else None
        q["answer"] = score_answer(item, answer, latency, asst.settings.top_k, deep, reason)
        q["failures"] = q["answer"].pop("failures")
        if n % 20 == 0:
            say(f"answered {n}/{len(items)}")

    overall = summarize(items, questions, modes_run, default_mode)
    retrieval, answers, summary = overall["retrieval"], overall["answers"], overall["summary"]
    splits = {}
    for split in SPLITS:
        members = [(i, q) for i, q in zip(items, questions, strict=True) if i.split == split]
        if members:
            split_items, split_questions = zip(*members, strict=True)
            splits[split] = summarize(split_items, split_questions, modes_run, default_mode)
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
        "splits": {s: sum(i.split == s for i in items) for s in SPLITS},
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
        breakdown=breakdown(items, questions, default_mode),
        questions=questions,
        unreachable_evidence=unreachable,
        skipped_modes=skipped,
        splits=splits,
    )
