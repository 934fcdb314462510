"""Thumbs up/down on answers, kept as JSON lines for later review.

The team improves retrieval and answering by looking at what users rejected, so
each record carries everything needed to judge it without the app: the question,
the answer, its citations (with quotes) and the rating. JSON lines are appendable
by several app threads (and processes) at once and readable with any tool.
"""

from __future__ import annotations

import fcntl
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.types import Answer

Rating = Literal["up", "down"]


class FeedbackLog:
    """Appends one JSON object per rating to a file; safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(self, question: str, answer: Answer, rating: Rating) -> dict[str, Any]:
        """Store a rating and return the record that was written."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        record = {
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "question": question,
            "answer": answer.text,
            "refused": answer.refused,
            "citations": [c.to_json() for c in answer.citations],
            "rating": rating,
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                # The thread lock orders this process; flock keeps a second app process
                # (or worker) from interleaving its line with ours.
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    f.write(line)
                    f.flush()
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)
        return record

    def read(self) -> list[dict[str, Any]]:
        """All records, oldest first (for review scripts and tests)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
