"""Issue 9: the web chat in everyday use, at desktop width and at 390 px, in an English-language browser.

One real app (`python app.py` over a temporary copy of the corpus, uploads in a
folder of their own) serves the module; each width has its own browser page.
The browser's language is English on purpose: the interface must be Dutch
anyway. Screenshots of the input mistakes go to artifacts/.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import ROOT, AppServer, chromium, running_app
from pdfs import make_pdf
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
TIMEOUT_MS = 90_000
VIEWS = {"desktop": {"width": 1440, "height": 1000}, "mobile": {"width": 390, "height": 844}}
SOCIAL_LABS = "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?"
ENGLISH = ("Drop File Here", "Click to Upload", "Use via API", "Settings", "Error", "Built with", "Textbox")
# What Gradio says only to screen readers (accessible names, live announcements) in English.
ENGLISH_FOR_SCREEN_READERS = (
    "chatbot conversation",
    "More tabs",
    "Select example",
    "'s message",
    "Loading response",
    "Example attachments",
    "Click to upload",
    "File upload",
)
# A key of Gradio's dictionary shown as is ("common.complete"): a text without a translation.
I18N_KEY = re.compile(
    r"\b(?:common|chatbot|chat_interface|upload_text|file|blocks|status|errors|login)\.[a-z_]+\b"
)
# Every text the screen-reader live regions announce, from the page's first moment on.
RECORD_ANNOUNCEMENTS = """
window.__announced = [];
new MutationObserver((records) => {
  for (const record of records) {
    const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    const region = node && node.closest("[aria-live].sr-only, [aria-live].visually-hidden");
    if (!region) continue;
    // What is there now, and what was written but replaced again before this callback ran.
    const written = [region.textContent, record.oldValue || ""];
    written.push(...[...record.addedNodes].map((added) => added.textContent));
    for (const text of written.map((t) => t.trim()).filter((t) => t)) window.__announced.push(text);
  }
}).observe(document, { subtree: true, childList: true, characterData: true, characterDataOldValue: true });
"""
# Accessible names and descriptions, and the texts that are there for screen readers only.
ACCESSIBLE_TEXTS = """() => {
  const texts = [];
  for (const el of document.querySelectorAll("*")) {
    for (const name of ["aria-label", "aria-description", "aria-roledescription", "title", "alt"]) {
      const value = el.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  for (const el of document.querySelectorAll(".sr-only, .visually-hidden, [aria-live]")) {
    texts.push(el.textContent.trim());
  }
  return texts.filter((t) => t);
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(tmp_path_factory.mktemp("app_everyday")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module", params=list(VIEWS))
def view(request: pytest.FixtureRequest, browser: Browser, app: AppServer) -> Iterator[tuple[str, Page]]:
    context = browser.new_context(locale="en-US", viewport=VIEWS[request.param])
    context.add_init_script(RECORD_ANNOUNCEMENTS)
    page = context.new_page()
    page.goto(app.url)
    expect(page.locator("#header .index-status")).to_be_visible()
    yield request.param, page
    context.close()


def fresh_chat(page: Page) -> Page:
    page.get_by_role("tab", name="Vragen stellen").click()
    page.get_by_role("button", name="Nieuw gesprek").click()
    expect(page.locator("#chat [data-testid=bot]")).to_have_count(0)
    return page


def send(page: Page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")


def answer(page: Page, index: int) -> Locator:
    """Answer `index` (0-based), once the whole event chain is done (the export counts it)."""
    bubbles = page.locator("#chat [data-testid=bot]")
    expect(bubbles).to_have_count(index + 1, timeout=TIMEOUT_MS)
    count = "1 vraag" if index == 0 else f"{index + 1} vragen"
    expect(page.locator("#export")).to_have_text(f"Gesprek exporteren ({count}, .md)", timeout=TIMEOUT_MS)
    return bubbles.nth(index)


def open_filters(page: Page) -> None:
    if not page.locator("#filter-types").is_visible():
        page.locator("#filters").get_by_text("Filters:").click()
    expect(page.locator("#filter-types")).to_be_visible()


def clear_filters(page: Page) -> None:
    open_filters(page)
    for box in page.locator("#filter-types input[type=checkbox]").all():
        box.uncheck()
    page.locator("#date-from input").fill("")
    page.locator("#date-to input").fill("")


# Whether an element shows all of its text: nothing scrolled away, the text's box inside its own.
TEXT_FITS = """(el) => {
  const box = el.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  return el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight
    && text.left >= box.left - 0.5 && text.right <= box.right + 0.5
    && text.top >= box.top - 0.5 && text.bottom <= box.bottom + 0.5;
}"""


def visible_text(page: Page) -> str:
    return page.locator("body").inner_text()


def no_error_boxes(page: Page) -> None:
    """Nothing in English, no error toast, no component replaced by an error box."""
    text = visible_text(page)
    for word in ("Error", "Fout"):
        assert not re.search(rf"\b{word}\b", text), f"{word!r} shown"
    expect(page.locator(".toast-body")).to_have_count(0)
    expect(page.locator("#chat .error")).to_have_count(0)


# --- 1. input mistakes -----------------------------------------------------------------


def test_input_mistakes_are_answered_next_to_the_field(view: tuple[str, Page], app: AppServer) -> None:
    name, page = view
    fresh_chat(page)
    page.locator("#question textarea").press("Enter")  # nothing typed
    expect(page.locator("#question-hint")).to_contain_text("Typ eerst een vraag")

    open_filters(page)
    page.locator("#date-from input").fill("31-13-2024")
    # Leave the field as a user does before asking: on a loaded machine an Enter pressed in the same
    # instant as the fill once sent the question without the date (the server never saw it).
    page.locator("#date-from input").press("Tab")
    expect(page.locator("#date-from input")).to_have_value("31-13-2024")
    send(page, SOCIAL_LABS)
    # The check runs in the send event, which waits its turn on a loaded machine: the long timeout.
    expect(page.locator("#date-from")).to_contain_text(
        "'31-13-2024' is geen datum die de assistent", timeout=TIMEOUT_MS
    )
    expect(page.locator("#date-from")).to_have_class(re.compile(r"\bfield-invalid\b"))
    expect(page.locator("#question-hint")).to_contain_text("controleer het datumfilter")
    expect(page.locator("#question textarea")).to_have_value(SOCIAL_LABS)  # kept for a second try
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"input-mistakes-{name}.png", full_page=True)
    no_error_boxes(page)

    # The forms Dutch users type are read, and the chat was never blocked.
    page.locator("#date-from input").fill("26-11-2024")
    page.locator("#date-to input").fill("26 november 2024")
    send(page, SOCIAL_LABS)
    expect(answer(page, 0)).to_contain_text("2,1 miljoen")
    expect(page.locator("#question-hint")).to_have_text("")
    expect(page.locator("#date-from")).not_to_have_class(re.compile(r"\bfield-invalid\b"))
    expect(page.locator("#turn-1 .src-meta").first).to_contain_text("26 november 2024")
    clear_filters(page)

    log = app.log()
    assert "input not accepted (question): empty question" in log
    assert "input not accepted (date_from): unreadable date '31-13-2024'" in log
    assert "Traceback" not in log
    # The log is for operators: English lines (not the Dutch hints), no other library's DEBUG chatter.
    assert "Typ eerst" not in log and "geen datum" not in log and "luistert" not in log
    assert "DEBUG" not in log and "bm25s" not in log


def test_only_spaces_count_as_nothing_typed(view: tuple[str, Page], app: AppServer) -> None:
    _, page = view
    fresh_chat(page)
    logged = app.log().count("input not accepted (question): empty question")
    send(page, " \t  ")
    expect(page.locator("#question-hint")).to_contain_text("Typ eerst een vraag")
    expect(page.locator("#question textarea")).to_have_value("")  # emptied, as if nothing had been typed
    expect(page.locator("#chat [data-testid=user]")).to_have_count(0)  # nothing sent
    assert app.log().count("input not accepted (question): empty question") == logged + 1
    send(page, "???")  # no word either: the same hint, not "Dit staat niet in de documenten."
    expect(page.locator("#question textarea")).to_have_value("")  # handled (the hint was already shown)
    expect(page.locator("#question-hint")).to_contain_text("Typ eerst een vraag")
    expect(page.locator("#chat [data-testid=user]")).to_have_count(0)
    deadline = time.monotonic() + 10
    while app.log().count("input not accepted (question): empty question") < logged + 2:
        assert time.monotonic() < deadline, "the app did not log the second empty question"
        time.sleep(0.1)


def test_example_questions_are_suggested_only_while_they_are_shown(view: tuple[str, Page]) -> None:
    _, page = view
    fresh_chat(page)
    examples = page.locator("#chat").get_by_role("button", name=re.compile("^Voorbeeldvraag 1"))
    hint = page.locator("#question-hint")
    expect(examples).to_be_visible()
    expect(hint).to_have_text("")  # a new conversation starts without an old hint
    send(page, "")
    expect(hint).to_have_text("Typ eerst een vraag in het vak hierboven, of kies een voorbeeldvraag.")

    send(page, SOCIAL_LABS)
    expect(answer(page, 0)).to_contain_text("2,1 miljoen")
    expect(hint).to_have_text("")
    expect(examples).to_have_count(0)  # mid-conversation the examples are gone
    send(page, "")
    expect(hint).to_have_text("Typ eerst een vraag in het vak hierboven.")

    fresh_chat(page)  # a new conversation shows them again
    expect(examples).to_be_visible()
    expect(hint).to_have_text("")
    send(page, "")
    expect(hint).to_have_text("Typ eerst een vraag in het vak hierboven, of kies een voorbeeldvraag.")


# --- 2. uploads in their own folder --------------------------------------------------------


def test_uploads_never_touch_the_bundled_corpus(
    view: tuple[str, Page], app: AppServer, tmp_path: Path
) -> None:
    name, page = view
    corpus_before = {p.name: p.read_bytes() for p in app.corpus.iterdir()}
    manifest = app.uploads / "manifest.yaml"
    manifest_before = manifest.read_bytes() if manifest.exists() else None
    page.get_by_role("tab", name="Documenten").click()

    # A PDF without readable text passes the upload checks but not the loader: no trace anywhere.
    blank = make_pdf(tmp_path / f"lege scan {name}.pdf", [""])
    page.locator("#upload input[type=file]").set_input_files(str(blank))
    page.locator("#add-docs").click()
    result = page.locator("#upload-result")
    expect(result.locator("li.bad")).to_contain_text("Kan niet worden gelezen", timeout=TIMEOUT_MS)
    assert not any(p.name.startswith("lege-scan") for p in app.uploads.iterdir())
    assert (manifest.read_bytes() if manifest.exists() else None) == manifest_before

    good = tmp_path / f"Verslag pilot {name}.md"
    good.write_text(f"# Verslag pilot Klaproos {name}\n\nDe pilot Klaproos had 17 deelnemers.\n", "utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(good))
    # The upload widget clears itself after the first result; wait until it shows the new file.
    # Gradio renders the name and its extension in two spans, sometimes with white space between.
    shown = re.compile(rf"{re.escape(good.stem)}\s*{re.escape(good.suffix)}")
    expect(page.locator("#upload")).to_contain_text(shown, timeout=TIMEOUT_MS)
    # The chosen file's list is named in Dutch too (it read "common.upload").
    assert not I18N_KEY.search(page.locator("#upload").aria_snapshot())
    page.locator("#upload-date input").fill("3 maart 2026")
    page.locator("#add-docs").click()
    expect(result.locator("li.ok")).to_contain_text(f"Verslag-pilot-{name}.md", timeout=TIMEOUT_MS)
    stored = app.uploads / f"Verslag-pilot-{name}.md"
    assert stored.stat().st_mode & 0o777 == 0o644
    assert manifest.stat().st_mode & 0o777 == 0o644
    assert "date: 2026-03-03" in manifest.read_text(encoding="utf-8")
    assert {p.name: p.read_bytes() for p in app.corpus.iterdir()} == corpus_before
    expect(page.locator("#documents")).to_contain_text(f"Verslag pilot Klaproos {name}")


# --- 3. refusals under filters ---------------------------------------------------------------


def test_refusal_under_a_filter_names_it_and_offers_a_search_without(view: tuple[str, Page]) -> None:
    name, page = view
    fresh_chat(page)
    open_filters(page)
    page.locator("#filter-types").get_by_label("nota").check()
    send(page, SOCIAL_LABS)
    refusal = answer(page, 0).locator(".refusal")
    expect(refusal).to_contain_text("Dit staat niet in de documenten.")
    expect(refusal).to_contain_text("filters (documenttype nota)")
    expect(refusal).to_contain_text("daar kan het antwoord wel in staan")
    where = "rechts" if name == "desktop" else "hieronder"
    assert f"De dichtstbijzijnde passages staan {where}." in refusal.inner_text()  # the visible wording
    cards = page.locator("#turn-1 .src-card.near")
    expect(cards.first).to_be_visible()
    summaries = [c.locator("summary").inner_text() for c in cards.all()]
    assert len(summaries) == len(set(summaries))  # no two identical cards
    for card in cards.all():
        expect(card.locator(".src-type")).to_have_text("nota")

    page.get_by_role("button", name="Zoek opnieuw zonder filters").click()
    expect(answer(page, 1)).to_contain_text("2,1 miljoen")
    expect(page.locator("#filter-types").get_by_label("nota")).not_to_be_checked()
    expect(page.get_by_role("button", name="Zoek opnieuw zonder filters")).to_be_hidden()


def test_refusal_when_the_filters_leave_nothing_shows_nothing_as_nearby(view: tuple[str, Page]) -> None:
    _, page = view
    fresh_chat(page)
    open_filters(page)
    page.locator("#date-from input").fill("1-1-2030")
    send(page, SOCIAL_LABS)
    refusal = answer(page, 0).locator(".refusal")
    expect(refusal).to_contain_text("laten geen enkel document over")
    expect(refusal).not_to_contain_text("dichtstbijzijnde passages")
    expect(page.locator("#sources .src-card")).to_have_count(0)
    expect(page.get_by_role("button", name="Zoek opnieuw zonder filters")).to_be_visible()
    clear_filters(page)


# --- 4. source cards ------------------------------------------------------------------------


def test_one_card_per_passage_with_only_its_own_footnotes(view: tuple[str, Page]) -> None:
    _, page = view
    fresh_chat(page)
    send(page, "Welke jongerenwerkplaatsen zijn er?")
    bubble = answer(page, 0)
    markers = bubble.locator("a.cite")
    expect(markers).to_have_count(3)  # three quotes from one passage
    cards = page.locator("#turn-1 .src-card")
    expect(cards).to_have_count(1)
    expect(cards.locator(".src-n")).to_have_text("1,2,3")
    assert cards.locator(".src-n").evaluate(TEXT_FITS), "the footnote badge clips '1,2,3'"
    expect(cards.locator("mark").first).to_be_visible()
    expect(cards).to_contain_text("Kaulingfreks")  # footnote 3: the quoted text points to it
    expect(cards).not_to_contain_text("Kamerstuk 30 995")  # footnote 2 belongs to another sentence
    markers.nth(1).click()
    expect(cards).to_have_class(re.compile(r"\bflash\b"))


def test_closest_passages_look_openable(view: tuple[str, Page]) -> None:
    _, page = view
    fresh_chat(page)
    send(page, "Wat is de hoofdstad van Frankrijk?")
    answer(page, 0)
    card = page.locator("#turn-1 .src-card.near").first
    expect(card.locator(".src-open")).to_have_text("Toon passage")
    expect(card.locator(".src-snippet")).not_to_be_empty()
    card.locator("summary").click()
    expect(card.locator(".src-text")).to_be_visible()
    expect(card.locator(".src-open")).to_be_hidden()


# --- 5. Dutch everywhere ----------------------------------------------------------------------


def test_every_visible_string_is_dutch(view: tuple[str, Page], app: AppServer) -> None:
    _, page = view
    fresh_chat(page)
    expect(page.get_by_role("textbox", name="Uw vraag over de documenten", exact=True)).to_be_visible()
    for tab in ("Vragen stellen", "Documenten"):
        page.get_by_role("tab", name=tab).click()
        text = visible_text(page)
        for english in ENGLISH:
            assert english not in text, f"{english!r} on the {tab} tab"
    expect(page.locator("#upload")).to_contain_text("Sleep bestanden hierheen")
    expect(page.locator("footer")).to_have_count(0)
    assert "share=True" not in app.log()


def test_what_screen_readers_announce_is_dutch(view: tuple[str, Page]) -> None:
    """Accessible names ("Gesprek", "Voorbeeldvraag 1: …") and announcements ("Klaar") in Dutch too."""
    _, page = view
    fresh_chat(page)
    # The document's language: a screen reader reads Dutch text with English pronunciation under "en".
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    example = page.locator("#chat").get_by_role("button", name="Wat doet de Maatschappelijke Raad?")
    expect(example).to_have_attribute("aria-label", re.compile(r"^Voorbeeldvraag \d: Wat doet de"))
    expect(page.locator("#chat [role=log]")).to_have_attribute("aria-label", "Gesprek")
    texts = page.evaluate(ACCESSIBLE_TEXTS)
    example.click()
    answer(page, 0)
    expect(page.locator("#chat [aria-label^='Antwoord: Volgens de documenten']")).to_have_count(1)
    texts += page.evaluate(ACCESSIBLE_TEXTS)
    page.get_by_role("tab", name="Documenten").click()
    expect(page.locator("#upload")).to_be_visible()
    texts += page.evaluate(ACCESSIBLE_TEXTS)
    page.get_by_role("tab", name="Vragen stellen").click()
    # An event finished: Gradio's common.complete, in Dutch. Gradio announces at most once per 5 s.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("window.__announced.includes('Klaar')", timeout=15_000)
    announced = page.evaluate("window.__announced")
    assert "Klaar" in announced, announced
    for text in texts + announced:
        assert not any(english in text for english in ENGLISH_FOR_SCREEN_READERS), text
        assert not I18N_KEY.search(text), text


def test_the_question_box_has_one_name(view: tuple[str, Page]) -> None:
    _, page = view
    fresh_chat(page)
    # The box's <label> also holds the send button; its name must not run on into "Vraag".
    expect(page.locator("#question textarea")).to_have_accessible_name("Uw vraag over de documenten")


def test_the_upload_area_is_named_by_the_words_it_shows(view: tuple[str, Page]) -> None:
    """WCAG 2.5.3 (label in name): a speech user says what is on the screen to activate it."""
    _, page = view
    page.get_by_role("tab", name="Documenten").click()
    area = page.locator("#upload").get_by_role("button").filter(has_text="Sleep bestanden hierheen")
    expect(area).to_be_visible()
    shown = re.findall(r"\w+", area.inner_text().lower())  # as said: no case, no punctuation
    assert shown[:3] == ["sleep", "bestanden", "hierheen"], shown
    expect(area).to_have_accessible_name(re.compile(r"\W+".join(map(re.escape, shown)), re.IGNORECASE))
    page.get_by_role("tab", name="Vragen stellen").click()


# --- 6. layout at 390 px -------------------------------------------------------------------


def test_layout_and_where_the_sources_are(view: tuple[str, Page]) -> None:
    name, page = view
    fresh_chat(page)
    placeholder = page.locator("#chat").inner_text()
    chat_box = page.locator("#chat").bounding_box()
    sources_box = page.locator("#sources").bounding_box()
    assert chat_box and sources_box
    if name == "desktop":
        assert "bron rechts te openen" in placeholder
        assert sources_box["x"] >= chat_box["x"] + chat_box["width"] - 1  # beside the chat
    else:
        assert "bron hieronder te openen" in placeholder and "rechts" not in placeholder
        assert sources_box["y"] >= chat_box["y"] + chat_box["height"] - 1  # below the chat

    page.get_by_role("tab", name="Documenten").click()
    titles = page.locator("#documents td.doc-title")
    expect(titles.first).to_be_visible()
    width = VIEWS[name]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out
    for title in titles.all():
        box = title.bounding_box()
        assert box and box["width"] >= 240  # words are not broken one letter per line
        assert box["height"] <= 90  # at most a few lines
    page.get_by_role("tab", name="Vragen stellen").click()
