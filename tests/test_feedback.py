"""Feedback records are complete JSON lines, also when many threads rate at once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from assistant.feedback import FeedbackLog
from assistant.types import Answer, Citation, Passage

TEXT = "Het Ministerie van JenV heeft 2,1 miljoen ter beschikking gesteld voor de Social Labs."
PASSAGE = Passage(
    id="p1",
    doc_id="kst-36600-XV-32",
    title="Kamerbrief",
    doc_type="kamerbrief",
    text=TEXT,
    page=3,
    section="Social Labs",
    start=0,
    end=len(TEXT),
    chunk_index=0,
    date="2024-11-26",
)
START = TEXT.index("2,1 miljoen")
ANSWER = Answer(
    question="Hoeveel geld?",
    text="2,1 miljoen [1].",
    refused=False,
    citations=[Citation(n=1, passage=PASSAGE, quote_start=START, quote_end=START + len("2,1 miljoen"))],
)


def test_record_is_written_with_question_answer_citations_and_rating(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "sub" / "feedback.jsonl")
    log.record("Hoeveel geld?", ANSWER, "down")

    lines = (tmp_path / "sub" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["question"] == "Hoeveel geld?"
    assert record["answer"] == "2,1 miljoen [1]."
    assert record["rating"] == "down"
    assert record["citations"][0]["quote"] == "2,1 miljoen"
    assert record["citations"][0]["doc_id"] == "kst-36600-XV-32"
    assert record["timestamp"].endswith("+00:00")


def test_concurrent_records_never_interleave(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")

    def rate(i: int) -> None:
        for _ in range(25):
            log.record(f"vraag {i}", ANSWER, "up" if i % 2 else "down")

    threads = [threading.Thread(target=rate, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    records = log.read()
    assert len(records) == 200
    assert {r["question"] for r in records} == {f"vraag {i}" for i in range(8)}


def test_unknown_rating_is_refused(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    with pytest.raises(ValueError):
        log.record("vraag", ANSWER, "maybe")  # type: ignore[arg-type]
    assert log.read() == []
