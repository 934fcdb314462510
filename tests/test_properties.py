"""Property-based tests (hypothesis): random text and bytes through the real loading, cleaning,
chunking, question analysis and answering.

Whatever a user's drive holds, the pipeline must not crash: a file loads or is
refused with a `LoadError`; valid text loses no letter or digit on its way into
passages; every quote of an answer stands verbatim in its passage and in the
document. Example counts are kept small so the suite stays fast; the embedding
model is the real one (loaded once for the module).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfs import pdf_bytes

from assistant.answering import ExtractiveAnswerer
from assistant.chunking import SECTION_SEPARATOR, chunk_document
from assistant.cleaning import clean_text
from assistant.embedding import load_embedder
from assistant.loading import LoadError, load_file
from assistant.question import parse_question
from assistant.settings import Settings
from assistant.types import Answer, Hit

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LETTERS = "abcdefghijklmnopqrstuvwxyzéëïöüèçABCDEFGHIJKLMNOPQRSTUVWXYZÉ0123456789"
WORD = st.text(alphabet=LETTERS, min_size=1, max_size=12)
PUNCT = st.sampled_from(["", "", "", ",", ".", ";", ":", "?", "!", " €", " %"])
SPACE = st.sampled_from([" ", " ", " ", " ", "\n", "\n\n"])


@st.composite
def dutch_like_text(draw: st.DrawFn, min_words: int = 1, max_words: int = 200) -> str:
    """Words of Dutch letters and digits with punctuation, spaces, line breaks and paragraphs."""
    words = draw(st.lists(WORD, min_size=min_words, max_size=max_words))
    parts = []
    for word in words:
        parts += [word, draw(PUNCT), draw(SPACE)]
    return "".join(parts)


def alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def load_bytes(data: bytes, suffix: str):
    """`load_file` on a real file holding `data`: a document, or the LoadError's reason."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"bestand{suffix}"
        path.write_bytes(data)
        try:
            return load_file(path)
        except LoadError as exc:
            assert exc.reason and exc.path == path
            return exc.reason


@FAST
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".md", ".pdf"]))
def test_random_bytes_load_or_are_refused_with_a_reason(data: bytes, suffix: str) -> None:
    result = load_bytes(data, suffix)
    assert isinstance(result, str) or result.pages


_PDF = pdf_bytes(["De gemeente ontving € 313.327 voor weerbaarheid.", "Tweede pagina met één zin."])


@FAST
@given(edits=st.lists(st.tuples(st.integers(0, len(_PDF) - 1), st.integers(0, 255)), min_size=1, max_size=30))
def test_a_pdf_with_random_damage_loads_or_is_refused(edits: list[tuple[int, int]]) -> None:
    data = bytearray(_PDF)
    for position, value in edits:
        data[position] = value
    result = load_bytes(bytes(data), ".pdf")
    assert isinstance(result, str) or all(page.text for page in result.pages)


@FAST
@given(text=st.text(max_size=2000))
def test_any_text_cleans_and_chunks_without_crashing(text: str) -> None:
    cleaned = clean_text(text)
    assert isinstance(cleaned, str)
    result = load_bytes(text.encode("utf-8"), ".txt")
    if isinstance(result, str):
        assert result in ("bestand is leeg (0 bytes)", "bestand bevat geen tekst"), result
        return
    for passage in chunk_document(result, chunk_chars=300, overlap_chars=50):
        assert passage.text.strip()


@FAST
@given(text=dutch_like_text())
def test_valid_text_loses_no_letter_or_digit(text: str) -> None:
    """Letters and digits of valid text survive loading and cleaning in order, and every line reaches
    a passage: as its text, or as the heading (`section`) or title shown with its citations."""
    document = load_bytes(text.encode("utf-8"), ".txt")
    assert not isinstance(document, str), document
    loaded = "".join(page.text for page in document.pages)
    assert alnum(loaded) == alnum(text)
    passages = chunk_document(document, chunk_chars=300, overlap_chars=50)
    labels = {document.meta.title}
    for p in passages:
        labels.update((p.section or "").split(SECTION_SEPARATOR))
    for page in document.pages:
        covered = [False] * len(page.text)
        for p in (p for p in passages if p.page == page.number):
            assert page.text[p.start : p.end] == p.text
            covered[p.start : p.end] = [True] * (p.end - p.start)
        offset = 0
        for line in page.text.split("\n"):
            seen = covered[offset : offset + len(line)]
            lost = [c for c, ok in zip(line, seen, strict=True) if c.isalnum() and not ok]
            assert not lost or line.strip() in labels, (line, labels)
            offset += len(line) + 1


@FAST
@given(
    text=st.text(max_size=600),
    history=st.lists(st.tuples(st.text(max_size=80), st.text(max_size=80)), max_size=2),
)
def test_any_question_is_understood_without_crashing(text: str, history: list[tuple[str, str]]) -> None:
    question = parse_question(text, history)
    assert question.problem is not None or question.query.strip()


@pytest.fixture(scope="module")
def answerer() -> ExtractiveAnswerer:
    config = Settings()
    return ExtractiveAnswerer(config, load_embedder(config.embedding_model, config.embedding_threads))


@SLOW
@given(
    text=dutch_like_text(min_words=20, max_words=160),
    question=dutch_like_text(max_words=12),
    seed=st.integers(),
)
def test_every_quote_is_verbatim_in_its_passage_and_document(
    answerer: ExtractiveAnswerer, text: str, question: str, seed: int
) -> None:
    document = load_bytes(text.encode("utf-8"), ".txt")
    assert not isinstance(document, str)
    passages = chunk_document(document, chunk_chars=300, overlap_chars=50)
    random.Random(seed).shuffle(passages)
    hits = [Hit(p, score=1.0 / (rank + 1)) for rank, p in enumerate(passages[:5])]
    # Ask both the random question and one made of the document's own words.
    own_words = " ".join(text.split()[:6]) + "?"
    for asked in (question, own_words):
        answer = answerer.answer(asked, hits)
        assert isinstance(answer, Answer) and answer.text
        pages = "\n".join(page.text for page in document.pages)
        for citation in answer.citations:
            assert citation.quote and citation.quote in citation.passage.text
            assert citation.quote in pages
