"""Joining a paragraph's lines again where a line-end hyphen split a word or a compound.

Dutch writes a hyphen in compounds, drops a trema where a word is hyphenated,
and shortens compounds with a hyphen before "en"/"of"; justified text breaks
lines at all of those places. simplemma's Dutch lexicon (~3,700 words/s,
../shared/STACK.md; results cached) tells which reading a break has.
"""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma

# After a line-end hyphen these words mean a shortened compound ("Veerkracht- en
# Weerbaarheidscongres"), not a word split by hyphenation.
_COMPOUND_CONTINUATIONS = re.compile(r"^(?:en|of|tot|noch|en/of)\b")
_VOWELS = "aeiouy"
_TREMA = {"a": "ä", "e": "ë", "i": "ï", "o": "ö", "u": "ü"}
# Unstressed prefixes that take a trema, never a hyphen, before a vowel ("geïnformeerd", "beëindigd").
_TREMA_PREFIXES = frozenset({"ge", "be"})
# Vowel pairs that read as one sound (Taalunie, Leidraad 9.A); "ie" is left out: "financi-" /
# "eel" breaks between the i and the ee of "financieel".
_CLASHES = frozenset(["aa", "ae", "ai", "au", "ee", "ei", "eu", "ii", "oe", "oi", "oo", "ou", "ui", "uu"])


@lru_cache(maxsize=65536)
def _known_word(word: str) -> bool:
    """Whether simplemma's Dutch lexicon knows the word (or its lower-case form)."""
    return simplemma.is_known(word, lang="nl") or simplemma.is_known(word.lower(), lang="nl")


def _is_compound_hyphen(left_word: str, right_word: str) -> bool:
    """Whether "left-right" between two vowels is a real compound ("zee-eend", "auto-ongeluk").

    Dutch writes a hyphen where a compound joins two vowels that would
    otherwise be read as one sound, and that is exactly where justified text
    also breaks words ("financi-" / "eel"). Spelling rules cannot tell the two
    apart; a lexicon can: it is a compound when both parts are words and the
    joined form is not (simplemma's Dutch dictionary, ~3,700 words/s measured
    in ../shared/STACK.md; results cached).
    """
    joined = left_word + right_word
    return _known_word(left_word) and _known_word(right_word) and not _known_word(joined)


def _with_trema(right: str) -> str:
    """``right`` with a trema on its first letter ("ele" -> "ële")."""
    return _TREMA.get(right[:1], right[:1]) + right[1:]


def _vowel_clash(left_word: str, right_word: str) -> str:
    """How a line-end break between two vowels joins: "trema", "hyphen" or "plain".

    Dutch drops a word's trema where it is hyphenated ("materi-" / "ele" is
    "materiële", "idee-" / "en" is "ideeën"; Taalunie, Leidraad 10.D), and a
    compound keeps its hyphen where two vowels would read as one sound
    ("Woo-index", "na-ijleffecten"; Leidraad 9.A). In that order: a compound
    of two known words; a form with the trema that the lexicon knows, or an
    unstressed prefix ("ge-" / "informeerd"); a misreadable pair (_CLASHES)
    beside a known part is a compound ("Woo-index"; "Gro-" / "up" is no Dutch); anything else is plain
    hyphenation ("soci-" / "ale", "be-" / "oordeling").
    """
    if _is_compound_hyphen(left_word, right_word):
        return "hyphen"
    if _known_word(left_word + _with_trema(right_word)) or left_word.lower() in _TREMA_PREFIXES:
        return "trema"
    joined = left_word + right_word
    if _known_word(joined) or simplemma.is_known(joined.lower(), lang="en"):
        return "plain"  # "financieel"; "Gro-" / "up" is English "Group"
    clash = (left_word[-1:] + right_word[:1]).lower() in _CLASHES
    return "hyphen" if clash and (_known_word(left_word) or _known_word(right_word)) else "plain"


def _shortened_compound(left_word: str, rest: str) -> bool:
    """Whether "left- en|of ..." shortens a compound ("Veerkracht- en Weerbaarheidscongres").

    A bare stem ("Financi-" / "en") is the word "Financiën", so the left part
    must be a word. When it is a word and "left" + "ën" is one too ("zee- en
    luchtvaart" or "zeeën"), it is a shortened compound only when the next
    word is a compound the lexicon lacks, as a shortened compound's partner
    is ("luchtvaart"); "idee-" / "en voor de wijk" is "ideeën voor de wijk".
    """
    if not (left_word[-1:].lower() in _VOWELS and rest.startswith("en") and _known_word(left_word + "ën")):
        return True
    if not _known_word(left_word):
        return False
    following = re.match(r"^(?:en|of|tot|noch|en/of)\s+([^\W\d_][\w-]*)", rest)
    return bool(following) and not _known_word(following.group(1))


def join_wrapped(left: str, right: str) -> str:
    """Join two pieces of one paragraph that a line break (or a page break) separated.

    A line-end hyphen is removed where it splits a word ("veer-" + "kracht",
    "materi-" + "ele" -> "materiële", see _vowel_clash), and kept in compounds
    ("Noord-" + "Holland", "zee-" + "eend") and before "en"/"of"
    ("Veerkracht- en Weerbaarheidscongres"); otherwise one space joins.
    """
    if len(left) >= 2 and left.endswith("-") and left[-2].isalpha():
        left_word = re.search(r"[^\W\d_]+$", left[:-1])
        right_word = re.match(r"[^\W\d_]+", right)
        shortened = not left_word or _shortened_compound(left_word.group(), right)
        if _COMPOUND_CONTINUATIONS.match(right) and shortened:
            return f"{left} {right}"
        before, after = left[-2], right[:1]
        if not (before.islower() and after.islower()):
            return left + right  # "SZW-" + "beleid", "Noord-" + "Holland"
        if before in _VOWELS and after in _VOWELS and left_word and right_word:
            clash = _vowel_clash(left_word.group(), right_word.group())
            if clash == "hyphen":
                return left + right  # "zee-" + "eend": a compound keeps its hyphen
            if clash == "trema":
                return left[:-1] + _with_trema(right)  # "materi-" + "ele": "materiële"
        return left[:-1] + right  # "veer-" + "kracht", "financi-" + "eel": hyphenation
    return f"{left} {right}"
