"""Throughput and latency of the web app's /ask API with several users at once.

    python benchmarks/bench_app.py [--users 1,2,4] [--rounds 2]

Starts the real app (`python app.py`, as the tests do) on a free loopback port
over a temporary copy of the corpus, then lets N simulated users (threads, each
with its own gradio_client) ask the questions of evals/qa.jsonl until every user
has asked `rounds` x 10 questions. Prints per-N throughput and latency with the
ratio against one user measured in the same run. All traffic stays on 127.0.0.1;
request loops are bounded in count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, percentile, qa_questions

sys.path.insert(0, str(ROOT / "tests"))

from app_server import running_app  # noqa: E402  (the tests' launcher: one way to start the app)
from gradio_client import Client  # noqa: E402

QUESTIONS_PER_ROUND = 10


def run_users(url: str, users: int, questions: list[str]) -> tuple[float, list[float]]:
    """N users ask their share of questions concurrently; returns (wall seconds, latencies in ms)."""
    clients = [Client(url, verbose=False) for _ in range(users)]
    latencies: list[float] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        for k, question in enumerate(questions):
            if k % users != i:
                continue
            started = time.perf_counter()
            clients[i].predict(question, api_name="/ask")
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,2,4", help="comma-separated numbers of concurrent users")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of 10 questions per user")
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",")]
    pool = qa_questions()

    rows = []
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp)) as app:
        Client(app.url, verbose=False).predict(pool[0], api_name="/ask")  # warm-up
        for users in levels:
            count = users * args.rounds * QUESTIONS_PER_ROUND
            questions = [pool[i % len(pool)] for i in range(count)]
            wall, latencies = run_users(app.url, users, questions)
            rows.append((users, count, count / wall, statistics.median(latencies), percentile(latencies, 95)))

    base = rows[0][2]
    print(f"/ask over loopback, {len(pool)} distinct questions, app concurrency limit from settings\n")
    print("| users | requests | answers/s | × 1 user | median ms | p95 ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    for users, count, rate, median, p95 in rows:
        print(f"| {users} | {count} | {rate:.1f} | {rate / base:.2f} | {median:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
