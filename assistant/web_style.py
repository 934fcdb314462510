"""The web chat's look: theme, CSS, the footnote script and Gradio's own texts in Dutch.

Gradio chooses its widget language ("Drop File Here", "Error", "Settings") from
the browser; `I18N` gives every language Gradio knows the Dutch texts, so the
interface is Dutch whatever the browser's language. A few accessible names that
Gradio hard-codes in English ("chatbot conversation", "Select example 1: …",
"More tabs") are outside its dictionary; the script in `HEAD` renames them, names
the question box by its label alone, and gives the upload area the name of the
words it shows.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

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
/* A circle for one footnote number, a pill that grows with its text for several ("1,2,3"). */
.src-n { flex: none; min-width: 24px; height: 24px; padding: 0 7px; box-sizing: border-box;
  white-space: nowrap; border-radius: 12px; background: #154273; color: #fff;
  font-weight: 600; font-size: 0.8rem; display: flex; align-items: center; justify-content: center; }
.src-card.near .src-n { background: #94a3b8; }
.src-title { font-weight: 600; line-height: 1.3; display: block; }
.src-meta { font-size: 0.8rem; color: var(--body-text-color-subdued); line-height: 1.4; display: block;
  margin-top: 2px; }
.src-type { display: inline-block; background: #e8eef5; color: #154273; border-radius: 4px;
  padding: 0 6px; margin-right: 4px; font-weight: 600; text-transform: capitalize; }
/* A document type reads "Kamerbrief" wherever it is shown: source card, type filter, documents table. */
td.doc-type { text-transform: capitalize; }
.src-text .gap { display: block; height: 8px; }
.src-text { padding: 0 12px 12px 46px; font-size: 0.88rem; line-height: 1.55; white-space: pre-line;
  color: var(--body-text-color); }
.src-text mark { background: #fde68a; color: inherit; padding: 1px 0; border-radius: 2px; }
.src-card.flash { border-color: #154273; box-shadow: 0 0 0 3px rgba(21, 66, 115, 0.25); }
.refusal-panel { border-left: 4px solid #b45309; background: #fff7ed; padding: 10px 12px;
  border-radius: 4px; margin-bottom: 10px; color: #7c2d12; font-size: 0.9rem; line-height: 1.45; }
.refusal-panel strong { display: block; font-size: 1rem; margin-bottom: 2px; }
.near-head { font-weight: 600; font-size: 0.9rem; margin: 6px 0; color: #475569; }
.src-snippet { display: block; font-size: 0.82rem; color: #475569; margin-top: 2px; }
.src-open { display: inline-block; margin-top: 4px; font-size: 0.8rem; color: #154273; font-weight: 600; }
.src-open::after { content: " ▾"; }
.src-card[open] .src-open { display: none; }
.src-card.near > summary:hover .src-title { text-decoration: underline; }
.filters-note { margin-top: 6px; }
.field-hint { margin: 4px 0 0; padding: 6px 10px; border-left: 4px solid #b45309; background: #fff7ed;
  color: #7c2d12; border-radius: 4px; font-size: 0.9rem; }
.field-invalid textarea, .field-invalid input { border-color: #b45309 !important;
  box-shadow: 0 0 0 1px #b45309 !important; }
.field-invalid .info, .field-invalid [data-testid="block-info"] + div { color: #7c2d12 !important; }
#retry-unfiltered { margin-top: 6px; }
#question [data-testid="block-info"] { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

/* One breakpoint for layout and wording: sources beside the chat ("rechts") or below it ("hieronder"). */
.where-narrow { display: none; }
@media (min-width: 761px) {
  #chat-row { flex-wrap: nowrap !important; }
  #chat-row > .column { min-width: 0 !important; }
}
@media (max-width: 760px) {
  .where-wide { display: none; }
  .where-narrow { display: inline; }
  #chat-row { flex-direction: column !important; }
  #chat-row > .column { width: 100% !important; min-width: 0 !important; }
  .app-header h1 { font-size: 1.25rem; }
  /* The documents list as cards: every field on its own line with its name. */
  .doc-table thead { display: none; }
  .doc-table, .doc-table tbody, .doc-table tr, .doc-table td { display: block; width: auto;
    min-width: 0 !important; }
  .doc-table tr { border: 1px solid var(--border-color-primary); border-radius: 8px; margin-bottom: 10px;
    padding: 6px 10px; }
  .doc-table, .doc-table td { border: none !important; }
  .doc-table td { padding: 2px 0; text-align: left !important; }
  .doc-table td[data-label]:not(.doc-title)::before { content: attr(data-label) ": ";
    color: var(--body-text-color-subdued); font-weight: 400; }
}

.upload-results { list-style: none; padding: 0; margin: 0; }
.upload-results li { padding: 6px 10px; border-radius: 4px; margin-bottom: 4px; }
.upload-results li.ok { background: #ecfdf5; color: #065f46; }
.upload-results li.bad { background: #fef2f2; color: #991b1b; }
.ingest-summary { margin-top: 8px; font-size: 0.9rem; color: var(--body-text-color-subdued); }
.doc-table-wrap { overflow-x: auto; }
.doc-table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
.doc-table th { text-align: left; font-weight: 600; color: #154273; border-bottom: 2px solid #154273;
  padding: 6px 8px; white-space: nowrap; }
.doc-table td { padding: 6px 8px; border-bottom: 1px solid var(--border-color-primary); vertical-align: top;
  overflow-wrap: normal; word-break: normal; }
.doc-table td.doc-title { min-width: 16rem; font-weight: 600; }
.doc-table td.doc-file { overflow-wrap: anywhere; min-width: 9rem; color: var(--body-text-color-subdued); }
.doc-table td.doc-n { text-align: right; }
.doc-text h3 { color: #154273; margin-top: 0; }
.doc-page { white-space: pre-wrap; line-height: 1.55; font-size: 0.92rem; }
.doc-page-no { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 14px 0 4px;
  text-transform: uppercase; letter-spacing: 0.04em; }
.dark .app-header h1, .dark .sources-head, .dark .doc-text h3, .dark #chat a.cite { color: #93c5fd; }
.dark .app-mark, .dark .src-n { background: #3b82f6; }
"""

# Clicking a footnote marker in an answer opens and highlights its source card.
# One delegated listener, so it keeps working as Gradio re-renders the chat.
# Then Dutch accessible names for the few English ones Gradio hard-codes (see the comment inside).
# `__UPLOAD_NAME__` is filled in below, from the texts the upload area shows.
_SCRIPT = r"""
<script>
// The page is Dutch: screen readers read it with Dutch pronunciation only when the document says so
// (Gradio's page template says lang="en"). Kept "nl" if anything sets it back.
document.documentElement.lang = "nl";
new MutationObserver(() => {
  if (document.documentElement.lang !== "nl") document.documentElement.lang = "nl";
}).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });

document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#src-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const target = document.getElementById(link.getAttribute("href").slice(1));
  const card = target && target.closest(".src-card");
  if (!card) return;
  const turn = card.closest("details.turn");
  if (turn) turn.open = true;
  card.open = true;
  card.scrollIntoView({ behavior: "smooth", block: "nearest" });
  document.querySelectorAll(".src-card.flash").forEach((c) => c.classList.remove("flash"));
  card.classList.add("flash");
}, true);

// Gradio writes some accessible names in English whatever the language (not in its dictionary, so
// I18N cannot reach them): the chat's "chatbot conversation", "user's message: …", the example
// buttons' "Select example N: …", the tabs' "More tabs", the upload's "Click to upload or drop files".
// Screen readers announce these; they are given Dutch names here, also when Gradio sets them again.
(() => {
  const exact = {
    "chatbot conversation": "Gesprek",
    "More tabs": "Meer tabbladen",
    "Loading response": "Antwoord wordt geladen",
    "Example attachments": "Bijlagen bij het voorbeeld",
    "Click to upload or drop files": __UPLOAD_NAME__,
    "File upload": "Bestanden kiezen",
  };
  const plain = (markup) =>
    new DOMParser().parseFromString(markup, "text/html").body.textContent.replace(/\s+/g, " ").trim();
  const patterns = [
    [/^Select example (\d+): ([\s\S]*)$/, (m) => `Voorbeeldvraag ${m[1]}: ${m[2]}`],
    [/^user's message: ([\s\S]*)$/, (m) => `Uw vraag: ${plain(m[1])}`],
    [/^bot's message: ([\s\S]*)$/, (m) => `Antwoord: ${plain(m[1])}`],
  ];
  const dutch = (label) => {
    if (Object.hasOwn(exact, label)) return exact[label];
    for (const [pattern, name] of patterns) {
      const match = pattern.exec(label);
      if (match) return name(match);
    }
    return null;
  };
  const relabel = (el) => {
    const label = el.getAttribute("aria-label");
    const name = label && dutch(label);
    if (name !== null && name !== label) el.setAttribute("aria-label", name);
  };
  // A text box whose <label> also holds its send button (the question box and its "Vraag") would be
  // announced as label plus button text; it is named by its label alone.
  const boxes = 'label:has([data-testid="submit-button"]) textarea';
  const nameByLabel = (box) => {
    const label = box.closest("label").querySelector('[data-testid="block-info"]');
    const name = label && label.textContent.replace(/\s+/g, " ").trim();
    if (name && box.getAttribute("aria-label") !== name) box.setAttribute("aria-label", name);
  };
  const scan = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.hasAttribute("aria-label")) relabel(node);
    node.querySelectorAll("[aria-label]").forEach(relabel);
    if (node.matches(boxes)) nameByLabel(node);
    node.querySelectorAll(boxes).forEach(nameByLabel);
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") relabel(record.target);
      else record.addedNodes.forEach(scan);
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"],
  });
  scan(document.documentElement);
})();
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

# Gradio's widget texts that this app can show, in Dutch (keys of Gradio 6's frontend dictionary).
DUTCH_WIDGETS: dict[str, str] = {
    "common.built_with": "gemaakt met",
    "common.built_with_gradio": "Gemaakt met Gradio",
    "common.clear": "Wissen",
    "common.download": "Downloaden",
    "common.download_all": "Alles downloaden",
    "common.edit": "Bewerken",
    "common.empty": "Leeg",
    "common.error": "Fout",
    "common.loading": "Laden",
    "common.or": "of",
    "common.remove": "Verwijderen",
    "common.settings": "Instellingen",
    "common.share": "Delen",
    "common.submit": "Versturen",
    "common.undo": "Ongedaan maken",
    "common.upload": "Uploaden",  # the name of the chosen files' list in the upload area
    "common.progress": "Voortgang",
    "common.complete": "Klaar",  # announced to screen readers when an event has finished
    "common.language": "Taal",
    "common.display_theme": "Weergave",
    "upload_text.click_to_upload": "Klik om een bestand te kiezen",
    "upload_text.drop_file": "Sleep bestanden hierheen",
    "upload_text.paste_clipboard": "Plakken vanuit klembord",
    "file.uploading": "Bezig met uploaden…",
    "chatbot.edit": "Bewerken",
    "chatbot.retry": "Opnieuw proberen",
    "chatbot.undo": "Ongedaan maken",
    "chatbot.submit": "Versturen",
    "chatbot.cancel": "Annuleren",
    "chatbot.like": "Vind ik leuk",
    "chatbot.dislike": "Vind ik niet leuk",
    "chatbot.clear": "Gesprek wissen",
    "chatbot.complete": "Klaar",
    "chatbot.copy_message": "Bericht kopiëren",
    "chatbot.copied_message": "Bericht gekopieerd",
    "chat_interface.chatbot": "Gesprek",
    "chat_interface.conversation": "Gesprek",
    "checkbox.checkbox": "Selectievakje",
    "checkbox.checkbox_group": "Keuzelijst",
    "dropdown.dropdown": "Keuzelijst",
    "errors.use_via_api": "Gebruik via API",
    "errors.use_via_api_or_mcp": "Gebruik via API of MCP",
    "blocks.lost_connection": "Verbinding verbroken; opnieuw verbinden…",
    "blocks.waiting_for_inputs": "Wacht tot de bestanden zijn geüpload en probeer het opnieuw.",
    "blocks.connection_can_break": (
        "Op een telefoon kan de verbinding wegvallen als dit tabblad op de achtergrond staat."
    ),
    "status.queue_position": "In de wachtrij: {position} van {size}",
    "login.login": "Inloggen",
    "login.username": "Gebruikersnaam",
    "login.password": "Wachtwoord",
    "login.incorrect_credentials": "Onjuiste inloggegevens",
}
# Every language Gradio 6.31 ships (its frontend picks one from the browser), so all of them say it in Dutch.
GRADIO_LOCALES = [
    *("ar", "ca", "ckb", "de", "en", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "id", "ja", "ko"),
    *("lt", "nb", "nl", "pl", "pt-BR", "pt", "ro", "ru", "sv", "ta", "th", "tr", "uk", "ur", "uz"),
    *("zh-CN", "zh-TW"),
]
I18N = gr.I18n(**{locale: DUTCH_WIDGETS for locale in GRADIO_LOCALES})

# The upload area shows "Sleep bestanden hierheen - of - Klik om een bestand te kiezen"; its accessible
# name says those words (WCAG 2.5.3, label in name), so a speech user can say what is on the screen.
_CLICK = DUTCH_WIDGETS["upload_text.click_to_upload"]
UPLOAD_NAME = (
    f"{DUTCH_WIDGETS['upload_text.drop_file']} {DUTCH_WIDGETS['common.or']} {_CLICK[:1].lower()}{_CLICK[1:]}"
)
HEAD = _SCRIPT.replace("__UPLOAD_NAME__", json.dumps(UPLOAD_NAME, ensure_ascii=False))

# Gradio 6 takes styling and texts at launch(); app.py and the tests pass these along.
LAUNCH_STYLE: dict[str, Any] = {"theme": THEME, "css": CSS, "head": HEAD, "i18n": I18N}
