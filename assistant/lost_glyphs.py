"""Letters a PDF's text layer lost: put back the "f" of a font whose f-glyphs map to nothing.

Some PDFs draw "f" (and its ligatures "ft", "fi", "fy", ...) with glyphs that have
no Unicode mapping, so every text extractor (pypdf here, poppler's `pdftotext`
alike) reads "steekproe" for "steekproef", "unctie" for "functie", "hee" for
"heeft", "ysieke" for "fysieke". A reader sees the letters; the text layer does
not hold them, so search and quotes miss every word with an f. Measured on the
two VWS accessibility audits in ../shared/corpora/pdf/rijksoverheid: "f" is 0.11%
and 0.15% of their letters, against 0.74% in the coalitieakkoord and about 0.8%
in Dutch prose.

The repair is deliberately narrow. It runs only on a document whose letters
are mostly there but whose "f" is missing (`f_is_lost`), and it changes only a
word that simplemma's Dutch and English lexicons do not know and that becomes a
known word by exactly one insertion of "f" (else of "ft": "hee" -> "heeft").
Ambiguous words ("gra": "graf" or "graff") and words with inner capitals
("WAI", "oIn") stay as they are. OCR of such a document would be the library
route, but it costs seconds per page and brings its own errors into text whose
every other letter is right; the text layer plus a lexicon is the better source here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import simplemma

# Below this share of "f" among the letters the glyph is taken as lost. Dutch prose has about
# 0.8%, English about 2%; the two defective audits have 0.11% and 0.15% (module docstring).
LOST_F_SHARE = 0.003
# Too little text says nothing about letter shares.
MIN_LETTERS = 3000
# A document is repaired only when at least this many distinct words show the defect.
MIN_EVIDENCE = 5

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=100_000)
def _known(word: str) -> bool:
    return simplemma.is_known(word, lang="nl") or simplemma.is_known(word, lang="en")


@lru_cache(maxsize=100_000)
def restored(word: str) -> str | None:
    """The word with its lost "f" (or "ft") put back, or None when there is no single such word.

    "steekproe" -> "steekproef", "Unctie" -> "Functie", "hee" -> "heeft", "gra" -> None
    (graf or graff), "Braas" -> None (no insertion makes a known word).
    """
    lower = word.lower()
    if len(lower) < 3 or _known(lower) or any(c.isupper() for c in word[1:]):
        return None
    for insert in ("f", "ft"):
        found = {lower[:i] + insert + lower[i:] for i in range(len(lower) + 1)}
        known = [w for w in found if _known(w)]
        if len(known) == 1:
            fixed = known[0]
            return fixed[0].upper() + fixed[1:] if word[0].isupper() else fixed
        if known:
            return None
    return None


def f_is_lost(texts: Sequence[str]) -> bool:
    """Whether a document's text lost its "f": enough letters, too few of them "f", and at least
    `MIN_EVIDENCE` distinct unknown words that one inserted "f" makes known."""
    letters = sum(sum(c.isalpha() for c in t) for t in texts)
    if letters < MIN_LETTERS:
        return False
    f_share = sum(t.lower().count("f") for t in texts) / letters
    if f_share >= LOST_F_SHARE:
        return False
    words = {w for t in texts for w in _WORD.findall(t)}
    evidence = 0
    for word in words:
        if restored(word) is not None:
            evidence += 1
            if evidence >= MIN_EVIDENCE:
                return True
    return False


def restore_f(text: str) -> str:
    """`text` with every word repaired that `restored` repairs (call only when `f_is_lost`)."""
    return _WORD.sub(lambda m: restored(m.group()) or m.group(), text)
