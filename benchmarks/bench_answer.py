"""Latency of the offline (extractive) answer path, retrieval and composition apart.

Retrieval is the hybrid search (query embedding, Chroma, BM25, fusion);
composition is the extractive answerer (sentence splitting, sentence embeddings,
scoring, the refusal gates). Sentence embeddings are cached by text, so the first
pass over the questions ("cold") pays for embedding the sentences of each new
passage and a second pass ("warm") shows the steady state of a running server.

    python benchmarks/bench_answer.py [--index DIR] [--qa evals/qa.jsonl]

Without --index the bundled corpus is indexed into a temporary folder first.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import DEFAULT_QA, ROOT, percentile, qa_questions

from assistant.pipeline import Assistant
from assistant.settings import Settings


def timed_pass(assistant: Assistant, questions: list[str]) -> tuple[list[float], list[float]]:
    retrieval, composition = [], []
    for question in questions:
        t0 = time.perf_counter()
        hits = assistant.search(question)
        t1 = time.perf_counter()
        assistant.answerer.answer(question, hits)
        t2 = time.perf_counter()
        retrieval.append((t1 - t0) * 1000)
        composition.append((t2 - t1) * 1000)
    return retrieval, composition


def row(label: str, values: list[float]) -> str:
    median, p95 = statistics.median(values), percentile(values, 95)
    return f"| {label:28} | {median:9.1f} | {p95:9.1f} | {max(values):9.1f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing index of the bundled corpus")
    parser.add_argument("--qa", type=Path, default=DEFAULT_QA)
    args = parser.parse_args()

    questions = qa_questions(args.qa)
    source = str(args.qa.relative_to(ROOT) if args.qa.is_relative_to(ROOT) else args.qa)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings().with_overrides(index=args.index or Path(tmp) / "index")
        started = time.perf_counter()
        assistant = Assistant(settings)
        if args.index is None:
            assistant.ingest(progress=False)
        setup = time.perf_counter() - started
        assistant.search(
            "opwarmen"
        )  # first-call costs (keyword index build, model warm-up) are not per-question
        cold_r, cold_c = timed_pass(assistant, questions)
        warm_r, warm_c = timed_pass(assistant, questions)

    total_cold = [r + c for r, c in zip(cold_r, cold_c, strict=True)]
    total_warm = [r + c for r, c in zip(warm_r, warm_c, strict=True)]
    print(f"{len(questions)} questions ({source}); model {settings.embedding_model}; setup {setup:.1f} s\n")
    print(f"| {'milliseconds per question':28} | {'median':>9} | {'p95':>9} | {'max':>9} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 11}|{'-' * 11}|")
    print(row("retrieval", warm_r))
    print(row("composition, cold cache", cold_c))
    print(row("composition, warm cache", warm_c))
    print(row("total, cold cache", total_cold))
    print(row("total, warm cache", total_warm))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
