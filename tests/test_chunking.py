"""Chunking follows the documents' headings and keeps exact, stable offsets and ids."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pdfs import make_pdf

from assistant.chunking import chunk_document
from assistant.corpus import load_corpus
from assistant.loading import load_file
from assistant.types import DocumentMeta, Page, Passage, SourceDocument

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def documents() -> dict[str, SourceDocument]:
    loaded, skipped = load_corpus(CORPUS, max_file_mb=50)
    assert skipped == []
    return {d.meta.doc_id: d for d in loaded}


def passage_with(passages: list[Passage], needle: str) -> Passage:
    found = [p for p in passages if needle in p.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} passages"
    return found[0]


def assert_offsets(doc: SourceDocument, passages: list[Passage]) -> None:
    pages = {p.number: p.text for p in doc.pages}
    for passage in passages:
        assert pages[passage.page][passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip() and passage.text


def test_kamerbrief_sections(documents: dict[str, SourceDocument]) -> None:
    passages = chunk_document(documents["kst-36600-XV-32"])
    assert passage_with(passages, "7 gemeenten").section == "DU Veerkracht en Weerbaarheid"
    assert passage_with(passages, "€ 256 miljoen").section == "Voortgang activiteiten › SPUK Kansrijke Wijk"
    assert passage_with(passages, "Woensel Zuid").section == "Voorbeeld interventies SPUK Kansrijke Wijk"
    assert passage_with(passages, "jongerenwerkplaatsen opgezet").section == "Social Labs"
    assert passage_with(passages, "variëren van 20 tot 70").section == "Maatschappelijke Raad"
    # The letterhead comes before any heading; the signature is text, not a heading.
    assert passage_with(passages, "Den Haag, 26 november 2024").section is None
    assert passage_with(passages, "J.N.J. Nobel").section == "Vooruitblik: 2025 en verder"
    # Headings are context, never passages of their own.
    headings = {p.section for p in passages}
    assert not any(p.text in headings or p.text == "Voortgang activiteiten" for p in passages)


def test_nota_sections(documents: dict[str, SourceDocument]) -> None:
    passages = chunk_document(documents["nota-agenda-vws-kamerbrief-2024"])
    assert passage_with(passages, "Op 16 oktober vindt een debat plaats").section == (
        "Agenda Veerkrachtige en Weerbare Samenleving › Aanleiding"
    )
    assert passage_with(passages, "mondelinge toelichting (30 mins)").section == "Geadviseerd besluit"
    assert passage_with(passages, "Veerkracht- en Weerbaarheidscongres").section == "Kernpunten"


def test_list_stays_with_its_lead_in_and_footnote_with_its_paragraph(
    documents: dict[str, SourceDocument],
) -> None:
    passages = chunk_document(documents["kst-36600-XV-32"])
    lead_in = passage_with(passages, "richten zich vooral op:")
    assert lead_in.text.startswith("De projecten of interventies")
    assert lead_in.text.endswith("- Ondersteuning ouders en ouder-netwerken.")
    spuk = passage_with(passages, "De investering vanuit de Agenda in deze Specifieke Uitkering")
    assert "\n\n¹ Kamerstuk 36 200 XV, nr. 96" in spuk.text


@pytest.mark.parametrize("chunk_chars", [900, 400, 200])
def test_sizes_offsets_and_indexes(documents: dict[str, SourceDocument], chunk_chars: int) -> None:
    for doc in documents.values():
        passages = chunk_document(doc, chunk_chars=chunk_chars, overlap_chars=chunk_chars // 6)
        assert passages
        assert all(len(p.text) <= chunk_chars for p in passages)
        assert [p.chunk_index for p in passages] == list(range(len(passages)))
        assert len({p.id for p in passages}) == len(passages)
        assert_offsets(doc, passages)
        # Nothing is lost: every word of the document is in a passage or a section heading.
        covered = " ".join(f"{p.section or ''} {p.text}" for p in passages)
        lost = set(re.findall(r"[^\W\d_]+", doc.text)) - set(re.findall(r"[^\W\d_]+", covered))
        assert lost <= {"Voortgang", "activiteiten"}  # a heading that only introduces sub-headings


def test_metadata_is_copied(documents: dict[str, SourceDocument]) -> None:
    doc = documents["kst-36600-XV-32"]
    passage = chunk_document(doc)[0]
    assert (passage.doc_id, passage.title, passage.doc_type) == (
        doc.meta.doc_id,
        doc.meta.title,
        "kamerbrief",
    )
    assert (passage.date, passage.kamerstuk, passage.doc_sha256) == (
        "2024-11-26",
        "36 600 XV, nr. 32",
        doc.meta.sha256,
    )
    assert passage.page is None


def test_ids_are_stable_and_follow_content(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    name = "kamerbrief-36600-XV-32.txt"
    first = chunk_document(load_corpus(corpus, 50)[0][0])
    second = chunk_document(load_corpus(corpus, 50)[0][0])
    assert [p.id for p in first] == [p.id for p in second]
    assert all(re.fullmatch(r"[0-9a-f]{16}", p.id) for p in first)

    path = corpus / name
    path.chmod(0o644)
    path.write_text(path.read_text(encoding="utf-8").replace("7 gemeenten", "8 gemeenten"), encoding="utf-8")
    changed = chunk_document(load_corpus(corpus, 50)[0][0])
    old = {p.id for p in first}
    new_ids = [p.id for p in changed if p.id not in old]
    assert len(new_ids) == 1
    assert "8 gemeenten" in next(p.text for p in changed if p.id == new_ids[0])


def test_a_column_of_short_lines_is_text_not_headings() -> None:
    text = "Gemeenten\n\nAmsterdam\n\nRotterdam\n\nUtrecht\n\nDeze gemeenten kregen een bijdrage."
    meta = DocumentMeta(doc_id="lijst", title="Lijst", doc_type="nota", source_file="lijst.txt")
    passages = chunk_document(SourceDocument(meta, [Page(None, text)]))
    assert [(p.section, p.text) for p in passages] == [(None, text)]


def test_a_number_set_off_by_a_dash_heads_its_section() -> None:
    # The Iv3 informatievoorschrift heads each task field so; while such lines were read as text,
    # 95 of its 373 passages carried one earlier heading, "Vlottende Passiva".
    text = (
        "6.821 – Jeugdbescherming\n\nDit taakveld betreft de lasten voor de jeugdbescherming.\n\n"
        "6.822 – Jeugdreclassering\n\nDit taakveld betreft de lasten voor de jeugdreclassering."
    )
    meta = DocumentMeta(doc_id="iv3", title="Iv3", doc_type="rapport", source_file="iv3.txt")
    passages = chunk_document(SourceDocument(meta, [Page(None, text)]))
    assert [p.section for p in passages] == ["6.821 – Jeugdbescherming", "6.822 – Jeugdreclassering"]


def test_repeated_text_gets_a_suffixed_id() -> None:
    closing = "Dit is de vaste slotzin van elke sectie."
    text = f"Inleiding\n\n{closing}\n\nBijlage\n\n{closing}"
    meta = DocumentMeta(doc_id="herhaling", title="Herhaling", doc_type="nota", source_file="herhaling.txt")
    passages = chunk_document(SourceDocument(meta, [Page(None, text)]))
    assert [p.section for p in passages] == ["Inleiding", "Bijlage"]
    assert passages[1].id == f"{passages[0].id}-1"


def test_generated_pdf_pages_and_sections(tmp_path: Path) -> None:
    pages = [
        "Nota over de Agenda voor gemeenten en professionals in de wijk.\n\n"
        "Financiering gemeenten\n\n"
        "Gemeenten ontvangen een specifieke uitkering van € 6,3 miljoen voor veerkracht.",
        "Daarnaast is ruim € 28 miljoen beschikbaar gekomen uit de integrale middelen.\n\nEvaluatie",
        "De interventies worden in 2025 geëvalueerd door een onafhankelijk bureau.\n\n"
        "Planning\n\n"
        "Het tweede congres vindt plaats in 2025.",
    ]
    doc = load_file(make_pdf(tmp_path / "nota.pdf", pages))
    passages = chunk_document(doc)
    assert_offsets(doc, passages)
    located = [(p.page, p.section, p.text[:30]) for p in passages]
    assert located == [
        (1, None, "Nota over de Agenda voor gemee"),
        (1, "Financiering gemeenten", "Gemeenten ontvangen een specif"),
        (2, "Financiering gemeenten", "Daarnaast is ruim € 28 miljoen"),
        (3, "Evaluatie", "De interventies worden in 2025"),
        (3, "Planning", "Het tweede congres vindt plaat"),
    ]
    assert passages[3].embedding_text().startswith("Evaluatie\nDe interventies")


def test_oversize_paragraph_is_split_at_sentences_with_overlap() -> None:
    sentences = [f"Zin {n} gaat over gemeente nummer {n} en haar wijken." for n in range(1, 31)]
    paragraph = " ".join(sentences)
    text = f"Inleiding\n\nKorte alinea ervoor.\n\n{paragraph}\n\nKorte alinea erna."
    meta = DocumentMeta(doc_id="lang", title="Lang", doc_type="nota", source_file="lang.txt")
    doc = SourceDocument(meta, [Page(None, text)])

    passages = chunk_document(doc, chunk_chars=300, overlap_chars=100)

    assert_offsets(doc, passages)
    assert passages[0].text == "Korte alinea ervoor."  # whole paragraphs are not merged with a split one
    assert passages[-1].text == "Korte alinea erna."
    parts = passages[1:-1]
    assert len(parts) >= 5
    assert all(len(p.text) <= 300 and p.section == "Inleiding" for p in parts)
    assert all(p.text.startswith("Zin ") and p.text.endswith("wijken.") for p in parts)
    for previous, current in zip(parts, parts[1:], strict=False):
        overlap = previous.end - current.start
        assert 0 < overlap <= 100
    assert parts[0].start == text.index("Zin 1 ") and parts[-1].end == text.index("\n\nKorte alinea erna")
    covered = " ".join(p.text for p in parts)
    assert all(sentence in covered for sentence in sentences)


def test_sentence_longer_than_a_passage_is_split_at_words() -> None:
    sentence = "De Agenda " + " ".join(f"ondersteunt gemeente{n}" for n in range(80)) + "."
    meta = DocumentMeta(doc_id="zin", title="Zin", doc_type="nota", source_file="zin.txt")
    doc = SourceDocument(meta, [Page(None, sentence)])
    passages = chunk_document(doc, chunk_chars=200, overlap_chars=50)
    assert_offsets(doc, passages)
    assert len(passages) > 5 and all(len(p.text) <= 200 for p in passages)
    for previous, current in zip(passages, passages[1:], strict=False):
        assert 0 < previous.end - current.start <= 50
        assert sentence[current.start - 1] == " "  # windows start at a word
    assert passages[-1].text.endswith("gemeente79.")
