"""OCR for PDF pages without a text layer (scans), with Tesseract's Dutch model.

Tesseract is driven through pytesseract; it and its language data are Debian
packages (`apt-get install tesseract-ocr tesseract-ocr-nld`, which
scripts/setup.sh installs when it runs as root). Without them OCR is simply not
available and the loader says so in the reason it gives for skipping a scan.

The page image: a scanner stores one full-page image per page, which pypdf hands
over decoded (about 0.03 s for an A4 page at 300 dpi) and which is OCRed at its
own resolution. Pages that are not one such image (several strips, only vector
drawings or outlined text, or an image pypdf cannot decode, such as JBIG2 without
the jbig2dec binary) are rendered with poppler's pdftoppm at 300 dpi instead
(about 0.1 s a page), when poppler-utils is installed.

Before OCR the image is brought to roughly 300 dpi and turned as the page's
/Rotate says. Small scans are upscaled: of 8 pt text scanned at 75 dpi Tesseract
read 32% of the words right as it was, 95% upscaled (at 100 dpi: 93% and 100%).
Very fine scans are scaled down, which makes OCR faster. When
the result is poor (few words, low confidence), Tesseract's orientation detection
is asked whether the page lies on its side or upside down, and a turned image
is read again.

Speed on this project's 2-core machine (Tesseract 5.3, `nld`, a dense A4 page
of 430 words scanned at 300 dpi): Tesseract needs 1.6-2.0 s of CPU per page, so
about 2 s a page on an idle machine and about 1 s a page when a document's pages
are read two at a time (one Tesseract process per core). The machine was never
idle while this was measured: with other work on the 2 cores (load 8-11) a page
took 4-6 s of wall time. A short page (60 words) took 0.4-1 s; a page that must
be turned is read about twice. Tesseract's
own OpenMP threads are switched off (OMP_THREAD_LIMIT=1): on 2 busy cores two
threads spun against each other and took 26 s of CPU (79 s wall) for the same
dense page.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image
from pypdf import PageObject, PdfReader

log = logging.getLogger(__name__)

# The reason a scan is skipped with when OCR cannot run here (shown to the user).
OCR_MISSING_REASON = (
    "PDF is een scan zonder tekstlaag en heeft OCR nodig: installeer tesseract-ocr en "
    "tesseract-ocr-nld (apt-get install tesseract-ocr tesseract-ocr-nld)"
)
OCR_DISABLED_REASON = (
    "PDF is een scan zonder tekstlaag en heeft OCR nodig: OCR staat uit in de instellingen "
    "(zet ASSISTANT_OCR_ENABLED=true)"
)
OCR_FOUND_NOTHING_REASON = "PDF bevat geen uitleesbare tekst, ook niet met OCR"

TARGET_DPI = 300  # what Tesseract's models are trained for
MIN_DPI = 200  # below this a scan is upscaled to TARGET_DPI
MAX_DPI = 400  # above this a scan is scaled down to TARGET_DPI (faster, as accurate)
MAX_PIXELS = 40_000_000  # never hand Tesseract more than this (an A0 poster at 300 dpi is ~140 M)
MIN_IMAGE_SIDE = 300  # pixels; smaller images are logos or stamps, not a page
PAGE_TIMEOUT_S = 120  # one page that takes longer is given up (damaged or absurd image)
# A first reading counts as poor (try turning the page) below these.
POOR_MIN_WORDS = 5
POOR_MEAN_CONFIDENCE = 60.0

_WORD = re.compile(r"[^\W\d_]{2,}")

# Every ingest loads every file again, so a long-running process (the web app, where
# each upload re-ingests) keeps what it read: (file sha256, page index, language) -> text.
_CACHE_PAGES = 5000
_cache: OrderedDict[tuple[str, int, str], str] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class OcrResult:
    """The text Tesseract read from one image, and how sure it was.

    `confidence` is the mean word confidence, 0-100 (0 when no word was read);
    `words` counts the words with at least two letters.
    """

    text: str
    confidence: float
    words: int

    @property
    def poor(self) -> bool:
        """Too few words or too unsure: the page may lie on its side (see `ocr_image`)."""
        return self.words < POOR_MIN_WORDS or self.confidence < POOR_MEAN_CONFIDENCE


@lru_cache(maxsize=8)
def ocr_problem(language: str = "nld") -> str | None:
    """None when OCR in `language` can run here, else what is missing (English, for logs).

    Checks that pytesseract imports, that the `tesseract` binary runs and that
    its language data includes every language of `language` ("nld", "nld+eng").
    The answer is cached per language for the life of the process.
    """
    try:
        import pytesseract
    except ImportError:
        return "the Python package pytesseract is not installed"
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        return "the tesseract binary is not installed (Debian package tesseract-ocr)"
    except pytesseract.TesseractError as exc:
        return f"tesseract does not run: {exc}"
    missing = [lang for lang in language.split("+") if lang not in installed]
    if missing:
        return f"tesseract has no language data for {'+'.join(missing)} (e.g. tesseract-ocr-nld)"
    return None


def ocr_available(language: str = "nld") -> bool:
    """True when Tesseract and its `language` data are installed (cached, see `ocr_problem`)."""
    return ocr_problem(language) is None


def needs_ocr(text: str) -> bool:
    """True for a page whose text layer is empty or only whitespace."""
    return not text.strip()


def ocr_missing_pages(
    reader: PdfReader, page_texts: Sequence[str], language: str = "nld", pdf_data: bytes | None = None
) -> tuple[list[str], set[int]]:
    """Fill the pages without text with OCR text; the others are returned unchanged.

    `page_texts[i]` is the extracted text of `reader.pages[i]`. Returns the new
    list of texts and the 0-based indexes of the pages that got OCR text.
    `pdf_data` (the file's bytes) lets pages that are not one scanned image be
    rendered with pdftoppm. Pages are read in parallel, one Tesseract process
    per core. A page that fails (damaged image, timeout) is logged and stays
    empty; the caller decides what a document without text means. Raises
    nothing for a missing Tesseract: check `ocr_available` first.
    """
    todo = [i for i, text in enumerate(page_texts) if needs_ocr(text)]
    texts = list(page_texts)
    if not todo or not ocr_available(language):
        return texts, set()
    digest = hashlib.sha256(pdf_data).hexdigest() if pdf_data is not None else None
    with _cache_lock:
        read = {i: _cache[key] for i in todo if (key := (digest, i, language)) in _cache}
    todo = [i for i in todo if i not in read]
    if todo:
        workers = max(1, min(len(todo), os.cpu_count() or 1))
        reader_lock = threading.Lock()  # pypdf's reader is not thread-safe; Tesseract runs in parallel
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
            results = pool.map(lambda i: _ocr_page_logged(reader, i, language, pdf_data, reader_lock), todo)
            fresh = dict(zip(todo, results, strict=True))
        read.update(fresh)
        if digest is not None:
            with _cache_lock:
                for i, text in fresh.items():
                    if text is not None:
                        _cache[(digest, i, language)] = text
                while len(_cache) > _CACHE_PAGES:
                    _cache.popitem(last=False)
    done = {i for i, text in read.items() if text and text.strip()}
    for i in done:
        texts[i] = read[i]
    return texts, done


def _ocr_page_logged(
    reader: PdfReader, index: int, language: str, pdf_data: bytes | None, reader_lock: threading.Lock
) -> str | None:
    """The page's OCR text; None (not cached, so tried again next time) when OCR failed."""
    try:
        with reader_lock:
            image = page_image(reader.pages[index], pdf_data, index)
        return ocr_image(image, language).text if image is not None else ""
    except Exception as exc:  # a damaged image, a Tesseract error or timeout: only this page is lost
        log.warning("OCR of page %d failed: %s", index + 1, exc)
        return None


def ocr_page(
    page: PageObject, language: str = "nld", pdf_data: bytes | None = None, page_index: int | None = None
) -> str:
    """OCR one PDF page: its text as Tesseract reads it ("" when there is none to read).

    The page image is the page's one scanned image, else the page rendered with
    pdftoppm (needs `pdf_data` and `page_index`, the 0-based page number, and
    poppler-utils). The text keeps Tesseract's lines and blank lines between
    paragraphs; `clean_text` is still to be applied. Raises
    pytesseract.TesseractError (or RuntimeError for a timeout) when Tesseract
    fails and pytesseract.TesseractNotFoundError when it is not installed.
    """
    image = page_image(page, pdf_data, page_index)
    if image is None:
        return ""
    return ocr_image(image, language).text


def page_image(
    page: PageObject, pdf_data: bytes | None = None, page_index: int | None = None
) -> Image.Image | None:
    """The image to OCR for a page, upright as the page's /Rotate shows it, at about 300 dpi.

    None when the page has no image to read and cannot be rendered (no
    pdftoppm, or no `pdf_data`/`page_index` given).
    """
    width_pt = float(page.mediabox.width)
    image = _single_scan(page)
    if image is not None:
        image = image.rotate(-page.rotation, expand=True) if page.rotation % 360 else image
        if page.rotation % 180:
            width_pt = float(page.mediabox.height)
    elif pdf_data is not None and page_index is not None and shutil.which("pdftoppm"):
        image = render_page(pdf_data, page_index)  # poppler applies /Rotate itself
        if page.rotation % 180:
            width_pt = float(page.mediabox.height)
    else:
        return None
    return _to_ocr_resolution(image.convert("L"), dpi=image.width / (width_pt / 72) if width_pt else None)


def _single_scan(page: PageObject) -> Image.Image | None:
    """The page's image when the page is exactly one image of page size; else None."""
    try:
        images = [f.image for f in page.images]
    except Exception as exc:  # e.g. JBIG2 without jbig2dec, or a filter pypdf cannot decode
        log.info("page images cannot be decoded (%s); rendering the page instead", exc)
        return None
    large = [im for im in images if im is not None and min(im.size) >= MIN_IMAGE_SIDE]
    return large[0] if len(large) == 1 else None


def render_page(pdf_data: bytes, page_index: int, dpi: int = TARGET_DPI) -> Image.Image:
    """Render page `page_index` (0-based) of a PDF as a grey image with poppler's pdftoppm.

    Raises RuntimeError when pdftoppm fails or times out, FileNotFoundError when
    it is not installed.
    """
    number = str(page_index + 1)
    command = ["pdftoppm", "-f", number, "-l", number, "-r", str(dpi), "-gray", "-"]
    try:
        done = subprocess.run(command, input=pdf_data, capture_output=True, timeout=PAGE_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"pdftoppm took longer than {PAGE_TIMEOUT_S} s") from exc
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"pdftoppm failed: {done.stderr.decode(errors='replace').strip()}")
    return Image.open(io.BytesIO(done.stdout))


def _to_ocr_resolution(image: Image.Image, dpi: float | None) -> Image.Image:
    """Scale an image to about TARGET_DPI when its resolution is outside MIN_DPI..MAX_DPI."""
    scale = 1.0 if not dpi or MIN_DPI <= dpi <= MAX_DPI else TARGET_DPI / dpi
    scale = min(scale, (MAX_PIXELS / (image.width * image.height)) ** 0.5)
    if abs(scale - 1.0) < 0.05:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def ocr_image(image: Image.Image, language: str = "nld") -> OcrResult:
    """Read the text of an image with Tesseract; turn a sideways or upside-down page first.

    `image` should be upright-ish at about 300 dpi (see `page_image`). When the
    first reading is poor, Tesseract's orientation detection (osd) decides
    whether the image is turned by 90, 180 or 270 degrees; the turned image is
    read again and the better reading kept. Raises pytesseract errors as
    `ocr_page` does.
    """
    first = _read(image, language)
    if not first.poor:
        return first
    turn = _detected_rotation(image)
    if not turn:
        return first
    second = _read(image.rotate(-turn, expand=True), language)
    return second if (second.confidence, second.words) > (first.confidence, first.words) else first


def _read(image: Image.Image, language: str) -> OcrResult:
    """One Tesseract run giving both the text and the per-word confidences (TSV)."""
    import pytesseract

    _single_threaded_tesseract()
    image = image.copy()
    image.format = "PPM"  # the temporary file pytesseract writes: 0.14 s as PNG, 0.001 s as PGM (A4, 300 dpi)
    text, tsv = pytesseract.run_and_get_multiple_output(
        image, extensions=["txt", "tsv"], lang=language, timeout=PAGE_TIMEOUT_S
    )
    confidences = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[11].strip() and float(cells[10]) >= 0:
            confidences.append(float(cells[10]))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(text=text, confidence=mean, words=len(_WORD.findall(text)))


def _detected_rotation(image: Image.Image) -> int:
    """Degrees to turn the image clockwise to make it upright (0, 90, 180, 270); 0 when unsure."""
    import pytesseract

    if not ocr_available("osd"):
        return 0
    try:
        osd = pytesseract.image_to_osd(
            image, output_type=pytesseract.Output.DICT, config="--psm 0", timeout=PAGE_TIMEOUT_S
        )
    except (pytesseract.TesseractError, RuntimeError) as exc:  # too little text to tell, or a timeout
        log.debug("orientation detection failed: %s", exc)
        return 0
    return int(osd.get("rotate", 0)) % 360


def _single_threaded_tesseract() -> None:
    """One OpenMP thread per Tesseract process (see the module docstring for the measurement).

    Set for child processes unless the user set it: libraries already loaded in
    this process (torch's OpenMP runtime) read their environment when they loaded.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
