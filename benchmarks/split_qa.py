"""Split a Q&A file into a development half (for tuning) and a held-out half (for reporting).

An item goes to the development half when the first byte of sha256(id) is even, so
the split is deterministic, independent of file order and stable when items are added.
Items that already carry a `split` field ("dev"/"test") keep it.

    python benchmarks/split_qa.py evals/qa.jsonl OUT_DIR   # writes OUT_DIR/dev.jsonl, OUT_DIR/test.jsonl
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def split_of(item: dict) -> str:
    """'dev' or 'test' for one Q&A item (its own `split` field wins)."""
    if item.get("split") in ("dev", "test"):
        return item["split"]
    return "dev" if hashlib.sha256(item["id"].encode()).digest()[0] % 2 == 0 else "test"


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    halves: dict[str, list[str]] = {"dev": [], "test": []}
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            halves[split_of(json.loads(line))].append(line)
    for name, lines in halves.items():
        (out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)} items -> {out / f'{name}.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
