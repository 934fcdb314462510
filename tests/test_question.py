"""The typed question: kinds, values, follow-ups and non-questions, without a model or an index."""

from __future__ import annotations

import pytest

from assistant.numbers import money_values, quantities, word_value, years
from assistant.question import parse_question
from assistant.terms import TextIndex, coverage, salient_terms


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("€ 1.500.000", 1_500_000.0),
        ("1,5 miljoen euro", 1_500_000.0),
        ("anderhalf miljoen euro", 1_500_000.0),
        ("EUR 1.5 million", 1_500_000.0),
        ("€ 313.327", 313_327.0),
        ("€ 2,5 mln", 2_500_000.0),
        ("twee miljoen euro", 2_000_000.0),
    ],
)
def test_an_amount_is_one_value_however_it_is_written(text: str, value: float) -> None:
    assert money_values(f"De regeling krijgt {text} in 2025.") == {value}


def test_number_words_are_numbers_and_articles_are_not() -> None:
    assert [word_value(w) for w in ("achttien", "vijfentwintig", "driehonderd", "twaalf")] == [
        18,
        25,
        300,
        12,
    ]
    assert [q.value for q in quantities("een gemeente en ten behoeve van de wijk")] == []
    assert [q.value for q in quantities("Aan X doen achttien gemeenten mee.")] == [18.0]
    # With its accents "één" is the numeral, never the article; "one" in an English question finds it.
    assert [q.value for q in quantities("als alle lasten op één taakveld worden geboekt")] == [1.0]
    assert [q.value for q in quantities("Eén loket voor alle zorgvragen")] == [1.0]
    assert [q.value for q in quantities("een loket en éénmalig")] == []
    question = parse_question("Who decides when all costs are put on one task field?")
    one = [t for t in salient_terms(question) if t.values == {1.0}]
    assert one and coverage(one, [1.0], TextIndex.of("Alle lasten op één taakveld."), 5) == 1.0


def test_year_ranges_cover_the_years_between() -> None:
    assert years("in de programmaperiode (2023–2025)") == {2023, 2024, 2025}
    assert years("van 2024 tot en met 2026") == {2024, 2025, 2026}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel geld krijgt het Jeugdfonds Thuisbasis?", "money"),
        ("Wat is het budget van Buurtkracht voor 2028?", "money"),
        ("What is the current annual budget of Buurtkracht?", "money"),  # adjectives before the word
        ("Wat is de rol van het budget?", "what"),  # the money word is not the asked thing
        ("How many municipalities take part?", "amount"),
        ("Wanneer start de regeling?", "date"),
        ("Door wie wordt Buurtkracht uitgevoerd?", "who"),
        ("Welke organisatie voert Buurtkracht uit?", "who"),
        ("Welke regeling ontvangt 1,5 miljoen euro?", "which"),
        ("Waarom is er een DU?", "why"),
        ("Klopt het dat de Agenda tot 2025 loopt?", "yesno"),
        # A question that opens with a finite verb is a yes/no question; "Wat" is no verb.
        ("Concurreert de waterstofleiding met het transportnet van Gasunie?", "yesno"),
        ("Bestaat er een regeling voor gemeenten?", "yesno"),
        ("Wat doet de Maatschappelijke Raad?", "what"),
        ("Vanaf welke hoeveelheid vuurwerk is een vergunning nodig?", "amount"),  # a measure by name
        ("Tot welk percentage wordt de vergoeding verhoogd?", "amount"),
        # A limit is a quantity: "tot 120% van de bijstandsnorm" (the Wassenaar jaarstukken 2023).
        ("Tot welke inkomensgrens konden huishoudens de energietoeslag aanvragen?", "amount"),
        ("Wat is de vermogensgrens voor de bijstand?", "amount"),
        ("What is the income threshold for the energy allowance?", "amount"),
        ("Hoe lang loopt Buurtkracht?", "date"),  # an end or a length of time
        ("Hoe vaak rapporteert de stichting?", "amount"),
        ("Waar vond het congres plaats?", "where"),
        ("Wie betaalt de Social Labs?", "who"),
    ],
)
def test_the_kind_of_fact_asked(question: str, kind: str) -> None:
    assert parse_question(question).kind == kind


def test_values_terms_and_names_of_a_question() -> None:
    q = parse_question("Welke regeling ontvangt 1,5 miljoen euro in 2025?")
    assert q.amounts == {1_500_000.0} and q.years == {2025}
    assert "1" not in q.terms and "5" not in q.terms and "miljoen" not in q.terms  # a value, not words
    english = parse_question("How many municipalities take part in Buurtkracht?")
    assert english.language == "en" and "gemeenten" in english.dutch and "gemeenten" in english.search_text
    assert ("voert", "uitvoert") in parse_question("Wie voert Buurtkracht uit?").verb_forms  # one word
    assert "lang" not in parse_question("Voor hoe lang zijn de leden benoemd?").terms  # the question's form


def test_a_followup_takes_the_named_subject_of_the_conversation() -> None:
    history = [
        ("Hoeveel geld krijgt het Jeugdfonds Thuisbasis?", "..."),
        ("En hoeveel gemeenten doen daaraan mee?", "..."),
    ]
    for followup in ("Wie is de uitvoerder?", "Wie voert het uit?", "Wanneer start het?"):
        q = parse_question(followup, history)
        assert "Jeugdfonds Thuisbasis" in q.query and q.followup, q.query
    assert parse_question("Wat doet Taalhuis Plus?", history).query == "Wat doet Taalhuis Plus?"


def test_a_one_word_subject_carried_by_a_followup_is_a_name() -> None:
    """Before: "(Buurtkompas)" was read as a sentence start, so the follow-up named nothing."""
    history = [("Wat doet de regeling Buurtkompas?", "...")]
    q = parse_question("Hoeveel geld is daarvoor beschikbaar?", history)
    assert q.query.endswith("(Buurtkompas)") and q.names == ("Buurtkompas",)
    assert parse_question("Wat doet de regeling?").names == ()  # a sentence's first word stays no name


@pytest.mark.parametrize("text", ["", "  ", "?", "...", "!?", "-"])
def test_input_without_words_is_not_a_question(text: str) -> None:
    assert parse_question(text).problem == "empty"


def test_a_long_text_is_cut_to_its_last_question_or_refused() -> None:
    filler = "Beste collega, hierbij wat achtergrond over het overleg van vorige week. " * 12
    q = parse_question(filler + "Mijn vraag is kort: hoeveel geld is er in 2025 voor Buurtkracht?")
    assert q.problem is None and q.query == "Hoeveel geld is er in 2025 voor Buurtkracht?"
    assert parse_question(filler).problem == "too_long"


def test_questions_are_normalised_like_the_passages() -> None:
    """A question typed with decomposed accents or a ligature means the same as the NFC text."""
    decomposed = "Hoeveel ﬁnanciële steun krijgt de gemeente?"
    decomposed = decomposed.replace("ë", "e\u0308")
    question = parse_question(decomposed)
    assert question.text == "Hoeveel financiële steun krijgt de gemeente?"


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (
            "Met hoeveel procent daalt de eigen bijdrage voor de cursus?",
            "De eigen bijdrage voor de cursus daalt met 15%.",
        ),
        ("Tot welk percentage stijgt de vergoeding?", "De vergoeding stijgt naar 96%."),
        ("Hoeveel euro kost de cursus per deelnemer?", "De cursus kost € 40 per deelnemer."),
    ],
)
def test_a_symbol_in_the_text_covers_the_word_in_the_question(question: str, text: str) -> None:
    terms = salient_terms(parse_question(question))
    weights = [1.0] * len(terms)
    assert coverage(terms, weights, TextIndex.of(text), 6) == 1.0
    assert coverage(terms, weights, TextIndex.of(text.replace("%", "").replace("€", "")), 6) < 1.0


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("Hoe groot mag het voorschot maximaal zijn?", "Het voorschot bedraagt ten hoogste 95 procent."),
        ("Wat is het maximum voor het voorschot?", "Het voorschot bedraagt hoogstens 95 procent."),
        ("Hoeveel leden telt de commissie minimaal?", "De commissie telt ten minste drie leden."),
    ],
)
def test_a_bound_is_covered_however_dutch_words_it(question: str, text: str) -> None:
    terms = salient_terms(parse_question(question))
    weights = [1.0] * len(terms)
    assert coverage(terms, weights, TextIndex.of(text), 6) == 1.0
    opposite = text.replace("ten hoogste", "ten minste").replace("hoogstens", "minstens")
    opposite = opposite if opposite != text else text.replace("ten minste", "ten hoogste")
    assert coverage(terms, weights, TextIndex.of(opposite), 6) < 1.0  # the other direction is no synonym


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (
            "Met hoeveel wordt de eigen bijdrage verlaagd?",
            "Het kabinet gaat de eigen bijdrage verlagen met 40 euro.",
        ),
        ("Welke gemeenten deden mee aan de pilot?", "Aan de pilot doen de gemeenten Assen en Emmen mee."),
        ("Wie voert de regeling uit?", "De regeling wordt uitgevoerd door Stichting Wijkwerk."),
        # A name asked in full, written in initials (real Kamervragen wording, ah-tk-20232024-2098).
        (
            "Hoeveel jaar schuift de planning van de Delta Rhine Corridor op?",
            "Er zijn verschillende redenen waardoor de planning van de DRC vier jaar opschuift.",
        ),
        # Initials asked, the name written in full.
        (
            "Is Atradius DSB begonnen met de herbeoordeling?",
            "Atradius Dutch State Business is begonnen met de herbeoordeling van het project.",
        ),
        # A separable verb whose particle stands before a prepositional phrase.
        (
            "Hoeveel draagt Nederland bij aan het fonds?",
            "Nederland levert een bijdrage aan het fonds van 10 miljoen euro per jaar.",
        ),
        # One word written as two.
        (
            "Welke voorzieningen moet een opslag tenminste hebben?",
            "Een opslag moet ten minste voorzieningen hebben.",
        ),
        # A compound by its head: the text has just named the whole ("die vergunning").
        (
            "Is een omgevingsvergunning nodig voor consumentenvuurwerk?",
            "Voor de opslag van vuurwerk is een vergunning nodig.",
        ),
    ],
)
def test_other_spellings_and_forms_of_a_word_cover_it(question: str, text: str) -> None:
    terms = [t for t in salient_terms(parse_question(question)) if t.hard]
    index = TextIndex.of(text)
    missing = [t.word for t in terms if not index.covers(t, 6)]
    assert not missing, missing


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # Lowercase Dutch words never stand in for initials ("de", "mr").
        ("Wat doet de Maatschappelijke Raad?", "De mr. heeft de raad gesproken over de agenda."),
        # Initials of another name do not cover it.
        (
            "Hoeveel jaar schuift de planning van de Delta Rhine Corridor op?",
            "De planning van het DRG schuift op.",
        ),
    ],
)
def test_initials_cover_only_the_same_name_in_capitals(question: str, text: str) -> None:
    terms = [t for t in salient_terms(parse_question(question)) if t.initials]
    index = TextIndex.of(text)
    assert terms and not any(
        index.covers(t, 6) and t.word in {"maatschappelijke", "delta", "rhine"} for t in terms
    )


@pytest.mark.parametrize(
    ("question", "frame"),
    [
        (
            "Wat houden de zogenoemde integrale middelen binnen de SPUK in?",
            {"houden", "zogenoemde", "binnen"},
        ),
        ("Wat gebeurt er met de methodes die zijn uitgeprobeerd?", {"gebeurt"}),
        ("Wanneer is de Kamer voor het eerst geïnformeerd?", {"eerst"}),
    ],
)
def test_the_frame_of_a_question_is_not_what_a_sentence_must_say(question: str, frame: set[str]) -> None:
    hard = {t.word for t in salient_terms(parse_question(question)) if t.hard}
    assert not hard & frame, hard & frame
    assert hard  # the subject stays


def test_a_compound_is_covered_by_its_own_head_only() -> None:
    from assistant.terms import compound_heads

    assert compound_heads("omgevingsvergunning") == ("vergunning",)  # not "gunning"
    assert compound_heads("consumentenvuurwerk") == ("vuurwerk",)  # not "uurwerk"
    assert compound_heads("gemeenten") == ()  # short words are no compounds
    # A hyphenated compound keeps needing all its parts (TextIndex.covers), not its head.
    term = [t for t in salient_terms(parse_question("Wie is de minister-president?")) if t.hard][0]
    assert not TextIndex.of("De president sprak.").covers(term, 6)


def test_english_name_words_are_soft_only_beside_a_dutch_name() -> None:
    beside = {
        t.word: t.hard
        for t in salient_terms(
            parse_question("How many members does the Social Council (Maatschappelijke Raad) have?")
        )
    }
    assert beside["maatschappelijke"] and beside["raad"]
    assert not beside["social"] and not beside["council"]
    # Without a Dutch name the English name is all there is to check: it stays hard.
    alone = {
        t.word: t.hard
        for t in salient_terms(parse_question("What is the minimum wage in the Netherlands in 2025?"))
    }
    assert alone["netherlands"]
