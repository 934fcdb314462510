"""Metadata read from the documents themselves, for files the manifest does not (fully) describe."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pdfs import pdf_bytes
from pypdf import PdfReader, PdfWriter

from assistant.loading import load_manifest
from assistant.metadata import derive_metadata, dutch_date, parse_dutch_date, pdf_info

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

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
