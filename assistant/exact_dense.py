"""Exact nearest passages by cosine similarity, over the vectors stored in the Chroma index.

Why not Chroma's own query: its HNSW graph is approximate, and in chromadb 1.5.9 the graph it
loads differs from one process to the next. Measured on the `mixed` evaluation corpus (1,980
passages, the 95 questions of `evals/qa.jsonl`, `benchmarks/bench_dense_recall.py`): recall@10
against exact search was 0.969-0.985 across three loads of the same index, and 0.990-0.992 on a
freshly built one; single questions lost 4 of their true top 5 (the SPUK passage of "Waar staat de
afkorting SPUK voor?"), so the same question was answered in one run and refused in the next.
Raising `ef_search` to 1000 still left recall below 1 on some loads. A matrix product over every
stored vector is exact and deterministic, and at this project's scale it is cheap: 384 floats a
passage, 1.5 MB per 1,000 passages (154 MB at 100,000), 0.12 ms a query against Chroma's 2.4 ms.
Chroma stays the store of record; every search is exact (there is no size above which the
retriever goes back to Chroma's query).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.types import Filters, Passage


@dataclass(frozen=True)
class ExactDense:
    """Unit vectors of `passages`, row i belonging to passage i.

    `vectors` is an (n, dim) float32 matrix of unit rows (see `of`).
    """

    passages: tuple[Passage, ...]
    vectors: np.ndarray

    @classmethod
    def of(cls, passages: Sequence[Passage], vectors: np.ndarray) -> ExactDense:
        """`passages` with their stored vectors ((n, dim), row i for passage i), rows normalised
        to unit length (a zero row stays zero: cosine 0 with everything).

        Raises ValueError when the row count differs from the passage count.
        """
        if len(vectors) != len(passages):
            raise ValueError(f"{len(vectors)} vectors for {len(passages)} passages")
        if not passages:
            return cls((), np.zeros((0, 0), dtype=np.float32))
        matrix = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls(tuple(passages), (matrix / np.where(norms == 0.0, 1.0, norms)).astype(np.float32))

    def __len__(self) -> int:
        return len(self.passages)

    def search(
        self, vector: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[Passage, float]]:
        """The k passages with the highest cosine to `vector` that pass `filters`, best first.

        Returns (passage, cosine) pairs; equal cosines are ordered by passage id, so the
        result never depends on storage order. [] when nothing is stored or k < 1.
        """
        if k < 1 or not self.passages:
            return []
        query = np.asarray(vector, dtype=np.float32).ravel()
        scores = self.vectors @ query
        if filters is not None and not filters.is_empty():
            allowed = np.fromiter((filters.accepts(p) for p in self.passages), bool, len(self.passages))
            scores = np.where(allowed, scores, -np.inf)
        k = min(k, len(self.passages))
        # A wider cut than k, so that ties at the k-th score are broken by id, not by position.
        cut = np.argpartition(-scores, k - 1)[:k]
        floor = scores[cut].min()
        pool = np.flatnonzero(scores >= floor)
        pool = pool[np.isfinite(scores[pool])]
        ranked = sorted(pool.tolist(), key=lambda i: (-float(scores[i]), self.passages[i].id))
        return [(self.passages[i], float(scores[i])) for i in ranked[:k]]
