"""The Markdown export keeps every source findable: footnotes with title, date, Kamerstuk, page, quote."""

from __future__ import annotations

import re
from datetime import datetime

from assistant.export import conversation_markdown, dutch_date, export_filename, replace_markers
from assistant.types import Answer, Citation, Passage


def passage(text: str, **kw: object) -> Passage:
    fields: dict = {
        "id": "p1",
        "doc_id": "kst-36600-XV-32",
        "title": "Kamerbrief Agenda Veerkrachtige & Weerbare Samenleving 2024",
        "doc_type": "kamerbrief",
        "text": text,
        "page": 3,
        "section": "Social Labs",
        "start": 0,
        "end": len(text),
        "chunk_index": 0,
        "date": "2024-11-26",
        "kamerstuk": "36 600 XV, nr. 32",
    }
    fields.update(kw)
    return Passage(**fields)


def cite(n: int, p: Passage, quote: str) -> Citation:
    start = p.text.index(quote)
    return Citation(n=n, passage=p, quote_start=start, quote_end=start + len(quote))


SOCIAL_LABS = passage(
    "Het Ministerie van Justitie en Veiligheid (JenV) heeft vanuit de aanpak Preventie met Gezag "
    "2,1 miljoen ter beschikking gesteld aan het Ministerie van SZW om zogenaamde Social Labs te ontwikkelen."
)
DU = passage(
    "Daarmee kregen tot nu toe 7 gemeenten een financiële bijdrage vanuit de Agenda.\nIn totaal is in 2023 "
    "€ 313.327 via een DU verstrekt.",
    id="p2",
    page=2,
    section="Decentrale Uitkering",
)
NOTA = passage(
    "De nota vraagt u de Kamerbrief te ondertekenen.",
    id="p3",
    doc_id="nota",
    title="Nota Agenda Veerkrachtige en Weerbare Samenleving",
    doc_type="nota",
    date=None,
    kamerstuk=None,
    page=None,
    section=None,
)


def conversation() -> list[tuple[str, Answer]]:
    first = Answer(
        question="Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?",
        text="JenV heeft 2,1 miljoen ter beschikking gesteld [1].",
        refused=False,
        citations=[cite(1, SOCIAL_LABS, "2,1 miljoen ter beschikking gesteld")],
    )
    second = Answer(
        question="En hoeveel gemeenten kregen een DU?",
        text="7 gemeenten kregen een bijdrage [1]; in 2023 ging het om € 313.327 [2]. Zie ook [1, 2]. [2023]",
        refused=False,
        citations=[
            cite(1, DU, "7 gemeenten een financiële bijdrage"),
            cite(2, DU, "In totaal is in 2023 € 313.327 via een DU verstrekt."),
        ],
        notice="Het taalmodel was niet bereikbaar; dit is een letterlijk antwoord uit de documenten.",
    )
    third = Answer(
        question="Wat is de hoofdstad van Frankrijk?",
        text="Dit staat niet in de documenten.",
        refused=True,
    )
    return [(a.question, a) for a in (first, second, third)]


def test_footnotes_are_numbered_across_the_conversation_and_carry_the_full_reference() -> None:
    md = conversation_markdown(conversation(), exported_at=datetime(2025, 3, 4, 9, 5))

    assert md.startswith("# Gesprek met de documentassistent")
    assert "Geëxporteerd op 4 maart 2025, 09:05" in md
    assert "**Antwoord:** JenV heeft 2,1 miljoen ter beschikking gesteld [^1]." in md
    # The second answer restarts at [1] in the app; in the file it continues at [^2].
    assert "7 gemeenten kregen een bijdrage [^2]; in 2023 ging het om € 313.327 [^3]." in md
    assert "Zie ook [^2][^3]." in md
    assert "[2023]" in md  # a bracketed year is not a citation marker

    definitions = re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.M)
    assert [n for n, _ in definitions] == ["1", "2", "3"]
    first = definitions[0][1]
    assert first.startswith("*Kamerbrief Agenda Veerkrachtige & Weerbare Samenleving 2024*, kamerbrief")
    for part in ("26 november 2024", "Kamerstuk 36 600 XV, nr. 32", "p. 3", "§ Social Labs"):
        assert part in first
    assert first.endswith("“2,1 miljoen ter beschikking gesteld”")
    # A quote spanning a line break stays on the footnote's one line.
    assert definitions[2][1].endswith("“In totaal is in 2023 € 313.327 via een DU verstrekt.”")


def test_every_marker_has_a_definition_and_every_definition_is_used() -> None:
    md = conversation_markdown(conversation())
    body, _, notes = md.rpartition("\n---\n")
    used = set(re.findall(r"\[\^(\d+)\](?!:)", body))
    defined = set(re.findall(r"^\[\^(\d+)\]:", notes, flags=re.M))
    assert used == defined == {"1", "2", "3"}


def test_refusal_and_notice_are_exported_without_footnotes() -> None:
    md = conversation_markdown(conversation())
    third = md.split("## Vraag 3", 1)[1]
    assert "**Antwoord (niet gevonden in de documenten):** Dit staat niet in de documenten." in third
    assert "[^" not in third.split("\n---\n")[0]
    assert "> Het taalmodel was niet bereikbaar" in md


def test_reference_leaves_out_what_the_document_does_not_state() -> None:
    answer = Answer(
        question="Wat vraagt de nota?",
        text="De Kamerbrief ondertekenen [1].",
        refused=False,
        citations=[cite(1, NOTA, "de Kamerbrief te ondertekenen")],
    )
    md = conversation_markdown([(answer.question, answer)])
    assert (
        "[^1]: *Nota Agenda Veerkrachtige en Weerbare Samenleving*, nota: “de Kamerbrief te ondertekenen”"
        in md
    )
    assert "None" not in md


def test_helpers() -> None:
    assert dutch_date("2024-11-26") == "26 november 2024"
    assert dutch_date(None) is None
    assert dutch_date("onbekend") == "onbekend"
    assert replace_markers("a [1] b [3] c [1,2]", {1, 2}, lambda n: f"<{n}>") == "a <1> b [3] c <1><2>"
    assert export_filename(datetime(2025, 1, 2, 3, 4)) == "gesprek-2025-01-02-0304.md"
