"""The web chat's components and their place on the page (no behaviour; `web.build_app` wires it).

Every field has a Dutch label that names what it is for, also where the label
is not shown, because screen readers announce it.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.settings import Settings
from assistant.uploads import ALLOWED_SUFFIXES, DOCUMENT_TYPES
from assistant.web_inputs import DATE_INFO, DATE_PLACEHOLDER
from assistant.web_render import CHAT_PLACEHOLDER, EMPTY_SOURCES_HTML, RETRY_LABEL, header_html

EXPORT_LABEL = "Gesprek exporteren (.md)"
# Offered on first open: Dutch like the rest of the page, each answered with citations from the
# bundled corpus (tests/test_answering.py checks that).
EXAMPLE_QUESTIONS = (
    "Hoeveel gemeenten kregen een decentrale uitkering?",
    "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?",
    "Wat doet de Maatschappelijke Raad?",
    "Wat is de SPUK Kansrijke Wijk?",
)


@dataclass
class ChatTab:
    """The components of the chat tab."""

    filters: gr.Accordion
    doc_types: gr.CheckboxGroup
    date_from: gr.Textbox
    date_to: gr.Textbox
    doc_ids: gr.Dropdown
    chatbot: gr.Chatbot
    question: gr.Textbox
    question_hint: gr.HTML
    retry: gr.Button
    new_chat: gr.Button
    download: gr.DownloadButton
    sources: gr.HTML


@dataclass
class DocumentsTab:
    """The components of the documents tab."""

    table: gr.HTML
    selected: gr.Dropdown
    doc_text: gr.HTML
    files: gr.File
    upload_type: gr.Dropdown
    upload_date: gr.Textbox
    upload_title: gr.Textbox
    upload_kamerstuk: gr.Textbox
    add: gr.Button
    upload_result: gr.HTML


def date_field(label: str, elem_id: str) -> gr.Textbox:
    """A date filter field; its info line doubles as the place for a hint about what was typed."""
    return gr.Textbox(
        label=label, placeholder=DATE_PLACEHOLDER, info=DATE_INFO, max_lines=1, elem_id=elem_id, min_width=180
    )


def chat_tab() -> ChatTab:
    """Filters above, the conversation on the left, its sources beside it (below it on a phone)."""
    with gr.Accordion("Filters: documenttype, periode, documenten", open=False, elem_id="filters") as acc:
        with gr.Row():
            doc_types = gr.CheckboxGroup(label="Documenttypen", elem_id="filter-types", scale=2)
            date_from = date_field("Datum vanaf", "date-from")
            date_to = date_field("Datum tot en met", "date-to")
        doc_ids = gr.Dropdown(
            label="Alleen in deze documenten",
            multiselect=True,
            info="Leeg = alle documenten. Documenten zonder datum vallen buiten een datumfilter.",
            elem_id="filter-docs",
        )
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Gesprek met de documentassistent",
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
                label="Uw vraag over de documenten",
                elem_id="question",
                show_label=True,  # visually hidden by the CSS, but the field's accessible name
                placeholder="Stel een vraag over de documenten…",
                submit_btn="Vraag",
                max_lines=4,
            )
            question_hint = gr.HTML("", elem_id="question-hint")
            retry = gr.Button(
                RETRY_LABEL, visible=False, variant="primary", size="sm", elem_id="retry-unfiltered"
            )
            with gr.Row():
                new_chat = gr.Button("Nieuw gesprek", size="sm", variant="secondary", scale=0, min_width=150)
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
    return ChatTab(
        acc,
        doc_types,
        date_from,
        date_to,
        doc_ids,
        chatbot,
        question,
        question_hint,
        retry,
        new_chat,
        download,
        sources,
    )


def documents_tab(settings: Settings, doc_text_html: str) -> DocumentsTab:
    """The indexed documents, one document's text, and the upload form (hidden when uploads are off)."""
    table = gr.HTML(elem_id="documents")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            selected = gr.Dropdown(label="Document lezen", elem_id="doc-select")
            doc_text = gr.HTML(doc_text_html, elem_id="doc-text")
        with gr.Column(scale=2, min_width=320, visible=settings.uploads is not None):
            files = gr.File(
                label="Documenten toevoegen (PDF, TXT of Markdown, "
                f"max. {settings.upload_max_mb:g} MB per bestand)",
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
                    placeholder=DATE_PLACEHOLDER,
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
    return DocumentsTab(
        table,
        selected,
        doc_text,
        files,
        upload_type,
        upload_date,
        upload_title,
        upload_kamerstuk,
        add,
        upload_result,
    )


def header() -> gr.HTML:
    """The title block; its document count is filled in when the page loads."""
    return gr.HTML(header_html(), elem_id="header")
