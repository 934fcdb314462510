"""How passages, document records and filters are written to and read from Chroma metadata.

Chroma stores flat metadata (str, int, float, bool) and compares numbers only, so
a passage's fields are stored one key each, dates also as YYYYMMDD integers for
range filters, and `Filters` become a Chroma `where` that must agree with
`Filters.accepts`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from assistant.types import DocumentMeta, Filters, Passage

_STORED_FIELDS = [f.name for f in fields(Passage) if f.name not in ("id", "text")]


def date_int(value: str | None) -> int | None:
    """YYYYMMDD as an integer: Chroma compares numbers only, so date filters need this."""
    if not value:
        return None
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return d.year * 10000 + d.month * 100 + d.day


def passage_metadata(p: Passage) -> dict[str, Any]:
    """Every stored field, None included: in an upsert None deletes the key.

    Chroma merges the metadata of an upsert into what is stored, so a field that
    became None must be sent as None or the old value stays; a key absent from the
    stored metadata reads back as None in `stored_passage`.
    """
    values = asdict(p)
    meta = {k: values[k] for k in _STORED_FIELDS}
    meta["date_int"] = date_int(p.date)
    return meta


def stored_passage(pid: str, text: str, meta: dict[str, Any]) -> Passage:
    """The passage stored under `pid` with `text` and its metadata (missing keys read as None)."""
    values = {k: meta.get(k) for k in _STORED_FIELDS}
    values["doc_sha256"] = meta.get("doc_sha256", "")
    return Passage(id=pid, text=text, **values)


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """Filters as a Chroma `where`; `Filters.accepts` stays the definition it must agree with."""
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    if filters.doc_types:
        clauses.append({"doc_type": {"$in": list(filters.doc_types)}})
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    for bound, op in ((filters.date_from, "$gte"), (filters.date_to, "$lte")):
        if bound:
            value = date_int(bound)
            if value is None or len(bound) != 10:
                raise ValueError(f"Date filter {bound!r} is not a date in the form YYYY-MM-DD.")
            clauses.append({"date_int": {op: value}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def document_fingerprint(meta: DocumentMeta, passages: list[Passage]) -> str:
    """Hash of everything written for a document: any difference means "changed"."""
    payload = [asdict(meta), [[p.id, p.text, passage_metadata(p)] for p in passages]]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
