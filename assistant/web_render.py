"""What the web chat shows, as HTML and Markdown: answers, source cards, the documents list.

Everything is derived from the session's list of `Turn`s, so the chat, the
sources panel, the export and the feedback always agree. Texts that say where
something is ("rechts") carry both wordings; the CSS shows the one that is true
at the current width (`web_style`: one breakpoint for layout and wording).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.export import dutch_count, dutch_date, replace_markers, source_details
from assistant.loading import UNKNOWN_TYPE
from assistant.refusals import CLOSEST
from assistant.refusals import REFUSAL as REFUSALS
from assistant.sentences import SUPERSCRIPTS, footnotes_cited
from assistant.types import Answer, Citation, Filters, IngestReport, Passage
from assistant.uploads import DOCUMENT_TYPES
from assistant.web_timeline import timeline_html

APP_TITLE = "Documentassistent Veerkrachtige & Weerbare Samenleving"
REFUSAL = REFUSALS["nl"]  # the UI is Dutch, whatever language the question was in
NEAREST_SHOWN = 3  # closest passages shown with a refusal
RETRY_LABEL = "Zoek opnieuw zonder filters"

# Beside the chat on a wide screen, below it on a narrow one (see web_style's breakpoint).
RIGHT = '<span class="where-wide">rechts</span><span class="where-narrow">hieronder</span>'

CHAT_PLACEHOLDER = (
    "**Waar kan ik u mee helpen?**\n\nKies een voorbeeldvraag of typ uw eigen vraag. "
    f"Klik in een antwoord op een bronnummer om de bron {RIGHT} te openen."
)

EMPTY_SOURCES_HTML = """
<div class="sources">
  <div class="sources-head">Bronnen</div>
  <p class="sources-empty">Hier verschijnen de bronnen van het antwoord: document, datum,
  Kamerstuk, pagina en de passage met het citaat gemarkeerd.</p>
</div>
"""

SEARCHING_SOURCES_HTML = """
<div class="sources">
  <div class="sources-head">Bronnen</div>
  <p class="sources-empty">Bronnen worden gezocht…</p>
</div>
"""

DOCUMENT_COLUMNS = ("Titel", "Type", "Datum", "Kamerstuk", "Bestand", "Passages")


@dataclass(frozen=True)
class Turn:
    """One question and the answer given to it: the unit the chat, export and feedback share.

    `filters` are the filters the question was asked under; `filters_text` says
    them in words and `documents_left` counts the documents they let through
    (both as they were when asked, for the refusal's explanation).
    """

    question: str
    answer: Answer
    filters: Filters = Filters()
    filters_text: str = ""
    documents_left: int | None = None


def n_documents(n: int) -> str:
    return dutch_count(n, "document", "documenten")


def n_passages(n: int) -> str:
    return dutch_count(n, "passage", "passages")


def header_html(documents: Sequence[dict[str, Any]] | None = None) -> str:
    """Title, what the assistant does (and does not), and how much it can search right now."""
    status = ""
    if documents is not None:
        passages = sum(d.get("passages", 0) for d in documents)
        counts = f"{n_documents(len(documents))} · {n_passages(passages)}"
        status = f'<p class="index-status">{counts} doorzoekbaar</p>'
    return f"""
<div class="app-header">
  <div class="app-mark" aria-hidden="true"></div>
  <div>
    <h1>{html.escape(APP_TITLE)}</h1>
    <p>Stel vragen over de Kamerbrieven en nota's van de Agenda Veerkrachtige &amp; Weerbare
    Samenleving (Ministerie van SZW). De assistent antwoordt <strong>alleen met wat in de
    documenten staat</strong> en toont bij elk antwoord de bron met het letterlijke citaat.
    Staat het antwoord er niet in, dan zegt de assistent dat.</p>
    {status}
  </div>
</div>
"""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def escape_markdown(text: str) -> str:
    """Document text shown literally inside the Markdown chat: no HTML, no accidental emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _source_label(p: Passage) -> str:
    parts = [p.title]
    if p.page is not None:
        parts.append(f"p. {p.pages_label}")
    return ", ".join(parts)


def filters_note(turn: Turn) -> str:
    """Why a refusal under filters may not be the last word, in one or two sentences ("" without filters)."""
    if turn.filters.is_empty():
        return ""
    active = html.escape(turn.filters_text)
    if turn.documents_left == 0:
        return (
            f"Er is gezocht met filters ({active}), en die laten geen enkel document over. "
            f"Klik op ‘{RETRY_LABEL}’ om in alle documenten te zoeken."
        )
    return (
        f"Er is gezocht met filters ({active}). Die sluiten de andere documenten uit, en daar kan het "
        f"antwoord wel in staan. Klik op ‘{RETRY_LABEL}’ om in alle documenten te zoeken."
    )


def answer_markdown(turn_no: int, answer: Answer, turn: Turn | None = None) -> str:
    """The chat message of a final answer: citation markers become links to their source cards."""
    if answer.refused:
        detail = answer.text.strip()
        for phrase in REFUSALS.values():  # the title already says it
            detail = detail.removeprefix(phrase).strip()
        # The UI is Dutch: an English question's refusal names its closest passages in Dutch too.
        detail = detail.replace(f"{CLOSEST['en']}:", f"{CLOSEST['nl']}:")
        note = filters_note(turn) if turn is not None else ""
        shown = len(_nearest(answer))
        where = "De dichtstbijzijnde passage staat" if shown == 1 else "De dichtstbijzijnde passages staan"
        near = f"<br><em>{where} {RIGHT}.</em>" if shown else ""
        body = (
            f'<div class="refusal"><span class="refusal-title">{REFUSAL}</span> '
            f"{html.escape(detail)}{near}"
            + (f'<div class="filters-note">{note}</div>' if note else "")
            + "</div>"
        )
    else:
        by_n = {c.n: c for c in answer.citations}
        token = "\x00{}\x00"
        marked = replace_markers(answer.text, set(by_n), token.format)
        body = escape_markdown(marked)
        for n, c in by_n.items():
            title = html.escape(f"Bron {n}: {_source_label(c.passage)}")
            link = f'<a class="cite" href="#src-{turn_no}-{n}" title="{title}"><sup>[{n}]</sup></a>'
            body = body.replace(token.format(n), link)
        body += timeline_html(turn_no, answer)  # issue 10: a figure that changed over time
    if answer.notice:
        body += f'\n\n<div class="notice">ⓘ {html.escape(answer.notice)}</div>'
    return body


DRAFT_TITLE = "Concept van het taalmodel, wordt gecontroleerd op bronnen (nog geen antwoord)"


def draft_markdown(text: str) -> str:
    """A model's unchecked draft while it is written: visibly marked, replaced by the checked answer."""
    return f'<div class="draft"><span class="draft-title">{DRAFT_TITLE}</span>{html.escape(text)}</div>'


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Exactly two messages per turn, so a message index maps back to its turn (index // 2)."""
    messages = []
    for i, turn in enumerate(turns, start=1):
        messages.append({"role": "user", "content": escape_markdown(turn.question)})
        messages.append({"role": "assistant", "content": answer_markdown(i, turn.answer, turn)})
    return messages


# --- source cards ----------------------------------------------------------------------

_FOOTNOTE_LINE = re.compile(rf"(?m)^[ \t]*[{SUPERSCRIPTS}]+[ \t]+\S[^\n]*")


def _passage_html(text: str) -> str:
    """Escaped passage text; blank lines become a small gap instead of a full empty line."""
    return re.sub(r"\n[ \t]*\n\s*", '<span class="gap"></span>', html.escape(text, quote=False))


def passage_body(text: str, quotes: Sequence[tuple[int, int]] = ()) -> str:
    """A passage with its quotes highlighted, keeping only the footnotes the quotes point to.

    A passage can end with footnotes of the whole paragraph (the loader puts them
    there); a footnote the quoted text does not mark is about something else and
    is left out. A footnote line that is itself quoted stays.
    """
    cited = {start for s, e in quotes for start, _ in footnotes_cited(text, s, e)}
    dropped = [
        (m.start(), m.end())
        for m in _FOOTNOTE_LINE.finditer(text)
        if not any(m.start() <= c < m.end() for c in cited)
        and not any(s < m.end() and m.start() < e for s, e in quotes)
    ]
    cuts = sorted({0, len(text), *(x for span in [*quotes, *dropped] for x in span)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if any(s <= start and end <= e for s, e in dropped):
            continue
        piece = _passage_html(text[start:end])
        parts.append(f"<mark>{piece}</mark>" if any(s <= start and end <= e for s, e in quotes) else piece)
    return "".join(parts).strip()


def _meta_line(p: Passage) -> str:
    parts = [f'<span class="src-type">{html.escape(p.doc_type)}</span>' if p.doc_type else ""]
    parts.append(html.escape(" · ".join(source_details(p))))
    return "".join(parts)


def _card(card_id: str, label: str, p: Passage, body_html: str, extra: str = "", near: bool = False) -> str:
    """One source: number, title, metadata line, passage. Closest passages of a refusal start folded."""
    return (
        f'<details class="src-card{" near" if near else ""}" id="{card_id}"{"" if near else " open"}>'
        f'<summary><span class="src-n">{label}</span><span>'
        f'<span class="src-title">{html.escape(p.title)}</span>'
        f'<span class="src-meta">{_meta_line(p)}</span>{extra}</span></summary>'
        f'<div class="src-text">{body_html}</div></details>'
    )


def _snippet(text: str, limit: int = 110) -> str:
    one_line = " ".join(_FOOTNOTE_LINE.sub("", text).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rsplit(" ", 1)[0] + " …"


def _nearest(answer: Answer) -> list[Passage]:
    """The closest passages of a refusal, each once (the same text can come back under two ids)."""
    seen: set[tuple[str, str]] = set()
    passages = []
    for hit in answer.hits:
        key = (hit.passage.doc_id, " ".join(hit.passage.text.split()))
        if key not in seen:
            seen.add(key)
            passages.append(hit.passage)
    return passages[:NEAREST_SHOWN]


def _near_cards(turn_no: int, answer: Answer) -> str:
    cards = []
    for i, p in enumerate(_nearest(answer), start=1):
        extra = (
            f'<span class="src-snippet">{html.escape(_snippet(p.text))}</span>'
            '<span class="src-open">Toon passage</span>'
        )
        cards.append(_card(f"near-{turn_no}-{i}", "≈", p, passage_body(p.text), extra, near=True))
    return "".join(cards)


def citation_groups(citations: Sequence[Citation]) -> list[list[Citation]]:
    """Citations grouped by the passage they quote, in marker order: one card per passage."""
    groups: dict[tuple[str, str], list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        groups.setdefault((c.passage.doc_id, c.passage.text), []).append(c)
    return list(groups.values())


def _citation_card(turn_no: int, group: Sequence[Citation]) -> str:
    """A passage cited by one or more markers: every marker's quote highlighted, one card."""
    first = group[0]
    anchors = "".join(f'<span class="src-anchor" id="src-{turn_no}-{c.n}"></span>' for c in group[1:])
    label = ",".join(str(c.n) for c in group)
    quotes = [(c.quote_start, c.quote_end) for c in group]
    return _card(
        f"src-{turn_no}-{first.n}", label, first.passage, passage_body(first.passage.text, quotes), anchors
    )


def _turn_sources(turn_no: int, turn: Turn) -> str:
    answer = turn.answer
    if answer.refused:
        near = _near_cards(turn_no, answer)
        note = filters_note(turn)
        if len(_nearest(answer)) == 1:
            looks_like = " De passage hieronder lijkt er het meest op, maar is geen bron voor een antwoord."
            near_head = "Dichtstbijzijnde passage"
        else:
            looks_like = (
                " De passages hieronder lijken er het meest op, maar zijn geen bron voor een antwoord."
            )
            near_head = "Dichtstbijzijnde passages"
        return (
            f'<div class="refusal-panel"><strong>{REFUSAL}</strong>'
            "De assistent vond geen passage die deze vraag beantwoordt."
            + (looks_like if near else "")
            + (f'<div class="filters-note">{note}</div>' if note else "")
            + "</div>"
            + (f'<div class="near-head">{near_head}</div>' + near if near else "")
        )
    if not answer.citations:
        return '<p class="sources-empty">Bij dit antwoord horen geen bronnen.</p>'
    return "".join(_citation_card(turn_no, group) for group in citation_groups(answer.citations))


def sources_html(turns: Sequence[Turn]) -> str:
    """The sources panel: the latest answer's sources open, earlier answers' folded below."""
    if not turns:
        return EMPTY_SOURCES_HTML
    sections = []
    for turn_no in range(len(turns), 0, -1):
        turn = turns[turn_no - 1]
        is_latest = turn_no == len(turns)
        question = html.escape(turn.question if len(turn.question) <= 90 else turn.question[:87] + "…")
        sections.append(
            f'<details class="turn" id="turn-{turn_no}"{" open" if is_latest else ""}>'
            f'<summary>Vraag {turn_no}: <span class="turn-q">{question}</span></summary>'
            f"{_turn_sources(turn_no, turn)}</details>"
        )
    return '<div class="sources"><div class="sources-head">Bronnen</div>' + "".join(sections) + "</div>"


# --- the documents tab -----------------------------------------------------------------


def documents_html(documents: Sequence[dict[str, Any]]) -> str:
    """The indexed documents as a table that becomes one card per document on a narrow screen."""
    if not documents:
        return '<p class="sources-empty">Er zijn nog geen documenten geïndexeerd.</p>'
    classes = ("doc-title", "doc-type", "doc-date", "doc-ref", "doc-file", "doc-n")
    head = "".join(f'<th scope="col">{c}</th>' for c in DOCUMENT_COLUMNS)
    rows = []
    for d in documents:
        values = (
            d.get("title") or d["doc_id"],
            d.get("doc_type") or "",
            dutch_date(d.get("date")) or "—",
            d.get("kamerstuk") or "—",
            d.get("source_file") or "",
            str(d.get("passages", 0)),
        )
        cells = "".join(
            f'<td class="{cls}" data-label="{label}">{html.escape(value)}</td>'
            for cls, label, value in zip(classes, DOCUMENT_COLUMNS, values, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<div class="doc-table-wrap"><table class="doc-table" aria-label="Geïndexeerde documenten">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def document_choices(documents: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(title, doc_id) pairs for the document pickers."""
    return [(d.get("title") or d["doc_id"], d["doc_id"]) for d in documents]


def type_choices(documents: Sequence[dict[str, Any]]) -> list[str]:
    """The document types in the index, for the type filter."""
    return sorted({d["doc_type"] for d in documents if d.get("doc_type")})


def upload_type_choices(documents: Sequence[dict[str, Any]]) -> list[str]:
    """The usual types first, then any other type already in the index (unknown is not a choice)."""
    extra = [t for t in type_choices(documents) if t not in DOCUMENT_TYPES and t != UNKNOWN_TYPE]
    return [*DOCUMENT_TYPES, *extra]


def ingest_summary(report: IngestReport) -> str:
    """What changed in the index, in one Dutch sentence."""
    changed = []
    if report.documents_added:
        changed.append(f"{n_documents(len(report.documents_added))} toegevoegd")
    if report.documents_updated:
        changed.append(f"{len(report.documents_updated)} bijgewerkt")
    if report.documents_removed:
        changed.append(f"{len(report.documents_removed)} verwijderd")
    head = "Index bijgewerkt: " + ", ".join(changed) if changed else "De index was al bij"
    ocr = sum(report.ocr_pages.values())
    scanned = dutch_count(ocr, "pagina", "pagina's")
    return (
        f"{head}; {n_passages(report.passages_added)} toegevoegd. "
        f"Doorzoekbaar: {n_passages(report.total_passages)} uit {n_documents(report.documents)}."
        + (f" Gescand en met OCR gelezen: {scanned}." if ocr else "")
    )
