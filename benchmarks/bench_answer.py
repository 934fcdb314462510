"""Latency of the offline (extractive) answer path, retrieval and composition apart.

Retrieval is the hybrid search (query embedding, Chroma, BM25, fusion);
composition is the extractive answerer (sentence splitting, sentence embeddings,
scoring, the refusal gates). Sentence embeddings are cached by text, so the first
pass over the questions ("cold") pays for embedding the sentences of each new
passage and a second pass ("warm") shows the steady state of a running server.

    python benchmarks/bench_answer.py [--index DIR] [--qa evals/qa.jsonl]

Without --index the bundled corpus is indexed into a temporary folder first.
Without the Q&A file a fixed list of real questions is used.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

FALLBACK_QUESTIONS = [
    "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?",
    "Hoeveel gemeenten kregen een decentrale uitkering?",
    "Hoeveel heeft het tweede congres gekost?",
    "Wanneer werd het eerste congres gehouden?",
    "Tot wanneer loopt de Agenda?",
    "Wat is het doel van de Social Labs?",
    "Welke ministeries hebben samen geld beschikbaar gesteld voor de 20 kwetsbare stedelijke gebieden?",
    "How much money was paid out through the decentralised grant (DU) in 2023?",
    "Wat is de hoofdstad van Frankrijk?",
]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))]


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
    parser.add_argument("--qa", type=Path, default=ROOT / "evals" / "qa.jsonl")
    args = parser.parse_args()

    if args.qa.exists():
        lines = args.qa.read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
        source = str(args.qa.relative_to(ROOT) if args.qa.is_relative_to(ROOT) else args.qa)
    else:
        questions, source = FALLBACK_QUESTIONS, "fixed list"

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
