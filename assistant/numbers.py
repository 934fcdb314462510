"""Numbers as values: amounts, counts and years, however a Dutch or English text writes them.

"€ 1.500.000", "1,5 miljoen", "anderhalf miljoen euro" and "EUR 1.5 million" are one
value (1 500 000); "achttien gemeenten" counts 18 just as "18 gemeenten" does; "2023–2025"
and "van 2024 tot en met 2026" cover every year in between. The question, the answerer's
fact checks and the keyword index (`assistant.retrieval.analyze`) all read numbers here,
so a question and a passage that write one value differently still meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90,
}  # fmt: skip
_ENGLISH = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000,
}  # fmt: skip
# "ten" is left out: in Dutch text it is "ten behoeve", "ten minste", never 10.
# Words that are numbers but also something else: "een" is mostly the article, so it
# counts only before a scale word ("een miljoen"); "anderhalf" is 1.5.
_FRACTIONS = {"anderhalf": 1.5, "half": 0.5, "halve": 0.5}
# Dutch writes the numeral one with accents to tell it from the article: "één" (also "eén" at the
# start of a sentence, "Eén", and the variant "éen"). Written so, it is always the number.
_ACCENTED_ONE = frozenset({"één", "eén", "éen"})
SCALES = {
    "duizend": 1e3, "thousand": 1e3, "miljoen": 1e6, "mln": 1e6, "million": 1e6, "miljard": 1e9,
    "mld": 1e9, "mrd": 1e9, "billion": 1e9,
}  # fmt: skip


def word_value(word: str) -> float | None:
    """The value of one Dutch or English number word ("achttien" 18, "vijfentwintig" 25,
    "driehonderd" 300, "anderhalf" 1.5, "tweeënhalf", "twee en een half" and "two and a half" 2.5,
    "één" 1), or None. The article "een" is not a number here."""
    w = word.lower()
    if w in _FRACTIONS:
        return _FRACTIONS[w]
    if w in _ENGLISH:
        return float(_ENGLISH[w])
    if w in _ACCENTED_ONE:
        return 1.0  # the accents mark the numeral: "op één taakveld", "Eén loket"
    if w in _UNITS and w != "een":
        return float(_UNITS[w])
    if w in _TENS:
        return float(_TENS[w])
    # "tweeënhalf", "twee en een half": a unit and a half ("anderhalf" is 1.5 above).
    m = re.fullmatch(r"(\w+?)(?:ën|en|\s+en\s+een\s+)half", w)
    if m and m.group(1) in _UNITS and m.group(1) != "een":
        return _UNITS[m.group(1)] + 0.5
    m = re.fullmatch(r"(\w+)\s+and\s+a\s+half", w)  # "one and a half", "two and a half"
    if m and _ENGLISH.get(m.group(1), 100) < 20:
        return _ENGLISH[m.group(1)] + 0.5
    if w in ("honderd", "duizend"):
        return 100.0 if w == "honderd" else 1000.0
    m = re.fullmatch(r"(\w+?)(?:en|ën)(twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)", w)
    if m and m.group(1) in _UNITS and _UNITS[m.group(1)] < 10:
        return float(_UNITS[m.group(1)] + _TENS[m.group(2)])
    m = re.fullmatch(r"(\w*?)honderd(\w*)", w)
    if m:
        head = _UNITS.get(m.group(1), 1 if not m.group(1) else None)
        tail = word_value(m.group(2)) if m.group(2) else 0.0
        if head is not None and tail is not None and tail < 100:
            return head * 100.0 + tail
    return None


def parse_digits(token: str) -> float | None:
    """A written number as a value: "1.500.000" and "1,500,000" are 1500000; "2,5" and "2.5" are 2.5.

    Groups of exactly three digits after a separator are thousands; one separator
    followed by one, two or more than three digits is a decimal comma or point.
    """
    token = token.strip()
    if re.fullmatch(r"\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*", token):
        return float(re.sub(r"[.,\s]", "", token))
    if re.fullmatch(r"\d+", token):
        return float(token)
    m = re.fullmatch(r"(\d+)[.,](\d+)", token)
    if m:
        return float(f"{m.group(1)}.{m.group(2)}")
    return None


@dataclass(frozen=True)
class Quantity:
    """A number found in text: its value, whether it is money, and where it is written.

    `value` is in units (euros for money: "€ 2,5 miljoen" is 2500000.0); `start`/`end`
    are offsets into the text the quantity was read from.
    """

    value: float
    money: bool
    start: int
    end: int
    text: str


_WORD_NUMBER = "|".join(
    sorted(
        [
            *_UNITS,
            *_TENS,
            *_ENGLISH,
            *_FRACTIONS,
            *_ACCENTED_ONE,
            "honderd",
            "duizend",
            r"\w+(?:en|ën)\w+tig",
            r"\w+(?:ën|en)half",
            r"(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien)\s+en\s+een\s+half",
            r"(?:one|two|three|four|five|six|seven|eight|nine)\s+and\s+a\s+half",
            r"\w*honderd\w*",
        ],
        key=len,
        reverse=True,
    )
)
_QUANTITY = re.compile(
    r"(?P<euro>(?:€|eur\b|euro\b)\s*)?"
    rf"(?<![\w.,])(?P<num>\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?|(?:{_WORD_NUMBER})\b)"
    r"(?:\s*(?P<scale>miljoen|miljard|duizend|mln|mld|mrd|million|billion|thousand)\b\.?)?"
    r"(?P<after>\s*(?:euro|eur)\b)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\w.,€])(?:19|20)\d{2}(?![\w]|[.,]\d)")
_YEAR_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-–—/]|t/m|tot en met|tot|until|to|through)\s*((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)


def quantities(text: str) -> list[Quantity]:
    """Every amount and count in `text`, with its value (years and day numbers of dates included).

    "€ 1.500.000" -> 1500000 (money); "anderhalf miljoen euro" -> 1500000 (money);
    "achttien" -> 18; "2,5 miljoen" -> 2500000 (money only with "€"/"euro" nearby).
    """
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        raw = m.group("num")
        if raw[0].isdigit():
            value = parse_digits(raw)
        else:
            value = word_value(raw)
            if value is None and raw.lower() in ("een", "één") and m.group("scale"):
                value = 1.0
        if value is None:
            continue
        if m.group("scale"):
            value *= SCALES[m.group("scale").lower().rstrip(".")]
        money = bool(m.group("euro") or m.group("after"))
        found.append(Quantity(value, money, m.start(), m.end(), m.group().strip()))
    return found


def money_values(text: str) -> set[float]:
    """Values of the sums of money in `text`: numbers with "€"/"euro", or with a scale word
    ("2,5 miljoen"), which in these documents are sums of money."""
    return {q.value for q in quantities(text) if q.money or q.value >= 1e5}


def years(text: str) -> set[int]:
    """Years named in `text`, with ranges ("2023–2025", "2024 tot en met 2026") filled in."""
    found = {int(y) for y in _YEAR.findall(text)}
    for a, b in _YEAR_RANGE.findall(text):
        lo, hi = int(a), int(b)
        if lo < hi <= lo + 20:
            found.update(range(lo, hi + 1))
    return found


def value_token(value: float) -> str:
    """The keyword-index term of a value, one spelling for all notations: 1500000.0 -> "n1500000"."""
    if value == int(value):
        return f"n{int(value)}"
    return f"n{value:g}".replace(".", "_")
