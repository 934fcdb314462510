"""Question-and-answer documents: a hit on a question paragraph brings the answer to it.

Kamervragen (Aanhangsel Handelingen), a "nota naar aanleiding van het verslag"
and similar documents print a member's question ("Vraag 3") and, further on,
the government's answer ("Antwoord 3", or one answer to several questions:
"Antwoord 3, 4 en 5"). A user's question is worded like the member's question,
so retrieval ranks the question paragraph first, while the fact sits in the
answer. The question paragraph itself never answers anything (its sentences are
questions), so its place in the ranking goes to its answer.

Pairing uses the section headings the chunker found ("Vraag 3" / "Antwoord 3"),
and, where an answer heading was printed inside running text (the chunker did
not split there), a line that starts with "Antwoord 3, 4 en 5".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from assistant.types import Hit, Passage

_QUESTION_HEAD = re.compile(r"^(?:vraag|question)\s+(\d+)\s*$", re.IGNORECASE)
_QUESTIONS_HEAD = re.compile(
    r"^(?:vra(?:ag|gen)|questions?)\s+(\d+(?:\s*(?:,|en|and|t/m|-|–)\s*\d+)*)\s*$", re.IGNORECASE
)
_ANSWER_HEAD = re.compile(r"^(?:antwoord|answer)s?\s+(\d+(?:\s*(?:,|en|and|t/m|-|–)\s*\d+)*)", re.IGNORECASE)
_ANSWER_LINE = re.compile(
    r"^\s*(?:antwoord|answer)s?\s+(\d+(?:\s*(?:,|en|and|t/m|-|–)\s*\d+)*)\s*$", re.IGNORECASE | re.MULTILINE
)


def _numbers(spec: str) -> set[int]:
    """The question numbers an answer heading covers: "3, 4 en 5" -> {3, 4, 5}; "3 t/m 5" too."""
    values = [int(n) for n in re.findall(r"\d+", spec)]
    if len(values) == 2 and re.search(r"t/m|-|–", spec):
        low, high = sorted(values)
        if high - low <= 50:
            return set(range(low, high + 1))
    return set(values)


def _question_numbers(passage: Passage) -> set[int]:
    """The question numbers of a question paragraph: "Vraag 3" -> {3}, "Vraag 2 en 3" -> {2, 3}."""
    match = _QUESTIONS_HEAD.match((passage.section or "").strip())
    return _numbers(match.group(1)) if match else set()


def question_number(passage: Passage) -> int | None:
    """N when the passage is the question paragraph "Vraag N" of a question-and-answer document."""
    match = _QUESTION_HEAD.match((passage.section or "").strip())
    return int(match.group(1)) if match else None


class AnswerMap:
    """For every question paragraph of the indexed documents, the passage that answers it.

    Built once per index version from all passages (O(passages)); `answer_to` is
    a dictionary lookup.
    """

    def __init__(self, passages: Sequence[Passage]) -> None:
        by_doc: dict[str, list[Passage]] = defaultdict(list)
        for p in passages:
            by_doc[p.doc_id].append(p)
        self._answers: dict[tuple[str, int], Passage] = {}
        self._questions: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._answers_of: dict[str, list[int]] = {}  # answer passage id -> the question numbers it answers
        for doc_id, doc_passages in by_doc.items():
            doc_passages.sort(key=lambda p: p.chunk_index)
            for p in doc_passages:
                covered = self._covered(p)
                if covered:
                    self._answers_of[p.id] = sorted(covered)
                for n in covered:
                    self._answers.setdefault((doc_id, n), p)
                for n in _question_numbers(p):
                    self._questions[(doc_id, n)].append(p.text)

    @staticmethod
    def _covered(p: Passage) -> set[int]:
        """The question numbers passage `p` answers, by its heading or an answer line in its text."""
        head = _ANSWER_HEAD.match((p.section or "").strip())
        inline = {n for m in _ANSWER_LINE.finditer(p.text) for n in _numbers(m.group(1))}
        return (_numbers(head.group(1)) if head else set()) | inline

    def __len__(self) -> int:
        return len(self._answers)

    def answer_to(self, passage: Passage) -> Passage | None:
        """The answer passage of question paragraph `passage`, or None (not a question, no answer)."""
        n = question_number(passage)
        return None if n is None else self._answers.get((passage.doc_id, n))

    def asked(self, passage: Passage) -> str:
        """The text of the question paragraph(s) that `passage` answers ("" when it answers none)."""
        numbers = self._answers_of.get(passage.id, [])
        return "\n".join(t for n in numbers for t in self._questions.get((passage.doc_id, n), []))

    def pair(self, hits: Sequence[Hit]) -> list[Hit]:
        """The hits with every question paragraph replaced by its answer, in the same place.

        An answer that is already ranked higher keeps its place and the question
        paragraph is dropped; one ranked lower moves up to the question's place.
        A question paragraph without an answer in the index stays as it is.
        Shape: as many hits or fewer, no passage twice.
        """
        out: list[Hit] = []
        seen: set[str] = set()
        answers = {h.passage.id: self.answer_to(h.passage) for h in hits}
        for h in hits:
            answer = answers[h.passage.id]
            if answer is not None:
                h = replace(h, passage=answer)
            if h.passage.id not in seen:
                seen.add(h.passage.id)
                asked = self.asked(h.passage)
                out.append(replace(h, asked=asked) if asked else h)
        return out
