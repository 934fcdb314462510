"""The web chat's Dutch texts with counts: "1 document", never "1 documenten" (no server, no browser)."""

from __future__ import annotations

import re

import pytest

from assistant.export import dutch_count
from assistant.types import Answer, Hit, IngestReport, Passage
from assistant.web_render import Turn, answer_markdown, header_html, ingest_summary, sources_html


def passage(n: int) -> Passage:
    return Passage(
        id=f"p{n}",
        doc_id=f"doc{n}",
        title=f"Document {n}",
        doc_type="nota",
        text=f"Tekst van passage {n} over iets anders.",
        page=1,
        section=None,
        start=0,
        end=30,
        chunk_index=0,
    )


def plain(html_text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split())


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 documenten"), (1, "1 document"), (2, "2 documenten"), (11, "11 documenten")]
)
def test_dutch_count_uses_the_singular_for_one_only(n: int, expected: str) -> None:
    assert dutch_count(n, "document", "documenten") == expected


def test_header_counts_one_document_and_one_passage_in_the_singular() -> None:
    assert "1 document · 1 passage doorzoekbaar" in plain(header_html([{"passages": 1}]))
    assert "2 documenten · 5 passages doorzoekbaar" in plain(header_html([{"passages": 2}, {"passages": 3}]))


def test_ingest_summary_counts_in_the_singular_and_plural() -> None:
    one = IngestReport(
        documents=1,
        passages_added=1,
        documents_added=["a"],
        total_passages=1,
        ocr_pages={"scan.pdf": 1},
    )
    text = ingest_summary(one)
    assert "1 document toegevoegd" in text and "1 passage toegevoegd" in text
    assert "Doorzoekbaar: 1 passage uit 1 document." in text
    assert "met OCR gelezen: 1 pagina." in text
    assert "(en)" not in text and "('s)" not in text
    many = ingest_summary(
        IngestReport(documents=3, passages_added=7, documents_added=["a", "b"], total_passages=20)
    )
    assert "2 documenten toegevoegd" in many and "Doorzoekbaar: 20 passages uit 3 documenten." in many


@pytest.mark.parametrize(
    ("hits", "chat_says", "panel_says"),
    [
        (1, "De dichtstbijzijnde passage staat", "De passage hieronder lijkt er het meest op"),
        (3, "De dichtstbijzijnde passages staan", "De passages hieronder lijken er het meest op"),
    ],
)
def test_a_refusal_with_one_nearby_passage_says_passage(hits: int, chat_says: str, panel_says: str) -> None:
    answer = Answer(
        question="Wat is de hoofdstad van Frankrijk?",
        text="Dit staat niet in de documenten.",
        refused=True,
        hits=[Hit(passage(n), 0.5) for n in range(hits)],
    )
    turn = Turn(answer.question, answer)
    assert chat_says in plain(answer_markdown(1, answer, turn))
    panel = plain(sources_html([turn]))
    assert panel_says in panel
    assert ("Dichtstbijzijnde passage " if hits == 1 else "Dichtstbijzijnde passages ") in panel


def test_an_english_refusal_is_shown_in_dutch_with_its_title_apart() -> None:
    # Found by the fresh-clone check: "What is the minimum wage in 2025?" showed "Closest passages:"
    # between Dutch lines, and a screen reader read "documenten.Dichtstbijzijnde" as one word.
    answer = Answer(
        question="What is the minimum wage in 2025?",
        text="The documents do not contain this. Closest passages: Kamerbrief — Vooruitblik.",
        refused=True,
        hits=[Hit(passage(0), 0.5)],
    )
    raw = answer_markdown(1, answer, Turn(answer.question, answer))
    shown = plain(raw)
    assert "Closest" not in shown and "Dichtstbijzijnde passages: Kamerbrief — Vooruitblik." in shown
    assert "documenten.</span> Dichtstbijzijnde" in raw  # a space between the title and the detail
