"""Uploads: only real PDF/text files of a sane size reach the corpus, under safe names, never overwriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.corpus import load_corpus
from assistant.loading import load_manifest
from assistant.upload_checks import sanitise_filename
from assistant.uploads import (
    MetadataError,
    forget_uploads,
    parse_metadata,
    record_metadata,
    store_uploads,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(folder: Path, name: str, data: bytes) -> Path:
    """Files arrive in a temporary folder under their original name, as Gradio stores them."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bestaand.txt").write_text("Bestaande notitie over veerkracht.", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Notitie financiën 2025.PDF", "Notitie-financien-2025.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\jan\\Bureaublad\\brief.md", "brief.md"),
        (".verborgen.txt", "verborgen.txt"),
        ("???.txt", "document.txt"),
        ("a" * 300 + ".pdf", "a" * 100 + ".pdf"),
        ("rapport (definitief) v2.txt", "rapport-definitief-v2.txt"),
    ],
)
def test_sanitise_filename(name: str, safe: str) -> None:
    assert sanitise_filename(name) == safe


def test_good_files_are_copied_and_bad_ones_get_a_dutch_reason(tmp_path: Path, corpus: Path) -> None:
    up = tmp_path / "upload"
    files = [
        upload(up, "Verslag proefproject.pdf", PDF_BYTES),
        upload(up, "notitie.md", b"# Notitie\n\nDe pilot liep in Zwolle."),
        upload(up, "nep.pdf", b"dit is geen pdf"),
        upload(up, "tabel.docx", b"PK\x03\x04"),
        upload(up, "leeg.txt", b""),
        upload(up, "binair.txt", b"abc\x00def"),
        upload(up, "vermomd.txt", PDF_BYTES),
    ]
    results = store_uploads(files, corpus, max_mb=20)

    assert [r.accepted for r in results] == [True, True, False, False, False, False, False]
    assert results[0].stored_as == corpus / "Verslag-proefproject.pdf"
    assert (corpus / "Verslag-proefproject.pdf").read_bytes() == PDF_BYTES
    assert (corpus / "notitie.md").read_text(encoding="utf-8").startswith("# Notitie")
    assert "geen geldig PDF-bestand" in results[2].message
    assert ".docx wordt niet ondersteund" in results[3].message
    assert "leeg" in results[4].message
    assert "binaire gegevens" in results[5].message
    assert "extensie .pdf" in results[6].message
    # Only the accepted files (and what was there) are in the corpus; no temporary leftovers.
    assert sorted(p.name for p in corpus.iterdir()) == [
        "Verslag-proefproject.pdf",
        "bestaand.txt",
        "notitie.md",
    ]


def test_too_large_file_is_rejected_before_reading(tmp_path: Path, corpus: Path) -> None:
    big = upload(tmp_path / "upload", "groot.txt", b"tekst " * 400_000)  # 2.3 MB of 1024 * 1024 bytes
    [result] = store_uploads([big], corpus, max_mb=1.5)
    assert not result.accepted
    assert result.message == "Het bestand is te groot (2,3 MB; maximaal 1,5 MB)."
    assert not (corpus / "groot.txt").exists()


def test_same_name_different_content_never_overwrites(tmp_path: Path, corpus: Path) -> None:
    [first] = store_uploads([upload(tmp_path / "a", "bestaand.txt", b"Andere inhoud.")], corpus, max_mb=20)
    [second] = store_uploads([upload(tmp_path / "b", "bestaand.txt", b"Nog een versie.")], corpus, max_mb=20)

    assert (corpus / "bestaand.txt").read_text(encoding="utf-8") == "Bestaande notitie over veerkracht."
    assert first.stored_as == corpus / "bestaand-2.txt" and first.new
    assert second.stored_as == corpus / "bestaand-3.txt"
    assert "bestaand-2.txt" in first.message and "al in gebruik" in first.message
    assert (corpus / "bestaand-3.txt").read_bytes() == b"Nog een versie."


def test_identical_content_is_not_added_twice(tmp_path: Path, corpus: Path) -> None:
    same = upload(tmp_path / "upload", "kopie van bestaand.txt", b"Bestaande notitie over veerkracht.")
    [result] = store_uploads([same], corpus, max_mb=20)
    assert result.accepted and not result.new
    assert result.stored_as == corpus / "bestaand.txt"
    assert "Staat al in de documenten als bestaand.txt" in result.message
    assert sorted(p.name for p in corpus.iterdir()) == ["bestaand.txt"]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_windows_text_is_stored_as_utf8(tmp_path: Path, corpus: Path, encoding: str) -> None:
    text = "Financiële bijdrage van € 42 voor de coördinator."
    [result] = store_uploads(
        [upload(tmp_path / "up", "windows.txt", text.encode(encoding))], corpus, max_mb=20
    )
    assert result.accepted
    assert (corpus / "windows.txt").read_text(encoding="utf-8") == text


def test_names_that_the_loader_would_skip_are_avoided(tmp_path: Path, corpus: Path) -> None:
    """A name whose document id is taken (here by the manifest), or a README, which the loader ignores."""
    (corpus / "manifest.yaml").write_text(
        "documents:\n  - file: bestaand.txt\n    doc_id: kamerbrief-2024\n", encoding="utf-8"
    )
    up = tmp_path / "upload"
    results = store_uploads(
        [
            upload(up, "Kamerbrief 2024.pdf", PDF_BYTES),
            upload(up, "README.md", b"# Leesmij\n\nUitleg over de pilot."),
            upload(up, "Bestaand.md", b"# Andere notitie"),  # id 'bestaand' is free: the manifest renamed it
            upload(up, "kamerbrief_2024.txt", b"Nog een kamerbrief."),  # same id as the first upload
        ],
        corpus,
        max_mb=20,
    )
    names = [r.stored_as.name for r in results if r.stored_as]
    assert names == ["Kamerbrief-2024-2.pdf", "README-2.md", "Bestaand.md", "kamerbrief_2024-3.txt"]


def test_documents_in_subfolders_count_as_present(tmp_path: Path, corpus: Path) -> None:
    (corpus / "archief").mkdir()
    (corpus / "archief" / "oud.txt").write_bytes(b"Oude notitie.")
    [result] = store_uploads([upload(tmp_path / "up", "oud.txt", b"Oude notitie.")], corpus, max_mb=20)
    assert result.accepted and not result.new
    assert "archief/oud.txt" in result.message


REPO_MANIFEST = Path(__file__).resolve().parent.parent / "corpus" / "manifest.yaml"


def test_metadata_is_appended_keeping_existing_entries_and_comments(tmp_path: Path, corpus: Path) -> None:
    shutil.copy(REPO_MANIFEST, corpus / "manifest.yaml")
    before = (corpus / "manifest.yaml").read_text(encoding="utf-8")
    meta = parse_metadata(" Rapport ", "2025-03-01", "Evaluatie: pilot Zwolle", "36 600 XV, nr. 40")
    record_metadata(corpus, [meta.entry("evaluatie.md", source="upload via de webapp")])

    after = (corpus / "manifest.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # comments and entries untouched, byte for byte
    assert '# The nota carries no date; it announces a debate "op 16 oktober".' in after
    assert "    date: 2025-03-01\n" in after  # same style as the hand-written entries
    manifest = load_manifest(corpus)
    assert list(manifest) == [
        "kamerbrief-36600-XV-32.txt",
        "nota-agenda-veerkrachtige-weerbare-samenleving.txt",
        "evaluatie.md",
    ]
    assert manifest["kamerbrief-36600-XV-32.txt"]["date"] == "2024-11-26"
    assert manifest["evaluatie.md"] == {
        "file": "evaluatie.md",
        "title": "Evaluatie: pilot Zwolle",
        "type": "rapport",
        "date": "2025-03-01",
        "kamerstuk": "36 600 XV, nr. 40",
        "source": "upload via de webapp",
    }
    assert not [p.name for p in corpus.iterdir() if p.name.startswith(".")]  # no temporary leftovers


def test_missing_manifest_is_created_with_a_documents_list(corpus: Path) -> None:
    record_metadata(corpus, [parse_metadata("nota", "", None, None).entry("bestaand.txt")])
    text = (corpus / "manifest.yaml").read_text(encoding="utf-8")
    assert "documents:\n  - file: bestaand.txt\n" in text
    assert load_manifest(corpus) == {"bestaand.txt": {"file": "bestaand.txt", "type": "nota", "date": None}}


@pytest.mark.parametrize("value", ["2024-02-30", "31-02-2024", "20241126", "morgen", "november 2024"])
def test_bad_date_is_rejected_in_dutch(value: str) -> None:
    with pytest.raises(MetadataError, match=f"Datum '{value}' is geen geldige datum: schrijf bv. 26-11-2024"):
        parse_metadata("rapport", value, None, None)


@pytest.mark.parametrize(
    "value", ["26-11-2024", "26 november 2024", "2024-11-26", "26/11/2024", "26 nov. 2024"]
)
def test_dates_are_read_as_dutch_users_write_them(value: str) -> None:
    assert parse_metadata("rapport", value, None, None).date == "2024-11-26"


def test_stored_files_and_manifest_are_readable_by_others(tmp_path: Path, corpus: Path) -> None:
    """0644 like any project file, not the 0600 of the temporary file they were written through."""
    [result] = store_uploads([upload(tmp_path / "up", "nota.txt", b"Een notitie.")], corpus, max_mb=20)
    record_metadata(corpus, [parse_metadata("nota", "", None, None).entry("nota.txt")])
    assert result.stored_as is not None
    assert result.stored_as.stat().st_mode & 0o777 == 0o644
    assert (corpus / "manifest.yaml").stat().st_mode & 0o777 == 0o644


def test_the_bundled_corpus_counts_as_present_but_is_never_written(tmp_path: Path, corpus: Path) -> None:
    uploads = tmp_path / "uploads"
    before = sorted((p.name, p.read_bytes()) for p in corpus.iterdir())
    same, other = store_uploads(
        [
            upload(tmp_path / "up", "kopie.txt", b"Bestaande notitie over veerkracht."),
            upload(tmp_path / "up2", "bestaand.txt", b"Een andere notitie."),
        ],
        uploads,
        max_mb=20,
        others=[corpus],
    )
    assert not same.new and "Staat al in de documenten als bestaand.txt" in same.message
    assert other.stored_as == uploads / "bestaand-2.txt"  # never the bundled file's name
    assert sorted((p.name, p.read_bytes()) for p in corpus.iterdir()) == before


def test_forgotten_upload_leaves_no_trace(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    [result] = store_uploads([upload(tmp_path / "up", "scan.pdf", PDF_BYTES)], uploads, max_mb=20)
    record_metadata(uploads, [parse_metadata("rapport", "", None, None).entry("scan.pdf")])
    forget_uploads(uploads, ["scan.pdf"])
    assert list(uploads.iterdir()) == []  # no file, no manifest, no temporary leftovers


def test_manifest_that_would_break_is_restored(corpus: Path) -> None:
    # The list is not the last key: appended items would not join it, so nothing may change.
    original = b"# Handgeschreven\ndocuments:\n  - file: bestaand.txt\n    type: nota\nversie: 2\n"
    (corpus / "manifest.yaml").write_bytes(original)
    with pytest.raises(MetadataError, match="het manifest is ongewijzigd"):
        record_metadata(corpus, [parse_metadata("rapport", "", None, None).entry("nieuw.txt")])
    assert (corpus / "manifest.yaml").read_bytes() == original
    with pytest.raises(MetadataError, match="staat al in het manifest"):
        record_metadata(corpus, [parse_metadata("rapport", "", None, None).entry("bestaand.txt")])
    assert (corpus / "manifest.yaml").read_bytes() == original


def test_uploaded_file_loads_with_the_given_metadata(tmp_path: Path, corpus: Path) -> None:
    shutil.copy(REPO_MANIFEST, corpus / "manifest.yaml")
    source = upload(tmp_path / "upload", "Evaluatie pilot.md", b"# Evaluatie\n\nDe pilot liep in Zwolle.")
    [result] = store_uploads([source], corpus, max_mb=20)
    assert result.new and result.stored_as is not None
    meta = parse_metadata("rapport", "2025-03-01", "Evaluatie pilot Zwolle", None)
    record_metadata(corpus, [meta.entry(result.stored_as.name)])

    documents, skipped = load_corpus(corpus, max_file_mb=20)
    assert skipped == []
    [doc] = [d for d in documents if d.meta.source_file == "Evaluatie-pilot.md"]
    assert (doc.meta.doc_type, doc.meta.date, doc.meta.title) == (
        "rapport",
        "2025-03-01",
        "Evaluatie pilot Zwolle",
    )
    assert doc.meta.kamerstuk is None


def test_name_listed_in_the_manifest_is_not_reused(tmp_path: Path, corpus: Path) -> None:
    # The manifest still describes a file that was removed; a new upload must not inherit that entry.
    (corpus / "manifest.yaml").write_text(
        "documents:\n  - file: notitie.txt\n    type: kamerbrief\n", encoding="utf-8"
    )
    source = upload(tmp_path / "upload", "notitie.txt", b"Een nieuwe notitie.")
    [result] = store_uploads([source], corpus, max_mb=20)
    assert result.stored_as == corpus / "notitie-2.txt"
    record_metadata(corpus, [parse_metadata("nota", "", None, None).entry("notitie-2.txt")])
    assert load_manifest(corpus)["notitie-2.txt"]["type"] == "nota"
