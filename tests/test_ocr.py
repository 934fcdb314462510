"""Scans: PDF pages without a text layer are read with Tesseract's Dutch model.

The scans are made here: Dutch text drawn with DejaVu Sans on a white A4 image
(300 dpi, and a sideways 100 dpi page like a faxed sheet fed in the wrong way),
saved as image-only PDFs. The OCR tests need the Debian packages tesseract-ocr
and tesseract-ocr-nld and skip without them; the tests of what happens without
OCR always run.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pdfs import pdf_bytes
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

import assistant.loading as loading
import assistant.ocr as ocr
from assistant.cli import _print_report as print_report
from assistant.corpus import load_corpus
from assistant.loading import load_file
from assistant.pipeline import Assistant
from assistant.settings import Settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_INCHES = (8.27, 11.69)

PAGE_1 = """Subsidie voor buurtinitiatieven in Zeeland

De provincie Zeeland ontvangt € 2,4 miljoen voor het versterken van
sociale netwerken in kleine kernen. Het geld is bedoeld voor
dorpshuizen, vrijwilligersorganisaties en ontmoetingsplekken.

• Gemeenten dienen vóór 1 maart 2025 een aanvraag in.
• De regeling loopt tot en met 31 december 2027.

De minister van Sociale Zaken en Werkgelegenheid heeft de Tweede Kamer
hierover geïnformeerd. Evaluatie volgt na twee jaar."""

PAGE_2 = """Vrijwilligers in de wijk

In Middelburg en Vlissingen zijn 350 vrijwilligers opgeleid als
buurtverbinder. Zij helpen bewoners die eenzaam zijn of schulden hebben."""

needs_tesseract = pytest.mark.skipif(
    not ocr.ocr_available("nld"),
    reason=f"OCR not available ({ocr.ocr_problem('nld')}): apt-get install tesseract-ocr tesseract-ocr-nld",
)


def scan_image(text: str, dpi: int = 300, sideways: bool = False) -> Image.Image:
    """A grey A4 'scan' of `text` in 11 pt DejaVu Sans at `dpi`; `sideways` turns it 90 degrees."""
    width, height = (round(inches * dpi) for inches in A4_INCHES)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, round(11 / 72 * dpi))
    y = dpi  # one inch margins
    for line in text.split("\n"):
        draw.text((dpi, y), line, font=font, fill=0)
        y += round(16 / 72 * dpi)
    return image.rotate(90, expand=True) if sideways else image


def image_pdf(image: Image.Image, dpi: int) -> bytes:
    """A one-page PDF that holds only `image`, page size from `dpi` (as a scanner writes it)."""
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=dpi)
    return buffer.getvalue()


def join_pdfs(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scan_pdf() -> bytes:
    """Two scanned pages: a clean 300 dpi page, and a sideways 100 dpi page."""
    return join_pdfs(
        [image_pdf(scan_image(PAGE_1), 300), image_pdf(scan_image(PAGE_2, dpi=100, sideways=True), 100)]
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


# --- loading ------------------------------------------------------------------------


@needs_tesseract
def test_a_scan_loads_as_cleaned_dutch_text(scan_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scan_pdf)
    assert all(not page.extract_text().strip() for page in PdfReader(path).pages)  # really no text layer

    document = load_file(path, ocr_language="nld")

    first, second = document.pages
    assert (first.number, first.ocr, second.number, second.ocr) == (1, True, 2, True)
    assert document.meta.title == "Subsidie voor buurtinitiatieven in Zeeland"
    assert "Zeeland ontvangt € 2,4 miljoen voor het versterken van sociale netwerken" in first.text
    assert "geïnformeerd" in first.text and "vóór 1 maart 2025" in first.text
    # Tesseract reads the round bullets as "e"; the clean-up turns them into list items.
    assert "\n- Gemeenten dienen vóór 1 maart 2025 een aanvraag in.\n- De regeling loopt" in first.text
    # The sideways fax-quality page is turned and upscaled before it is read.
    assert "350 vrijwilligers opgeleid als buurtverbinder" in second.text
    assert "Middelburg en Vlissingen" in second.text


@needs_tesseract
def test_only_the_pages_without_text_are_ocred_and_results_are_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text_page = pdf_bytes(["Inleiding\n\nDeze brief gaat over de regeling voor buurtinitiatieven."])
    # The scanned page is stored sideways and shown upright by its /Rotate, as many scanners write it.
    scanned = PdfWriter(clone_from=PdfReader(io.BytesIO(image_pdf(scan_image(PAGE_2, sideways=True), 300))))
    scanned.pages[0].rotate(90)
    buffer = io.BytesIO()
    scanned.write(buffer)
    path = tmp_path / "gemengd.pdf"
    path.write_bytes(join_pdfs([text_page, buffer.getvalue()]))

    monkeypatch.setattr(ocr, "_detected_rotation", lambda image: 0)  # /Rotate alone turns it upright

    document = load_file(path, ocr_language="nld")
    assert [(p.number, p.ocr) for p in document.pages] == [(1, False), (2, True)]
    assert "Inleiding" in document.pages[0].text
    assert "Vlissingen zijn 350 vrijwilligers opgeleid als buurtverbinder" in document.pages[1].text

    # Loading the same file again (every ingest does) does not run Tesseract again.
    def fail(*args: object, **kwargs: object) -> ocr.OcrResult:
        raise AssertionError("the page was OCRed twice")

    monkeypatch.setattr(ocr, "ocr_image", fail)
    assert load_file(path, ocr_language="nld").pages == document.pages


@needs_tesseract
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian poppler-utils) not installed")
def test_a_scan_stored_as_strips_is_rendered_whole_before_ocr(tmp_path: Path) -> None:
    image = scan_image(PAGE_2)
    top, bottom = image.crop((0, 0, image.width, 455)), image.crop((0, 455, image.width, image.height))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    top_height = height * top.height / image.height
    canvas.drawImage(ImageReader(top), 0, height - top_height, width, top_height)  # cut through line 3
    canvas.drawImage(ImageReader(bottom), 0, 0, width, height - top_height)
    canvas.save()
    path = tmp_path / "stroken.pdf"
    path.write_bytes(buffer.getvalue())
    assert len(PdfReader(path).pages[0].images) == 2

    text = load_file(path, ocr_language="nld").text

    assert "Vlissingen zijn 350 vrijwilligers opgeleid als buurtverbinder" in text


@needs_tesseract
def test_a_page_without_anything_to_read_is_reported_as_unreadable(corpus: Path) -> None:
    (corpus / "wit.pdf").write_bytes(image_pdf(Image.new("L", (2480, 3508), 255), 300))
    documents, skipped = load_corpus(corpus, max_file_mb=10, ocr_language="nld")
    assert documents == []
    assert [(s.path, s.reason) for s in skipped] == [("wit.pdf", ocr.OCR_FOUND_NOTHING_REASON)]


# --- without OCR --------------------------------------------------------------------


def test_without_tesseract_a_scan_is_skipped_with_what_to_install(
    scan_pdf: bytes, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / "scan.pdf").write_bytes(scan_pdf)
    monkeypatch.setattr(loading, "ocr_available", lambda language: False)
    documents, skipped = load_corpus(corpus, max_file_mb=10, ocr_language="nld")
    assert documents == []
    assert [(s.path, s.reason, s.doc_id) for s in skipped] == [("scan.pdf", ocr.OCR_MISSING_REASON, "scan")]
    assert "OCR nodig" in ocr.OCR_MISSING_REASON and "tesseract-ocr-nld" in ocr.OCR_MISSING_REASON


# --- through the whole pipeline -----------------------------------------------------


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    base = tmp_path_factory.mktemp("ocr")
    return Assistant(Settings(index=base / "index", corpus=base / "corpus"))


@needs_tesseract
def test_a_question_about_a_scan_is_answered_with_a_citation(
    assistant: Assistant, scan_pdf: bytes, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus / "scan.pdf").write_bytes(scan_pdf)
    report = assistant.ingest(corpus, progress=False)
    assert report.skipped == []
    assert report.documents_added == ["scan"]
    assert report.ocr_pages == {"scan.pdf": 2}
    print_report(report)
    assert "OCR: scan.pdf (2 pagina's zonder tekstlaag, met OCR gelezen)" in capsys.readouterr().out

    question = "Hoeveel geld krijgt de provincie Zeeland voor sociale netwerken in kleine kernen?"
    answer = assistant.ask(question)

    assert not answer.refused, answer.text
    assert "2,4 miljoen" in answer.text
    cited = answer.citations[0]
    assert (cited.passage.doc_id, cited.passage.page) == ("scan", 1)
    assert "€ 2,4 miljoen" in cited.quote


def test_with_ocr_switched_off_a_scan_is_skipped_as_needing_ocr(
    assistant: Assistant, scan_pdf: bytes, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / "scan.pdf").write_bytes(scan_pdf)
    monkeypatch.setenv("ASSISTANT_OCR_ENABLED", "false")  # the switch the reason names
    off = Assistant(Settings(index=tmp_path / "index", corpus=corpus))  # the model is loaded once a process

    report = off.ingest(progress=False)

    assert report.documents == 0 and report.ocr_pages == {}
    assert [(s.path, s.reason) for s in report.skipped] == [("scan.pdf", ocr.OCR_DISABLED_REASON)]
    assert "OCR nodig" in report.skipped[0].reason
