"""One visitor of the real web chat, driven through the events the page itself fires.

The chat's events (check the input, answer, refresh the export, add documents) are
private: they are not in the API docs and `gradio_client` refuses to look them up
by name. The browser calls them by number through Gradio's queue, with a session
of its own whose state (the conversation's turns, the filters' choices) lives on
the server. `ChatSession` does exactly that with `gradio_client`: it enables the
page's own events on its client and calls them in the page's order, so a
follow-up is answered from this session's history, as in a browser tab. Nothing
here is a stand-in: it talks to `python app.py` over HTTP on 127.0.0.1.

Import from a test module (or a benchmark that puts tests/ on `sys.path`) as
`from web_session import ChatSession`.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from gradio_client import Client, handle_file

# The page's events used here, by their function names in assistant/web.py.
PAGE_EVENTS = ("refresh", "check_inputs", "respond_checked", "export", "rate", "add", "refresh_1")
_CITED_TITLE = re.compile(r'title="Bron \d+: ([^"]*)"')
REFUSAL = "Dit staat niet in de documenten"


@dataclass(frozen=True)
class Filters:
    """The chat's filter fields as a user fills them in (dates as typed)."""

    doc_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""

    def values(self) -> list[Any]:
        return [list(self.doc_types), list(self.doc_ids), self.date_from, self.date_to]


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Reply:
    """What the page shows after one question.

    `questions` are the user turns in this session's chat, oldest first; `answer` the
    last answer's Markdown with backslash escapes removed; `cited` the document
    titles of its footnotes; `seconds` from sending the question to the finished
    answer (the input check plus the streamed answer), wall-clock.
    """

    questions: list[str]
    answer: str
    cited: list[str]
    sources_html: str
    seconds: float
    hint: str = ""

    @property
    def refused(self) -> bool:
        return self.answer.startswith(REFUSAL)


def _text(content: Any) -> str:
    """A chat message's text: Gradio sends a string or a list of {"type": "text", "text": ...}."""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


@dataclass
class ChatSession:
    """A browser tab on the web chat: its own session, its own conversation.

    Raises whatever `gradio_client` raises when the app refuses or fails (an
    `AppError` for an error the app reports, `AuthenticationError` without login).
    """

    url: str
    auth: tuple[str, str] | None = None
    client: Client = field(init=False)
    _events: dict[str, int] = field(init=False)
    _export: dict[str, Any] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.client = Client(
            self.url, auth=self.auth, verbose=False, download_files=False, analytics_enabled=False
        )
        ids = {d.get("api_name"): d.get("id", i) for i, d in enumerate(self.client.config["dependencies"])}
        self._events = {name: ids[name] for name in PAGE_EVENTS}
        for fn_index in self._events.values():
            self.client.endpoints[fn_index].is_valid = True  # the page may call it; so may this tab
        self._call("refresh", [], [], None)  # the page's load event fills the filters' choices

    def _call(self, event: str, *values: Any) -> Any:
        return self.client.predict(*values, fn_index=self._events[event])

    def ask(self, question: str, filters: Filters = NO_FILTERS) -> Reply:
        """Ask in the chat as the page does: check the fields, answer, then refresh the export.

        A question the check does not let through comes back with its Dutch `hint`
        and no new turn.
        """
        started = time.perf_counter()
        hint, *_ = self._call("check_inputs", question, *filters.values())
        chat, sources, _question = self._call("respond_checked", question, *filters.values())
        seconds = time.perf_counter() - started
        self._export = self._call("export")  # the page refreshes the download button after each answer
        questions = [_text(m["content"]) for m in chat if m["role"] == "user"]
        answers = [_text(m["content"]) for m in chat if m["role"] == "assistant"]
        last = answers[-1] if answers and len(answers) == len(questions) else ""
        cited = [html.unescape(t) for t in _CITED_TITLE.findall(last)]
        plain = re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", last))
        return Reply(
            [html.unescape(re.sub(r"\\(.)", r"\1", q)) for q in questions],
            html.unescape(plain).strip(),
            cited,
            sources,
            seconds,
            re.sub(r"<[^>]+>", "", hint or ""),
        )

    def exported(self) -> str:
        """The conversation as the export button downloads it (Markdown), fetched over HTTP."""
        value = (self._export or {}).get("value") or {}
        response = httpx.get(
            value["url"], headers=self.client.headers, cookies=self.client.cookies, timeout=30
        )
        response.raise_for_status()
        return response.text

    def rate(self, turn: int, liked: bool) -> None:
        """Thumbs up or down on the answer of `turn` (1-based), as a click on the chat's like button."""
        fn_index = self._events["rate"]
        chatbot = self.client.config["dependencies"][fn_index]["targets"][0][0]
        event = {"index": 2 * turn - 1, "value": "", "liked": liked}
        endpoint = self.client.endpoints[fn_index]
        endpoint.make_predict(self.client.new_helper(fn_index))(None, event_data=event, trigger_id=chatbot)

    def add_documents(
        self, paths: Sequence[Path], doc_type: str = "", date: str = "", title: str = "", kamerstuk: str = ""
    ) -> str:
        """Upload files in the documents tab and index them; the result list as plain text."""
        files = [handle_file(str(p)) for p in paths]
        result, *_ = self._call("add", files, doc_type or None, date, title, kamerstuk)
        self._call("refresh_1", [], [], None)  # the page refreshes its lists after an upload
        return html.unescape(re.sub(r"<[^>]+>", " ", result or "")).strip()

    def close(self) -> None:
        self.client.close()
