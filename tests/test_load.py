"""Twenty people use the real web chat at once (issue 12), while a document is being added.

`python app.py` runs as deployed (default `ASSISTANT_CONCURRENCY`, 4) over the corpus
plus ten small scheme documents (tests/load_scenario.py). Twenty sessions, each a
browser tab driven through the page's own events (tests/web_session.py), hold
five-turn conversations at the same moment, follow-ups and filters included; every
answer is checked against its own conversation. Once every session has its first
answer, a twenty-first visitor uploads a document in the documents tab while the
others go on asking. Median and p95 latency are printed (`pytest -s`) and carried in
the assertion messages. The same with 100 users: `benchmarks/bench_load.py`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_server import AppServer, running_app
from load_scenario import CONVERSATIONS, SCHEME_UPLOAD, add_schemes, run_users, timed_upload
from web_session import NO_FILTERS, ChatSession

USERS = 20


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(tmp_path_factory.mktemp("load"), prepare=add_schemes) as server:
        yield server


def upload_during_load(app: AppServer, folder: Path, outcome: dict[str, Any]):
    """A visitor who adds the Zomerschool scheme in the documents tab; what happened goes to `outcome`."""
    return timed_upload(app.url, folder / "regeling-zomerschool.txt", SCHEME_UPLOAD, outcome)


def test_twenty_conversations_at_once_each_get_their_own_answers_during_an_upload(
    app: AppServer, tmp_path: Path
) -> None:
    outcome: dict[str, Any] = {}
    result = run_users(app.url, USERS, after_first=upload_during_load(app, tmp_path, outcome))
    overlapping = [s for s in result.spans if s[0] < outcome["end"] and s[1] > outcome["start"]]
    figures = (
        f"{USERS} users x 5 questions: {result.summary()}; upload {outcome['end'] - outcome['start']:.1f} s "
        f"while {len(overlapping)} questions were being answered; "
        f"{result.distinguishable():.0%} of cross-conversation answer pairs told apart"
    )
    print("\n" + figures)

    assert result.problems == [], figures
    assert len(result.replies) == USERS * 5, figures
    assert result.distinguishable() > 0.9  # the control: another conversation's answer would fail
    assert "1 document toegevoegd" in outcome["result"], outcome["result"]
    assert len(overlapping) >= USERS // 2, "the upload must run while others are answered"
    assert statistics.median(result.latencies) < 30, figures  # generous: a busy shared 2-core machine

    after = ChatSession(app.url)
    reply = after.ask("Hoeveel geld is er beschikbaar voor de regeling Zomerschool?")
    after.close()
    assert f"€ {SCHEME_UPLOAD.amount} miljoen" in reply.answer and set(reply.cited) == {SCHEME_UPLOAD.title}
    assert "Traceback" not in app.log()


def test_the_conversations_are_twenty_different_ones() -> None:
    assert len(CONVERSATIONS) == USERS and all(len(steps) == 5 for steps in CONVERSATIONS)
    assert len({tuple((s.question, s.expect, s.filters) for s in steps) for steps in CONVERSATIONS}) == USERS
    with_filters = [steps for steps in CONVERSATIONS if any(s.filters != NO_FILTERS for s in steps)]
    assert len(with_filters) >= 5
