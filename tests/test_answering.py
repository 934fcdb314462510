"""The extractive answerer: sentences, question types, cited answers and honest refusals.

The unit tests use real sentences of the bundled Kamerbrief; the end-to-end tests
answer real questions over a real index of the bundled corpus (real embedding
model, real Chroma), built once for the module.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from assistant.answering import (
    ExtractiveAnswerer,
    footnotes_cited,
    question_parts,
    question_type,
    split_sentences,
    text_chunks,
    type_bonus,
)
from assistant.crosslingual import dutch_renderings, passage_words
from assistant.embedding import embed_queries
from assistant.pipeline import Assistant
from assistant.refusals import FRAMING, REFUSAL, closest_places
from assistant.settings import Settings
from assistant.types import Answer, Passage
from assistant.web_layout import EXAMPLE_QUESTIONS

ROOT = Path(__file__).resolve().parent.parent

# --- sentences ---------------------------------------------------------------------

SPUK = (
    "De Ministeries van SZW, VWS, OCW en BZK hebben samen € 256 miljoen beschikbaar gesteld voor de 20 "
    "kwetsbare stedelijke gebieden van het Nationaal Programma Leefbaarheid en Veiligheid. De investering "
    "vanuit de Agenda in deze Specifieke Uitkering (SPUK) Kansrijke Wijk bedraagt € 6,3 miljoen.²\n\n"
    "¹ Kamerstuk 36 200 XV, nr. 96\n\n"
    "Gemeenten kunnen het geld uitgeven aan de preventie van armoede en schulden. Zij kunnen een deel van "
    "de totale middelen – de zg. integrale middelen – naar eigen keuze inzetten."
)


def sentences(text: str, **kw: bool) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, **kw)]


def test_sentences_keep_amounts_abbreviations_and_exact_offsets() -> None:
    found = sentences(SPUK)
    assert found == [
        "De Ministeries van SZW, VWS, OCW en BZK hebben samen € 256 miljoen beschikbaar gesteld voor de 20 "
        "kwetsbare stedelijke gebieden van het Nationaal Programma Leefbaarheid en Veiligheid.",
        "De investering vanuit de Agenda in deze Specifieke Uitkering (SPUK) Kansrijke Wijk "
        "bedraagt € 6,3 miljoen.",
        "Kamerstuk 36 200 XV, nr. 96",  # the footnote line; its superscript is not part of the quote
        "Gemeenten kunnen het geld uitgeven aan de preventie van armoede en schulden.",
        "Zij kunnen een deel van de totale middelen – de zg. integrale middelen – naar eigen keuze inzetten.",
    ]


def test_initials_o_a_and_thousands_do_not_end_a_sentence() -> None:
    text = (
        "Het onderzoek is van F. Kaulingfreks, J.D. de Jong en S. Sieckelinck. Er is o.a. kennis gedeeld. "
        "In totaal is in 2023 € 313.327 via een DU verstrekt. JenV gaf 2,1 miljoen."
    )
    assert sentences(text) == [
        "Het onderzoek is van F. Kaulingfreks, J.D. de Jong en S. Sieckelinck.",
        "Er is o.a. kennis gedeeld.",
        "In totaal is in 2023 € 313.327 via een DU verstrekt.",
        "JenV gaf 2,1 miljoen.",
    ]


def test_a_full_stop_inside_a_quoted_title_does_not_end_the_sentence() -> None:
    # Footnote 3 of the Kamerbrief: the title «Homebase. Een basis ...» was cut in two, and "Een basis
    # voor interventies ter preventie van jeugdcriminaliteit», 2024." was quoted for "Wanneer?".
    text = (
        "F. Kaulingfreks, J.D. de Jong en S. Sieckelinck, «Homebase. Een basis voor interventies ter "
        "preventie van jeugdcriminaliteit», 2024. Hij zei: “Dit werkt. Echt.” Daarna volgde de rest."
    )
    assert sentences(text) == [
        "F. Kaulingfreks, J.D. de Jong en S. Sieckelinck, «Homebase. Een basis voor interventies ter "
        "preventie van jeugdcriminaliteit», 2024.",
        "Hij zei: “Dit werkt. Echt.”",
        "Daarna volgde de rest.",
    ]
    # An opening quote that is never closed in the paragraph does not swallow the sentences after it.
    unclosed = "Het heet «Homebase. Een basis. Dat is alles."
    assert sentences(unclosed) == ["Het heet «Homebase.", "Een basis.", "Dat is alles."]


def test_a_salutation_on_a_line_of_its_own_ends_there() -> None:
    # An uploaded letter with no blank line after "Geachte leden," had the salutation quoted as the
    # start of its first sentence (found by a fresh user).
    letter = (
        "Rivierstad, 14 mei 2025\nGeachte leden,\nHierbij ontvangt u het besluit. Het wijkbudget is "
        "€ 40.000.\nMet vriendelijke groet,\nDe wethouder"
    )
    assert sentences(letter) == [
        "Rivierstad, 14 mei 2025",
        "Geachte leden,",
        "Hierbij ontvangt u het besluit.",
        "Het wijkbudget is € 40.000.",
        "Met vriendelijke groet,",
        "De wethouder",
    ]
    # A hard-wrapped line of running text that starts with such a word is not a salutation.
    wrapped = "De gemeente vindt de\nbeste oplossing, zo zegt zij,\nhet geld te verdelen."
    assert sentences(wrapped) == [wrapped]


def test_list_items_are_sentences_without_their_bullets() -> None:
    text = (
        "De projecten richten zich vooral op:\n\n- Het organiseren van ontmoetingen;\n"
        "- Activatie bewoners en sleutelfiguren;\n- Ondersteuning ouders en ouder-netwerken."
    )
    assert sentences(text) == [
        "De projecten richten zich vooral op:",
        "Het organiseren van ontmoetingen;",
        "Activatie bewoners en sleutelfiguren;",
        "Ondersteuning ouders en ouder-netwerken.",
    ]


def test_list_items_run_into_one_sentence_are_sentences_of_their_own() -> None:
    # Decision lists run their items into one sentence (Wassenaar, 2 September 2025).
    text = (
        "B&W op te dragen zorg te dragen door: a. de beschikking bekend te maken; en: b. de "
        "beschikking ter inzage te leggen; en: c. de beschikking binnen vier dagen na bekendmaking "
        "aan te bieden bij het Kadaster. Op grond van artikel 5.1 lid 2 onder b."
    )
    assert sentences(text) == [
        "B&W op te dragen zorg te dragen door:",
        "a. de beschikking bekend te maken; en:",
        "b. de beschikking ter inzage te leggen; en:",
        "c. de beschikking binnen vier dagen na bekendmaking aan te bieden bij het Kadaster.",
        "Op grond van artikel 5.1 lid 2 onder b.",
    ]


def test_labelled_fields_run_into_one_line_are_sentences_of_their_own() -> None:
    # Committee decision lists print a record of fields on one line (Tweede Kamer, 27 March 2015).
    text = (
        "Voortouwcommissie: vaste commissie voor Binnenlandse Zaken Document: Besluitenlijst van de "
        "e-mailprocedure Besluit: Het voorstel heeft niet kunnen rekenen op een meerderheid.\n\n"
        "Noot: In de e-mailprocedure hebben de volgende fracties ingestemd: SP, GL en groep Kuzu."
    )
    assert sentences(text) == [
        "Voortouwcommissie: vaste commissie voor Binnenlandse Zaken",
        "Document: Besluitenlijst van de e-mailprocedure",
        "Besluit: Het voorstel heeft niet kunnen rekenen op een meerderheid.",
        "Noot: In de e-mailprocedure hebben de volgende fracties ingestemd: SP, GL en groep Kuzu.",
    ]
    # One label in prose is no record.
    prose = "De minister schreef het zo in de Kamerbrief Kernpunten: het budget stijgt."
    assert sentences(prose) == [prose]


def test_citation_markers_stay_with_the_sentence_they_close() -> None:
    text = "JenV stelde 2,1 miljoen beschikbaar. [1] Het doel is weerbaarheid van jongeren [2]. Klaar.[1][3]"
    assert sentences(text, citation_markers=True) == [
        "JenV stelde 2,1 miljoen beschikbaar. [1]",
        "Het doel is weerbaarheid van jongeren [2].",
        "Klaar.[1][3]",
    ]


# --- what a question asks for -------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?", "money"),
        ("Hoeveel heeft het tweede congres gekost?", "money"),
        ("How much does the Agenda invest in the SPUK?", "money"),
        ("Hoeveel gemeenten kregen een DU?", "amount"),
        ("How many members does the council have?", "amount"),
        ("Waar vond het eerste congres plaats?", "where"),
        # "wanneer" / "when" after another question word is a conjunction, not the question.
        ("Wie beoordeelt een opgave als onwaarschijnlijk wanneer alle kosten op één taakveld staan?", "who"),
        ("Who judges a submission implausible when nearly all costs are on one task field?", "who"),
        ("Which municipality receives money when it applies?", "which"),
        ("Sinds wanneer bestaat de Maatschappelijke Raad?", "date"),
        ("Where was the congress held?", "where"),
        ("Waar wordt het geld aan besteed?", "what"),  # "waar ... aan": what for, not where
        ("Waar komt het geld vandaan?", "what"),
        ("Voor hoe lang zijn de leden benoemd?", "date"),  # a length: "voor 2 jaar"
        ("Hoe lang loopt de Agenda?", "date"),
        ("Wanneer werd het eerste congres gehouden?", "date"),
        ("Until when does the Agenda run?", "date"),
        ("Wie heeft de Kamerbrief ondertekend?", "who"),
        ("Welke staatssecretaris stuurde de Agenda?", "who"),
        ("Welke activiteiten organiseren gemeenten?", "which"),
        ("Which topics were discussed?", "which"),
        ("Waarom wordt ook een DU ingezet?", "why"),
        ("What is the aim of the Social Labs?", "why"),
        ("Waar staat de afkorting SPUK voor?", "abbreviation"),
        ("Wat doen de community builders?", "what"),
    ],
)
def test_question_types_in_dutch_and_english(question: str, expected: str) -> None:
    assert question_type(question) == expected


def test_a_double_question_is_answered_part_by_part() -> None:
    parts = question_parts(
        "Hoeveel geld stelde JenV beschikbaar en in hoeveel wijken worden werkplaatsen opgezet?"
    )
    assert parts == ["Hoeveel geld stelde JenV beschikbaar", "in hoeveel wijken worden werkplaatsen opgezet?"]
    assert question_parts("Welke ministeries en gemeenten doen mee?") == [
        "Welke ministeries en gemeenten doen mee?"
    ]


def test_type_bonus_prefers_the_fact_that_was_asked_for() -> None:
    known = frozenset()
    du = "Daarmee kregen tot nu toe 7 gemeenten een financiële bijdrage vanuit de Agenda."
    areas = "De SPUK Kansrijke Wijk richt zich uitsluitend op de 20 gebieden uit het Nationaal Programma."
    part = "Hoeveel gemeenten kregen een DU?"
    assert type_bonus("amount", du, known, part) > type_bonus("amount", areas, known, part) > 0
    # A year is a date, not a count; "bijlage 1" names, it does not count.
    assert type_bonus("amount", "In mei 2024 werd het eerste congres gehouden.", known, part) == 0
    assert type_bonus("amount", "Instemmen met de Kamerbrief (bijlage 1) en ondertekenen.", known, part) == 0
    assert (
        type_bonus(
            "money", "Het Ministerie heeft 2,1 miljoen ter beschikking gesteld.", known, "Hoeveel geld?"
        )
        == 1
    )
    assert type_bonus("money", du, known, "Hoeveel geld?") == 0
    # "Op welke datum" wants a day; "tot wanneer" wants an end.
    dated = "Den Haag, 26 november 2024"
    assert type_bonus("date", dated, known, "Op welke datum?") > type_bonus(
        "date", "In 2024.", known, "Op welke datum?"
    )
    assert type_bonus("date", "De Agenda loopt tot eind 2025.", known, "Tot wanneer loopt de Agenda?") == 1
    # A letter to parliament dates by its recess or season: "voor het zomerreces", "na de zomer".
    recess = "Uw Kamer wordt hier voor het zomerreces over geïnformeerd."
    assert type_bonus("date", recess, known, "Wanneer wordt de Kamer geïnformeerd?") == 1
    assert type_bonus("date", "Uw Kamer wordt hierover geïnformeerd.", known, "Wanneer?") == 0
    # An enumeration is not answered by repeating its count.
    assert type_bonus("which", du, known, "Welke 7 gemeenten kregen een bijdrage?") == 0
    # A yes/no question is answered outright by "Ja, ..." or "Nee, ..." (Kamervragen answers).
    yes = "Ja, ADSB en de Staat zijn momenteel bezig met de herbeoordeling van de ekv voor dit project."
    assert type_bonus("yesno", yes, known, "Is Atradius DSB begonnen met de herbeoordeling?") == 1
    assert type_bonus("yesno", "Janssen is begonnen.", known, "Is Janssen begonnen?") == 0
    concluded = "Er is dus geen concurrentie tussen de waterstofleiding in de DRC en het transportnet."
    assert type_bonus("yesno", concluded, known, "Concurreert de waterstofleiding met het net?") == 0.5
    # A denial in the question's own verb answers it with no; repeating the verb alone does not.
    denied = "Er zijn op dit moment geen middelen gereserveerd voor het voortzetten van de Agenda na 2025."
    asked = "Is er al budget gereserveerd om de Agenda na 2025 door te laten lopen?"
    assert type_bonus("yesno", denied, known, asked) == 1
    assert type_bonus("yesno", denied.replace("geen ", ""), known, asked) == 0
    assert type_bonus("yesno", "Er is geen tweede congres.", known, asked) == 0  # another verb
    # A reason may be given as what something has to do with.
    assert type_bonus("why", "Dit heeft te maken met het opsporingsbelang.", known, "Waarom?") == 1
    # "uw Kamer" is the letter's addressee, not the organisation a "welke instantie" question asks for.
    privacy = "In verband met de privacy van de jongeren kan ik de informatie niet met uw Kamer delen."
    agency = "De jongeren worden dan begeleid door de Raad voor de Kinderbescherming."
    asked = "Welke instantie zou de jongeren begeleiden?"
    assert type_bonus("who", privacy, known, asked) < 0.8 <= type_bonus("who", agency, known, asked)
    # An organisation may be written as one lower-case compound ending in an organisation word.
    reclassering = "Er zou sprake kunnen zijn van begeleiding door de jeugdreclassering."
    assert type_bonus("who", reclassering, known, asked) > 0
    assert type_bonus("who", "De voorraad is groot genoeg voor twee maanden.", known, asked) == 0
    # A name may open the sentence; a pronominal adverb there is no name.
    gupta = "Gupta heeft in 2015 in opdracht van mijn ambtsvoorganger een analyse uitgevoerd."
    assert type_bonus("which", gupta, known, "Welk bureau analyseerde in 2015 de haalbaarheid?") == 1
    assert (
        type_bonus("which", "Daarnaast is een analyse uitgevoerd.", known, "Welk bureau analyseerde dit?")
        == 0
    )
    # "Welke minimale afstandseis" is answered by the measure given for it.
    measure = "Daarnaast geldt een minimale afstandeis van 8 meter."
    assert type_bonus("which", measure, known, "Welke minimale afstandseis geldt voor een opslagplaats?") == 1
    # Three things joined by "en" are a list.
    kit = "Een opslagplaats moet tenminste een sprinklerinstallatie en brandwerende muren en deuren hebben."
    # A list answers, more weakly when it does not say the asked noun.
    assert type_bonus("which", kit, known, "Welke voorzieningen moet een opslagplaats hebben?") >= 0.6


def test_text_chunks_cut_after_markers_and_join_back() -> None:
    text = "Volgens de documenten: A. [1] B. [2] C. [3]"
    chunks = text_chunks(text)
    assert len(chunks) == 3 and "".join(chunks) == text


# --- answers over the real index -----------------------------------------------------


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    a = Assistant(Settings(index=tmp_path_factory.mktemp("answering") / "index", corpus=ROOT / "corpus"))
    a.ingest(progress=False)
    return a


ANSWERABLE = {
    "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?": "2,1 miljoen",
    "Hoeveel gemeenten kregen tot nu toe een financiële bijdrage via de Decentrale Uitkering?": "7 gemeenten",
    "Hoeveel geld is er in 2023 via de Decentrale Uitkering verstrekt?": "313.327",
    "Hoeveel bedraagt de investering vanuit de Agenda in de SPUK Kansrijke Wijk?": "6,3 miljoen",
    "Wanneer werd het eerste Congres Veerkrachtige & Weerbare Samenleving gehouden?": "mei 2024",
    "Tot wanneer loopt de Agenda Veerkrachtige & Weerbare Samenleving?": "eind 2025",
    "Uit hoeveel personen bestaat de Maatschappelijke Raad?": "7 personen",
    "Welke ministeries hebben samen geld beschikbaar gesteld voor de 20 kwetsbare gebieden?": "BZK",
    "Wat is het doel van de Social Labs?": "jongeren",
    "Welke activiteiten organiseren gemeenten met de bijdrage uit de DU?": "mediawijsheid",
    "Waarom wordt naast de SPUK Kansrijke Wijk ook een Decentrale Uitkering ingezet?": "meer gemeenten",
    "Waar staat de afkorting SPUK voor?": "Specifieke Uitkering",
}
UNANSWERABLE = [
    "Hoeveel heeft het tweede congres gekost?",  # the documents give no cost
    "Wat kost het online platform van de Agenda?",
    "Hoeveel mensen namen deel aan het eerste congres in mei 2024?",
    "Welke 7 gemeenten kregen een bijdrage via de Decentrale Uitkering?",  # the count, but no names
    "Wat is de hoofdstad van Frankrijk?",  # off-topic
    "Hoe laat gaat de trein naar Utrecht?",  # off-topic
    "Wie is de minister-president?",
    "In welke wijken komen de nieuwe jongerenwerkplaatsen?",  # "in drie wijken": counted, never named
]


def assert_citations_check_out(answer: Answer) -> None:
    """Every [n] in the text resolves, and every quote is the exact span of its passage."""
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    numbers = [c.n for c in answer.citations]
    assert markers and markers == set(numbers), (answer.text, numbers)
    assert numbers == sorted(numbers) == list(range(1, len(numbers) + 1))  # numbered by first use
    for c in answer.citations:
        assert c.quote and c.passage.text[c.quote_start : c.quote_end] == c.quote
        assert re.sub(r"\s+", " ", c.quote) in answer.text  # quoted verbatim (line breaks read as spaces)
        assert c.to_json()["quote"] in c.to_json()["text"]


@pytest.mark.parametrize(("question", "fact"), list(ANSWERABLE.items()))
def test_answers_quote_the_fact_and_every_marker_resolves(
    assistant: Assistant, question: str, fact: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert fact in answer.text
    assert any(fact in c.quote for c in answer.citations)
    assert_citations_check_out(answer)
    assert answer.text.startswith(FRAMING["nl"])


@pytest.mark.parametrize("question", EXAMPLE_QUESTIONS)
def test_every_example_question_of_the_web_chat_gets_a_cited_dutch_answer(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert answer.citations
    assert_citations_check_out(answer)
    assert answer.text.startswith(FRAMING["nl"])  # a Dutch question, framed in Dutch


def test_the_social_labs_amount_is_cited_with_its_sentence(assistant: Assistant) -> None:
    answer = assistant.ask("Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?")
    quote = next(c.quote for c in answer.citations if "2,1 miljoen" in c.quote)
    assert quote.startswith("Het Ministerie van Justitie en Veiligheid (JenV)") and quote.endswith(
        "te ontwikkelen."
    )
    data = answer.to_json()
    assert set(data) == {"answer", "refused", "method", "notice", "removed", "corrected", "citations"}
    assert set(data["citations"][0]) == {
        "n",
        "doc_id",
        "title",
        "type",
        "date",
        "page",
        "page_end",
        "section",
        "text",
        "quote",
    }


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_what_the_documents_do_not_say_is_refused(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused, answer.text
    assert answer.citations == [] and "[" not in answer.text
    assert answer.text.startswith(REFUSAL["nl"] + " Dichtstbijzijnde passages: ")
    assert answer.hits  # the closest evidence is kept for the reader
    assert answer.hits[0].passage.title in answer.text
    for title in {h.passage.title for h in answer.hits[:3]}:
        assert answer.text.count(title) == 1, answer.text  # each document named once, its sections after it


def test_english_questions_get_english_framing_and_dutch_quotes(assistant: Assistant) -> None:
    answer = assistant.ask("How much money was paid out through the decentralised grant (DU) in 2023?")
    assert not answer.refused
    assert answer.text.startswith("According to the documents (quoted in Dutch): ")
    assert "€ 313.327 via een DU verstrekt" in answer.text
    assert_citations_check_out(answer)
    refused = assistant.ask("What is the capital of France?")
    assert refused.refused and refused.text.startswith(REFUSAL["en"] + " Closest passages: ")


def test_a_refusal_names_each_document_once_and_a_title_line_not_as_its_section() -> None:
    # Found by the fresh-clone check on cases 04, 08 and 17: a title line is a passage whose section
    # is the title itself ("Brief V — Brief V (p. 1)"), and a passage without a section left "— (p. 1)".
    def passage(title: str, section: str | None, page: int | None, page_end: int | None = None) -> Passage:
        return Passage(
            f"{title}{page}", "d", title, "brief", "tekst", page, section, 0, 5, 0, page_end=page_end
        )

    places = closest_places(
        [passage("Brief V", "Brief V", 1), passage("Brief V", "Brief V", 2, 3), passage("Aanvraag", None, 1)]
    )
    assert places == "Brief V (p. 1, 2–3); Aanvraag (p. 1)"
    assert closest_places(
        [passage("Aanvraag", "Gevraagd bedrag", 1), passage("Aanvraag", "Besluit", None)]
    ) == ("Aanvraag — Gevraagd bedrag (p. 1), Besluit")


def test_a_passage_that_shares_only_the_year_does_not_answer(assistant: Assistant) -> None:
    # rephrased rp-u08: an English question's words count only when found, so "De Agenda loopt tot eind
    # 2025." covered all that had to be covered of "What is the minimum wage in 2025?": its year.
    refused = assistant.ask("What is the minimum wage in 2025?")
    assert refused.refused, refused.text
    answered = assistant.ask("How much money did the DU provide in 2023?")  # the DU and the year: found
    assert not answered.refused and "€ 313.327" in answered.text


def test_english_words_are_rendered_by_the_dutch_words_of_the_passages(assistant: Assistant) -> None:
    # The model pairs "advice" with "advies" and "costs" with "kosten", not with a Dutch word that
    # merely starts alike ("ondertekenen") or a neighbour ("geld").
    def vectors(texts: list[str]) -> np.ndarray:
        return embed_queries(assistant.embedder, texts)

    dutch = ["ondertekenen", "advies", "geld", "kosten", "gemeenten"]
    assert dutch_renderings(["advice", "costs"], dutch, vectors, 0.91) == ("advies", "kosten")
    assert dutch_renderings(["advice"], dutch, vectors, 0.99) == ()
    assert passage_words(["De Raad geeft advies, over de uitvoering."]) == ["geeft", "advies", "uitvoering"]
    # Without it the English words found nothing in the Dutch text and a sentence about the
    # Agenda in general was quoted; "advies" and "uitvoering" pick the Raad's own sentence.
    answer = assistant.ask("Who gives advice on the implementation of the Agenda?")
    framing = "According to the documents (quoted in Dutch): "
    assert answer.text.startswith(framing + "De Maatschappelijke Raad geeft")
    assert_citations_check_out(answer)


def test_the_answer_streams_in_pieces_before_the_final_answer(assistant: Assistant) -> None:
    items = list(
        assistant.ask_stream(
            "Hoeveel bedragen de middelen voor de SPUK Kansrijke Wijk, en welk deel komt uit de Agenda?"
        )
    )
    *chunks, final = items
    assert isinstance(final, Answer) and all(isinstance(c, str) for c in chunks)
    assert len(chunks) >= 2 and "".join(chunks) == final.text
    assert "256 miljoen" in final.text and "6,3 miljoen" in final.text  # one quote per part of the question
    assert_citations_check_out(final)


def test_the_answer_is_deterministic(assistant: Assistant) -> None:
    question = "Wat doen de community builders in Woensel Zuid?"
    first, second = assistant.ask(question), assistant.ask(question)
    assert first.text == second.text and "buurtactiviteiten" in first.text


def test_without_passages_the_answerer_refuses() -> None:
    answer = ExtractiveAnswerer(Settings()).answer("Hoeveel geld?", [])
    assert answer.refused and answer.text == REFUSAL["nl"] and answer.citations == []


def test_a_quoted_sentence_brings_the_footnote_it_points_to() -> None:
    text = (
        "SZW heeft onderzoek laten uitvoeren naar jongerenwerkplaatsen in Nederland.³ Verder niets.\n\n"
        "² Kamerstuk 30 995, nr. 103\n\n"
        "³ F. Kaulingfreks, J.D. de Jong en S. Sieckelinck, «Homebase», 2024."
    )
    sentence_end = text.index("Nederland.") + len("Nederland.")
    [(start, end)] = footnotes_cited(text, 0, sentence_end)  # the marker trails the quote
    assert text[start:end].startswith("³ F. Kaulingfreks")
    # A quote without a marker, or a quote that is the footnote itself, brings nothing.
    assert footnotes_cited(text, sentence_end + 2, sentence_end + 15) == []
    assert footnotes_cited(text, start, end) == []


def test_the_authors_in_a_footnote_reach_the_answer(assistant: Assistant) -> None:
    question = "Wie hebben het onderzoek naar de succesfactoren van jongerenwerkplaatsen geschreven?"
    answer = assistant.ask(question)
    assert not answer.refused
    assert "Kaulingfreks" in answer.text
    assert_citations_check_out(answer)


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        ("Wie heeft de Kamerbrief over de voortgang van de Agenda ondertekend?", "J.N.J. Nobel"),
        ("Who signed the letter about the progress of the Agenda?", "J.N.J. Nobel"),
        ("Op welke datum is de Kamerbrief gedateerd?", "Den Haag, 26 november 2024"),
        ("When was the letter dated?", "26 november 2024"),
        ("Aan wie is de Kamerbrief gericht?", "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal"),
        ("Wat is het Kamerstuknummer van de brief?", "36 600 XV"),
        ("Welk Kamerstuk is de brief?", "Nr. 32"),  # the letter's number, a few lines below the dossier's
        ("Van wanneer is de Kamerbrief?", "26 november 2024"),
        ("When was the letter sent?", "26 november 2024"),
        ("Wie stuurde de Kamerbrief?", "BRIEF VAN DE STAATSSECRETARIS VAN SOCIALE ZAKEN EN WERKGELEGENHEID"),
    ],
)
def test_document_facts_are_quoted_from_letterhead_and_signature(
    assistant: Assistant, question: str, quote: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert quote in answer.citations[0].quote
    assert answer.citations[0].passage.doc_id == "kst-36600-XV-32"
    assert_citations_check_out(answer)


@pytest.mark.parametrize(
    "question",
    [
        "Tot wanneer loopt de Agenda?",
        "Wanneer loopt de Agenda af?",
        "Wanneer eindigt de Agenda?",
        "Wanneer stopt de Agenda?",
        "Hoe lang loopt de Agenda?",
        "How long does the Agenda run?",
    ],
)
def test_an_end_date_is_found_however_the_end_is_asked(assistant: Assistant, question: str) -> None:
    # Found by a fresh user: only the first wording was answered; the particle "af" counted as a
    # word the sentence had to contain, and "eindigt" as one it had to repeat.
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert "eind 2025" in answer.text
    assert_citations_check_out(answer)


def test_a_document_fact_comes_from_the_kind_of_document_the_question_names(assistant: Assistant) -> None:
    # "ondertekenen" is the nota's subject, "aan wie ... gericht" what is asked; the nota is
    # addressed to the minister, the letter to the Speaker.
    answer = assistant.ask("Aan wie is de nota over het ondertekenen van de Kamerbrief gericht?")
    assert not answer.refused, answer.text
    assert answer.citations[0].passage.doc_id == "nota-agenda-vws-kamerbrief-2024"
    assert "Minister van SZW" in answer.citations[0].quote
    # The nota bears no signature: the letter's signature never answers for it.
    unsigned = assistant.ask("Wie heeft de nota ondertekend?")
    assert all("Nobel" not in c.quote for c in unsigned.citations), unsigned.text
    # "volgens de nota" names the source even when another kind comes first: the letter's own
    # signature does not say who the nota advises to sign it (found by a fresh user).
    advised = assistant.ask("Wie moet de Kamerbrief volgens de nota ondertekenen?")
    assert all("Nobel" not in c.quote for c in advised.citations), advised.text
    # An English kind is matched by its Dutch one.
    memo = assistant.ask("To whom is the memo addressed?")
    assert "Minister van SZW" in memo.citations[0].quote, memo.text


@pytest.mark.parametrize(
    ("sentence", "reference"),
    [
        (
            "1 NRC, 16 april 2024, «Reisorganisatie Corendon blijft Russische toeristen naar de zon vliegen»",
            True,
        ),
        ("2 Zie https://www.rijksoverheid.nl/documenten voor de brief.", True),
        ("10 gemeenten, 3 mei 2024 gestart met de aanpak.", False),
        ("In 2024 bedraagt de bijdrage 10 miljoen euro per jaar.", False),
    ],
)
def test_source_references_are_told_apart_from_facts(sentence: str, reference: bool) -> None:
    from assistant.sentence_kinds import is_source_reference

    assert is_source_reference(sentence) is reference


def test_the_date_of_a_letter_described_by_its_content_is_not_the_documents_own_date() -> None:
    from assistant.docfacts import asked_document_fact
    from assistant.question import parse_question

    assert asked_document_fact(parse_question("Op welke datum is de Kamerbrief gedateerd?")) == "date"
    described = parse_question("Van welke datum is de brief waarin de minister haar indruk over de NZa gaf?")
    assert asked_document_fact(described) is None


@pytest.mark.parametrize("opener", ["Daarom", "Dit", "Zij", "Hiermee", "Daaronder", "Daarvan", "Hierin"])
def test_a_quote_that_points_back_brings_the_sentence_it_points_to(opener: str) -> None:
    from assistant.sentences import with_context

    text = "De gemeente krijgt € 2 miljoen voor de wijkaanpak. " + opener + " start de aanpak in mei."
    start = text.index(opener)
    a, b = with_context(text, start, len(text), "date")
    assert text[a:b] == text  # the sentence it points back to comes along
    # Across a paragraph break the pointing word refers to something else: no widening.
    split = text.replace(". " + opener, ".\n\n" + opener)
    s = split.index(opener)
    assert with_context(split, s, len(split), "date") == (s, len(split))


@pytest.mark.parametrize("label", ["a.", "1.", "2)", "-"])
def test_a_lead_in_is_quoted_with_the_list_items_that_follow_it(label: str) -> None:
    # A Wassenaar decision list letters the parts of a decision under a lead-in, each a paragraph of its
    # own; only bulleted items came along, so "... vast te stellen vanaf 01-04- 2023:" was quoted alone.
    from assistant.sentences import with_context

    lead = "De indexatie voor zorgproducten binnen de H6 vast te stellen vanaf 1 april 2023:"
    items = [f"{label} voor zorgproducten begeleiding op 3,05%.", f"{label} voor vervoersproducten op 2,5%."]
    text = "\n\n".join(["Besluit:", lead, *items, "10.c.2 Proces actualisatie Uitvoeringsplan Jeugdhulp"])
    start = text.index(lead)
    a, b = with_context(text, start, start + len(lead), "amount")
    assert text[a:b] == "\n\n".join([lead, *items])


@pytest.mark.parametrize("opener", ["Hieronder", "Hierna", "Daarnaast", "Daar", "Daarentegen"])
def test_words_that_point_ahead_or_stand_alone_do_not_bring_the_sentence_before(opener: str) -> None:
    from assistant.sentences import points_back, with_context

    text = "De gemeente krijgt € 2 miljoen voor de wijkaanpak. " + opener + " start de aanpak in mei."
    start = text.index(opener)
    assert not points_back(text[start:])
    assert with_context(text, start, len(text), "date") == (start, len(text))


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # the doer named in its own section heading ("Maatschappelijke Raad") is still the answer
        ("Wie geeft advies over de uitvoering van de Agenda?", "De Maatschappelijke Raad geeft"),
        # the verb of the noun the text uses ("adviseert" for "geeft advies")
        ("Wie adviseert over de Agenda?", "De Maatschappelijke Raad geeft"),
        # a reason that follows the claim it explains, opening with a word that points back ("Zij")
        ("Waarom richt de Agenda zich op professionals in plaats van op burgers?", "beste inzicht"),
        ("Hoe vaak wordt de Kamer over de voortgang geïnformeerd?", "jaarlijks"),
    ],
)
def test_rephrased_who_why_and_how_often_questions(assistant: Assistant, question: str, fact: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert fact in " ".join(c.quote for c in answer.citations), answer.text
    assert_citations_check_out(answer)


def test_a_figure_of_no_stated_year_does_not_answer_a_question_about_a_year(assistant: Assistant) -> None:
    # "De investering vanuit de Agenda ... bedraagt € 6,3 miljoen" names no year; 2026 is not covered.
    answer = assistant.ask("Hoeveel geld krijgt de Agenda in 2026?")
    assert answer.refused, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Hoeveel leden heeft de Maatschappelijke Raad?", "7 personen"),  # people count as people
        ("Wanneer wordt de pilotfase afgesloten?", "in 2025"),  # "Hiermee ..." takes its date along
        ("Van welk ministerie is de brief?", "SOCIALE ZAKEN EN WERKGELEGENHEID"),  # the letterhead
    ],
)
def test_facts_a_new_user_asks_for_in_other_words(assistant: Assistant, question: str, fact: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert fact in " ".join(c.quote for c in answer.citations), answer.text
    assert_citations_check_out(answer)


@pytest.mark.parametrize(
    "question",
    [
        "Waar vond het eerste congres plaats?",  # a month is given, no place
        "Wie is de voorzitter van de Maatschappelijke Raad?",
        "Wie zitten er in de Maatschappelijke Raad?",  # counted and described, never named
    ],
)
def test_a_place_or_name_the_documents_do_not_give_is_refused(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused, answer.text


def test_wanneer_with_a_modal_verb_is_answered_by_a_condition() -> None:
    from assistant.when_facts import date_bonus

    # "Wanneer kan X?" asks under which condition as often as at what time.
    condition = "Het intrekken van polissen is alleen mogelijk indien sprake is van fraude."
    assert date_bonus("Wanneer kan een polis worden ingetrokken?", condition) == 1.0
    assert (
        date_bonus("Wanneer kunnen de rapporten worden gedeeld?", "Ze worden gedeeld zodra het land dat wil.")
        == 1.0
    )
    # A plain "wanneer" still wants a time.
    assert date_bonus("Wanneer start de regeling?", condition) == 0.0


def test_a_procedure_question_needs_a_sentence_that_gives_the_way() -> None:
    assert question_type("Hoe vraag ik een nieuw paspoort aan?") == "how"
    assert question_type("How can I apply for Buurtkracht?") == "how"
    assert question_type("Hoe wordt het programma zichtbaar gemaakt?") == "what"  # no one asks to act
    way = "U kunt de bijdrage aanvragen via het digitale loket van de gemeente."
    mention = "Er zullen ongetwijfeld mensen zijn die een Iers paspoort aanvragen."
    assert type_bonus("how", way, frozenset(), "Hoe vraag ik een bijdrage aan?") == 1.0
    assert type_bonus("how", mention, frozenset(), "Hoe vraag ik een nieuw paspoort aan?") == 0.0


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        (
            "Wie heeft de Kamerbrief ondertekend, en hoeveel gemeenten kregen een DU?",
            ["Nobel", "7 gemeenten"],
        ),
        (
            "Op welke datum is de Kamerbrief gedateerd en wanneer was het eerste congres?",
            ["26 november 2024", "mei 2024"],
        ),
        # A second part that names nothing asks the same document's date, not a date in its text
        # (a fresh user got the debate's "16 oktober").
        ("Wie heeft de Kamerbrief ondertekend en op welke datum?", ["Nobel", "26 november 2024"]),
    ],
)
def test_a_double_question_with_a_document_fact_answers_both_parts(
    assistant: Assistant, question: str, facts: list[str]
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for fact in facts:
        assert fact in answer.text, answer.text
    assert_citations_check_out(answer)


def test_hoe_laat_is_answered_by_a_clock_time() -> None:
    from assistant.when_facts import date_bonus

    assert question_type("Hoe laat begint de vergadering?") == "date"
    assert date_bonus("Hoe laat begint de vergadering?", "De vergadering begint om 17.00 uur.") == 1.0
    assert date_bonus("Hoe laat begint de vergadering?", "De vergadering is op 29 juni 2015.") == 0.0


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("Wie is de staatssecretaris van SZW?", False),  # the signature names the office and its holder
        ("Wie is de minister van SZW?", True),  # no minister is named
    ],
)
def test_an_office_is_answered_only_with_its_holder(
    assistant: Assistant, question: str, refused: bool
) -> None:
    answer = assistant.ask(question)
    assert answer.refused is refused, answer.text
    if not refused:
        assert "Nobel" in answer.text


def test_a_welke_question_prefers_a_sentence_that_names_its_kind() -> None:
    part = "Welke verordening heeft de raad vastgesteld?"
    named = "De raad stelt de Verordening op de kamerverhuurpanden 2015 vast."
    other = "De heer G.J. Braas wordt herbenoemd als lid van de Rekenkamercommissie."
    assert type_bonus("which", named, frozenset(), part) > type_bonus("which", other, frozenset(), part)
    assert question_type("Op welke dag is over de wet gestemd?") == "date"
    # A law is named by its title, which starts with the kind word the question has.
    law = "Welke wet is de grond voor de geheimhouding?"
    woo = "Op grond van artikel 5.1 lid 2 onder b Wet open overheid geheimhouding op te leggen."
    assert type_bonus("which", woo, frozenset({"wet", "geheimhouding"}), law) == 1.0
    assert type_bonus("which", "De Omgevingswet geldt.", frozenset(), law) == 1.0
    assert type_bonus("which", "Die wet geldt niet meer.", frozenset({"wet"}), law) < 1.0
    # A thing may be named by its number or code: "taakveld 0.4" (Iv3), "artikel 5.1".
    field = "Op welk taakveld horen de kosten van de gemeentesecretaris?"
    coded = "de gemeentesecretaris, die behoort onder taakveld 0.4."
    assert type_bonus("which", coded, frozenset({"taakveld", "gemeentesecretaris"}), field) == 1.0
    assert type_bonus("which", "Tot dit taakveld en het vorige behoren taken.", frozenset(), field) < 1.0


def test_an_addressee_is_no_place() -> None:
    where = "Waar vond het eerste congres plaats?"
    sent = "In de zomer van 2023 is de Agenda naar de Tweede Kamer verzonden."
    assert type_bonus("where", sent, frozenset(), where) == 0.0
    assert type_bonus("where", "Het congres werd gehouden in Utrecht.", frozenset(), where) == 1.0


def test_a_count_that_leans_on_a_sentence_about_another_scheme_is_not_the_asked_schemes(
    assistant: Assistant,
) -> None:
    # "Om meer gemeenten te kunnen bedienen, wordt ook een Decentrale Uitkering (DU) als instrument
    # ingezet. Daarmee kregen tot nu toe 7 gemeenten een financiële bijdrage": the 7 are the DU's.
    spuk = assistant.ask("Hoeveel gemeenten doen mee aan de SPUK Kansrijke Wijk?")
    assert "7 gemeenten" not in spuk.text, spuk.text
    du = assistant.ask("Hoeveel gemeenten kregen geld uit de DU?")
    assert not du.refused and "7 gemeenten" in du.citations[0].quote, du.text


def test_a_sum_of_money_counts_nothing() -> None:
    from assistant.facts import type_bonus
    from assistant.scoring import FACT_MINIMUM

    sum_only = "De investering vanuit de Agenda in deze SPUK bedraagt € 6,3 miljoen."
    assert type_bonus("amount", sum_only, frozenset(), "Hoeveel gemeenten doen mee?") < FACT_MINIMUM
    counted = "In 2023 is € 313.327 via een DU verstrekt aan 7 gemeenten."
    assert type_bonus("amount", counted, frozenset(), "Hoeveel gemeenten doen mee?") == 1.0
    # "Hoeveel brengen de heffingen op?" counts nothing: a sum answers it.
    yields = "De geraamde opbrengst bedraagt € 29.169.000."
    assert type_bonus("amount", yields, frozenset(), "Hoeveel brengen de heffingen op?") >= FACT_MINIMUM


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("When is the second congress?", "tweede congres"),
        ("When was the first congress?", "eerste Congres"),
        ("Wanneer is het tweede congres?", "tweede congres"),
    ],
)
def test_an_ordinal_tells_one_of_a_series_from_another(
    assistant: Assistant, question: str, fact: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused and fact in answer.citations[0].quote, answer.text


def test_ordinal_conflicts_leave_names_and_mentions_of_both_alone() -> None:
    from assistant.ordinals import ordinal_conflict

    assert ordinal_conflict("When is the second congress?", "In mei 2024 werd het eerste Congres gehouden.")
    assert not ordinal_conflict("When is the second congress?", "Na het eerste volgt een tweede congres.")
    assert not ordinal_conflict("Wat besloot de Tweede Kamer?", "De Eerste Kamer stemde in.")  # names
    assert not ordinal_conflict("Wat staat in het eerste lid?", "Het tweede lid regelt de termijn.")
    assert not ordinal_conflict("Wanneer is het congres?", "Het eerste congres was in mei.")  # none asked


# A definition question is answered by the sentence whose subject is the asked thing, not by one
# that mentions it in passing (assistant.definitions); it is the first quote, or follows the sentence
# that introduces the thing.
DEFINITIONS = {
    "Wat zijn Social Labs?": "Het doel van de Social Labs is",
    "Wat is de Maatschappelijke Raad?": "De Maatschappelijke Raad geeft gevraagd en ongevraagd advies",
    "Wat is de SPUK Kansrijke Wijk?": "De SPUK Kansrijke Wijk richt zich uitsluitend op de 20 gebieden",
    "What is the Agenda Veerkrachtige en Weerbare Samenleving?": "De Agenda ",  # its short form as subject
}


@pytest.mark.parametrize(("question", "opening"), list(DEFINITIONS.items()))
def test_a_definition_question_first_quotes_what_the_thing_is(
    assistant: Assistant, question: str, opening: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert opening in answer.citations[0].quote, answer.text


def test_a_definition_is_quoted_with_the_sentence_that_introduces_the_thing(assistant: Assistant) -> None:
    answer = assistant.ask("Wat zijn Social Labs?")
    quote = answer.citations[0].quote
    assert quote.startswith("Het Ministerie van Justitie en Veiligheid (JenV)"), answer.text
    assert quote.endswith("veerkracht en weerbaarheid van jongeren."), answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Welke datum staat op de Kamerbrief?", "date"),
        ("What is the date of the letter?", "date"),
        ("Van wanneer is de Kamerbrief?", "date"),
        # A deadline, not the document's date; "verslag" is a kind of document too.
        ("Voor welke datum moet het gemeentebestuur verslag uitbrengen over de besteding?", None),
        ("Op welke datum moet de gemeente het verslag indienen?", None),
    ],
)
def test_a_date_question_asks_the_documents_own_date_only_when_it_says_so(
    question: str, fact: str | None
) -> None:
    from assistant.docfacts import asked_document_fact
    from assistant.question import parse_question

    assert asked_document_fact(parse_question(question)) == fact


def test_the_date_of_a_letter_the_documents_cite_comes_from_their_text(tmp_path: Path) -> None:
    # Kamervragen cite a progress letter; no indexed document is a letter, so "Van welke datum is de
    # voortgangsbrief ...?" asks the date their text gives, not the date the answers were received.
    from pdfs import make_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(
        corpus / "kv-jeugd.pdf",
        [
            "Vragen van het lid Jansen over jeugdzorg (ingezonden 1 juli 2024).\n\n"
            "Vraag 1\n\nWat is de stand van zaken van de Hervormingsagenda Jeugd?\n\n"
            "Antwoord van Staatssecretaris De Vries (ontvangen 30 augustus 2024).\n\n"
            "Antwoord 1\n\nIn de voortgangsbrief van 21 juni jl. is de stand van zaken van de "
            "Hervormingsagenda Jeugd uitgebreid beschreven. Daarin staan ook de afspraken met de gemeenten."
        ],
    )
    a = Assistant(Settings(index=tmp_path / "index", corpus=corpus, uploads=None))
    a.ingest(progress=False)
    assert a.documents()[0]["doc_type"] == "kamervragen"
    answer = a.ask("Van welke datum is de voortgangsbrief over de Hervormingsagenda Jeugd?")
    assert not answer.refused, answer.text
    assert "21 juni" in answer.citations[0].quote, answer.text
    assert_citations_check_out(answer)


def test_a_capital_after_a_sentence_end_is_no_name() -> None:
    from assistant.facts import names_in

    text = "De adviescommissie bestaat uit 7 personen die voor 2 jaar zijn benoemd. Zij zijn onafhankelijk."
    assert names_in(text) == []
    assert names_in("De Staatssecretaris, J.N.J. Nobel") == ["Staatssecretaris", "J.N.J", "Nobel"]


def test_the_members_of_a_body_are_named_people_not_their_number(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "raden.txt").write_text(
        "Adviesraad Wijkaanpak\n\n"
        "De Adviesraad Wijkaanpak bestaat uit 5 personen die voor 3 jaar zijn benoemd. Zij zijn "
        "onafhankelijk en komen uit verschillende regio's van Nederland.\n\n"
        "Jongerenraad\n\n"
        "De leden van de Jongerenraad zijn mevrouw A. de Vries, de heer P. Jansen en mevrouw S. Bakker.",
        encoding="utf-8",
    )
    a = Assistant(Settings(index=tmp_path / "index", corpus=corpus, uploads=None))
    a.ingest(progress=False)
    for question in (
        "Wie zijn de leden van de Adviesraad Wijkaanpak?",
        "Who are the members of the Adviesraad Wijkaanpak?",
    ):
        answer = a.ask(question)
        assert answer.refused, answer.text  # their number and a description name no one
    named = a.ask("Wie zitten er in de Jongerenraad?")
    assert not named.refused, named.text
    assert "A. de Vries" in named.citations[0].quote
    assert_citations_check_out(named)
