"""Real PDF files for tests, made on the spot with reportlab and pypdf.

Tests need PDFs that behave like the ones users drop in the corpus folder: real
text layers with Dutch characters (€, ë, ¹), several pages, password protection,
and the usual kinds of broken files. Generating them keeps the repository free of
binary fixtures and makes each test's input visible in its source.

Import from a test module as `from pdfs import make_pdf` (pytest puts the tests
folder on `sys.path`).
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

FONT = "Helvetica"  # a standard font: WinAnsi covers €, ë, é, ¹²³, – and •
FONT_SIZE = 11
LEADING = 14
MARGIN = 72


def pdf_bytes(pages: list[str]) -> bytes:
    """A text PDF with one page per string; long lines are wrapped, blank lines leave a gap."""
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    for number, page in enumerate(pages, start=1):
        canvas.setFont(FONT, FONT_SIZE)
        y = height - MARGIN
        for line in page.split("\n"):
            pieces = simpleSplit(line, FONT, FONT_SIZE, width - 2 * MARGIN) if line.strip() else [""]
            for piece in pieces:
                if y < MARGIN:
                    raise ValueError(f"the text of page {number} does not fit on one page")
                if piece:
                    canvas.drawString(MARGIN, y, piece)
                y -= LEADING
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_pdf(path: Path, pages: list[str]) -> Path:
    """Write a text PDF with one page per string and return its path."""
    path.write_bytes(pdf_bytes(pages))
    return path


def make_content_pdf(path: Path, content: str) -> Path:
    """Write a one-page PDF whose content stream is `content`, with "{font}" in it replaced by the
    resource name of a Helvetica font on the page (drawing operators written by the test)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Helvetica"]))))
    page = writer.pages[0]
    font = next(iter(page["/Resources"]["/Font"]))
    stream = StreamObject()
    stream.set_data(content.replace("{font}", font).encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as out:
        writer.write(out)
    return path


def make_encrypted_pdf(path: Path, pages: list[str], password: str) -> Path:
    """Write an AES-256 encrypted PDF; with password "" it opens without asking (owner-only lock)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=password, owner_password="eigenaar-geheim", algorithm="AES-256")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_truncated_pdf(path: Path, pages: list[str], keep: float = 0.5) -> Path:
    """Write only the first part of a valid PDF, as an interrupted download or copy leaves it."""
    data = pdf_bytes(pages)
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_damaged_pdf(path: Path, pages: list[str]) -> Path:
    """Write a PDF whose start and end are intact but whose objects in between are overwritten."""
    data = bytearray(pdf_bytes(pages))
    start, end = int(len(data) * 0.1), int(len(data) * 0.9)
    data[start:end] = bytes(end - start)
    path.write_bytes(bytes(data))
    return path


def make_corrupt_pdf(path: Path) -> Path:
    """Write a file that is named .pdf but is not a PDF at all."""
    path.write_bytes(b"Dit is geen PDF maar een tekstbestand met de verkeerde extensie.\n" * 20)
    return path


def make_empty_file(path: Path) -> Path:
    """Write a 0-byte file."""
    path.write_bytes(b"")
    return path


def make_image_only_pdf(path: Path, page_count: int = 2) -> Path:
    """Write a PDF whose pages carry only drawings and no text layer, like a scan without OCR."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(page_count):
        canvas.rect(MARGIN, MARGIN, 300, 400, fill=1)
        canvas.showPage()
    canvas.save()
    path.write_bytes(buffer.getvalue())
    return path
