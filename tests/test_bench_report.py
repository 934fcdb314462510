"""docs/benchmarks.md is regenerated between its markers; hand-written sections around them stay."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_report  # noqa: E402


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    results = tmp_path / "results"
    shutil.copytree(ROOT / "benchmarks" / "results", results)
    monkeypatch.setattr(bench_report, "RESULTS", results)
    monkeypatch.setattr(bench_report, "DOC", tmp_path / "benchmarks.md")
    monkeypatch.setattr(bench_report, "PLOT", tmp_path / "bench_latency.png")
    return bench_report


def test_the_generated_part_is_replaced_and_hand_written_sections_are_kept(report) -> None:
    report.write_report()  # the first time: the whole page
    page = report.DOC.read_text(encoding="utf-8")
    assert page.count(report.BEGIN) == 1 and page.count(report.END) == 1
    assert "## Warm queries" in page and report.PLOT.is_file()

    hand = "\n\n## Concurrent users\n\nWritten by hand.\n"
    stale = page.replace("## Warm queries", "## Old warm queries")
    report.DOC.write_text("# Title kept\n\nIntro kept.\n" + stale.split("\n", 2)[2] + hand, encoding="utf-8")
    report.write_report()
    again = report.DOC.read_text(encoding="utf-8")
    assert again.startswith("# Title kept\n\nIntro kept.\n")
    assert again.endswith(hand) and "## Old warm queries" not in again and "## Warm queries" in again
