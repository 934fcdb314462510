"""Ligatures a PDF maps to private-use characters: read them as the letters the page shows.

Some fonts draw "f", "fi" and friends with glyphs whose Unicode mapping points into
the Private Use Area, so every extractor (pypdf here, poppler's `pdftotext` alike)
reads "hee\\ue01et" for "heeft", "\\ue035nancieel" for "financieel" and
"voora\\ue01b" for "vooraf". A reader sees the letters; search, quotes and the
lexicon see a word broken in two. Measured on the two VWS accessibility audits in
../shared/corpora/pdf/rijksoverheid: U+E01E stands for "f" (311 times in one),
U+E01B for "f", U+E035 for "fi"; the coalitieakkoord's U+F0B7 is a bullet, in no
word.

What a private-use character stands for differs per font, so it is learned per
document by a vote of the lexicon (`ligature_map`): each candidate reading
(`CANDIDATES`) is put in every word that holds the character, and the reading that
turns the most of those words into words simplemma's Dutch or English lexicon
knows wins, if it makes at least two words and half of them known. A character in
no word (a bullet, a symbol) is left alone. OCR would be the library route, but
it costs seconds per page and brings its own errors into text whose every other
letter is right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import simplemma

# Readings a ligature glyph can have, the common ones first (a tie goes to the earlier one).
CANDIDATES = ("f", "fi", "fl", "ff", "ft", "ffi", "ffl", "fj", "fb", "fh", "fk", "tt", "Th", "st", "ct")
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_WORD_WITH_PRIVATE = re.compile(
    r"[^\W\d_]*[\ue000-\uf8ff][^\W\d_\ue000-\uf8ff]*(?:[\ue000-\uf8ff][^\W\d_]*)*"
)


@lru_cache(maxsize=100_000)
def _known(word: str) -> bool:
    lower = word.lower()
    return simplemma.is_known(lower, lang="nl") or simplemma.is_known(lower, lang="en")


def _read(word: str, char: str, reading: str) -> str | None:
    """`word` with `char` read as `reading`, when that gives known words: the word itself
    ("hee\ue01et" -> "heeft"), or two words where the glyph also swallowed the space next to it,
    as the layout of such fonts often does ("steekproe\ue01egemaakt" -> "steekproef gemaakt",
    "een\ue01eunctiebeperking" -> "een functiebeperking")."""
    joined = word.replace(char, reading)
    if _known(joined):
        return joined
    parts = word.split(char)
    if len(parts) == 2 and parts[0] and parts[1]:
        before, after = parts
        if _known(before + reading) and _known(after):
            return f"{before + reading} {after}"
        if _known(before) and _known(reading + after):  # the space before it: "een\ue01eunctie"
            return f"{before} {reading + after}"
    return None


def ligature_map(texts: Sequence[str]) -> dict[str, str]:
    """Private-use character -> the letters it stands for, voted by the lexicon over `texts`.

    Shape: {"\ue01e": "f", "\ue035": "fi"}; empty when the texts hold no such character
    in a word, or no reading makes enough of its words known.
    """
    words_of: dict[str, set[str]] = {}
    for text in texts:
        for word in _WORD_WITH_PRIVATE.findall(text):
            chars = set(_PRIVATE.findall(word))
            if len(chars) == 1 and any(c.isalpha() and not _PRIVATE.match(c) for c in word):
                words_of.setdefault(chars.pop(), set()).add(word)
    mapping: dict[str, str] = {}
    for char, words in words_of.items():
        best, best_known = None, 0
        for reading in CANDIDATES:
            known = sum(_read(w, char, reading) is not None for w in words)
            if known > best_known:
                best, best_known = reading, known
        if best is not None and best_known >= 2 and best_known * 2 >= len(words):
            mapping[char] = best
    return mapping


def restore_ligatures(text: str, mapping: dict[str, str]) -> str:
    """`text` with each mapped private-use character read as its letters; where the glyph also
    swallowed a space and the two halves are known words, the space comes back."""
    if not mapping:
        return text

    def word(m: re.Match[str]) -> str:
        found = m.group()
        chars = set(_PRIVATE.findall(found))
        if len(chars) == 1 and (char := chars.pop()) in mapping:
            read = _read(found, char, mapping[char])
            if read is not None:
                return read
        return _PRIVATE.sub(lambda c: mapping.get(c.group(), c.group()), found)

    return _WORD_WITH_PRIVATE.sub(word, text)
