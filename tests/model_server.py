"""A scripted OpenAI-compatible chat server on 127.0.0.1: a STAND-IN FOR A REAL MODEL.

No language model runs in the tests. This small HTTP server speaks the part of
the OpenAI chat-completions protocol that `ChatOpenAI` uses (`POST
/v1/chat/completions`, JSON or server-sent events with `stream: true`) and
replies with scripted text, so the real client, the real HTTP stack and the
real streaming code are exercised. A script can also misbehave the way a real
server does: wait before the first token, cut the connection mid-answer, end
the stream without saying it finished, or refuse the request with an error status
(a wrong API key) whose message echoes the key it was sent, as OpenAI's does.

Used from a test module as `from model_server import Script, scripted_model_server`.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Script:
    """What the stand-in model answers to one question.

    `reply` is sent word by word; with an error `status` (e.g. 401) it is the error
    message instead, "{api_key}" replaced by the key the request carried.
    `first_token_delay_s` waits before the first
    piece (after the response headers, as a slow real server does);
    `piece_delay_s` waits between pieces. `cut_after` drops the connection after
    that many pieces (no end of the chunked body: the client sees a broken
    stream). `finish=False` ends the body cleanly but without a finish reason or
    `[DONE]`, as a server that stops writing without finishing.
    """

    reply: str
    first_token_delay_s: float = 0.0
    piece_delay_s: float = 0.0
    cut_after: int | None = None
    finish: bool = True
    status: int = 200

    def pieces(self) -> list[str]:
        return re.findall(r"\S+\s*|\s+", self.reply)


@dataclass
class ScriptedServer:
    """A running stand-in: its base URL, its scripts and the requests it received."""

    base_url: str
    scripts: dict[str, Script]
    requests: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)  # each request's Authorization header

    def script_for(self, body: dict[str, Any]) -> Script:
        """The script whose key occurs in the last user message (the question is at its end)."""
        user = [m for m in body.get("messages", []) if m.get("role") in ("user", "human")]
        last = str(user[-1].get("content", "")) if user else ""
        for key, script in self.scripts.items():
            if key in last:
                return script
        return Script("Dit staat niet in de documenten.")


def _chunk(model: str, delta: dict[str, str], finish: str | None) -> bytes:
    data = {
        "id": "chatcmpl-stand-in",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            server.requests.append(body)
            authorization = self.headers.get("Authorization", "")
            server.authorizations.append(authorization)
            script = server.script_for(body)
            model = str(body.get("model", "stand-in"))
            try:
                if script.status != 200:
                    self._error(script, authorization.removeprefix("Bearer "))
                elif body.get("stream"):
                    self._stream(script, model)
                else:
                    self._complete(script, model)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing more to send

        def _error(self, script: Script, api_key: str) -> None:
            """An OpenAI-style error response, e.g. 401 "Incorrect API key provided: sk-..."."""
            error = {"message": script.reply.replace("{api_key}", api_key), "type": "invalid_request_error"}
            data = json.dumps({"error": {**error, "code": "invalid_api_key", "param": None}}).encode()
            self.send_response(script.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _complete(self, script: Script, model: str) -> None:
            time.sleep(script.first_token_delay_s)
            data = json.dumps(
                {
                    "id": "chatcmpl-stand-in",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": script.reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _stream(self, script: Script, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            time.sleep(script.first_token_delay_s)
            for i, piece in enumerate(script.pieces()):
                if script.cut_after is not None and i == script.cut_after:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)  # dropped mid-answer
                    return
                delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                self._send_chunk(_chunk(model, delta, None))
                time.sleep(script.piece_delay_s)
            if script.finish:
                self._send_chunk(_chunk(model, {}, "stop"))
                self._send_chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler


@contextmanager
def scripted_model_server(scripts: dict[str, Script]) -> Iterator[ScriptedServer]:
    """Serve `scripts` (question substring -> Script) on a free 127.0.0.1 port; `base_url` ends in /v1."""
    state = ScriptedServer("", dict(scripts))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, name="stand-in-model", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
