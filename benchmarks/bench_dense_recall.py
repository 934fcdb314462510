"""Chroma's approximate (HNSW) query against exact cosine search, per load of the same index.

    python benchmarks/bench_dense_recall.py                 # the `mixed` evaluation corpus, 3 loads
    python benchmarks/bench_dense_recall.py --set unseen3 --loads 5

Each load is a new process (the HNSW graph Chroma loads is what differs between
processes). For every question of the set it compares Chroma's top 10 with the
exact top 10 of the same stored vectors (`assistant.exact_dense`) and times both.
Prints recall@10 (mean, min, questions below 1), and latency (median, p95, in ms).
The evaluation index of the set is built first when it is missing (`assistant eval`
builds the same one).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from common import ROOT, percentile

K = 10


def one_load(set_name: str) -> dict[str, object]:
    """Recall@10 of Chroma's query against exact search and both latencies, in this process."""
    import numpy as np

    from assistant.embedding import embed_queries
    from assistant.evaluation.run import eval_index_dir, eval_settings
    from assistant.evaluation.sets import corpus_for, load_sets, shared_corpora_dir
    from assistant.exact_dense import ExactDense
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    settings = Settings()
    chosen = next(s for s in load_sets() if s.name == set_name)
    corpus = corpus_for(chosen, settings, shared_corpora_dir())
    assistant = Assistant(eval_settings(settings, corpus, eval_index_dir(settings, corpus)))
    if assistant.index.count() == 0:
        assistant.ingest(corpus, progress=False, uploads=False)
    passages, vectors = assistant.index.passages_and_vectors()
    exact = ExactDense.of(passages, vectors)
    questions = [json.loads(line)["question"] for line in chosen.qa.read_text().splitlines() if line.strip()]
    recalls, chroma_ms, exact_ms = [], [], []
    for vector in embed_queries(assistant.embedder, questions):
        start = time.perf_counter()
        approximate = {p.id for p, _ in assistant.index.dense_search(vector, K)}
        chroma_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        true = {p.id for p, _ in exact.search(vector, K)}
        exact_ms.append((time.perf_counter() - start) * 1000)
        recalls.append(len(approximate & true) / len(true))
    return {
        "passages": len(passages),
        "questions": len(questions),
        "recall_mean": float(np.mean(recalls)),
        "recall_min": min(recalls),
        "below_1": sum(r < 1 for r in recalls),
        "chroma_ms": chroma_ms,
        "exact_ms": exact_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="mixed", help="evaluation set whose corpus is searched")
    parser.add_argument("--loads", type=int, default=3, help="processes, each loading the index anew")
    parser.add_argument("--one-load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_load:
        print(json.dumps(one_load(args.set)))
        return
    rows = []
    for _ in range(args.loads):
        out = subprocess.run(
            [sys.executable, __file__, "--set", args.set, "--one-load"],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first = rows[0]
    print(f"set {args.set}: {first['passages']} passages, {first['questions']} questions, recall@{K}")
    header = ("load", "recall mean", "min", "<1", "chroma ms p50/p95", "exact ms p50/p95")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (4, 11, 5, 4, 17, 17), strict=True)))
    for n, row in enumerate(rows, 1):
        chroma, exact = row["chroma_ms"], row["exact_ms"]
        print(
            f"{n:>4} {row['recall_mean']:>11.3f} {row['recall_min']:>5.1f} {row['below_1']:>4}"
            f" {statistics.median(chroma):>8.2f} / {percentile(chroma, 95):>6.2f}"
            f" {statistics.median(exact):>8.2f} / {percentile(exact, 95):>6.2f}"
        )


if __name__ == "__main__":
    main()
