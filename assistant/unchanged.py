"""Skip unchanged files before parsing them: what makes a no-op ingest cheap at scale.

Parsing and chunking every file again only to find that nothing changed costs
O(corpus) (docs/benchmarks.md). Each document record in the index keeps a
`load_key`: a hash of everything that decides the passages of that file:

    sha256(file bytes) | relative path | manifest entry | chunk sizes | OCR language | code hash

where the code hash covers the source of the whole `assistant` package, so an
update of the loader or chunker re-parses everything once (its passages are then
compared as before, and vectors of unchanged passages are reused). A file whose
key equals its record's is not parsed; its document is kept as it is.

Records are written last by `PassageIndex.sync` (after the passages), so a record
with a matching key means the document was written completely.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from assistant.settings import Settings


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """sha256 of the `assistant` package's .py files (sorted by path); read once per process."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_key(data_sha256: str, relative: str, entry: dict | None, settings: Settings) -> str:
    """The key of one file as it would be loaded and chunked now (hex sha256)."""
    ocr = settings.ocr_language if settings.ocr_enabled else None
    payload = [data_sha256, relative, entry or {}, settings.chunk_chars, settings.chunk_overlap_chars, ocr]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str) + code_hash()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UnchangedFiles:
    """The `skip` callback for `load_corpus`: True for a file whose record says it is already indexed.

    Collects the document ids it skipped (`doc_ids`) and the key of every file it
    was asked about (`keys`: doc_id -> key, for the records of what is written now).
    """

    def __init__(self, records: dict[str, dict[str, Any]], settings: Settings) -> None:
        self.records = records
        self.settings = settings
        self.doc_ids: list[str] = []
        self.files: dict[str, str] = {}  # skipped doc_id -> its path relative to the folder
        self.keys: dict[str, str] = {}

    def __call__(self, path: Path, relative: str, doc_id: str, entry: dict | None) -> bool:
        try:
            data_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return False  # the loader reports the unreadable file
        key = load_key(data_hash, relative, entry, self.settings)
        self.keys[doc_id] = key
        record = self.records.get(doc_id)
        if record is None or record.get("load_key") != key or record.get("source_file") != relative:
            return False
        self.doc_ids.append(doc_id)
        self.files[doc_id] = relative
        return True
