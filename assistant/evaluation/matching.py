"""Matching of gold facts and evidence quotes in answers and passages (pure functions).

Why: the gold strings were copied from the raw files, while passages and answers come
out of cleaning and chunking; layout must not decide whether a fact "is there".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"} | {
    ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"
}


def normalize_text(text: str) -> str:
    """Lower-cased text with unified dashes/quotes, joined hyphenation and single spaces.

    Why: the gold strings were copied from the raw files, while passages and answers
    come out of cleaning (OCR repair, line joining) and chunking. Whitespace, line
    breaks, typographic dashes and end-of-line hyphenation must not decide whether a
    fact or quote "is there".
    """
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = text.translate(_DASHES).translate(_QUOTES)
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)  # "veer-\nkracht" -> "veerkracht"
    return re.sub(r"\s+", " ", text).strip().casefold()


def squash(text: str) -> str:
    """Only the letters and digits of `text`, lower-cased.

    Why: evidence quotes must survive any clean-up of OCR noise (bullets such as 'e'
    or '¢' stay outside the quotes, but punctuation, spacing and hyphens may change).
    Quotes are long enough (>= ~12 letters) that a squashed match is not accidental.
    """
    return "".join(ch for ch in normalize_text(text) if ch.isalnum())


def contains_quote(passage_text: str, quote: str) -> bool:
    """True when the evidence `quote` occurs in `passage_text` (whitespace/punctuation-insensitive)."""
    q = squash(quote)
    return bool(q) and q in squash(passage_text)


def contains_fact(text: str, alternatives: Sequence[str]) -> bool:
    """True when any alternative occurs in `text` as a whole token sequence.

    Matching is case-insensitive after `normalize_text`, and anchored at word edges so
    that the fact "7 gemeenten" is not found in "17 gemeenten" and "2025" not in "20251".
    """
    norm = normalize_text(text)
    for alt in alternatives:
        a = normalize_text(alt)
        if a and re.search(rf"(?<!\w){re.escape(a)}(?!\w)", norm):
            return True
    return False


def facts_found(text: str, facts: Sequence[Sequence[str]]) -> list[bool]:
    """For each required fact, whether some alternative of it occurs in `text`."""
    return [contains_fact(text, alts) for alts in facts]


def quote_verbatim(quote: str, passage_text: str) -> bool:
    """True when a citation's `quote` is character for character in its passage (whitespace collapsed).

    Why: a citation is only trustworthy when the highlighted span really is the source's
    wording; unlike `contains_quote` this keeps case, punctuation and hyphens.
    """
    q = " ".join(quote.split())
    return bool(q) and q in " ".join(passage_text.split())
