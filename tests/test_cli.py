"""The `assistant` command end to end: real model, real Chroma, real files, separate processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, env_extra: dict[str, str] | None = None, stdin: str | None = None, expect: int = 0
) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == expect, proc.stderr
    return proc


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A copy of the bundled corpus and an index folder of its own."""
    base = tmp_path_factory.mktemp("cli")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    return {"corpus": corpus, "index": base / "index"}


def test_ingest_then_search_finds_the_decentralised_grant(workspace: dict[str, Path]) -> None:
    first = run_cli(
        "ingest", "--corpus", str(workspace["corpus"]), "--index", str(workspace["index"]), "--json"
    )
    report = json.loads(first.stdout)
    assert report["documents"] == 2
    assert report["passages_added"] == report["total_passages"] > 10

    # The index is found through the environment variable as well as through --index.
    hits = json.loads(
        run_cli(
            "search",
            "Hoeveel gemeenten kregen een decentrale uitkering?",
            "--json",
            env_extra={"ASSISTANT_INDEX": str(workspace["index"])},
        ).stdout
    )
    assert "7 gemeenten" in hits[0]["text"]
    assert hits[0]["doc_id"] == "kst-36600-XV-32"
    assert hits[0]["section"] == "DU Veerkracht en Weerbaarheid"


def test_second_ingest_is_a_no_op(workspace: dict[str, Path]) -> None:
    args = ("ingest", "--corpus", str(workspace["corpus"]), "--index", str(workspace["index"]))
    run_cli(*args)
    again = run_cli(*args)
    assert "0 toegevoegd, 0 verwijderd" in again.stdout
    assert "Embedding passages" not in again.stderr  # no empty "0passage" progress bars
    report = json.loads(run_cli(*args, "--json").stdout)
    assert report["passages_added"] == report["passages_removed"] == 0
    assert report["passages_unchanged"] == report["total_passages"]


def test_search_filters_by_document_type(workspace: dict[str, Path]) -> None:
    hits = json.loads(
        run_cli(
            "search",
            "veerkracht en weerbaarheid",
            "--type",
            "nota",
            "--index",
            str(workspace["index"]),
            "--json",
        ).stdout
    )
    assert hits and all(h["type"] == "nota" for h in hits)


def test_ask_json_answers_with_a_quoted_citation(workspace: dict[str, Path]) -> None:
    out = run_cli(
        "ask",
        "--json",
        "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?",
        "--index",
        str(workspace["index"]),
    ).stdout
    answer = json.loads(out)  # exactly one JSON object
    assert set(answer) == {"answer", "refused", "method", "notice", "removed", "corrected", "citations"}
    assert answer["refused"] is False
    assert "2,1 miljoen" in answer["answer"]
    assert any("2,1 miljoen" in c["quote"] and c["quote"] in c["text"] for c in answer["citations"])


def test_ask_refuses_what_the_documents_do_not_say(workspace: dict[str, Path]) -> None:
    answer = json.loads(
        run_cli(
            "ask", "--json", "Hoeveel heeft het tweede congres gekost?", "--index", str(workspace["index"])
        ).stdout
    )
    assert answer["refused"] is True
    assert answer["citations"] == []
    assert "niet in de documenten" in answer["answer"]


def test_ask_reads_questions_from_stdin_as_jsonl(workspace: dict[str, Path]) -> None:
    """One object per input line, in order, with its line number and question; blank lines say so."""
    questions = (
        "Hoeveel gemeenten kregen een decentrale uitkering?\n\n   \n"
        "Wat is de hoofdstad van Frankrijk?\n?!\nWat doet de Maatschappelijke Raad?"
    )
    out = run_cli("ask", "-", "--json", "--index", str(workspace["index"]), stdin=questions).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [item["line"] for item in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[0]["question"] == "Hoeveel gemeenten kregen een decentrale uitkering?"
    assert lines[0]["refused"] is False and "7" in lines[0]["answer"] and "error" not in lines[0]
    # A blank line gets the object `ask --json ""` prints, with its line, question and error.
    single = json.loads(run_cli("ask", "--json", "", "--index", str(workspace["index"])).stdout)
    assert single["refused"] is True and single["reason"] == "empty"
    assert lines[1] == {"line": 2, "question": "", **single, "error": "empty"}
    assert lines[2] == {"line": 3, "question": "", **single, "error": "empty"}
    assert lines[3]["question"] == "Wat is de hoofdstad van Frankrijk?" and lines[3]["refused"] is True
    assert lines[3]["reason"] == "not_in_documents"  # every refusal says why, in one word
    assert lines[4]["error"] == "empty" and lines[4]["refused"] is True  # only punctuation: not a question
    assert lines[5]["question"] == "Wat doet de Maatschappelijke Raad?" and lines[5]["citations"]


def test_ask_with_only_blank_lines_still_answers_each_line(workspace: dict[str, Path]) -> None:
    out = run_cli("ask", "-", "--json", "--index", str(workspace["index"]), stdin="\n\n").stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(item["line"], item["refused"], item["reason"], item["error"]) for item in lines] == [
        (1, True, "empty", "empty"),
        (2, True, "empty", "empty"),
    ]
    assert all(item["answer"].startswith("Stel een vraag in woorden") for item in lines)


def test_ask_json_with_a_bad_date_is_still_one_object(workspace: dict[str, Path]) -> None:
    env = {**os.environ}
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--json", "Wat is de DU?", "--from", "31-02-2024"],
        capture_output=True,
        text=True,
        env={**env, "ASSISTANT_INDEX": str(workspace["index"])},
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 2
    [line] = proc.stdout.splitlines()
    assert "geen geldige datum" in json.loads(line)["error"]
    # A Dutch date is read as Dutch users write it.
    dated = json.loads(
        run_cli(
            "ask",
            "--json",
            "Wat doet de Maatschappelijke Raad?",
            "--from",
            "26-11-2024",
            "--index",
            str(workspace["index"]),
        ).stdout
    )
    assert {c["date"] for c in dated["citations"]} == {"2024-11-26"}


def test_bad_files_are_reported_by_name_and_the_rest_is_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "leeg.pdf").write_bytes(b"")
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    (corpus / "latin1.txt").write_bytes(
        "Gemeenten ontvangen een bijdrage van \xe9\xe9n euro".encode("latin-1")
    )
    proc = run_cli("ingest", "--corpus", str(corpus), "--index", str(tmp_path / "index"), expect=3)
    for name in ("leeg.pdf", "kapot.pdf", "latin1.txt"):
        assert name in proc.stderr
    assert "2 documenten" in proc.stdout


def test_chat_resolves_a_follow_up_in_the_terminal(workspace: dict[str, Path]) -> None:
    turns = "Wat is de SPUK Kansrijke Wijk?\nEn hoeveel gemeenten kregen een DU?\nstop\n"
    out = run_cli("chat", "--index", str(workspace["index"]), stdin=turns).stdout
    assert out.startswith("Stel een vraag over de documenten in de index (2 documenten).")
    first, second = out.split("Vraag: ")[1:3]
    assert "SPUK" in first and "[1]" in first
    assert "7 gemeenten" in second
    assert "Bronnen:" in second


def test_chat_greets_with_what_the_index_holds_not_a_programme(tmp_path: Path) -> None:
    """Another corpus, or none yet: the greeting names no programme the documents may not be about."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "afval.md").write_text(
        "# Afvalbeleid gemeente Testdorp\n\nDe gemeente Testdorp haalt het gft-afval elke week op.\n",
        encoding="utf-8",
    )
    empty = run_cli("chat", "--index", str(index), stdin="stop\n").stdout
    assert empty.startswith("De index bevat nog geen documenten; voer eerst `assistant ingest` uit.")
    run_cli("ingest", "--corpus", str(corpus), "--index", str(index))
    out = run_cli(
        "chat", "--index", str(index), stdin="Wat haalt de gemeente Testdorp elke week op?\nstop\n"
    ).stdout
    greeting = out.splitlines()[0]
    assert (
        greeting
        == "Stel een vraag over de documenten in de index (1 document). Leeg of 'stop' om te stoppen."
    )
    assert "Agenda" not in out and "Veerkracht" not in out
    assert "gft-afval elke week op. [1]" in out.split("Vraag: ")[1]


def test_a_closed_output_pipe_ends_the_cli_quietly(workspace: dict[str, Path]) -> None:
    """`assistant ask - --json | head -n 1`: the reader leaves early; no traceback, status 141."""
    run_cli("ingest", "--corpus", str(workspace["corpus"]), "--index", str(workspace["index"]), "--json")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ask", "-", "--json", "--index", str(workspace["index"])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write("Wat is de SPUK?\n" * 2000)
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader is gone, like `head -n 1`
    assert proc.wait(timeout=300) == 141
    assert '"line": 1' in first
    assert "Traceback" not in proc.stderr.read()


def test_search_and_ask_print_no_library_debug_lines(workspace: dict[str, Path]) -> None:
    """bm25s puts its own logger at DEBUG; building the keyword index must not say so on stderr."""
    run_cli("ingest", "--corpus", str(workspace["corpus"]), "--index", str(workspace["index"]), "--json")
    for args in (
        ("search", "Wat is de SPUK?"),
        ("ask", "Wat is de SPUK?"),
        ("ask", "--json", "Wat is de SPUK?"),
    ):
        for folder in workspace["index"].glob("keyword__*"):
            shutil.rmtree(folder)  # so this process builds the keyword index with bm25s again
        proc = run_cli(*args, "--index", str(workspace["index"]))
        assert list(workspace["index"].glob("keyword__*/key.txt")), "the keyword index was not rebuilt"
        assert "DEBUG" not in proc.stderr and "bm25s" not in proc.stderr, proc.stderr
        assert "INFO" not in proc.stderr, proc.stderr  # the CLI shows warnings only
