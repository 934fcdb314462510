"""The keyword index on disk, next to the Chroma index, keyed to the content it was built from.

Rebuilding BM25 from every passage at start costs O(passages): reading them all
from Chroma and analysing every text (docs/benchmarks.md has the figures). The
built index is saved in `<index folder>/keyword__<model slug>/` and reused while
its key matches:

    key = sha256(content key of the passage index, hash of the analyzer's source)

The content key (`PassageIndex.content_key`) hashes every document record's
fingerprint and the passage count, so a finished ingest in this or another
process changes it; `PassageIndex.sync` also deletes the saved key before its
first write, so an ingest that dies halfway leaves no key and the next start
rebuilds. The analyzer's source (retrieval.py, numbers.py, conversation.py) is part of the key,
so a change to tokenising or stemming never meets an index built the old way.

Files: bm25s's own arrays and vocabulary (`bm25s.BM25.save` / `load`, no
pickle), `passages.json` (every `Passage` as a dict, in index order),
`vectors.npy` (their stored embeddings, row i for passage i, for the exact
dense ranker of `assistant.exact_dense`; `numpy.save`, no pickle) and
`key.txt`, written last and atomically (a half-written folder has no key and is
not used). A process killed while saving leaves either the old folder, no folder
or a folder without a key: each is rebuilt at the next ingest or start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path

import bm25s
import numpy as np

from assistant.crash_points import reached
from assistant.types import Passage

log = logging.getLogger(__name__)

KEY_FILE = "key.txt"
PASSAGES_FILE = "passages.json"
VECTORS_FILE = "vectors.npy"
# What index_terms() depends on (conversation.py: the modal verbs among its stopwords).
_ANALYZER_SOURCES = ("retrieval.py", "numbers.py", "conversation.py")


def analyzer_hash() -> str:
    """sha256 of the analyzer's source files: a code change invalidates saved indexes."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _ANALYZER_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def store_key(content_key: str) -> str:
    return hashlib.sha256(f"{content_key}\n{analyzer_hash()}".encode()).hexdigest()


def is_saved(folder: Path, key: str) -> bool:
    """True when `folder` holds an index saved under `key` (reads the key file only)."""
    try:
        return (folder / KEY_FILE).read_text(encoding="utf-8").strip() == key
    except OSError:
        return False


def invalidate(folder: Path) -> None:
    """Forget the saved key (before the passage index changes); the files stay until the next save."""
    (folder / KEY_FILE).unlink(missing_ok=True)


def load(folder: Path, key: str) -> tuple[list[Passage], bm25s.BM25, np.ndarray] | None:
    """The saved passages, BM25 and (n, dim) passage vectors when `folder` holds an index saved
    under `key`, else None.

    Any unreadable or inconsistent folder reads as None (the caller rebuilds), never raises.
    """
    if not (folder / KEY_FILE).is_file():
        log.info("No keyword index saved in %s for the current content; building it.", folder)
        return None
    try:
        if (folder / KEY_FILE).read_text(encoding="utf-8").strip() != key:
            return None
        rows = json.loads((folder / PASSAGES_FILE).read_text(encoding="utf-8"))
        passages = [Passage(**row) for row in rows]
        bm25 = bm25s.BM25.load(str(folder), load_corpus=False) if passages else bm25s.BM25()
        vectors = np.load(folder / VECTORS_FILE, allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.info("Keyword index in %s not reused (%s); rebuilding.", folder, exc)
        return None
    if (passages and bm25.scores.get("num_docs") != len(passages)) or len(vectors) != len(passages):
        log.info("Keyword index in %s does not match its passages; rebuilding.", folder)
        return None
    return passages, bm25, vectors


def save(folder: Path, key: str, passages: list[Passage], bm25: bm25s.BM25, vectors: np.ndarray) -> None:
    """Write the index under `key` (replacing what was there); failures are logged, not raised.

    The folder is written under a temporary name and swapped in, with the key last.
    """
    tmp = folder.with_name(folder.name + ".tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if passages:
            bm25.save(str(tmp), show_progress=False)
        (tmp / PASSAGES_FILE).write_text(
            json.dumps([asdict(p) for p in passages], ensure_ascii=False), encoding="utf-8"
        )
        np.save(tmp / VECTORS_FILE, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
        shutil.rmtree(folder, ignore_errors=True)
        reached("keyword")
        tmp.rename(folder)
        (folder / (KEY_FILE + ".tmp")).write_text(key, encoding="utf-8")
        (folder / (KEY_FILE + ".tmp")).replace(folder / KEY_FILE)
    except OSError as exc:
        log.warning("Keyword index not saved in %s (%s); it is rebuilt at the next start.", folder, exc)
