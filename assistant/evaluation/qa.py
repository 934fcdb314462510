"""The Q&A sets: the item format of evals/README.md, loading with checks, quote checks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation.matching import normalize_text
from assistant.settings import PROJECT_ROOT

DEFAULT_QA = PROJECT_ROOT / "evals" / "qa.jsonl"
KINDS = ("fact", "number", "date", "who", "list", "why", "yesno", "multi", "paraphrase", "unanswerable")
SPLITS = ("dev", "test")  # tune thresholds and weights on dev; report test only


@dataclass(frozen=True)
class QAItem:
    """One question of the set (see evals/README.md for the meaning of each field)."""

    id: str
    question: str
    lang: str
    answerable: bool
    facts: list[list[str]]
    evidence: list[dict[str, str]]
    kind: str
    notes: str = ""
    split: str = ""  # "dev" (tune on it), "test" (report only) or "" (no split recorded)

    @property
    def quotes(self) -> list[str]:
        return [e["quote"] for e in self.evidence]


class QAFormatError(ValueError):
    """The Q&A file breaks the format of evals/README.md."""


def load_qa(path: Path) -> list[QAItem]:
    """Read and check a Q&A JSONL file; raise QAFormatError naming the line on any defect."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAFormatError(f"{where}: not JSON ({exc})") from exc
        missing = {"id", "question", "lang", "answerable", "facts", "evidence", "kind"} - raw.keys()
        if missing:
            raise QAFormatError(f"{where}: missing fields {sorted(missing)}")
        item = QAItem(
            id=str(raw["id"]),
            question=str(raw["question"]),
            lang=str(raw["lang"]),
            answerable=bool(raw["answerable"]),
            facts=[[str(a) for a in alts] for alts in raw["facts"]],
            evidence=[{"doc_id": str(e["doc_id"]), "quote": str(e["quote"])} for e in raw["evidence"]],
            kind=str(raw["kind"]),
            notes=str(raw.get("notes", "")),
            split=str(raw.get("split", "")),
        )
        problems = []
        if item.id in seen:
            problems.append("duplicate id")
        if item.lang not in ("nl", "en"):
            problems.append("lang must be 'nl' or 'en'")
        if item.split not in ("", *SPLITS):
            problems.append(f"split must be one of {SPLITS}")
        if item.kind not in KINDS:
            problems.append(f"kind must be one of {KINDS}")
        if (item.kind == "unanswerable") == item.answerable:
            problems.append("kind 'unanswerable' exactly when answerable is false")
        if item.answerable and (not item.facts or not item.evidence):
            problems.append("answerable items need facts and evidence")
        if not item.answerable and (item.facts or item.evidence):
            problems.append("unanswerable items have facts [] and evidence []")
        if any(not alts or not all(a.strip() for a in alts) for alts in item.facts):
            problems.append("every fact needs at least one non-empty alternative")
        if problems:
            raise QAFormatError(f"{where} ({item.id}): " + "; ".join(problems))
        seen.add(item.id)
        items.append(item)
    return items


def check_evidence(items: Sequence[QAItem], doc_texts: dict[str, str]) -> list[str]:
    """Problems with evidence quotes: unknown doc_id or a quote that is not in its document.

    Why: a quote that is not verbatim in the source can never be "found", which would
    silently lower recall. Run against the raw files (before cleaning).
    """
    problems = []
    for item in items:
        for ev in item.evidence:
            text = doc_texts.get(ev["doc_id"])
            if text is None:
                problems.append(f"{item.id}: unknown doc_id {ev['doc_id']!r}")
            elif normalize_text(ev["quote"]) not in normalize_text(text):
                problems.append(f"{item.id}: quote not in {ev['doc_id']}: {ev['quote']!r}")
    return problems


def check_qa_file(qa_path: Path, corpus: Path) -> list[str]:
    """Format problems and quotes missing from the raw corpus files (empty list: all good)."""
    from assistant.loading import SUPPORTED_SUFFIXES, doc_id_for, load_file, load_manifest

    try:
        items = load_qa(qa_path)
    except QAFormatError as exc:
        return [str(exc)]
    manifest = load_manifest(corpus)
    texts: dict[str, str] = {}
    for path in sorted(Path(corpus).iterdir()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        entry = manifest.get(path.name)
        doc_id = doc_id_for(path, entry)
        if path.suffix.lower() in (".txt", ".md"):
            texts[doc_id] = path.read_text(encoding="utf-8", errors="replace")
        else:  # PDFs: the extracted text is the only "source text" there is
            texts[doc_id] = load_file(path, entry).text
    return check_evidence(items, texts)
