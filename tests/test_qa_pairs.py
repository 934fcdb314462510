"""Question-and-answer documents (Kamervragen): a hit on a member's question brings its answer.

The unit tests use hand-made passages; the end-to-end tests ingest a real
Kamervragen PDF from ../shared/corpora (skipped when it is absent) with the real
model and Chroma, and ask questions worded like the member's own questions: the
kind that used to be answered by quoting the question back.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from assistant.qa_pairs import AnswerMap, question_number
from assistant.settings import Settings
from assistant.types import Hit, Passage

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "pdf" / "kamervragen"
REGENBOOG = SHARED / "kv-00fe7edd-24c8-4857-98da-774ed3b06836.pdf"


def passage(n: int, section: str | None, text: str, doc: str = "kv") -> Passage:
    return Passage(f"{doc}-{n}", doc, "Vragen", "kamervragen", text, 1, section, 0, len(text), n)


DOC = [
    passage(0, None, "Vragen van het lid X (ingezonden 1 mei 2024)."),
    passage(1, "Vraag 1", "Bent u bekend met het bericht?"),
    passage(2, "Antwoord 1", "Ja."),
    passage(3, "Vraag 2", "Hoeveel gemeenten doen mee?"),
    passage(4, "Vraag 3", "Wanneer start de regeling?"),
    passage(5, "Antwoord 2 en 3", "Er doen 12 gemeenten mee; de regeling start in 2025."),
    passage(6, "Vraag 4", "Wat kost het?"),
    passage(7, "Antwoord 2 en 3", "Vervolg van het antwoord.\n\nAntwoord 4 t/m 6\n\nHet kost € 3 miljoen."),
    passage(8, "Vraag 9", "Een vraag zonder antwoord in de tekst?"),
]


def hits(*indexes: int) -> list[Hit]:
    return [Hit(passage=DOC[i], score=1.0 / (r + 1)) for r, i in enumerate(indexes)]


def test_question_numbers_come_from_the_section_heading() -> None:
    assert question_number(DOC[1]) == 1
    assert question_number(DOC[2]) is None
    assert question_number(DOC[0]) is None


def test_every_question_maps_to_the_first_passage_that_answers_it() -> None:
    answers = AnswerMap(DOC)
    assert answers.answer_to(DOC[1]) == DOC[2]
    assert answers.answer_to(DOC[3]) == DOC[5]  # "Antwoord 2 en 3"
    assert answers.answer_to(DOC[4]) == DOC[5]
    assert answers.answer_to(DOC[6]) == DOC[7]  # an answer heading printed inside running text
    assert answers.answer_to(DOC[8]) is None
    assert answers.answer_to(DOC[5]) is None  # an answer is not a question


def test_a_question_hit_gives_its_place_to_its_answer_and_no_passage_appears_twice() -> None:
    paired = AnswerMap(DOC).pair(hits(3, 0, 5, 6, 8))
    assert [h.passage.id for h in paired] == ["kv-5", "kv-0", "kv-7", "kv-8"]
    assert paired[0].score == 1.0  # the question's rank and score, the answer's text


def test_an_answer_hit_carries_the_members_questions_it_answers() -> None:
    answers = AnswerMap(DOC)
    paired = {h.passage.id: h.asked for h in answers.pair(hits(5, 2, 0))}
    assert paired["kv-5"] == "Hoeveel gemeenten doen mee?\nWanneer start de regeling?"
    assert paired["kv-2"] == "Bent u bekend met het bericht?"
    assert paired["kv-0"] == ""  # the record line answers no question
    # The continuation of an answer, and an answer heading inside running text, know theirs too.
    assert "Wat kost het?" in answers.asked(DOC[7])


def test_answers_stay_within_their_own_document() -> None:
    other = [passage(1, "Vraag 1", "Een vraag?", doc="b"), passage(2, "Antwoord 1", "Antwoord B.", doc="b")]
    answers = AnswerMap(DOC + other)
    assert answers.answer_to(other[0]) == other[1]
    assert answers.answer_to(DOC[1]) == DOC[2]


@pytest.fixture(scope="module")
def kamervragen(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    if not REGENBOOG.exists():
        pytest.skip(f"the shared Kamervragen PDFs are not at {SHARED} (they live beside the repository)")
    corpus = tmp_path_factory.mktemp("kamervragen")
    shutil.copy(REGENBOOG, corpus)  # into tmp_path only; the shared corpora are read-only input
    a = Assistant(Settings(index=tmp_path_factory.mktemp("kv-index") / "index", corpus=corpus))
    a.ingest(progress=False)
    return a


# Worded as the members asked them (pages 1-2 of the PDF).
MEMBER_QUESTIONS = [
    "Kunt u inzichtelijk maken hoeveel meldingen de afgelopen drie jaar bij de Antidiscriminatievoorziening "
    "Fryslân zijn gedaan?",
    "Zijn de voorwaarden waaraan een provincie moet voldoen om zich regenboogprovincie te noemen vastgelegd?",
    "Kent u de Inventarisatie Regenboogbeleid Regenboogprovincies?",
]


@pytest.mark.parametrize("question", MEMBER_QUESTIONS)
def test_search_ranks_the_answer_not_the_members_question(kamervragen: Assistant, question: str) -> None:
    found = kamervragen.search(question)
    assert found, "nothing found"
    assert not any(question_number(h.passage) for h in found[:3]), [h.passage.section for h in found[:3]]
    assert found[0].passage.section and found[0].passage.section.startswith("Antwoord")


@pytest.mark.parametrize("question", MEMBER_QUESTIONS)
def test_an_answer_never_quotes_a_question(kamervragen: Assistant, question: str) -> None:
    answer = kamervragen.ask(question)
    for c in answer.citations:
        assert c.passage.text[c.quote_start : c.quote_end] == c.quote
        assert not re.search(r"\?\W*$", c.quote.strip()), c.quote


def test_the_record_line_answers_only_questions_about_the_questions(kamervragen: Assistant) -> None:
    """'Vragen van de leden … (ingezonden 6 maart 2024)' tells who asked and when, nothing else."""
    content = kamervragen.ask("Wanneer zijn alle provincies Regenboogprovincie geworden?")
    assert not content.refused
    assert all("(ingezonden" not in c.quote for c in content.citations), content.text
    assert "2016" in content.text and "2020" in content.text
    asked = kamervragen.ask("Wie stelde de vragen over het regenboogbeleid van Friesland?")
    assert not asked.refused
    assert "Mutluer" in asked.text and "Kostić" in asked.text  # the accent drawn apart is put back
