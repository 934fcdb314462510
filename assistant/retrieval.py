"""Hybrid search: dense vectors and Dutch BM25, fused by reciprocal rank fusion.

The two rankers fail differently. The multilingual embedding model understands
paraphrases and English questions but is vague about exact amounts, kamerstuk
numbers and names; BM25 is exact about those but blind to synonyms. Reciprocal
rank fusion combines them by rank only, so a cosine similarity and a BM25 score
never have to be put on one scale.

The keyword index is derived from the passages stored in the vector index and is
rebuilt whenever that index's `version` changes, so both rankers always see the
same passages (an upload in the web app is searchable by keyword at once). It is
saved next to the Chroma index and reloaded at start while its content key
matches (`assistant.keyword_store`).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN_PLUS

from assistant import keyword_store
from assistant.conversation import MODAL_VERBS
from assistant.embedding import embed_queries
from assistant.exact_dense import ExactDense
from assistant.numbers import quantities, value_token
from assistant.qa_pairs import AnswerMap
from assistant.question import Question
from assistant.settings import Settings
from assistant.types import Filters, Hit, Passage

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.index import PassageIndex

MODES = ("hybrid", "dense", "keyword")

# --- the Dutch analyzer ------------------------------------------------------

# Queries are Dutch or English, so both languages' function words are left out.
# bm25s ships the Snowball Dutch list and NLTK's English list; question words are
# added because questions are exactly what users type.
_EXTRA_STOPWORDS = {
    "hoeveel", "welk", "welke", "wanneer", "waarom", "waar", "waarmee", "waarin", "waarvoor",
    "wij", "we", "onze", "hen", "jullie", "zullen", "werden", "wel",
    "much", "many",
}  # fmt: skip
STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN_PLUS) | _EXTRA_STOPWORDS | MODAL_VERBS

# "dutch_porter" keeps gemeente/gemeenten -> "gemeent"; Snowball's newer "dutch"
# also strips the ge- prefix (gemeenten -> "meen"), which merges unrelated words.
_STEMMER_ALGORITHM = "dutch_porter" if "dutch_porter" in Stemmer.algorithms() else "dutch"
_stemmers = threading.local()  # a PyStemmer Stemmer must not be shared between threads

_HYPHENS = "-\u2010\u2011"
_HYPHEN = re.compile(f"[{_HYPHENS}]")
# The Unicode blocks of combining diacritical marks: what is left of é, ë, ï after NFKD.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TOKEN = re.compile(
    r"(?P<spaced>\d{1,3}(?: \d{3})+(?!\d))"  # "36 600": kamerstuk numbers, spaced thousands
    r"|(?P<number>\d+(?:[.,]\d+)+)"  # "313.327", "6,3", "2.1"
    rf"|(?P<word>\w+(?:[{_HYPHENS}]\w+)*)"  # words, hyphenated compounds, plain numbers
)
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_stemmers, "stemmer", None)
    if stemmer is None:
        stemmer = _stemmers.stemmer = Stemmer.Stemmer(_STEMMER_ALGORITHM)
    return stemmer


def _fold(text: str) -> str:
    """Lowercase and drop diacritics, so "geïnformeerd" and "geinformeerd" (OCR, typing) match."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _canonical_number(number: str) -> str:
    """One spelling for an amount written the Dutch or the English way.

    "313.327" and "313,327" (thousands) both become "313327"; "6,3" and "6.3"
    (one decimal separator) both become "6,3". Anything else (dates such as
    "26.11.2024", version numbers) is kept as written.
    """
    if _THOUSANDS.fullmatch(number):
        return re.sub(r"[.,]", "", number)
    if decimal := re.fullmatch(r"(\d+)[.,](\d+)", number):
        return f"{decimal[1]},{decimal[2]}"
    return number


@functools.lru_cache(maxsize=100_000)
def _term(token: str) -> str | None:
    """A folded word as an index term: None for stop words and single letters.

    Cached because a corpus repeats a few thousand words endlessly and the keyword
    index is rebuilt after every change to the index.
    """
    if token in STOPWORDS or (len(token) == 1 and not token.isdigit()):
        return None
    return _stemmer().stemWord(token) if token.isalpha() else token


def analyze(text: str) -> list[str]:
    """The index terms of `text`, in order: what BM25 and the answerer's term overlap compare.

    Lowercased and diacritic-folded, stop words (Dutch and English) removed, Dutch
    words stemmed. Numbers stay searchable in either notation, and a hyphenated
    compound counts as the whole word and as its parts ("ouder-netwerken" matches
    "oudernetwerken" and "netwerken").
    """
    terms: list[str] = []
    for match in _TOKEN.finditer(_fold(text)):
        kind, token = match.lastgroup, match.group()
        if kind == "spaced":
            parts = token.split(" ")
            terms.append("".join(parts))
            terms.extend(parts)
        elif kind == "number":
            terms.append(_canonical_number(token))
        elif _HYPHEN.search(token):
            parts = _HYPHEN.split(token)
            candidates = parts if all(p.isdigit() for p in parts) else ["".join(parts), *parts]
            terms.extend(t for t in map(_term, candidates) if t)
        elif term := _term(token):
            terms.append(term)
    return terms


def index_terms(text: str) -> list[str]:
    """What the keyword index stores and searches: `analyze(text)` plus one term per value
    (`_value_terms`), so "1,5 miljoen" in a question finds "€ 1.500.000" in a passage."""
    return analyze(text) + _value_terms(text)


def _value_terms(text: str) -> list[str]:
    """One index term per sum of money and per number written in words, whatever the notation.

    "€ 1.500.000", "1,5 miljoen" and "anderhalf miljoen euro" all give "n1500000";
    "achttien" gives "18", as a digit count would. Question and passages are
    analysed alike, so a question finds a sum however either writes it.
    """
    extra = []
    for q in quantities(text):
        if q.money or q.value >= 1e5:
            extra.append(value_token(q.value))
        elif not q.text[:1].isdigit() and q.value == int(q.value):
            extra.append(str(int(q.value)))
    return extra


# --- BM25 ----------------------------------------------------------------------


class KeywordIndex:
    """Exact BM25 (bm25s, Lucene variant) over `keyword_text`: document title, heading and text.

    The section heading is part of the indexed text, so a question that names a
    section ("Social Labs") finds its paragraphs; so is the document's title. Scores are computed for every
    passage and filters are applied before cutting to k, so a filtered search
    returns the best k passages that pass the filter, not fewer.
    """

    def __init__(self, passages: Sequence[Passage], bm25: bm25s.BM25 | None = None) -> None:
        """Index `passages`; or, with `bm25` (reloaded by `assistant.keyword_store`), reuse it as is.

        A given `bm25` must have been built from exactly these passages in this order.
        """
        self.passages = list(passages)
        self._bm25 = bm25 or bm25s.BM25()
        if self.passages and bm25 is None:
            self._bm25.index([index_terms(keyword_text(p)) for p in self.passages], show_progress=False)
        # Position of each passage in id order: the deterministic tie-break for equal scores.
        by_id = sorted(range(len(self.passages)), key=lambda i: self.passages[i].id)
        self._id_order = np.empty(len(self.passages), dtype=np.int64)
        self._id_order[by_id] = np.arange(len(self.passages))

    def __len__(self) -> int:
        return len(self.passages)

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[Passage, float]]:
        """The k best-scoring passages that pass `filters`; passages sharing no term are left out."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}.")
        if not self.passages:
            return []
        # Each distinct term counts once: repeating a word in a question should not double its weight.
        term_ids = self._bm25.get_tokens_ids(list(dict.fromkeys(index_terms(query))))
        if not term_ids:
            return []
        scores = self._bm25.get_scores_from_ids(term_ids)
        found = np.flatnonzero(scores > 0)
        if filters is not None and not filters.is_empty():
            keep = [filters.accepts(self.passages[i]) for i in found]
            found = found[np.asarray(keep, dtype=bool)]
        best = found[np.lexsort((self._id_order[found], -scores[found]))[:k]]
        return [(self.passages[i], float(scores[i])) for i in best]


def keyword_text(passage: Passage) -> str:
    """What the keyword index reads of a passage: the words of its document's title that it does not
    say itself, then its heading and text.

    The title is a field of every passage (BM25F's idea, Robertson et al. 2004): an article of the
    Subsidieregeling Veilig Verkeer Nederland 2014 never repeats "Veilig Verkeer Nederland", so a
    question naming the organisation and "voorschot" ranked every article whose text names it above
    the one on advances (keyword rank 24 of evals/unseen4's corpus; 2 with the title). Only the
    missing words are added, so a passage never gains weight for a name it already says: with the
    whole title on every passage, one more Kamervragen development answer was lost and the Kamervragen
    development recall@1 was 0.725 against 0.750 (`assistant eval`, 2026-11-30).
    """
    text = passage.embedding_text()
    own = set(index_terms(text))
    missing = [t for t in dict.fromkeys(index_terms(passage.title)) if t not in own]
    return f"{' '.join(missing)}\n{text}" if missing else text


# --- fusion ------------------------------------------------------------------------


def reciprocal_rank_fusion(
    dense: Sequence[tuple[Passage, float]],
    keyword: Sequence[tuple[Passage, float]],
    dense_weight: float,
    keyword_weight: float,
    rrf_k: int,
) -> list[Hit]:
    """Fuse two rankings: score = sum of weight / (rrf_k + rank) over the rankers that found a passage.

    A passage found by both rankers gets two contributions, so it outranks one
    found by a single ranker at the same rank. Equal scores are ordered by passage
    id, so the same query always gives the same order.
    """
    found: dict[str, dict] = {}
    for rank, (passage, score) in enumerate(dense, start=1):
        entry = found.setdefault(passage.id, {"passage": passage, "score": 0.0})
        entry.update(dense_score=score, dense_rank=rank)
        entry["score"] += dense_weight / (rrf_k + rank)
    for rank, (passage, score) in enumerate(keyword, start=1):
        entry = found.setdefault(passage.id, {"passage": passage, "score": 0.0})
        entry.update(keyword_score=score, keyword_rank=rank)
        entry["score"] += keyword_weight / (rrf_k + rank)
    hits = [Hit(**entry) for entry in found.values()]
    return sorted(hits, key=lambda h: (-h.score, h.passage.id))


class HybridRetriever:
    """Dense, keyword or hybrid search over one `PassageIndex`; safe to share between threads.

    Each ranker contributes `settings.candidates` passages (already filtered) to
    the fusion. In "dense" or "keyword" mode a hit's `score` is that ranker's own
    score (cosine similarity or BM25); in "hybrid" mode it is the fused RRF score.
    """

    def __init__(self, index: PassageIndex, embedder: SentenceTransformer, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._build_lock = threading.Lock()
        # (index version, keyword index, answer map, exact dense ranker) swapped as one
        # reference, so readers never see a mix.
        self._keyword: tuple[object, KeywordIndex, AnswerMap, ExactDense] | None = None

    def _current(self) -> tuple[object, KeywordIndex, AnswerMap, ExactDense]:
        """The BM25 index, answer map and exact dense ranker for the index's current content,
        rebuilt on a new version."""
        current = self._keyword
        if current is not None and current[0] == self.index.version:
            return current
        with self._build_lock:
            # Read the version before the passages: if an ingest lands in between, the
            # index is labelled older than its content and is simply rebuilt next time.
            version = self.index.version
            current = self._keyword
            if current is None or current[0] != version:
                keyword, dense = self._rankers_for_content()
                current = (version, keyword, AnswerMap(keyword.passages), dense)
                self._keyword = current
            return current

    def _rankers_for_content(self) -> tuple[KeywordIndex, ExactDense]:
        """The saved keyword index and passage vectors when their key matches the index's content,
        else read from Chroma and rebuilt (and saved).

        Only an index opened on a folder (`PassageIndex.open`) has a `keyword_folder`;
        without one both are built in memory.
        """
        folder = getattr(self.index, "keyword_folder", None)
        key = keyword_store.store_key(self.index.content_key()) if folder else ""  # before the passages
        saved = keyword_store.load(folder, key) if folder else None
        if saved is not None:
            passages, bm25, vectors = saved
            return KeywordIndex(passages, bm25), ExactDense.of(passages, vectors)
        passages, vectors = self.index.passages_and_vectors()
        keyword = KeywordIndex(passages)
        if folder:
            keyword_store.save(folder, key, keyword.passages, keyword._bm25, vectors)
        return keyword, ExactDense.of(keyword.passages, vectors)

    def keyword_index(self) -> KeywordIndex:
        """The BM25 index for the index's current content, rebuilt when its version changes."""
        return self._current()[1]

    def search(
        self,
        query: str | Question,
        k: int | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> list[Hit]:
        """The k best passages for `query` that pass `filters`; [] for an empty query.

        A typed `Question` is searched by its `search_text` (the standalone query
        with Dutch renderings of English words); one that is not a question
        (`Question.problem`) finds nothing.
        """
        if isinstance(query, Question):
            query = "" if query.problem else (query.search_text or query.query)
        mode = mode or self.settings.retrieval_mode
        if mode not in MODES:
            raise ValueError(f"Unknown retrieval mode {mode!r}; valid modes: {', '.join(MODES)}.")
        k = self.settings.top_k if k is None else k
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}.")
        if not query.strip():
            return []
        candidates = max(k, self.settings.candidates)
        _, keyword, answers, dense = self._current()
        if mode == "dense":
            ranked = [
                Hit(passage=p, score=s, dense_score=s, dense_rank=r)
                for r, (p, s) in enumerate(self._dense(dense, query, candidates, filters), start=1)
            ]
        elif mode == "keyword":
            ranked = [
                Hit(passage=p, score=s, keyword_score=s, keyword_rank=r)
                for r, (p, s) in enumerate(keyword.search(query, candidates, filters), start=1)
            ]
        else:
            ranked = reciprocal_rank_fusion(
                self._dense(dense, query, candidates, filters),
                keyword.search(query, candidates, filters),
                self.settings.dense_weight,
                self.settings.keyword_weight,
                self.settings.rrf_k,
            )
        # A member's question paragraph gives its place to the government's answer (qa_pairs).
        paired = answers.pair(ranked)
        if filters is not None and not filters.is_empty():
            paired = [h for h in paired if filters.accepts(h.passage)]
        return paired[:k]

    def _dense(
        self, dense: ExactDense, query: str, k: int, filters: Filters | None
    ) -> list[tuple[Passage, float]]:
        """Exact cosine search over the stored vectors (`assistant.exact_dense` says why not Chroma's
        approximate query); equal similarities are ordered by id, as in the keyword ranker."""
        return dense.search(embed_queries(self.embedder, [query])[0], k, filters)


# --- LangChain ---------------------------------------------------------------------


def __getattr__(name: str) -> object:
    """`PassageRetriever` / `hit_to_document` live in `assistant.retrieval_langchain`.

    Imported on first use: `langchain_core` costs about 0.4 s of every cold command
    and a search from the CLI or the app does not need it.
    """
    if name in ("PassageRetriever", "hit_to_document"):
        from assistant import retrieval_langchain

        return getattr(retrieval_langchain, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
