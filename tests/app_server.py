"""The real web app in a subprocess, for the API and browser tests.

`python app.py` is started exactly as an operator would start it (flags for
port, index and corpus; settings from the environment) on a free loopback port,
over a temporary copy of the corpus, with an uploads folder of its own, so
uploads never touch the repository.

Import from a test module as `from app_server import running_app` (pytest puts
the tests folder on `sys.path`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 240  # first start builds the index: model load plus embedding the corpus

# Privacy defaults for this process too: gradio_client must not look anything up online.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass(frozen=True)
class AppServer:
    url: str
    corpus: Path
    uploads: Path
    index: Path
    feedback_file: Path
    log_file: Path

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log_file: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{log_file.read_text()}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as e:
            if e.code == 401:  # login required: the app is up
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"app.py did not answer within {START_TIMEOUT_S} s:\n{log_file.read_text()}")


@contextmanager
def running_app(
    workdir: Path,
    env_extra: dict[str, str] | None = None,
    prepare: Callable[[Path], None] | None = None,
    wrapper: Sequence[str] = (),
) -> Iterator[AppServer]:
    """Start `python app.py` over a copy of corpus/ in `workdir`; stop it afterwards.

    `prepare` is called with the corpus copy before the start (to add documents).
    `wrapper` goes before the command (e.g. `strace ...`); the app then runs in a
    process group of its own, which is stopped as a whole.
    """
    corpus = workdir / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    if prepare is not None:
        prepare(corpus)
    uploads = workdir / "uploads"
    index = workdir / "index"
    feedback_file = workdir / "feedback.jsonl"
    log_file = workdir / "app.log"
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_FEEDBACK_FILE": str(feedback_file),
        "ASSISTANT_UPLOADS": str(uploads),
        "PYTHONUNBUFFERED": "1",
        **(env_extra or {}),
    }
    command = [sys.executable, "app.py", "--port", str(port), "--index", str(index), "--corpus", str(corpus)]
    with log_file.open("w") as log:
        proc = subprocess.Popen(
            [*wrapper, *command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=bool(wrapper),
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log_file)
        yield AppServer(url, corpus, uploads, index, feedback_file, log_file)
    finally:
        _stop(proc, group=bool(wrapper))


def _stop(proc: subprocess.Popen, group: bool) -> None:
    """SIGTERM (to the whole process group when `group`), SIGKILL after 15 s."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
        if group:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


if TYPE_CHECKING:
    from playwright.sync_api import Browser


# Debian's chromium, headless, with nothing that phones home: what every browser test launches.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (Playwright driving Debian's chromium), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
