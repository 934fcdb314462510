"""Sentences of extracted text: exact spans, quotes as they read, and the context a quote needs.

Every quote of an answer is a span `text[start:end]` of a passage, so a reader
can find it in the source. This module finds those spans (`split_sentences`),
widens one that cannot stand alone (`with_context`: a sentence opening with
"Daarom", "Dit", "Zij" brings the sentence it points back to), finds the
footnotes a quote refers to (`footnotes_cited`), and cuts an answer text into
streamable pieces (`text_chunks`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def wordset(words: str) -> frozenset[str]:
    """A word list written as running text: easier to read and review than a list of strings."""
    return frozenset(words.split())


def fold(text: str) -> str:
    """Lowercase without diacritics: "Financiële" -> "financiele"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return re.findall(r"\w+", fold(text))


# --- sentences -----------------------------------------------------------------

# Words that end in a full stop without ending the sentence ("nr. 96", "de zg.
# integrale middelen", "o.a. kennis"); compared lowercased, without the final stop.
ABBREVIATIONS = wordset(
    """
    nr nrs zg zgn z.g o.a a.o ca bijv bv e.g i.e resp jl j.l blz pag p pp art mr dr drs ir ing prof
    mevr dhr mw m.b.t t.a.v i.p.v i.v.m m.i.v n.a.v d.w.z incl excl min mins vs etc enz evt o.b.v
    t.b.v vgl cf e.a a.s e.d m.n n.v.t st jr mln mld no vol fig tel
    """
)
_BULLETS = "-•*–·▪●◦¢"
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A line that starts a list item. OCR turns "•" into "e" or "¢", so a lone "e"
# before a capitalised word at the start of a line counts as a bullet too.
_BULLET_AHEAD = rf"(?=[{re.escape(_BULLETS)}][ \t]|e[ \t]+[A-Z])"
BULLET_LINE = re.compile(rf"\n[ \t]*{_BULLET_AHEAD}")
# A line that starts a list item: a bullet, or a label "a." / "1." / "2)" (the decision lists letter and
# number the parts of a decision under "... vast te stellen vanaf 1 april 2023:").
_ITEM_LINE = re.compile(rf"\n[ \t]*(?:{_BULLET_AHEAD}|(?:[a-z]|\d{{1,2}})[.)][ \t])")
# A lead-in is quoted with at most this many of its items, so a long list does not fill the answer.
_LEAD_IN_ITEMS = 6
# An item of a list run into one sentence, as decision lists write them: "zorg te dragen door:
# a. de ... te maken; en: b. de ... te leggen; en: c. de ... aan te bieden." Each item is a sentence
# of its own (the cut falls before the item's label, after the ";" or ":" that precedes it).
_INLINE_ITEM = re.compile(r"[;:](?:[ \t]+(?:en|of)[ \t]*:?)?[ \t\n]+(?=(?:[a-z]|\d{1,2})\.[ \t]+\w)")
# A record of labelled fields run into one line, as committee decision lists print them:
# "Voortouwcommissie: vaste commissie voor BiZa Document: Besluitenlijst ... Besluit: Het voorstel
# ...". A capitalised label with its colon inside a line starts a field; two or more in one block
# make it a record, whose fields are sentences of their own.
_FIELD_LABEL = re.compile(r"(?<=\S)[ \t]+(?=[A-Z][a-z]+(?:[ \t][a-z]+)?:[ \t])")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_MARKERS = re.compile(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")
_LEAD = re.compile(rf"(?:[\s{re.escape(_BULLETS + SUPERSCRIPTS)}]|e[ \t]+(?=[A-Z]))+")
_TRAIL = re.compile(rf"[\s{SUPERSCRIPTS}]+$")
_OPENERS = "\"'“‘«([" + _BULLETS


# A letter's salutation or closing formula on a line of its own ("Geachte leden,", "Met vriendelijke
# groet,"): it ends there even when the letter runs on without a blank line ("Geachte leden,\nHierbij
# ..." is two sentences, not one that starts with the salutation).
# Capitalised and ending in a comma (or the closing words alone), so a hard-wrapped line of running
# text ("beste oplossing voor de wijk is") is never taken for one.
_FORMULA_LINE = re.compile(
    r"(?m)^[ \t]*(?:(?:Geachte|Beste|Dear)\b[^\n.!?:;]{0,60},"
    r"|(?:Met vriendelijke groet(?:en)?|Hoogachtend|Kind regards),?)[ \t]*$"
)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs, list items (on lines of their own or run in after ";" / ":") and a letter's
    salutation line: a sentence never runs across one of these edges."""
    cuts = {0, len(text)}
    for m in _BLOCK_BREAK.finditer(text):
        cuts.update((m.start(), m.end()))
    for m in _FORMULA_LINE.finditer(text):
        cuts.update((m.start(), m.end()))
    for m in BULLET_LINE.finditer(text):
        cuts.update((m.start(), m.end()))
    for m in _INLINE_ITEM.finditer(text):
        cuts.add(m.end())
    edges = sorted(cuts)
    blocks = [(a, b) for a, b in zip(edges, edges[1:], strict=False) if text[a:b].strip()]
    return [field for a, b in blocks for field in _fields(text, a, b)]


def _fields(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A block cut before each field label when it holds two or more (`_FIELD_LABEL`), else whole."""
    labels = [m.end() for m in _FIELD_LABEL.finditer(text, start, end)]
    if len(labels) < 2:
        return [(start, end)]
    edges = [start, *labels, end]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if text[a:b].strip()]


def _ends_sentence(text: str, stop: int, after: int, block_end: int) -> bool:
    """Whether the punctuation starting at `stop` (closers included up to `after`) ends a sentence."""
    rest = text[after:block_end]
    if not rest.strip(" \t\n" + SUPERSCRIPTS):
        return True
    if not rest[:1].isspace() and rest[:1] not in SUPERSCRIPTS:
        return False
    nxt = rest.lstrip(" \t\n" + SUPERSCRIPTS)[:1]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return False
    if text[stop] != ".":
        return True
    word = re.search(r"(\S*)$", text[:stop]).group(1).lstrip("(\"'“‘«")
    if word.lower() in ABBREVIATIONS:
        return False
    # Initials: "F. Kaulingfreks", "J.D. de Jong".
    return not re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", word)


_QUOTE_PAIRS = (("«", "»"), ("“", "”"))


def _inside_quote(text: str, start: int, stop: int, block_end: int) -> bool:
    """Whether `stop` falls inside a quotation opened in this sentence and closed later in the block:
    the title «Homebase. Een basis voor interventies ...» is one sentence, not two."""
    said, rest = text[start:stop], text[stop:block_end]
    return any(said.count(o) > said.count(c) and c in rest for o, c in _QUOTE_PAIRS)


def split_sentences(text: str, citation_markers: bool = False) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` into `text`, so `text[start:end]` is the exact sentence.

    Paragraph breaks and list items always separate sentences; a single line
    break (the hard wrap of extracted PDF text) does not. A full stop ends a
    sentence only before a capital, digit or opening quote, and not after an
    abbreviation ("nr.", "zg.", "o.a.") or an initial ("J.D."), so amounts such
    as "€ 6,3 miljoen" and "313.327" stay whole. With `citation_markers`, "[1]"
    after the stop belongs to the sentence before it (for model output).
    Footnote superscripts and bullets are left outside the span.
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for m in _SENTENCE_END.finditer(text, block_start, block_end):
            after = m.end()
            if citation_markers:
                markers = _MARKERS.match(text, after, block_end)
                if markers:
                    after = markers.end()
            if _ends_sentence(text, m.start(), after, block_end) and not _inside_quote(
                text, start, after, block_end
            ):
                spans.append((start, after))
                start = after
        spans.append((start, block_end))
    cleaned: list[tuple[int, int]] = []
    for start, end in spans:
        lead = _LEAD.match(text, start, end)
        if lead:
            start = lead.end()
        trail = _TRAIL.search(text, start, end)
        if trail:
            end = trail.start()
        if end > start and any(c.isalpha() for c in text[start:end]):
            cleaned.append((start, end))
    return cleaned


def one_line(text: str) -> str:
    """A quote as it reads in an answer: hard line wraps and runs of spaces become one space."""
    return re.sub(r"\s+", " ", text).strip()


REASON = re.compile(
    r"\b(?:om\b.{0,80}\bte|omdat|doel|zodat|daardoor|hierdoor|daarom|teneinde|ten behoeve|vanwege|"
    r"want|namelijk|nodig|bedoeling|te maken met|hangt samen met|in verband met|gelet op|omwille van|"
    # A consequence or a judgement is a reason too: "Verder bezuinigen zou leiden tot sluiting van
    # kazernes", "Eén loket voor alle zorgvragen is echt niet doenlijk en ook niet wenselijk".
    r"leid(?:t|en|de|den)\s+tot|(?:tot|als) gevolg|niet\s+(?:\w+\s+)?(?:doenlijk|wenselijk|haalbaar|"
    r"uitvoerbaar|verstandig|zinvol|proportioneel|toegestaan))\b",
    re.IGNORECASE | re.DOTALL,
)
# Sentences that open with these lean on the sentence before ("Hiermee wordt de pilotfase afgesloten").
ANAPHORIC_OPENERS = wordset(
    """
    hiermee daarmee hierdoor daardoor daarom hiervoor daarvoor hierbij daarbij dit deze die zij ze
    hun zo hiermede
    """
)


_FOOTNOTE_MARK = re.compile(rf"[{SUPERSCRIPTS}]+")


def footnotes_cited(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the footnotes that the quote text[start:end] points to, where the passage holds them.

    A sentence like "... jongerenwerkplaatsen in Nederland.³" gets its facts (authors,
    title) from footnote 3; quoting the footnote too keeps those facts in the answer
    and the citation checkable. The footnote line itself is not a reference to follow.
    """
    spans = []
    trailing = _FOOTNOTE_MARK.match(text, end)  # quotes end before a sentence's trailing marker
    quoted = text[start : trailing.end() if trailing else end]
    for mark in dict.fromkeys(_FOOTNOTE_MARK.findall(quoted)):
        if quoted.lstrip().startswith(mark):
            continue
        line = re.search(rf"(?m)^[ \t]*({re.escape(mark)}[ \t]+\S[^\n]*)", text)
        if line is not None and not (start <= line.start(1) < end):
            spans.append((line.start(1), line.end(1)))
    return spans


# Dutch pronominal adverbs: "daar"/"hier" with a preposition stand for "that"/"this" + preposition and
# so lean on what came before ("Daaronder de DU ...", "Daarvan gaat € 2 miljoen naar ...", "Hierin staat
# ..."). "Hieronder" and "hierna" point ahead ("Hieronder vindt u ..."); "daarnaast" ("besides") adds a
# fact that stands on its own. Neither is among them.
_PRONOMINAL_ADVERB = re.compile(
    r"(?:daar|hier)(?:aan|achter|bij|binnen|boven|door|in|mee|mede|naast|na|om|onder|op|over|tegen|toe|tussen"
    r"|uit|van|voor|voren)"
)
_POINTS_AHEAD = wordset("hieronder hierna hierbeneden daarnaast hiernaast")


def points_back(sentence: str) -> bool:
    """Whether a sentence opens with a word that leans on the sentence before ("Hiermee ...", "Zij ...",
    "Daaronder ...")."""
    first = tokens(sentence)[:1]
    if not first:
        return False
    word = first[0]
    return word in ANAPHORIC_OPENERS or (
        word not in _POINTS_AHEAD and _PRONOMINAL_ADVERB.fullmatch(word) is not None
    )


def with_context(text: str, start: int, end: int, qtype: str) -> tuple[int, int]:
    """Widen a sentence span where it cannot stand alone (within its paragraph, or over the list
    items that follow a lead-in).

    A sentence that leans on the one before ("Hiermee ...", "Daarom ...") is
    quoted with it; a lead-in ending in ":" is quoted with the list items that
    follow (bulleted, lettered or numbered; at most `_LEAD_IN_ITEMS`); a "waarom"
    answer without a reason takes the next sentence along when that one gives it
    ("... namelijk ...").
    """
    spans = split_sentences(text)
    k = next((n for n, (a, _) in enumerate(spans) if a == start), None)
    if k is None:
        return start, end
    if points_back(text[start:end]) and k > 0 and same_paragraph(text, spans[k - 1][1], start):
        start = spans[k - 1][0]
    if text[start:end].rstrip().endswith(":"):
        for a, b in spans[k + 1 : k + 1 + _LEAD_IN_ITEMS]:
            if not _ITEM_LINE.match(text, text.rfind("\n", 0, a)):
                break
            end = b
    elif qtype == "why" and not REASON.search(text[start:end]) and k + 1 < len(spans):
        a, b = spans[k + 1]
        if REASON.search(text[a:b]) and same_paragraph(text, end, a):
            end = b
    return start, end


def antecedent(text: str, spans: Sequence[tuple[int, int]], n: int, most: int = 3) -> str:
    """The sentences that sentence `n` of `text` (`spans` from `split_sentences`) leans on when it
    opens with a pointing word, back to the first that does not, in its paragraph and at most `most`
    ("Om meer gemeenten ... wordt ook een DU ingezet. Daarmee kregen 7 gemeenten ..."), on one
    line; "" when it leans on none. (`with_context` widens a quote by one such sentence.)"""
    k = n
    while (
        k > 0
        and n - k < most
        and points_back(text[spans[k][0] : spans[k][1]])
        and same_paragraph(text, spans[k - 1][1], spans[k][0])
    ):
        k -= 1
    return one_line(text[spans[k][0] : spans[n - 1][1]]) if k < n else ""


def same_paragraph(text: str, left: int, right: int) -> bool:
    return not _BLOCK_BREAK.search(text, left, right)


def text_chunks(text: str) -> list[str]:
    """`text` cut after each citation marker, so the pieces join back to exactly `text`."""
    pieces = re.split(r"(?<=\])(?=\s)", text)
    return [p for p in pieces if p]
