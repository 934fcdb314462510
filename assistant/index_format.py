"""What an index was built with, recorded in the index, so that nothing reads it as compatible when it is not.

Vectors from two models must never meet, and passages cut with other chunk
sizes or stored by another version of this code must not be mixed with or read
as the current ones. The passage collection's metadata (Chroma keeps it in the
index, on disk or on a server) holds the format record:

    embedding_model       the model name (the collection is named after it as well)
    index_format          FORMAT_VERSION of the code that wrote the index
    embedding_dim         the vector size
    embedding_probe       the model's vector for PROBE_TEXT (JSON list, 4 decimals): another
                          model behind the same name (an upgraded package, another local
                          folder) gives another vector (cosine below PROBE_MIN_COSINE)
    chunk_chars, chunk_overlap_chars
                          the chunk settings every stored passage was cut with
    complete              False while an ingest rebuilds or re-chunks the index

Indexes written before this record existed hold only `embedding_model`
(format 1). How a difference is handled:

    difference                          ingest (`prepare`)                    reading (`check`)
    no record, empty index              record written, index built           fine (nothing to read)
    older/newer format, other vectors   index emptied and built again         refused: run `ingest`
    other chunk settings                every file re-chunked (vectors of     refused: run `ingest`
                                        unchanged passage texts are reused)
    rebuild or re-chunk cut off         finished                              refused: run `ingest`

Reading means `Assistant.search`/`ask`/`documents` (the CLI, the web app and the
evaluation); the web app and the evaluation ingest first, so they rebuild.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embedding import embed_passages
from assistant.index import IndexUnavailable

if TYPE_CHECKING:
    from assistant.index import PassageIndex
    from assistant.settings import Settings

# 1: indexes without a format record (before issue 12). Bump whenever what is stored changes
# meaning: passage fields or ids, how vectors are made (prefixes, normalisation), the distance.
FORMAT_VERSION = 2
PROBE_TEXT = "Veerkracht en weerbaarheid: de gemeente ontving in 2024 een bijdrage van € 250.000."
PROBE_MIN_COSINE = 0.999  # the same model gives ~1.0 whatever the thread count; another one far less
ACTION = "Voer `assistant ingest` uit (of start de webapp opnieuw) om de index opnieuw op te bouwen."


class IndexIncompatible(IndexUnavailable):
    """An index this configuration cannot read; the Dutch message says why and what to do."""


@functools.lru_cache(maxsize=8)
def _probe(embedder: Any) -> tuple[float, ...]:
    """The embedder's unit vector for PROBE_TEXT, rounded to 4 decimals (one ~20 ms call per process)."""
    return tuple(round(float(x), 4) for x in embed_passages(embedder, [PROBE_TEXT])[0])


def expected(index: PassageIndex, settings: Settings) -> dict[str, Any]:
    """The format record this code, model and these settings write (without `complete`)."""
    probe = _probe(index.embedder)
    return {
        "embedding_model": index.model_name,
        "index_format": FORMAT_VERSION,
        "embedding_dim": len(probe),
        "embedding_probe": json.dumps(probe),
        "chunk_chars": settings.chunk_chars,
        "chunk_overlap_chars": settings.chunk_overlap_chars,
    }


def _same_vectors(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    if stored.get("embedding_model") != wanted["embedding_model"]:
        return False
    if stored.get("embedding_dim") != wanted["embedding_dim"]:
        return False
    try:
        old = np.asarray(json.loads(stored["embedding_probe"]), dtype=np.float64)
        new = np.asarray(json.loads(wanted["embedding_probe"]), dtype=np.float64)
        cosine = float(old @ new / (np.linalg.norm(old) * np.linalg.norm(new)))
    except (KeyError, TypeError, ValueError):
        return False
    return old.shape == new.shape and cosine >= PROBE_MIN_COSINE


def difference(stored: dict[str, Any], count: int, wanted: dict[str, Any]) -> tuple[str, str] | None:
    """How the stored record differs from `wanted`: (kind, Dutch reason) or None when compatible.

    kind: "new" (no record, no passages), "format" (written by another version of this
    code), "model" (other vectors), "chunking" (other chunk settings) or "incomplete"
    (a rebuild or re-chunk was cut off). `count` is the number of stored passages.
    """
    version = stored.get("index_format")
    if version is None and count == 0:
        return "new", "De index is nog leeg."
    if version != FORMAT_VERSION:
        age = "nieuwere" if isinstance(version, int) and version > FORMAT_VERSION else "oudere"
        return "format", (
            f"De index is gemaakt met een {age} versie van de assistent "
            f"(indexformaat {version or 1}, deze versie leest formaat {FORMAT_VERSION})."
        )
    if not _same_vectors(stored, wanted):
        return "model", (
            f"De vectoren in de index komen van een ander embeddingmodel dan '{wanted['embedding_model']}' "
            "zoals het nu is geïnstalleerd (een ander model of een andere versie ervan)."
        )
    old = (stored.get("chunk_chars"), stored.get("chunk_overlap_chars"))
    new = (wanted["chunk_chars"], wanted["chunk_overlap_chars"])
    if old != new:
        return "chunking", (
            f"De index is gemaakt met passages van {old[0]} tekens (overlap {old[1]}); "
            f"de instellingen vragen {new[0]} tekens (overlap {new[1]})."
        )
    if stored.get("complete") is not True:
        return "incomplete", "De index is niet af: een eerdere indexering is afgebroken."
    return None


def check(index: PassageIndex, settings: Settings) -> None:
    """Raise `IndexIncompatible` (Dutch message) unless this configuration may read the index as it is."""
    found = difference(index.format_record(), index.count(), expected(index, settings))
    if found is not None and found[0] != "new":
        raise IndexIncompatible(f"{found[1]} {ACTION}")


def prepare(index: PassageIndex, settings: Settings) -> str | None:
    """Before an ingest: empty an index whose vectors or format cannot be reused, and mark it
    incomplete until `finish`. Returns why the index is rebuilt (Dutch), or None."""
    wanted = expected(index, settings)
    found = difference(index.format_record(), index.count(), wanted)
    if found is None:
        return None
    kind, reason = found
    if kind in ("format", "model"):
        index.reset()  # nothing stored may be reused: not a vector, not a record
    index.write_format_record({**wanted, "complete": False})
    return reason if kind in ("format", "model", "chunking") else None


def finish(index: PassageIndex, settings: Settings) -> None:
    """After a complete ingest: record what every stored passage was built with."""
    wanted = {**expected(index, settings), "complete": True}
    if index.format_record() != wanted:
        index.write_format_record(wanted)
