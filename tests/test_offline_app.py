"""No outgoing connection from the real processes (issue 12): ingest, the app, a conversation.

tests/test_offline.py guards the libraries inside the test process. Here the
processes a user runs are guarded from their first line (tests/netguard.py: a
`sitecustomize` audit hook that refuses and records every non-loopback connection
and name lookup, and `strace` for system calls made outside Python): `assistant
ingest` builds the index, `python app.py` starts on it, and a visitor asks a
question, a follow-up, exports the conversation and uploads a document (an ingest
inside the app). Nothing may have been attempted. The first test shows that the
guard catches what it should.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from netguard import NetGuard

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = "192.0.2.1"  # TEST-NET-1: reserved for documentation, never routed


def run_guarded(guard: NetGuard, name: str, code: str, guarded: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **(guard.env() if guarded else {})}
    return subprocess.run(
        [*guard.prefix(name), sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_guard_refuses_and_records_outside_connections_and_lookups(tmp_path: Path) -> None:
    guard = NetGuard(tmp_path)
    code = (
        "import socket\n"
        "for attempt in (lambda: socket.socket().connect(('192.0.2.1', 80)),\n"
        "                lambda: socket.getaddrinfo('example.org', 443)):\n"
        "    try:\n"
        "        attempt()\n"
        "    except OSError as e:\n"
        "        print('blocked:', e)\n"
        "with socket.socket() as server:  # loopback stays open\n"
        "    server.bind(('127.0.0.1', 0)); server.listen()\n"
        "    socket.create_connection(server.getsockname(), timeout=1).close()\n"
        "print('loopback ok')\n"
    )
    proc = run_guarded(guard, "control", code)
    assert proc.stdout.count("blocked by the test guard") == 2 and "loopback ok" in proc.stdout, proc.stderr
    assert [line.split(" ", 1)[1] for line in guard.attempts()] == [
        f"socket.connect ('{OUTSIDE}', 80)",
        "socket.getaddrinfo 'example.org'",
    ]
    assert guard.native_attempts() == []  # refused before the system call
    if guard.strace:  # the system-call record sees a connect made without the hook
        connect = f"import socket; s = socket.socket(); s.settimeout(0.2); s.connect_ex(('{OUTSIDE}', 80))"
        bare = run_guarded(guard, "bare", connect, guarded=False)
        assert bare.returncode == 0
        assert [line.split(":")[0] for line in guard.native_attempts()] == ["bare"]


def test_ingest_the_app_and_a_conversation_stay_on_this_machine(tmp_path: Path) -> None:
    from app_server import running_app
    from web_session import ChatSession

    guard = NetGuard(tmp_path / "guard")

    def ingest(corpus: Path) -> None:  # before the app starts, into the index the app will use
        command = [sys.executable, "-m", "assistant.cli", "ingest", "--corpus", str(corpus)]
        command += ["--index", str(corpus.parent / "index")]
        proc = subprocess.run(
            [*guard.prefix("ingest"), *command],
            cwd=ROOT,
            env={**os.environ, **guard.env()},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr

    note = tmp_path / "notitie-netwerk.txt"
    note.write_text("Notitie netwerk\n\nDe werkgroep Netwerk vergadert elke dinsdag.\n", encoding="utf-8")
    with running_app(tmp_path / "app", guard.env(), prepare=ingest, wrapper=guard.prefix("app")) as app:
        visitor = ChatSession(app.url)
        first = visitor.ask("Hoeveel gemeenten kregen een DU?")
        follow_up = visitor.ask("Hoeveel geld is daarmee in 2023 verstrekt?")
        added = visitor.add_documents([note], "nota", "3-2-2025", "Notitie netwerk")
        visitor.close()

    assert "7 gemeenten" in first.answer and "€ 313.327" in follow_up.answer
    assert "1 document toegevoegd" in added, added
    active = guard.active()
    assert any("assistant.cli ingest" in line for line in active), active
    assert any("app.py" in line for line in active), active
    assert guard.attempts() == []
    assert guard.native_attempts() == []
    assert "index ready" in app.log()
