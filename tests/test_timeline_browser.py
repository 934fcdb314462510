"""The web chat shows a figure that changed over time as a compact timeline (issue 10).

The real app (`python app.py`) over the three-letter corpus of `test_timeline.py`, in
headless Chromium: the timeline lists the values newest on top, each linked to its
source card. The answered chat is saved as artifacts/timeline.png (docs/timeline.png
in the README is a copy of it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import CHROMIUM_ARGS, ROOT, _wait_until_up, free_port
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_app_browser import ANSWER_TIMEOUT_MS, ARTIFACTS, ask
from test_timeline import LETTERS, MANIFEST

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("timeline_app")
    corpus = work / "corpus"
    corpus.mkdir()
    (corpus / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    for name, text in LETTERS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    port, log_file = free_port(), work / "app.log"
    command = [
        sys.executable,
        "app.py",
        "--port",
        str(port),
        "--index",
        str(work / "index"),
        "--corpus",
        str(corpus),
    ]
    env = {**os.environ, "ASSISTANT_FEEDBACK_FILE": str(work / "feedback.jsonl"), "PYTHONUNBUFFERED": "1"}
    with log_file.open("w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log_file)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="nl-NL", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(app_url)
        expect(page.locator("#chat")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        yield page
        browser.close()


def test_the_chat_shows_the_timeline_newest_on_top_linked_to_the_source_cards(page: Page) -> None:
    answer = ask(page, "Wat is het huidige budget van Wijkpeloton?")
    expect(answer).to_contain_text("Nieuwste cijfer: € 4 miljoen")
    rows = answer.locator(".timeline li")
    expect(rows).to_have_count(3)
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert re.search(r"€ 4 miljoen — 1 februari 2025, cijfer over 2024\s*nieuwste", texts[0])
    assert "€ 3,5 miljoen — 20 september 2023" in texts[1]
    assert "€ 2 miljoen — 10 mei 2022" in texts[2]

    rows.nth(2).locator("a.cite").click()  # the oldest value's marker opens its source card
    card = page.locator("#src-1-3")
    expect(card).to_be_visible()
    expect(card).to_have_class(re.compile(r"\bflash\b"))
    expect(card.locator(".src-meta")).to_contain_text("10 mei 2022")
    expect(card.locator("mark")).to_contain_text("€ 2 miljoen")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "timeline.png", full_page=True)
    assert Path(ARTIFACTS / "timeline.png").stat().st_size > 10_000
