"""The Q&A evaluation: retrieval, answer, refusal and citation metrics over fixed question sets.

Why this exists: every change to loading, chunking, retrieval or answering can silently
make answers worse, and numbers measured only on the questions the answerer was tuned on
hide how it does on anything else. `assistant eval` replays fixed question sets
(`evals/*.jsonl`, listed in `evals/sets.yaml`, format in `evals/README.md`), each split
into a dev part (tune on it) and a test part (report only), through the same `Assistant`
façade the CLI and web app use, and turns the outcome into one set x split table, a
Markdown report with every failing question and, for a single run, a recall@k plot. The
guard-rail tests in `tests/test_evaluation.py` fail when a test-split number drops.

Modules, by concern: `matching` and `metrics` (pure functions, unit-tested on tiny data),
`qa` (the item format), `scoring` (one answer -> numbers and diagnoses; averages),
`run` (index, search, ask), `sets` (the sets and their corpora), `report` and `cli`.
"""

from assistant.evaluation.cli import DEFAULT_REPORT, add_arguments, main, run_from_args
from assistant.evaluation.matching import (
    contains_fact,
    contains_quote,
    facts_found,
    normalize_text,
    quote_verbatim,
    squash,
)
from assistant.evaluation.metrics import (
    K_MAX,
    citation_precision,
    citation_recall,
    citation_supports,
    evidence_ranks,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_scores,
    relevance,
)
from assistant.evaluation.qa import (
    DEFAULT_QA,
    KINDS,
    SPLITS,
    QAFormatError,
    QAItem,
    check_evidence,
    check_qa_file,
    load_qa,
)
from assistant.evaluation.report import plot_recall, render_report, render_sets_report, sets_table
from assistant.evaluation.run import (
    DEFAULT_MODES,
    EvalResult,
    eval_index_dir,
    eval_settings,
    run_eval,
    supported_modes,
)
from assistant.evaluation.sets import EvalSet, load_sets, run_sets, shared_corpora_dir

__all__ = [
    "DEFAULT_MODES", "DEFAULT_QA", "DEFAULT_REPORT", "K_MAX", "KINDS", "SPLITS",
    "EvalResult", "EvalSet", "QAFormatError", "QAItem",
    "add_arguments", "check_evidence", "check_qa_file", "citation_precision", "citation_recall",
    "citation_supports", "contains_fact", "contains_quote", "eval_index_dir", "eval_settings",
    "evidence_ranks",
    "facts_found", "load_qa", "load_sets", "main", "mean", "ndcg_at_k", "normalize_text",
    "percentile", "plot_recall", "quote_verbatim", "recall_at_k", "reciprocal_rank", "refusal_scores",
    "relevance", "render_report", "render_sets_report", "run_eval", "run_from_args", "run_sets",
    "sets_table", "shared_corpora_dir", "squash", "supported_modes",
]  # fmt: skip
