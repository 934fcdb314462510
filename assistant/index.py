"""The passage index: one Chroma collection per embedding model, kept in step with the corpus.

Vectors of two models never mix because the collection is named after the model.
Ingest is incremental and never leaves the index half-written: everything new is
embedded before anything is written, a changed document's new passages are written
before its stale ones are deleted, and a per-document record (in a second, small
collection) is written last. A run that dies anywhere leaves the previous content
searchable, and the next run sees the missing or outdated record and repairs the
difference without re-embedding what is already stored. What each document needs
(nothing, new vectors, rewritten fields, stale passages out) is worked out first,
by `assistant.index_plan`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import assistant.settings  # noqa: F401  (privacy env defaults must precede the chromadb import)

# isort: split
import chromadb
import chromadb.config
import numpy as np
from tqdm import tqdm

from assistant.chroma_codec import chroma_where, document_fingerprint, passage_metadata, stored_passage
from assistant.crash_points import reached
from assistant.embedding import embed_passages, model_slug
from assistant.index_plan import SyncPlan, plan_sync
from assistant.settings import Settings
from assistant.types import Filters, IngestReport, Passage, SourceDocument

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

_RECORD_FIELDS = ("title", "doc_type", "source_file", "date", "kamerstuk", "author", "recipient", "sha256")
_READ_PAGE = 5000  # rows per Chroma `get`, so a large index is read in bounded requests
# On a shared Chroma server another process's ingest that keeps the passage count (an edited
# document) shows only in the content key, which `version` re-reads at most this often (seconds).
SERVER_CONTENT_CHECK_S = 5.0


def _position(p: Passage) -> tuple[str, int, str]:
    """The index order of passages: by document, then position in it (id breaks ties)."""
    return (p.doc_id, p.chunk_index, p.id)


def _stored_passages(rows: dict[str, list[Any]]) -> list[Passage]:
    """The passages of rows read by `PassageIndex._get_all`, in the order read."""
    columns = zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
    return [stored_passage(*row) for row in columns]


class IndexUnavailable(RuntimeError):
    """The index cannot be opened (e.g. the Chroma server is not reachable)."""


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PassageIndex:
    """Passages with their vectors in Chroma, plus a per-document record of what is indexed."""

    EMBED_BATCH = 32  # passages per embedding call: the unit of the progress bar

    def __init__(self, client: chromadb.api.ClientAPI, embedder: SentenceTransformer) -> None:
        name = getattr(embedder, "assistant_model_name", None)
        if not name:
            raise ValueError("The embedder has no assistant_model_name: load it with load_embedder().")
        self.model_name: str = name
        self.embedder = embedder
        slug = model_slug(name)
        self.collection_name = f"passages__{slug}"
        self._records_name = f"docs__{slug}"
        self._client = client
        self._open_collections()
        self._write_batch = min(client.get_max_batch_size(), 500)
        # Where the keyword index of this collection is saved (set by `open`; None: not saved).
        self.keyword_folder: Path | None = None
        self._generation = 0
        self._lock = threading.RLock()
        self.shared = False  # on a Chroma server (set by `open`): other processes may write
        self._content_stamp: tuple[float, str] | None = None  # (when read, content key)

    @classmethod
    def open(cls, settings: Settings, embedder: SentenceTransformer) -> PassageIndex:
        """The local index folder, or the Chroma server when `settings.chroma_host` is set."""
        chroma_settings = chromadb.config.Settings(anonymized_telemetry=False)
        if settings.chroma_host:
            try:
                client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
                index = cls(client, embedder)
                index.shared = True
            except Exception as exc:  # any transport error means the same thing to the user
                raise IndexUnavailable(
                    f"Chroma server at {settings.chroma_host}:{settings.chroma_port} is not reachable "
                    f"({exc}). Start it with `chroma run`, or unset CHROMA_HOST to use the index folder."
                ) from exc
            settings.index.mkdir(parents=True, exist_ok=True)  # the keyword index is kept locally
            return index._with_keyword_folder(settings)
        settings.index.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(settings.index), settings=chroma_settings)
        return cls(client, embedder)._with_keyword_folder(settings)

    def _open_collections(self) -> None:
        self._passages = self._client.get_or_create_collection(
            self.collection_name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": self.model_name},
            embedding_function=None,  # never let Chroma embed (its default downloads a model)
        )
        self._records = self._client.get_or_create_collection(
            self._records_name, metadata={"embedding_model": self.model_name}, embedding_function=None
        )

    # --- the format record (`assistant.index_format` decides what it holds and means)
    def format_record(self) -> dict[str, Any]:
        """The passage collection's metadata as stored now (another process may have changed it)."""
        stored = self._client.get_collection(self.collection_name, embedding_function=None).metadata
        return dict(stored or {})

    def write_format_record(self, record: dict[str, Any]) -> None:
        """Replace the passage collection's metadata with `record` (str, int, float or bool values)."""
        self._passages.modify(metadata=record)

    def reset(self) -> None:
        """Drop every passage and record of this model and start empty.

        Records go first: a run killed in between leaves passages without records
        under the old format record, which the next ingest resets again.
        """
        with self._lock:
            self._invalidate_keyword()
            self._generation += 1
            self._client.delete_collection(self._records_name)
            self._client.delete_collection(self.collection_name)
            self._open_collections()

    def _with_keyword_folder(self, settings: Settings) -> PassageIndex:
        self.keyword_folder = settings.index / f"keyword__{model_slug(self.model_name)}"
        return self

    # --- reading
    def count(self) -> int:
        return self._passages.count()

    @property
    def version(self) -> tuple[int, ...]:
        """Changes whenever the content changes; compare for equality (e.g. to rebuild BM25).

        The generation counts this process's writes; the live count notices most changes
        made by another process, and on a shared Chroma server the content key, read at
        most every `SERVER_CONTENT_CHECK_S` seconds, notices the others (an edited document).
        """
        if not self.shared:
            return (self._generation, self.count())
        stamp = self._content_stamp
        if stamp is None or time.monotonic() - stamp[0] >= SERVER_CONTENT_CHECK_S:
            stamp = self._content_stamp = (time.monotonic(), self.content_key())
        return (self._generation, self.count(), stamp[1])

    def content_key(self) -> str:
        """A key for the stored content that holds across processes (what the saved keyword index
        is checked against): sha256 of every document record's fingerprint and the passage count."""
        records = self._read_records()
        payload = [self.count(), sorted((k, v.get("fingerprint", "")) for k, v in records.items())]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()

    def _get_all(self, include: list[str], where: dict[str, Any] | None = None) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
        offset = 0
        while True:
            page = self._passages.get(where=where, include=include, limit=_READ_PAGE, offset=offset)
            out["ids"].extend(page["ids"])
            for key in ("documents", "metadatas", "embeddings"):
                if key in include:
                    out[key].extend(page[key])
            if len(page["ids"]) < _READ_PAGE:
                return out
            offset += _READ_PAGE

    def _read_passages(self, where: dict[str, Any] | None = None) -> list[Passage]:
        return sorted(_stored_passages(self._get_all(["documents", "metadatas"], where)), key=_position)

    def all_passages(self) -> list[Passage]:
        """Every indexed passage, ordered by document and position (what BM25 is built from)."""
        return self._read_passages()

    def passages_and_vectors(self) -> tuple[list[Passage], np.ndarray]:
        """Every indexed passage (ordered as `all_passages`) and its stored embedding as row i of an
        (n, dim) float32 matrix ((0, 0) when empty), read in one pass so that the two agree."""
        rows = self._get_all(["documents", "metadatas", "embeddings"])
        passages = _stored_passages(rows)
        if not passages:
            return [], np.zeros((0, 0), dtype=np.float32)
        order = sorted(range(len(passages)), key=lambda i: _position(passages[i]))
        vectors = np.asarray(rows["embeddings"], dtype=np.float32)
        return [passages[i] for i in order], vectors[order]

    def passages_for(self, doc_id: str) -> list[Passage]:
        return self._read_passages({"doc_id": doc_id})

    def documents(self) -> list[dict[str, Any]]:
        """The completely indexed documents with their metadata and passage counts."""
        docs = []
        for doc_id, meta in sorted(self._read_records().items()):
            docs.append(
                {
                    "doc_id": doc_id,
                    **{k: meta.get(k) for k in _RECORD_FIELDS if k != "sha256"},
                    "passages": meta.get("passages", 0),
                }
            )
        return docs

    def dense_search(
        self, query_vec: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[Passage, float]]:
        """The k passages nearest to a query vector, as (passage, cosine similarity), best first."""
        where = chroma_where(filters)  # first: a bad filter is an error even on an empty index
        if k <= 0 or self.count() == 0:
            return []
        result = self._passages.query(
            query_embeddings=[np.asarray(query_vec, dtype=np.float32).ravel().tolist()],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        columns = (result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0])
        for pid, text, meta, distance in zip(*columns, strict=True):
            passage = stored_passage(pid, text, meta)
            if filters is not None and not filters.accepts(passage):
                log.warning("Chroma filter returned %s, which %s does not accept; dropped.", pid, filters)
                continue
            hits.append((passage, 1.0 - float(distance)))
        return hits

    def records(self) -> dict[str, dict[str, Any]]:
        """doc_id -> the record of every completely indexed document (metadata, fingerprint, load key)."""
        return self._read_records()

    def _read_records(self) -> dict[str, dict[str, Any]]:
        rows = self._records.get(include=["metadatas"])
        return dict(zip(rows["ids"], rows["metadatas"], strict=True))

    # --- writing
    def sync(
        self,
        documents: list[SourceDocument],
        passages_by_doc: dict[str, list[Passage]],
        keep_doc_ids: set[str] | frozenset[str] = frozenset(),
        progress: bool = True,
        load_info: dict[str, dict[str, Any]] | None = None,
    ) -> IngestReport:
        """Make the index hold exactly `documents` (plus whatever `keep_doc_ids` already has).

        Unchanged documents cost nothing, new passages are embedded once, and the
        writes are ordered so that a failure at any point loses nothing (see module doc).
        `load_info` (doc_id -> scalar fields such as `load_key`) is stored in each
        document's record (`assistant.unchanged` reads it back).
        """
        load_info = load_info or {}
        with self._lock:
            records = self._read_records()
            present = self._present_ids()
            plans = plan_sync(documents, passages_by_doc, records, present, self._read_stored)
            corpus_ids = {p.meta.doc_id for p in plans}
            removed_docs = sorted((set(present) | set(records)) - corpus_ids - set(keep_doc_ids))
            self._embed(plans, progress)
            if removed_docs or any(plan.status != "unchanged" for plan in plans):
                self._invalidate_keyword()

            report = IngestReport(documents=len(plans))
            for plan in plans:
                info = load_info.get(plan.meta.doc_id, {})
                if plan.status == "unchanged":
                    report.passages_unchanged += len(plan.passages)
                    record = records[plan.meta.doc_id]
                    if any(record.get(k) != v for k, v in info.items()):  # e.g. indexed before load keys
                        self._records.update(ids=[plan.meta.doc_id], metadatas=[info])
                    continue
                self._generation += 1  # before writing: a write that fails halfway changes content too
                self._write(plan, info)
                report.passages_added += plan.added
                report.passages_unchanged += len(plan.passages) - plan.added
                report.passages_removed += len(plan.stale_ids)
                (report.documents_added if plan.status == "added" else report.documents_updated).append(
                    plan.meta.doc_id
                )
            for doc_id in removed_docs:
                self._remove(doc_id, sorted(present.get(doc_id, set())), report)
            report.total_passages = self.count()
            log.info(
                "Index %s: %d passages added, %d removed, %d unchanged; %d passages in total.",
                self.collection_name,
                report.passages_added,
                report.passages_removed,
                report.passages_unchanged,
                report.total_passages,
            )
            return report

    def _remove(self, doc_id: str, stale: list[str], report: IngestReport) -> None:
        """Take a document that left the corpus out: its passages first, then its record."""
        self._generation += 1
        for batch in _batches(stale, self._write_batch):
            self._passages.delete(ids=batch)
        reached("removal")
        self._records.delete(ids=[doc_id])
        report.passages_removed += len(stale)
        report.documents_removed.append(doc_id)

    def _invalidate_keyword(self) -> None:
        """Before the first write: a saved keyword index must not outlive the content it was built from."""
        if self.keyword_folder is not None:
            from assistant import keyword_store

            keyword_store.invalidate(self.keyword_folder)

    def _present_ids(self) -> dict[str, set[str]]:
        """Passage ids in the collection per document: the truth the records are checked against."""
        rows = self._get_all(["metadatas"])
        present: dict[str, set[str]] = {}
        for pid, meta in zip(rows["ids"], rows["metadatas"], strict=True):
            present.setdefault(meta["doc_id"], set()).add(pid)
        return present

    def _read_stored(self, ids: list[str]) -> dict[str, tuple[Passage, Any]]:
        """The stored passages with these ids, each with its stored vector (`index_plan.ReadStored`)."""
        rows = self._passages.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        columns = (rows["ids"], rows["documents"], rows["metadatas"], rows["embeddings"])
        return {
            pid: (stored_passage(pid, text, meta), vector)
            for pid, text, meta, vector in zip(*columns, strict=True)
        }

    def _embed(self, plans: list[SyncPlan], progress: bool) -> None:
        """Embed everything the plans need before any write, in batches, with a progress bar."""
        pending = [(plan, p) for plan in plans for p in plan.to_embed]
        if not pending:  # nothing to embed: no empty "0passage" bar
            return
        with tqdm(total=len(pending), desc="Embedding passages", unit="passage", disable=not progress) as bar:
            for batch in _batches(pending, self.EMBED_BATCH):
                vectors = embed_passages(self.embedder, [p.embedding_text() for _, p in batch])
                for (plan, p), vector in zip(batch, vectors, strict=True):
                    plan.vectors[p.id] = vector
                bar.update(len(batch))
                reached("embedding")

    def _write(self, plan: SyncPlan, info: dict[str, Any]) -> None:
        """New passages first, then stale ones out, then the record: each step keeps the doc findable."""
        # Always with embeddings: a write without them makes Chroma embed the text itself.
        for batch in _batches(plan.to_embed + plan.to_update, self._write_batch):
            self._passages.upsert(
                ids=[p.id for p in batch],
                embeddings=np.stack([plan.vectors[p.id] for p in batch]),
                documents=[p.text for p in batch],
                metadatas=[passage_metadata(p) for p in batch],
            )
        reached("passages")
        for batch in _batches(plan.stale_ids, self._write_batch):
            self._passages.delete(ids=batch)
        meta = asdict(plan.meta)
        record: dict[str, Any] = {k: meta[k] for k in _RECORD_FIELDS}  # None deletes a stale key
        record["passages"] = len(plan.passages)
        record["fingerprint"] = document_fingerprint(plan.meta, plan.passages)
        record.update(info)
        self._records.upsert(
            ids=[plan.meta.doc_id],
            embeddings=[[1.0]],  # Chroma stores a vector per row; records are only ever read by id
            documents=[json.dumps([p.id for p in plan.passages])],
            metadatas=[record],
        )
        reached("record")
