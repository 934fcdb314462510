"""When-facts: whether a sentence dates what a "wanneer", "hoe lang" or "hoe laat" question asks.

`date_bonus` scores a sentence for a date question part: a day for "op welke datum", an end
for "tot wanneer" and "wanneer stopt", a start for "vanaf wanneer", a length or an end for
"hoe lang", a clock time for "hoe laat", and a condition for "wanneer kan / mag / moet". The
patterns for years, months and day-month dates are shared with `assistant.facts`.
"""

from __future__ import annotations

import re

from assistant.sentences import tokens, wordset

YEAR = re.compile(r"(?<![\w.,])(?:19|20)\d{2}(?![\w]|[.,]\d)")

_DATE_WORDS = wordset(
    """
    januari februari maart april mei juni juli augustus september oktober november december january
    february march june july august october zomer winter voorjaar najaar lente herfst eind begin
    medio kwartaal summer spring autumn
    """
)
# Times a letter to parliament gives without a year: "voor het zomerreces", "na de zomer",
# "dit najaar", "begin volgend jaar" (dated by the letter itself).
_RELATIVE_TIME = re.compile(
    r"\b(?:zomer|kerst|herfst|voorjaars?|krokus|mei)reces\b"
    r"|\b(?:dit|deze|volgend|volgende|komend|komende)\s+(?:jaar|voorjaar|najaar|zomer|winter|kwartaal|maand)\b"
    r"|\b(?:voor|na|tijdens|in)\s+(?:de|het)\s+(?:zomer|winter|voorjaar|najaar)\b",
    re.IGNORECASE,
)

_MONTH_NAMES = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|june|july|august|october"
)
DAY_MONTH = re.compile(rf"\d{{1,2}} (?:{_MONTH_NAMES})\b", re.IGNORECASE)
_END_DATE = re.compile(
    r"\b(?:tot|t/m|until|through|eind|einde|eindigt|eindigen|eindigde|afgesloten|stopt|stoppen|"
    r"ends?|ended|expires?)\b",
    re.IGNORECASE,
)
# "Wanneer start X?", "Vanaf wanneer ...": a beginning; "X start op 1 maart 2025" answers it.
_START_ASKED = re.compile(
    r"\b(?:start|starten|startte|begint|beginnen|begon|vanaf wanneer|sinds wanneer|starts?|begins?|"
    r"began|from when|since when)\b",
    re.IGNORECASE,
)
_START_DATE = re.compile(
    r"\b(?:start|starten|startte|gestart|begint|beginnen|begon|vanaf|sinds|ingegaan|gaat in|starts?|"
    r"began|begins?|from|since)\b",
    re.IGNORECASE,
)
# A length of time: "voor 2 jaar", "30 minuten", "drie maanden" (answers "hoe lang").
_DURATION = re.compile(
    r"\b(?:\d+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf|half|anderhalf)\s+"
    r"(?:jaar|jaren|maanden?|weken?|dagen?|uur|uren|minuten|mins?|years?|months?|weeks?|days?|hours?|minutes)\b",
    re.IGNORECASE,
)
# How often: "elk kwartaal", "jaarlijks", "twee keer per jaar" (answers "hoe vaak").
FREQUENCY = re.compile(
    r"\b(?:elk|elke|ieder|iedere|per|om de|every|each)\s+(?:(?:\w+|\d+)\s+)?(?:jaar|jaren|kwartaal|kwartalen|"
    r"maand|maanden|week|weken|dag|dagen|half jaar|years?|quarters?|months?|weeks?|days?)\b|"
    r"\b(?:jaarlijks|halfjaarlijks|maandelijks|wekelijks|dagelijks|tweejaarlijks|"
    r"annually|yearly|monthly|weekly|quarterly|daily)\b|\b\w+\s+(?:keer|maal)\b|\b(?:eenmalig|tweemaal|driemaal)\b",
    re.IGNORECASE,
)
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d\s?[-–]\s?(?:19|20)?\d\d\b")  # "2023–2025"

# A time of day: "aanvang 17.00 uur", "om 9 uur", "at 10:30".
_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\s*(?:uur|u\b|h\b)|\b\d{1,2}\s*uur\b|\bat \d{1,2}[.:]\d{2}\b")
# "Wanneer kan / mag / moet ...?" asks under which condition as often as at what time; the text
# answers with "indien", "zodra", "mits", "alleen als" ("De rapporten kunnen worden gedeeld zodra ...").
_CONDITION_ASKED = re.compile(
    r"\b(?:wanneer|in welke gevallen|onder welke voorwaarden?)\s+(?:kan|kunnen|mag|mogen|moet|moeten|dient|"
    r"dienen|is|zijn)\b",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"\b(?:indien|zodra|mits|op voorwaarde|alleen als|alleen wanneer|alleen mogelijk|in geval van|"
    r"voorwaarde|voorwaarden)\b",
    re.IGNORECASE,
)

_HOW_LONG = re.compile(r"\b(?:hoe lang|how long)\b", re.IGNORECASE)


def date_bonus(part: str, sentence: str) -> float:
    """How precisely a sentence dates what a "wanneer" question asks, 0..1.

    "Op welke datum" wants a day ("26 november 2024"); "tot wanneer" wants an
    end ("tot eind 2025", "tot en met 2025"); a plain "wanneer" is answered best
    by a month or season with its year ("In mei 2024") and less well by a bare year.
    """
    asked = part.lower()
    words = set(tokens(sentence))
    day = bool(DAY_MONTH.search(sentence))
    month = bool(words & _DATE_WORDS) or bool(_RELATIVE_TIME.search(sentence))
    year = bool(YEAR.search(sentence))
    if re.search(r"\b(?:hoe laat|what time)\b", asked):
        return 1.0 if _CLOCK.search(sentence) else 0.0
    if _CONDITION_ASKED.search(asked) and _CONDITION.search(sentence):
        return 1.0  # "Wanneer kan een polis worden ingetrokken?" -> "alleen ... indien sprake is van fraude"
    if _HOW_LONG.search(asked):
        # "Hoe lang zijn de leden benoemd?" -> "voor 2 jaar"; "Hoe lang loopt X?" -> "tot eind 2025".
        # A date that ends nothing ("In de zomer van 2023 ...") says nothing about a length.
        if _DURATION.search(sentence) or ((day or month or year) and _END_DATE.search(sentence)):
            return 1.0
        return 0.0
    if not (day or month or year):
        return 0.0
    if re.search(r"\b(?:datum|date)\b", asked):
        return 1.0 if day else 0.3
    if re.search(
        r"\b(?:tot wanneer|until when|how long|hoe lang|eindigt|eindigen|stopt|stoppen|afloopt|loopt\b.*\baf|"
        r"end|ends|finish\w*)\b",
        asked,
    ):
        if _END_DATE.search(sentence) or _YEAR_RANGE.search(sentence):
            return 1.0
        return 0.3  # "start op 1 januari 2025", "in 2025 € 900.000": a date that ends nothing
    if _START_ASKED.search(asked):
        if _START_DATE.search(sentence):
            return 1.0
        return 0.3 if _END_DATE.search(sentence) and not (day or month) else 0.6
    return 1.0 if day or month else 0.7
