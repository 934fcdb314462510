"""The scale corpus and the stock baseline that `bench_scale.py` measures against.

Corpus: `../shared/corpora/bwb-regelingen-2015.tar.xz` (11,435 real Dutch
regulations as Markdown, see that folder's README) is unpacked once into the
git-ignored `index/bench/bwb/`; a corpus of about N passages is a fixed,
seeded sample of its files copied (without their `SOURCE:` line, which is not
part of the document) into `index/bench/corpus-N/`.

Baseline ("stock"): what a LangChain tutorial builds from the same passages:
`langchain_chroma.Chroma` with the same embedding model behind LangChain's
`Embeddings` interface, `similarity_search` for a query, and the keyword index
rebuilt from every passage at each start. langchain-chroma is not a project
dependency: it is installed with `pip install --no-deps --target
index/bench/pylib langchain-chroma==1.1.0` (the bench does that when missing).
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
from common import ROOT

TARBALL = ROOT.parent / "shared" / "corpora" / "bwb-regelingen-2015.tar.xz"
WORK = ROOT / "index" / "bench"  # git-ignored (/index/*)
PYLIB = WORK / "pylib"
CHARS_PER_PASSAGE = 600  # measured here: 192 files, 6.4 M characters -> 10,509 passages of 900 chars
SEED = 11  # issue 11


def unpacked() -> Path:
    """The unpacked archive (unpacked on first use, ~2 s); raises FileNotFoundError without ../shared."""
    folder = WORK / "bwb"
    if not folder.is_dir():
        if not TARBALL.is_file():
            raise FileNotFoundError(f"{TARBALL} is missing: the scale corpus lives in ../shared/corpora/")
        WORK.mkdir(parents=True, exist_ok=True)
        with tarfile.open(TARBALL) as tar:
            tar.extractall(WORK, filter="data")
    return folder


def corpus_of(passages: int) -> Path:
    """A folder of real regulations holding about `passages` passages (same files on every run)."""
    folder = WORK / f"corpus-{passages}"
    if folder.is_dir():
        return folder
    files = sorted(unpacked().rglob("*.md"))
    random.Random(SEED).shuffle(files)
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    budget = passages * CHARS_PER_PASSAGE
    for path in files:
        if budget <= 0:
            break
        text = path.read_text(encoding="utf-8")
        if text.startswith("SOURCE:"):
            text = text.split("\n", 1)[1] if "\n" in text else ""
        (tmp / path.name).write_text(text, encoding="utf-8")
        budget -= len(text)
    tmp.rename(folder)
    return folder


def ensure_langchain_chroma() -> None:
    """Make `langchain_chroma` importable from index/bench/pylib (installed there once, no deps)."""
    if not (PYLIB / "langchain_chroma").is_dir():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(PYLIB),
             "langchain-chroma==1.1.0"],
            check=True,
        )  # fmt: skip
    if str(PYLIB) not in sys.path:
        sys.path.insert(0, str(PYLIB))


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbeddings:
    """LangChain `Embeddings` over the configured model, with passage vectors from a content-hash cache.

    The cache (text sha256 -> vector) is filled from the assistant's own index of
    the same passages, so the baseline gets the very same vectors without
    embedding 10,000 passages a second time; a text missing from the cache is
    embedded by the model. Queries are always embedded.
    """

    def __init__(self, model, cache: dict[str, np.ndarray]) -> None:
        self.model = model
        self.cache = cache
        self.embedded = 0  # passages the cache did not hold

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        from assistant.embedding import embed_passages

        missing = [t for t in texts if text_key(t) not in self.cache]
        if missing:
            self.embedded += len(missing)
            for t, v in zip(missing, embed_passages(self.model, missing), strict=True):
                self.cache[text_key(t)] = v
        return [self.cache[text_key(t)].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        from assistant.embedding import embed_queries

        return embed_queries(self.model, [text])[0].tolist()


def stored_vectors(index, ids: list[str], page: int = 5000) -> dict[str, np.ndarray]:
    """The vectors a `PassageIndex` stores for `ids`, read in pages (one `get` of 100,000 ids
    exceeds SQLite's limit on query variables)."""
    vectors: dict[str, np.ndarray] = {}
    for i in range(0, len(ids), page):
        rows = index._passages.get(ids=ids[i : i + page], include=["embeddings"])
        vectors.update(zip(rows["ids"], rows["embeddings"], strict=True))
    return vectors


def dir_mb(folder: Path) -> float:
    """Size on disk of a folder's files in MB (10^6 bytes)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
