"""The time a question asks about: the newest figure, the figure as of a moment, or its history.

`time_asked(text)` reads it off the question once, for `assistant.question.parse_question`,
which stores it as `Question.time`; the answerer (`assistant.timeline`) resolves it
against the dates of the documents that answer:

- "huidig", "nu", "momenteel", "actueel", "laatste", "nieuwste" (English "current",
  "latest", "now", "today", "most recent") ask for the newest value: mode "newest";
- "in 2023", "op 1 januari 2024", "vorig jaar" (English "in 2023", "on 1 January 2024",
  "last year") ask for the value as of then: mode "as_of" with `year`, `on` (an ISO
  date) or `years_back` (counted back from the newest document's year, because the
  documents, not the clock, say what "now" is);
- "hoe is ... veranderd", "verloop", "ontwikkeling" (English "how has ... changed",
  "over time") ask for the history: mode "history".

`without_time_words(text)` removes the time adjectives and adverbs, so "Wat is het
huidige budget?" is typed and searched as "Wat is het budget?": "huidige" says when,
not what, and no sentence of a document contains it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

TimeMode = Literal["newest", "as_of", "history"]

_DUTCH_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"
_ENGLISH_MONTHS = "january february march april may june july august september october november december"
# Month names (Dutch and English) -> month number.
MONTHS = {m: i % 12 + 1 for i, m in enumerate(f"{_DUTCH_MONTHS} {_ENGLISH_MONTHS}".split())}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# Words that only say "the newest": removed before the question is typed and searched.
_NEWEST = re.compile(
    r"\b(?:huidige?|actuele?|actueel|laatste|nieuwste|meest recente?|momenteel|thans|op dit moment|"
    r"tegenwoordig|nu|current|currently|latest|newest|most recent|at present|right now|now|today|"
    r"vandaag|these days)\b",
    re.IGNORECASE,
)
_LAST_YEAR = re.compile(r"\b(?:vorig jaar|vorige jaar|verleden jaar|last year|the previous year)\b", re.I)
_HISTORY = re.compile(
    r"\b(?:hoe (?:is|zijn|heeft|hebben) .*\b(?:veranderd|gewijzigd|ontwikkeld|gegroeid|gestegen|gedaald|"
    r"verlopen|toegenomen|afgenomen|aangepast)|verloop|ontwikkeling|in de loop der jaren|door de jaren heen|"
    r"how (?:has|have|did) .*\b(?:chang\w*|develop\w*|grow\w*|grown|evolv\w*|increas\w*|decreas\w*)|"
    r"over (?:the )?(?:time|years)|history of)\b",
    re.IGNORECASE,
)
# The verb of a history question ("veranderd", "changed"): how the question asks, not about what.
CHANGE_VERB = re.compile(
    r"veranderd|gewijzigd|ontwikkeld|gegroeid|gestegen|gedaald|verlopen|toegenomen|afgenomen|aangepast|"
    r"chang\w*|develop\w*|grow\w*|grown|evolv\w*|increas\w*|decreas\w*",
    re.IGNORECASE,
)
# "op 1 januari 2024", "per 1 januari 2024", "on 1 January 2024", "as of January 1, 2024".
_ON_DATE = re.compile(
    rf"\b(?:op|per|vanaf|on|as of|as at|by)\s+(?:(\d{{1,2}})\s+({_MONTH})|({_MONTH})\s+(\d{{1,2}}),?)"
    r"\s+((?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_IN_YEAR = re.compile(
    r"\b(?:in|voor|during|for|per|anno|eind|end of|begin|start of)\s+((?:19|20)\d{2})\b", re.I
)


@dataclass(frozen=True)
class TimeAsk:
    """When the asked value should hold.

    `mode` "newest" (the newest document's value), "as_of" (the value as of `on`, an
    ISO date, or of `year`, or of `years_back` years before the newest document's
    year), or "history" (every value, newest first). `words` are the question's own
    time words, for messages.
    """

    mode: TimeMode
    year: int | None = None
    on: str | None = None
    years_back: int = 0
    words: str = ""

    def moment(self, newest_year: int | None) -> str | None:
        """The last ISO date the asked value should hold on, given the newest document's year.

        "in 2023" -> "2023-12-31"; "op 1 januari 2024" -> "2024-01-01"; "vorig jaar"
        with a newest document of 2025 -> "2024-12-31"; None for "newest"/"history",
        or for "vorig jaar" when no document is dated.
        """
        if self.mode != "as_of":
            return None
        if self.on:
            return self.on
        if self.year is not None:
            return f"{self.year}-12-31"
        if newest_year is None:
            return None
        return f"{newest_year - self.years_back}-12-31"

    def label(self, newest_year: int | None) -> str:
        """How the asked time is named back to the reader: "2023", "1 januari 2024", "2024"."""
        if self.on:
            d = date.fromisoformat(self.on)
            names = list(MONTHS)[:12]
            return f"{d.day} {names[d.month - 1]} {d.year}"
        if self.year is not None:
            return str(self.year)
        if newest_year is not None:
            return str(newest_year - self.years_back)
        return self.words


def _on_date(text: str) -> tuple[str, str] | None:
    """The ISO date of "op 1 januari 2024" / "on January 1, 2024" in `text`, with the words; else None."""
    m = _ON_DATE.search(text)
    if not m:
        return None
    day = int(m.group(1) or m.group(4))
    month = MONTHS[(m.group(2) or m.group(3)).lower()]
    try:
        return date(int(m.group(5)), month, day).isoformat(), m.group(0)
    except ValueError:
        return None  # "31 februari": not a date


def time_asked(text: str) -> TimeAsk | None:
    """The time a question asks about (see the module doc), or None when it names none.

    A named moment wins over a time word: "Wat was het budget op 1 januari 2024?" is
    "as_of" even though "was" looks back. A history question with a year ("Hoe is het
    budget sinds 2023 veranderd?") stays a history question.
    """
    if _HISTORY.search(text):
        return TimeAsk("history", words=_HISTORY.search(text).group(0))  # type: ignore[union-attr]
    on = _on_date(text)
    if on:
        return TimeAsk("as_of", on=on[0], year=int(on[0][:4]), words=on[1])
    year = _IN_YEAR.search(text)
    if year:
        return TimeAsk("as_of", year=int(year.group(1)), words=year.group(0))
    last = _LAST_YEAR.search(text)
    if last:
        return TimeAsk("as_of", years_back=1, words=last.group(0))
    newest = _NEWEST.search(text)
    if newest:
        return TimeAsk("newest", words=newest.group(0))
    return None


def without_time_words(text: str) -> str:
    """`text` without the words that only say when: "huidige", "vorig jaar", "op 1 januari 2024"
    (for typing and search; the year of a date stays in `Question.years`)."""
    stripped = _LAST_YEAR.sub(" ", _NEWEST.sub(" ", _ON_DATE.sub(" ", text)))
    return re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s{2,}", " ", stripped)).strip()
