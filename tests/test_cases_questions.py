"""The field failure cases 09, 10, 11, 12 and 16 (../shared/cases/README.md), each fixed for its kind.

Each case is asked through the real pipeline (real embedding model, real Chroma
index in tmp_path) over the case's own small corpus, read from
`<repo>/../shared/cases` (never copied into the project). Besides the listed
question, every test asks siblings of the same kind: other follow-up phrasings,
other English question words, other spellings of one amount, other years and
subjects the documents do not cover, other "door wie" phrasings.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from assistant.question import parse_question
from assistant.settings import Settings
from assistant.types import Answer

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parents[1].parent / "shared" / "cases"
BUURTKRACHT = CASES / "buurtkracht"
NUMBER_FORMATS = CASES / "11-number-formats" / "overzicht-bijdragen.txt"
LONG_QUESTION = CASES / "16-long-question.txt"

pytestmark = pytest.mark.skipif(
    not (BUURTKRACHT / "manifest.yaml").exists() or not NUMBER_FORMATS.exists(),
    reason=f"the shared failure cases are not at {CASES} (they live beside the repository, not in it)",
)


def quoted(answer: Answer) -> str:
    """All quotes of an answer, one line each: what the reader sees as evidence."""
    return "\n".join(re.sub(r"\s+", " ", c.quote) for c in answer.citations)


def assert_verbatim(answer: Answer) -> None:
    for c in answer.citations:
        assert c.passage.text[c.quote_start : c.quote_end] == c.quote


@pytest.fixture(scope="module")
def buurtkracht(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    a = Assistant(Settings(index=tmp_path_factory.mktemp("buurtkracht") / "index", corpus=BUURTKRACHT))
    a.ingest(progress=False)
    return a


@pytest.fixture(scope="module")
def bijdragen(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("bijdragen-corpus")
    shutil.copy(NUMBER_FORMATS, corpus)  # into tmp_path only: the case file itself is read-only input
    a = Assistant(Settings(index=tmp_path_factory.mktemp("bijdragen") / "index", corpus=corpus))
    a.ingest(progress=False)
    return a


# --- 09 a follow-up keeps the subject of the conversation ---------------------------------


def converse(assistant: Assistant, questions: list[str]) -> Answer:
    history: list[tuple[str, str]] = []
    answer = None
    for q in questions:
        answer = assistant.ask(q, history)
        history.append((q, answer.text))
    assert answer is not None
    return answer


@pytest.mark.parametrize(
    "last",
    [
        "Wie is de uitvoerder?",
        "Wie voert het uit?",
        "En wie voert de regeling uit?",
        "Door wie wordt het uitgevoerd?",
    ],
)
def test_09_a_followup_keeps_the_subject_of_the_conversation(buurtkracht: Assistant, last: str) -> None:
    answer = converse(
        buurtkracht,
        ["Hoeveel geld krijgt het Jeugdfonds Thuisbasis?", "En hoeveel gemeenten doen daaraan mee?", last],
    )
    assert not answer.refused, answer.text
    assert "Het Jeugdfonds Thuisbasis wordt uitgevoerd door het Landelijk Jongerenplatform." in quoted(answer)
    assert "Wijkwerk" not in answer.text and "Lezen Samen" not in answer.text
    assert_verbatim(answer)


def test_09_the_subject_survives_a_chain_of_followups(buurtkracht: Assistant) -> None:
    answer = converse(
        buurtkracht, ["Wat is het doel van Taalhuis Plus?", "Wie voert het uit?", "Wanneer start het?"]
    )
    assert "Taalhuis Plus start op 1 januari 2025." in quoted(answer)
    assert "Buurtkracht" not in answer.text and "Thuisbasis" not in answer.text


@pytest.mark.parametrize(
    "switch", ["Hoe zit dat bij Buurtkracht?", "En Buurtkracht?", "Geldt dat ook voor Buurtkracht?"]
)
def test_09_the_same_question_about_another_scheme_switches_the_subject(
    buurtkracht: Assistant, switch: str
) -> None:
    # Found by a fresh user: after three Taalhuis Plus questions "Hoe zit dat bij Buurtkracht?" was refused
    # (searched as "... (Taalhuis Plus)"); the earlier question, asked again about Buurtkracht, answers.
    asked = ["Hoeveel geld is er voor Taalhuis Plus?", "Wie voert het uit?", "Wanneer start het?", switch]
    answer = converse(buurtkracht, asked)
    assert not answer.refused, answer.text
    assert "De regeling Buurtkracht start op 1 maart 2025" in quoted(answer)
    assert "Taalhuis" not in answer.text
    assert_verbatim(answer)
    # And on to the next scheme, the fragment after the fragment still asks when it starts.
    history = [(q, "...") for q in asked]
    again = buurtkracht.ask("En bij Thuisbasis?", history)
    assert "Het Jeugdfonds Thuisbasis start op 1 september 2025." in quoted(again), again.text


# --- 10 English questions find Dutch facts of the asked kind -------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("How many municipalities take part in the first round of Buurtkracht?", "12 gemeenten"),
        ("How many libraries take part in Taalhuis Plus?", "20 bibliotheken"),
        ("How much money is available for Buurtkracht in 2025?", "€ 4,2 miljoen"),
        ("Who carries out Buurtkracht?", "Stichting Wijkwerk Nederland"),
        ("When does the Jeugdfonds Thuisbasis start?", "1 september 2025"),
    ],
)
def test_10_english_questions_get_the_dutch_fact_of_the_asked_kind(
    buurtkracht: Assistant, question: str, fact: str
) -> None:
    answer = buurtkracht.ask(question)
    assert not answer.refused, answer.text
    first = re.sub(r"\s+", " ", answer.citations[0].quote)
    assert fact in first, answer.text
    assert answer.text.startswith("According to the documents")


# --- 11 one amount is one value however it is written; number words are numbers ----------


@pytest.mark.parametrize(
    "question",
    [
        "Welke regeling ontvangt 1,5 miljoen euro?",
        "Welke regeling krijgt € 1.500.000?",
        "Welke regeling ontvangt anderhalf miljoen euro?",
        "Welke regeling krijgt EUR 1.500.000,-?",
        # In English too: its cosine with the Dutch text is lower (0.7999 for the first, under the
        # 0.80 of "passages not close"), but the sentences say the very amount it names.
        "Which scheme receives 1.5 million euros?",
        "Which scheme receives one and a half million euros?",
    ],
)
def test_11_an_amount_is_one_value_however_it_is_written(bijdragen: Assistant, question: str) -> None:
    answer = bijdragen.ask(question)
    assert not answer.refused, answer.text
    text = quoted(answer)
    assert "Schuldhulp Dichtbij" in text and "Taalmaatjes" in text
    assert "Mantelzorg Ontlast" not in text  # € 2,5 miljoen is another value
    assert_verbatim(answer)


def test_11_another_amount_finds_its_own_scheme(bijdragen: Assistant) -> None:
    # A unit and a half in words ("tweeënhalf", "twee en een half") is 2.5 as "anderhalf" is 1.5:
    # "tweeënhalf miljoen" quoted Taalmaatjes' anderhalf miljoen first (found by a fresh user).
    for question in (
        "Welke regeling krijgt 2,5 miljoen euro?",
        "Welke regeling ontvangt € 2.500.000?",
        "Welke regeling ontvangt tweeënhalf miljoen euro?",
        "Welke regeling ontvangt twee en een half miljoen euro?",
    ):
        answer = bijdragen.ask(question)
        assert not answer.refused and "Mantelzorg Ontlast" in quoted(answer)
        assert "Schuldhulp" not in quoted(answer) and "Taalmaatjes" not in quoted(answer)


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel gemeenten doen mee aan Schuldhulp Dichtbij?",
        "Aan hoeveel gemeenten is Schuldhulp Dichtbij actief?",
        "How many municipalities take part in Schuldhulp Dichtbij?",
    ],
)
def test_11_number_words_are_counts(bijdragen: Assistant, question: str) -> None:
    answer = bijdragen.ask(question)
    assert not answer.refused, answer.text
    assert "Aan Schuldhulp Dichtbij doen achttien gemeenten mee." in quoted(answer)
    assert "40" not in answer.text  # Mantelzorg Ontlast's count is not presented as the answer


def test_11_questions_type_their_numbers_as_values() -> None:
    for text in ("1,5 miljoen euro", "€ 1.500.000", "anderhalf miljoen euro", "EUR 1.5 million"):
        assert parse_question(f"Welke regeling krijgt {text}?").amounts == {1_500_000.0}, text
    assert parse_question("Welke regeling heeft achttien gemeenten?").counts == {18.0}
    assert parse_question("Hoeveel geld is er in 2027 beschikbaar?").years == {2027}


# --- 12 refusal both ways ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel geld is er in 2027 beschikbaar voor Buurtkracht?",
        "Wat is het budget van Buurtkracht voor 2028?",
        "How much money is available for Buurtkracht in 2027?",
        "Hoeveel geld krijgt Jeugdzorg Plus?",  # a subject the documents do not cover
    ],
)
def test_12_another_years_or_subjects_figure_is_never_the_answer(
    buurtkracht: Assistant, question: str
) -> None:
    answer = buurtkracht.ask(question)
    assert answer.refused, answer.text
    assert answer.citations == [] and "[1]" not in answer.text


def test_12_a_refusal_for_a_missing_year_says_which_years_the_documents_give(buurtkracht: Assistant) -> None:
    answer = buurtkracht.ask("Hoeveel geld is er in 2027 beschikbaar voor Buurtkracht?")
    assert answer.refused and "2025" in answer.text and "2027" in answer.text
    assert "4,2" not in answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        (
            "Wie voert Buurtkracht uit?",
            "De uitvoering van Buurtkracht ligt bij Stichting Wijkwerk Nederland.",
        ),
        ("Door wie wordt Buurtkracht uitgevoerd?", "Stichting Wijkwerk Nederland"),
        ("Welke organisatie voert Buurtkracht uit?", "Stichting Wijkwerk Nederland"),
        ("Wie is verantwoordelijk voor de uitvoering van Taalhuis Plus?", "Stichting Lezen Samen"),
        ("Welke organisatie is verantwoordelijk voor Buurtkracht?", "Stichting Wijkwerk Nederland"),
        ("Voor wie is het Jeugdfonds Thuisbasis bedoeld?", "jongeren die thuis geen plek hebben"),
    ],
)
def test_12_wie_questions_get_the_organisation_or_group_the_text_names(
    buurtkracht: Assistant, question: str, fact: str
) -> None:
    answer = buurtkracht.ask(question)
    assert not answer.refused, answer.text
    assert fact in re.sub(r"\s+", " ", answer.citations[0].quote)
    # A fact about another scheme is never presented as if it were about the asked one.
    others = {"Buurtkracht", "Taalhuis Plus", "Thuisbasis"} - {
        n for n in ("Buurtkracht", "Taalhuis Plus", "Thuisbasis") if n in question
    }
    assert not any(o in quoted(answer) for o in others), answer.text


# --- the way new users word questions (written from the documents, kinds not instances) --------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # "hoe lang loopt X": an end date or a length of time
        ("Hoe lang loopt Buurtkracht?", "tot en met 31 december 2026"),
        ("How long does Buurtkracht run?", "tot en met 31 december 2026"),
        # "wanneer stopt / start X": the end, or the start, not the other one
        ("Wanneer stopt Taalhuis Plus?", "31 december 2025"),
        ("Wanneer eindigt Taalhuis Plus?", "31 december 2025"),
        ("Wanneer begint het Jeugdfonds Thuisbasis?", "1 september 2025"),
        ("Vanaf wanneer loopt Buurtkracht?", "1 maart 2025"),
        # "hoe vaak": a frequency
        ("Hoe vaak rapporteert de stichting over Buurtkracht aan het ministerie?", "elk kwartaal"),
        # a rate word is not what the figure is about
        ("Hoeveel geld is er per jaar beschikbaar voor Buurtkracht?", "4,2 miljoen"),
        ("Hoeveel geld krijgt Thuisbasis ongeveer?", "1,8 miljoen"),
    ],
)
def test_rephrased_questions_get_the_fact_of_their_kind(
    buurtkracht: Assistant, question: str, fact: str
) -> None:
    answer = buurtkracht.ask(question)
    assert not answer.refused, answer.text
    assert fact in re.sub(r"\s+", " ", answer.citations[0].quote), answer.text
    assert_verbatim(answer)


@pytest.mark.parametrize(
    "question",
    [
        "Wie is de minister van Buurtkracht?",  # an office the documents do not name
        "Wie is de voorzitter van Taalhuis Plus?",
        "Who is the director of Thuisbasis?",
        "Hoeveel geld is er in 2024 voor Thuisbasis?",  # the only figure is for 2025
    ],
)
def test_an_office_or_year_the_documents_do_not_name_is_refused(
    buurtkracht: Assistant, question: str
) -> None:
    answer = buurtkracht.ask(question)
    assert answer.refused, answer.text


# --- 16 empty, punctuation-only and long questions -----------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "?", "...", "?!", "-"])
def test_16_input_without_words_gets_one_consistent_message(buurtkracht: Assistant, question: str) -> None:
    answer = buurtkracht.ask(question)
    assert answer.refused and answer.citations == []
    assert answer.to_json()["reason"] == "empty"
    assert answer.text == buurtkracht.ask("?").text


def test_16_a_long_pasted_text_is_answered_by_its_last_question(buurtkracht: Assistant) -> None:
    answer = buurtkracht.ask(LONG_QUESTION.read_text(encoding="utf-8"))
    assert not answer.refused, answer.text
    assert "€ 4,2 miljoen" in quoted(answer)


def test_16_a_long_text_without_a_question_is_asked_to_be_shortened(buurtkracht: Assistant) -> None:
    text = LONG_QUESTION.read_text(encoding="utf-8").rsplit("Mijn vraag", 1)[0]
    answer = buurtkracht.ask(text)
    assert answer.refused and answer.to_json()["reason"] == "too_long"
    assert "korte vraag" in answer.text


def test_16_ask_json_prints_one_object_for_empty_and_punctuation_input(tmp_path: Path) -> None:
    index = tmp_path / "index"
    env_python = [sys.executable, "-m", "assistant.cli"]
    common = ["--index", str(index)]  # nothing needs to be indexed to answer "this is not a question"
    for question in ("", "?"):
        out = subprocess.run(
            [*env_python, "ask", question, "--json", *common],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
            check=True,
        ).stdout.strip()
        lines = [line for line in out.splitlines() if line.strip()]
        assert len(lines) == 1, out
        data = json.loads(lines[0])
        assert data["refused"] is True and data["citations"] == [] and data["reason"] == "empty"
