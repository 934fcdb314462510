"""`assistant eval`: all sets (default) or one Q&A file over one corpus, as a table and a report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.evaluation.qa import DEFAULT_QA, QAFormatError, check_qa_file, load_qa
from assistant.evaluation.report import (
    plot_recall,
    render_report,
    render_sets_report,
    sets_table,
    summary_table,
)
from assistant.evaluation.run import run_eval
from assistant.evaluation.sets import (
    DEFAULT_SETS,
    corpus_for,
    load_sets,
    run_sets,
    shared_corpora_dir,
    shared_files,
)
from assistant.settings import PROJECT_ROOT, Settings

DEFAULT_REPORT = PROJECT_ROOT / "evals" / "report.md"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The `assistant eval` options (also usable as a subparser by the CLI)."""
    add = parser.add_argument
    add("--set", dest="sets", action="append", metavar="NAME", help="only this set (repeatable)")
    add("--sets-file", type=Path, default=DEFAULT_SETS, help="the sets file (default evals/sets.yaml)")
    add("--qa", type=Path, help="evaluate this Q&A file (JSONL) instead of the sets")
    add("--corpus", type=Path, help="with --qa: folder with the documents (default: the settings' corpus)")
    add("--index", type=Path, help="with --qa: index folder (default: index/eval-<hash of corpus>)")
    add(
        "--retriever",
        dest="modes",
        action="append",
        metavar="MODE",
        help="retrieval mode for the ablation (repeatable; default keyword, dense, hybrid[, hybrid+rerank])",
    )
    add("--json", dest="json_path", type=Path, help="write all numbers and per-question results")
    add(
        "--report",
        type=Path,
        help="write the Markdown report (sets: default evals/report.md; --qa: recall_at_k.png next to it)",
    )
    add("--model", dest="embedding_model", help="embedding model (env ASSISTANT_EMBEDDING_MODEL)")
    add("--check", action="store_true", help="only check the Q&A file(s): format, quotes in the documents")
    add("-q", "--quiet", action="store_true", help="no progress messages")
    return parser


def _check_sets(args: argparse.Namespace, settings: Settings) -> int:
    root, problems = shared_corpora_dir(), 0
    for eval_set in load_sets(args.sets_file):
        if args.sets and eval_set.name not in args.sets:
            continue
        _, reason = shared_files(eval_set, root)
        if reason:
            print(f"{eval_set.name}: skipped, {reason}")
            continue
        found = check_qa_file(eval_set.qa, corpus_for(eval_set, settings, root))
        for p in found:
            print(f"{eval_set.name}: {p}", file=sys.stderr)
        verdict = f"OK, {len(load_qa(eval_set.qa))} questions" if not found else f"{len(found)} problem(s)"
        print(f"{eval_set.name} ({eval_set.qa.name}): {verdict}")
        problems += len(found)
    return 1 if problems else 0


def run_from_args(args: argparse.Namespace) -> int:
    """Run `assistant eval` for parsed arguments; returns the exit code."""
    settings = Settings().with_overrides(embedding_model=args.embedding_model)

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"[eval] {msg}", file=sys.stderr, flush=True)

    if args.qa is None and args.corpus is None:
        if args.index:
            print("error: --index goes with --qa/--corpus; each set has its own index", file=sys.stderr)
            return 2
        if args.check:
            return _check_sets(args, settings)
        try:
            results, timings = run_sets(settings, args.sets, args.modes, args.sets_file, log=say)
        except (QAFormatError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.json_path:
            data = {n: (r if isinstance(r, str) else r.to_json()) for n, r in results.items()}
            text = json.dumps({"sets": data, "seconds": timings}, ensure_ascii=False, indent=1)
            _write(args.json_path, text)
        descriptions = {s.name: s.description for s in load_sets(args.sets_file)}
        _write(args.report or DEFAULT_REPORT, render_sets_report(results, timings, descriptions))
        print(sets_table(results, markdown=False))
        print("\nseconds per set: " + ", ".join(f"{n} {t:.0f}" for n, t in timings.items()))
        return 0

    qa = args.qa or DEFAULT_QA
    corpus = Path(args.corpus or settings.corpus)
    if args.check:
        problems = check_qa_file(qa, corpus)
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{qa}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
        return 1 if problems else 0
    try:
        result = run_eval(settings, qa, corpus=corpus, modes=args.modes, index=args.index, log=say)
    except QAFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json_path:
        _write(args.json_path, json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    if args.report:
        plot = plot_recall(result, args.report.parent / "recall_at_k.png")
        _write(args.report, render_report(result, plot.name))
    print(summary_table(result))
    return 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `assistant eval` (the CLI passes the arguments after 'eval')."""
    parser = add_arguments(
        argparse.ArgumentParser(
            prog="assistant eval",
            description="Evaluate retrieval and answers: every set of evals/sets.yaml, or one Q&A file.",
        )
    )
    return run_from_args(parser.parse_args(argv))
