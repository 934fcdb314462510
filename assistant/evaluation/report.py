"""The evaluation's outputs: Markdown reports (one set, or all sets), the terminal table, the plot."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.metrics import K_MAX
from assistant.evaluation.run import EvalResult

# The columns of the set x split table: (summary key, short header, long name for the legend).
TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("fact_accuracy", "fact acc", "fact accuracy: answerable items answered with every required fact"),
    ("false_refusal_rate", "false ref", "answerable questions refused (false-refusal rate)"),
    ("refusal_recall", "ref recall", "unanswerable questions refused (refusal recall)"),
    ("recall@1", "R@1", "recall@1 of the gold evidence (answerable items, default mode)"),
    ("recall@5", "R@5", "recall@5 of the gold evidence"),
    ("mrr", "MRR", "mean reciprocal rank of the first passage holding a gold quote"),
    ("citation_precision", "cit prec", "citation precision (ALCE: cited passage holds a gold quote or fact)"),
    ("quotes_verbatim", "verbatim", "answers whose every citation quote is verbatim in its passage"),
)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plot_recall(result: EvalResult, path: Path) -> Path:
    """recall@k for k = 1..10, one line per retrieval mode (PNG, headless Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = list(range(1, K_MAX + 1))
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    for mode, metrics in result.retrieval.items():
        ax.plot(ks, metrics["recall_at_k"], marker="o", label=mode)
    ax.set_xlabel("k (passages retrieved)")
    ax.set_ylabel("recall@k (share of gold quotes found)")
    ax.set_xticks(ks)
    lowest = min((min(m["recall_at_k"]) for m in result.retrieval.values()), default=0.0)
    ax.set_ylim(max(0.0, math.floor((lowest - 0.05) * 10) / 10), 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(f"Retrieval recall@k — {result.setup['answerable']} answerable questions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def render_report(
    result: EvalResult,
    plot_name: str | None = "recall_at_k.png",
    title: str = "# Q&A evaluation report",
    sub: str = "##",
) -> str:
    """The Markdown report: setup, metric tables, ablation, breakdowns and every failing question.

    `title` and `sub` (the heading level of the sections) let the all-sets report embed
    one such report per set.
    """
    s, a = result.setup, result.answers
    lines = [
        title,
        "",
        f"**Setup:** embedding model `{s['embedding_model']}`, answerer `{s['answerer']}` "
        f"(llm_provider `{s['llm_provider']}`) · corpus `{s['corpus']}` ({s['documents']} documents, "
        f"{s['passages']} passages; chunk {s['chunk_chars']}/{s['chunk_overlap_chars']} chars) · "
        f"{s['questions']} questions ({s['answerable']} answerable, {s['questions'] - s['answerable']} "
        f"unanswerable, {s['english']} English) from `{s['qa']}` · answers use mode `{s['default_mode']}`, "
        f"top_k {s['top_k']} · {s['date']}",
        "",
        "Answer settings: "
        + (", ".join(f"`{k}={v}`" for k, v in s.get("answer_settings", {}).items()) or "defaults")
        + ".",
        "",
        *_split_section(result, sub),
        f"{sub} Answers (default settings, all items)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| fact accuracy (answerable, all facts in the answer) | {_fmt(a['fact_accuracy'])} |",
        f"| fact recall (required facts found; a refusal misses all) | {_fmt(a['fact_recall'])} |",
        f"| refusal precision (refusals that were right) | {_fmt(a['refusal_precision'])} |",
        f"| refusal recall (unanswerable questions refused) | {_fmt(a['refusal_recall'])} |",
        f"| false refusal rate (answerable questions refused) | {_fmt(a['false_refusal_rate'])} |",
        f"| citation precision (ALCE) | {_fmt(a['citation_precision'])} |",
        f"| citation recall (facts in a cited quote) | {_fmt(a['citation_recall'])} |",
        f"| every quote verbatim in its passage (answers citing) | {_fmt(a.get('quotes_verbatim'))} |",
        f"| answered without any citation | {a['answered_without_citation']} |",
        f"| latency of ask(), median / p95 (s) | {_fmt(a['latency_median_s'])} / "
        f"{_fmt(a['latency_p95_s'])} |",
        "",
        f"{sub} Retrieval ablation (answerable questions, `search(question, k=10, mode)`)",
        "",
        "| mode | recall@1 | recall@5 | recall@10 | MRR | nDCG@10 |",
        "|---|---|---|---|---|---|",
    ]
    for mode, m in result.retrieval.items():
        marker = " (default)" if mode == s["default_mode"] else ""
        lines.append(
            f"| {mode}{marker} | {_fmt(m['recall@1'])} | {_fmt(m['recall@5'])} | {_fmt(m['recall@10'])} "
            f"| {_fmt(m['mrr'])} | {_fmt(m['ndcg@10'])} |"
        )
    for mode, why in result.skipped_modes.items():
        lines.append(f"| {mode} | skipped: {why} | | | | |")
    if s["passages"] <= 5 * K_MAX:
        share = min(1.0, K_MAX / max(1, s["passages"]))
        lines += [
            "",
            f"The index holds only {s['passages']} passages, so the top {K_MAX} is {share:.0%} of the "
            f"corpus: recall@1, MRR and recall@{s['top_k']} (what the answerer sees) tell most.",
        ]
    if plot_name:
        lines += ["", f"![recall@k per retrieval mode]({plot_name})"]
    for attr, label in (("kind", "question kind"), ("lang", "language")):
        lines += [
            "",
            f"{sub} By {label} (retrieval in mode `{s['default_mode']}`)",
            "",
            f"| {attr} | n | recall@5 | fact accuracy | refused |",
            "|---|---|---|---|---|",
        ]
        for value, m in result.breakdown[attr].items():
            lines.append(
                f"| {value} | {int(m['n'] or 0)} | {_fmt(m['recall@5'])} | {_fmt(m['fact_accuracy'])} "
                f"| {_fmt(m['refused'])} |"
            )
    lines += ["", f"{sub} Evidence not in any indexed passage", ""]
    if result.unreachable_evidence:
        lines.append("These quotes are split across passages or changed by cleaning; no mode can find them:")
        lines.append("")
        lines += [f"- {u['id']} ({u['doc_id']}): “{u['quote']}”" for u in result.unreachable_evidence]
    else:
        lines.append("None: every gold quote lies within one indexed passage.")

    failures = result.failures()
    counts: dict[str, int] = {}
    for q in failures:
        for cause in {f["cause"] for f in q["failures"]}:
            counts[cause] = counts.get(cause, 0) + 1
    lines += [
        "",
        f"{sub} Failing questions ({len(failures)} of {s['questions']})",
        "",
        "Causes: " + (", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none") + ". "
        "*retrieval* = gold evidence not among the passages the answerer saw; *refusal* = wrong "
        "refusal decision; *fact* = answered without a required fact; *citation* = missing or "
        "unsupported citations.",
        "",
        "| id | split | kind | question | what went wrong | answer (start) |",
        "|---|---|---|---|---|---|",
    ]
    for q in failures:
        what = "<br>".join(f"**{f['cause']}**: {f['detail']}" for f in q["failures"])
        answer = q["answer"]["text"].strip()
        answer = answer if len(answer) <= 160 else answer[:157] + "…"
        row = [q["id"], q.get("split") or "–", q["kind"], _cell(q["question"]), _cell(what), _cell(answer)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _split_section(result: EvalResult, sub: str) -> list[str]:
    """The headline numbers per split (dev: tune on it; test: report only), when the set has splits."""
    if not result.splits:
        return []
    lines = [
        f"{sub} By split (dev: tune on it; test: report only)",
        "",
        "| split | n (unanswerable) | " + " | ".join(h for _, h, _ in TABLE_COLUMNS) + " |",
        "|---|---|" + "---|" * len(TABLE_COLUMNS),
    ]
    for split, part in result.splits.items():
        lines.append(_table_row([split], part["summary"]))
    return [*lines, ""]


def _table_row(first: Sequence[str], summary: Mapping[str, Any]) -> str:
    n = f"{summary.get('n', 0)} ({summary.get('n_unanswerable', 0)})"
    cells = [*first, n, *(_fmt(summary.get(key)) for key, _, _ in TABLE_COLUMNS)]
    return "| " + " | ".join(cells) + " |"


def sets_table(results: Mapping[str, EvalResult | str], markdown: bool = True) -> str:
    """One table: set x split (dev, test, all) x the headline metrics; skipped sets say why."""
    heads = ["set", "split", "n (unans.)", *(h for _, h, _ in TABLE_COLUMNS)]
    rows: list[list[str]] = []
    for name, result in results.items():
        if isinstance(result, str):
            rows.append([name, "skipped", result])
            continue
        parts = [*result.splits.items(), ("all", {"summary": result.summary})]
        for split, part in parts:
            s = part["summary"]
            n = f"{s.get('n', result.setup['questions'])} ({s.get('n_unanswerable', 0)})"
            rows.append([name, split, n, *(_fmt(s.get(key)) for key, _, _ in TABLE_COLUMNS)])
    if markdown:
        lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    full = [r for r in [heads, *rows] if len(r) == len(heads)]
    widths = [max(len(r[i]) for r in full) for i in range(len(heads))]
    out = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    for r in rows:
        if len(r) != len(heads):  # a skipped set: its reason runs across the metric columns
            out.append("  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2]]))
        else:
            out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(out)


def render_sets_report(
    results: Mapping[str, EvalResult | str], timings: Mapping[str, float], descriptions: Mapping[str, str]
) -> str:
    """The all-sets report: the set x split table, a legend, then one full report per set."""
    lines = [
        "# Q&A evaluation report",
        "",
        "Regenerate with `assistant eval` (all sets whose documents are present; format, sets and "
        "metrics: `evals/README.md`). Tune thresholds and weights on the **dev** splits only; the "
        "**test** splits are for reporting.",
        "",
        sets_table(results),
        "",
        "Columns: " + "; ".join(f"**{h}** = {long}" for _, h, long in TABLE_COLUMNS) + ". "
        "n (unans.) = questions (of which unanswerable). Answers use the default settings and mode.",
        "",
        "| set | what | seconds (index sync + questions) |",
        "|---|---|---|",
    ]
    for name in results:
        lines.append(f"| {name} | {_cell(descriptions.get(name, ''))} | {timings.get(name, 0.0):.0f} |")
    for name, result in results.items():
        lines += [""]
        if isinstance(result, str):
            lines += [f"## Set `{name}`", "", f"Skipped: {result}"]
            continue
        lines.append(render_report(result, plot_name=None, title=f"## Set `{name}`", sub="###").rstrip())
    return "\n".join(lines) + "\n"


def summary_table(result: EvalResult) -> str:
    """The terminal summary of one run: headline numbers, the ablation and the failure count."""
    rows = [f"{k:<22} {_fmt(v)}" for k, v in result.summary.items()]
    ablation = [
        f"{mode:<14} R@1 {_fmt(m['recall@1'])}  R@5 {_fmt(m['recall@5'])}  R@10 {_fmt(m['recall@10'])}  "
        f"MRR {_fmt(m['mrr'])}  nDCG@10 {_fmt(m['ndcg@10'])}"
        for mode, m in result.retrieval.items()
    ]
    fails = len(result.failures())
    return "\n".join([*rows, "", *ablation, "", f"failing questions: {fails} of {result.setup['questions']}"])
