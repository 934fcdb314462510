"""Measure the gate values of the extractive answerer on a Q&A split, with the gates open.

For every question: the best passage's dense cosine, the best sentence's score,
its cosine with the question (the embedding model's judgement of meaning), the
coverage of the question's terms, and whether the answer (gates open) holds the
expected facts. Prints one row per question and the grid search of the
coverage waiver: answer an uncovered question when the best sentence's cosine
is at least S. Use it on the development split only (benchmarks/split_qa.py).

    python benchmarks/calibrate_similarity.py --qa /tmp/split/dev.jsonl --index DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering import ExtractiveAnswerer  # noqa: E402
from assistant.evaluation import facts_found  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.question import parse_question  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def measure(assistant: Assistant, rows: list[dict]) -> list[dict]:
    """Gate values per question with every gate open."""
    s = assistant.settings
    open_gates = s.with_overrides(
        refuse_min_dense=-1.0, refuse_min_sentence=-10.0, refuse_min_coverage=0.0,
        answer_uncovered_min_sentence=-10.0, answer_uncovered_min_similarity=-1.0,
    )  # fmt: skip
    answerer = ExtractiveAnswerer(open_gates, assistant.embedder)
    out = []
    for row in rows:
        q = parse_question(row["question"])
        hits = assistant.retriever.search(q)
        a = answerer.assess(q, hits)
        answer = answerer.answer(q, hits)
        best = a.best
        ok = bool(row["answerable"] and not answer.refused and all(facts_found(answer.text, row["facts"])))
        out.append(
            {
                "id": row["id"], "answerable": row["answerable"], "ok": ok, "dense": a.best_dense or 0.0,
                "score": best.score if best else -1.0, "sim": best.similarity if best else -1.0,
                "cov": best.passage_coverage if best else 0.0,
            }
        )  # fmt: skip
    return out


def decide(m: dict, s: Settings, waiver: float) -> bool:
    """Whether the answerer (with these settings and similarity waiver) answers."""
    if m["dense"] < s.refuse_min_dense or m["score"] < s.refuse_min_sentence:
        return False
    covered = m["score"] >= s.answer_uncovered_min_sentence or m["cov"] >= s.refuse_min_coverage
    return covered or m["sim"] >= waiver


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--qa", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    settings = Settings(index=args.index, corpus=args.corpus)
    assistant = Assistant(settings)
    assistant.ingest(progress=False)
    rows = [json.loads(line) for line in args.qa.read_text(encoding="utf-8").splitlines() if line.strip()]
    measured = measure(assistant, rows)
    for m in sorted(measured, key=lambda m: -m["sim"]):
        print(
            f"{m['id']:<8} {'A' if m['answerable'] else 'U'} ok={int(m['ok'])} dense={m['dense']:.3f} "
            f"score={m['score']:.3f} sim={m['sim']:.3f} cov={m['cov']:.2f} "
            f"answered={int(decide(m, settings, 9.0))}"
        )
    print("\nwaiver  answered-correct  answerable-refused  unanswerable-answered")
    for waiver in [0.80 + i * 0.005 for i in range(21)] + [9.0]:
        answered = [m for m in measured if decide(m, settings, waiver)]
        correct = sum(m["ok"] for m in answered)
        refused_ans = sum(1 for m in measured if m["answerable"] and not decide(m, settings, waiver))
        wrong_unans = sum(1 for m in answered if not m["answerable"])
        print(f"{waiver:6.3f}  {correct:16d}  {refused_ans:18d}  {wrong_unans:21d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
