"""What one index sync must do per document: the corpus compared with what the index holds.

`plan_sync` is pure bookkeeping over what `PassageIndex.sync` read from Chroma: it
writes nothing, so inconsistent input is refused before the index is touched. A
document is "unchanged" when its record's fingerprint and its stored passage ids
match the corpus; otherwise its plan lists the passages to embed (new, or stored
with other embedding text), the passages to rewrite with their stored vector
(same embedding text, other fields, e.g. a corrected date) and the stale ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.chroma_codec import document_fingerprint
from assistant.types import DocumentMeta, Passage, SourceDocument

# passage ids -> {id: (the passage as stored, its stored vector)}
ReadStored = Callable[[list[str]], dict[str, tuple[Passage, Any]]]


@dataclass
class SyncPlan:
    """What one sync must do for one corpus document."""

    meta: DocumentMeta
    passages: list[Passage]
    status: str  # "unchanged" | "added" | "updated"
    to_embed: list[Passage] = field(default_factory=list)  # absent, or stored with other embedding text
    to_update: list[Passage] = field(default_factory=list)  # stored, same embedding text, other fields
    stale_ids: list[str] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # passage id -> vector to write
    added: int = 0  # passages whose id was not stored yet


def plan_sync(
    documents: list[SourceDocument],
    passages_by_doc: dict[str, list[Passage]],
    records: dict[str, dict[str, Any]],
    present: dict[str, set[str]],
    read_stored: ReadStored,
) -> list[SyncPlan]:
    """Compare the corpus with the index; inconsistent input raises `ValueError` before any write.

    `records` are the stored document records (doc_id -> record), `present` the stored
    passage ids per document, and `read_stored` reads stored passages with their vectors.
    """
    _check_input(documents, passages_by_doc)
    return [
        _plan_document(doc, passages_by_doc[doc.meta.doc_id], records, present, read_stored)
        for doc in documents
    ]


def _check_input(documents: list[SourceDocument], passages_by_doc: dict[str, list[Passage]]) -> None:
    """One entry of passages per document, and no doc_id shared by two documents."""
    doc_ids = [d.meta.doc_id for d in documents]
    if len(set(doc_ids)) != len(doc_ids):
        dupes = sorted({i for i in doc_ids if doc_ids.count(i) > 1})
        raise ValueError(f"Several documents share a doc_id: {dupes}")
    if set(passages_by_doc) != set(doc_ids):
        raise ValueError(
            "passages_by_doc must have exactly one entry per document; differing ids: "
            f"{sorted(set(passages_by_doc) ^ set(doc_ids))}"
        )


def _plan_document(
    doc: SourceDocument,
    doc_passages: list[Passage],
    records: dict[str, dict[str, Any]],
    present: dict[str, set[str]],
    read_stored: ReadStored,
) -> SyncPlan:
    doc_id = doc.meta.doc_id
    unique: dict[str, Passage] = {}
    for p in doc_passages:
        if p.doc_id != doc_id:
            raise ValueError(f"Passage {p.id} belongs to {p.doc_id!r}, not {doc_id!r}.")
        unique.setdefault(p.id, p)  # a repeated text yields a repeated id: index it once
    passages = list(unique.values())
    stored = present.get(doc_id, set())
    record = records.get(doc_id)
    if (
        record is not None
        and record.get("fingerprint") == document_fingerprint(doc.meta, passages)
        and stored == set(unique)
    ):
        return SyncPlan(doc.meta, passages, "unchanged")
    plan = SyncPlan(doc.meta, passages, "added" if record is None else "updated")
    plan.stale_ids = sorted(stored - set(unique))
    kept = [p for p in passages if p.id in stored]
    plan.to_embed = [p for p in passages if p.id not in stored]
    plan.added = len(plan.to_embed)
    if kept:
        old = read_stored([p.id for p in kept])
        for p in kept:
            old_passage, vector = old[p.id]
            if old_passage == p:
                continue
            if old_passage.embedding_text() == p.embedding_text():
                plan.to_update.append(p)  # e.g. a corrected date: keep the stored vector
                plan.vectors[p.id] = np.asarray(vector, dtype=np.float32)
            else:
                plan.to_embed.append(p)
    return plan
