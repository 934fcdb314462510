"""The web app's `/ask` API through the real `gradio_client`, with login switched on.

The app runs as `python app.py` in a subprocess on a free loopback port, over a
temporary copy of the corpus; login comes from `ASSISTANT_AUTH` as in deployment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import ROOT, AppServer, running_app
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

from assistant.settings import Settings
from assistant.web import auth_credentials

SOCIAL_LABS = "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?"
USER = ("analist", "proef-wachtwoord-1")
SECOND_USER = ("lezer", "met:dubbele:punt")  # only the first ':' separates user and password


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    auth = ",".join(f"{u}:{p}" for u, p in (USER, SECOND_USER))
    with running_app(tmp_path_factory.mktemp("app_api"), {"ASSISTANT_AUTH": auth}) as server:
        yield server


@pytest.fixture(scope="module")
def client(app: AppServer) -> Client:
    return Client(app.url, auth=USER, verbose=False)


def test_ask_returns_a_cited_answer(client: Client) -> None:
    result = client.predict(SOCIAL_LABS, api_name="/ask")

    assert set(result) == {"answer", "refused", "method", "notice", "removed", "corrected", "citations"}
    assert (result["method"], result["notice"], result["removed"]) == ("extractive", None, [])
    assert result["refused"] is False
    assert any("2,1 miljoen" in c["quote"] for c in result["citations"])
    for c in result["citations"]:
        assert c["quote"] in c["text"]  # the quote is an exact span of the cited passage
        assert f"[{c['n']}]" in result["answer"]


def test_ask_json_is_the_same_as_the_cli(client: Client, app: AppServer) -> None:
    """One code path: the API and `assistant ask --json` give identical JSON for the same index."""
    api = client.predict(SOCIAL_LABS, api_name="/ask")
    cli = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", SOCIAL_LABS, "--json", "--index", str(app.index)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ASSISTANT_CORPUS": str(app.corpus)},
        timeout=240,
        check=True,
    )
    assert json.loads(cli.stdout) == api


def test_filters_restrict_the_sources(client: Client) -> None:
    only_nota = client.predict(SOCIAL_LABS, ["nota"], api_name="/ask")
    assert all(c["type"] == "nota" for c in only_nota["citations"])

    # The nota has no date, so a date range leaves only the Kamerbrief of 26 November 2024.
    dated = client.predict(SOCIAL_LABS, None, None, "2024-11-01", "2024-11-30", api_name="/ask")
    assert dated["citations"]
    assert {c["date"] for c in dated["citations"]} == {"2024-11-26"}


def test_dates_as_dutch_users_write_them(client: Client) -> None:
    """26-11-2024, 26 november 2024 and 2024-11-26 are the same date; an impossible one is explained."""
    for start, end in (("1-11-2024", "30-11-2024"), ("1 november 2024", "30 nov. 2024")):
        dated = client.predict(SOCIAL_LABS, None, None, start, end, api_name="/ask")
        assert {c["date"] for c in dated["citations"]} == {"2024-11-26"}
    with pytest.raises(AppError, match="geen datum die de assistent kan lezen"):
        client.predict(SOCIAL_LABS, None, None, "31-02-2024", api_name="/ask")


def test_a_bad_date_is_logged_as_one_line(client: Client, app: AppServer) -> None:
    with pytest.raises(AppError):
        client.predict(SOCIAL_LABS, None, None, "morgen", api_name="/ask")
    log = app.log()
    assert "morgen" in log and "Traceback" not in log


def test_only_the_ask_endpoint_is_public(client: Client) -> None:
    api = client.view_api(print_info=False, return_format="dict")
    assert list(api["named_endpoints"]) == ["/ask"]
    assert api["unnamed_endpoints"] == {}


def test_login_is_required(app: AppServer) -> None:
    with pytest.raises(AuthenticationError):
        Client(app.url, verbose=False)
    with pytest.raises(ValueError, match="Could not login"):
        Client(app.url, auth=(USER[0], "fout-wachtwoord"), verbose=False)
    second = Client(app.url, auth=SECOND_USER, verbose=False)
    assert second.predict("Wat doet de Maatschappelijke Raad?", api_name="/ask")["answer"]


def test_login_pairs_from_setting_and_file(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("# team SZW\nanna:geheim:1\n\n  bram : wacht woord\n", encoding="utf-8")
    settings = Settings(auth="eva:e1,", auth_file=users)
    assert auth_credentials(settings) == [("eva", "e1"), ("anna", "geheim:1"), ("bram", "wacht woord")]
    assert auth_credentials(Settings(auth=None, auth_file=None)) is None
    with pytest.raises(ValueError, match="user:password"):
        auth_credentials(Settings(auth="alleen-een-naam"))
