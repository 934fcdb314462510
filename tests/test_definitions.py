"""Definition questions and the sentences that say what a thing is (assistant.definitions); "which"
questions and the sentences that only count the asked things (facts.counts_instead_of_naming)."""

from __future__ import annotations

import pytest

from assistant.definitions import defined_term, definition_bonus, with_introduction
from assistant.facts import counts_instead_of_naming, type_bonus


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("Wat zijn Social Labs?", ("social", "labs")),
        ("Wat is de Maatschappelijke Raad?", ("maatschappelijke", "raad")),
        ("Wat houdt de SPUK Kansrijke Wijk in?", ("spuk", "kansrijke", "wijk")),
        ("Wat doet de Maatschappelijke Raad?", ("maatschappelijke", "raad")),
        ("What are community builders?", ("community", "builders")),
        ("What does the Maatschappelijke Raad do?", ("maatschappelijke", "raad")),
        (
            "Wat moet de Wetenschappelijke commissie wijkaanpak doen?",
            ("wetenschappelijke", "commissie", "wijkaanpak"),
        ),
        # A qualified thing or a number asks for a value of it, not what it is.
        ("Wat is de titel van het onderzoek naar jongerenwerkplaatsen?", None),
        ("What is the minimum wage in 2025?", None),
        ("Wat is er voor de onderzoekscommissie gerealiseerd?", None),
        ("Hoeveel kost de Maatschappelijke Raad?", None),
    ],
)
def test_the_thing_a_definition_question_asks_about(question: str, term: tuple[str, ...] | None) -> None:
    assert defined_term(question) == term


@pytest.mark.parametrize(
    ("sentence", "bonus"),
    [
        ("Het doel van de Social Labs is het vergroten van veerkracht.", 1.0),
        ("Social Labs ondersteunen jongeren in drie wijken.", 1.0),
        ("De Social Lab (SL) organiseert bijeenkomsten.", 1.0),  # the abbreviation in brackets is skipped
        ("JenV heeft 2,1 miljoen gegeven om zogenaamde Social Labs te ontwikkelen.", 0.5),
        ("Daaronder de DU, de SPUK en Social Labs (onderdeel van Preventie met Gezag).", 0.0),
        ("Voor de Social Labs is een budget gereserveerd.", 0.0),  # a preposition: not the subject
        ("Het kabinet wil de veerkracht van mensen versterken.", 0.0),
    ],
)
def test_a_sentence_says_what_the_thing_is_when_it_is_its_subject(sentence: str, bonus: float) -> None:
    assert definition_bonus(("social", "labs"), sentence) == bonus
    assert type_bonus("what", sentence, frozenset(), "Wat zijn Social Labs?") == bonus


def test_a_long_name_is_also_found_by_its_short_form() -> None:
    term = ("agenda", "veerkrachtige", "en", "weerbare", "samenleving")
    assert definition_bonus(term, "De Agenda heeft als doel om gemeenten kennis te geven.") == 1.0
    full = "De Agenda Veerkrachtige & Weerbare Samenleving loopt tot eind 2025."
    assert definition_bonus(term, full) == 1.0
    assert definition_bonus(term, "In 2023 is de Agenda naar de Kamer gestuurd.") == 0.0


def test_a_name_led_by_an_adjective_is_also_found_by_its_noun() -> None:
    term = ("maatschappelijke", "raad")
    assert definition_bonus(term, "De Raad geeft gevraagd en ongevraagd advies.") == 1.0
    assert definition_bonus(("social", "labs"), "De labs zijn in drie wijken.") == 0.0  # no adjective


def test_any_other_what_question_gets_no_type_bonus() -> None:
    assert type_bonus("what", "De Raad geeft advies.", frozenset(), "Wat is de titel van het rapport?") == 0.0


def test_a_definition_starts_at_the_sentence_that_introduces_the_thing() -> None:
    text = (
        "JenV heeft 2,1 miljoen gegeven om zogenaamde Social Labs te ontwikkelen. Het doel van de Social "
        "Labs is het vergroten van veerkracht.\n\nDe Social Labs starten in 2025."
    )
    term = ("social", "labs")
    aim = text.index("Het doel")
    assert with_introduction(text, aim, term) == 0
    later = text.index("De Social Labs starten")
    assert with_introduction(text, later, term) == later  # another paragraph
    assert with_introduction(text, 0, term) == 0  # nothing before the first sentence


WIJKEN = "In drie wijken waar de leefbaarheid en veiligheid onder druk staan, komen werkplaatsen."
COUNTED = [
    ("In welke wijken komen de werkplaatsen?", WIJKEN, True),
    ("Welke gemeenten kregen geld?", "Daarmee kregen tot nu toe 7 gemeenten geld.", True),
    ("Welke gemeenten kregen geld?", "Zeven gemeenten kregen geld: Almere, Breda, ...", False),
    ("Welke ministeries betalen mee?", "De Ministeries van SZW, VWS, OCW en BZK betalen mee.", False),
    ("Welke 7 gemeenten kregen geld?", "Daarmee kregen 7 gemeenten geld.", False),  # its own check
    ("Welke regeling krijgt 3 miljoen?", "De regeling krijgt 3 miljoen.", False),  # not a plural
]


@pytest.mark.parametrize(("question", "sentence", "only_counted"), COUNTED)
def test_a_count_of_the_asked_things_names_none(question: str, sentence: str, only_counted: bool) -> None:
    assert counts_instead_of_naming(question, sentence) is only_counted
