"""Questions worded the way people ask them, over documents the answerer was never tuned on.

Kinds found on the development half of `evals/unseen2.jsonl` (a plenary debate and the Iv3
informatievoorschrift), rebuilt here as two small documents written by the test: a question
that names its source document ("volgens het coalitieakkoord"), a modal verb the text never
uses ("moesten"), and a count of something else ("negen sprekers" for "hoeveel moties").
Real embedding model, real Chroma.
"""

from __future__ import annotations

import pytest
from corpora import indexed_assistant

from assistant.facts import has_quantity, type_bonus
from assistant.pipeline import Assistant
from assistant.question import parse_question
from assistant.question_kinds import counted_noun
from assistant.terms import salient_terms
from assistant.who_facts import speaker_label

# The title does not name the kind of document; only its file name does.
AGREEMENT = """# Samen verder, met vertrouwen

## Klimaat en energie

We scherpen het doel voor 2030 in de Klimaatwet aan tot tenminste 60% CO2 reductie. We
investeren daarnaast in windparken op zee en in het isoleren van huurwoningen.

## Wonen

Er komen tot 2030 jaarlijks 100.000 nieuwe woningen bij, waarvan twee derde betaalbaar.
"""

DEBATE = """# Verslag van het plenaire debat over bouwregelgeving

## De voorzitter

Aan de orde is het debat over bouwregelgeving. Er zijn vandaag negen sprekers.

## Van Eijs

Voorzitter. Het verzoek is om het VAO Omgevingsrecht, dat vandaag zou aanvangen, uit te stellen. Een
week zou voldoende zijn.

## Motie van het lid Jansen

De Kamer, gehoord de beraadslaging, verzoekt de regering om in overleg met gemeenten die nog een
tijdelijke huurconstructie hanteren, deze constructie uiterlijk in het najaar van 2027 te schrappen.
"""


# Headed as the Iv3 informatievoorschrift heads its task fields.
TASK_FIELDS = """# Informatievoorschrift

## 6.821 – Jeugdbescherming

Dit taakveld betreft de baten en lasten die een gemeente heeft voor de jeugdbescherming.

## 6.822 – Jeugdreclassering

Dit taakveld betreft de baten en lasten die een gemeente heeft voor de jeugdreclassering.
Jeugdreclassering is een combinatie van begeleiding en controle voor jongeren vanaf 12 jaar.
"""


# The fields a Tweede Kamer decision list ends with.
DECISIONS = """# Besluitenlijst e-mailprocedure vaste commissie voor Binnenlandse Zaken

Den Haag, 27 maart 2025

Voortouwcommissie: vaste commissie voor Binnenlandse Zaken Document: Besluitenlijst van de e-mailprocedure
van donderdag 27 maart 2025 Agendapunt: Verzoek van het lid Jansen om de minister uit te nodigen voor het
overleg over discriminatie Zaak: Brief van het lid Jansen - 27 maart 2025 Verzoek van het lid Jansen om de
minister uit te nodigen Besluit: Het voorstel van het lid Jansen heeft niet kunnen rekenen op een meerderheid.

Noot: In de e-mailprocedure hebben de fracties van SP en GL met het voorstel ingestemd.

Griffier: Drs. P.Q. de Vries
"""


# Items of a Tweede Kamer procedure meeting, each field a line of its own (as `pdf_layout` reads them).
DECISION_ITEMS = """# Besluitenlijst procedurevergadering vaste commissie voor Binnenlandse Zaken

6. Agendapunt: Voortgang Huis voor democratie en rechtsstaat

Zaak: Brief regering - minister van Binnenlandse Zaken - 13 maart 2025 Voortgang Huis voor democratie en
rechtsstaat - 31475-3

Besluit: Technische briefing organiseren.

Besluit: Rondetafelgesprek organiseren met nog na de briefing te inventariseren deelnemers.

Volgcommissie(s): OCW, JUST

7. Agendapunt: Afschrift brief aan het regionaal college over het rapport Staal

Zaak: Brief regering - minister van Binnenlandse Zaken - 13 maart 2025 Afschrift brief aan het regionaal
college over het rapport Staal - 2025Z04630

Besluit: Agenderen voor het commissiedebat politie op 13 mei 2025.
"""


# A short letter, as a user uploads one.
LETTER = """# Wijkbudget Noorderkwartier

Rivierstad, 14 mei 2025

Geachte leden van de bewonerscommissie,

Hierbij ontvangt u een wijkbudget van € 22.750 voor activiteiten in de wijk in 2025.

Met vriendelijke groet,

A.M. de Boer
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    files = {
        "coalitieakkoord-2030.md": AGREEMENT,
        "debat-bouwregelgeving.md": DEBATE,
        "iv3-2026.md": TASK_FIELDS,
        "besluitenlijst.md": DECISIONS,
        "procedurevergadering.md": DECISION_ITEMS,
        "wijkbudget.md": LETTER,
    }
    return indexed_assistant(tmp_path_factory, "unseen", files)


def test_the_source_a_question_names_is_found_by_the_documents_file_name(assistant: Assistant) -> None:
    question = "Welk CO2-reductiedoel voor 2030 komt volgens het coalitieakkoord in de Klimaatwet?"
    assert parse_question(question).source == ("coalitieakkoord",)
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert "60% CO2 reductie" in answer.citations[0].quote


def test_a_modal_verb_is_no_word_the_answer_must_contain(assistant: Assistant) -> None:
    question = "Voor wanneer moesten gemeenten volgens de motie klaar zijn met de tijdelijke huurconstructie?"
    assert "moesten" not in parse_question(question).terms
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert "najaar van 2027" in answer.citations[0].quote


def test_a_limit_is_answered_by_a_bound_not_by_any_sum() -> None:
    # "Tot welke inkomensgrens ...?" was answered by a budget line ("€ 133.000") above the sentence
    # that states the limit (unseen5, the Wassenaar jaarstukken 2023).
    part = "Tot welke inkomensgrens konden huishoudens in 2023 de energietoeslag aanvragen?"
    bound = "In 2023 konden huishoudens tot 120% van de bijstandsnorm een energietoeslag aanvragen."
    budget = "Energietoeslag lagere inkomens 2023 (voordeel lagere lasten € 133.000)."
    assert type_bonus("amount", bound, frozenset(), part) > type_bonus("amount", budget, frozenset(), part)


def test_a_sum_beside_a_count_of_something_else_does_not_answer_how_many() -> None:
    # "Hoeveel gemeenten krijgen die?" after "Wat is de SPUK Kansrijke Wijk?" was answered by a sum
    # for "de 20 kwetsbare stedelijke gebieden" (found by a fresh user): the sum counts nothing, and
    # the 20 count areas, three words on.
    part = "Hoeveel gemeenten krijgen de SPUK Kansrijke Wijk?"
    areas = (
        "De Ministeries van SZW, VWS, OCW en BZK hebben samen € 256 miljoen beschikbaar gesteld voor de "
        "20 kwetsbare stedelijke gebieden van het Nationaal Programma Leefbaarheid en Veiligheid."
    )
    assert type_bonus("amount", areas, frozenset(), part) < 0.5  # scoring.FACT_MINIMUM: not eligible
    assert type_bonus("amount", "In 2025 doen 20 nieuwe gemeenten mee.", frozenset(), part) == 1.0


def test_a_count_of_something_else_does_not_answer_how_many(assistant: Assistant) -> None:
    answer = assistant.ask("Over hoeveel moties moest de minister een oordeel geven?")
    assert answer.refused, answer.text


def test_a_heading_the_question_says_is_its_subject_not_a_rival(assistant: Assistant) -> None:
    # "Jeugdreclassering" heads its section, so it looked like another scheme beside the asked "Iv3",
    # and the sentence naming it was taken for one about something else.
    answer = assistant.ask("Vanaf welke leeftijd geldt jeugdreclassering volgens het Iv3?")
    assert not answer.refused, answer.text
    assert "vanaf 12 jaar" in answer.citations[0].quote


def test_the_field_of_the_asked_office_answers_who_held_it(assistant: Assistant) -> None:
    question = (
        "Wie was griffier bij de e-mailprocedure van de commissie Binnenlandse Zaken "
        "over het verzoek van Jansen?"
    )
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert answer.citations[0].quote == "Griffier: Drs. P.Q. de Vries"


@pytest.mark.parametrize(
    ("question", "decisions"),
    [
        (
            "Wat besloot de commissie over de voortgang van het Huis voor democratie en rechtsstaat?",
            [
                "Besluit: Technische briefing organiseren.",
                "Besluit: Rondetafelgesprek organiseren met nog na de briefing te inventariseren deelnemers.",
            ],
        ),
        (
            "What did the committee decide about the letter on the Staal report?",
            ["Besluit: Agenderen voor het commissiedebat politie op 13 mei 2025."],
        ),
    ],
)
def test_the_decision_fields_answer_what_was_decided(
    assistant: Assistant, question: str, decisions: list[str]
) -> None:
    # The Zaak line repeats the item's subject, so it outscored the Besluit lines that answer
    # (tk-besluitenlijst-example1, once its fields were read one per line); an item's decisions
    # are quoted together, in their order.
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert [c.quote for c in answer.citations[: len(decisions)]] == decisions


def test_the_speaker_of_a_debate_turn_answers_which_member(assistant: Assistant) -> None:
    # A transcript names the speaker in the heading of the turn, never in the turn itself.
    answer = assistant.ask("Welk Kamerlid wilde het VAO over omgevingsrecht een week opschuiven?")
    assert not answer.refused, answer.text
    assert answer.text.startswith("Volgens de documenten: Van Eijs: Het verzoek is om het VAO")


def test_a_salutation_is_no_answer(assistant: Assistant) -> None:
    # "Geachte leden van de bewonerscommissie," was quoted (found by a fresh user).
    answer = assistant.ask("Wat krijgt de bewonerscommissie?")
    assert not any("Geachte" in c.quote for c in answer.citations), answer.text
    answer = assistant.ask("Hoeveel geld krijgt de bewonerscommissie voor activiteiten in de wijk?")
    assert not answer.refused and "€ 22.750" in answer.citations[0].quote, answer.text


@pytest.mark.parametrize(
    ("section", "label"),
    [("Van Eijs", "Van Eijs"), ("Hijink", "Hijink"), ("De Jonge", "De Jonge"), ("De voorzitter", "")]
    + [("Van Eijs (D66)", "Van Eijs (D66)"), ("Minister De Jonge", "Minister De Jonge"), ("Voorzitter", "")]
    + [("Maatschappelijke Raad", ""), ("SPUK", ""), ("Toelichting", ""), (None, "")],
)
def test_which_headings_name_a_speaker(section: str | None, label: str) -> None:
    assert speaker_label("who", None, "Wie wilde dat?", section, "Het is een goed idee.") == label
    # Only a question for a person gets one, and not when it or the quote names the speaker already.
    assert speaker_label("money", None, "Hoeveel kost het?", section, "Het kost veel.") == ""
    assert speaker_label("who", None, f"Wie is {section}?", section, "Het is een goed idee.") == ""


def test_relative_pronouns_and_kind_nouns_are_no_words_the_answer_must_say() -> None:
    question = parse_question("Om welke buurthuizen gaat het waarvan de SMOW het beheer op zich neemt?")
    assert "waarvan" not in question.terms
    terms = {t.word: t.hard for t in salient_terms(parse_question("Welk Kamerlid wilde een debat?"))}
    assert terms["kamerlid"] is False  # answered by "het lid Hijink", "Van Eijs"
    terms = {t.word: t.hard for t in salient_terms(parse_question("Op welke plek komt de gemeentewerf?"))}
    assert terms["plek"] is False  # answered by "Maaldrift hoek Oude Trambaan"
    terms = {t.word: t.hard for t in salient_terms(parse_question("Welke thema's werden besproken?"))}
    assert terms["thema's"] is False  # the plural 's of the answer noun "thema"; answered by naming them


@pytest.mark.parametrize(
    ("question", "sentence", "bonus"),
    [
        ("Over hoeveel moties ging het debat?", "Er zijn vandaag negen sprekers.", 0.3),
        ("Hoeveel deelnemende gemeenten heeft Buurtkracht?", "Aan de regeling doen 10 gemeenten mee.", 1.0),
        ("Hoeveel wijken krijgen geld?", "Er zijn 20 aandachtswijken.", 1.0),  # a compound's head
        ("Hoeveel moties zijn er ingediend?", "Het debat duurde 3 uur.", 0.6),  # a measure: left open
        # a change in the count, not the count (unseen5, Wassenaar jaarstukken 2023)
        ("Hoeveel Woo-verzoeken kwamen binnen?", "In 2023 zijn er 31% meer Woo-verzoeken gekomen.", 0.3),
        # the counted noun ends at a function word: the town after "van" is not what is counted
        ("Hoeveel Woo-verzoeken kreeg Wassenaar?", "In totaal deden 239 inwoners van Wassenaar mee.", 0.3),
    ],
)
def test_what_a_number_counts(question: str, sentence: str, bonus: float) -> None:
    assert type_bonus("amount", sentence, frozenset(), question) == bonus


@pytest.mark.parametrize(
    ("sentence", "quantity"),
    [
        ("5.c.2 Vaststelling plan- en prognosekaart 2029 voor verkeer en verzamelverkeersbesluit", False),
        ("Een positieve grondhouding aan te nemen ten aanzien van een woning op Rijksstraatweg 785;", False),
        ("10.d.1 Raadsinformatiebrief", False),
        ("Er komen 12 laadpalen aan de Rijksstraatweg.", True),
        ("De commissie komt ten minste drie keer bijeen.", True),
    ],
)
def test_item_numbers_house_numbers_and_ten_count_nothing(sentence: str, quantity: bool) -> None:
    # unseen5 (Wassenaar 2023-10-31): "Hoeveel parkeerplaatsen ...?" was answered by an agenda item's
    # number and a house number; Dutch "ten" ("ten aanzien") was read as the English number.
    assert has_quantity(sentence) is quantity
    if not quantity:
        assert type_bonus("amount", sentence, frozenset(), "Hoeveel parkeerplaatsen komen er?") == 0.0


def test_the_counted_noun_skips_an_adjective() -> None:
    assert counted_noun("Hoeveel deelnemende gemeenten heeft Buurtkracht?") == "gemeenten"
    assert counted_noun("Hoeveel mensen zitten in de raad?") == "mensen"


def test_a_letter_dated_outside_den_haag_answers_when_it_was_written(assistant: Assistant) -> None:
    """ "Rivierstad, 14 mei 2025" dates the letter (metadata) and is the quoted line; the question may
    name the letter by its subject."""
    record = next(d for d in assistant.index.documents() if d["doc_id"] == "wijkbudget")
    assert record["date"] == "2025-05-14"
    answer = assistant.ask("Van wanneer is de brief over het wijkbudget?")
    assert not answer.refused, answer.text
    assert answer.citations[0].quote == "Rivierstad, 14 mei 2025"


@pytest.mark.parametrize(
    ("sentence", "is_reason"),
    [
        # From the Wassenaar budget 2026 and a plenary debate (development questions of unseen2/3).
        ("Verder bezuinigen zou leiden tot sluiting van kazernes wat leidt tot langere opkomsttijden.", True),
        ("Eén loket voor alle zorgvragen in de gemeente is echt niet doenlijk en ook niet wenselijk.", True),
        ("Het tekort heeft tot gevolg dat de reserve wordt aangesproken.", True),
        ("De VRH zal de bestemmingsreserve inzetten voor een besparing van 3%.", False),
        ("Het is niet bekend hoeveel kazernes er zijn.", False),
    ],
)
def test_a_consequence_or_a_judgement_answers_why(sentence: str, is_reason: bool) -> None:
    part = "Waarom kan de veiligheidsregio niet verder bezuinigen?"
    assert (type_bonus("why", sentence, frozenset(), part) == 1.0) is is_reason


@pytest.fixture(scope="module")
def with_kamerbrief(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The bundled corpus (a Kamerbrief signed "J.N.J. Nobel", dated in Den Haag) plus the letter."""
    return indexed_assistant(tmp_path_factory, "letters", {"wijkbudget.md": LETTER}, bundled=True)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("Wie heeft de brief over het wijkbudget ondertekend?", "A.M. de Boer"),
        ("Who signed the letter about the wijkbudget?", "A.M. de Boer"),
        ("Van wanneer is de brief over het wijkbudget?", "Rivierstad, 14 mei 2025"),
        ("When was the letter about the wijkbudget sent?", "Rivierstad, 14 mei 2025"),
        ("Wie heeft de Kamerbrief ondertekend?", "J.N.J. Nobel"),
    ],
)
def test_the_letter_a_question_describes_is_the_one_whose_signature_or_date_is_quoted(
    with_kamerbrief: Assistant, question: str, quoted: str
) -> None:
    """ "de brief over het wijkbudget" is the letter that says "wijkbudget", not the Kamerbrief, whose
    signature and date line ranked first (found by a fresh user with an uploaded letter)."""
    answer = with_kamerbrief.ask(question)
    assert not answer.refused, answer.text
    assert quoted in answer.citations[0].quote
