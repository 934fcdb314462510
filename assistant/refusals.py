"""What the extractive answerer says when the documents do not answer: the refusal, naming the
closest places, and the one response to input that is not a question.

The texts are in the question's language; the web chat turns the refusal into Dutch
(`assistant.web_render`), and `assistant.llm` tells a chat model to use the same refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.conversation import Language
from assistant.question import Question
from assistant.types import Answer, Hit, Passage

ANSWERER = "extractive"  # `ExtractiveAnswerer.name`: who gave a refusal, in `Answer.answerer`

REFUSAL: dict[Language, str] = {
    "nl": "Dit staat niet in de documenten.",
    "en": "The documents do not contain this.",
}
CLOSEST: dict[Language, str] = {"nl": "Dichtstbijzijnde passages", "en": "Closest passages"}
FRAMING: dict[Language, str] = {
    "nl": "Volgens de documenten:",
    "en": "According to the documents (quoted in Dutch):",
}
# What the user is told when the input is not a question (JSON: refused with this reason).
PROBLEMS: dict[str, dict[Language, str]] = {
    "empty": {
        "nl": "Stel een vraag in woorden, bijvoorbeeld: Hoeveel gemeenten doen mee?",
        "en": "Please ask a question in words, for example: How many municipalities take part?",
    },
    "too_long": {
        "nl": "Deze tekst is te lang om als vraag te beantwoorden. "
        "Stel één korte vraag (hoogstens 60 woorden).",
        "en": "This text is too long to answer as a question. "
        "Please ask one short question (60 words at most).",
    },
}
OTHER_YEARS: dict[Language, str] = {
    "nl": "De documenten noemen voor dit onderwerp alleen cijfers voor {years}, niet voor {asked}.",
    "en": "For this subject the documents only give figures for {years}, not for {asked}.",
}


def describe_passage(passage: Passage) -> str:
    """Where a passage is, for a reader: title, section and page."""
    where = passage.title
    if passage.section:
        where += f" — {passage.section}"
    if passage.page is not None:
        where += f" (p. {passage.pages_label})"
    return where


def closest_places(passages: Sequence[Passage]) -> str:
    """Where passages are, each document's title said once: "Kamerbrief X — Congres, Vooruitblik (p. 3);
    Nota Y (p. 1, 2–3)". A title line is no section of its own, and pages without a section follow the
    title. (Three passages of one letter had repeated its long title three times.)"""
    pages: dict[str, list[str]] = {p.title: [] for p in passages}
    sections: dict[str, list[str]] = {title: [] for title in pages}
    for p in passages:
        label = p.pages_label if p.page is not None else ""
        if p.section and p.section != p.title:
            place, found = f"{p.section} (p. {label})" if label else p.section, sections[p.title]
        else:
            place, found = label, pages[p.title]
        if place and place not in found:
            found.append(place)
    return "; ".join(
        title
        + (f" (p. {', '.join(pages[title])})" if pages[title] else "")
        + (f" — {', '.join(sections[title])}" if sections[title] else "")
        for title in pages
    )


def refusal(question: str, hits: Sequence[Hit], lang: Language, standalone_query: str = "") -> Answer:
    """The honest answer when the documents are silent: no citations, the closest passages named."""
    text = REFUSAL[lang]
    if hits:
        text += f" {CLOSEST[lang]}: {closest_places([h.passage for h in hits[:3]])}."
    return Answer(
        question=question,
        text=text,
        refused=True,
        citations=[],
        hits=list(hits),
        standalone_query=standalone_query or question,
        answerer=ANSWERER,
    )


def problem_answer(question: Question) -> Answer:
    """The one response to input that is not a question: refused, no citations, the reason said."""
    assert question.problem is not None
    return Answer(
        question=question.text,
        text=PROBLEMS[question.problem][question.language],
        refused=True,
        standalone_query=question.query,
        answerer=ANSWERER,
        reason=question.problem,
    )
