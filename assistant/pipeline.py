"""The façade that the CLI, the web app and the evaluation share.

One `Assistant` owns the embedding model, the index and the retriever, so a
process loads the model once and every front end answers through the same code.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import index_format
from assistant.answering import ExtractiveAnswerer
from assistant.conversation import is_followup
from assistant.docfacts import (
    DocumentFact,
    answer_document_fact,
    asked_document_fact,
    document_part,
    join_answers,
    named_kind,
    of_kind,
    rest_document_fact,
)
from assistant.embedding import open_embedder
from assistant.index import PassageIndex
from assistant.loading import UNKNOWN_TYPE
from assistant.question import Question, parse_question
from assistant.retrieval import HybridRetriever
from assistant.sentences import fold, text_chunks, tokens
from assistant.settings import Settings
from assistant.terms import salient_terms
from assistant.types import (
    Answer,
    Draft,
    Filters,
    Hit,
    IngestReport,
    SkippedFile,
    SourceDocument,
    final_answer,
)
from assistant.unchanged import UnchangedFiles

if TYPE_CHECKING:
    from assistant.llm import LLMAnswerer

History = Sequence[tuple[str, str]]  # (user question, assistant answer) pairs, oldest first


def _load_info(document: SourceDocument, key: str | None) -> dict[str, Any]:
    """What a document's record keeps so that the next ingest can skip the unchanged file."""
    info: dict[str, Any] = {
        "hidden_chars": document.hidden_chars,
        "ocr_pages": sum(p.ocr for p in document.pages),
    }
    if key:
        info["load_key"] = key
    return info


def _add_unchanged(report: IngestReport, records: list[dict[str, Any]]) -> None:
    """Count documents skipped before parsing (unchanged files) as the parsed ones would be."""
    report.documents += len(records)
    report.passages_unchanged += sum(int(r.get("passages") or 0) for r in records)
    for r in records:
        if r.get("hidden_chars"):
            report.hidden_text[r["source_file"]] = int(r["hidden_chars"])
        if r.get("ocr_pages"):
            report.ocr_pages[r["source_file"]] = int(r["ocr_pages"])


class Assistant:
    """Search and answer over one corpus and index, as configured by `Settings`."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.embedder = open_embedder(self.settings.embedding_model, self.settings.embedding_threads)
        self.index = PassageIndex.open(self.settings, self.embedder)
        self.retriever = HybridRetriever(self.index, self.embedder, self.settings)
        self.answerer = ExtractiveAnswerer(self.settings, self.embedder)
        self._llm: LLMAnswerer | None = None  # built lazily: only when a chat model is configured
        self._llm_lock = threading.Lock()
        self._ingest_lock = threading.Lock()  # one ingest at a time (web uploads)
        self._index_checked = False  # set once the index's format record fits these settings

    # --- indexing
    def ingest(self, corpus: Path | None = None, progress: bool = True, uploads: bool = True) -> IngestReport:
        """Bring the index in step with the corpus folder and the uploads folder.

        New files are added, changed ones updated, deleted ones removed. The
        uploads folder (`Settings.uploads`) is indexed with the corpus unless
        `uploads` is False (the evaluation indexes its corpus alone); an upload
        whose document id the corpus already uses is skipped with a reason. An index
        built by another version, model or chunk setting is rebuilt first
        (`assistant.index_format`; `report.index_rebuilt` says why).
        """
        from assistant.chunking import chunk_document  # here: search and ask need no loader (~0.5 s)

        corpus = Path(corpus or self.settings.corpus)
        with self._ingest_lock:
            rebuilt = index_format.prepare(self.index, self.settings)
            records = self.index.records()  # after `prepare`: a rebuild starts without records
            documents, skipped, unchanged = self._load(corpus, records, uploads)
            passages = {
                d.meta.doc_id: chunk_document(d, self.settings.chunk_chars, self.settings.chunk_overlap_chars)
                for d in documents
            }
            keep = {s.doc_id for s in skipped if s.doc_id} | set(unchanged.doc_ids)
            info = {d.meta.doc_id: _load_info(d, unchanged.keys.get(d.meta.doc_id)) for d in documents}
            report = self.index.sync(
                documents, passages, keep_doc_ids=keep, progress=progress, load_info=info
            )
            index_format.finish(self.index, self.settings)
            report.index_rebuilt = rebuilt
            _add_unchanged(report, [records[i] for i in unchanged.doc_ids])
            report.skipped = list(skipped)
            report.hidden_text.update(
                {d.meta.source_file: d.hidden_chars for d in documents if d.hidden_chars}
            )
            for d in documents:
                if n := sum(p.ocr for p in d.pages):
                    report.ocr_pages[d.meta.source_file] = n
            self._save_keyword_index()
            self._index_checked = True
            return report

    def _save_keyword_index(self) -> None:
        """Leave the saved keyword index in step with Chroma, so no reader has to build it.

        Costs one read of the key file when nothing changed; after a change (or a run
        killed before it got here) the BM25 index is built and saved.
        """
        from assistant import keyword_store

        folder = self.index.keyword_folder
        if folder is None:
            return
        if keyword_store.is_saved(folder, keyword_store.store_key(self.index.content_key())):
            return
        self.retriever.keyword_index()

    def _load(
        self, corpus: Path, records: dict[str, dict[str, Any]], uploads: bool
    ) -> tuple[list[SourceDocument], list[SkippedFile], UnchangedFiles]:
        """Parse the changed files of the corpus and uploads folders; unchanged ones are only listed.

        An upload whose document id the corpus already uses is skipped with a reason; an
        upload cut off by a crash is undone first (`assistant.upload_journal.recover`).
        """
        from assistant.corpus import load_corpus
        from assistant.upload_journal import recover

        ocr_language = self.settings.ocr_language if self.settings.ocr_enabled else None
        unchanged = UnchangedFiles(records, self.settings)
        limits, links, max_mb = self.settings.pdf_limits, self.settings.link_roots, self.settings.max_file_mb
        documents, skipped = load_corpus(corpus, max_mb, ocr_language, limits, links, skip=unchanged)
        folder = self.settings.uploads
        if uploads and folder is not None and folder.is_dir() and folder.resolve() != corpus.resolve():
            recover(folder)
            in_uploads = UnchangedFiles(records, self.settings)
            extra, extra_skipped = load_corpus(folder, max_mb, ocr_language, limits, links, skip=in_uploads)
            ids = {d.meta.doc_id for d in documents} | set(unchanged.doc_ids)
            skipped += extra_skipped
            taken = f"documentnaam bestaat al in {corpus.name}/"
            skipped += [SkippedFile(d.meta.source_file, taken) for d in extra if d.meta.doc_id in ids]
            skipped += [SkippedFile(in_uploads.files[i], taken) for i in in_uploads.doc_ids if i in ids]
            documents += [d for d in extra if d.meta.doc_id not in ids]
            unchanged.doc_ids += [i for i in in_uploads.doc_ids if i not in ids]
            unchanged.keys.update({i: k for i, k in in_uploads.keys.items() if i not in ids})
        return documents, skipped, unchanged

    def source_path(self, source_file: str) -> Path | None:
        """The file an indexed document came from: in the corpus or the uploads folder (None if gone)."""
        for folder in (self.settings.corpus, self.settings.uploads):
            if folder is not None and (folder / source_file).is_file():
                return folder / source_file
        return None

    def check_index(self) -> None:
        """Raise `IndexIncompatible` (Dutch: why, and to run `assistant ingest`) when the index was
        built by another version, model or chunk setting, or its rebuild was cut off; checked once."""
        if not self._index_checked:
            index_format.check(self.index, self.settings)
            self._index_checked = True

    def documents(self) -> list[dict]:
        """Indexed documents with their metadata and passage counts."""
        self.check_index()
        return self.index.documents()

    # --- searching and answering
    def search(
        self, query: str, k: int | None = None, filters: Filters | None = None, mode: str | None = None
    ) -> list[Hit]:
        self.check_index()
        return self.retriever.search(query, k=k, filters=filters, mode=mode)

    def ask(self, question: str, history: History | None = None, filters: Filters | None = None) -> Answer:
        """Answer one question (a follow-up when `history` is given) with citations or a refusal."""
        return final_answer(self.ask_stream(question, history, filters))

    def ask_stream(
        self, question: str, history: History | None = None, filters: Filters | None = None
    ) -> Iterator[str | Draft | Answer]:
        """Yield text as it is produced, then the final `Answer` as the last item.

        With a chat model, its unchecked text comes first as `Draft`s (each the whole
        draft so far): show them marked as a draft and replace them, never append to them.

        The question is understood once (`assistant.question.parse_question`): a
        follow-up is rewritten into a standalone query (by the chat model when one
        is configured, else offline), which is what is searched; the
        answer is written by the chat model when configured (checked, with the
        offline answerer as fallback), else by the extractive answerer.
        """
        self.check_index()
        turns = list(history or [])
        llm = self._llm_answerer()
        if llm is None:
            typed, hits = self._own_subject(question, parse_question(question, turns), filters)
            hits = self.retriever.search(typed, filters=filters) if hits is None else hits
            fact = asked_document_fact(typed) if typed.problem is None else None
            answer = (
                self._document_fact(typed, fact, hits, filters)
                if fact
                else self._with_document_part(typed, hits, filters)
            )
            if answer is not None:
                yield from text_chunks(answer.text)
                yield answer
                return
            yield from self.answerer.stream(typed, hits)
            return
        from assistant.llm import rewrite_with_model

        typed = parse_question(
            question, turns, standalone=rewrite_with_model(llm.chat_model, question, turns)
        )
        if typed.problem is not None:
            yield from self.answerer.stream(typed, [])
            return
        hits = self.retriever.search(typed, filters=filters)
        yield from llm.stream(question, hits, query=typed.query)

    def _own_subject(
        self, question: str, typed: Question, filters: Filters | None
    ) -> tuple[Question, list[Hit] | None]:
        """The question as it stands when it was taken for a follow-up only because it names nothing,
        yet says enough of its own: "Hoeveel heeft het tweede congres gekost?" after a question about
        the Social Labs is about the congress, and was answered with the Labs' € 2,1 miljoen (found
        by a fresh user). It stands alone when it has two or more words of its own that a sentence
        must contain and none of the passages it finds by itself speaks of the conversation's
        subject; a question that points back ("En ...", "Wie betaalt dat?") stays a follow-up, and
        so does "Wie is de uitvoerder?" (one word of its own). One extra search, for these only;
        returns the question with its hits when they are the standalone question's (else None).
        """
        if not typed.followup or typed.problem is not None or is_followup(question):
            return typed, None
        alone = parse_question(question)
        if sum(t.hard for t in salient_terms(alone)) < 2:
            return typed, None
        carried = {fold(w) for w in typed.carried}
        hits = self.retriever.search(alone, filters=filters)
        for hit in hits:
            p = hit.passage
            if carried & set(tokens(f"{p.title}\n{p.embedding_text()}")):
                return typed, None
        return alone, hits

    def _document_fact(
        self, question: Question, fact: DocumentFact, hits: list[Hit], filters: Filters | None = None
    ) -> Answer | None:
        """The date, signer, sender, recipient or Kamerstuk of the best-ranked document that states it.

        When the question names a kind of document ("de Kamerbrief") that none of `hits` is, the
        documents of that kind are searched for it: among many other documents the letter itself
        may rank below them ("Welke datum staat op de Kamerbrief, en ...?").
        """
        kind = named_kind(question)
        allowed = kind is not None and (filters is None or not filters.doc_types or kind in filters.doc_types)
        if allowed and not any(of_kind(h.passage, kind) for h in hits):
            narrowed = replace(filters or Filters(), doc_types=(kind,))
            found = self.retriever.search(question, filters=narrowed)
            if not found and all(h.passage.doc_type not in ("", UNKNOWN_TYPE) for h in hits):
                # No document is of that kind: "Van welke datum is de voortgangsbrief over de
                # Hervormingsagenda?" over Kamervragen asks the date of a letter their text cites.
                return None
            hits = found or hits
        wanted = {h.passage.doc_id for h in hits}
        passages_of: dict[str, list] = {}
        for p in self.retriever.keyword_index().passages:
            if p.doc_id in wanted:
                passages_of.setdefault(p.doc_id, []).append(p)
        return answer_document_fact(question, fact, hits, passages_of)

    def _with_document_part(
        self, question: Question, hits: list[Hit], filters: Filters | None
    ) -> Answer | None:
        """A double question whose first part asks a document fact: that fact from the letterhead or
        signature of the documents the whole question finds (`hits`: the rest of the question says
        which letter), then the rest answered from sentences. None when it is no such question or
        either part finds no answer (the whole is then answered as usual)."""
        split = document_part(question)
        if split is None:
            return None
        fact, first, rest = split
        fact_answer = self._document_fact(question, fact, hits, filters)
        if fact_answer is None:
            return None
        rest_fact = rest_document_fact(rest)
        if rest_fact is not None:
            rest_answer = self._document_fact(question, rest_fact, hits, filters)
            return None if rest_answer is None else join_answers(question, fact_answer, rest_answer)
        rest_answer = self.answerer.answer(rest, self.retriever.search(rest, filters=filters))
        return None if rest_answer.refused else join_answers(question, fact_answer, rest_answer)

    def _llm_answerer(self) -> LLMAnswerer | None:
        """The chat-model answerer, built on first use (None when llm_provider is 'none')."""
        if self.settings.llm_provider.strip().lower() == "none":
            return None
        # Imported here: the chat-model stack (openai, ollama) costs ~0.5 s of every cold command.
        from assistant.llm import LLMAnswerer, build_chat_model

        with self._llm_lock:
            if self._llm is None:
                chat_model = build_chat_model(self.settings)
                assert chat_model is not None
                self._llm = LLMAnswerer(chat_model, self.answerer)
            return self._llm
