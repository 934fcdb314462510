"""Fit the sentence-score weights (assistant/scoring.py SCORE_WEIGHTS) on the dev splits.

The extractive answerer ranks the sentences of the retrieved passages by a
weighted sum of six features (cosine with the question, term overlap, passage
coverage, retrieval rank, fact-type bonus, novelty). The weights were first set
by hand on the 18-passage bundled corpus. This script learns them from the
development questions of every set in evals/sets.yaml instead:

1. every dev question is searched and assessed with the refusal gates open;
2. each sentence that may answer its first part is one example, labelled 1 when
   it holds every expected fact of the question or a gold evidence quote
   overlaps it (`assistant.evaluation.matching`), else 0;
3. a logistic regression (scikit-learn, balanced classes, L2) is fitted on the
   six features; its coefficients, divided by the similarity coefficient so the
   score keeps the scale the refusal thresholds live on, are the new weights.

It prints, for the current and the fitted weights, the share of dev questions
whose top-ranked sentence is a positive example (top-1) and whose top 3 hold one
(top-3), with 5-fold cross-validation by question so the fitted numbers are not
measured on the questions they were fitted on. Only dev items are read (see
evals/README.md); the test splits stay unseen. After changing the weights, run
`benchmarks/calibrate_refusal.py` again: the thresholds sit on this score.

    python benchmarks/fit_sentence_weights.py [--set NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering import ExtractiveAnswerer  # noqa: E402
from assistant.evaluation import eval_index_dir, eval_settings, load_sets, shared_corpora_dir  # noqa: E402
from assistant.evaluation.matching import contains_fact, normalize_text  # noqa: E402
from assistant.evaluation.sets import corpus_for, shared_files  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.scoring import SCORE_WEIGHTS  # noqa: E402
from assistant.settings import Settings  # noqa: E402

FEATURES = ("similarity", "overlap", "passage", "evidence", "type", "novelty")


@dataclass
class Example:
    question: str  # the question id: the cross-validation group
    similarity: float
    overlap: float
    passage: float
    evidence: float
    type: float
    novelty: float
    label: int


def _positive(sentence: str, facts: list[list[str]], quotes: list[str]) -> bool:
    """Holds every expected fact, or shares a stretch with a gold quote (either inside the other)."""
    if facts and all(contains_fact(sentence, alts) for alts in facts):
        return True
    s = normalize_text(sentence)
    return any((q := normalize_text(quote)) and (q in s or (len(s) > 40 and s in q)) for quote in quotes)


def collect(set_names: list[str] | None) -> list[Example]:
    """The labelled candidate sentences of every answerable dev question, gates open."""
    settings = Settings()
    gates_open = settings.with_overrides(
        refuse_min_dense=-1.0,
        refuse_min_sentence=-10.0,
        refuse_min_coverage=0.0,
        answer_uncovered_min_sentence=-10.0,
    )
    examples: list[Example] = []
    root = shared_corpora_dir()
    for eval_set in load_sets():
        if (set_names and eval_set.name not in set_names) or shared_files(eval_set, root)[1]:
            continue
        corpus = corpus_for(eval_set, settings, root)
        assistant = Assistant(eval_settings(settings, corpus, eval_index_dir(settings, corpus)))
        assistant.ingest(corpus, progress=False)
        answerer = ExtractiveAnswerer(gates_open, assistant.embedder)
        rows = [
            json.loads(line) for line in eval_set.qa.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        for row in rows:
            if row.get("split", "dev") != "dev" or not row["answerable"]:
                continue
            quotes = [e["quote"] for e in row.get("evidence") or []]
            assessment = answerer.assess(row["question"], assistant.search(row["question"]))
            qid = f"{eval_set.name}/{row.get('id')}"
            for x in assessment.eligible[0] if assessment.eligible else []:
                label = int(_positive(x.text, row.get("facts") or [], quotes))
                examples.append(
                    Example(
                        qid,
                        x.similarity,
                        x.overlap,
                        x.passage_coverage,
                        x.evidence,
                        x.type_bonus,
                        x.novelty,
                        label,
                    )
                )
        print(f"set {eval_set.name}: {len(examples)} examples so far", flush=True)
    return examples


def ranking_quality(examples: list[Example], weights: np.ndarray) -> tuple[float, float, int]:
    """(top-1, top-3, questions): shares of questions with a positive sentence ranked first / in the top 3."""
    by_question: dict[str, list[tuple[float, int]]] = {}
    for e in examples:
        x = np.array(astuple(e)[1:7])
        by_question.setdefault(e.question, []).append((float(x @ weights), e.label))
    answerable = [v for v in by_question.values() if any(label for _, label in v)]
    top1 = top3 = 0
    for ranked in answerable:
        ranked.sort(key=lambda t: -t[0])
        top1 += ranked[0][1]
        top3 += any(label for _, label in ranked[:3])
    n = len(answerable)
    return top1 / max(1, n), top3 / max(1, n), n


def fit(examples: list[Example]) -> np.ndarray:
    """Logistic-regression weights over FEATURES, scaled so the similarity weight is 1."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([astuple(e)[1:7] for e in examples])
    y = np.array([e.label for e in examples])
    model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=2000).fit(x, y)
    coef = model.coef_[0]
    if coef[0] <= 0:
        raise SystemExit(f"similarity got a non-positive weight ({coef[0]:.3f}); refusing to rescale")
    return coef / coef[0]


def cross_validated(examples: list[Example], folds: int = 5) -> tuple[float, float]:
    """Top-1/top-3 of weights fitted on the other folds' questions (grouped by question)."""
    questions = sorted({e.question for e in examples})
    rng = np.random.default_rng(0)
    order = rng.permutation(len(questions))
    fold_of = {questions[i]: k % folds for k, i in enumerate(order)}
    hits1 = hits3 = total = 0
    for k in range(folds):
        train = [e for e in examples if fold_of[e.question] != k]
        test = [e for e in examples if fold_of[e.question] == k]
        t1, t3, n = ranking_quality(test, fit(train))
        hits1 += t1 * n
        hits3 += t3 * n
        total += n
    return hits1 / max(1, total), hits3 / max(1, total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", action="append", metavar="NAME", help="set of evals/sets.yaml")
    parser.add_argument(
        "--cache", type=Path, help="read the examples from this JSON file, or write them there"
    )
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        examples = [Example(**e) for e in json.loads(args.cache.read_text(encoding="utf-8"))]
    else:
        examples = collect(args.sets)
        if args.cache:
            args.cache.write_text(json.dumps([asdict(e) for e in examples]), encoding="utf-8")
    positives = sum(e.label for e in examples)
    print(f"\n{len(examples)} candidate sentences, {positives} positive, "
          f"{len({e.question for e in examples})} answerable dev questions")  # fmt: skip
    current = np.array([SCORE_WEIGHTS[f] for f in FEATURES])
    fitted = fit(examples)
    cv1, cv3 = cross_validated(examples)
    rows = [
        ("current (hand-set)", current, *ranking_quality(examples, current)[:2]),
        ("fitted, 5-fold CV", fitted, cv1, cv3),
        ("fitted, all dev", fitted, *ranking_quality(examples, fitted)[:2]),
    ]
    print(f"\n{'weights':20} " + " ".join(f"{f:>10}" for f in FEATURES) + f" {'top-1':>7} {'top-3':>7}")
    for name, w, t1, t3 in rows:
        print(f"{name:20} " + " ".join(f"{v:10.3f}" for v in w) + f" {t1:7.3f} {t3:7.3f}")
    print(
        "\nSCORE_WEIGHTS = {"
        + ", ".join(f'"{f}": {v:.2f}' for f, v in zip(FEATURES, fitted, strict=True))
        + "}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
