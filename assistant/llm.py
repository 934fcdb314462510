"""The optional chat-model path: prompt, streaming, citation post-check and offline fallback.

A chat model writes more fluent answers than quoting sentences, but it can cite a
passage that does not exist or put a number in a sentence that its source does
not contain. So the model's answer is streamed to the user as it comes, and then
checked: citation numbers must exist, and each cited sentence must share its
key facts (numbers, amounts, names) with the passage it cites; sentences that do
not are removed and the answer says so. Each citation gets the sentence of its
passage that best supports the answer as its quote, with exact offsets. When the
endpoint cannot be reached the offline extractive answerer answers instead.

Models are reached through LangChain: any OpenAI-compatible endpoint
(`ChatOpenAI`) or Ollama (`ChatOllama`). A model running inside this process was
considered: `llama-cpp-python` would need a ~10 minute source build here and the
only small GGUF model found in a PyPI package has no stated licence, so there is
no local generator; the offline path is extractive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import httpx
import ollama
import openai
from langchain_core.exceptions import ModelConnectionError, ModelError, ModelTimeoutError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answering import (
    REFUSAL,
    ExtractiveAnswerer,
    describe_passage,
    one_line,
    refusal,
    split_sentences,
)
from assistant.conversation import Language, detect_language, rewrite_followup
from assistant.retrieval import analyze
from assistant.settings import Settings
from assistant.types import Answer, Citation, Hit, Passage, final_answer

# --- PROMPTS: every text the model is given ----------------------------------------

PROMPTS: dict[str, str] = {
    "answer_system": (
        "You answer questions about Dutch government policy documents. Use ONLY the numbered "
        "passages below; never use other knowledge.\n"
        "- Answer in {language}, in at most three short sentences.\n"
        "- Copy facts (amounts, numbers, dates, names) exactly as they are written in the passages, "
        "in Dutch.\n"
        "- End every sentence with the number of the passage it comes from, e.g. [1] or [2].\n"
        "- If the passages do not contain the answer, reply with exactly this sentence and nothing "
        'else: "{refusal}"'
    ),
    "answer_user": "Passages:\n\n{passages}\n\nQuestion: {question}",
    "passage": "[{n}] {where}\n{text}",
    "rewrite_system": (
        "Rewrite the user's last question as a standalone search query, using the conversation "
        "to fill in what words like 'dat', 'die', 'daarvoor', 'it' or 'they' refer to. Keep the "
        "question's language and its names, abbreviations and numbers. If the question is already "
        "self-contained, return it unchanged. Reply with the query only, on one line."
    ),
    "rewrite_user": "Conversation:\n{history}\n\nLast question: {question}\n\nStandalone query:",
}
LANGUAGE_NAMES: dict[Language, str] = {"nl": "Dutch", "en": "English"}

NOTICES: dict[str, dict[Language, str]] = {
    "unreachable": {
        "nl": "Taalmodel niet bereikbaar; antwoord zonder taalmodel.",
        "en": "Language model unreachable; answer without the language model.",
    },
    "error": {
        "nl": "Taalmodel gaf een fout; antwoord zonder taalmodel.",
        "en": "The language model returned an error; answer without the language model.",
    },
    "unsupported": {
        "nl": "Antwoord van het taalmodel niet gedekt door de bronnen; antwoord zonder taalmodel.",
        "en": (
            "The language model's answer was not supported by the sources; answer without the language model."
        ),
    },
    "dropped": {
        "nl": "{count} {noun} verwijderd: niet gedekt door de bron",
        "en": "{count} {noun} removed: not supported by the source",
    },
    "invalid": {
        "nl": "verwijzing {refs} bestaat niet",
        "en": "citation {refs} does not exist",
    },
}
_SENTENCE_NOUN: dict[Language, tuple[str, str]] = {"nl": ("zin", "zinnen"), "en": ("sentence", "sentences")}

# The endpoint cannot be reached: answer offline instead.
UNREACHABLE = (ModelConnectionError, ModelTimeoutError, ConnectionError, TimeoutError, httpx.TransportError)
# The endpoint answered with an error (bad key, unknown model, rate limit).
MODEL_FAILURES = (ModelError, openai.APIError, ollama.ResponseError, httpx.HTTPError)


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for the offline answerer ('none').

    Nothing is contacted here: a wrong address shows up at the first question,
    which then falls back to the offline answer. Temperature 0 keeps answers
    as repeatable as the endpoint allows.
    """
    provider = settings.llm_provider.strip().lower()
    if provider == "none":
        return None
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            # Local OpenAI-compatible servers accept any key, but the client insists on one.
            api_key=settings.llm_api_key or "not-needed",
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            streaming=True,
            temperature=0,
        )
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            temperature=0,
            client_kwargs={"timeout": settings.llm_timeout_s},
        )
    raise ValueError(f"Unknown llm_provider {settings.llm_provider!r}: use 'none', 'openai' or 'ollama'.")


def model_name(chat_model: BaseChatModel) -> str:
    """The model's name for `Answer.answerer`, so a reader (and the evaluation) can tell who wrote it."""
    return str(
        getattr(chat_model, "model_name", None)
        or getattr(chat_model, "model", None)
        or type(chat_model).__name__
    )


def answer_messages(question: str, passages: Sequence[Passage], lang: Language) -> list[BaseMessage]:
    """The prompt: instructions, then the numbered passages and the question."""
    numbered = "\n\n".join(
        PROMPTS["passage"].format(n=n, where=describe_passage(p), text=p.text)
        for n, p in enumerate(passages, 1)
    )
    system = PROMPTS["answer_system"].format(language=LANGUAGE_NAMES[lang], refusal=REFUSAL[lang])
    return [
        SystemMessage(system),
        HumanMessage(PROMPTS["answer_user"].format(passages=numbered, question=question)),
    ]


def rewrite_with_model(chat_model: BaseChatModel, question: str, history: list[tuple[str, str]]) -> str:
    """A standalone query written by the model; the offline rewrite when the model fails.

    Only asked when there is history: a first question has nothing to resolve. A
    reply that is empty or far longer than a query is not trusted.
    """
    if not history:
        return question.strip()
    turns = "\n".join(f"User: {q}\nAssistant: {one_line(a)[:300]}" for q, a in history[-3:])
    messages = [
        SystemMessage(PROMPTS["rewrite_system"]),
        HumanMessage(PROMPTS["rewrite_user"].format(history=turns, question=question)),
    ]
    try:
        reply = chat_model.invoke(messages).text
    except (*UNREACHABLE, *MODEL_FAILURES):
        return rewrite_followup(question, history)
    lines = [line.strip().strip("\"'") for line in reply.strip().splitlines() if line.strip()]
    if not lines or len(lines[0]) > 2 * len(question) + 200:
        return rewrite_followup(question, history)
    return lines[0]


# --- the post-check ------------------------------------------------------------------

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")
_NAME = re.compile(r"[\w][\w'’&.-]*")


def _digits(number: str) -> str:
    """One spelling for "313.327"/"313,327" and "6,3"/"6.3": the digits."""
    return re.sub(r"\D", "", number)


def _numbers(text: str) -> set[str]:
    return {_digits(m.group()) for m in _NUMBER.finditer(text)}


def _names(text: str) -> list[str]:
    """Capitalised words after the first word, and abbreviations: the names a sentence states."""
    tokens = _NAME.findall(text)
    names = [
        t.rstrip(".")
        for i, t in enumerate(tokens)
        if (i > 0 and t[0].isupper()) or sum(c.isupper() for c in t) >= 2
    ]
    return [n for n in names if n]


def _name_supported(name: str, passage_words: set[str]) -> bool:
    """A name is supported by the same word or, for a translation, the same first five letters.

    "Ministry"/"Ministerie" and "Justice"/"Justitie" are the same names in an
    English answer about a Dutch passage.
    """
    low = name.lower()
    return low in passage_words or (len(low) >= 5 and any(w.startswith(low[:5]) for w in passage_words))


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of the model's answer and the verdict on it."""

    text: str  # as written, markers included
    cited: tuple[int, ...]  # passage numbers that exist
    invalid: tuple[int, ...]  # passage numbers that do not
    kept: bool
    unsupported: tuple[str, ...] = ()  # facts not found in the cited passages

    @property
    def body(self) -> str:
        """The sentence without its citation markers."""
        return one_line(_MARKER.sub("", self.text)).replace(" .", ".")


@dataclass(frozen=True)
class CitationCheck:
    """The verdict on a model answer: which sentences stay and what the reader is told."""

    sentences: list[CheckedSentence]

    @property
    def kept(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if s.kept]

    @property
    def dropped(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if not s.kept]

    @property
    def invalid_numbers(self) -> list[int]:
        return sorted({n for s in self.sentences for n in s.invalid})

    def text(self) -> str:
        """The kept sentences, with markers that point nowhere removed."""
        parts = []
        for s in self.kept:
            text = one_line(s.text)
            for n in s.invalid:
                text = re.sub(rf"\s*\[{n}\]", "", text)
            parts.append(text)
        return " ".join(parts)

    def notice(self, lang: Language) -> str | None:
        notes = []
        if self.invalid_numbers:
            refs = ", ".join(f"[{n}]" for n in self.invalid_numbers)
            notes.append(NOTICES["invalid"][lang].format(refs=refs))
        if self.dropped:
            count = len(self.dropped)
            noun = _SENTENCE_NOUN[lang][0 if count == 1 else 1]
            notes.append(NOTICES["dropped"][lang].format(count=count, noun=noun))
        if not notes:
            return None
        notice = "; ".join(notes)
        return notice[0].upper() + notice[1:]


def check_citations(text: str, passages: Sequence[Passage]) -> CitationCheck:
    """Check a model answer against the passages it was given (numbered from 1).

    A sentence is kept when it cites at least one existing passage and every
    number in it occurs in a cited passage, and at most half of its names are
    missing there (an English answer translates some names). A sentence that only
    cites passages that do not exist is dropped. A sentence without citations is
    kept only when its numbers occur in some passage: uncited filler ("Volgens de
    documenten:") is harmless, an uncited amount is not.
    """
    numbers_in = [_numbers(p.text) for p in passages]
    words_in = [{w.lower() for w in _NAME.findall(p.embedding_text())} for p in passages]
    checked = []
    for start, end in split_sentences(text, citation_markers=True):
        sentence = text[start:end]
        refs = [int(n) for group in _MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]
        cited = tuple(dict.fromkeys(n for n in refs if 1 <= n <= len(passages)))
        invalid = tuple(dict.fromkeys(n for n in refs if not 1 <= n <= len(passages)))
        body = _MARKER.sub("", sentence)
        numbers, names = _numbers(body), _names(body)
        if cited:
            known_numbers = set().union(*(numbers_in[n - 1] for n in cited))
            known_words = set().union(*(words_in[n - 1] for n in cited))
            missing = [n for n in numbers if n not in known_numbers]
            missing_names = [n for n in names if not _name_supported(n, known_words)]
            ok = not missing and len(missing_names) * 2 <= len(names)
            checked.append(CheckedSentence(sentence, cited, invalid, ok, tuple(missing + missing_names)))
        elif invalid:
            checked.append(CheckedSentence(sentence, cited, invalid, False, ()))
        else:
            anywhere = set().union(*numbers_in) if numbers_in else set()
            missing = [n for n in numbers if n not in anywhere]
            checked.append(CheckedSentence(sentence, (), (), not missing, tuple(missing)))
    return CitationCheck(checked)


def _support(answer_sentence: str, passage_sentence: str) -> float:
    """How well a passage sentence backs an answer sentence: shared numbers, names, then terms."""
    numbers = len(_numbers(answer_sentence) & _numbers(passage_sentence))
    names = len({n.lower() for n in _names(answer_sentence)} & {n.lower() for n in _names(passage_sentence)})
    a, b = set(analyze(answer_sentence)), set(analyze(passage_sentence))
    overlap = len(a & b) / len(a | b) if a and b else 0.0
    return 3.0 * numbers + 1.0 * names + overlap


def best_quote(passage: Passage, answer_sentences: Sequence[str]) -> tuple[int, int]:
    """The span of the passage sentence that best supports the answer sentences citing it."""
    spans = split_sentences(passage.text) or [(0, len(passage.text))]
    return max(
        spans,
        key=lambda span: (
            sum(_support(s, passage.text[span[0] : span[1]]) for s in answer_sentences),
            -span[0],
        ),
    )


def is_refusal(text: str) -> bool:
    """Whether the model said the passages do not contain the answer."""
    flat = one_line(text).lower()
    return any(phrase.lower().rstrip(".") in flat for phrase in REFUSAL.values())


class LLMAnswerer:
    """Streams a chat model's answer over the retrieved passages, then checks it.

    `stream` yields text pieces as the model writes them and finally the checked
    `Answer`. The extractive answerer is the fallback for an unreachable or
    failing endpoint, and for an answer of which no cited sentence survives.
    """

    def __init__(self, chat_model: BaseChatModel, fallback: ExtractiveAnswerer) -> None:
        self.chat_model = chat_model
        self.fallback = fallback
        self.name = f"llm:{model_name(chat_model)}"

    def answer(self, question: str, hits: list[Hit], query: str | None = None) -> Answer:
        return final_answer(self.stream(question, hits, query))

    def stream(self, question: str, hits: list[Hit], query: str | None = None) -> Iterator[str | Answer]:
        """Model text as it arrives, then the final `Answer` (checked, or the offline fallback)."""
        lang = detect_language(question)
        standalone = query or question
        settings = self.fallback.settings
        passages = [h.passage for h in hits[: settings.answer_passages]]
        dense = [h.dense_score for h in hits if h.dense_score is not None]
        if not passages or (dense and max(dense) < settings.refuse_min_dense):
            # Nothing close enough to answer from: no need to ask the model.
            answer = refusal(question, hits, lang, standalone)
            yield answer.text
            yield answer
            return
        parts: list[str] = []
        try:
            for chunk in self.chat_model.stream(answer_messages(question, passages, lang)):
                piece = chunk.text
                if piece:
                    parts.append(piece)
                    yield piece
        except UNREACHABLE:
            yield from self._offline(question, hits, query, NOTICES["unreachable"][lang])
            return
        except MODEL_FAILURES:
            yield from self._offline(question, hits, query, NOTICES["error"][lang])
            return
        yield self._finish(question, hits, standalone, "".join(parts), lang)

    def _offline(
        self, question: str, hits: list[Hit], query: str | None, notice: str
    ) -> Iterator[str | Answer]:
        for item in self.fallback.stream(question, hits, query):
            yield replace(item, notice=notice) if isinstance(item, Answer) else item

    def _finish(self, question: str, hits: list[Hit], standalone: str, text: str, lang: Language) -> Answer:
        """The checked answer: refusal, kept sentences with quotes, or the offline fallback."""
        passages = [h.passage for h in hits[: self.fallback.settings.answer_passages]]
        if is_refusal(text):
            return replace(refusal(question, hits, lang, standalone), answerer=self.name)
        check = check_citations(text, passages)
        if not any(s.cited for s in check.kept):
            offline = self.fallback.answer(question, hits, standalone)
            details = check.notice(lang)
            notice = NOTICES["unsupported"][lang] + (f" ({details})" if details else "")
            return replace(offline, notice=notice)
        citations = []
        for n in dict.fromkeys(n for s in check.kept for n in s.cited):
            supported = [s.body for s in check.kept if n in s.cited]
            start, end = best_quote(passages[n - 1], supported)
            citations.append(Citation(n, passages[n - 1], start, end))
        return Answer(
            question=question,
            text=check.text(),
            refused=False,
            citations=sorted(citations, key=lambda c: c.n),
            hits=list(hits),
            standalone_query=standalone,
            notice=check.notice(lang),
            answerer=self.name,
        )
