"""Extracted or OCR text -> clean text, keeping every real word.

Retrieval and citations work on the cleaned text, so cleaning may only repair
what extraction broke (wrapped lines, split words, bullet glyphs, footnotes in
the middle of a sentence, odd characters); it must never drop a real word.

The output has one paragraph or list item per line: paragraphs are separated by
a blank line, the items of one list by a single newline, and every list item
starts with "- " (numbered items keep their number). The chunker relies on this
shape.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from assistant.hyphenation import join_wrapped
from assistant.sentences import wordset
from assistant.tables import ROW_MARK
from assistant.transcripts import speaker_headings
from assistant.types import Page

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Characters NFKC would flatten although they carry meaning: footnote markers
# (¹ must not become 1) and fractions.
_KEEP_AS_IS = frozenset(SUPERSCRIPT_DIGITS + "¼½¾")
_SPACE_LIKE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# Glyphs that only ever mean "bullet" at the start of a line.
# A C1 control character is a glyph the PDF's font maps to no character; at the start of a list line
# it is the bullet (kv-1b62ee8d page 3 draws its bullets as "\x81").
_BULLET_SYMBOLS = "•·●○◦▪▫■□►▶➢➤✓✔⁃‣∙\uf0b7\uf0a7\uf076\uf0d8" + "".join(map(chr, range(0x80, 0xA0)))
# Glyphs that are bullets when a space follows ("- item", OCR's "¢ item", "» item").
_BULLET_WITH_SPACE = "-–—*+¢«»°©"
# OCR reads a round bullet as the letter "e" (or "o"). Dutch has no one-letter
# words "e"/"o" that start a sentence, so only "e Het ..." (capital or digit after)
# counts; "een ..." or "e-mail" are never touched.
_BULLET_RE = re.compile(
    rf"^(?:[{re.escape(_BULLET_SYMBOLS)}]\s*"
    rf"|[{re.escape(_BULLET_WITH_SPACE)}]\s+"
    r"|[eo]\s+(?=[A-ZÀ-ÖØ-Þ0-9]))"
    r"(?=\S)"
)
_NUMBERED_ITEM_RE = re.compile(r"^\d{1,2}[.)]\s+(?=[A-ZÀ-ÖØ-Þ])")
# A line that is only a label ("Besluit:", "Toelichting:", "Volgcommissie(s):") introduces what
# follows: it starts a paragraph of its own instead of running on from the line before it.
_LABEL_LINE_RE = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w()/-]*(?:\s+[\w()/-]+){0,2}:$")
_FOOTNOTE_RE = re.compile(rf"^[{SUPERSCRIPT_DIGITS}]+\s+\S")
_TRAILING_MARKS = SUPERSCRIPT_DIGITS + "\"'”’»)]"
_SENTENCE_END = ".!?:;"
_PAGE_NUMBER_RE = re.compile(
    r"^[-–—\s]*(?:(?:pagina|page|blz\.?|p\.)\s*)?\d{1,4}(?:\s*(?:van|of|/)\s*\d{1,4})?[-–—\s]*$",
    re.IGNORECASE,
)


def normalise_characters(text: str) -> str:
    """Compatibility-normalise characters (ligatures, full-width forms) except meaningful ones.

    Plain NFKC would turn footnote markers into ordinary digits ("geïnformeerd.¹"
    -> "geïnformeerd.1"), so it is applied per character, skipping the keep-set.
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub(
        r"[^\x00-\x7f]",
        lambda m: m.group() if m.group() in _KEEP_AS_IS else unicodedata.normalize("NFKC", m.group()),
        text,
    )
    return unicodedata.normalize("NFC", _DETACHED_ACCENT.sub(_attach_accent, text))


# A letter, a space, then a combining accent: an accent a PDF drew as its own glyph
# ("Kostic ́" for "Kostić"; NFKC also turns a spacing "´" into space + U+0301).
_DETACHED_ACCENT = re.compile(r"([^\W\d_]) {1,2}([\u0300-\u036f])")


def _attach_accent(m: re.Match[str]) -> str:
    """The letter with its accent when Unicode has that letter precomposed (ć, ë); else unchanged."""
    joined = unicodedata.normalize("NFC", m.group(1) + m.group(2))
    return joined if len(joined) == 1 else m.group()


def _normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n\n").replace("\v", "\n")
    text = text.replace("\u00ad\n", "").replace("\u00ad", "")  # soft hyphens: invisible by definition
    text = _INVISIBLE.sub("", text)
    text = _SPACE_LIKE.sub(" ", text)
    text = _CONTROL.sub("", text)
    return text


def _is_complete(text: str) -> bool:
    """Whether a paragraph ends like a sentence (so what follows is not its continuation)."""
    return text.rstrip(_TRAILING_MARKS).endswith(tuple(_SENTENCE_END))


# Words a line that runs on ends with: an article, preposition, conjunction or "te" before its verb.
# A heading never ends so ("... Wassenaar d.d. 18 april 2023 vast te" / "stellen." is one sentence).
_RUNS_ON = wordset(
    """
    de het een van te en of in op voor met aan bij door naar om uit tot over die dat waarin waarmee
    waarvan waarbij als dan maar ook niet is zijn wordt worden
    """
)


def _continues(line: str) -> bool:
    """Whether a line opens with a word in lower case, so it carries on the line before it
    ("padelbanen;" after "... reduceren overlast"); a lettered item ("a. Aanpak ondermijning") or a
    stray letter (OCR's "n Ota" for a logo) starts something new."""
    return re.match(r"[a-zà-ÿ]{2,}\b", line) is not None


def _looks_like_heading(line: str, width: int) -> bool:
    """A short title-like line: it ends a paragraph even when no blank line follows."""
    first = line[:1]
    words = line.split()
    return (
        len(line) < max(0.6 * width, 20)
        and len(words) <= 10
        and (first.isupper() or first.isdigit())
        and not line.endswith(tuple(_SENTENCE_END + ",-"))
        and words[-1].lower() not in _RUNS_ON
    )


class _Block:
    """A paragraph, list item or footnote being assembled from lines."""

    def __init__(self, kind: str, text: str, after_gap: bool) -> None:
        self.kind = kind  # "para" | "item" | "foot" | "row"
        self.text = text
        self.after_gap = after_gap  # a blank line came before it (not just a line break)


def _line_kind(line: str) -> tuple[str, str]:
    """Classify a line as a table row, bullet item, numbered item, footnote or plain text."""
    if line.startswith(ROW_MARK):
        return "row", line[len(ROW_MARK) :].strip()
    bullet = _BULLET_RE.match(line)
    if bullet:
        return "item", "- " + line[bullet.end() :]
    if _NUMBERED_ITEM_RE.match(line):
        return "item", line
    if _FOOTNOTE_RE.match(line):
        return "foot", line
    return "para", line


def _blocks(lines: list[str]) -> list[_Block]:
    """Assemble paragraphs from hard-wrapped lines.

    The wrap width is that of the longest wrapped line: a table or label row (`ROW_MARK`) is its
    cells joined on one line, so it says nothing about where the text wraps. (Counting a
    332-character "Aanwezigen: ..." row made every 70-character line of the Wassenaar decision
    list of 2022-05-10 short, and cut "3. Beslispunt burgemeester: Aan de consulenten inkomen van
    de afdeling" from "Werk, Inkomen, ..." as if it were a heading.)
    """
    width = max((len(line) for line in lines if not line.startswith(ROW_MARK)), default=0)
    blocks: list[_Block] = []
    current: _Block | None = None
    previous = ""
    after_gap = False
    for line in lines:
        if not line:
            current, previous, after_gap = None, "", True
            continue
        kind, text = _line_kind(line)
        starts_new = (
            current is None
            or kind != "para"
            or current.kind == "row"
            or (_is_complete(previous) and len(previous) < 0.75 * width)
            # (A heading is not followed by a line that opens in lower case: "... overlast" / "padelbanen;".)
            or (_looks_like_heading(previous, width) and not _continues(text))
            # ("5.3 Zienswijze op het ontwerp Actieplan" / "Besluit:" / "1. De gemeenteraad ...")
            or _LABEL_LINE_RE.match(text) is not None
        )
        if starts_new:
            current = _Block(kind, text, after_gap)
            blocks.append(current)
        else:
            assert current is not None
            current.text = join_wrapped(current.text, text)
        previous = line
        after_gap = False
    return blocks


def _rejoin_interrupted(blocks: list[_Block]) -> list[_Block]:
    """Rejoin sentences that footnotes (or a stray blank line) cut in two.

    Extracted page text puts a footnote where it was printed, often in the
    middle of a sentence ("De investering vanuit / ¹ Kamerstuk ... / de Agenda
    ..."). The sentence is made whole and the footnotes follow the paragraph,
    so both the sentence and the footnote text stay findable. A mere line
    break before a lowercase line is not enough: that was a deliberate break
    after a short heading-like line ("Aan Minister van SZW / n Ota ...").
    """
    result: list[_Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        result.append(block)
        i += 1
        if block.kind in ("foot", "row"):
            continue
        while True:
            j = i
            while j < len(blocks) and blocks[j].kind == "foot":
                j += 1
            follower = blocks[j] if j < len(blocks) else None
            if (
                follower is None
                or follower.kind != "para"
                or not (j > i or follower.after_gap)
                or _is_complete(block.text)
                or not follower.text[:1].islower()
            ):
                break
            block.text = join_wrapped(block.text, follower.text)
            result.extend(blocks[i:j])  # the footnotes, now after the whole paragraph
            i = j + 1
    return result


def clean_text(raw: str) -> str:
    """Clean one page of extracted text; see the module docstring for the output shape."""
    text = speaker_headings(_normalise_whitespace(normalise_characters(raw)))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    blocks = _rejoin_interrupted(_blocks(lines))
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            list_continues = block.kind == "item" and blocks[index - 1].kind == "item"
            out.append("\n" if list_continues else "\n\n")
        out.append(block.text)
    return "".join(out)


def _line_key(line: str) -> str:
    """Compare header/footer lines ignoring spacing and numbers ("Pagina 3" ~ "Pagina 4")."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _edge_indexes(lines: list[str], size: int = 2) -> set[int]:
    """Indexes of the first and last `size` non-empty lines: where headers and footers live."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    return set(content[:size] + content[-size:])


def strip_repeated_lines(pages: list[str]) -> list[str]:
    """Drop running headers/footers and bare page numbers from extracted PDF pages.

    Only the first and last two lines of a page are candidates, so body text
    (a number in a table, a recurring sentence) keeps its place. Such a line is
    a header/footer when it repeats, ignoring numbers ("Kamerstuk 36 600, blz.
    3"), on at least 3 pages and at least 60 % of them; a bare page number
    ("3", "Pagina 3 van 7") is dropped on any page.
    """
    split_pages = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split_pages:
        counts.update({_line_key(lines[i]) for i in _edge_indexes(lines)})
    threshold = max(3, 0.6 * len(pages))
    repeated = {key for key, n in counts.items() if n >= threshold}

    result = []
    for lines in split_pages:
        edges = _edge_indexes(lines)
        kept = [
            line
            for i, line in enumerate(lines)
            if i not in edges or (_line_key(line) not in repeated and not _PAGE_NUMBER_RE.match(line))
        ]
        result.append("\n".join(kept))
    return result


def _place_footnotes(text: str, footnotes: list[str]) -> str:
    """Put each footnote right after the paragraph whose marker points to it.

    A footnote starts with its superscript marker ("¹ NOS, 1 maart 2024 …"); it
    goes after the first paragraph (line) that carries the same marker after a
    word, so the chunker keeps it with that paragraph. Footnotes whose marker is
    not found go to the end of the page. Order of the footnotes is kept.
    """
    lines = text.split("\n") if text else []
    trailing: list[str] = []
    for note in footnotes:
        marker = re.match(rf"[{SUPERSCRIPT_DIGITS}]+", note)
        target = None
        if marker:
            pattern = re.compile(rf"(?<=[^\s{SUPERSCRIPT_DIGITS}]){marker.group()}(?![{SUPERSCRIPT_DIGITS}])")
            target = next(
                (i for i, line in enumerate(lines) if pattern.search(line) and not _FOOTNOTE_RE.match(line)),
                None,
            )
        if target is None:
            trailing.append(note)
            continue
        end = target + 1
        while end < len(lines) and _FOOTNOTE_RE.match(lines[end]):
            end += 1  # after the footnotes already placed there
        lines[end:end] = ["", note] if end == target + 1 else [note]
    if trailing:
        lines += ["", *trailing] if lines else trailing
    return "\n".join(lines)


def _runs_on(last: str, first: str) -> bool:
    """Whether a page's last paragraph continues in the next page's first one (one sentence)."""
    if not last or not first or _is_complete(last) or _FOOTNOTE_RE.match(first):
        return False
    if _BULLET_RE.match(first) or _NUMBERED_ITEM_RE.match(first):
        return False
    return len(last.split()) >= 6 or first[:1].islower()


def assemble_pages(pages: list[tuple[int | None, str, list[str], tuple[str, ...]]]) -> list[Page]:
    """Raw page texts -> cleaned `Page`s, with sentences across page breaks made whole.

    Input per page: (number, raw body text, footnote texts, furniture lines).
    Each body is cleaned (`clean_text`); when a page ends in the middle of a
    sentence and the next page goes on with it, the continuation (the next
    page's first paragraph) moves to the end of the first page and
    `Page.continues_at` records where it starts, so the passage can cite
    "p. 1–2". Footnotes (cleaned) are placed after the paragraph that cites
    them. Pages left without text are dropped.
    """
    bodies = [clean_text(raw) for _, raw, _, _ in pages]
    continues: list[int | None] = [None] * len(pages)
    for i in range(len(pages) - 1):
        j = i + 1
        if not bodies[i] or not bodies[j]:
            continue
        last = bodies[i].rsplit("\n", 1)[-1]
        first, _, rest = bodies[j].partition("\n")
        if _runs_on(last, first):
            head = bodies[i][: len(bodies[i]) - len(last)]
            joined = join_wrapped(last, first)
            continues[i] = len(head) + len(last) + (1 if joined.startswith(last + " ") else 0)
            bodies[i] = head + joined
            bodies[j] = rest.lstrip("\n")
    result = []
    for (number, _, notes, furniture), body, cont in zip(pages, bodies, continues, strict=True):
        cleaned_notes = [c for note in notes if (c := clean_text(note))]
        text = _place_footnotes(body, cleaned_notes)
        if text.strip():
            result.append(Page(number, text, cont, tuple(furniture)))
    return result
