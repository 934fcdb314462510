"""Search latency per retrieval mode on a corpus-sized index: `python benchmarks/bench_retrieval.py`.

Why: the keyword index is rebuilt in-process whenever the index changes and every
hybrid search runs the embedding model, BM25 and Chroma, so the cost of each part
at a realistic size decides defaults (mode, candidates) and whether a rebuild after
an upload is noticeable. The bundled corpus is small, so its real passages are
replicated as distinct documents with distinct ids (default 2,000 passages);
replicas share their text, so each distinct text is embedded once.

The timings are wall-clock on whatever else runs on the machine: run it on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from common import percentile, qa_questions
from sentence_transformers import SentenceTransformer

from assistant.chunking import chunk_document
from assistant.corpus import load_corpus
from assistant.embedding import embed_queries, load_embedder
from assistant.index import PassageIndex
from assistant.retrieval import HybridRetriever, KeywordIndex
from assistant.settings import Settings
from assistant.types import Filters, Passage, SourceDocument


def replicate(
    documents: list[SourceDocument], passages: dict[str, list[Passage]], target: int
) -> tuple[list[SourceDocument], dict[str, list[Passage]]]:
    """Copies of the corpus as distinct documents until about `target` passages exist."""
    per_copy = sum(len(p) for p in passages.values())
    out_docs, out_passages = [], {}
    for n in range(max(1, -(-target // per_copy))):
        for doc in documents:
            doc_id = f"{doc.meta.doc_id}-copy{n:04d}"
            out_docs.append(replace(doc, meta=replace(doc.meta, doc_id=doc_id)))
            out_passages[doc_id] = [
                replace(p, id=f"{p.id}-copy{n:04d}", doc_id=doc_id) for p in passages[doc.meta.doc_id]
            ]
    return out_docs, out_passages


def embed_each_text_once(embedder: SentenceTransformer) -> None:
    """Replicas repeat the same texts: remember vectors by text so ingest embeds each once."""
    encode = embedder.encode_document
    memo: dict[str, np.ndarray] = {}

    def encode_document(texts: list[str], **kwargs: Any) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in memo))
        if new:
            memo.update(zip(new, encode(new, **kwargs), strict=True))
        return np.stack([memo[t] for t in texts])

    embedder.encode_document = encode_document


def ms(fn: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    """Wall-clock milliseconds of one call."""
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=2000, help="approximate index size")
    args = parser.parse_args()

    base = Settings()
    documents, _ = load_corpus(base.corpus, base.max_file_mb)
    chunks = {d.meta.doc_id: chunk_document(d, base.chunk_chars, base.chunk_overlap_chars) for d in documents}
    documents, passages = replicate(documents, chunks, args.passages)
    n_passages = sum(len(p) for p in passages.values())
    qs = qa_questions()

    with tempfile.TemporaryDirectory() as tmp:
        settings = base.with_overrides(index=Path(tmp) / "index")
        embedder = load_embedder(settings.embedding_model, settings.embedding_threads)
        embed_each_text_once(embedder)
        index = PassageIndex.open(settings, embedder)
        ingest_ms = ms(index.sync, documents, passages, progress=False)
        retriever = HybridRetriever(index, embedder, settings)

        read_ms = [ms(index.all_passages) for _ in range(3)]
        stored = index.all_passages()
        build_ms = [ms(KeywordIndex, stored) for _ in range(3)]
        retriever.keyword_index()  # built once, as the first search after an ingest would

        for mode in ("keyword", "dense", "hybrid"):  # warm-up: first calls pay one-off costs
            retriever.search(qs[0], mode=mode)
        only_nota = Filters(doc_types=("nota",))
        cases: dict[str, Callable[[str], object]] = {
            "query embedding only": lambda q: embed_queries(embedder, [q]),
            "keyword": lambda q: retriever.search(q, mode="keyword"),
            "dense": lambda q: retriever.search(q, mode="dense"),
            "hybrid": lambda q: retriever.search(q, mode="hybrid"),
            "hybrid, doc-type filter": lambda q: retriever.search(q, mode="hybrid", filters=only_nota),
        }
        # Interleaved per question, so a burst of load elsewhere hits every row alike.
        times: dict[str, list[float]] = {label: [] for label in cases}
        for q in qs:
            for label, search in cases.items():
                times[label].append(ms(search, q))

    baseline = statistics.median(times["keyword"])
    print(
        f"{n_passages} passages ({len(documents)} documents), {len(qs)} questions, top_k={settings.top_k}, "
        f"candidates={settings.candidates}, model={settings.embedding_model}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"ingest (each distinct text embedded once): {ingest_ms / 1000:.1f} s")
    print(f"read all passages from Chroma: median {statistics.median(read_ms):.0f} ms")
    print(f"BM25 build (analyze + index):  median {statistics.median(build_ms):.0f} ms")
    print()
    print(f"| {'search':<24} | {'median ms':>9} | {'p95 ms':>8} | {'x keyword':>9} |")
    print(f"|{'-' * 26}|{'-' * 10}:|{'-' * 9}:|{'-' * 10}:|")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| {label:<24} | {median:>9.1f} | {p95(values):>8.1f} | {median / baseline:>9.1f} |")


if __name__ == "__main__":
    main()
