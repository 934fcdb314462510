"""The plain values that travel between the pipeline stages.

Every stage takes and returns these dataclasses, so each stage can be tested
alone with tiny hand-made data, and the CLI, the web app and the evaluation all
speak about the same things:

    files --loading--> SourceDocument(pages) --chunking--> Passage
    question --retrieval--> Hit[] --answering--> Answer(citations)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentMeta:
    """Who wrote a document, when, and what kind it is: what a citation shows."""

    doc_id: str
    title: str
    doc_type: str
    source_file: str
    date: str | None = None  # ISO 8601 (YYYY-MM-DD); None when the document states none
    kamerstuk: str | None = None
    author: str | None = None
    recipient: str | None = None
    sha256: str = ""  # hash of the file bytes: what incremental ingest compares


@dataclass(frozen=True)
class Page:
    """One page of cleaned text. `number` is 1-based; None for formats without pages.

    `continues_at` is set when the page's last sentence runs on into the next
    page: the text from that offset on was printed on page `number + 1` (it was
    moved here so the sentence stays whole). `furniture` holds the running
    header/footer lines removed from the page (kept for metadata such as an
    "ah-tk-…" number; never indexed).
    """

    number: int | None
    text: str
    continues_at: int | None = None
    furniture: tuple[str, ...] = ()
    ocr: bool = False  # the text was read from the page image (a scan), not from a text layer


@dataclass(frozen=True)
class SourceDocument:
    """A loaded file: metadata plus its pages of cleaned text."""

    meta: DocumentMeta
    pages: list[Page]
    hidden_chars: int = 0  # characters of invisible text (white, off-page, microscopic) not indexed

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Passage:
    """A retrievable unit of text with everything a citation needs.

    `start`/`end` are character offsets into the cleaned text of `page`
    (for page-less formats: into the whole cleaned document), so a quote can be
    located and highlighted in the source. `id` is derived from the content, so
    ingesting the same document twice yields the same ids.
    """

    id: str
    doc_id: str
    title: str
    doc_type: str
    text: str
    page: int | None
    section: str | None
    start: int
    end: int
    chunk_index: int
    date: str | None = None
    kamerstuk: str | None = None
    doc_sha256: str = ""
    page_end: int | None = None  # last page, when the passage runs on into the next page

    @property
    def pages_label(self) -> str | None:
        """The page or page span a citation shows: "3" or "1–2"; None for page-less formats."""
        if self.page is None:
            return None
        if self.page_end and self.page_end != self.page:
            return f"{self.page}–{self.page_end}"
        return str(self.page)

    def source_json(self) -> dict[str, Any]:
        """The passage as the public JSON shows a source (shared by citations and search hits)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "type": self.doc_type,
            "date": self.date,
            "page": self.page,
            "page_end": self.page_end or self.page,
            "section": self.section,
            "text": self.text,
        }

    def embedding_text(self) -> str:
        """Text that is embedded and keyword-indexed: the section heading gives context."""
        if self.section and not self.text.startswith(self.section):
            return f"{self.section}\n{self.text}"
        return self.text


@dataclass(frozen=True)
class Filters:
    """Restrictions a user puts on a search. Empty fields mean "no restriction"."""

    doc_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    date_from: str | None = None  # inclusive, ISO date
    date_to: str | None = None  # inclusive, ISO date

    def is_empty(self) -> bool:
        return not (self.doc_types or self.doc_ids or self.date_from or self.date_to)

    def accepts(self, passage: Passage) -> bool:
        """The one definition of what a filter means, used by every ranker."""
        if self.doc_types and passage.doc_type not in self.doc_types:
            return False
        if self.doc_ids and passage.doc_id not in self.doc_ids:
            return False
        if self.date_from or self.date_to:
            if passage.date is None:
                return False
            if self.date_from and passage.date < self.date_from:
                return False
            if self.date_to and passage.date > self.date_to:
                return False
        return True


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with the evidence for its rank."""

    passage: Passage
    score: float  # the fused score the ranking is sorted by
    dense_score: float | None = None  # cosine similarity, when the dense ranker found it
    keyword_score: float | None = None  # BM25 score, when the keyword ranker found it
    dense_rank: int | None = None  # 1-based
    keyword_rank: int | None = None  # 1-based
    # In a question-and-answer document (Kamervragen): the member's question(s) this passage
    # answers. What the passage is about, for the answerer's term coverage; never quoted.
    asked: str = ""


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer: the passage and the exact supporting span.

    `quote_start`/`quote_end` are offsets into `passage.text`, so
    `passage.text[quote_start:quote_end] == quote` always holds.
    """

    n: int
    passage: Passage
    quote_start: int
    quote_end: int

    @property
    def quote(self) -> str:
        return self.passage.text[self.quote_start : self.quote_end]

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, **self.passage.source_json(), "quote": self.quote}


# How an answer was made (`Answer.method`): the offline answerer with no model configured; a
# model's answer that passed the citation check unchanged; one the check changed (sentences
# removed, citations corrected); the offline answer given because the model failed.
METHODS = ("extractive", "model", "model, corrected", "offline fallback")


@dataclass(frozen=True)
class CheckNote:
    """One sentence of a model's answer that the citation check removed or corrected.

    `reason`: "uncited_fact" (states a number, date or name but cites nothing),
    "unsupported_fact" (no passage holds it), "invalid_citation" (cites only
    passages that do not exist), "wrong_citation" (corrected: another passage holds it).
    `facts` are the facts the cited passages lack; `cited` the passage numbers the model
    wrote, `now_cited` those the answer shows (empty for a removed sentence).
    """

    sentence: str
    reason: str
    facts: tuple[str, ...] = ()
    cited: tuple[int, ...] = ()
    now_cited: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "reason": self.reason,
            "facts": list(self.facts),
            "cited": list(self.cited),
            "now_cited": list(self.now_cited),
        }


@dataclass(frozen=True)
class TimelineEntry:
    """One dated value of a figure that changed over time (`assistant.timeline`).

    `value` as written in the quote ("€ 5 miljoen", "16 gemeenten"); `date` the ISO date
    of the document that states it (None: unknown); `citation` the number of the citation
    that quotes it; `year_in_text` the year the sentence itself gives its figure ("in 2023
    is ... verstrekt"), else None; `role` "newest", "earlier", "same_date" (documents of
    one date that disagree: none is newest), "undated" (date unknown, never newest),
    "as_of" (the value that held at the asked moment) or "later" (stated after that one).
    """

    value: str
    date: str | None
    citation: int
    year_in_text: int | None = None
    role: str = "earlier"

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "date": self.date,
            "citation": self.citation,
            "year_in_text": self.year_in_text,
            "role": self.role,
        }


@dataclass(frozen=True)
class Draft:
    """A chat model's unchecked text so far (all of it, not a piece), while it is still writing.

    Answer streams yield it before the checked text: a client shows it marked as a
    draft being checked and replaces it (never appends to it) with what follows.
    """

    text: str


@dataclass
class Answer:
    """What the assistant says: text with [n] markers, and the citations they point to."""

    question: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)  # the retrieved passages (closest evidence)
    standalone_query: str = ""  # the question after follow-up rewriting
    notice: str | None = None  # e.g. "model unreachable, offline answer"
    answerer: str = "extractive"
    reason: str | None = None  # why it was refused, e.g. "empty" (input without a question)
    method: str = "extractive"  # one of METHODS
    removed: list[CheckNote] = field(default_factory=list)  # model sentences the check removed
    corrected: list[CheckNote] = field(default_factory=list)  # model sentences whose citation it corrected
    timeline: list[TimelineEntry] = field(default_factory=list)  # dated values, newest first (issue 10)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape shared by `assistant ask --json`, batch `ask -` and the web API.

        `{"answer", "refused", "method", "notice", "removed", "corrected", "citations"}`;
        `reason` is added to every refusal: "empty" or "too_long" for input that is not a question,
        "not_in_documents" when the documents do not answer it;
        `timeline` (the dated values, newest first, see `TimelineEntry`) only for answers
        about a figure that changed over time.
        """
        data: dict[str, Any] = {
            "answer": self.text,
            "refused": self.refused,
            "method": self.method,
            "notice": self.notice,
            "removed": [n.to_json() for n in self.removed],
            "corrected": [n.to_json() for n in self.corrected],
            "citations": [c.to_json() for c in self.citations],
        }
        if self.refused:
            data["reason"] = self.reason if self.reason in ("empty", "too_long") else "not_in_documents"
        if self.timeline:
            data["timeline"] = [e.to_json() for e in self.timeline]
        return data


def final_answer(stream: Iterable[str | Draft | Answer]) -> Answer:
    """The `Answer` that ends an answer stream (drafts and text first), for callers that do not stream."""
    answer: Answer | None = None
    for item in stream:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise ValueError("the answer stream ended without an Answer")
    return answer


@dataclass(frozen=True)
class SkippedFile:
    """A file that could not be indexed, and why (shown to the user by name)."""

    path: str
    reason: str
    doc_id: str | None = None  # so the index keeps what it already had of this file


@dataclass
class IngestReport:
    """The outcome of one ingest run: what changed in the index and what was skipped."""

    documents: int = 0  # documents in the corpus that loaded
    passages_added: int = 0
    passages_removed: int = 0
    passages_unchanged: int = 0
    documents_added: list[str] = field(default_factory=list)
    documents_updated: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    total_passages: int = 0  # passages in the index after the run
    hidden_text: dict[str, int] = field(default_factory=dict)  # file -> invisible characters not indexed
    ocr_pages: dict[str, int] = field(default_factory=dict)  # file -> its pages whose text is OCR text
    index_rebuilt: str | None = None  # why the index was rebuilt or re-chunked first (Dutch), if it was

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
