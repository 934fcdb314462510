"""The web chat in headless Chromium, as a civil servant uses it.

One real app (`python app.py` over a temporary copy of the corpus) and one
browser page with a Dutch locale serve the whole module; each test starts a new
conversation. The answered chat is saved as artifacts/chat.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import ROOT, AppServer, chromium, running_app
from pdfs import make_pdf
from playwright.sync_api import Browser, Locator, Page, expect

from assistant.web_layout import EXAMPLE_QUESTIONS

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
ANSWER_TIMEOUT_MS = 90_000
SOCIAL_LABS = "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(tmp_path_factory.mktemp("app_browser")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def outside_requests() -> list[str]:
    """Every request the page makes to anything but the app itself (must stay empty)."""
    return []


@pytest.fixture(scope="module")
def page(browser: Browser, app: AppServer, outside_requests: list[str]) -> Iterator[Page]:
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1440, "height": 1000}, accept_downloads=True
    )
    page = context.new_page()
    page.on(
        "request",
        lambda r: None if r.url.startswith((app.url, "data:", "blob:")) else outside_requests.append(r.url),
    )
    page.goto(app.url)
    expect(page.locator("#chat")).to_be_visible()
    yield page
    context.close()


def new_conversation(page: Page) -> Page:
    """The chat tab with a fresh conversation."""
    page.get_by_role("tab", name="Vragen stellen").click()
    page.get_by_role("button", name="Nieuw gesprek").click()
    expect(page.locator("#chat [data-testid=bot]")).to_have_count(0)
    return page


@pytest.fixture
def chat(page: Page) -> Page:
    return new_conversation(page)


def document_count(page: Page) -> int:
    """The number of searchable documents the header reports."""
    status = page.locator("#header .index-status")
    expect(status).to_be_visible()
    return int(status.inner_text().split()[0])


def ask(page: Page, question: str) -> Locator:
    """Type a question, send it with Enter and return the finished answer bubble."""
    before = page.locator("#chat [data-testid=bot]").count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    return answer_number(page, before)


def answer_number(page: Page, index: int) -> Locator:
    """Wait until answer `index` (0-based) is complete and return its bubble."""
    answers = page.locator("#chat [data-testid=bot]")
    expect(answers).to_have_count(index + 1, timeout=ANSWER_TIMEOUT_MS)
    answer = answers.nth(index)
    expect(answer).not_to_contain_text("Zoeken in de documenten", timeout=ANSWER_TIMEOUT_MS)
    # The export is refreshed last, and its label counts the questions: then the event chain is done.
    count = "1 vraag" if index == 0 else f"{index + 1} vragen"
    expect(page.locator("#export")).to_have_text(
        f"Gesprek exporteren ({count}, .md)", timeout=ANSWER_TIMEOUT_MS
    )
    return answer


def test_first_open_explains_the_assistant_and_offers_examples(
    chat: Page, outside_requests: list[str]
) -> None:
    expect(chat.locator("#header h1")).to_have_text("Documentassistent Veerkrachtige & Weerbare Samenleving")
    expect(chat.locator("#header")).to_contain_text("alleen met wat in de documenten staat")
    expect(chat.locator("#header .index-status")).to_have_text(
        re.compile(r"\d+ documenten · \d+ passages doorzoekbaar")
    )
    assert document_count(chat) >= 2  # the bundled Kamerbrief and nota at least
    for example in EXAMPLE_QUESTIONS:  # all Dutch, like the rest of the page
        expect(chat.locator("#chat").get_by_role("button", name=example)).to_be_visible()
    expect(chat.locator("#export")).to_be_disabled()
    expect(chat.locator("#export")).to_have_text("Gesprek exporteren (.md)")
    assert outside_requests == []  # fonts and scripts come from the app, nothing from the internet


def test_answer_cites_and_the_marker_opens_the_highlighted_quote(chat: Page, app: AppServer) -> None:
    answer = ask(chat, SOCIAL_LABS)
    expect(answer).to_contain_text("2,1 miljoen")
    marker = answer.locator("a.cite").first
    expect(marker).to_have_text("[1]")

    marker.click()
    card = chat.locator("#src-1-1")
    expect(card).to_be_visible()
    expect(card).to_have_class(re.compile(r"\bflash\b"))
    expect(card.locator(".src-title")).to_contain_text("Kamerbrief Agenda Veerkrachtige")
    expect(card.locator(".src-meta")).to_contain_text("26 november 2024")
    expect(card.locator(".src-meta")).to_contain_text("Kamerstuk 36 600 XV, nr. 32")
    expect(card.locator("mark")).to_contain_text("2,1 miljoen")

    ARTIFACTS.mkdir(exist_ok=True)
    chat.screenshot(path=ARTIFACTS / "chat.png", full_page=True)

    # Thumbs up is stored with the question, the answer and its citations.
    answer_row = chat.locator("#chat .message-row").last
    answer_row.hover()
    chat.locator("#chat").get_by_role("button", name="Vind ik leuk").last.click()
    expect(chat.get_by_text("Dank u voor uw beoordeling.")).to_be_visible()
    [record] = [json.loads(line) for line in app.feedback_file.read_text(encoding="utf-8").splitlines()]
    assert record["rating"] == "up"
    assert record["question"] == SOCIAL_LABS
    assert any("2,1 miljoen" in c["quote"] for c in record["citations"])


def test_example_question_and_follow_up(chat: Page) -> None:
    chat.locator("#chat").get_by_role("button", name=SOCIAL_LABS).click()
    expect(answer_number(chat, 0)).to_contain_text("2,1 miljoen")
    ask(chat, "Wat is het doel daarvan?")
    latest = chat.locator("#turn-2 .src-card")
    expect(latest.first).to_be_visible()
    # "daarvan" refers to the Social Labs: every source of the follow-up is that section.
    for meta in latest.locator(".src-meta").all():
        expect(meta).to_contain_text("Social Labs")
    # The first question's sources are kept, folded, below the latest ones.
    expect(chat.locator("#turn-1")).not_to_have_attribute("open", "")


def test_refusal_looks_different_and_shows_closest_passages(chat: Page) -> None:
    answer = ask(chat, "Wat is de hoofdstad van Frankrijk?")
    expect(answer.locator(".refusal")).to_contain_text("Dit staat niet in de documenten.")
    expect(answer.locator("a.cite")).to_have_count(0)
    panel = chat.locator("#sources")
    expect(panel.locator(".refusal-panel")).to_be_visible()
    expect(panel.locator(".near-head")).to_have_text("Dichtstbijzijnde passages")
    expect(panel.locator(".src-card.near").first).to_be_visible()
    expect(panel.locator("mark")).to_have_count(0)  # nearby text is not presented as a quote


def test_uploaded_pdf_is_answerable_at_once(page: Page, app: AppServer, tmp_path: Path) -> None:
    # Test data only: a fictitious pilot, not a statement about the real programme.
    pdf = make_pdf(
        tmp_path / "Proefproject Zonnebloem (test).pdf",
        [
            "Testdocument proefproject Zonnebloem\n\nDit fictieve document bestaat alleen voor de "
            "geautomatiseerde tests van de documentassistent.",
            "Resultaten\n\nHet proefproject Zonnebloem 2026 had 42 deelnemers in de gemeente Testdorp.",
        ],
    )
    documents_before = document_count(page)
    page.get_by_role("tab", name="Documenten").click()
    page.locator("#upload input[type=file]").set_input_files(str(pdf))
    page.locator("#upload-type input").click()
    page.get_by_role("option", name="rapport").click()
    page.locator("#upload-date input").fill("2026-03-15")
    page.locator("#add-docs").click()
    result = page.locator("#upload-result")
    expect(result.locator("li.ok")).to_contain_text(
        "Toegevoegd als Proefproject-Zonnebloem-test.pdf", timeout=ANSWER_TIMEOUT_MS
    )
    expect(result).to_contain_text("1 document toegevoegd")
    expect(page.locator("#documents")).to_contain_text("Testdocument proefproject Zonnebloem")
    row = page.locator("#documents").get_by_role(
        "row", name=re.compile("Testdocument proefproject Zonnebloem")
    )
    expect(row).to_contain_text("rapport")
    expect(row).to_contain_text("15 maart 2026")
    expect(page.locator("#header .index-status")).to_contain_text(f"{documents_before + 1} documenten")
    # Stored in the uploads folder with its own manifest; the bundled corpus is never written to.
    assert (app.uploads / "Proefproject-Zonnebloem-test.pdf").read_bytes() == pdf.read_bytes()
    assert not (app.corpus / "Proefproject-Zonnebloem-test.pdf").exists()

    # The document can be read in the app, page by page.
    page.locator("#doc-select input").click()
    page.get_by_role("option", name="Testdocument proefproject Zonnebloem").click()
    expect(page.locator("#doc-text")).to_contain_text("Pagina 2")
    expect(page.locator("#doc-text")).to_contain_text("42 deelnemers")

    # A file that is not what it claims is refused with a reason, and nothing is stored.
    fake = tmp_path / "notulen.pdf"
    fake.write_text("Dit is geen PDF.", encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(fake))
    page.locator("#add-docs").click()
    expect(result.locator("li.bad")).to_contain_text("geen geldig PDF-bestand", timeout=ANSWER_TIMEOUT_MS)
    assert not (app.uploads / "notulen.pdf").exists() and not (app.corpus / "notulen.pdf").exists()

    answer = ask(new_conversation(page), "Hoeveel deelnemers had het proefproject Zonnebloem?")
    expect(answer.locator("a.cite").first).to_be_visible()
    card = page.locator("#src-1-1")
    expect(card.locator(".src-title")).to_have_text("Testdocument proefproject Zonnebloem")
    expect(card.locator(".src-meta")).to_contain_text("p. 2")
    expect(card.locator("mark")).to_contain_text("42 deelnemers")


def test_export_downloads_markdown_with_footnotes(chat: Page, tmp_path: Path) -> None:
    ask(chat, SOCIAL_LABS)
    ask(chat, "Wat doet de Maatschappelijke Raad?")
    with chat.expect_download() as download_info:
        chat.locator("#export").click()
    download = download_info.value
    assert re.fullmatch(r"gesprek-\d{4}-\d{2}-\d{2}-\d{4}\.md", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    md = path.read_text(encoding="utf-8")

    assert "## Vraag 1" in md and "## Vraag 2" in md
    assert f"**Vraag:** {SOCIAL_LABS}" in md
    used = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defined = set(re.findall(r"^\[\^(\d+)\]:", md, flags=re.M))
    assert used == defined and len(defined) >= 2
    social_labs_note = next(line for line in md.splitlines() if line.startswith("[^1]:"))
    assert "Kamerstuk 36 600 XV, nr. 32" in social_labs_note
    assert "26 november 2024" in social_labs_note
    assert "2,1 miljoen" in social_labs_note


def test_filters_limit_the_sources(chat: Page) -> None:
    chat.locator("#filters").get_by_text("Filters:").click()
    types = chat.locator("#filter-types")
    # Written as the source cards write it, with a capital, in the label itself: its accessible
    # name (what a screen reader says) is "Kamerbrief", not a lower-case word styled by CSS.
    expect(types.get_by_label("Kamerbrief", exact=True)).to_be_visible()
    assert "Kamerbrief" in types.inner_text() and "kamerbrief" not in types.inner_text()
    types.get_by_label("Nota", exact=True).check()
    try:
        ask(chat, SOCIAL_LABS)
        cards = chat.locator("#turn-1 .src-card")
        expect(cards.first).to_be_visible()
        for kind in cards.locator(".src-type").all():
            expect(kind).to_have_text("nota")
    finally:
        types.get_by_label("Nota", exact=True).uncheck()
        chat.locator("#filters").get_by_text("Filters:").click()
