"""Metadata for documents without a manifest entry, read from the document itself.

Dutch government documents state their own metadata in fixed phrases on the
first page: a Kamerbrief has "Den Haag, 26 november 2024" and "Aan de Voorzitter
van de Tweede Kamer…", Kamervragen have "Vragen van het lid … (ingezonden …)"
and "Antwoord van Minister … (ontvangen …)", a decision list names its meeting
and date. `derive_metadata` recognises these layouts, falls back to the PDF's
own document information (/Title, /Subject, /Author, often stale or junk; read
by `assistant.pdf_docinfo`) and to the file name last. The patterns come from
the real documents in shared/corpora/pdf
(Aanhangsel van de Handelingen 2023–2024, Tweede Kamer besluitenlijsten 2009–2016,
Wassenaar B&W-besluitenlijsten 2022–2025), the bundled Kamerbrief, and the
published Staatscourant layout.

Nothing is guessed: a field the text does not state stays None, and a date is
only returned when day, month and year are all written out and form a real date
(`assistant.dutch_dates` reads dates).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from assistant.dutch_dates import (
    DATE_PATTERN,
    DATE_RE,
    dutch_date,
    parse_dutch_date,
)

# The type vocabulary: the manifest's and the upload form's types, plus the kinds found in the real corpora.
KAMERBRIEF, KAMERVRAGEN, BESLUITENLIJST = "kamerbrief", "kamervragen", "besluitenlijst"
STAATSCOURANT, BEGROTING, JAARSTUKKEN = "staatscourant", "begroting", "jaarstukken"
NOTA, RAPPORT = "nota", "rapport"

TITLE_MAX_CHARS = 160
_HEAD_CHARS = 6000  # the first page or two: where every layout below states its metadata
_TAIL_CHARS = 1500  # where a letter is signed

# Words that stay lower case when an upper-case heading ("BRIEF VAN DE MINISTER …") is re-cased.
_PARTICLES = {"van", "de", "der", "den", "het", "en", "voor", "op", "in", "te", "aan", "over", "met", "om"}


@dataclass(frozen=True)
class DerivedMeta:
    """What a document says about itself; None where it says nothing.

    `kamerstuk` is the document's reference: a Kamerstuk number ("36 600 XV, nr. 32"),
    an Aanhangsel id ("ah-tk-20232024-1314") or a Staatscourant number ("Stcrt. 2024, 12345").
    `submitted` is the date Kamervragen were sent in; `date` is then the date of the answer.
    """

    title: str | None = None
    doc_type: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    kamerstuk: str | None = None
    author: str | None = None
    recipient: str | None = None
    submitted: str | None = None  # ISO YYYY-MM-DD

    def fill(self, other: DerivedMeta) -> DerivedMeta:
        """This metadata with its empty fields taken from `other`."""
        return replace(
            self, **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(DerivedMeta)}
        )


def derive_metadata(text: str, info: Mapping[str, str] | None = None, file_name: str = "") -> DerivedMeta:
    """Metadata from a document's cleaned text, then its PDF `info` (`pdf_docinfo`), then its file name.

    `text` is the whole cleaned text; the layouts are recognised in its first
    few thousand characters and a letter's signature in its last ones. The text
    wins over the PDF info, because the info is often left over from a template
    (a 2015 decision list titled 'Aandachtspuntenlijst raadsvergadering 3 november 2008').
    The title is never empty when `file_name` is given. Never raises on odd text.
    """
    # As one line each, so the patterns match whether or not the extractor broke lines mid-sentence.
    head, tail = tidy(text[:_HEAD_CHARS]), tidy(text[-_TAIL_CHARS:])
    derived = DerivedMeta()
    for layout in _LAYOUTS:
        found = layout(head, tail)
        if found is not None:
            derived = found
            break
    derived = derived.fill(_generic(head, text))
    info = info or {}
    title = info.get("title") or _from_subject(info.get("subject"))
    fallback = DerivedMeta(title=title, author=_author_from_info(info.get("author")))
    derived = derived.fill(fallback).fill(DerivedMeta(title=_title_from_file_name(file_name)))
    if derived.doc_type is None:
        words = f"{derived.title or ''} {_title_from_file_name(file_name) or ''}"
        derived = replace(derived, doc_type=_type_from_words(words))
    return replace(derived, title=_shorten(derived.title) if derived.title else None)


# --- layouts -----------------------------------------------------------------------------------------

_KV_NUMBER = re.compile(r"gegeven antwoorden (\d{1,5})\b")
_KV_YEAR = re.compile(r"Vergaderjaar (\d{4})\s*[–-]\s*(\d{4})")
_KV_ID = re.compile(r"\bah-tk-\d{8}-\d+\b")
_KV_ASKED = re.compile(r"Vragen van (?:het |de )?(?:lid|leden) ")
_KV_SENT = re.compile(r"\s*\(ingezonden (?P<date>[^)]{0,40})\)")
_KV_ANSWER = re.compile(
    r"(?:Antwoord|Mededeling) van (?P<by>.{1,300}?)\s*\(ontvangen (?:\(ontvangen )?"
    r"(?P<date>" + DATE_PATTERN + r")"
)


def _kamervragen(head: str, tail: str) -> DerivedMeta | None:
    """Aanhangsel van de Handelingen: 'Vragen van het lid X (partij) aan … over … (ingezonden …)'."""
    asked = _KV_ASKED.search(head)
    sent = _KV_SENT.search(head, asked.end()) if asked else None
    if not (asked and sent) or sent.start() - asked.end() > 1000:
        return None
    # "het lid X (VVD) aan de Minister van Y over het bericht «Z»"; only a missing addressee is tolerated.
    who, _, topic = head[asked.start() + len("Vragen van ") : sent.start()].partition(" over ")
    who = who.split(" aan ")[0].strip()
    members = re.sub(r"\s*\([^()]*\)", "", who)
    answer = _KV_ANSWER.search(head, sent.end())
    return DerivedMeta(
        title=f"Vragen van {members} over {topic.strip()}" if topic else f"Vragen van {members}",
        doc_type=KAMERVRAGEN,
        date=parse_dutch_date(answer.group("date")) if answer else None,
        kamerstuk=_aanhangsel_id(head, tail),
        author=re.split(r",? mede namens ", answer.group("by"))[0].strip() if answer else None,
        recipient=re.sub(r"(?<=\w)\(", " (", who),
        submitted=parse_dutch_date(sent.group("date")),
    )


def _aanhangsel_id(head: str, tail: str) -> str | None:
    """The 'ah-tk-20232024-1314' id, made from the heading's year and number, else as printed in a footer.

    The heading is preferred: the text may cite other Aanhangsel ids in footnotes.
    """
    number, year = _KV_NUMBER.search(head), _KV_YEAR.search(head)
    if number and year:
        return f"ah-tk-{year.group(1)}{year.group(2)}-{number.group(1)}"
    printed = _KV_ID.findall(tail) or _KV_ID.findall(head)
    if printed:
        return printed[-1]  # the footer comes after any footnote that cites another id
    return f"Aanhangsel nr. {number.group(1)}" if number else None


_STCRT = re.compile(
    r"STAATSCOURANT Officiële uitgave van het Koninkrijk der Nederlanden sinds 1814\.? "
    r"Nr\. (?P<nr>\d+) (?P<date>" + DATE_PATTERN + r") (?P<title>.{1,300}?)(?:[.:;]\s|$)",
    re.I,
)


def _staatscourant(head: str, tail: str) -> DerivedMeta | None:
    """Staatscourant: 'STAATSCOURANT Officiële uitgave … sinds 1814. Nr. 12345 26 november 2024 <titel>'."""
    match = _STCRT.search(head)
    if not match:
        return None
    date = parse_dutch_date(match.group("date"))
    year = date[:4] if date else None
    return DerivedMeta(
        title=match.group("title").strip(),
        doc_type=STAATSCOURANT,
        date=date,
        kamerstuk=f"Stcrt. {year}, {match.group('nr')}" if year else f"Stcrt. nr. {match.group('nr')}",
    )


_TK_LIST = re.compile(r"Document: (?P<what>Besluitenlijst .{0,200}?" + DATE_PATTERN + ")", re.I)
_TK_COMMITTEE = re.compile(r"Voortouwcommissie: (.{1,200}?)(?= Volgcommissie| Document:|$)")
_LIST_HEADING = re.compile(r"(?:Openbare )?Besluitenlijst\b")
_HEADING_END = re.compile(r" (?:Datum|Tijd|Locatie|aanvang)\b| 1\.? [A-Z]")
_MEETING_DATE = re.compile(r"\bDatum:? (" + DATE_PATTERN + ")")
_COLLEGE = re.compile(r"\b(?:[Hh]et )?([Cc]ollege van [Bb]urgemeester en [Ww]ethouders(?: van)? [A-Z][\w-]+)")


def _besluitenlijst(head: str, tail: str) -> DerivedMeta | None:
    """Decision lists: Tweede Kamer committees ('Document: Besluitenlijst van de procedurevergadering
    van donderdag 2 april 2009', 'Voortouwcommissie: …') and municipalities ('Besluitenlijst Openbaar
    B&W vergadering Wassenaar' with 'Datum 10-05-2022', 'Besluitenlijst raadsvergadering 29 juni 2015')."""
    tk = _TK_LIST.search(head)
    if tk:
        committee = _TK_COMMITTEE.search(head)
        body = committee.group(1).strip() if committee else None
        title = f"{tk.group('what')} ({body})" if body else tk.group("what")
        date = _letter_date(head) or parse_dutch_date(tk.group("what"))
        return DerivedMeta(title=title, doc_type=BESLUITENLIJST, date=date, author=body)
    heading = _LIST_HEADING.search(head[:400])
    if not heading:
        return None
    title = head[heading.start() : heading.start() + 150]
    title = title[: end.start()] if (end := _HEADING_END.search(title)) else title
    date = parse_dutch_date(title)
    if date:
        title = title[: DATE_RE.search(title).end()]  # drop "aanvang 17.00 uur" after the meeting date
    else:
        labelled = _MEETING_DATE.search(head)
        date = parse_dutch_date(labelled.group(1)) if labelled else None
        title = f"{title} {dutch_date(date)}" if date else title
    college = _COLLEGE.search(tail)
    author = college.group(1)[0].lower() + college.group(1)[1:] if college else None
    return DerivedMeta(title=title, doc_type=BESLUITENLIJST, date=date, author=author)


_DOSSIER = re.compile(
    r"(?:^| )(\d{2} \d{3}(?:-\d{1,3})?(?: [A-Z]{1,6}| [A-Z]?\d{1,3})?) (?P<name>[A-Z].{0,300}?) Nr\. (\d+)\b"
)
_LETTER_HEADING = re.compile(r"\bBRIEF VAN (?:DE|HET) ([A-Z][A-Z ,'-]+?)(?= Aan | Den Haag|$| [A-Z][a-z])")
_TO_CHAMBER = re.compile(r"\bAan de (Voorzitter van de (?:Tweede|Eerste) Kamer der Staten-Generaal)")
_SUBJECT_LINE = re.compile(
    r"\b(?:Betreft|Onderwerp):? (.{1,200}?)(?= Datum\b| Ons kenmerk| Uw kenmerk| Bijlage| Geachte\b|$)"
)
_SIGNED = re.compile(
    r"\bDe ((?:Minister|Staatssecretaris|Minister-[Pp]resident)\b[^,]{0,100}), "
    r"(?P<name>(?:(?:[A-Z][\w.'’-]*|van|de|der|den|ter|ten)\.? ?){1,6})"
)
_PLACE_DATE = re.compile(r"(?:Den Haag|'s-Gravenhage|’s-Gravenhage|Datum:?),? (" + DATE_PATTERN + ")", re.I)


def _kamerbrief(head: str, tail: str) -> DerivedMeta | None:
    """Letters to the Kamer: Kamerstuk layout ('36 600 XV … Nr. 32 BRIEF VAN DE STAATSSECRETARIS …
    Aan de Voorzitter … Den Haag, 26 november 2024', signed 'De Staatssecretaris van …, J.N.J. Nobel')
    and the ministries' letter-head layout ('Betreft …', 'Datum …')."""
    to_chamber = _TO_CHAMBER.search(head[:3000])
    heading = _LETTER_HEADING.search(head[:3000])
    if not (to_chamber or heading):
        return None
    dossier = _DOSSIER.search(head)
    sender = _recase(heading.group(1)) if heading else None
    signed = _SIGNED.search(tail)
    if signed:
        sender = f"{signed.group(1).strip()} ({signed.group('name').strip()})"
    subject = _SUBJECT_LINE.search(head)
    if subject:
        title = subject.group(1)
    elif heading and dossier:
        title = f"Brief van de {_recase(heading.group(1))}: {dossier.group('name')}"
    else:
        title = f"Brief van de {_recase(heading.group(1))}" if heading else None
    return DerivedMeta(
        title=title,
        doc_type=KAMERBRIEF,
        date=_letter_date(head),
        kamerstuk=f"{dossier.group(1)}, nr. {dossier.group(3)}" if dossier else None,
        author=sender,
        recipient=to_chamber.group(1) if to_chamber else None,
    )


_LAYOUTS = (_kamervragen, _staatscourant, _besluitenlijst, _kamerbrief)  # the first that matches wins


# --- fallbacks ---------------------------------------------------------------------------------------

# Lines that head many pages but say nothing about the document itself.
_NOISE_LINE = re.compile(
    r"^(?:Tweede|Eerste) Kamer der Staten-Generaal$|^(?:pagina|blad) \d+ van \d+$|^[\W\d_]*$", re.I
)
# An imprint or table of contents: a title would have come before it (here the cover had no text).
_FRONT_MATTER = re.compile(r"^(?:Colofon|Inlichtingen|Inhoud(?:sopgave)?)\b|@|https?://|www\.|\.{5}", re.I)
_TITLE_LINES = 5  # a title stands at the top: below that, a first line is body text, not a title
# A date on a line of its own, as a letter is dated: "14 mei 2025", "dinsdag 14 mei 2025", or after the
# place it was written in, "Rivierstad, 14 mei 2025", "'s-Hertogenbosch, 3 juni 2024" (a place is one to
# four capitalised words; the date must end the line, so a sentence that mentions a date is no match).
_PLACE = r"(?:['’]s-)?[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3}"
_STANDALONE_DATE = re.compile(
    r"(?m)^\s*(?:" + _PLACE + r",\s+)?(?:\w+dag )?(" + DATE_PATTERN + r")\s*$", re.I
)
_TYPE_WORDS = (
    (re.compile(r"\b(?:programma)?begroting\b", re.I), BEGROTING),
    (re.compile(r"\bjaar(?:stukken|rekening|verslag)\b", re.I), JAARSTUKKEN),
    (re.compile(r"\bbesluitenlijst\b", re.I), BESLUITENLIJST),
    (re.compile(r"\bkamerbrief\b", re.I), KAMERBRIEF),
    (re.compile(r"\bnota\b", re.I), NOTA),
    (re.compile(r"\b(?:rapport|onderzoek)\b", re.I), RAPPORT),
)


def _generic(head: str, text: str) -> DerivedMeta:
    """Any document: the first meaningful line as title, a labelled or stand-alone date, a type word."""
    alone = _STANDALONE_DATE.search(text[:_HEAD_CHARS])
    date = _letter_date(head) or (parse_dutch_date(alone.group(1)) if alone else None)
    return DerivedMeta(title=_first_line(text[:_HEAD_CHARS]), date=date)


def _first_line(text: str) -> str | None:
    """The first of the top lines with a real word that is not a running header ('Pagina 1 van 3'),
    an imprint or a table of contents; None when the top has none (a cover page without text)."""
    lines = [line for raw in text.split("\n") if (line := tidy(raw.removeprefix("- ")))]
    for line in lines[:_TITLE_LINES]:
        if _FRONT_MATTER.search(line):
            return None
        if _STANDALONE_DATE.match(line):
            continue  # the date line of a letter ("Rivierstad, 14 mei 2025") is not its title
        if re.search(r"[^\W\d_]{3}", line) and not _NOISE_LINE.match(line):
            return _recase(line)
    return None


def _type_from_words(title: str) -> str | None:
    """A type named in the title or file name ('Programmabegroting 2024' -> begroting); None when none is."""
    return next((doc_type for pattern, doc_type in _TYPE_WORDS if pattern.search(title)), None)


def _from_subject(subject: str | None) -> str | None:
    """The Tweede Kamer's /Subject 'Antwoord op (de) vragen van het lid X over Y' -> 'Vragen van … over Y'."""
    return (
        re.sub(r"^Antwoord op (?:de )?(?:vragen )?van ", "Vragen van ", subject, flags=re.I)
        if subject
        else None
    )


def _author_from_info(author: str | None) -> str | None:
    """A /Author of at least two words; single words are log-in names ('rdjonge', 'FORM002')."""
    return author if author and len(author.split()) >= 2 else None


def _title_from_file_name(file_name: str) -> str | None:
    """'wassenaar-begroting-2026.pdf' -> 'Wassenaar begroting 2026'."""
    stem = re.sub(r"[-_\s]+", " ", Path(file_name).stem).strip()
    return stem[:1].upper() + stem[1:] if stem else None


def _letter_date(head: str) -> str | None:
    match = _PLACE_DATE.search(head)
    return parse_dutch_date(match.group(1)) if match else None


# --- text helpers ------------------------------------------------------------------------------------


def tidy(text: str) -> str:
    """One line of text: PDF-split accents rejoined ('Kostic ́' -> 'Kostić'), whitespace collapsed."""
    joined = re.sub(r"\s+([\u0300-\u036f])", r"\1", text)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", joined)).strip()


def _recase(heading: str) -> str:
    """'STAATSSECRETARIS VAN SOCIALE ZAKEN' -> 'Staatssecretaris van Sociale Zaken'; mixed case is kept."""
    if not heading.isupper():
        return heading.strip()
    words = heading.strip().lower().split()
    return " ".join(w if w in _PARTICLES and i else w[:1].upper() + w[1:] for i, w in enumerate(words))


# A Dutch regulation's official title ends with its citation title in brackets: "Regeling van de
# Minister van ... houdende vaststelling van de subsidieverstrekking aan de Vereniging Veilig
# Verkeer Nederland (Subsidieregeling Veilig Verkeer Nederland 2014)" (Aanwijzingen voor de
# regelgeving, aanwijzing 5.9: the citeertitel is how the regulation is named).
_CITATION_TITLE = re.compile(r"\((?P<name>[A-Z][^()]*\s[^()]*)\)$")


def _shorten(title: str) -> str:
    """At most TITLE_MAX_CHARS, cut at a word boundary with '…'; a long regulation title by its
    citation title in brackets, which names what it is about (the long one is cut before it)."""
    title = tidy(title).rstrip(" .,;:")
    if len(title) <= TITLE_MAX_CHARS:
        return title
    cited = _CITATION_TITLE.search(title)
    if cited and len(cited.group("name")) <= TITLE_MAX_CHARS:
        return cited.group("name")
    return title[:TITLE_MAX_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
