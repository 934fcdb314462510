"""Dutch dates as written in documents and typed by users -> ISO 'YYYY-MM-DD', and back.

A date counts only when day, month and year are all written out and form a real
date: a missing date is better than a wrong one, since date filters silently
hide documents. Documents write '26 november 2024', '6 mrt. 2024' or '10-05-2022';
users also type '26/11/2024' and ISO '2024-11-26'. `DATE_PATTERN` finds such a
date in running text (`assistant.metadata` builds its layout patterns on it);
dateparser (Dutch, day-month-year, strict) reads it.
"""

from __future__ import annotations

import re

import dateparser

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
DATE_PATTERN = rf"(?:\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}|\d{{1,2}}-\d{{1,2}}-\d{{4}})"
DATE_RE = re.compile(DATE_PATTERN, re.I)
_STRICT_DMY = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True, "DATE_ORDER": "DMY"}
_DUTCH_MONTHS = _MONTHS.split("|")[:12]


def parse_dutch_date(text: str | None) -> str | None:
    """'26 november 2024', '6 mrt. 2024', 'donderdag 2 april 2009' or '10-05-2022' -> ISO 'YYYY-MM-DD'.

    Returns None for anything that is not one complete date (no day, no year,
    '31 februari 2024', two-digit years): a missing date is better than a wrong
    one, since date filters silently hide documents. A pattern finds the first
    complete date in `text` (dateparser's own search would also take '16 oktober'
    and fill in a year); dateparser (Dutch, day-month-year, strict) reads it.
    """
    match = DATE_RE.search(text or "")
    if not match:
        return None
    parsed = dateparser.parse(match.group(0), languages=["nl"], settings=_STRICT_DMY)
    if parsed is None or not 1800 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()


def parse_date_input(text: str | None) -> str | None:
    """A date a user typed into a field -> ISO 'YYYY-MM-DD'; None when it is not exactly one valid date.

    Accepts the forms Dutch users type: '26-11-2024' (also with '/' or '.'),
    '26 november 2024', '26 nov. 2024' and ISO '2024-11-26'. Read with the same
    strict day-month-year parsing as document dates; relative words ('morgen')
    and incomplete dates are refused rather than guessed.
    """
    value = " ".join((text or "").split())
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
        year, month, day = value.split("-")
        value = f"{day}-{month}-{year}"
    value = re.sub(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", r"\1-\2-\3", value)
    if not DATE_RE.fullmatch(value):
        return None
    return parse_dutch_date(value)


def dutch_date(iso: str) -> str:
    """'2022-05-10' -> '10 mei 2022', for titles (user-facing, so Dutch)."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {_DUTCH_MONTHS[month - 1]} {year}"
