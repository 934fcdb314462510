"""Cleaning repairs extraction damage on the real corpus texts without losing a word."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.cleaning import clean_text, strip_repeated_lines
from assistant.tables import ROW_MARK

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NOTA = (CORPUS / "nota-agenda-veerkrachtige-weerbare-samenleving.txt").read_text(encoding="utf-8")
KAMERBRIEF = (CORPUS / "kamerbrief-36600-XV-32.txt").read_text(encoding="utf-8")


def words(text: str) -> Counter[str]:
    """Letters-only tokens, counted: what retrieval can find."""
    return Counter(re.findall(r"[^\W\d_]+", text))


def test_every_word_of_the_nota_survives_except_bullet_glyphs() -> None:
    bullet_glyphs = len(re.findall(r"^e (?=[A-Z])", NOTA, flags=re.MULTILINE))
    assert bullet_glyphs == 11  # the OCR read most round bullets as "e" (two as "•")
    expected = words(NOTA) - Counter({"e": bullet_glyphs})

    cleaned = clean_text(NOTA)

    assert words(cleaned) == expected
    assert not re.search(r"^e ", cleaned, flags=re.MULTILINE)


def test_every_word_of_the_kamerbrief_survives() -> None:
    assert words(clean_text(KAMERBRIEF)) == words(KAMERBRIEF)


def test_ocr_bullets_become_list_items_and_real_words_stay() -> None:
    raw = "e Het kabinet wil iets.\n¢ Tweede punt.\n« Derde punt.\n° Vierde punt.\n» Vijfde punt.\n"
    raw += "•Zesde punt.\n\x81 Zevende punt."  # a glyph the font maps to a control character
    assert clean_text(raw).split("\n") == [
        "- Het kabinet wil iets.",
        "- Tweede punt.",
        "- Derde punt.",
        "- Vierde punt.",
        "- Vijfde punt.",
        "- Zesde punt.",
        "- Zevende punt.",
    ]
    assert clean_text("een zin die met een echt woord begint.") == "een zin die met een echt woord begint."
    assert clean_text("e-mail is een woord.") == "e-mail is een woord."


def test_nota_wrapped_lines_become_one_item_per_line() -> None:
    cleaned = clean_text(NOTA)
    lines = cleaned.split("\n")
    kernpunt = next(line for line in lines if line.startswith("- De Agenda heeft als doel"))
    assert kernpunt.endswith("bij de groepen waarmee zij werken.")
    assert "ten behoeve van de sociale stabiliteit in Nederland." in kernpunt
    # The headings stand on their own line, separated from the lists by a blank line.
    for heading in ("Aanleiding", "Geadviseerd besluit", "Kernpunten"):
        assert f"\n\n{heading}\n\n- " in cleaned
    # Items of one list are separated by single newlines (one list block).
    assert (
        "\n- Instemmen met verzending van de infographic Veerkrachtige & Weerbare Samenleving"
        " (bijlage 2).\n- " in cleaned
    )
    assert "Veerkracht- en Weerbaarheidscongres" in cleaned


def test_hyphenated_line_breaks() -> None:
    assert clean_text("de veer-\nkracht van mensen") == "de veerkracht van mensen"
    assert clean_text("het Veerkracht-\nen Weerbaarheidscongres") == "het Veerkracht- en Weerbaarheidscongres"
    assert clean_text("het SZW-\nbeleid in Noord-\nHolland") == "het SZW-beleid in Noord-Holland"
    assert clean_text("een zee-\neend") == "een zee-eend"  # vowel clash: a real hyphen


@pytest.mark.parametrize(
    ("printed", "word"),
    [
        # A word's trema is dropped where it is hyphenated (Taalunie, Leidraad 10.D): put it back.
        ("materi-\nele", "materiële"),
        ("co-\nordinatie", "coördinatie"),
        ("idee-\nen voor de wijk", "ideeën voor de wijk"),
        ("Ministerie van Financi-\nën", "Ministerie van Financiën"),
        ("Ministerie van Financi-\nen.", "Ministerie van Financiën."),
        ("ge-\ninformeerd", "geïnformeerd"),
        # A compound keeps its hyphen where two vowels would read as one sound (Leidraad 9.A).
        ("de Woo-\nindex", "de Woo-index"),
        ("elektra-\naansluiting", "elektra-aansluiting"),
        ("na-\nijleffecten", "na-ijleffecten"),
        ("anti-\nintegratief", "anti-integratief"),
        # Plain hyphenation and shortened compounds as before.
        ("financi-\neel", "financieel"),
        ("soci-\nale", "sociale"),
        ("arbeidsongeschiktheidsbe-\noordeling", "arbeidsongeschiktheidsbeoordeling"),
        ("Global Gro-\nup", "Global Group"),
        ("zee-\nen luchtvaart", "zee- en luchtvaart"),
    ],
)
def test_a_line_end_hyphen_between_vowels_reads_as_printed_dutch(printed: str, word: str) -> None:
    assert clean_text(f"Dit is {printed} in de tekst.") == f"Dit is {word} in de tekst."


def test_footnote_inside_a_sentence_is_moved_after_the_paragraph() -> None:
    cleaned = clean_text(KAMERBRIEF)
    paragraphs = cleaned.split("\n\n")
    whole = next(p for p in paragraphs if "De investering vanuit" in p)
    assert "De investering vanuit de Agenda in deze Specifieke Uitkering (SPUK) Kansrijke Wijk" in whole
    assert whole.endswith("bedraagt € 6,3 miljoen.²")
    assert paragraphs[paragraphs.index(whole) + 1] == "¹ Kamerstuk 36 200 XV, nr. 96"
    # Footnotes after a finished sentence stay where they are; markers stay superscript.
    assert "\n\n² Kamerstuk 30 995, nr. 103\n\n³ F. Kaulingfreks" in cleaned
    assert "daarover geïnformeerd.¹" in cleaned


def test_characters_are_normalised_but_meaningful_ones_kept() -> None:
    raw = "ﬁnanciële\u00a0bijdrage\u2009van € 6,3\u202fmiljoen\u200b, be\u00adleid, varie\u0308ren¹ ½\r\n"
    raw += "nieuw\tregel"
    assert clean_text(raw) == "financiële bijdrage van € 6,3 miljoen, beleid, variëren¹ ½ nieuw regel"


def test_output_shape_has_no_stray_whitespace() -> None:
    for cleaned in (clean_text(NOTA), clean_text(KAMERBRIEF)):
        assert "\n\n\n" not in cleaned
        assert "  " not in cleaned
        assert all(line == line.strip() for line in cleaned.split("\n"))
        assert cleaned == cleaned.strip()


def test_strip_repeated_lines_drops_headers_footers_and_page_numbers() -> None:
    topics = ["armoede", "schulden", "jeugdwerk", "polarisatie"]
    pages = [
        f"Ministerie van SZW | Kamerstuk 36 600 XV, blz. {n}\n\nDeze pagina gaat over {topic}.\n256\n"
        f"Midden.\nDe 20 gebieden.\nSlot over {topic}.\n\nPagina {n} van 4"
        for n, topic in enumerate(topics, start=1)
    ]
    pages[1] += "\nAlleen hier en op pagina drie."
    pages[2] += "\nAlleen hier en op pagina drie."
    stripped = strip_repeated_lines(pages)
    for topic, page in zip(topics, stripped, strict=True):
        assert "Ministerie van SZW" not in page
        assert "Pagina" not in page
        assert f"Deze pagina gaat over {topic}." in page
        assert f"Slot over {topic}." in page
        # Repeated lines in the middle of a page are content, not headers.
        assert "\n256\nMidden.\nDe 20 gebieden.\n" in page
    assert "Alleen hier en op pagina drie." in stripped[1]  # 2 of 4 pages: not a header


def test_strip_repeated_lines_keeps_short_documents_intact() -> None:
    pages = ["Kop\nTekst een.\n1", "Kop\nTekst twee.\n2"]
    assert strip_repeated_lines(pages) == ["Kop\nTekst een.", "Kop\nTekst twee."]


def test_an_accent_drawn_as_its_own_glyph_is_put_back_on_its_letter() -> None:
    # Kamervragen kv-00fe7edd: "Kostić" arrives as "Kostic", a space, U+0301; a spacing "´" too.
    assert "Kostić (PvdD)" in clean_text("De leden Mutluer en Kostic \u0301 (PvdD) vroegen.")
    assert "Kostić en" in clean_text("De leden Kostic \u00b4 en Mutluer vroegen.")
    assert "coöperatie" in clean_text("Een coöperatie.")
    # No precomposed letter exists: the text stays as it was, nothing is lost.
    assert "x \u0301" in clean_text("Het symbool x \u0301 blijft.")


def test_ligatures_mapped_to_private_use_characters_are_read_by_a_lexicon_vote() -> None:
    from assistant.lost_glyphs import ligature_map, restore_ligatures

    # The VWS audits' font maps "f" to U+E01E and "fi" to U+E035 (assistant/lost_glyphs.py).
    text = (
        "De onderzoeker hee\ue01et de steekproe\ue01e bepaald. Het \ue035nancieel overzicht is "
        "vooraf gemaakt; de steekproe\ue01egemaakt in juni. Een \ue035jn resultaat met \ue01eocus. "
        "\uf0b7 Een opsomming blijft een opsomming."
    )
    mapping = ligature_map([text])
    assert mapping == {"\ue01e": "f", "\ue035": "fi"}  # the bullet U+F0B7 stands in no word
    read = restore_ligatures(text, mapping)
    for word in ("heeft", "steekproef", "financieel", "fijn", "focus", "steekproef gemaakt"):
        assert word in read, word
    assert "\uf0b7" in read  # left for the bullet handling
    # Ordinary text has nothing to learn and is never changed.
    assert ligature_map(["De gemeente heeft de functie van de steekproef beschreven."]) == {}


def test_a_speaker_turn_of_the_handelingen_becomes_one_heading_with_the_party() -> None:
    """officielebekendmakingen.nl's text gives a turn as "Mevrouw Dijksma ( PvdA ):" and then the
    surname alone; the heading keeps the party, so "Kreeg de PVV steun van de VVD?" can find it."""
    raw = (
        "De voorzitter :\nvoorzitter\nDank u wel. Dan mevrouw Dijksma van de fractie van de PvdA.\n"
        "Mevrouw Dijksma ( PvdA ):\nDijksma\nVoorzitter. We hebben dit debat aangevraagd.\n"
        "De heer Van der Lee ( GroenLinks ):\nVan der Lee\nDank u wel.\n"
        "Minister De Jonge :\nDe Jonge\nHet komt buitengewoon beperkt voor.\n"
        "Mevrouw Agema ( PVV ):\nNiet dezelfde naam\nTekst."
    )
    lines = clean_text(raw).split("\n\n")
    assert lines[0] == "Voorzitter"
    assert "Dijksma (PvdA)" in lines and "Van der Lee (GroenLinks)" in lines and "Minister De Jonge" in lines
    assert not any("( PvdA ):" in line or line == "Dijksma" for line in lines)
    assert "Mevrouw Agema ( PVV ):" in clean_text(raw)  # the second line is not the speaker: left alone


def test_a_line_that_is_only_a_label_starts_a_paragraph_of_its_own() -> None:
    # The Wassenaar decision lists put "Besluit:" on a line of its own under the item's title; it ran
    # on into the title ("5.3 Zienswijze op het ontwerp Actieplan Evaluatie GR MRDH Besluit:").
    raw = (
        "5.3 Zienswijze op het ontwerp Actieplan Evaluatie GR MRDH\n"
        "Besluit:\n"
        "1. De gemeenteraad voor te stellen een zienswijze naar voren te brengen.\n"
        "De volgende fracties hebben ingestemd met het voorstel van de\n"
        "wethouder en de raad:\n"
        "een brede meerderheid.\n"
    )
    paragraphs = clean_text(raw).split("\n\n")
    assert paragraphs[:2] == ["5.3 Zienswijze op het ontwerp Actieplan Evaluatie GR MRDH", "Besluit:"]
    # A sentence whose last line ends in a colon is no label.
    assert (
        "De volgende fracties hebben ingestemd met het voorstel van de wethouder en de raad:"
        in clean_text(raw)
    )


def test_a_joined_row_does_not_set_the_wrap_width() -> None:
    # The Wassenaar decision list of 2022-05-10 reads "Aanwezigen: ..." as one 332-character label
    # row. Taken as the page's width, it made the wrapped 70-character item line below look like a
    # heading, and "Werk, Inkomen, ..." became a paragraph cut from the sentence it continues.
    raw = (
        f"{ROW_MARK}Aanwezigen: " + ", ".join(f"wethouder {name}" for name in "ABCDEFGHIJKLMNOPQRS") + "\n"
        "2. De kosten die vooruitlopend op de regeling ontstaan zijn en mede uit dit\n"
        "besluit vloeien, ten laste te brengen van het budget in de Voorjaarsnota;\n"
        "3. Beslispunt burgemeester: Aan de consulenten inkomen van de afdeling\n"
        "Werk, Inkomen, Jeugd, Zorg (WIJZ) van de gemeente Leidschendam-\n"
        "Voorburg door de burgemeester mandaat te verlenen.\n"
    )
    assert (
        "3. Beslispunt burgemeester: Aan de consulenten inkomen van de afdeling Werk, Inkomen, Jeugd, "
        "Zorg (WIJZ) van de gemeente Leidschendam-Voorburg door de burgemeester mandaat te verlenen."
    ) in clean_text(raw).split("\n")
