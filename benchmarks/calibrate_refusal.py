"""Calibrate the extractive answerer's refusal thresholds on the dev splits of the evaluation sets.

The answerer refuses when the best passage is not close (dense cosine), when
the best sentence scores low, or when the question's salient terms are not
covered by the chosen sentence and its passage, unless that sentence scores so
high that the mismatch is one of words, not of meaning (a paraphrase, an English
question). This script measures those numbers for every question of the Q&A set
(answerable and unanswerable) with the gates open, prints their distributions
side by side, and searches the threshold grid for the combination with the best
balanced accuracy: the mean of "answerable questions answered with the expected
facts" and "unanswerable questions refused". Among equally good combinations it
takes the median of each threshold, which leaves the widest margin both ways.

    python benchmarks/calibrate_refusal.py [--set NAME ...] [--split dev|test|all] [--verbose]
    python benchmarks/calibrate_refusal.py --qa FILE [--index DIR]   # a Q&A file over the bundled corpus

Only the **dev** split is used unless asked otherwise: thresholds tuned on the test
split would make its numbers meaningless (`evals/README.md`). `--set` takes the sets
of `evals/sets.yaml` (default: all whose documents are present); each is indexed into
its cached evaluation index (`index/eval-<hash>`), so a re-run embeds nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering import ExtractiveAnswerer  # noqa: E402
from assistant.evaluation import (  # noqa: E402
    contains_fact,
    eval_index_dir,
    eval_settings,
    load_sets,
    shared_corpora_dir,
)
from assistant.evaluation.sets import corpus_for, shared_files  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

Thresholds = tuple[float, float, float, float]  # dense, sentence, coverage, sentence that waives coverage
NAMES = ("refuse_min_dense", "refuse_min_sentence", "refuse_min_coverage", "answer_uncovered_min_sentence")


@dataclass
class Measured:
    """One question's gate values and whether its answer (gates open) holds the expected facts."""

    qid: str
    question: str
    answerable: bool
    dense: float  # best dense cosine of the retrieved passages
    sentence: float  # score of the best eligible sentence (-1 when no sentence may answer)
    coverage: float  # coverage of the question's terms by that sentence and its passage
    facts_found: bool
    answer: str


def facts_present(text: str, facts: list[list[str]]) -> bool:
    """The evaluation's own fact matching (normalised, at word edges)."""
    return all(contains_fact(text, alternatives) for alternatives in facts)


def measure(assistant: Assistant, rows: list[dict]) -> list[Measured]:
    """Answer every question with the gates wide open and record the gate values."""
    gates_open = assistant.settings.with_overrides(
        refuse_min_dense=-1.0,
        refuse_min_sentence=-10.0,
        refuse_min_coverage=0.0,
        answer_uncovered_min_sentence=-10.0,
    )
    answerer = ExtractiveAnswerer(gates_open, assistant.embedder)
    measured = []
    for row in rows:
        hits = assistant.search(row["question"])
        assessment = answerer.assess(row["question"], hits)
        answer = answerer.answer(row["question"], hits)
        best = assessment.best
        measured.append(
            Measured(
                qid=row.get("id", ""),
                question=row["question"],
                answerable=bool(row["answerable"]),
                dense=assessment.best_dense if assessment.best_dense is not None else 1.0,
                sentence=best.score if best else -1.0,
                coverage=best.passage_coverage if best else 0.0,
                facts_found=not answer.refused and facts_present(answer.text, row.get("facts") or []),
                answer=answer.text,
            )
        )
    return measured


def refused(m: Measured, t: Thresholds) -> bool:
    """The answerer's threshold gates (`assistant.gates.refusal_reason`) applied to measured values of
    the best sentence. An approximation: the similarity waiver, `gates.covered_first` (a covered
    runner-up answering instead) and the count-instead-of-names gate are not replayed."""
    dense, sentence, cov, waive = t
    if m.sentence < -0.5 or m.dense < dense or m.sentence < sentence:
        return True
    return m.sentence < waive and m.coverage < cov


def right(m: Measured, t: Thresholds) -> bool:
    return (not refused(m, t) and m.facts_found) if m.answerable else refused(m, t)


def balanced_accuracy(measured: list[Measured], t: Thresholds) -> tuple[float, float, float]:
    answerable = [m for m in measured if m.answerable]
    unanswerable = [m for m in measured if not m.answerable]
    a = sum(right(m, t) for m in answerable) / max(1, len(answerable))
    u = sum(right(m, t) for m in unanswerable) / max(1, len(unanswerable))
    return (a + u) / 2, a, u


def describe(values: list[float]) -> str:
    if len(values) < 2:
        return " ".join(f"{v:.3f}" for v in values) or "-"
    q = statistics.quantiles(values, n=4)
    return f"min {min(values):.3f}  p25 {q[0]:.3f}  median {q[1]:.3f}  p75 {q[2]:.3f}  max {max(values):.3f}"


def frange(start: float, stop: float, step: float) -> list[float]:
    return [round(start + i * step, 4) for i in range(int(round((stop - start) / step)) + 1)]


def calibrate(measured: list[Measured], min_recall: float | None = None) -> tuple[Thresholds, int, int]:
    """The median of the best grid points, with how many points tie for best and the grid size.

    Best: the highest balanced accuracy; or, with `min_recall`, the most answerable
    questions answered with their facts among the points that refuse at least that
    share of the unanswerable ones (the issue's target form: "unanswerable refused
    >= 0.8", then as few false refusals as possible).
    """
    grid = list(
        itertools.product(
            frange(0.76, 0.84, 0.005), frange(1.0, 1.4, 0.02), frange(0.0, 0.8, 0.05), frange(1.3, 1.7, 0.01)
        )
    )
    if min_recall is None:
        scores = [balanced_accuracy(measured, t)[0] for t in grid]
    else:
        outcomes = (balanced_accuracy(measured, t) for t in grid)
        scores = [(a if u >= min_recall else -1.0) for _, a, u in outcomes]
    best = max(scores)
    top = [t for t, s in zip(grid, scores, strict=True) if s == best]
    chosen = tuple(statistics.median_low(sorted({t[i] for t in top})) for i in range(4))
    if chosen not in top:  # the medians need not be a best point together
        chosen = top[len(top) // 2]
    return chosen, len(top), len(grid)


def _rows(path: Path, split: str) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r.get("split", "dev") == split]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", action="append", metavar="NAME", help="set of evals/sets.yaml")
    parser.add_argument(
        "--split",
        choices=["dev", "test", "all"],
        default="dev",
        help="items to use (default dev)",
    )
    parser.add_argument("--qa", type=Path, help="a Q&A file over the bundled corpus instead of the sets")
    parser.add_argument("--index", type=Path, help="with --qa: an existing index of the bundled corpus")
    parser.add_argument("--verbose", action="store_true", help="print every question's values and answer")
    parser.add_argument(
        "--min-refusal-recall",
        type=float,
        metavar="R",
        help="maximise answered-with-facts subject to this share of unanswerable questions refused",
    )
    args = parser.parse_args()

    settings = Settings()
    jobs: list[tuple[str, list[dict], Path, Path | None]] = []  # (label, rows, corpus, index)
    if args.qa:
        jobs.append((args.qa.name, _rows(args.qa, args.split), Path(settings.corpus), args.index))
    else:
        root = shared_corpora_dir()
        for eval_set in load_sets():
            if args.sets and eval_set.name not in args.sets:
                continue
            reason = shared_files(eval_set, root)[1]
            if reason:
                print(f"set {eval_set.name}: skipped, {reason}")
                continue
            corpus = corpus_for(eval_set, settings, root)
            jobs.append(
                (eval_set.name, _rows(eval_set.qa, args.split), corpus, eval_index_dir(settings, corpus))
            )
    measured: list[Measured] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for label, rows, corpus, index in jobs:
            assistant = Assistant(eval_settings(settings, corpus, index or Path(tmp) / label))
            assistant.ingest(corpus, progress=False)
            measured += measure(assistant, rows)
            print(f"set {label}: {len(rows)} {args.split} questions")
    elapsed = time.perf_counter() - started

    print(f"{len(measured)} questions measured in {elapsed:.1f} s (gates open)\n")
    for label in ("dense", "sentence", "coverage"):
        print(f"{label}:")
        for name, group in (("answerable", True), ("unanswerable", False)):
            values = [getattr(m, label) for m in measured if m.answerable == group and m.sentence > -0.5]
            print(f"  {name:13} {describe(values)}")
    no_sentence = [m.qid for m in measured if m.sentence <= -0.5]
    print(f"no sentence may answer (refused whatever the thresholds): {', '.join(no_sentence) or '-'}")
    found = sum(m.facts_found for m in measured if m.answerable)
    print(
        f"with the gates open, {found}/{sum(m.answerable for m in measured)} answerable answers "
        "hold the facts"
    )

    chosen, ties, size = calibrate(measured, args.min_refusal_recall)
    score, acc_a, acc_u = balanced_accuracy(measured, chosen)
    goal = (
        f"most answered with facts while refusing >= {args.min_refusal_recall} of the unanswerable"
        if args.min_refusal_recall is not None
        else "best balanced accuracy"
    )
    print(f"\n{goal} (balanced {score:.3f}) at {ties} of {size} grid points; their median:")
    print("  " + "  ".join(f"{n}={v}" for n, v in zip(NAMES, chosen, strict=True)))
    print(f"  answerable answered with the facts {acc_a:.2f}, unanswerable refused {acc_u:.2f}")
    current: Thresholds = tuple(getattr(settings, n) for n in NAMES)  # type: ignore[assignment]
    score, acc_a, acc_u = balanced_accuracy(measured, current)
    print(
        f"current settings {current}: balanced {score:.3f}, answerable {acc_a:.2f}, unanswerable {acc_u:.2f}"
    )

    print("\nquestions the current settings get wrong:")
    for m in measured:
        if args.verbose or not right(m, current):
            mark = "ok" if right(m, current) else "XX"
            kind = "answerable" if m.answerable else "unanswerable"
            print(
                f"  {mark} {m.qid:7} {kind:12} d={m.dense:.3f} s={m.sentence:.3f} c={m.coverage:.2f}"
                f"  {m.question}"
            )
            if args.verbose:
                print(f"          {m.answer[:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
