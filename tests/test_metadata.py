"""Metadata read from the documents themselves, for files the manifest does not (fully) describe."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from pdfs import make_pdf, pdf_bytes
from pypdf import PdfReader, PdfWriter

from assistant.corpus import load_corpus
from assistant.dutch_dates import dutch_date, parse_dutch_date
from assistant.loading import load_file, load_manifest
from assistant.metadata import derive_metadata
from assistant.pdf_docinfo import pdf_info
from assistant.uploads import parse_metadata, record_metadata, store_uploads

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared" / "corpora"
PDFS = SHARED / "pdf"
WASSENAAR = "wassenaar-besluitenlijsten/wassenaar-bw-besluitenlijst"
needs_corpora = pytest.mark.skipif(
    not (PDFS / "kamervragen").is_dir(),
    reason=f"real documents not found at {SHARED} (only the project's shared/ folder has them)",
)

KAMERVRAGEN = """Tweede Kamer der Staten-Generaal
2
Vergaderjaar 2023–2024 Aanhangsel van de Handelingen
Vragen gesteld door de leden der Kamer, met de daarop door de
regering gegeven antwoorden
1314
Vragen van de leden Mutluer (GroenLinks-PvdA) en Kostic ́ (PvdD) aan de
Minister van Onderwijs, Cultuur en Wetenschap over het bericht «Kritiek op
besluit provincie Friesland tegen actief regenboogbeleid» (ingezonden 6 maart
2024).
Antwoord van Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap), mede namens de
Minister voor Primair en Voortgezet Onderwijs (ontvangen 25 maart 2024).
Vraag 1
Heeft u kennisgenomen van het artikel?
"""

MINISTRY_LETTER = """> Retouradres Postbus 20011 2500 EA Den Haag
Aan de Voorzitter van de Tweede Kamer der Staten-Generaal
Postbus 20018
2500 EA DEN HAAG
Datum 3 februari 2025
Betreft Voortgang Agenda Veerkrachtige en Weerbare Samenleving
Ons kenmerk 2025-0000012345

Hierbij informeer ik u over de voortgang.

De Minister van Sociale Zaken en Werkgelegenheid,
Y.J. van Hijum
"""


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("26 november 2024", "2024-11-26"),
        ("Den Haag, 6 maart 2024", "2024-03-06"),
        ("(ontvangen 1 mrt. 2024)", "2024-03-01"),
        ("donderdag 2 april 2009", "2009-04-02"),
        ("Datum 10-05-2022", "2022-05-10"),
        ("9-7-2024", "2024-07-09"),
        ("31 februari 2024", None),  # not a date
        ("maart 2024", None),  # no day
        ("op 16 oktober", None),  # no year: never guessed
        ("10-05-22", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_dutch_date(text: str | None, iso: str | None) -> None:
    assert parse_dutch_date(text) == iso


def test_dutch_date() -> None:
    assert dutch_date("2022-05-10") == "10 mei 2022"


def test_kamervragen_from_the_first_page() -> None:
    meta = derive_metadata(KAMERVRAGEN)
    assert meta.doc_type == "kamervragen"
    assert meta.title == (
        "Vragen van de leden Mutluer en Kostić over het bericht "
        "«Kritiek op besluit provincie Friesland tegen actief regenboogbeleid»"
    )
    assert meta.date == "2024-03-25"  # answered
    assert meta.submitted == "2024-03-06"
    assert meta.kamerstuk == "ah-tk-20232024-1314"
    assert meta.author == "Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap)"
    assert meta.recipient == "de leden Mutluer (GroenLinks-PvdA) en Kostić (PvdD)"


def test_kamervragen_reference_from_the_heading_or_the_footer() -> None:
    cited = KAMERVRAGEN + "\n1 Zie ah-tk-20232024-594.\nah-tk-20232024-1314\nISSN 0921 - 7398"
    assert derive_metadata(cited).kamerstuk == "ah-tk-20232024-1314"
    no_heading_number = cited.replace("antwoorden\n1314\n", "antwoorden\n")
    assert derive_metadata(no_heading_number).kamerstuk == "ah-tk-20232024-1314"


def test_kamerstuk_letter_gives_the_manifest_values() -> None:
    """The bundled Kamerbrief, read without its manifest entry, yields what the manifest says."""
    entry = load_manifest(CORPUS)["kamerbrief-36600-XV-32.txt"]
    meta = derive_metadata((CORPUS / "kamerbrief-36600-XV-32.txt").read_text(encoding="utf-8"))
    assert meta.doc_type == entry["type"] == "kamerbrief"
    assert meta.date == entry["date"]
    assert meta.kamerstuk == entry["kamerstuk"]
    assert meta.author == entry["author"]
    assert meta.recipient == entry["recipient"]
    assert meta.title.startswith("Brief van de Staatssecretaris van Sociale Zaken en Werkgelegenheid: ")


def test_ministry_letter_head() -> None:
    meta = derive_metadata(MINISTRY_LETTER)
    assert meta.doc_type == "kamerbrief"
    assert meta.title == "Voortgang Agenda Veerkrachtige en Weerbare Samenleving"
    assert meta.date == "2025-02-03"
    assert meta.recipient == "Voorzitter van de Tweede Kamer der Staten-Generaal"
    assert meta.author == "Minister van Sociale Zaken en Werkgelegenheid (Y.J. van Hijum)"


@pytest.mark.parametrize(
    ("text", "title", "date", "author"),
    [
        (
            "Besluitenlijst Openbaar B&W vergadering Wassenaar\nDatum\n14-06-2022\nTijd 9:30 - 12:54\n"
            "1 Opening\n\nHet college van burgemeester en wethouders Wassenaar,",
            "Besluitenlijst Openbaar B&W vergadering Wassenaar 14 juni 2022",
            "2022-06-14",
            "college van burgemeester en wethouders Wassenaar",
        ),
        (
            "Besluitenlijst raadsvergadering 29 juni 2015 aanvang 17.00 uur\n\n1. Opening.",
            "Besluitenlijst raadsvergadering 29 juni 2015",
            "2015-06-29",
            None,
        ),
        (
            "Den Haag, 3 april 2009\n\nVoortouwcommissie: vaste commissie voor Financiën\n\n"
            "Volgcommissie(s): BuZa i.v.m. agendapunt 24\n\n"
            "Document: Besluitenlijst van de procedurevergadering van donderdag 2\napril 2009\n\n"
            "1. Agendapunt",
            "Besluitenlijst van de procedurevergadering van donderdag 2 april 2009 "
            "(vaste commissie voor Financiën)",
            "2009-04-03",  # the document's date; the meeting's is in the title
            "vaste commissie voor Financiën",
        ),
    ],
)
def test_besluitenlijsten(text: str, title: str, date: str, author: str | None) -> None:
    meta = derive_metadata(text)
    assert (meta.doc_type, meta.title, meta.date, meta.author) == ("besluitenlijst", title, date, author)


def test_staatscourant() -> None:
    text = (
        "STAATSCOURANT\nOfficiële uitgave van het Koninkrijk der Nederlanden sinds 1814.\n"
        "Nr. 34567\n15 november 2023\n"
        "Regeling van de Minister van Sociale Zaken en Werkgelegenheid van 10 november 2023 "
        "tot wijziging van de Regeling SPUK\n\nDe Minister van Sociale Zaken en Werkgelegenheid;"
    )
    meta = derive_metadata(text)
    assert meta.doc_type == "staatscourant"
    assert meta.date == "2023-11-15"
    assert meta.kamerstuk == "Stcrt. 2023, 34567"
    assert meta.title.startswith("Regeling van de Minister van Sociale Zaken en Werkgelegenheid van 10 nov")


def test_plain_text_title_skips_running_headers_and_guesses_nothing() -> None:
    meta = derive_metadata("Pagina 1 van 3\n\nTweede Kamer der Staten-Generaal\n\nBEGROTING 2024\n\nTekst.")
    assert meta.title == "Begroting 2024"
    assert meta.doc_type == "begroting"
    assert meta.date is None and meta.kamerstuk is None and meta.author is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Rivierstad, 14 mei 2025\n\nGeachte leden,\n\nHierbij ontvangt u het wijkbudget.", "2025-05-14"),
        ("Wijkbudget 2025\n\n's-Hertogenbosch, dinsdag 3 juni 2024\n\nGeachte heer,", "2024-06-03"),
        ("Notitie wijkbudget\n\nDe raad besloot op 14 mei 2025 het budget te verhogen.", None),
    ],
)
def test_a_letter_dated_in_any_place_gets_its_date_and_the_date_line_is_no_title(
    text: str, date: str | None
) -> None:
    """A letter is dated "<place>, <date>" on a line of its own, not only in Den Haag; a sentence
    that mentions a date does not date the document."""
    meta = derive_metadata(text)
    assert meta.date == date
    assert meta.title is None or not meta.title.startswith(("Rivierstad", "'s-Hertogenbosch"))


def _pdf_with_info(pages: list[str], info: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.add_metadata(info)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_info_drops_junk() -> None:
    junk = _pdf_with_info(
        ["x"], {"/Title": "Microsoft Word - 46359tmp1C11~.xml", "/Subject": "None", "/Author": "berr0904"}
    )
    assert pdf_info(junk) == {}
    good = _pdf_with_info(
        ["x"], {"/Title": "untitled", "/Subject": "Antwoord op vragen van het lid X over Y"}
    )
    assert pdf_info(good) == {"subject": "Antwoord op vragen van het lid X over Y"}
    assert pdf_info(b"geen pdf") == {}


def test_fallbacks_pdf_info_then_file_name() -> None:
    no_words = "12\n\n3 4\n\n/0 /1"
    by_subject = derive_metadata(no_words, {"subject": "Antwoord op de vragen van het lid X over Y"}, "a.pdf")
    assert by_subject.title == "Vragen van het lid X over Y"
    by_author = derive_metadata(no_words, {"title": "Jaarstukken 2019", "author": "Gemeente Wassenaar"})
    assert (by_author.title, by_author.doc_type, by_author.author) == (
        "Jaarstukken 2019",
        "jaarstukken",
        "Gemeente Wassenaar",
    )
    assert derive_metadata(no_words, {}, "wassenaar-begroting-2026.pdf").title == "Wassenaar begroting 2026"
    cover_without_text = (
        "Colofon: uitgave gemeente Wassenaar Oktober 2025\nInlichtingen: gemeente@wassenaar.nl\n"
        "INHOUDSOPGAVE\nInleiding ........................ 5\n\nInleiding\n\nDeze begroting..."
    )
    by_file_name = derive_metadata(cover_without_text, {}, "wassenaar-begroting-2026.pdf")
    assert (by_file_name.title, by_file_name.doc_type) == ("Wassenaar begroting 2026", "begroting")


def test_text_file_without_manifest_entry_gets_a_sensible_title(tmp_path: Path) -> None:
    path = tmp_path / "notitie.txt"
    path.write_text(
        "\n\nPagina 1 van 2\n\nNotitie over de integrale middelen\n\nDe gemeenten...", encoding="utf-8"
    )
    meta = load_file(path).meta
    assert meta.title == "Notitie over de integrale middelen"
    assert meta.doc_type == "onbekend" and meta.date is None


def test_manifest_values_win_and_empty_ones_are_filled(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "vragen.pdf", [KAMERVRAGEN.replace(" ́", "")])
    meta = load_file(
        path, {"file": "vragen.pdf", "type": "antwoord", "date": None, "title": "Eigen titel"}
    ).meta
    assert (meta.title, meta.doc_type) == ("Eigen titel", "antwoord")
    assert meta.date == "2024-03-25" and meta.kamerstuk == "ah-tk-20232024-1314"
    assert load_file(path).meta.doc_type == "kamervragen"


def test_uploaded_file_gets_derived_values_where_the_user_left_fields_empty(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    upload = make_pdf(tmp_path / "Antwoord Kamervragen.pdf", [KAMERVRAGEN.replace(" ́", "")])
    [result] = store_uploads([upload], corpus, max_mb=10)
    record_metadata(corpus, [parse_metadata("nota", "", "", "").entry(result.stored_as.name)])
    [document], skipped = load_corpus(corpus, max_file_mb=10)
    assert skipped == []
    assert document.meta.doc_type == "nota"  # what the user chose
    assert document.meta.date == "2024-03-25"
    assert document.meta.title.startswith("Vragen van de leden Mutluer en Kostic over")


def test_bundled_corpus_keeps_its_manifest_values(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    documents, skipped = load_corpus(tmp_path / "corpus", max_file_mb=50)
    assert skipped == []
    manifest = load_manifest(tmp_path / "corpus")
    for document in documents:
        entry, meta = manifest[document.meta.source_file], document.meta
        assert meta.title == entry["title"] and meta.doc_type == entry["type"]
        assert (meta.date, meta.kamerstuk) == (entry["date"], entry["kamerstuk"])
        assert (meta.author, meta.recipient) == (entry["author"], entry["recipient"])


def _sources_dates() -> dict[str, str]:
    with (SHARED / "SOURCES.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row["date"] for row in csv.DictReader(handle, delimiter="\t")}


@needs_corpora
def test_every_real_kamervragen_document_is_recognised() -> None:
    paths = sorted((PDFS / "kamervragen").glob("*.pdf"))
    assert len(paths) == 21
    dates = _sources_dates()
    titles = set()
    for path in paths:
        document = load_file(path)
        meta = document.meta
        assert meta.doc_type == "kamervragen", path.name
        assert meta.title.startswith(("Vragen van het lid ", "Vragen van de leden ")), meta.title
        assert "Tweede Kamer der Staten-Generaal" not in meta.title
        assert meta.date == dates[f"pdf/kamervragen/{path.name}"], path.name
        number = re.search(r"gegeven antwoorden\s+(\d+)", document.pages[0].text).group(1)
        assert meta.kamerstuk == f"ah-tk-20232024-{number}", path.name
        assert re.match(r"(Minister|Staatssecretaris) \S", meta.author), meta.author
        assert re.match(r"(het lid|de leden) ", meta.recipient), meta.recipient
        submitted = derive_metadata(document.text).submitted
        assert submitted is not None and submitted < meta.date, path.name
        titles.add(meta.title)
    assert len(titles) == 21


@needs_corpora
@pytest.mark.parametrize(
    ("file", "date", "in_title"),
    [
        ("gemeente/gemeente-besluitenlijst-raadsvergadering-2015-06-29.pdf", "2015-06-29", "29 juni 2015"),
        ("tweedekamer-besluitenlijsten/tk-besluitenlijst-example1.pdf", "2009-04-03", "2 april 2009"),
        ("tweedekamer-besluitenlijsten/tk-besluitenlijst-example2.pdf", "2016-10-28", "26 oktober 2016"),
        ("tweedekamer-besluitenlijsten/tk-besluitenlijst-example3.pdf", "2015-03-27", "26 maart 2015"),
        (f"{WASSENAAR}-2022-06-14.pdf", "2022-06-14", "Wassenaar"),
        # The PDF's /Title says 29 november 2022 and 18 september 2025: the page says otherwise, and wins.
        (f"{WASSENAAR}-2022-12-01.pdf", "2022-12-01", "1 december"),
        (f"{WASSENAAR}-2025-09-17.pdf", "2025-09-17", "17 september"),
        # Named -06-06 after its download, but the list itself is dated 04-06-2024.
        (f"{WASSENAAR}-2024-06-06.pdf", "2024-06-04", "4 juni 2024"),
    ],
)
def test_real_besluitenlijsten_get_their_date(file: str, date: str, in_title: str) -> None:
    meta = load_file(PDFS / file).meta
    assert (meta.doc_type, meta.date) == ("besluitenlijst", date)
    assert in_title in meta.title and meta.title.startswith(("Besluitenlijst", "Openbare Besluitenlijst"))
