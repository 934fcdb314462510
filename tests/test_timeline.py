"""Figures that changed over time (issue 10): the newest value first, the history beside it.

Every test asks the real pipeline (real embedding model, real Chroma index in tmp_path)
over corpora written here: three letters on one scheme with three budgets and three
counts in three years, two documents of one date that disagree, an undated note
beside a dated letter, and figures that never changed (the guard: those keep the
normal answer). Case 15 of the shared field cases is read from `<repo>/../shared/cases`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.asked_time import time_asked, without_time_words
from assistant.export import conversation_markdown
from assistant.pipeline import Assistant
from assistant.question import parse_question
from assistant.settings import Settings
from assistant.types import Answer

ROOT = Path(__file__).resolve().parent.parent
CASE_15 = ROOT.parent / "shared" / "cases" / "15-newest-figure"

MANIFEST = """\
documents:
  - {file: wijkpeloton-2022.txt, doc_id: wp-2022, title: Kamerbrief start regeling Wijkpeloton,
     type: kamerbrief, date: 2022-05-10}
  - {file: wijkpeloton-2023.txt, doc_id: wp-2023, title: Voortgangsbrief regeling Wijkpeloton,
     type: kamerbrief, date: 2023-09-20}
  - {file: wijkpeloton-2025.txt, doc_id: wp-2025, title: Slotbrief regeling Wijkpeloton,
     type: kamerbrief, date: 2025-02-01}
  - {file: taalcafe-2023.txt, doc_id: tc-2023, title: Kamerbrief aankondiging Taalcafé Plus,
     type: kamerbrief, date: 2023-03-15}
  - {file: taalcafe-brief-2024.txt, doc_id: tc-brief-2024, title: Kamerbrief stand van zaken Taalcafé Plus,
     type: kamerbrief, date: 2024-04-01}
  - {file: taalcafe-factsheet-2024.txt, doc_id: tc-factsheet-2024, title: Factsheet Taalcafé Plus,
     type: factsheet, date: 2024-04-01}
  - {file: schoolpleinen-notitie.txt, doc_id: gs-notitie, title: Notitie Groene Schoolpleinen, type: notitie}
  - {file: schoolpleinen-2024.txt, doc_id: gs-2024, title: Kamerbrief Groene Schoolpleinen,
     type: kamerbrief, date: 2024-01-15}
  - {file: buurtbieb-2023.txt, doc_id: bb-2023, title: Kamerbrief Buurtbieb, type: kamerbrief,
     date: 2023-06-01}
  - {file: buurtbieb-2025.txt, doc_id: bb-2025, title: Voortgangsbrief Buurtbieb, type: kamerbrief,
     date: 2025-01-20}
"""
LETTERS = {
    "wijkpeloton-2022.txt": "Kamerbrief start regeling Wijkpeloton\n\nBudget\n\n"
    "Voor de regeling Wijkpeloton is jaarlijks € 2 miljoen beschikbaar. "
    "Aan de regeling Wijkpeloton doen 6 gemeenten mee.\n\nVrijwilligers\n\n"
    "Voor de training van vrijwilligers in de wijken is eenmalig € 300.000 gereserveerd. "
    "De uitvoering van Wijkpeloton ligt bij Stichting Samen Sterk.\n",
    "wijkpeloton-2023.txt": "Voortgangsbrief regeling Wijkpeloton\n\nBudget\n\n"
    "Het jaarlijkse budget voor de regeling Wijkpeloton is verhoogd naar € 3,5 miljoen. "
    "Het aantal deelnemende gemeenten van Wijkpeloton groeit naar 10.\n",
    "wijkpeloton-2025.txt": "Slotbrief regeling Wijkpeloton\n\nBudget\n\n"
    "In 2024 is het jaarlijkse budget voor de regeling Wijkpeloton opnieuw verhoogd, naar € 4 miljoen. "
    "Inmiddels doen 14 gemeenten mee aan Wijkpeloton.\n",
    "taalcafe-2023.txt": "Kamerbrief aankondiging Taalcafé Plus\n\nDeelnemers\n\n"
    "Aan Taalcafé Plus doen 8 bibliotheken mee.\n",
    "taalcafe-brief-2024.txt": "Kamerbrief stand van zaken Taalcafé Plus\n\nDeelnemers\n\n"
    "Aan Taalcafé Plus doen inmiddels 12 bibliotheken mee.\n",
    "taalcafe-factsheet-2024.txt": "Factsheet Taalcafé Plus\n\nDeelnemers\n\n"
    "Aan Taalcafé Plus doen 15 bibliotheken mee.\n",
    "schoolpleinen-notitie.txt": "Notitie Groene Schoolpleinen\n\nFinanciering\n\n"
    "Voor de regeling Groene Schoolpleinen is € 900.000 beschikbaar.\n",
    "schoolpleinen-2024.txt": "Kamerbrief Groene Schoolpleinen\n\nFinanciering\n\n"
    "Het budget voor de regeling Groene Schoolpleinen bedraagt € 1,5 miljoen.\n",
    "buurtbieb-2023.txt": "Kamerbrief Buurtbieb\n\nEvaluatie\n\n"
    "De evaluatie van Buurtbieb verschijnt in mei 2024.\n",
    "buurtbieb-2025.txt": "Voortgangsbrief Buurtbieb\n\nEvaluatie\n\n"
    "De evaluatie van Buurtbieb is uitgesteld tot september 2025.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("timeline-corpus")
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    for name, text in LETTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def letters(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    a = Assistant(Settings(index=tmp_path_factory.mktemp("timeline") / "index", corpus=corpus))
    a.ingest(progress=False)
    return a


@pytest.fixture(scope="module")
def case15(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    if not (CASE_15 / "manifest.yaml").exists():
        pytest.skip(f"case 15 of the shared failure cases is not at {CASE_15} (it lives beside the repo)")
    a = Assistant(Settings(index=tmp_path_factory.mktemp("case15") / "index", corpus=CASE_15))
    a.ingest(progress=False)
    return a


def timeline(answer: Answer) -> list[tuple[str, str | None, str]]:
    """(value, document date, role) per shown value, in the order shown."""
    return [(e.value, e.date, e.role) for e in answer.timeline]


def assert_cited(answer: Answer) -> None:
    """Every quote verbatim in its passage; every value's citation quotes that value."""
    assert not answer.refused
    by_n = {c.n: c for c in answer.citations}
    for c in answer.citations:
        assert c.passage.text[c.quote_start : c.quote_end] == c.quote
        assert f"[{c.n}]" in answer.text
    for e in answer.timeline:
        cited = by_n[e.citation]
        number = re.search(r"\d+(?:,\d+)?", e.value)
        assert number and number.group(0) in cited.quote
        assert cited.passage.date == e.date


# --- case 15: the 2023 and the 2025 letter -----------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Wat is het huidige jaarbudget van Buurtkracht?",
        # An adjective before the money word, and "nu" at the end (found by a fresh user).
        "Wat is het jaarlijkse budget van Buurtkracht nu?",
    ],
)
def test_case15_the_current_budget_is_the_2025_figure_with_2023_as_history(
    case15: Assistant, question: str
) -> None:
    answer = case15.ask(question)
    assert_cited(answer)
    assert timeline(answer) == [
        ("€ 5 miljoen", "2025-03-04", "newest"),
        ("€ 3 miljoen", "2023-06-12", "earlier"),
    ]
    assert answer.text.startswith(
        "Nieuwste cijfer: € 5 miljoen (Voortgangsbrief regeling Buurtkracht van 4 maart 2025)"
    )
    assert "eerder € 3 miljoen (12 juni 2023)" in answer.text


@pytest.mark.parametrize(
    "question",
    ["Hoeveel gemeenten doen mee aan Buurtkracht?", "How many municipalities take part in Buurtkracht now?"],
)
def test_case15_the_count_of_municipalities_is_16_from_2025_earlier_10(
    case15: Assistant, question: str
) -> None:
    answer = case15.ask(question)
    assert_cited(answer)
    assert timeline(answer) == [
        ("16 gemeenten", "2025-03-04", "newest"),
        ("10 gemeenten", "2023-06-12", "earlier"),
    ]
    assert "16" in answer.citations[0].quote and "10 gemeenten" in answer.citations[1].quote


# --- three letters, three values, three years -------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Wat is het huidige budget van Wijkpeloton?",
        "Wat is het budget van Wijkpeloton?",  # no time word: the newest leads too
        "What is the current budget of Wijkpeloton?",
        "What is the latest budget of Wijkpeloton?",
        "Hoe is het budget van Wijkpeloton veranderd?",
    ],
)
def test_three_letters_give_the_newest_budget_first_and_the_two_earlier_ones(
    letters: Assistant, question: str
) -> None:
    answer = letters.ask(question)
    assert_cited(answer)
    assert [(v, d) for v, d, _ in timeline(answer)] == [
        ("€ 4 miljoen", "2025-02-01"),
        ("€ 3,5 miljoen", "2023-09-20"),
        ("€ 2 miljoen", "2022-05-10"),
    ]
    assert answer.timeline[0].year_in_text == 2024  # "In 2024 is het jaarlijkse budget ... verhoogd"
    assert answer.timeline[1].year_in_text is None


def test_the_count_history_follows_the_letters_however_the_count_is_worded(letters: Assistant) -> None:
    answer = letters.ask("Hoeveel gemeenten doen mee aan Wijkpeloton?")
    assert_cited(answer)
    assert timeline(answer) == [
        ("14 gemeenten", "2025-02-01", "newest"),
        ("10 gemeenten", "2023-09-20", "earlier"),
        ("6 gemeenten", "2022-05-10", "earlier"),
    ]


def test_a_followup_keeps_the_figures_to_the_scheme_of_its_conversation(letters: Assistant) -> None:
    """Before: "Hoeveel geld is daarvoor beschikbaar?" after a question on Wijkpeloton led with
    another scheme's budget as its history ("Nieuwste cijfer: € 2 miljoen (…Wijkpeloton…);
    datum onbekend: € 900.000 (Notitie Groene Schoolpleinen)").
    """
    first = letters.ask("Wat doet de regeling Wijkpeloton?")
    answer = letters.ask("Hoeveel geld is daarvoor beschikbaar?", history=[(first.question, first.text)])
    assert_cited(answer)
    assert {c.passage.doc_id for c in answer.citations} <= {"wp-2022", "wp-2023", "wp-2025"}
    assert "Schoolpleinen" not in answer.text and "900.000" not in answer.text


@pytest.mark.parametrize(
    ("question", "value", "date"),
    [
        ("Wat was het budget van Wijkpeloton in 2023?", "€ 3,5 miljoen", "2023-09-20"),
        ("What was the budget of Wijkpeloton in 2023?", "€ 3,5 miljoen", "2023-09-20"),
        ("Wat was het budget van Wijkpeloton in 2022?", "€ 2 miljoen", "2022-05-10"),
        (
            "Wat was het budget van Wijkpeloton vorig jaar?",
            "€ 4 miljoen",
            "2025-02-01",
        ),  # 2024: the year in text
    ],
)
def test_a_question_for_a_year_gets_the_value_that_held_then(
    letters: Assistant, question: str, value: str, date: str
) -> None:
    answer = letters.ask(question)
    assert_cited(answer)
    assert timeline(answer)[0] == (value, date, "as_of")
    assert answer.notice is None


def test_a_year_before_every_document_is_answered_with_the_oldest_marked_as_such(letters: Assistant) -> None:
    answer = letters.ask("Wat was het budget van Wijkpeloton in 2020?")
    if answer.refused:  # refusing is allowed too; an unmarked figure is not
        assert answer.timeline == []
        return
    assert timeline(answer)[0] == ("€ 2 miljoen", "2022-05-10", "as_of")
    assert answer.text.startswith("Geen cijfer voor 2020 in de documenten")
    assert answer.notice and "2020" in answer.notice


# --- no "newest" claim where the dates cannot carry it --------------------------------------


def test_two_documents_of_one_date_that_disagree_are_both_shown_without_a_newest(letters: Assistant) -> None:
    answer = letters.ask("Hoeveel bibliotheken doen mee aan Taalcafé Plus?")
    assert_cited(answer)
    shown = timeline(answer)
    assert sorted(shown[:2]) == [
        ("12 bibliotheken", "2024-04-01", "same_date"),
        ("15 bibliotheken", "2024-04-01", "same_date"),
    ]
    assert shown[2] == ("8 bibliotheken", "2023-03-15", "earlier")
    assert "Nieuwste" not in answer.text and "newest" not in [r for _, _, r in shown]
    assert answer.text.startswith("Documenten van dezelfde datum (1 april 2024) noemen verschillende cijfers")


def test_an_undated_document_is_never_the_newest_and_its_date_is_said_unknown(letters: Assistant) -> None:
    answer = letters.ask("Wat is het budget van Groene Schoolpleinen?")
    assert_cited(answer)
    assert timeline(answer) == [
        ("€ 1,5 miljoen", "2024-01-15", "newest"),
        ("€ 900.000", None, "undated"),
    ]
    assert "datum onbekend: € 900.000 (Notitie Groene Schoolpleinen)" in answer.text
    assert answer.notice and "Notitie Groene Schoolpleinen is onbekend" in answer.notice


def test_a_moved_date_asked_with_a_time_word_gives_the_newest_date_first(letters: Assistant) -> None:
    answer = letters.ask("Wanneer verschijnt de evaluatie van Buurtbieb nu?")
    assert_cited(answer)
    assert timeline(answer) == [
        ("september 2025", "2025-01-20", "newest"),
        ("mei 2024", "2023-06-01", "earlier"),
    ]
    assert answer.text.startswith(
        "Nieuwste datum: september 2025 (Voortgangsbrief Buurtbieb van 20 januari 2025)"
    )


# --- the guard: a figure that did not change keeps the normal answer ----------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Hoeveel geld is gereserveerd voor de training van vrijwilligers bij Wijkpeloton?", "€ 300.000"),
        ("Wie voert Wijkpeloton uit?", "Stichting Samen Sterk"),
    ],
)
def test_a_figure_stated_once_keeps_the_normal_answer(letters: Assistant, question: str, fact: str) -> None:
    answer = letters.ask(question)
    assert not answer.refused
    assert answer.timeline == [] and "timeline" not in answer.to_json()
    assert answer.text.startswith("Volgens de documenten:")
    assert fact in answer.citations[0].quote


# --- where people look: JSON and the Markdown export --------------------------------------


def test_ask_json_carries_the_citation_dates_and_the_ordered_timeline(
    corpus: Path, letters: Assistant
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--json", "Wat is het huidige budget van Wijkpeloton?",
         "--index", str(letters.settings.index)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    ).stdout  # fmt: skip
    data = json.loads(out)
    assert [c["date"] for c in data["citations"]] == ["2025-02-01", "2023-09-20", "2022-05-10"]
    assert data["timeline"] == [
        {"value": "€ 4 miljoen", "date": "2025-02-01", "citation": 1, "year_in_text": 2024, "role": "newest"},
        {
            "value": "€ 3,5 miljoen",
            "date": "2023-09-20",
            "citation": 2,
            "year_in_text": None,
            "role": "earlier",
        },
        {
            "value": "€ 2 miljoen",
            "date": "2022-05-10",
            "citation": 3,
            "year_in_text": None,
            "role": "earlier",
        },
    ]


def test_the_markdown_export_keeps_the_timeline_with_footnotes(letters: Assistant) -> None:
    question = "Wat is het huidige budget van Wijkpeloton?"
    markdown = conversation_markdown([(question, letters.ask(question))])
    assert "Nieuwste cijfer: € 4 miljoen (Slotbrief regeling Wijkpeloton van 1 februari 2025" in markdown
    assert "- € 4 miljoen — 1 februari 2025 (cijfer over 2024) [^1]" in markdown
    assert "- € 2 miljoen — 10 mei 2022 [^3]" in markdown
    assert re.search(r"\[\^3\]: \*Kamerbrief start regeling Wijkpeloton\*, kamerbrief, 10 mei 2022", markdown)


# --- time words are read once, into the typed question ------------------------------------


@pytest.mark.parametrize(
    ("question", "mode", "year", "on", "back"),
    [
        ("Wat is het huidige jaarbudget van Buurtkracht?", "newest", None, None, 0),
        ("Hoeveel gemeenten doen nu mee?", "newest", None, None, 0),
        ("Wat is de actuele stand?", "newest", None, None, 0),
        ("What is the latest figure?", "newest", None, None, 0),
        ("How many municipalities take part now?", "newest", None, None, 0),
        ("Hoeveel geld was er in 2023?", "as_of", 2023, None, 0),
        ("What was the budget in 2023?", "as_of", 2023, None, 0),
        ("Wat was het budget op 1 januari 2024?", "as_of", 2024, "2024-01-01", 0),
        ("What was the budget on January 1, 2024?", "as_of", 2024, "2024-01-01", 0),
        ("Hoeveel geld was er vorig jaar?", "as_of", None, None, 1),
        ("Hoe is het aantal gemeenten veranderd?", "history", None, None, 0),
        ("How has the budget changed over the years?", "history", None, None, 0),
    ],
)
def test_time_words_are_part_of_the_typed_question(
    question: str, mode: str, year: int | None, on: str | None, back: int
) -> None:
    asked = parse_question(question).time
    assert asked is not None
    assert (asked.mode, asked.year, asked.on, asked.years_back) == (mode, year, on, back)


def test_questions_without_time_words_have_no_time_and_time_words_are_not_terms() -> None:
    assert time_asked("Wie voert Buurtkracht uit?") is None
    assert parse_question("Hoeveel gemeenten doen mee aan Buurtkracht?").time is None
    q = parse_question("Wat is het huidige budget van Buurtkracht?")
    assert "huidige" not in q.terms and q.kind == "money"
    assert parse_question("Hoe is het budget van Buurtkracht veranderd?").kind == "money"
    assert parse_question("Wat was het budget op 1 januari 2024?").years == frozenset({2024})
    assert without_time_words("What is the current budget?") == "What is the budget?"


def test_values_stated_after_the_one_that_held_then_are_later(letters: Assistant) -> None:
    # Found by a fresh user: the JSON called the 2025 figure "earlier" than the 2023 one.
    answer = letters.ask("Wat was het budget van Wijkpeloton in 2023?")
    roles = {date: role for _, date, role in timeline(answer)}
    assert roles["2023-09-20"] == "as_of"
    assert roles.get("2025-02-01") in (None, "later") and roles.get("2022-05-10") in (None, "earlier")
    assert "later" in roles.values() or "earlier" in roles.values()
