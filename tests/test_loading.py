"""Loading real files: manifest metadata, PDF pages, and every kind of bad file reported by name."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from pdfs import (
    make_corrupt_pdf,
    make_damaged_pdf,
    make_empty_file,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_pdf,
    make_truncated_pdf,
)

from assistant.corpus import load_corpus
from assistant.loading import SUPPORTED_SUFFIXES, LoadError, doc_id_for, load_file, load_manifest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

PAGES = [
    "Eerste pagina\n\nDe gemeente ontving een financiële bijdrage van € 313.327 voor weerbaarheid.",
    "Tweede pagina\n\nDe adviescommissie bestaat uit 7 personen met diverse achtergronden.",
    "Derde pagina\n\nHun leeftijden variëren van 20 tot 70 jaar; één lid komt uit Zuid-Holland.",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus (files and manifest)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def by_file(documents: list) -> dict:
    return {d.meta.source_file: d for d in documents}


def test_manifest_metadata_is_applied(corpus: Path) -> None:
    documents, skipped = load_corpus(corpus, max_file_mb=50)
    assert skipped == []
    docs = by_file(documents)
    brief = docs["kamerbrief-36600-XV-32.txt"].meta
    assert brief.doc_id == "kst-36600-XV-32"
    assert brief.doc_type == "kamerbrief"
    assert brief.date == "2024-11-26"
    assert brief.kamerstuk == "36 600 XV, nr. 32"
    assert brief.title == "Kamerbrief Agenda Veerkrachtige & Weerbare Samenleving 2024"
    assert brief.author == "Staatssecretaris van Sociale Zaken en Werkgelegenheid (J.N.J. Nobel)"
    assert brief.sha256 == hashlib.sha256((corpus / "kamerbrief-36600-XV-32.txt").read_bytes()).hexdigest()
    nota = docs["nota-agenda-veerkrachtige-weerbare-samenleving.txt"].meta
    assert nota.doc_type == "nota"
    assert nota.date is None
    assert nota.kamerstuk is None
    assert nota.recipient == "Minister van SZW"
    # Text files have one page without a number; the text is cleaned.
    pages = docs["kamerbrief-36600-XV-32.txt"].pages
    assert [p.number for p in pages] == [None]
    assert "De investering vanuit de Agenda in deze Specifieke Uitkering" in pages[0].text


def test_manifest_dates_are_iso_strings(corpus: Path) -> None:
    entries = load_manifest(corpus)
    assert entries["kamerbrief-36600-XV-32.txt"]["date"] == "2024-11-26"
    assert entries["nota-agenda-veerkrachtige-weerbare-samenleving.txt"]["date"] is None


def test_file_without_manifest_entry_gets_derived_metadata(corpus: Path) -> None:
    (corpus / "Overleg Gemeenten 2024.md").write_text(
        "## Overleg met gemeenten\n\nDe gemeenten bespraken de integrale middelen.\n", encoding="utf-8"
    )
    documents, skipped = load_corpus(corpus, max_file_mb=50)
    assert skipped == []
    meta = by_file(documents)["Overleg Gemeenten 2024.md"].meta
    assert meta.doc_id == "overleg-gemeenten-2024"
    assert meta.title == "Overleg met gemeenten"
    assert meta.doc_type == "onbekend"
    assert meta.date is None and meta.kamerstuk is None
    text = by_file(documents)["Overleg Gemeenten 2024.md"].pages[0].text
    assert text == "Overleg met gemeenten\n\nDe gemeenten bespraken de integrale middelen."


def test_doc_id_for() -> None:
    assert doc_id_for(Path("x/Financiële Bijdrage (2024).pdf"), None) == "financiele-bijdrage-2024"
    assert doc_id_for(Path("a.txt"), {"doc_id": "kst-1"}) == "kst-1"
    assert doc_id_for(Path("€€€.txt"), None).startswith("document-")


def test_pdf_pages_are_numbered_from_one(tmp_path: Path) -> None:
    document = load_file(make_pdf(tmp_path / "brief.pdf", PAGES))
    assert [p.number for p in document.pages] == [1, 2, 3]
    assert "€ 313.327" in document.pages[0].text
    assert "7 personen" in document.pages[1].text
    assert "variëren" in document.pages[2].text and "één lid" in document.pages[2].text
    assert document.meta.title == "Eerste pagina"
    assert document.meta.source_file == "brief.pdf"


def test_form_feeds_split_a_text_file_into_pages(tmp_path: Path) -> None:
    path = tmp_path / "uitvoer.txt"
    path.write_text("Pagina een tekst.\fPagina twee tekst.\fPagina drie tekst.\f", encoding="utf-8")
    document = load_file(path)
    assert [(p.number, p.text) for p in document.pages] == [
        (1, "Pagina een tekst."),
        (2, "Pagina twee tekst."),
        (3, "Pagina drie tekst."),
    ]


def test_bad_files_are_reported_by_name_and_the_rest_still_loads(corpus: Path) -> None:
    make_pdf(corpus / "goed.pdf", PAGES)
    make_encrypted_pdf(corpus / "alleen-eigenaarsslot.pdf", PAGES, password="")  # opens without asking
    (corpus / "utf16.txt").write_text("Tekst in UTF-16 met een ë.", encoding="utf-16")
    (corpus / "bom.txt").write_bytes("\ufeffTekst met BOM en €.".encode())
    make_empty_file(corpus / "leeg.pdf")
    make_empty_file(corpus / "leeg.txt")
    (corpus / "witruimte.txt").write_text(" \n\n\t\n", encoding="utf-8")
    make_corrupt_pdf(corpus / "kapot.pdf")
    make_truncated_pdf(corpus / "afgebroken.pdf", PAGES)
    make_damaged_pdf(corpus / "beschadigd.pdf", PAGES)
    make_encrypted_pdf(corpus / "geheim.pdf", PAGES, password="geheim123")
    make_image_only_pdf(corpus / "scan.pdf")
    (corpus / "latin1.txt").write_bytes("Financiële bijdrage van 6,3 miljoen".encode("latin-1"))
    (corpus / "groot.txt").write_text("Veerkracht en weerbaarheid. " * 3000, encoding="utf-8")  # ~84 KB

    documents, skipped = load_corpus(corpus, max_file_mb=0.05)

    reasons = {s.path: s.reason for s in skipped}
    assert set(reasons) == {
        "leeg.pdf",
        "leeg.txt",
        "witruimte.txt",
        "kapot.pdf",
        "afgebroken.pdf",
        "beschadigd.pdf",
        "geheim.pdf",
        "scan.pdf",
        "latin1.txt",
        "groot.txt",
    }
    assert "leeg" in reasons["leeg.pdf"] and "leeg" in reasons["leeg.txt"]
    assert "geen tekst" in reasons["witruimte.txt"]
    assert "geen PDF" in reasons["kapot.pdf"]
    assert "onvolledig" in reasons["afgebroken.pdf"]
    assert "beschadigd" in reasons["beschadigd.pdf"]
    assert "wachtwoord" in reasons["geheim.pdf"]
    assert "scan zonder tekstlaag" in reasons["scan.pdf"] and "OCR nodig" in reasons["scan.pdf"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "te groot" in reasons["groot.txt"] and "0,05 MB" in reasons["groot.txt"]
    # The skipped files keep their doc_id, so the index keeps what it had of them.
    assert {s.path: s.doc_id for s in skipped}["geheim.pdf"] == "geheim"

    docs = by_file(documents)
    assert sorted(docs) == [
        "alleen-eigenaarsslot.pdf",
        "bom.txt",
        "goed.pdf",
        "kamerbrief-36600-XV-32.txt",
        "nota-agenda-veerkrachtige-weerbare-samenleving.txt",
        "utf16.txt",
    ]
    assert [p.number for p in docs["alleen-eigenaarsslot.pdf"].pages] == [1, 2, 3]
    assert docs["utf16.txt"].pages[0].text == "Tekst in UTF-16 met een ë."
    assert docs["bom.txt"].pages[0].text == "Tekst met BOM en €."


def test_walk_is_recursive_sorted_and_ignores_non_documents(corpus: Path) -> None:
    (corpus / "sub" / "diep").mkdir(parents=True)
    (corpus / "sub" / "diep" / "b.txt").write_text("Bijlage b.", encoding="utf-8")
    (corpus / "sub" / "a.md").write_text("Bijlage a.", encoding="utf-8")
    (corpus / "README.md").write_text("Uitleg over deze map.", encoding="utf-8")
    (corpus / "sub" / "readme.txt").write_text("Uitleg.", encoding="utf-8")
    (corpus / ".verborgen.txt").write_text("Verborgen.", encoding="utf-8")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "x.txt").write_text("Intern.", encoding="utf-8")
    (corpus / "gegevens.json").write_text("{}", encoding="utf-8")
    (corpus / "plaatje.png").write_bytes(b"\x89PNG\r\n")

    documents, skipped = load_corpus(corpus, max_file_mb=50)

    assert skipped == []
    assert [d.meta.source_file for d in documents] == [
        "kamerbrief-36600-XV-32.txt",
        "nota-agenda-veerkrachtige-weerbare-samenleving.txt",
        "sub/a.md",
        "sub/diep/b.txt",
    ]
    assert SUPPORTED_SUFFIXES == (".pdf", ".txt", ".md")


def test_manifest_entry_by_relative_path_and_duplicate_doc_ids(corpus: Path) -> None:
    (corpus / "sub").mkdir()
    (corpus / "sub" / "notitie.txt").write_text("Notitie in een submap.", encoding="utf-8")
    (corpus / "notitie.txt").write_text("Notitie in de hoofdmap.", encoding="utf-8")
    documents, skipped = load_corpus(corpus, max_file_mb=50)
    assert [d.meta.source_file for d in documents if d.meta.doc_id == "notitie"] == ["notitie.txt"]
    assert len(skipped) == 1 and skipped[0].path == "sub/notitie.txt"
    assert "doc_id notitie is al in gebruik" in skipped[0].reason


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("documents: [file: a.txt\n", "geen geldige YAML (regel 2, kolom 1)"),
        ("- file: a.txt\n", "lijst 'documents'"),
        ("documents:\n  - title: Zonder bestand\n", "geen veld 'file'"),
        ("documents:\n  - file: a.txt\n    date: 26-11-2024\n", "ongeldige datum"),
        ("documents:\n  - file: a.txt\n  - file: a.txt\n", "twee keer"),
    ],
)
def test_malformed_manifest_is_a_clear_error(tmp_path: Path, manifest: str, message: str) -> None:
    (tmp_path / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Tekst.", encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_corpus(tmp_path, max_file_mb=50)
    assert message in error.value.reason
    assert error.value.path == tmp_path / "manifest.yaml"


def test_load_file_raises_load_error_with_dutch_reason(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as error:
        load_file(make_encrypted_pdf(tmp_path / "geheim.pdf", PAGES, password="pw"))
    assert error.value.path == tmp_path / "geheim.pdf"
    assert "wachtwoord" in error.value.reason
