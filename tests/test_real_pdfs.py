"""All 178 real government PDFs of ../shared/corpora: loaded, chunked and checked word by word.

These PDFs were not made for this project (Kamervragen, the coalitieakkoord,
decision lists, municipal budgets): they show what users really drop in. Every
file is loaded and chunked once, in two worker processes (the machine has two
cores); embedding them all would take far longer than the suite may, so the
end-to-end answer tests over real PDFs live in tests/test_pdf_text.py and the
evaluation. The tests skip with a reason when ../shared is absent.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from assistant.chunking import SECTION_SEPARATOR, chunk_document
from assistant.cleaning import normalise_characters
from assistant.loading import LoadError, load_file

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
PDFS = sorted((CORPORA / "pdf").glob("*/*.pdf")) if CORPORA.is_dir() else []
pytestmark = pytest.mark.skipif(not PDFS, reason="../shared/corpora is absent (a user's clone has none)")

# Running headers/footers of these collections (see ../shared/corpora/README.md): the Tweede
# Kamer's footer and ISSN line, the "ah-tk-…" code, and a page number standing as a line of its
# own. ("Pagina 2 van 5" can be body text: a Wassenaar list quotes another document's page.)
FURNITURE = re.compile(
    r"Tweede Kamer, vergaderjaar \d{4}–\d{4}, Aanhangsel|ISSN \d{4}|\bah-tk-\d|^Pagina \d+(?: van \d+)?$"
    # The footer's place and year, a cell of its own beside "Tweede Kamer, ...": it was glued into
    # the sentence that runs on to the next page ("uitrol van ’s-Gravenhage 2024 nieuwe digitale").
    r"|[’']s-Gravenhage \d{4}(?![\d,])",
    re.IGNORECASE | re.MULTILINE,
)
WORD = re.compile(r"[^\W\d_]{2,}")
# The text layer of these files maps its glyphs to no characters (pypdf reads "/0/1/2"):
# only OCR can read them, so without OCR they must be reported by name, never indexed empty.
UNREADABLE_TEXT_LAYER = {"wassenaar-jaarrekening-2019.pdf"}


def _words(text: str) -> Counter[str]:
    # The same character normalisation as the loader (ligatures, accents a PDF drew apart:
    # "Kostic ́" is the word "Kostić"), so only words, not spellings of characters, are compared.
    text = normalise_characters(text)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # a line-end hyphenation, as printed
    text = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹]", " ", text.replace("-", " "))  # footnote markers
    return Counter(w.lower() for w in WORD.findall(text))


def _check(path: Path) -> dict:
    """Load and chunk one PDF; return its numbers and everything that came out wrong."""
    try:
        doc = load_file(path)
    except LoadError as exc:
        return {"path": path, "error": exc.reason}
    passages = chunk_document(doc)
    sections = {part for p in passages if p.section for part in p.section.split(SECTION_SEPARATOR)}
    uncovered: list[str] = []
    for page in doc.pages:
        covered = bytearray(len(page.text))
        for p in passages:
            if p.page == page.number:
                covered[p.start : p.end] = b"\x01" * (p.end - p.start)
        for line in re.finditer(r"[^\n]+", page.text):
            lost = "".join(c for i, c in enumerate(line.group(), line.start()) if not covered[i])
            # A heading is not inside a passage's text: it is the section of the passages under it.
            if lost.strip() and line.group().strip() not in sections:
                uncovered.append(lost.strip())
    result = {
        "path": path,
        "error": None,
        "pages": len(doc.pages),
        "passages": len(passages),
        "furniture_in_passages": [m.group() for p in passages for m in FURNITURE.finditer(p.text)],
        "furniture_in_sections": [p.section for p in passages if p.section and FURNITURE.search(p.section)],
        "uncovered": uncovered,
        "title": doc.meta.title,
    }
    if path.parent.name == "kamervragen":
        result["missing_words"] = _missing_words(path, passages)
    return result


def _missing_words(path: Path, passages: list) -> list[str]:
    """Words of pypdf's plain text (furniture lines left out) that are in no passage.

    pypdf's plain text keeps line-end hyphens and sometimes glues words at line
    ends, so a word counts as found when it occurs in our text with all spaces and
    hyphens taken out (either way of joining is then the same).
    """
    from pypdf import PdfReader

    plain = "\n".join(
        line
        for page in PdfReader(path).pages
        for line in page.extract_text().split("\n")
        if not FURNITURE.search(line)
    )
    ours = re.sub(r"[\s\-⁰¹²³⁴⁵⁶⁷⁸⁹]+", "", "".join(p.embedding_text() for p in passages)).lower()
    return sorted(w for w in _words(plain) if w not in ours)


@pytest.fixture(scope="module")
def results() -> list[dict]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_check, PDFS, chunksize=4))


def test_all_real_pdfs_load_or_are_reported_as_needing_ocr(results: list[dict]) -> None:
    assert len(results) == 178
    failed = {r["path"].name: r["error"] for r in results if r["error"]}
    assert set(failed) <= UNREADABLE_TEXT_LAYER, failed
    for name, reason in failed.items():
        assert "OCR" in reason, (name, reason)
    # Numbers for the closing note: documents, pages, passages per folder.
    per_folder: dict[str, list[int]] = {}
    for r in results:
        if not r["error"]:
            row = per_folder.setdefault(r["path"].parent.name, [0, 0, 0])
            row[0] += 1
            row[1] += r["pages"]
            row[2] += r["passages"]
    print("\nfolder: documents / pages / passages")
    for folder, (docs, pages, passages) in sorted(per_folder.items()):
        print(f"  {folder}: {docs} / {pages} / {passages}")


def test_no_running_header_footer_or_issn_line_survives_in_any_passage(results: list[dict]) -> None:
    results = [r for r in results if not r["error"]]
    leaks = {r["path"].name: r["furniture_in_passages"][:3] for r in results if r["furniture_in_passages"]}
    assert not leaks
    assert not [r["path"].name for r in results if r.get("furniture_in_sections")]


def test_every_character_of_body_text_is_in_a_passage(results: list[dict]) -> None:
    assert {r["path"].name: r["uncovered"][:3] for r in results if r.get("uncovered")} == {}


def test_kamervragen_keep_every_word_of_the_text_layer(results: list[dict]) -> None:
    """Word by word against pypdf's plain extraction: nothing a reader sees may be lost."""
    kamervragen = [r for r in results if r["path"].parent.name == "kamervragen"]
    assert len(kamervragen) == 21
    missing = {r["path"].name: r["missing_words"] for r in kamervragen if r["missing_words"]}
    assert missing == {}


# The two VWS accessibility audits draw "f" and "fi" with glyphs mapped to private-use characters:
# every extractor reads "hee\ue01et", "\ue035nancieel" (assistant/lost_glyphs.py). A reader sees letters.
VWS_AUDITS = sorted((CORPORA / "pdf" / "rijksoverheid").glob("vws-*toegankelijkheidsonderzoek*.pdf"))


@pytest.mark.parametrize("path", VWS_AUDITS, ids=lambda p: p.name[:40])
def test_ligatures_in_private_use_characters_read_as_the_page_shows(path: Path) -> None:
    text = "\n".join(p.text for p in load_file(path).pages)
    assert not re.search("[\ue000-\uf8ff]", text)
    words = set(WORD.findall(text))
    for word in ("steekproef", "heeft", "fysieke", "software", "financieel"):
        assert word in words, word


def test_documents_without_such_glyphs_are_read_unchanged() -> None:
    from pypdf import PdfReader

    from assistant.lost_glyphs import ligature_map

    for relative in (
        "rijksoverheid/coalitieakkoord-2021-2025.pdf",
        "kamervragen/kv-00fe7edd-24c8-4857-98da-774ed3b06836.pdf",
    ):
        pages = [page.extract_text() for page in PdfReader(CORPORA / "pdf" / relative).pages]
        assert ligature_map(pages) == {}, relative  # the coalitieakkoord's U+F0B7 bullets stand in no word
