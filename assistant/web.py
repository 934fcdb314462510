"""The web chat: a thin Gradio layer over `Assistant`, in Dutch, for civil servants.

Everything the page shows is derived from one per-session list of turns
(question + `Answer`), so the chat, the sources panel, the export and the
feedback always agree about what was said and which passage backs it. The page
never talks to the internet: fonts are bundled with Gradio and the small script
that makes footnotes clickable is inline.

The parts: `web_layout` (components), `web_render` (HTML and Markdown),
`web_inputs` (fields -> values, or a Dutch hint for the field), `web_uploads`
(the documents tab), `web_style` (theme, CSS, Gradio's texts in Dutch). An
ordinary input mistake is answered next to its field and logged as one line;
the conversation stays usable.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.export import conversation_markdown, export_filename
from assistant.feedback import FeedbackLog
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Answer, Draft, Filters
from assistant.web_inputs import (
    DATE_INFO,
    InputProblem,
    check_question,
    describe_filters,
    documents_left,
    make_filters,
)
from assistant.web_layout import EXPORT_LABEL, chat_tab, documents_tab, header
from assistant.web_render import (
    APP_TITLE,
    EMPTY_SOURCES_HTML,
    SEARCHING_SOURCES_HTML,
    Turn,
    chat_messages,
    document_choices,
    documents_html,
    draft_markdown,
    escape_markdown,
    header_html,
    sources_html,
    type_choices,
    upload_type_choices,
)
from assistant.web_style import LAUNCH_STYLE
from assistant.web_uploads import add_documents, document_html

__all__ = ["LAUNCH_STYLE", "Turn", "auth_credentials", "build_app", "make_filters"]

log = logging.getLogger(__name__)
_escape = escape_markdown


def auth_credentials(settings: Settings) -> list[tuple[str, str]] | None:
    """Login pairs from `settings.auth` ("u:p,u2:p2") and `settings.auth_file` (user:password lines).

    Passwords may contain ':' (only the first one separates); spaces around
    names and passwords, blank lines and '#' comments in the file are ignored.
    None means no login. A malformed entry raises ValueError naming its position
    (and its user name when there is a ':'), never its text.
    """
    entries: list[str] = []
    if settings.auth:
        entries += settings.auth.split(",")
    if settings.auth_file:
        lines = Path(settings.auth_file).read_text(encoding="utf-8").splitlines()
        entries += [line for line in lines if not line.lstrip().startswith("#")]
    pairs = []
    for number, entry in enumerate((e.strip() for e in entries if e.strip()), 1):
        user, sep, password = (part.strip() for part in entry.partition(":"))
        if not sep or not user or not password:
            # Name the entry by its position: without a ':' the "user" would be the whole entry,
            # password included ("anna geheim"), and this message ends up in logs.
            who = f" for {user!r}" if sep else ""
            raise ValueError(f"Invalid login entry {number}{who}: expected 'user:password'.")
        pairs.append((user, password))
    return pairs or None


def hint_html(message: str) -> str:
    """A Dutch hint shown next to a field (announced by screen readers); "" clears it."""
    return f'<p class="field-hint" role="alert">{message}</p>' if message else ""


def input_feedback(problem: InputProblem | None) -> tuple[Any, ...]:
    """Updates for the question hint, both date fields and the filters panel, for one check's outcome."""
    fields = {"date_from": ("Datum vanaf", None), "date_to": ("Datum tot en met", None)}
    dates = []
    for name in fields:
        if problem is not None and problem.field == name:
            dates.append(gr.Textbox(info=problem.message, elem_classes=["field-invalid"]))
        else:
            dates.append(gr.Textbox(info=DATE_INFO, elem_classes=[]))
    if problem is None:
        return hint_html(""), *dates, gr.skip()
    if problem.field == "question":
        return hint_html(problem.message), *dates, gr.skip()
    pointer = "Niet verstuurd: controleer het datumfilter hierboven; de uitleg staat bij het veld."
    return hint_html(pointer), *dates, gr.Accordion(open=True)


def build_app(assistant: Assistant) -> gr.Blocks:
    """The whole web UI over one `Assistant`; launch it with `**LAUNCH_STYLE`."""
    settings = assistant.settings
    feedback = FeedbackLog(settings.feedback_file)
    export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
    concurrency = settings.concurrency

    def make_turn(question: str, answer: Answer, filters: Filters) -> Turn:
        """A turn that remembers its filters in words, for a refusal's explanation."""
        if filters.is_empty():
            return Turn(question, answer, filters)
        docs = assistant.documents()
        titles = {d["doc_id"]: d.get("title") or d["doc_id"] for d in docs}
        return Turn(
            question, answer, filters, describe_filters(filters, titles), documents_left(filters, docs)
        )

    def check_inputs(question: str, turns: list[Turn], *filter_values: Any) -> tuple[Any, ...]:
        """Hints next to the fields for an empty question or an unreadable date; the last value says go.

        A question box with only spaces in it is emptied, like one with nothing typed;
        after a date mistake the question stays for the second try.
        """
        try:
            check_question(question, first=not turns)
            make_filters(*filter_values)
        except InputProblem as problem:
            log.info("input not accepted (%s): %s", problem.field, problem.reason)
            # Spaces are emptied; an empty box is left alone, so nothing typed since is lost.
            box = "" if problem.field == "question" and question else gr.skip()
            return *input_feedback(problem), box, False
        return *input_feedback(None), gr.skip(), True

    def respond_checked(*values: Any) -> Iterator[tuple[Any, ...]]:
        """`respond`, when `check_inputs` let the input through; otherwise nothing changes."""
        *inputs, ok = values
        if not ok:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield from respond(*inputs)

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
        turns = [*turns, make_turn(question, answer, filters)]
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
        gr.Info("Dank u voor uw beoordeling.", title="Bedankt")

    def new_conversation() -> tuple[Any, ...]:
        """An empty chat (its example questions back), sources and export; an old hint is cleared."""
        export_off = gr.DownloadButton(EXPORT_LABEL, value=None, interactive=False)
        return [], EMPTY_SOURCES_HTML, [], export_off, hint_html("")

    def retry_button(turns: list[Turn]) -> gr.Button:
        """Offer to search without filters after a refusal that was given under filters."""
        last = turns[-1] if turns else None
        return gr.Button(visible=bool(last and last.answer.refused and not last.filters.is_empty()))

    def without_filters(turns: list[Turn]) -> tuple[Any, ...]:
        """Clear every filter and put the last question back, so it is asked again over all documents."""
        return [], [], "", "", turns[-1].question if turns else ""

    def refresh(doc_types: list[str], doc_ids: list[str], selected: str | None) -> tuple[Any, ...]:
        """Everything that lists documents, in step with the index (after load and after uploads)."""
        docs = assistant.documents()
        types = type_choices(docs)
        choices = document_choices(docs)
        ids = {doc_id for _, doc_id in choices}
        # Each type labelled as the source cards and the documents table write it ("Kamerbrief"), so
        # a screen reader and a tooltip say it so too; the value stays the stored type ("kamerbrief").
        labelled = [(t[:1].upper() + t[1:], t) for t in types]
        return (
            header_html(docs),
            gr.CheckboxGroup(choices=labelled, value=[t for t in doc_types or [] if t in types]),
            gr.Dropdown(choices=choices, value=[d for d in doc_ids or [] if d in ids]),
            documents_html(docs),
            gr.Dropdown(choices=choices, value=selected if selected in ids else None),
            gr.Dropdown(choices=upload_type_choices(docs)),
        )

    def api_ask(
        question: str,
        doc_types: list[str] | None = None,
        doc_ids: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the documents; the same JSON as `assistant ask --json`."""
        try:
            filters = make_filters(doc_types, doc_ids, date_from, date_to)
        except InputProblem as problem:
            log.info("api input not accepted (%s): %s", problem.field, problem.reason)
            raise gr.Error(problem.message, title="Fout", print_exception=False) from None
        return assistant.ask(question, filters=filters).to_json()

    with gr.Blocks(title=APP_TITLE, delete_cache=(3600, 86400)) as demo:
        turns = gr.State([])
        ok = gr.State(False)
        top = header()
        with gr.Tabs():
            with gr.Tab("Vragen stellen", id="chat-tab"):
                chat = chat_tab()
            with gr.Tab("Documenten", id="docs-tab"):
                docs = documents_tab(settings, document_html(assistant, None))

        private: dict[str, Any] = {"api_visibility": "private"}
        quick: dict[str, Any] = {"queue": False, "show_progress": "hidden", **private}
        chat_inputs = [chat.question, turns, chat.doc_types, chat.doc_ids, chat.date_from, chat.date_to]
        chat_outputs = [chat.chatbot, chat.sources, turns, chat.question]
        gate_outputs = [chat.question_hint, chat.date_from, chat.date_to, chat.filters, chat.question, ok]
        ask_kwargs: dict[str, Any] = {"concurrency_limit": concurrency, "concurrency_id": "ask", **private}

        def ask_chain(event: Any) -> None:
            """Check the input, answer it (or not), then refresh the export and the retry button."""
            event.then(check_inputs, chat_inputs, gate_outputs, **quick).then(
                respond_checked, [*chat_inputs, ok], chat_outputs, **ask_kwargs
            ).then(export, turns, chat.download, **private).then(retry_button, turns, chat.retry, **quick)

        ask_chain(chat.question.submit(lambda: None, None, None, **quick))
        ask_chain(chat.chatbot.example_select(pick_example, None, chat.question, **private))
        filter_fields = [chat.doc_types, chat.doc_ids, chat.date_from, chat.date_to, chat.question]
        ask_chain(chat.retry.click(without_filters, turns, filter_fields, **quick))
        chat.chatbot.like(rate, turns, None, **private)
        reset = [chat.chatbot, chat.sources, turns, chat.download, chat.question_hint]
        for event in (chat.new_chat.click, chat.chatbot.clear):  # our button and the chat's own bin icon
            event(new_conversation, None, reset, **private).then(retry_button, turns, chat.retry, **quick)

        listing = [top, chat.doc_types, chat.doc_ids, docs.table, docs.selected, docs.upload_type]
        demo.load(refresh, [chat.doc_types, chat.doc_ids, docs.selected], listing, **private)
        demo.unload(forget_exports)
        docs.selected.change(
            lambda doc_id: document_html(assistant, doc_id), docs.selected, docs.doc_text, **private
        )
        upload_inputs = [
            docs.files,
            docs.upload_type,
            docs.upload_date,
            docs.upload_title,
            docs.upload_kamerstuk,
        ]

        def add(*values: Any) -> tuple[Any, ...]:
            """Index the chosen files; the form is cleared in the same update as the result.

            One update, not a chained event: a chained clear could land after the user
            (or a test) already chose the next file, and silently drop it. A rejected
            form (e.g. a bad date) keeps its files and fields so the user can correct it.
            """
            result, done = add_documents(assistant, *values)
            return (result, *((None, None, "", "", "") if done else (gr.skip(),) * 5))

        added = docs.add.click(
            add,
            upload_inputs,
            [docs.upload_result, *upload_inputs],
            concurrency_limit=1,
            concurrency_id="ingest",
            **private,
        )
        added.then(refresh, [chat.doc_types, chat.doc_ids, docs.selected], listing, **private)

        gr.api(api_ask, api_name="ask", concurrency_limit=concurrency, concurrency_id="ask")

    demo.queue(default_concurrency_limit=concurrency)
    return demo
