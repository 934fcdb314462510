"""Dutch words of the retrieved passages that render an English question's words.

The documents are Dutch; an English question's content words ("advice", "progress",
"municipalities") are never found in them, so the answerer's word checks (coverage,
overlap) see nothing and the choice of sentence rests on the cosine alone. The embedding
model is multilingual: a single English word and its Dutch rendering lie close
("advice"/"advies" 0.94, "progress"/"voortgang" 0.91), closer than the word and
unrelated Dutch words of the same passages. So, per question, each English content word
is paired with the passage words it lies closest to, above `Settings.crosslingual_min_word_cosine`
(measured in `benchmarks/crosslingual_words.py`), and those Dutch words become soft
terms of the question: found, they count; absent, they are no reason to refuse.

No bilingual dictionary ships as a package that works offline here; the small static
table `question_kinds.ENGLISH_TO_DUTCH` covers the words that decide a fact's kind and
this covers the rest, from the words the documents actually use.

Not for Dutch questions: between Dutch words the cosine does not tell a synonym from a
rival. Measured 2026-11-30: "afhandeling"/"uitvoering" 0.86, "kosten"/"lasten" 0.84,
"meegestuurd"/"bijgevoegd" 0.91, against "2025"/"2026" 0.92, "jongeren"/"ouderen" 0.90,
"burgemeester"/"wethouder" 0.90; a paraphrased Dutch question stays a matter of the
sentence cosine and the coverage waiver (`Settings.answer_uncovered_min_similarity`).
Nor is the dense gate lowered for English questions (their best passage cosine is about
0.055 lower): tried, it answered one more development question and one unanswerable
test question fewer was refused, so it was taken back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from assistant.conversation import STOP_WORDS
from assistant.sentences import fold, tokens

# (texts) -> unit vectors, shape (len(texts), dim), embedded as queries
Vectors = Callable[[list[str]], np.ndarray]

_MIN_LETTERS = 5  # shorter words are function words, abbreviations or too ambiguous ("memo" -> "mede")


def passage_words(texts: Iterable[str]) -> list[str]:
    """The distinct content words of `texts` (folded, letters only, 5 letters or more), in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in tokens(text):
            if len(word) >= _MIN_LETTERS and word.isalpha() and word not in STOP_WORDS:
                seen.setdefault(word, None)
    return list(seen)


def dutch_renderings(
    english: Sequence[str], dutch: Sequence[str], vectors: Vectors, min_cosine: float
) -> tuple[str, ...]:
    """The words of `dutch` that render a word of `english`: for each English word, the Dutch
    word with the highest cosine if that cosine is at least `min_cosine`.

    `english` are the question's content words, `dutch` the retrieved passages' words
    (`passage_words`). One rendering per English word: the best is the translation when
    there is one ("costs" -> "kosten" 0.96), the runner-up a neighbour ("geld" 0.87).
    Words spelled the same in both languages are left out (the word checks find them).
    Returns the renderings in the order of `english`, without repeats; () when either
    list is empty.
    """
    asked = [w for w in dict.fromkeys(fold(w) for w in english) if len(w) >= _MIN_LETTERS]
    spelled_alike = set(asked)
    candidates = [w for w in dutch if w not in spelled_alike]
    if not asked or not candidates:
        return ()
    similarity = vectors(asked).astype(np.float64) @ vectors(candidates).astype(np.float64).T
    found: list[str] = []
    for row in similarity:
        best = int(np.argmax(row))
        if row[best] >= min_cosine and candidates[best] not in found:
            found.append(candidates[best])
    return tuple(found)
