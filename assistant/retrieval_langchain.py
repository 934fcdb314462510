"""The hybrid search as LangChain objects (imported lazily through `assistant.retrieval`)."""

from __future__ import annotations

from dataclasses import asdict

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.retrieval import HybridRetriever
from assistant.types import Filters, Hit


def hit_to_document(hit: Hit) -> Document:
    """A LangChain `Document`: the passage text, with every citation field in the metadata."""
    metadata = {key: value for key, value in asdict(hit.passage).items() if key != "text"}
    metadata.update(score=hit.score, dense_score=hit.dense_score, keyword_score=hit.keyword_score)
    return Document(page_content=hit.passage.text, metadata=metadata, id=hit.passage.id)


class PassageRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever, for chains built on `langchain_core`."""

    retriever: HybridRetriever
    k: int | None = None
    filters: Filters | None = None
    mode: str | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, filters=self.filters, mode=self.mode)
        return [hit_to_document(hit) for hit in hits]
