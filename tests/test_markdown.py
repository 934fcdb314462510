"""Markdown is read as Markdown: headings become sections, tables rows, and no markup reaches passages."""

from __future__ import annotations

import re
import tarfile
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from assistant.chunking import SECTION_SEPARATOR, chunk_document
from assistant.loading import LoadError, load_file
from assistant.markdown_text import markdown_to_text
from assistant.types import DocumentMeta, Page, Passage, SourceDocument

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
REGULATIONS = CORPORA / "bwb-regelingen-2015.tar.xz"
SAMPLE_EVERY = 280  # every 280th regulation in the archive: 41 of 11,435, spread over all kinds

# Markup that must never reach a passage. Literal characters the parser keeps as
# text (a lone "*" footnote mark, "**" after a word, "<sup>#</sup>") are not markup.
MARKUP = {
    "heading marker": re.compile(r"##"),
    "table delimiter": re.compile(r"\|\s*:?-{3}"),
    "strong emphasis": re.compile(r"(?<![\w*])\*\*\w[^*\n]*?\w\*\*(?![\w*])"),
    "link target": re.compile(r"\]\((?:https?:|\.\.?/|/)"),
    "code backtick": re.compile(r"`"),
    "html tag": re.compile(r"</?(?:sup|sub|br|p|div|span|b|i|em|strong|a|table|tr|td)\b[^>]*>", re.I),
}
REFERENCE = MarkdownIt("commonmark").enable("table")
_PHRASING_TAGS = {"a", "b", "code", "em", "i", "s", "small", "span", "strong", "sub", "sup", "u"}


class _VisibleText(HTMLParser):
    """What a browser shows of the reference HTML: text, alt texts; block tags separate words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "img":
            self.parts.append(f" {dict(attrs).get('alt') or ''} ")
        elif tag not in _PHRASING_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _PHRASING_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_words(markdown: str) -> Counter[str]:
    """The words of a plain rendering (CommonMark HTML -> text), independent of the module under test.

    A link target the parser could not take as a link ("](../a/(b/README.md)") is
    not text a reader should see; soft hyphens and zero-width characters are invisible.
    """
    parser = _VisibleText()
    parser.feed(REFERENCE.render(markdown))
    text = re.sub(r"\]\(\S*?\)", " ", "".join(parser.parts))
    text = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return words(text)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def document(text: str, doc_id: str = "md") -> SourceDocument:
    meta = DocumentMeta(doc_id=doc_id, title="Test", doc_type="nota", source_file=f"{doc_id}.md")
    return SourceDocument(meta=meta, pages=[Page(None, text)])


def passage_with(passages: list[Passage], needle: str) -> Passage:
    found = [p for p in passages if needle in p.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} passages"
    return found[0]


def assert_no_markup(text: str, where: str = "") -> None:
    for name, pattern in MARKUP.items():
        match = pattern.search(text)
        assert match is None, (
            f"{name} {match.group()!r} in {where}: {text[max(0, match.start() - 80) :][:200]!r}"
        )


BRIEF = """\
# Voortgang SPUK Kansrijke Wijk

Dit is de **tweede** voortgangsrapportage over de *Specifieke Uitkering*.

## Aanleiding

De gemeenten ontvingen in 2024 een bijdrage voor de aanpak van
kansrijke wijken, zie [de regeling](https://wetten.overheid.nl/BWBR0012345).

##Financiering

De bijdrage per gemeente staat in de tabel hieronder en is vastgesteld door de Minister.

### Artikel 1

####: Begripsbepalingen

In deze regeling wordt verstaan onder `wijk` een aaneengesloten gebied binnen een gemeente.
"""


def test_headings_become_sections() -> None:
    text = markdown_to_text(BRIEF)
    assert text.startswith("Voortgang SPUK Kansrijke Wijk\n\nDit is de tweede voortgangsrapportage")
    assert "\n\nAanleiding\n\n" in text
    assert "\n\nFinanciering\n\n" in text  # "##Financiering": the converter's missing space
    assert "\n\nBegripsbepalingen\n\n" in text  # "####: Begripsbepalingen"

    passages = chunk_document(document(text))
    assert passage_with(passages, "tweede voortgangsrapportage").section == "Voortgang SPUK Kansrijke Wijk"
    assert passage_with(passages, "kansrijke wijken, zie de regeling.").section == "Aanleiding"
    assert passage_with(passages, "staat in de tabel").section == "Financiering"
    assert passage_with(passages, "aaneengesloten gebied").section == "Artikel 1 › Begripsbepalingen"
    for passage in passages:
        assert_no_markup(passage.text, "passage")


TABLE = """\
De bijdragen zijn als volgt verdeeld:

| Gemeente | Bijdrage 2025 | Aantal wijken |
| --- | ---: | :---: |
| Deventer | € 180.000 | 2 |
| [Zwolle](https://www.zwolle.nl) | **€ 240.000** | --- |
| Almelo | € 90.000 | 1 | zie bijlage |

Na de tabel volgt de toelichting.
"""


def test_table_rows_are_lines_naming_their_columns() -> None:
    text = markdown_to_text(TABLE)
    assert text == (
        "De bijdragen zijn als volgt verdeeld:\n\n"
        "Gemeente; Bijdrage 2025; Aantal wijken\n\n"
        "Deventer — Bijdrage 2025: € 180.000; Aantal wijken: 2\n\n"
        "Zwolle — Bijdrage 2025: € 240.000\n\n"  # "---" is the converters' empty cell
        "Almelo — Bijdrage 2025: € 90.000; Aantal wijken: 1; zie bijlage\n\n"  # a cell past the header
        "Na de tabel volgt de toelichting."
    )


def test_table_rows_stay_lines_through_load_file(tmp_path: Path) -> None:
    """Rendered Markdown is not reflowed: the cleaner would join the rows into one paragraph."""
    path = tmp_path / "bijdragen.md"
    path.write_text("## Bijdragen per gemeente\n\n" + TABLE, encoding="utf-8")
    page = load_file(path).pages[0].text
    assert "\n\nDeventer — Bijdrage 2025: € 180.000; Aantal wijken: 2\n\n" in page
    passages = chunk_document(load_file(path))
    row = passage_with(passages, "Deventer — Bijdrage 2025")
    assert row.section == "Bijdragen per gemeente"
    assert "Zwolle — Bijdrage 2025: € 240.000" in row.text


def test_table_rows_are_never_taken_for_headings() -> None:
    """A short row followed by running text looks like a heading; as one it would vanish from passages."""
    markdown = (
        "## Afkortingen\n\n| Afkorting | Betekenis |\n| --- | --- |\n| DA | Dreigingsanalyse |\n"
        "| UO | Uitvoeringsoverleg |\n\n"
        "De afkortingen worden gebruikt in het hele document en in de bijlagen bij deze circulaire.\n"
    )
    passages = chunk_document(document(markdown_to_text(markdown)))
    assert {p.section for p in passages} == {"Afkortingen"}
    assert "\nUO — Betekenis: Uitvoeringsoverleg\n\nDe afkortingen" in passages[0].text


def test_links_emphasis_code_and_html_markup_are_gone() -> None:
    markdown = """\
Zie [artikel 2](../../wet/BWBR0001/README.md), [de Wet](../wet/(herziening/README.md)(Stb. 245)
en <https://www.rijksoverheid.nl>. Dit is *belangrijk*, __zeer__ ~~niet~~ `verplicht` en
m<sup>3</sup> gas<br>per jaar; het begrip `bermen' omvat taluds.

![Kaart van de wijk](kaart.png)

> Citaat uit de *memorie* van toelichting.

```python
bedrag = 180_000
```

<div class="noot"><p>Noot: zie &amp; lees <b>bijlage</b> 2.</p></div>

---

[ref]: https://example.org
"""
    text = markdown_to_text(markdown)
    assert text == (
        "Zie artikel 2, de Wet(Stb. 245) en https://www.rijksoverheid.nl. Dit is belangrijk, zeer ~~niet~~ "
        "verplicht en m3 gas\nper jaar; het begrip ‘bermen' omvat taluds.\n\n"
        "Kaart van de wijk\n\n"
        "Citaat uit de memorie van toelichting.\n\n"
        "bedrag = 180_000\n\n"
        "Noot: zie & lees bijlage 2."
    )
    assert_no_markup(text, "text")


def test_converter_slips_are_read_as_meant() -> None:
    markdown = """\
1. ###Definitie

Zie `s-Gravenhage, de risico`s en het begrip `bermen'; #1 blijft tekst.

|
| Strafverzwarend | Strafverminderend |
| Medeplegen | Poging (- een *derde*) |
| Omvang schade | --- |
"""
    assert markdown_to_text(markdown) == (
        "Definitie\n\n"
        "Zie 's-Gravenhage, de risico's en het begrip ‘bermen'; #1 blijft tekst.\n\n"
        "Strafverzwarend; Strafverminderend\n\n"  # no delimiter row: still a table
        "Medeplegen — Strafverminderend: Poging (- een derde)\n\n"
        "Omvang schade"
    )


def test_lists_one_item_per_line_nested_lists_flattened() -> None:
    markdown = """\
De gemeente:

- betrekt inwoners;
- werkt samen met:
  - het wijkteam;
  - de *politie*;
    1. wijkagent;
    2. jeugdagent;
- rapporteert jaarlijks.

3. Derde lid.
4) Vierde lid.

* los item

  met een tweede alinea.
"""
    assert markdown_to_text(markdown) == (
        "De gemeente:\n\n"
        "- betrekt inwoners;\n"
        "- werkt samen met:\n"
        "- het wijkteam;\n"
        "- de politie;\n"
        "1. wijkagent;\n"
        "2. jeugdagent;\n"
        "- rapporteert jaarlijks.\n\n"
        "3. Derde lid.\n\n"
        "4) Vierde lid.\n\n"
        "- los item met een tweede alinea."
    )
    passages = chunk_document(document(markdown_to_text(markdown)))
    assert passage_with(passages, "- betrekt inwoners;").text.startswith("De gemeente:")


def test_hard_line_breaks_stay_line_breaks() -> None:
    assert markdown_to_text("De Minister van Justitie;  \nGelet op artikel 3;\\\nBesluit:") == (
        "De Minister van Justitie;\nGelet op artikel 3;\nBesluit:"
    )


def test_no_word_lost_compared_with_a_plain_rendering() -> None:
    markdown = "\n\n".join([BRIEF, TABLE.replace(" | zie bijlage |", " |"), "- a *b* c\n  - d **e**\n1. f"])
    assert visible_words(markdown) - words(markdown_to_text(markdown)) == Counter()


def test_characters_are_normalised() -> None:
    text = markdown_to_text("# Cafe\u0301\n\nVeer\u00adkracht\u200b en \ufb01nanciering.\r\nNieuwe regel.")
    assert text == "Café\n\nVeerkracht en financiering. Nieuwe regel."
    assert unicodedata.is_normalized("NFC", text)


def test_empty_markdown_has_no_text() -> None:
    assert markdown_to_text("") == ""
    assert markdown_to_text("---\n\n[ref]: https://example.org\n\n<!-- opmerking -->") == ""


def test_load_file_drops_the_source_line(tmp_path: Path) -> None:
    path = tmp_path / "regeling.md"
    path.write_text(
        "SOURCE: github statengeneraal/laws-markdown@91556a8:wet/README.md (original: https://wetten.overheid.nl)\n"
        "##Muziekauteursrecht\n\nDe Minister van Justitie;\n",
        encoding="utf-8",
    )
    loaded = load_file(path)
    assert loaded.pages[0].text == "Muziekauteursrecht\n\nDe Minister van Justitie;"
    assert loaded.meta.title == "Muziekauteursrecht"

    only_source = tmp_path / "leeg.md"
    only_source.write_text("SOURCE: github x/y@1:README.md\n", encoding="utf-8")
    with pytest.raises(LoadError, match="bevat geen tekst"):
        load_file(only_source)


# -- real regulations ---------------------------------------------------------------------------


def _heading_texts(markdown: str) -> set[str]:
    """The document's Markdown headings as plain text, read independently of the module."""
    tokens = REFERENCE.parse(re.sub(r"(?m)^( {0,3}#{2,6})(?=[^#\s])", r"\1 ", markdown))  # "##Titel"
    headings = set()
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "heading_open":
            parts = [c.content for c in inline.children or [] if c.type in ("text", "code_inline")]
            text = "".join(parts)
            headings.add(" ".join(text.split()).lstrip(": "))
    return headings


@pytest.fixture(scope="module")
def regulations() -> dict[str, str]:
    """A fixed sample of the BWB regulations, read straight from the archive (never copied)."""
    if not REGULATIONS.is_file():
        pytest.skip(f"the shared corpora are not here ({REGULATIONS}); they are not part of a user's clone")
    sample: dict[str, str] = {}
    with tarfile.open(REGULATIONS, "r:xz") as archive:
        index = 0
        for member in archive:
            if not (member.isfile() and member.name.endswith(".md")):
                continue
            if index % SAMPLE_EVERY == 0:
                data = archive.extractfile(member)
                assert data is not None
                sample[member.name] = data.read().decode("utf-8")
            index += 1
    assert len(sample) >= 40
    return sample


def test_real_regulations_load_as_sections_without_markup(
    regulations: dict[str, str], tmp_path: Path
) -> None:
    assert sum("| --- |" in text or "|:---|" in text for text in regulations.values()) >= 3, (
        "sample has tables"
    )
    from_headings = other_sections = documents_with_headings = documents_with_sections = 0
    for name, markdown in regulations.items():
        path = tmp_path / Path(name).name
        path.write_text(markdown, encoding="utf-8")
        loaded = load_file(path)
        passages = chunk_document(loaded)
        text = "\n\n".join(page.text for page in loaded.pages)
        assert not text.startswith("SOURCE:"), name
        assert unicodedata.is_normalized("NFC", text), name

        for passage in passages:
            assert_no_markup(passage.text, name)
        headings = _heading_texts(markdown.partition("\n")[2])
        # "Artikel 1 › Begripsbepalingen": a heading directly under another keeps its parent.
        sections = [p.section.split(SECTION_SEPARATOR)[-1] for p in passages if p.section]
        documents_with_headings += bool(headings)
        documents_with_sections += bool(sections)
        from_headings += sum(section in headings for section in sections)
        other_sections += sum(section not in headings for section in sections)
        rows = [s for s in sections if re.search(r" — [^:]+: ", s)]
        assert not rows, f"{name}: table rows taken for headings (gone from the passages): {rows}"

        lost = visible_words(markdown.partition("\n")[2]) - words(text)
        assert lost == Counter(), f"{name}: words lost: {dict(lost.most_common(10))}"
    # A heading the chunker cannot take for a section (too long, "§ 1") is rare.
    assert documents_with_sections >= 0.9 * documents_with_headings
    # The chunker also takes a title-like plain line ("Den Haag 19 mei 2006") or one-cell table
    # row ("ONDERDEEL C1 ZORG") for a heading, as in text files; most sections are Markdown headings.
    assert from_headings >= 0.8 * (from_headings + other_sections)
