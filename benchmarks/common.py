"""What the benchmark scripts share: the questions they time and how they summarise times.

The questions are those of the fixed Q&A set, so benchmarks and evaluation speak
about the same workload; percentiles are the evaluation's own definition.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import DEFAULT_QA, load_qa, percentile  # noqa: E402

__all__ = ["DEFAULT_QA", "ROOT", "percentile", "qa_questions"]


def qa_questions(path: Path = DEFAULT_QA) -> list[str]:
    """The questions of a Q&A file (evals/qa.jsonl by default), in file order."""
    return [item.question for item in load_qa(path)]
