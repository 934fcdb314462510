"""The chat-model path: building models, the post-check of citations, streaming and fallback.

The passages come from a real index of the bundled corpus (real embedding
model, real Chroma). The only fake is the remote chat endpoint: a scripted
`GenericFakeChatModel` from langchain_core, a STAND-IN FOR A REMOTE ENDPOINT,
which streams a fixed reply word by word. The unreachable-endpoint tests use the
real `ChatOpenAI` client pointed at a closed local port.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from assistant.answering import REFUSAL
from assistant.llm import (
    PROMPTS,
    LLMAnswerer,
    answer_messages,
    build_chat_model,
    check_citations,
    rewrite_with_model,
)
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Answer, Hit

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?"
UNREACHABLE = "Taalmodel niet bereikbaar; antwoord zonder taalmodel."


def scripted_endpoint(reply: str) -> GenericFakeChatModel:
    """STAND-IN FOR A REMOTE ENDPOINT: a chat model that streams `reply` word by word."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))


def closed_port() -> int:
    """A local port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    a = Assistant(Settings(index=tmp_path_factory.mktemp("llm") / "index", corpus=ROOT / "corpus"))
    a.ingest(progress=False)
    return a


@pytest.fixture(scope="module")
def hits(assistant: Assistant) -> list[Hit]:
    return assistant.search(QUESTION)


@pytest.fixture(scope="module")
def n(hits: list[Hit]) -> int:
    """The number under which the prompt shows the Social Labs passage."""
    return next(i for i, h in enumerate(hits, 1) if "2,1 miljoen" in h.passage.text)


def run(assistant: Assistant, hits: list[Hit], reply: str) -> tuple[list[str], Answer]:
    llm = LLMAnswerer(scripted_endpoint(reply), assistant.answerer)
    *chunks, final = list(llm.stream(QUESTION, hits, QUESTION))
    assert isinstance(final, Answer) and all(isinstance(c, str) for c in chunks)
    return chunks, final


# --- building the model and the prompt -------------------------------------------------


def test_build_chat_model_follows_the_provider_setting() -> None:
    assert build_chat_model(Settings(llm_provider="none")) is None
    openai = build_chat_model(
        Settings(llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_timeout_s=7)
    )
    assert isinstance(openai, ChatOpenAI)
    assert (openai.model_name, openai.openai_api_base, openai.request_timeout, openai.streaming) == (
        "m", "http://127.0.0.1:9/v1", 7, True,
    )  # fmt: skip
    ollama = build_chat_model(
        Settings(llm_provider="ollama", llm_base_url="http://127.0.0.1:9", llm_model="qwen")
    )
    assert isinstance(ollama, ChatOllama) and (ollama.model, ollama.base_url) == (
        "qwen",
        "http://127.0.0.1:9",
    )
    with pytest.raises(ValueError, match="llm_provider"):
        build_chat_model(Settings(llm_provider="gpt"))


def test_the_prompt_numbers_the_passages_and_names_the_refusal(hits: list[Hit]) -> None:
    system, user = answer_messages(QUESTION, [h.passage for h in hits], "nl")
    assert "Dutch" in system.content and REFUSAL["nl"] in system.content and "[1]" in system.content
    for i, hit in enumerate(hits, 1):
        assert f"[{i}] {hit.passage.title}" in user.content and hit.passage.text in user.content
    assert user.content.endswith(f"Question: {QUESTION}")
    english = answer_messages("How much?", [hits[0].passage], "en")[0].content
    assert "English" in english and REFUSAL["en"] in english
    assert set(PROMPTS) >= {"answer_system", "answer_user", "rewrite_system", "rewrite_user"}


# --- the post-check, with the scripted endpoint ------------------------------------------


def test_stand_in_endpoint_correct_cited_answer_is_kept_with_its_quote(
    assistant: Assistant, hits: list[Hit], n: int
) -> None:
    reply = f"JenV heeft 2,1 miljoen ter beschikking gesteld voor de Social Labs [{n}]."
    chunks, answer = run(assistant, hits, reply)
    assert len(chunks) > 3 and "".join(chunks) == reply  # streamed in pieces before the Answer
    assert not answer.refused and answer.notice is None and answer.text == reply
    [citation] = answer.citations
    assert citation.n == n and "2,1 miljoen" in citation.quote
    assert citation.passage.text[citation.quote_start : citation.quote_end] == citation.quote
    assert answer.answerer == "llm:GenericFakeChatModel"


def test_stand_in_endpoint_citation_of_a_missing_passage_is_caught(
    assistant: Assistant, hits: list[Hit], n: int
) -> None:
    _, answer = run(
        assistant,
        hits,
        f"JenV gaf 2,1 miljoen [{n}]. Het doel is de weerbaarheid van jongeren vergroten [7].",
    )
    assert "[7]" not in answer.text and "jongeren" not in answer.text
    assert answer.notice == "Verwijzing [7] bestaat niet; 1 zin verwijderd: niet gedekt door de bron"
    assert [c.n for c in answer.citations] == [n]


def test_stand_in_endpoint_number_not_in_the_cited_passage_is_dropped_and_flagged(
    assistant: Assistant, hits: list[Hit], n: int
) -> None:
    _, answer = run(
        assistant, hits, f"JenV gaf 2,1 miljoen [{n}]. Daarnaast stelde SZW 5,4 miljoen beschikbaar [{n}]."
    )
    assert answer.text == f"JenV gaf 2,1 miljoen [{n}]."
    assert answer.notice == "1 zin verwijderd: niet gedekt door de bron"
    assert not answer.refused and len(answer.citations) == 1


def test_stand_in_endpoint_refusal_is_passed_on_without_citations(
    assistant: Assistant, hits: list[Hit]
) -> None:
    _, answer = run(assistant, hits, "Dit staat niet in de documenten.")
    assert answer.refused and answer.citations == []
    assert answer.text.startswith("Dit staat niet in de documenten. Dichtstbijzijnde passages: ")


def test_stand_in_endpoint_answer_without_support_falls_back_to_the_offline_answer(
    assistant: Assistant, hits: list[Hit], n: int
) -> None:
    _, answer = run(assistant, hits, f"Het bedrag was 9,9 miljoen [{n}].")
    assert answer.answerer == "extractive" and "2,1 miljoen" in answer.text
    assert answer.notice.startswith("Antwoord van het taalmodel niet gedekt door de bronnen")


def test_check_citations_keeps_uncited_filler_but_not_uncited_numbers(hits: list[Hit]) -> None:
    passages = [h.passage for h in hits]
    check = check_citations("Volgens de documenten geldt het volgende. Het ging om 12 miljoen.", passages)
    assert [s.kept for s in check.sentences] == [True, False]


def test_english_answers_may_translate_names_but_not_numbers(hits: list[Hit], n: int) -> None:
    passages = [h.passage for h in hits]
    ok = check_citations(
        f"The Ministry of Justice and Security (JenV) made 2.1 million available [{n}].", passages
    )
    assert [s.kept for s in ok.sentences] == [True]
    wrong = check_citations(f"The Ministry of Justice made 3.1 million available [{n}].", passages)
    assert [s.kept for s in wrong.sentences] == [False] and "31" in wrong.sentences[0].unsupported


# --- an endpoint that cannot be reached ---------------------------------------------------


def test_unreachable_endpoint_falls_back_to_the_extractive_answer(
    assistant: Assistant, hits: list[Hit]
) -> None:
    model = ChatOpenAI(
        base_url=f"http://127.0.0.1:{closed_port()}/v1", model="m", api_key="x", timeout=5, max_retries=0
    )
    *chunks, answer = list(LLMAnswerer(model, assistant.answerer).stream(QUESTION, hits, QUESTION))
    assert isinstance(answer, Answer) and chunks
    assert answer.notice == UNREACHABLE and answer.answerer == "extractive"
    assert not answer.refused and any("2,1 miljoen" in c.quote for c in answer.citations)


def test_the_pipeline_uses_the_configured_model_and_survives_its_absence(assistant: Assistant) -> None:
    port = closed_port()
    configured = Assistant(
        assistant.settings.with_overrides(
            llm_provider="openai",
            llm_base_url=f"http://127.0.0.1:{port}/v1",
            llm_max_retries=0,
            llm_timeout_s=5,
        )
    )
    answer = configured.ask(QUESTION)
    assert answer.notice == UNREACHABLE and "2,1 miljoen" in answer.text
    # The follow-up rewrite falls back to the offline rewrite as well.
    follow = configured.ask(
        "Hoeveel geld is daarvoor beschikbaar?", history=[("Wat is de SPUK Kansrijke Wijk?", "")]
    )
    assert "SPUK Kansrijke Wijk" in follow.standalone_query


def test_stand_in_endpoint_rewrites_a_followup_and_a_broken_one_falls_back() -> None:
    history = [("Wat is de SPUK Kansrijke Wijk?", "Een specifieke uitkering.")]
    model = scripted_endpoint("Hoeveel geld is beschikbaar voor de SPUK Kansrijke Wijk?\n")
    assert rewrite_with_model(model, "Hoeveel geld is daarvoor beschikbaar?", history) == (
        "Hoeveel geld is beschikbaar voor de SPUK Kansrijke Wijk?"
    )
    broken = ChatOpenAI(
        base_url=f"http://127.0.0.1:{closed_port()}/v1", model="m", api_key="x", max_retries=0
    )
    assert rewrite_with_model(broken, "Hoeveel geld is daarvoor beschikbaar?", history) == (
        "Hoeveel geld is daarvoor beschikbaar? (SPUK Kansrijke Wijk)"
    )
    assert rewrite_with_model(broken, "Wat is de DU?", []) == "Wat is de DU?"  # nothing to resolve: no call
