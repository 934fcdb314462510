"""Ingest of the real PDFs in ../shared/corpora/pdf: where the time goes, per folder and per stage.

    python benchmarks/bench_pdf_ingest.py [--folders kamervragen,rijksoverheid] [--embed-limit N]

Each PDF goes through the same stages as `assistant ingest`: parsing (pypdf's
layout engine and the reader's-text layout of `assistant.pdf_layout`, with OCR
of pages without a text layer where Tesseract is installed), cleaning (page
assembly), chunking and embedding (the default model; `--embed-limit` embeds
only the first N passages of each folder and extrapolates, which the table says).
Prints, per folder, documents, pages, passages, parsing pages/s and the share of
each stage in the total. Run it on a quiet machine: other processes on the two
cores change the numbers a lot.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT

from assistant.settings import Settings  # isort: split

from assistant import loading
from assistant.chunking import chunk_document
from assistant.cleaning import assemble_pages
from assistant.embedding import embed_passages, load_embedder
from assistant.types import DocumentMeta, SourceDocument

CORPORA = ROOT.parent / "shared" / "corpora" / "pdf"
STAGES = ("parse", "ocr", "clean", "chunk", "embed")


def _document(
    path: Path, timings: dict[str, float], ocr_language: str | None
) -> tuple[int, list[str]] | None:
    """Run one PDF through the stages, adding seconds per stage; (pages, passage texts) or None."""
    data = path.read_bytes()
    t0 = time.perf_counter()
    try:
        raw_pages, hidden = loading._pdf_pages(data, path)
    except loading.LoadError:
        return None
    t1 = time.perf_counter()
    raw_pages, _ = loading._ocr_missing_pages(data, raw_pages, ocr_language)
    t2 = time.perf_counter()
    pages = assemble_pages(raw_pages)
    t3 = time.perf_counter()
    timings["parse"] += t1 - t0
    timings["ocr"] += t2 - t1
    timings["clean"] += t3 - t2
    if not pages:
        return None
    meta = DocumentMeta(doc_id=path.stem, title=path.stem, doc_type="onbekend", source_file=path.name)
    t0 = time.perf_counter()
    passages = chunk_document(SourceDocument(meta, pages, hidden), 900, 150)
    timings["chunk"] += time.perf_counter() - t0
    return len(raw_pages), [p.embedding_text() for p in passages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", default="", help="comma-separated folder names (default: all)")
    parser.add_argument("--embed-limit", type=int, default=0, help="embed at most N passages per folder")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        raise SystemExit(f"{CORPORA} is absent: this benchmark needs ../shared/corpora")

    settings = Settings()
    model = load_embedder(settings.embedding_model, settings.embedding_threads)
    ocr_language = settings.ocr_language if settings.ocr_enabled else None
    folders = sorted(p for p in CORPORA.iterdir() if p.is_dir())
    if args.folders:
        folders = [f for f in folders if f.name in args.folders.split(",")]

    rows = []
    for folder in folders:
        timings: dict[str, float] = defaultdict(float)
        docs = pages = skipped = 0
        texts: list[str] = []
        for path in sorted(folder.glob("*.pdf")):
            result = _document(path, timings, ocr_language)
            if result is None:
                skipped += 1
                continue
            docs += 1
            pages += result[0]
            texts += result[1]
        sample = texts[: args.embed_limit] if args.embed_limit else texts
        t0 = time.perf_counter()
        if sample:
            embed_passages(model, sample)
        embed_s = time.perf_counter() - t0
        timings["embed"] = embed_s * (len(texts) / len(sample)) if sample else 0.0
        rows.append((folder.name, docs, skipped, pages, len(texts), timings, len(sample) < len(texts)))

    print(f"model {settings.embedding_model}, {settings.embedding_threads} threads\n")
    print(
        "| folder | docs | skipped | pages | passages | parse pages/s | total (s) | "
        + " | ".join(f"{s} %" for s in STAGES)
        + " |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(STAGES))
    for name, docs, skipped, pages, passages, timings, extrapolated in rows:
        total = sum(timings[s] for s in STAGES)
        shares = " | ".join(f"{100 * timings[s] / total:.0f}" if total else "-" for s in STAGES)
        rate = pages / timings["parse"] if timings["parse"] else 0.0
        note = " (embed extrapolated)" if extrapolated else ""
        counts = f"{docs} | {skipped} | {pages} | {passages}"
        print(f"| {name}{note} | {counts} | {rate:.1f} | {total:.0f} | {shares} |")


if __name__ == "__main__":
    main()
