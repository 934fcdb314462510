"""The web chat: a thin Gradio layer over `Assistant`, in Dutch, for civil servants.

Everything the page shows is derived from one per-session list of turns
(question + `Answer`), so the chat, the sources panel, the export and the
feedback always agree about what was said and which passage backs it. The page
never talks to the internet: fonts are bundled with Gradio and the small script
that makes footnotes clickable is inline.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answering import REFUSAL as REFUSALS
from assistant.export import (
    conversation_markdown,
    dutch_date,
    export_filename,
    replace_markers,
    source_details,
)
from assistant.feedback import FeedbackLog
from assistant.loading import UNKNOWN_TYPE, LoadError, load_file, load_manifest
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Answer, Citation, Draft, Filters, IngestReport, Passage
from assistant.uploads import (
    ALLOWED_SUFFIXES,
    DOCUMENT_TYPES,
    MetadataError,
    UploadMetadata,
    UploadResult,
    parse_metadata,
    record_metadata,
    store_uploads,
)

log = logging.getLogger(__name__)

APP_TITLE = "Documentassistent Veerkrachtige & Weerbare Samenleving"

EXAMPLE_QUESTIONS = (
    "Hoeveel gemeenten kregen een decentrale uitkering?",
    "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?",
    "Wat doet de Maatschappelijke Raad?",
    "What is the SPUK Kansrijke Wijk?",
)

REFUSAL = REFUSALS["nl"]  # the UI is Dutch, whatever language the question was in


def header_html(documents: Sequence[dict[str, Any]] | None = None) -> str:
    """Title, what the assistant does (and does not), and how much it can search right now."""
    status = ""
    if documents is not None:
        passages = sum(d.get("passages", 0) for d in documents)
        status = f'<p class="index-status">{len(documents)} documenten · {passages} passages doorzoekbaar</p>'
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


CHAT_PLACEHOLDER = (
    "**Waar kan ik u mee helpen?**\n\nKies een voorbeeldvraag of typ uw eigen vraag. "
    "Klik in een antwoord op een bronnummer om de bron rechts te openen."
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

CSS = """
.gradio-container { max-width: 1400px !important; }
.app-header { display: flex; gap: 16px; align-items: flex-start; padding: 4px 0 8px; }
.app-mark { flex: none; width: 10px; height: 64px; background: #154273; border-radius: 2px; }
.app-header h1 { font-size: 1.55rem; margin: 0 0 6px; color: #154273; }
.app-header p { margin: 0; max-width: 920px; line-height: 1.5; color: var(--body-text-color); }
.index-status { font-size: 0.85rem; color: var(--body-text-color-subdued); margin: 6px 0 0 !important; }

#chat a.cite { text-decoration: none; font-weight: 600; color: #154273; padding: 0 1px; }
#chat a.cite:hover { text-decoration: underline; }
#chat a.cite sup { font-size: 0.75em; }
#chat .refusal { border-left: 4px solid #b45309; background: #fff7ed; padding: 8px 12px;
  border-radius: 4px; color: #7c2d12; }
#chat .refusal-title { font-weight: 600; display: block; margin-bottom: 2px; }
#chat .notice { margin-top: 8px; font-size: 0.85em; color: #475569; border-top: 1px dashed #cbd5e1;
  padding-top: 6px; }
#chat .draft { border-left: 4px dashed #94a3b8; background: #f8fafc; padding: 8px 12px; border-radius: 4px;
  color: #64748b; font-style: italic; }
#chat .draft-title { font-style: normal; font-weight: 600; display: block; margin-bottom: 2px; }
#chat .error { border-left: 4px solid #b91c1c; background: #fef2f2; padding: 8px 12px; border-radius: 4px; }

#sources { max-height: 690px; overflow-y: auto !important; padding-right: 4px; }
.sources-head { font-weight: 600; font-size: 1.05rem; color: #154273; margin-bottom: 8px; }
.sources-empty { color: var(--body-text-color-subdued); font-size: 0.9rem; line-height: 1.5; }
details.turn { margin-bottom: 10px; }
details.turn > summary { cursor: pointer; font-size: 0.85rem; color: var(--body-text-color-subdued);
  margin-bottom: 6px; }
details.turn > summary .turn-q { font-style: italic; }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 8px; margin: 0 0 10px;
  background: var(--background-fill-primary); transition: box-shadow 0.3s, border-color 0.3s; }
.src-card > summary { list-style: none; cursor: pointer; display: flex; gap: 10px; padding: 10px 12px; }
.src-card > summary::-webkit-details-marker { display: none; }
.src-n { flex: none; width: 24px; height: 24px; border-radius: 12px; background: #154273; color: #fff;
  font-weight: 600; font-size: 0.8rem; display: flex; align-items: center; justify-content: center; }
.src-card.near .src-n { background: #94a3b8; }
.src-title { font-weight: 600; line-height: 1.3; display: block; }
.src-meta { font-size: 0.8rem; color: var(--body-text-color-subdued); line-height: 1.4; display: block;
  margin-top: 2px; }
.src-type { display: inline-block; background: #e8eef5; color: #154273; border-radius: 4px;
  padding: 0 6px; margin-right: 4px; font-weight: 600; text-transform: capitalize; }
.src-text .gap { display: block; height: 8px; }
.src-text { padding: 0 12px 12px 46px; font-size: 0.88rem; line-height: 1.55; white-space: pre-line;
  color: var(--body-text-color); }
.src-text mark { background: #fde68a; color: inherit; padding: 1px 0; border-radius: 2px; }
.src-card.flash { border-color: #154273; box-shadow: 0 0 0 3px rgba(21, 66, 115, 0.25); }
.refusal-panel { border-left: 4px solid #b45309; background: #fff7ed; padding: 10px 12px;
  border-radius: 4px; margin-bottom: 10px; color: #7c2d12; font-size: 0.9rem; line-height: 1.45; }
.refusal-panel strong { display: block; font-size: 1rem; margin-bottom: 2px; }
.near-head { font-weight: 600; font-size: 0.9rem; margin: 6px 0; color: #475569; }

.upload-results { list-style: none; padding: 0; margin: 0; }
.upload-results li { padding: 6px 10px; border-radius: 4px; margin-bottom: 4px; }
.upload-results li.ok { background: #ecfdf5; color: #065f46; }
.upload-results li.bad { background: #fef2f2; color: #991b1b; }
.ingest-summary { margin-top: 8px; font-size: 0.9rem; color: var(--body-text-color-subdued); }
#documents table, #documents td, #documents th { font-family: var(--font) !important; }
.doc-text h3 { color: #154273; margin-top: 0; }
.doc-page { white-space: pre-wrap; line-height: 1.55; font-size: 0.92rem; }
.doc-page-no { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 14px 0 4px;
  text-transform: uppercase; letter-spacing: 0.04em; }
.dark .app-header h1, .dark .sources-head, .dark .doc-text h3, .dark #chat a.cite { color: #93c5fd; }
.dark .app-mark, .dark .src-n { background: #3b82f6; }
"""

# Clicking a footnote marker in an answer opens and highlights its source card.
# One delegated listener, so it keeps working as Gradio re-renders the chat.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#src-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  const turn = card.closest("details.turn");
  if (turn) turn.open = true;
  card.open = true;
  card.scrollIntoView({ behavior: "smooth", block: "nearest" });
  document.querySelectorAll(".src-card.flash").forEach((c) => c.classList.remove("flash"));
  card.classList.add("flash");
}, true);
</script>
"""

# Gradio's bundled Source Sans Pro SemiBold file holds only a few glyphs (bold text came out in mixed
# fonts), so the theme loads Regular and Bold; weight-600 text then uses the complete Bold face.
THEME = gr.themes.Default(
    primary_hue="blue",
    neutral_hue="slate",
    font=(gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "ui-sans-serif", "sans-serif"),
).set(
    button_primary_background_fill="#154273",
    button_primary_background_fill_hover="#1d5a9a",
    button_primary_text_color="#ffffff",
)

# Gradio 6 takes styling at launch(); app.py and the tests pass these along.
LAUNCH_STYLE: dict[str, Any] = {"theme": THEME, "css": CSS, "head": HEAD}

EXPORT_LABEL = "Gesprek exporteren (.md)"
NEAREST_SHOWN = 3  # closest passages shown with a refusal

DOCUMENT_COLUMNS = ["Titel", "Type", "Datum", "Kamerstuk", "Bestand", "Passages"]


@dataclass(frozen=True)
class Turn:
    """One question and the answer given to it: the unit the chat, export and feedback share."""

    question: str
    answer: Answer


# --- small helpers -------------------------------------------------------------------


def auth_credentials(settings: Settings) -> list[tuple[str, str]] | None:
    """Login pairs from `settings.auth` ("u:p,u2:p2") and `settings.auth_file` (user:password lines).

    Passwords may contain ':' (only the first one separates); spaces around
    names and passwords, blank lines and '#' comments in the file are ignored.
    None means no login.
    """
    entries: list[str] = []
    if settings.auth:
        entries += settings.auth.split(",")
    if settings.auth_file:
        lines = Path(settings.auth_file).read_text(encoding="utf-8").splitlines()
        entries += [line for line in lines if not line.lstrip().startswith("#")]
    pairs = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        user, sep, password = (part.strip() for part in entry.partition(":"))
        if not sep or not user or not password:
            raise ValueError(f"Invalid login entry for {user!r}: expected 'user:password'.")
        pairs.append((user, password))
    return pairs or None


def _parse_date(value: str | None, label: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise gr.Error(
            f"{label} '{value}' is geen geldige datum: gebruik JJJJ-MM-DD, bv. 2024-11-26."
        ) from None


def make_filters(
    doc_types: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
    date_from: str | None,
    date_to: str | None,
) -> Filters:
    """The UI's (and API's) filter inputs as `Filters`, with Dutch errors for bad dates."""
    start = _parse_date(date_from, "Datum vanaf")
    end = _parse_date(date_to, "Datum tot en met")
    if start and end and start > end:
        raise gr.Error("De datum 'vanaf' ligt na de datum 'tot en met'.")
    return Filters(
        doc_types=tuple(doc_types or ()), doc_ids=tuple(doc_ids or ()), date_from=start, date_to=end
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def _escape(text: str) -> str:
    """Document text shown literally inside the Markdown chat: no HTML, no accidental emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _source_label(p: Passage) -> str:
    parts = [p.title]
    if p.page is not None:
        parts.append(f"p. {p.pages_label}")
    return ", ".join(parts)


def answer_markdown(turn_no: int, answer: Answer) -> str:
    """The chat message of a final answer: citation markers become links to their source cards."""
    if answer.refused:
        detail = answer.text.strip()
        for phrase in REFUSALS.values():  # the title already says it
            detail = detail.removeprefix(phrase).strip()
        body = (
            f'<div class="refusal"><span class="refusal-title">{REFUSAL}</span>'
            f"{html.escape(detail)}<br><em>De dichtstbijzijnde passages staan rechts.</em></div>"
        )
    else:
        by_n = {c.n: c for c in answer.citations}
        token = "\x00{}\x00"
        marked = replace_markers(answer.text, set(by_n), token.format)
        body = _escape(marked)
        for n, c in by_n.items():
            title = html.escape(f"Bron {n}: {_source_label(c.passage)}")
            link = f'<a class="cite" href="#src-{turn_no}-{n}" title="{title}"><sup>[{n}]</sup></a>'
            body = body.replace(token.format(n), link)
        body += timeline_html(turn_no, answer)  # issue 10: a figure that changed over time
    if answer.notice:
        body += f'\n\n<div class="notice">ⓘ {html.escape(answer.notice)}</div>'
    return body


_TIMELINE_ROLES = {
    "newest": "nieuwste",
    "as_of": "gevraagde moment",
    "same_date": "zelfde datum, verschilt",
    "undated": "datum onbekend",
    "earlier": "",
}


def timeline_html(turn_no: int, answer: Answer) -> str:
    """A compact timeline under an answer about a figure that changed (issue 10), "" otherwise.

    One row per dated value, newest on top and undated ones last: the value, its
    document's date (and the year the sentence gives it), a badge for its role, and
    its citation marker linking to the source card `#src-{turn_no}-{n}`. Inline styles,
    so the function needs no rule in `CSS`.
    """
    if not answer.timeline:
        return ""
    rows = []
    for e in sorted(answer.timeline, key=lambda e: (e.date is not None, e.date or ""), reverse=True):
        when = dutch_date(e.date) or "datum onbekend"
        if e.year_in_text:
            when += f", cijfer over {e.year_in_text}"
        badge = _TIMELINE_ROLES.get(e.role, "")
        badge_html = (
            f' <span style="font-size:0.8em;background:#e8eef5;color:#154273;border-radius:4px;'
            f'padding:0 5px">{html.escape(badge)}</span>'
            if badge
            else ""
        )
        weight = "600" if e.role in ("newest", "as_of") else "400"
        rows.append(
            f'<li style="margin:2px 0"><a class="cite" href="#src-{turn_no}-{e.citation}">'
            f"<sup>[{e.citation}]</sup></a> "
            f'<span style="font-weight:{weight}">{html.escape(e.value)}</span> — '
            f"{html.escape(when)}{badge_html}</li>"
        )
    return (
        '\n\n<div class="timeline" style="margin-top:8px;border-left:3px solid #154273;'
        'padding:4px 10px;font-size:0.9em"><div style="font-weight:600;color:#154273">'
        'Tijdlijn (nieuwste boven)</div><ul style="list-style:none;margin:0;padding:0">'
        + "".join(rows)
        + "</ul></div>"
    )


DRAFT_TITLE = "Concept van het taalmodel, wordt gecontroleerd op bronnen (nog geen antwoord)"


def draft_markdown(text: str) -> str:
    """A model's unchecked draft while it is written: visibly marked, replaced by the checked answer."""
    return f'<div class="draft"><span class="draft-title">{DRAFT_TITLE}</span>{html.escape(text)}</div>'


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Exactly two messages per turn, so a message index maps back to its turn (index // 2)."""
    messages = []
    for i, turn in enumerate(turns, start=1):
        messages.append({"role": "user", "content": _escape(turn.question)})
        messages.append({"role": "assistant", "content": answer_markdown(i, turn.answer)})
    return messages


def _passage_html(text: str) -> str:
    """Escaped passage text; blank lines become a small gap instead of a full empty line."""
    return re.sub(r"\n[ \t]*\n\s*", '<span class="gap"></span>', html.escape(text, quote=False))


def _highlighted(c: Citation) -> str:
    text = c.passage.text
    return (
        _passage_html(text[: c.quote_start])
        + f"<mark>{_passage_html(c.quote)}</mark>"
        + _passage_html(text[c.quote_end :])
    )


def _meta_line(p: Passage) -> str:
    parts = [f'<span class="src-type">{html.escape(p.doc_type)}</span>' if p.doc_type else ""]
    parts.append(html.escape(" · ".join(source_details(p))))
    return "".join(parts)


def _card(card_id: str, label: str, p: Passage, body_html: str, near: bool = False) -> str:
    """One source: number, title, metadata line, passage. Closest passages of a refusal start folded."""
    return (
        f'<details class="src-card{" near" if near else ""}" id="{card_id}"{"" if near else " open"}>'
        f'<summary><span class="src-n">{label}</span><span>'
        f'<span class="src-title">{html.escape(p.title)}</span>'
        f'<span class="src-meta">{_meta_line(p)}</span></span></summary>'
        f'<div class="src-text">{body_html}</div></details>'
    )


def _turn_sources(turn_no: int, answer: Answer) -> str:
    if answer.refused:
        near = "".join(
            _card(f"near-{turn_no}-{i}", "≈", h.passage, _passage_html(h.passage.text), near=True)
            for i, h in enumerate(answer.hits[:NEAREST_SHOWN], start=1)
        )
        return (
            f'<div class="refusal-panel"><strong>{REFUSAL}</strong>'
            "De assistent vond geen passage die deze vraag beantwoordt. De passages hieronder "
            "lijken er het meest op, maar zijn geen bron voor een antwoord.</div>"
            + ('<div class="near-head">Dichtstbijzijnde passages</div>' + near if near else "")
        )
    if not answer.citations:
        return '<p class="sources-empty">Bij dit antwoord horen geen bronnen.</p>'
    return "".join(
        _card(f"src-{turn_no}-{c.n}", str(c.n), c.passage, _highlighted(c))
        for c in sorted(answer.citations, key=lambda c: c.n)
    )


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
            f"{_turn_sources(turn_no, turn.answer)}</details>"
        )
    return '<div class="sources"><div class="sources-head">Bronnen</div>' + "".join(sections) + "</div>"


def document_rows(documents: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            d.get("title") or d["doc_id"],
            d.get("doc_type") or "",
            dutch_date(d.get("date")) or "—",
            d.get("kamerstuk") or "—",
            d.get("source_file") or "",
            d.get("passages", 0),
        ]
        for d in documents
    ]


def _document_choices(documents: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(d.get("title") or d["doc_id"], d["doc_id"]) for d in documents]


def _type_choices(documents: Sequence[dict[str, Any]]) -> list[str]:
    return sorted({d["doc_type"] for d in documents if d.get("doc_type")})


def upload_type_choices(documents: Sequence[dict[str, Any]]) -> list[str]:
    """The usual types first, then any other type already in the index (unknown is not a choice)."""
    extra = [t for t in _type_choices(documents) if t not in DOCUMENT_TYPES and t != UNKNOWN_TYPE]
    return [*DOCUMENT_TYPES, *extra]


def ingest_summary(report: IngestReport) -> str:
    """What changed in the index, in one Dutch sentence."""
    changed = []
    if report.documents_added:
        changed.append(f"{len(report.documents_added)} document(en) toegevoegd")
    if report.documents_updated:
        changed.append(f"{len(report.documents_updated)} bijgewerkt")
    if report.documents_removed:
        changed.append(f"{len(report.documents_removed)} verwijderd")
    head = "Index bijgewerkt: " + ", ".join(changed) if changed else "De index was al bij"
    ocr = sum(report.ocr_pages.values())
    return (
        f"{head}; {report.passages_added} passages toegevoegd. "
        f"Doorzoekbaar: {report.total_passages} passages uit {report.documents} documenten."
        + (f" Gescand en met OCR gelezen: {ocr} pagina('s)." if ocr else "")
    )


# --- the app -------------------------------------------------------------------------


def build_app(assistant: Assistant) -> gr.Blocks:
    """The whole web UI over one `Assistant`; launch it with `**LAUNCH_STYLE`."""
    settings = assistant.settings
    feedback = FeedbackLog(settings.feedback_file)
    export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
    concurrency = settings.concurrency

    def respond(
        question: str,
        turns: list[Turn],
        doc_types: list[str],
        doc_ids: list[str],
        date_from: str,
        date_to: str,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat, then show its sources and refresh the export."""
        question = (question or "").strip()
        if not question:
            raise gr.Error("Typ eerst een vraag.")
        filters = make_filters(doc_types, doc_ids, date_from, date_to)
        history = [(t.question, t.answer.text) for t in turns]
        shown = [*chat_messages(turns), {"role": "user", "content": _escape(question)}]
        yield (
            [*shown, {"role": "assistant", "content": "*Zoeken in de documenten…*"}],
            SEARCHING_SOURCES_HTML,
            turns,
            "",
        )
        text = ""
        answer: Answer | None = None
        try:
            for item in assistant.ask_stream(question, history, filters):
                if isinstance(item, Answer):
                    answer = item
                    continue
                if isinstance(item, Draft):  # unchecked: shown as a draft, replaced by what follows
                    content = draft_markdown(item.text)
                else:
                    text += item
                    content = _escape(text)
                yield (
                    [*shown, {"role": "assistant", "content": content}],
                    SEARCHING_SOURCES_HTML,
                    turns,
                    "",
                )
        except Exception:
            log.exception("answering failed for %r", question)
            failed = '<div class="error">Er ging iets mis bij het beantwoorden. Probeer het opnieuw.</div>'
            yield [*shown, {"role": "assistant", "content": failed}], sources_html(turns), turns, question
            return
        assert answer is not None, "ask_stream must end with an Answer"
        turns = [*turns, Turn(question, answer)]
        yield chat_messages(turns), sources_html(turns), turns, ""

    def export(turns: list[Turn], request: gr.Request) -> gr.DownloadButton:
        """Keep the download button pointing at the current conversation as Markdown.

        Gradio copies the file into its own cache when it is returned, so each
        session keeps only its latest export here.
        """
        if not turns:
            return gr.DownloadButton(EXPORT_LABEL, value=None, interactive=False)
        folder = export_dir / (request.session_hash or "anonymous")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        path = folder / export_filename()
        path.write_text(conversation_markdown([(t.question, t.answer) for t in turns]), encoding="utf-8")
        count = "1 vraag" if len(turns) == 1 else f"{len(turns)} vragen"
        return gr.DownloadButton(
            label=f"Gesprek exporteren ({count}, .md)", value=str(path), interactive=True
        )

    def forget_exports(request: gr.Request) -> None:
        shutil.rmtree(export_dir / (request.session_hash or "anonymous"), ignore_errors=True)

    def pick_example(evt: gr.SelectData) -> str:
        return evt.value["text"]

    def rate(turns: list[Turn], data: gr.LikeData) -> None:
        if not isinstance(data.liked, bool) or not isinstance(data.index, int):
            return
        turn = turns[data.index // 2]
        feedback.record(turn.question, turn.answer, "up" if data.liked else "down")
        gr.Info("Dank u voor uw beoordeling.")

    def new_conversation() -> tuple[Any, ...]:
        return [], EMPTY_SOURCES_HTML, [], gr.DownloadButton(EXPORT_LABEL, value=None, interactive=False)

    def refresh(doc_types: list[str], doc_ids: list[str], selected: str | None) -> tuple[Any, ...]:
        """Everything that lists documents, in step with the index (after load and after uploads)."""
        docs = assistant.documents()
        types = _type_choices(docs)
        choices = _document_choices(docs)
        ids = {doc_id for _, doc_id in choices}
        return (
            header_html(docs),
            gr.CheckboxGroup(choices=types, value=[t for t in doc_types or [] if t in types]),
            gr.Dropdown(choices=choices, value=[d for d in doc_ids or [] if d in ids]),
            document_rows(docs),
            gr.Dropdown(choices=choices, value=selected if selected in ids else None),
            gr.Dropdown(choices=upload_type_choices(docs)),
        )

    def show_document(doc_id: str | None) -> str:
        if not doc_id:
            return '<p class="sources-empty">Kies een document om de tekst te lezen.</p>'
        doc = next((d for d in assistant.documents() if d["doc_id"] == doc_id), None)
        if doc is None:
            return '<p class="sources-empty">Dit document staat niet (meer) in de index.</p>'
        header = f"<h3>{html.escape(doc.get('title') or doc_id)}</h3>"
        pages = _document_pages(doc)
        body = "".join(
            (f'<div class="doc-page-no">Pagina {number}</div>' if number is not None else "")
            + f'<div class="doc-page">{html.escape(text)}</div>'
            for number, text in pages
        )
        return f'<div class="doc-text">{header}{body}</div>'

    def _document_pages(doc: dict[str, Any]) -> list[tuple[int | None, str]]:
        """The document's cleaned pages from its file; its indexed passages if the file is gone."""
        relative = doc.get("source_file") or ""
        try:
            manifest = load_manifest(settings.corpus)
            entry = manifest.get(relative) or manifest.get(Path(relative).name)
            loaded = load_file(settings.corpus / relative, entry)
            return [(p.number, p.text) for p in loaded.pages]
        except LoadError:
            return [(p.page, p.text) for p in assistant.index.passages_for(doc["doc_id"])]

    def add_documents(
        files: list[str] | None,
        doc_type: str | None = None,
        doc_date: str | None = None,
        title: str | None = None,
        kamerstuk: str | None = None,
    ) -> str:
        """Check, store and index uploaded files; report per file why it was or was not added.

        The metadata is checked before anything is stored and written to the
        manifest before the ingest, so the new files are indexed with it at once.
        """
        if not files:
            raise gr.Error("Kies eerst één of meer bestanden (PDF, TXT of Markdown).")
        try:
            meta = parse_metadata(doc_type, doc_date, title if len(files) == 1 else None, kamerstuk)
        except MetadataError as e:
            raise gr.Error(str(e)) from None
        results = store_uploads(files, settings.corpus, settings.upload_max_mb)
        _record_upload_metadata(results, meta)
        report = None
        if any(r.new for r in results):
            try:
                report = assistant.ingest(progress=False)
            except LoadError as e:
                raise gr.Error(f"De index kon niet worden bijgewerkt: {e.reason}") from e
        skipped = {s.path: s.reason for s in report.skipped} if report else {}
        passages = {d.get("source_file"): d.get("passages", 0) for d in assistant.documents()}
        lines = []
        for r in results:
            name = html.escape(r.name)
            stored = r.stored_as.relative_to(settings.corpus).as_posix() if r.stored_as else ""
            if r.accepted and r.new and stored in skipped:
                # A file the loader cannot read would be skipped at every ingest: take it out again.
                settings.corpus.joinpath(stored).unlink(missing_ok=True)
                r = replace(r, accepted=False, message=f"Kan niet worden gelezen: {skipped[stored]}.")
            if not r.accepted:
                lines.append(f'<li class="bad">✖ <strong>{name}</strong>: {html.escape(r.message)}</li>')
                continue
            count = f" {passages[stored]} passages doorzoekbaar." if stored in passages else ""
            lines.append(f'<li class="ok">✔ <strong>{name}</strong>: {html.escape(r.message)}{count}</li>')
        summary = f'<p class="ingest-summary">{html.escape(ingest_summary(report))}</p>' if report else ""
        return f'<ul class="upload-results">{"".join(lines)}</ul>{summary}'

    def _record_upload_metadata(results: Sequence[UploadResult], meta: UploadMetadata) -> None:
        """Give the newly stored files their manifest entries; on failure take the files out again.

        A file indexed without its metadata would stay without it, so an upload
        whose metadata cannot be recorded is undone as a whole.
        """
        today = date.today().isoformat()
        stored = [(r.name, r.stored_as) for r in results if r.new and r.stored_as is not None]
        entries = [
            meta.entry(
                path.relative_to(settings.corpus).as_posix(), source=f"upload via de webapp ({name}, {today})"
            )
            for name, path in stored
        ]
        try:
            record_metadata(settings.corpus, entries)
        except MetadataError as e:
            for _, path in stored:
                path.unlink(missing_ok=True)
            raise gr.Error(f"{e} Er zijn geen bestanden toegevoegd.") from None

    def api_ask(
        question: str,
        doc_types: list[str] | None = None,
        doc_ids: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the documents; the same JSON as `assistant ask --json`."""
        return assistant.ask(question, filters=make_filters(doc_types, doc_ids, date_from, date_to)).to_json()

    with gr.Blocks(title=APP_TITLE, delete_cache=(3600, 86400)) as demo:
        turns = gr.State([])
        header = gr.HTML(header_html(), elem_id="header")
        with gr.Tabs():
            with gr.Tab("Vragen stellen", id="chat-tab"):
                with gr.Accordion(
                    "Filters: documenttype, periode, documenten", open=False, elem_id="filters"
                ):
                    with gr.Row():
                        doc_types = gr.CheckboxGroup(label="Documenttypen", elem_id="filter-types", scale=2)
                        date_from = gr.Textbox(label="Datum vanaf", placeholder="JJJJ-MM-DD", max_lines=1)
                        date_to = gr.Textbox(label="Datum tot en met", placeholder="JJJJ-MM-DD", max_lines=1)
                    doc_ids = gr.Dropdown(
                        label="Alleen in deze documenten",
                        multiselect=True,
                        info="Leeg = alle documenten. Documenten zonder datum vallen buiten een datumfilter.",
                        elem_id="filter-docs",
                    )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            elem_id="chat",
                            show_label=False,
                            height=560,
                            placeholder=CHAT_PLACEHOLDER,
                            examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                            buttons=["copy"],
                            latex_delimiters=[],
                            feedback_options=("Like", "Dislike"),
                        )
                        question = gr.Textbox(
                            elem_id="question",
                            show_label=False,
                            placeholder="Stel een vraag over de documenten…",
                            submit_btn="Vraag",
                            max_lines=4,
                        )
                        with gr.Row():
                            new_chat = gr.Button(
                                "Nieuw gesprek", size="sm", variant="secondary", scale=0, min_width=150
                            )
                            download = gr.DownloadButton(
                                EXPORT_LABEL,
                                min_width=210,
                                size="sm",
                                variant="secondary",
                                interactive=False,
                                elem_id="export",
                                scale=0,
                            )
                    with gr.Column(scale=2, min_width=340):
                        sources = gr.HTML(EMPTY_SOURCES_HTML, elem_id="sources")
            with gr.Tab("Documenten", id="docs-tab"):
                table = gr.Dataframe(
                    headers=DOCUMENT_COLUMNS,
                    interactive=False,
                    wrap=True,
                    elem_id="documents",
                    column_widths=["38%", "10%", "14%", "14%", "17%", "7%"],
                )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        selected = gr.Dropdown(label="Document lezen", elem_id="doc-select")
                        doc_text = gr.HTML(show_document(None), elem_id="doc-text")
                    with gr.Column(scale=2, min_width=320):
                        files = gr.File(
                            label="Documenten toevoegen (PDF, TXT of Markdown, max. "
                            f"{settings.upload_max_mb:g} MB per bestand)",
                            file_count="multiple",
                            file_types=list(ALLOWED_SUFFIXES),
                            elem_id="upload",
                        )
                        with gr.Row():
                            upload_type = gr.Dropdown(
                                label="Documenttype",
                                choices=list(DOCUMENT_TYPES),
                                value=None,
                                allow_custom_value=True,
                                elem_id="upload-type",
                                info="Kies of typ een type; leeg = onbekend.",
                            )
                            upload_date = gr.Textbox(
                                label="Datum",
                                placeholder="JJJJ-MM-DD",
                                max_lines=1,
                                elem_id="upload-date",
                                info="Optioneel; nodig voor het datumfilter.",
                            )
                        upload_title = gr.Textbox(
                            label="Titel",
                            max_lines=1,
                            elem_id="upload-title",
                            info="Optioneel; alleen gebruikt als u één bestand toevoegt.",
                        )
                        upload_kamerstuk = gr.Textbox(
                            label="Kamerstuk",
                            placeholder="bv. 36 600 XV, nr. 32",
                            max_lines=1,
                            elem_id="upload-kamerstuk",
                            info="Optioneel.",
                        )
                        add = gr.Button("Toevoegen en indexeren", variant="primary", elem_id="add-docs")
                        upload_result = gr.HTML(elem_id="upload-result")

        private: dict[str, Any] = {"api_visibility": "private"}
        chat_inputs = [question, turns, doc_types, doc_ids, date_from, date_to]
        chat_outputs = [chatbot, sources, turns, question]
        ask_kwargs: dict[str, Any] = {"concurrency_limit": concurrency, "concurrency_id": "ask", **private}
        question.submit(respond, chat_inputs, chat_outputs, **ask_kwargs).then(
            export, turns, download, **private
        )
        chatbot.example_select(pick_example, None, question, **private).then(
            respond, chat_inputs, chat_outputs, **ask_kwargs
        ).then(export, turns, download, **private)
        chatbot.like(rate, turns, None, **private)
        reset = [chatbot, sources, turns, download]
        new_chat.click(new_conversation, None, reset, **private)
        chatbot.clear(new_conversation, None, reset, **private)  # the chat's own bin icon

        listing = [header, doc_types, doc_ids, table, selected, upload_type]
        demo.load(refresh, [doc_types, doc_ids, selected], listing, **private)
        demo.unload(forget_exports)
        selected.change(show_document, selected, doc_text, **private)
        upload_inputs = [files, upload_type, upload_date, upload_title, upload_kamerstuk]
        added = add.click(
            add_documents,
            upload_inputs,
            upload_result,
            concurrency_limit=1,
            concurrency_id="ingest",
            **private,
        )
        added.then(refresh, [doc_types, doc_ids, selected], listing, **private)
        # A rejected form (e.g. a bad date) keeps its files and fields so the user can correct it.
        added.success(lambda: (None, None, "", "", ""), None, upload_inputs, **private)

        gr.api(api_ask, api_name="ask", concurrency_limit=concurrency, concurrency_id="ask")

    demo.queue(default_concurrency_limit=concurrency)
    return demo
