"""Start-up on the bundled index, before and after issue 11, interleaved on the same machine load.

    git archive <base commit> | tar -x -C /tmp/base      # the code before, outside git
    python benchmarks/bench_start.py --before /tmp/base [--runs 3]

For each code tree (the `--before` tree and this one): a new process for
`assistant search`, `assistant ask`, a no-op `assistant ingest` (over the bundled
corpus, each tree on its own copy of the index), and `python app.py` until it
answers its first /ask request. Runs alternate between the trees so both see the
same load; the table prints medians in seconds and the ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

QUESTION = "Hoeveel gemeenten kregen geld via de decentrale uitkering?"


def timed(root: Path, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=root, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def app_ready(root: Path, env: dict[str, str]) -> float:
    """Seconds from `python app.py` to the answer of its first /ask request."""
    sys.path.insert(0, str(ROOT / "tests"))
    from app_server import free_port
    from gradio_client import Client

    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while proc.poll() is None and time.perf_counter() - started < 300:
            try:
                Client(f"http://127.0.0.1:{port}/", verbose=False).predict(QUESTION, api_name="/ask")
                return time.perf_counter() - started
            except Exception:  # not up yet
                time.sleep(0.2)
        raise RuntimeError(f"app in {root} did not answer")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the code tree before the change")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-start-"))
    trees = {"before": args.before.resolve(), "after": ROOT}
    envs = {}
    for name, root in trees.items():
        envs[name] = {
            **os.environ,
            "PYTHONPATH": str(root),
            "ASSISTANT_INDEX": str(work / f"index-{name}"),
            "ASSISTANT_CORPUS": str(ROOT / "corpus"),
            "ASSISTANT_UPLOADS": str(work / "uploads"),
        }
        timed(root, ["-m", "assistant.cli", "ingest", "--json"], envs[name])  # build the index
        timed(root, ["-m", "assistant.cli", "ingest", "--json"], envs[name])  # write load keys (after)
    cases = {
        "`assistant search`": ["-m", "assistant.cli", "search", QUESTION],
        "`assistant ask`": ["-m", "assistant.cli", "ask", QUESTION],
        "no-op `assistant ingest`": ["-m", "assistant.cli", "ingest", "--json"],
    }
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for case, command in cases.items():
            for name, root in trees.items():
                times.setdefault((case, name), []).append(timed(root, command, envs[name]))
    for name, root in trees.items():
        times[("web app answers its first question", name)] = [app_ready(root, envs[name])]
    print(f"| cold, bundled index (18 passages) | before | after | ratio |  (load {os.getloadavg()[0]:.1f})")
    print("|---|---|---|---|")
    for case in [*cases, "web app answers its first question"]:
        before, after = (statistics.median(times[(case, n)]) for n in trees)
        print(f"| {case} | {before:.2f} s | {after:.2f} s | {before / after:.1f}× |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
