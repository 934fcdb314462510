"""Hostile files, by kind, through the real `assistant ingest` (real PDFs, real model, real Chroma).

Government staff feed the assistant whatever is on their drives. Every file here
is made by the test: broken, locked and booby-trapped PDFs, odd encodings, odd
names and links that point out of the corpus folder. Ingest must report each bad
file by name with a Dutch reason, index every good one, never read outside the
corpus folder, and exit with status 3 ("files were skipped").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from pdfs import (
    make_corrupt_pdf,
    make_damaged_pdf,
    make_empty_file,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_pdf,
    make_truncated_pdf,
)

from assistant.pdf_guard import PdfLimits, PdfTooCostly, run_bounded

ROOT = Path(__file__).resolve().parent.parent
SECRET = "Zwaardvisgeheim"  # only in files outside the corpus: must never reach the index
GOOD = "De gemeente Zeewolde ontving in 2024 een bijdrage van € 250.000 voor {0}."


def _pdf_objects(objects: list[bytes]) -> bytes:
    """A syntactically valid PDF of the given object bodies (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes) -> bytes:
    packed = zlib.compress(content, 9)
    return f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed + b"\nendstream"


def _one_page_pdf(content: bytes) -> bytes:
    return _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def make_bombs(folder: Path) -> dict[str, str]:
    """PDF bombs (each a few hundred KB at most) and the word their reason must contain."""
    # 300 MB of content behind 300 KB of deflate: pypdf's inflate ceiling stops it.
    (folder / "bom-inflate.pdf").write_bytes(_one_page_pdf(b"BT (x) Tj ET " + b" " * 300_000_000))
    # 300,000 text operators on one page: ~30 s of layout work; the time ceiling stops it.
    (folder / "bom-operatoren.pdf").write_bytes(
        _one_page_pdf(b"BT /F1 12 Tf " + b"1 0 Td (ab) Tj " * 300_000 + b"ET")
    )
    # A page tree of 200,000 pages that all point at one page object.
    kids = b" ".join(b"3 0 R" for _ in range(200_000))
    (folder / "bom-paginas.pdf").write_bytes(
        _pdf_objects(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [" + kids + b"] /Count 200000 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            ]
        )
    )
    # Arrays nested 200,000 deep in the catalog.
    (folder / "bom-genest.pdf").write_bytes(
        _pdf_objects([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 200_000 + b"]" * 200_000 + b" >>"])
    )
    # A page tree whose pages contain their own parent.
    (folder / "bom-lus.pdf").write_bytes(
        _pdf_objects(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
            ]
        )
    )
    return {
        "bom-inflate.pdf": "onredelijk veel",
        "bom-operatoren.pdf": "te veel tijd",
        "bom-paginas.pdf": "onredelijk veel",
        "bom-genest.pdf": "PDF",
        "bom-lus.pdf": "PDF",
    }


def make_hostile_corpus(corpus: Path, outside: Path) -> tuple[dict[str, str], list[str]]:
    """Write bad and good files; returns {bad name: word its reason must contain}, good names."""
    pages = [GOOD.format("weerbaarheid") + "\n\nDe adviescommissie telt 7 leden."]
    make_corrupt_pdf(corpus / "geen-pdf.pdf")
    make_truncated_pdf(corpus / "afgebroken.pdf", pages)
    make_damaged_pdf(corpus / "beschadigd.pdf", pages)
    make_encrypted_pdf(corpus / "wachtwoord.pdf", pages, password="geheim123")
    make_image_only_pdf(corpus / "alleen-plaatjes.pdf")
    make_empty_file(corpus / "leeg.pdf")
    make_empty_file(corpus / "leeg.txt")
    (corpus / "latin1.txt").write_bytes("Financiële bijdrage van één miljoen".encode("latin-1"))
    mixed = "Eerst UTF-8: financiële steun. ".encode() + "Daarna Latin-1: één.".encode("latin-1")
    (corpus / "gemengd.txt").write_bytes(mixed)
    (corpus / "te-groot.txt").write_text("Veerkracht en weerbaarheid. " * 90_000, encoding="utf-8")
    (corpus / "zip-als-pdf.pdf").write_bytes(b"PK\x03\x04" + os.urandom(4000))
    bad = {
        "geen-pdf.pdf": "geen PDF",
        "afgebroken.pdf": "onvolledig",
        "beschadigd.pdf": "beschadigd",
        "wachtwoord.pdf": "wachtwoord",
        "alleen-plaatjes.pdf": "tekst",
        "leeg.pdf": "leeg",
        "leeg.txt": "leeg",
        "latin1.txt": "UTF-8",
        "gemengd.txt": "UTF-8",
        "te-groot.txt": "te groot",
        "zip-als-pdf.pdf": "geen PDF",
        **make_bombs(corpus),
    }
    # Links out of the corpus folder: a file and a folder, both holding the secret word.
    (outside / "buiten.txt").write_text(f"{SECRET}: dit bestand ligt buiten de map.", encoding="utf-8")
    (outside / "map").mkdir()
    (outside / "map" / "diep.txt").write_text(f"{SECRET} in een map buiten de documenten.", encoding="utf-8")
    os.symlink(outside / "buiten.txt", corpus / "koppeling-naar-buiten.txt")
    os.symlink(outside / "map", corpus / "map-naar-buiten")
    os.symlink(outside / "bestaat-niet.txt", corpus / "dode-koppeling.txt")
    bad["koppeling-naar-buiten.txt"] = "buiten de documentenmap"
    # A manifest entry that points out of the folder is only a label: never opened.
    manifest = corpus / "manifest.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "  - file: ../buiten/buiten.txt\n    title: Buiten\n",
        encoding="utf-8",
    )

    good = {
        "goed.pdf": None,
        "eigenaarsslot.pdf": None,  # encrypted with an empty user password: opens without asking
        "regel\x1b[2Jnaam\x07.txt": "stuurtekens",
        ("lang-" + "x" * 230 + ".txt"): "lange naam",
        "Één rapport – ß ünïcode.txt": "unicode",
        "报告.txt": "chinese naam",
        "binnen-koppeling.txt": None,
    }
    make_pdf(corpus / "goed.pdf", pages)
    make_encrypted_pdf(corpus / "eigenaarsslot.pdf", [GOOD.format("het eigenaarsslot")], password="")
    for name, topic in good.items():
        if topic:
            (corpus / name).write_text(GOOD.format(topic), encoding="utf-8")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "doel.txt").write_text(GOOD.format("een koppeling binnen de map"), encoding="utf-8")
    os.symlink(corpus / "sub" / "doel.txt", corpus / "binnen-koppeling.txt")  # inside: allowed
    return bad, [*good, "sub/doel.txt"]


def run_cli(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    corpus, outside, index = base / "corpus", base / "buiten", base / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    outside.mkdir()
    bad, good = make_hostile_corpus(corpus, outside)
    env = {"ASSISTANT_MAX_FILE_MB": "2", "ASSISTANT_PDF_TIMEOUT_S": "4"}
    started = time.monotonic()
    proc = run_cli("ingest", "--json", "--corpus", str(corpus), "--index", str(index), env=env)
    seconds = time.monotonic() - started
    plain = run_cli("ingest", "--corpus", str(corpus), "--index", str(index), env=env)
    return {
        "corpus": corpus,
        "index": index,
        "bad": bad,
        "good": good,
        "proc": proc,
        "plain": plain,
        "seconds": seconds,
        "env": env,
    }


def test_every_bad_file_is_reported_by_name_with_a_dutch_reason(hostile: dict) -> None:
    proc = hostile["proc"]
    assert proc.returncode == 3, proc.stderr
    report = json.loads(proc.stdout)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert set(reasons) == set(hostile["bad"]), reasons
    for name, word in hostile["bad"].items():
        assert word in reasons[name], (name, reasons[name])
    print(
        f"\n{len(reasons)} hostile files skipped, {len(hostile['good'])} good ones indexed, "
        f"ingest {hostile['seconds']:.0f} s"
    )


def test_a_pdf_bomb_costs_bounded_time(hostile: dict) -> None:
    # Without the ceiling the operator bomb alone takes about 30 s on this machine.
    assert hostile["seconds"] < 120


def test_every_good_file_is_indexed(hostile: dict) -> None:
    report = json.loads(hostile["proc"].stdout)
    assert report["documents"] == len(hostile["good"]) + 2  # plus the two bundled documents
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index=hostile["index"], corpus=hostile["corpus"]))
    files = {d["source_file"] for d in assistant.documents()}
    assert set(hostile["good"]) <= files
    for topic in ("stuurtekens", "lange naam", "unicode", "chinese naam", "het eigenaarsslot"):
        hits = assistant.search(f"bijdrage voor {topic}", k=3, mode="keyword")
        assert any(topic in h.passage.text for h in hits), topic


def test_nothing_outside_the_corpus_folder_is_read(hostile: dict) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index=hostile["index"], corpus=hostile["corpus"]))
    assert all(SECRET not in p.text for p in assistant.retriever.keyword_index().passages)
    assert all("buiten" not in d["source_file"] for d in assistant.documents())


def test_the_plain_report_escapes_control_characters_and_exits_3(hostile: dict) -> None:
    plain = hostile["plain"]
    assert plain.returncode == 3
    assert "\x1b" not in plain.stdout + plain.stderr
    for name in hostile["bad"]:
        assert f"overgeslagen: {name}:" in plain.stderr
    assert "0 toegevoegd" in plain.stdout  # the second run changes nothing


def test_a_clean_corpus_exits_0_and_a_missing_folder_1(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    ok = run_cli("ingest", "--corpus", str(corpus), "--index", str(tmp_path / "index"), env={})
    assert ok.returncode == 0, ok.stderr
    missing = run_cli("ingest", "--corpus", str(tmp_path / "nergens"), "--index", str(tmp_path / "i"), env={})
    assert missing.returncode == 1 and "bestaat niet" in missing.stderr


def test_the_pdf_worker_enforces_time_and_memory_and_recovers() -> None:
    with pytest.raises(PdfTooCostly, match="te veel tijd"):
        run_bounded(time.sleep, (30,), PdfLimits(timeout_s=1, memory_mb=2048))
    with pytest.raises(PdfTooCostly, match="te veel geheugen"):
        run_bounded(bytearray, (6 * 1024**3,), PdfLimits(timeout_s=60, memory_mb=1024))
    assert run_bounded(len, (b"weer bruikbaar",), PdfLimits(timeout_s=60, memory_mb=1024)) == 14


def test_a_worker_that_dies_for_another_reason_is_not_blamed_on_memory() -> None:
    # A reader that ends the process (a crash of the PDF library, a start-up failure) was reported as
    # "te veel geheugen"; a SIGKILL (what the kernel's out-of-memory killer sends) still says memory.
    limits = PdfLimits(timeout_s=60, memory_mb=1024)
    with pytest.raises(PdfTooCostly, match=r"stopte onverwacht \(code 3\)") as died:
        run_bounded(os._exit, (3,), limits)
    assert "geheugen" not in str(died.value)
    with pytest.raises(PdfTooCostly, match="te veel geheugen"):
        run_bounded(_killed, (), limits)
    assert run_bounded(len, (b"weer bruikbaar",), limits) == 14


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
