"""Figures that changed over time: the newest value first, the earlier ones with their dates.

When the sentences that answer a money, count or date question state different
values for the same subject in documents of different dates, the answer leads with
the value of the newest document and lists the earlier ones, each with its date and
its own citation (a verbatim quote):

    Nieuwste cijfer: € 5 miljoen (Voortgangsbrief regeling Buurtkracht, 4 maart 2025) [1];
    eerder € 3 miljoen (12 juni 2023) [2]. Volgens de documenten: <quote> [1] <quote> [2]

How a value is dated: by the date of its document (`Passage.date`, from the manifest or
read from the letter itself by `assistant.metadata`); a year the sentence gives its
own figure ("in 2023 is ... verstrekt") is shown beside it. A document without a date
is never the newest: its value is listed last, "datum onbekend". Documents of one
date that disagree are shown side by side without a "newest" claim. The question's
time (`Question.time`, `assistant.asked_time`) picks the lead: the newest value, the
value that held at an asked moment (the newest document dated on or before it), or
the whole history. A moment the documents do not reach is answered with what they do
cover, and says so.

Which sentences are "the same figure": eligible answers to the question (so on its
subject, carrying the asked kind of fact, not about another year or scheme; see
`assistant.scoring`) scoring within `Settings.timeline_margin` of the best one, one
per document, each with a value of the asked kind (`extract_value`). Fewer than two
different values: no timeline, the normal answer stands. Dates are the riskiest
kind (one letter names the start of a scheme, another the date of a congress), so a
date question gets a timeline only when it names a time ("Wanneer is de evaluatie nu
gepland?") and only from sentences on one event (`same_event`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.asked_time import MONTHS
from assistant.conversation import Language
from assistant.export import dutch_date
from assistant.numbers import Quantity, quantities, years
from assistant.question import Question
from assistant.question_kinds import counted_noun
from assistant.retrieval import analyze
from assistant.scoring import Assessment, ScoredSentence
from assistant.sentences import one_line, with_context
from assistant.settings import Settings
from assistant.types import Answer, Citation, Hit, TimelineEntry

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_VALUE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{_MONTH})\s+(?:19|20)\d{{2}}|(?:(?:begin|eind|medio|voorjaar|najaar|zomer|"
    rf"winter|najaar)\s+|(?:{_MONTH})\s+)?(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_NEW_VALUE = re.compile(r"\b(?:naar|tot|op|to)\s*$", re.IGNORECASE)  # "verhoogd naar € 5 miljoen"
_DAY_OF_MONTH = re.compile(rf"^\s*(?:{_MONTH})\b", re.IGNORECASE)
_COUNTED = re.compile(r"\b(?:aantal|number of)\s+(?:\w+e\s+)?(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    """A value read from one sentence: `key` compares values, `shown` is how it is written."""

    key: str
    shown: str


@dataclass(frozen=True)
class Dated:
    """One document's value for the timeline, with the sentence that states it."""

    value: Value
    sentence: ScoredSentence
    date: str | None
    year_in_text: int | None
    title: str  # of the document, for the reader


def _pick(found: Sequence[Quantity], text: str) -> Quantity | None:
    """The new value of a change ("van € 3 miljoen naar € 5 miljoen" -> € 5 miljoen), else the first."""
    for q in found:
        if _NEW_VALUE.search(text[: q.start]):
            return q
    return found[0] if found else None


def counted(question: Question) -> str | None:
    """What a count question counts: "Hoeveel gemeenten" / "het aantal gemeenten" -> "gemeenten"."""
    noun = counted_noun(question.parts[0].text)
    if noun:
        return noun
    m = _COUNTED.search(question.parts[0].text)
    return m.group(1).lower() if m else None


def extract_value(kind: str, text: str, noun: str | None) -> Value | None:
    """The value of the asked kind a sentence states, or None.

    "money": a sum of money (with "€"/"euro", or a scale word); "amount": a count that is
    no sum, year or day of a month, the one before `noun` ("16 gemeenten") when there is
    one, else the sentence's only count when it names `noun` ("het aantal gemeenten groeit
    naar 16"); "date": a day, month or season with its year, or a bare year.
    """
    if kind == "date":
        m = _DATE_VALUE.search(text)
        return Value(" ".join(m.group(0).lower().split()), m.group(0)) if m else None
    found = quantities(text)
    if kind == "money":
        q = _pick([x for x in found if x.money or x.value >= 1e5], text)
        return Value(f"{q.value:g}", q.text.rstrip(".")) if q else None
    if kind != "amount":
        return None
    plain = [
        x for x in found
        if not (x.money or x.value >= 1e5)
        and x.value not in years(x.text)
        and not _DAY_OF_MONTH.match(text[x.end :])
    ]  # fmt: skip
    if not plain:
        return None
    stems = set(analyze(noun)) if noun else set()
    before = [x for x in plain if stems and stems & set(analyze(" ".join(text[x.end :].split()[:2])))]
    if before:
        q = before[0]
    elif not stems or (stems & set(analyze(text)) and len(plain) == 1):
        q = _pick(plain, text)
    else:
        return None
    assert q is not None
    shown = f"{q.text.rstrip('.')} {noun}" if noun else q.text.rstrip(".")
    return Value(f"{q.value:g}", shown)


def _own_year(kind: str, text: str) -> int | None:
    """The one year a sentence gives its figure ("in 2023 is € 2 miljoen verstrekt"), else None."""
    if kind == "date":
        return None  # a date's year is the value itself
    found = years(text)
    return next(iter(found)) if len(found) == 1 else None


def same_event(a: str, b: str, settings: Settings) -> bool:
    """Whether two dated sentences speak of one event: their words other than dates and numbers
    overlap (Jaccard of stems) by at least `settings.timeline_same_event_overlap`."""

    def words(text: str) -> set[str]:
        return {w for w in analyze(_DATE_VALUE.sub(" ", text)) if not w[:1].isdigit()}

    wa, wb = words(a), words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= settings.timeline_same_event_overlap


def collect(
    question: Question, assessment: Assessment, hits: Sequence[Hit], settings: Settings
) -> list[Dated]:
    """One value per document from the sentences that answer the question, newest first.

    Dated documents by date (then by the year in the sentence), undated ones last. Only
    sentences within `settings.timeline_margin` of the best answer count.
    """
    best = assessment.best
    kind = question.kind
    if best is None or kind not in ("money", "amount", "date"):
        return []
    if kind == "date" and question.time is None:
        return []  # "Tot wanneer ...?" sentences name dates of different events; only a time word asks
    noun = counted(question) if kind == "amount" else None
    seen: set[str] = set()
    found: list[Dated] = []
    for x in assessment.eligible[0]:
        if x.score < best.score - settings.timeline_margin:
            break
        passage = hits[x.hit_index].passage
        if passage.doc_id in seen:
            continue
        value = extract_value(kind, x.text, noun)
        if value is None:
            continue
        if kind == "date" and found and not same_event(found[0].sentence.text, x.text, settings):
            continue
        seen.add(passage.doc_id)
        found.append(Dated(value, x, passage.date, _own_year(kind, x.text), passage.title))
    dated = sorted((d for d in found if d.date), key=lambda d: (d.date, d.year_in_text or 0), reverse=True)
    return (dated + [d for d in found if not d.date])[: settings.timeline_max_values]


def roles(question: Question, values: Sequence[Dated]) -> tuple[list[str], str | None]:
    """The role of each value ("newest", "as_of", "same_date", "earlier", "later", "undated") and
    where the asked moment lies outside what the documents cover: "before" (earlier than
    every dated value: the oldest is shown, marked), "after" (a later year than the newest
    document: the newest is shown, marked), else None."""
    result = ["undated" if not d.date else "earlier" for d in values]
    dated = [i for i, d in enumerate(values) if d.date]
    if not dated:
        return result, None
    newest = str(values[dated[0]].date)
    same = [i for i in dated if values[i].date == newest]
    if len({values[i].value.key for i in same}) > 1:
        for i in same:
            result[i] = "same_date"  # documents of one date disagree: none is the newest
        return result, None
    moment = question.time.moment(int(newest[:4])) if question.time else None
    if moment is None:
        result[dated[0]] = "newest"
        return result, None
    own = [i for i in dated if str(values[i].year_in_text) == moment[:4]]
    held = own or [i for i in dated if str(values[i].date) <= moment]
    if not held:
        result[dated[-1]] = "as_of"
        return result, "before"
    result[held[0]] = "as_of"
    for i in dated:  # a value stated after the one that held then came later, not earlier
        if result[i] == "earlier" and str(values[i].date) > str(values[held[0]].date):
            result[i] = "later"
    return result, "after" if moment[:4] > newest[:4] else None


def is_timeline(values: Sequence[Dated]) -> bool:
    """Whether the values make a timeline: two documents or more that state different values."""
    return len(values) >= 2 and len({d.value.key for d in values}) >= 2


_WORDS: dict[Language, dict[str, str]] = {
    "nl": {
        "newest": "Nieuwste cijfer: {v} ({title} van {when}) {m}",
        "as_of": "Cijfer voor {label}: {v} ({title} van {when}) {m}",
        "lead_before": "Geen cijfer voor {label} in de documenten; het oudste: {v} ({title} van {when}) {m}",
        "lead_after": "Geen cijfer voor {label} in de documenten; het nieuwste: {v} ({title} van {when}) {m}",
        "history": "Verloop volgens de documenten, nieuwste eerst: {v} ({title} van {when}) {m}",
        "same_date": "Documenten van dezelfde datum ({when}) noemen verschillende cijfers: {v} ({title}) {m}",
        "undated_all": "De documenten noemen verschillende cijfers, van geen ervan is de datum bekend: "
        "{v} ({title}) {m}",
        "also_same": " en {v} ({title}) {m}",
        "earlier": "; eerder {v} ({when}) {m}",
        "later": "; later {v} ({when}) {m}",
        "step": "; {v} ({when}) {m}",
        "undated": "; datum onbekend: {v} ({title}) {m}",
        "quotes": "Volgens de documenten:",
        "unknown": "datum onbekend",
        "own_year": "{when}, cijfer over {year}",
        "before": "De documenten noemen geen cijfer van {label} of eerder; het oudste cijfer staat voorop.",
        "after": "De documenten reiken tot {when}; een cijfer voor {label} staat er niet in, "
        "het nieuwste staat voorop.",
        "undated_note": "De datum van {titles} is onbekend; dat cijfer is niet als nieuwste getoond.",
    },
    "en": {
        "newest": "Latest figure: {v} ({title}, {when}) {m}",
        "as_of": "Figure for {label}: {v} ({title}, {when}) {m}",
        "lead_before": "No figure for {label} in the documents; the oldest figure: {v} ({title}, {when}) {m}",
        "lead_after": "No figure for {label} in the documents; the latest figure: {v} ({title}, {when}) {m}",
        "history": "History according to the documents, newest first: {v} ({title}, {when}) {m}",
        "same_date": "Documents of the same date ({when}) give different figures: {v} ({title}) {m}",
        "undated_all": "The documents give different figures, none of them with a known date: "
        "{v} ({title}) {m}",
        "also_same": " and {v} ({title}) {m}",
        "earlier": "; earlier {v} ({when}) {m}",
        "later": "; later {v} ({when}) {m}",
        "step": "; {v} ({when}) {m}",
        "undated": "; date unknown: {v} ({title}) {m}",
        "quotes": "According to the documents (quoted in Dutch):",
        "unknown": "date unknown",
        "own_year": "{when}, figure for {year}",
        "before": "The documents give no figure for {label} or earlier; the oldest figure comes first.",
        "after": "The documents reach until {when}; a figure for {label} is not in them, "
        "the latest comes first.",
        "undated_note": "The date of {titles} is unknown; that figure is not presented as the latest.",
    },
}  # fmt: skip


def _of_kind(phrase: str, kind: str) -> str:
    """A framing phrase for a date instead of a figure: "Nieuwste datum", "Latest date"."""
    if kind != "date":
        return phrase
    return phrase.replace("cijfer", "datum").replace("figure", "date")


def _when(d: Dated, lang: Language) -> str:
    """The date a reader sees: "4 maart 2025", "4 maart 2025, cijfer over 2023" or "datum onbekend"."""
    words = _WORDS[lang]
    if not d.date:
        return words["unknown"]
    when = dutch_date(d.date) or d.date
    return words["own_year"].format(when=when, year=d.year_in_text) if d.year_in_text else when


def _display_order(values: Sequence[Dated], role_of: Sequence[str]) -> list[int]:
    """The lead value first (as_of, newest or same-date values), then the rest newest first."""
    lead = [i for i, r in enumerate(role_of) if r in ("as_of", "newest", "same_date")]
    return lead + [i for i in range(len(values)) if i not in lead]


def _summary(
    question: Question, values: Sequence[Dated], role_of: Sequence[str], order: list[int], outside: str | None
) -> str:
    """The framing line: each value with its date and citation marker, the lead value first;
    `outside` ("before", "after") when the asked moment lies outside the documents' dates."""
    lang = question.language
    words = _WORDS[lang]
    newest_year = next((int(str(d.date)[:4]) for d in values if d.date), None)
    label = question.time.label(newest_year) if question.time else ""
    history = question.time is not None and question.time.mode == "history"
    lead_role = role_of[order[0]]
    out = ""
    for n, i in enumerate(order, start=1):
        d, role = values[i], role_of[i]
        title = one_line(d.title)
        fields = {"v": d.value.shown, "title": title, "when": _when(d, lang), "m": f"[{n}]", "label": label}
        if n == 1:
            key = "undated_all" if role == "undated" else ("history" if history else lead_role)
            key = f"lead_{outside}" if outside else key
            out = _of_kind(words[key], question.kind).format(**fields)
        elif role == "same_date":
            out += words["also_same"].format(**fields)
        elif role == "undated":
            out += words["undated"].format(**fields)
        elif history:
            out += words["step"].format(**fields)
        else:
            later = lead_role == "as_of" and str(d.date) > str(values[order[0]].date)
            out += words["later" if later else "earlier"].format(**fields)
    return out + "."


def timeline_answer(
    question: Question, assessment: Assessment, hits: Sequence[Hit], settings: Settings
) -> Answer | None:
    """The answer about a figure that changed over time, or None when the figure did not change.

    `hits` are the passages the assessment scored (its `hit_index` points into them).
    The answer's text is the framing line (values, dates, markers) and then every
    value's sentence quoted verbatim with its own citation; `Answer.timeline` lists
    the values in the shown order; `Answer.notice` says when the asked moment lies
    outside the documents or a value's date is unknown.
    """
    values = collect(question, assessment, hits, settings)
    if not is_timeline(values):
        return None
    role_of, outside = roles(question, values)
    order = _display_order(values, role_of)
    lang = question.language
    citations: list[Citation] = []
    for n, i in enumerate(order, start=1):
        x = values[i].sentence
        passage = hits[x.hit_index].passage
        start, end = with_context(passage.text, x.start, x.end, question.kind)
        citations.append(Citation(n, passage, start, end))
    quotes = " ".join(f"{one_line(c.quote)} [{c.n}]" for c in citations)
    text = f"{_summary(question, values, role_of, order, outside)} {_WORDS[lang]['quotes']} {quotes}"
    notes = []
    if outside:
        newest_year = next((int(str(d.date)[:4]) for d in values if d.date), None)
        label = question.time.label(newest_year) if question.time else ""
        newest = next(d for d in values if d.date)
        notes.append(_WORDS[lang][outside].format(label=label, when=_when(newest, lang)))
    undated = [one_line(values[i].title) for i in order if not values[i].date]
    if undated and len(undated) < len(values):
        notes.append(_WORDS[lang]["undated_note"].format(titles=", ".join(undated)))
    return Answer(
        question=question.text,
        text=text,
        refused=False,
        citations=citations,
        standalone_query=question.query,
        notice=" ".join(notes) or None,
        timeline=[
            TimelineEntry(values[i].value.shown, values[i].date, n, values[i].year_in_text, role_of[i])
            for n, i in enumerate(order, start=1)
        ],
    )
