"""Security of the real web app with login on: every route refuses a visitor without a session,
files are served only to a logged-in user and only from Gradio's own folders, the server binds
to loopback and says so, and secrets never show up in logs, answers, exports, feedback or
error messages, not even when the language-model endpoint echoes a rejected key (a scripted
STAND-IN for that endpoint, tests/model_server.py).

The routes are not listed by hand: they are read from the FastAPI app that Gradio builds
for this project's UI, so a route added by a Gradio upgrade is walked too.
"""

from __future__ import annotations

import json
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from app_server import AppServer, running_app
from model_server import Script, ScriptedServer, scripted_model_server
from web_session import ChatSession

USER, PASSWORD = "analist", "Wachtw00rd-dat-geheim-blijft"
API_KEY = "sk-test-GEHEIME-SLEUTEL-0123456789"
MARKERS = ("Maatschappelijke Raad", "decentrale uitkering", "Social Labs")  # corpus text: never public
# Routes a browser must reach before logging in: the login page and form, and static assets.
PUBLIC = re.compile(
    r"^/(login/?|logout|svelte/.*|static/.*|assets/.*|favicon\.ico|theme\.css|robots\.txt|pwa_icon.*"
    r"|manifest\.json|gradio_api/theme\.css|gradio_api/startup-events|)$"
)
REFUSED = {401, 403}


def app_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the FastAPI app Gradio builds for this UI, login on."""
    from gradio.routes import App

    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from assistant.web import build_app

    folder = Path(tempfile.mkdtemp(prefix="routes-"))
    demo = build_app(Assistant(Settings(index=folder / "index", corpus=folder / "corpus", uploads=None)))
    demo.auth = [(USER, PASSWORD)]

    def walk(routes) -> Iterator[tuple[str, str]]:
        for route in routes:
            if hasattr(route, "path"):
                for method in sorted(getattr(route, "methods", None) or ["GET"]):
                    yield method, route.path
            else:  # an included router
                inner = getattr(route, "original_router", None) or getattr(route, "router", None)
                yield from walk(getattr(inner, "routes", []))

    return sorted(set(walk(App.create_app(demo).routes)))


def fill(path: str, file_path: str) -> str:
    """A concrete URL for a route pattern: file parameters point at a real uploaded file."""

    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        if name in ("path", "path_or_url"):
            return file_path
        return {"api_name": "ask", "size": "192", "ext": "ts"}.get(name, "x")

    return re.sub(r"\{([^}]+)\}", value, path)


def request(url: str, method: str = "GET", opener=None, body: bytes | None = None) -> tuple[int, str]:
    data = body if body is not None else (b"{}" if method == "POST" else None)
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with (opener or urllib.request.build_opener(NoRedirect)).open(req, timeout=5) as response:
            return response.status, response.read(100_000).decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")
    except TimeoutError:  # a stream that stays open: served, not refused
        return 0, ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect (to the login page) is shown as such
        return None


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    env = {
        "ASSISTANT_AUTH": f"{USER}:{PASSWORD}",
        "ASSISTANT_LLM_API_KEY": API_KEY,  # configured but unused (llm_provider none)
    }
    with running_app(tmp_path_factory.mktemp("security"), env) as server:
        yield server


@pytest.fixture(scope="module")
def session(app: AppServer):
    """A logged-in browser-like session (cookie jar)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
    form = urllib.parse.urlencode({"username": USER, "password": PASSWORD}).encode()
    req = urllib.request.Request(app.url + "login", data=form, method="POST")
    with opener.open(req, timeout=30) as response:
        assert response.status == 200
    return opener


@pytest.fixture(scope="module")
def uploaded(app: AppServer, session) -> str:
    """A file uploaded by the logged-in user: its server path, as the page would request it."""
    boundary = "----grens"
    content = b"Vertrouwelijk: de Maatschappelijke Raad vergadert in het geheim."
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="notitie.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        app.url + "gradio_api/upload",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with session.open(req, timeout=30) as response:
        paths = json.loads(response.read())
    status, text = request(app.url + "gradio_api/file=" + paths[0], opener=session)
    assert status == 200 and "Maatschappelijke Raad" in text  # the logged-in user gets it
    return paths[0]


def test_every_route_refuses_a_visitor_without_login(app: AppServer, uploaded: str) -> None:
    routes = app_routes()
    checked, public, open_routes = 0, [], []
    for method, pattern in routes:
        url = app.url.rstrip("/") + fill(pattern, uploaded)
        status, body = request(url, method)
        checked += 1
        assert not any(m in body for m in MARKERS), (method, pattern, status)
        assert PASSWORD not in body and API_KEY not in body
        if PUBLIC.match(pattern):
            public.append(pattern)
        elif status not in REFUSED:
            open_routes.append((method, pattern, status, body[:80]))
    print(f"\n{checked} routes checked without login; public (login page, assets): {sorted(set(public))}")
    assert open_routes == []
    assert checked > 60


def test_the_page_without_login_is_only_the_login_form(app: AppServer) -> None:
    status, body = request(app.url)
    assert status == 200  # the page shell; its content comes from /config, which needs the login
    assert not any(m in body for m in MARKERS)
    for path in ("config", "gradio_api/info", "gradio_api/queue/status"):
        assert request(app.url + path)[0] in REFUSED, path


def test_files_are_served_only_from_gradios_folders(app: AppServer, session) -> None:
    for path in (app.feedback_file, app.corpus / "manifest.yaml", app.log_file, Path("/etc/passwd")):
        status, body = request(app.url + "gradio_api/file=" + str(path), opener=session)
        assert status in (403, 404), (path, status)
        assert "documents:" not in body and "root:" not in body


def test_the_api_refuses_without_login(app: AppServer) -> None:
    body = json.dumps({"data": ["Wat doet de Maatschappelijke Raad?"]}).encode()
    for path in ("gradio_api/call/ask", "gradio_api/api/ask", "gradio_api/run/ask", "gradio_api/queue/join"):
        status, text = request(app.url + path, "POST", body=body)
        assert status in REFUSED, (path, status)
        assert not any(m in text for m in MARKERS)


def test_the_server_binds_to_loopback_and_says_so(app: AppServer) -> None:
    log = app.log()
    assert re.search(r"web chat on http://127\.0\.0\.1:\d+/", log)
    assert "reachable from this computer only" in log


def test_secrets_never_reach_the_log_or_error_messages(app: AppServer, session) -> None:
    from gradio_client import Client

    client = Client(app.url, auth=(USER, PASSWORD), verbose=False)
    answer = client.predict("Wat doet de Maatschappelijke Raad?", api_name="/ask")
    assert answer["answer"]
    with pytest.raises(Exception) as failed:
        client.predict("Vraag", date_from="geen datum", api_name="/ask")
    request(
        app.url + "login",
        "POST",
        body=urllib.parse.urlencode({"username": USER, "password": "fout"}).encode(),
    )
    for text in (app.log(), str(failed.value), json.dumps(answer, ensure_ascii=False)):
        assert PASSWORD not in text and API_KEY not in text
    if app.feedback_file.exists():
        assert PASSWORD not in app.feedback_file.read_text() and API_KEY not in app.feedback_file.read_text()


def test_secrets_are_masked_in_the_settings_and_never_echoed_by_a_login_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the key showed in `repr(settings)`, and a login entry without ':' ("analist
    Wachtw00rd…") came back whole in the error message."""
    from assistant.settings import Settings
    from assistant.web import auth_credentials

    monkeypatch.setenv("ASSISTANT_LLM_API_KEY", API_KEY)
    settings = Settings()
    assert settings.llm_api_key is not None and settings.llm_api_key.get_secret_value() == API_KEY
    for text in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert API_KEY not in text
    for entry in (f"{USER} {PASSWORD}", f"{USER}={PASSWORD}", f"{USER}:", f"eva:e1,{USER};{PASSWORD}"):
        with pytest.raises(ValueError, match="expected 'user:password'") as error:
            auth_credentials(Settings(auth=entry))
        assert PASSWORD not in str(error.value), str(error.value)


@pytest.fixture(scope="module")
def rejecting_model() -> Iterator[ScriptedServer]:
    """A STAND-IN for an OpenAI-compatible endpoint that refuses the key and echoes it, as OpenAI does."""
    script = Script("Incorrect API key provided: {api_key}. You can find your API key at ...", status=401)
    with scripted_model_server({"": script}) as server:
        yield server


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory: pytest.TempPathFactory, rejecting_model: ScriptedServer) -> Iterator[AppServer]:
    env = {
        "ASSISTANT_AUTH": f"{USER}:{PASSWORD}",
        "ASSISTANT_LLM_PROVIDER": "openai",
        "ASSISTANT_LLM_BASE_URL": rejecting_model.base_url,
        "ASSISTANT_LLM_MODEL": "stand-in",
        "ASSISTANT_LLM_API_KEY": API_KEY,
        "ASSISTANT_LLM_MAX_RETRIES": "0",
    }
    with running_app(tmp_path_factory.mktemp("security-llm"), env) as server:
        yield server


def test_an_endpoint_that_echoes_the_rejected_key_leaks_it_nowhere(
    llm_app: AppServer, rejecting_model: ScriptedServer
) -> None:
    """The key reaches the endpoint and comes back in its 401; the user sees only the fallback notice."""
    from gradio_client import Client

    visitor = ChatSession(llm_app.url, (USER, PASSWORD))
    first = visitor.ask("Hoeveel gemeenten kregen een DU?")
    follow_up = visitor.ask("Hoeveel geld is daarmee in 2023 verstrekt?")  # the model rewrites it: 401 too
    visitor.rate(2, liked=False)
    exported = visitor.exported()
    visitor.close()
    api = Client(llm_app.url, auth=(USER, PASSWORD), verbose=False).predict(
        "Wat doet de Maatschappelijke Raad?", api_name="/ask"
    )

    assert len(rejecting_model.authorizations) >= 3
    assert set(rejecting_model.authorizations) == {f"Bearer {API_KEY}"}  # sent, and so echoed back
    assert "Taalmodel gaf een fout" in first.answer and "7 gemeenten" in first.answer
    assert "€ 313.327" in follow_up.answer and api["method"] == "offline fallback"
    feedback = llm_app.feedback_file.read_text(encoding="utf-8")
    assert "€ 313.327" in feedback and "€ 313.327" in exported
    shown = (
        first.answer,
        first.sources_html,
        follow_up.answer,
        exported,
        feedback,
        json.dumps(api),
        llm_app.log(),
    )
    for text in shown:
        assert API_KEY not in text and PASSWORD not in text
        assert "Incorrect API key" not in text


@pytest.mark.browser
def test_a_user_logs_in_through_the_page_with_the_guard_on(app: AppServer) -> None:
    """The guard must not break Gradio's own login page: log in in Chromium and ask a question."""
    playwright = pytest.importorskip("playwright.sync_api")
    from app_server import CHROMIUM_ARGS

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(app.url)
        page.locator("input[type=text]").first.fill(USER)
        page.locator("input[type=password]").first.fill(PASSWORD)
        page.locator("button").filter(has_text=re.compile("login|inloggen", re.I)).first.click()
        page.get_by_role("tab", name="Vragen stellen").wait_for(timeout=60_000)
        browser.close()
