"""A corpus of one short document the answerer was never tuned on (a user's own upload).

With one passage, every word is "in most retrieved passages", and the words common to
most passages count as the corpus's theme, never as an answer to "wie": so "door de firma
Renewi" named nobody and "Wie haalt het restafval op?" was refused. Found by a user
trying the app on a one-sentence document; the real embedding model and Chroma are used.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpora import indexed_assistant

from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.terms import nominal_verbs, split_verbs, verb_form
from assistant.when_facts import FREQUENCY
from assistant.who_facts import _agent_noun

WASTE = """# Afvalinzameling Testdorp

De gemeente Testdorp haalt het gft-afval elke week op. Het restafval wordt elke twee weken
opgehaald door de firma Renewi. Grofvuil kunt u op afspraak laten ophalen.
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return indexed_assistant(tmp_path_factory, "waste", {"afval.md": WASTE})


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Wie haalt het restafval op?", "door de firma Renewi"),
        ("Door wie wordt het restafval opgehaald?", "door de firma Renewi"),
        ("Wie haalt het gft-afval op?", "De gemeente Testdorp haalt het gft-afval"),
        ("Hoe vaak wordt het restafval opgehaald?", "elke twee weken"),
        ("Hoe vaak wordt het gft-afval opgehaald?", "elke week"),
    ],
)
def test_one_passage_answers_who_and_how_often(assistant: Assistant, question: str, fact: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert fact in answer.citations[0].quote


def test_a_doer_of_another_thing_is_no_answer(assistant: Assistant) -> None:
    # The document says grofvuil is collected on request, not by whom: the Renewi sentence shares
    # the verb ("opgehaald"), not the thing, so it is not about grofvuil.
    answer = assistant.ask("Wie haalt het grofvuil op?")
    assert answer.refused, answer.text


def test_frequencies_and_verb_forms() -> None:
    for said in ("elke twee weken", "om de week", "iedere 4 weken", "every two weeks", "jaarlijks"):
        assert FREQUENCY.search(said), said
    assert not FREQUENCY.search("in de week van de zorg")
    assert verb_form("haalt") and verb_form("opgehaald") and verb_form("steunden")
    assert not verb_form("grofvuil") and not verb_form("gemeenten") and not verb_form("restafval")


def test_a_noun_in_ing_is_covered_by_its_verb(tmp_path: Path) -> None:
    # "het trainen van vrijwilligers" asks about "de training van vrijwilligers" (case 04 reworded).
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "brief.md").write_text(
        "# Vrijwilligers\n\nVoor de training van nieuwe vrijwilligers is in totaal € 600.000 gereserveerd.\n",
        encoding="utf-8",
    )
    a = Assistant(Settings(index=tmp_path / "index", corpus=corpus))
    a.ingest(progress=False)
    answer = a.ask("Welk bedrag is bestemd voor het trainen van vrijwilligers?")
    assert not answer.refused, answer.text
    assert "€ 600.000" in answer.citations[0].quote
    assert nominal_verbs({"training", "uitvoering", "ring", "ondersteuning"}) == {
        "trainen", "uitvoeren", "ondersteunen"
    }  # fmt: skip
    # loan verbs in -eren and their nouns in -atie / -ies
    assert nominal_verbs({"evaluatie", "organisatie", "advies", "natie", "ies"}) == {
        "evalueren", "organiseren", "adviseren"
    }  # fmt: skip


RESEARCH = """# Onderzoek naar het ontslag van de wethouder

A. de volgende formulering van de onderzoeksopdracht vast te stellen:

1. Reconstrueer en analyseer het proces dat heeft geleid tot de ontslagneming als wethouder
door de heer G.K. Visser.
2. Bied de heer G.K. Visser de gelegenheid om zijn zienswijze te geven (wederhoor).

B. het college van burgemeester en wethouders op te dragen het onderzoek uit te laten voeren
door een onafhankelijk onderzoeker;
"""


def test_the_doer_of_a_te_infinitive_answers_who_carries_it_out(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # gemeente gm-14 (Den Helder, 2015-06-29): "uit te laten voeren" is "uitvoeren" split by "te laten",
    # and "een onafhankelijk onderzoeker" a doer named by a noun. "door de heer G.K. Visser" names the
    # man the question is about, not who does the research.
    a = indexed_assistant(tmp_path_factory, "research", {"besluit.md": RESEARCH})
    answer = a.ask("Wie moet het onderzoek naar het ontslag van Visser uitvoeren?")
    assert not answer.refused, answer.text
    assert "door een onafhankelijk onderzoeker" in answer.citations[0].quote


def test_separable_verbs_split_by_te_and_doers_named_by_a_noun() -> None:
    assert split_verbs("het onderzoek uit te laten voeren door een onderzoeker") >= {"uitvoeren"}
    assert split_verbs("De aanvraag is uiterlijk in november in te dienen.") >= {"indienen"}
    assert _agent_noun("door een externe adviseur") and _agent_noun("door de gemeente Wassenaar")
    assert _agent_noun("uitgevoerd door de uitvoerder")
    assert not _agent_noun("door de vertraging") and not _agent_noun("door het kader van de wet")
