"""The refusal gates: whether the best sentences found for a question answer it.

The answerer (`assistant.answering`) scores every sentence of the top passages
(`assistant.scoring`); these functions decide, from those scores alone, whether the documents
answer the question and which sentence leads the answer. The thresholds are `Settings` fields,
each with the measurement that chose it; `benchmarks/calibrate_refusal.py` replays the gates
over measured values.
"""

from __future__ import annotations

from assistant.facts import counts_instead_of_naming
from assistant.scoring import ScoredSentence
from assistant.settings import Settings


def uncovered(x: ScoredSentence, s: Settings) -> bool:
    """Whether the question's terms are too little covered by a sentence and its passage, while the
    sentence scores too low and lies too far from the question for the mismatch to be one of words
    (paraphrases, English questions)."""
    return (
        x.score < s.answer_uncovered_min_sentence
        and x.passage_coverage < s.refuse_min_coverage
        and x.similarity < s.answer_uncovered_min_similarity
    )


def covered_first(ranked: list[ScoredSentence], s: Settings) -> list[ScoredSentence]:
    """`ranked` (best first) with the best sentence that covers the question first, when the best one
    does not and one within `Settings.answer_covered_margin` of its score does, carrying the asked kind
    of fact as well ("Wat was de looncomponent ... voor 2015?": the best sentence names the
    organisation, the third says "Voor het boekjaar 2015 bedraagt de looncomponent ..."); else as it is.
    (Without the fact condition "Welke gemeenten kregen een bijdrage uit de DU?" was answered by the
    covered "Hiermee organiseren zij activiteiten zoals ..." over an uncovered list of ministries.)"""
    if not ranked or not uncovered(ranked[0], s):
        return ranked
    best = ranked[0]
    floor = best.score - s.answer_covered_margin
    fits = (x for x in ranked[1:] if x.score >= floor and x.type_bonus >= best.type_bonus)
    pick = next((x for x in fits if not uncovered(x, s)), None)
    return ranked if pick is None else [pick, *(x for x in ranked if x is not pick)]


def refusal_reason(
    best_dense: float | None,
    eligible: list[list[ScoredSentence]],
    parts: list[tuple[str, str]],
    s: Settings,
    names_value: bool = False,
) -> str | None:
    """Why the documents do not answer the question, or None when they do.

    `best_dense` is the best passage's cosine, `eligible` the ranked sentences per question part
    and `parts` the (text, kind) of each part; only the first part is judged. `names_value` says
    that the question names an amount or a number ("Which scheme receives 1.5 million euros?").
    """
    best = eligible[0][0] if eligible[0] else None
    if best_dense is not None and best_dense < s.refuse_min_dense and not _says_the_value(best, names_value):
        return f"passages not close (dense {best_dense:.3f} < {s.refuse_min_dense})"
    if best is None:
        return f"no sentence about the subject carries the {parts[0][1]} asked for"
    if best.score < s.refuse_min_sentence:
        return f"best sentence weak ({best.score:.3f} < {s.refuse_min_sentence})"
    if uncovered(best, s):
        return f"question terms not covered ({best.passage_coverage:.2f} < {s.refuse_min_coverage})"
    if best.only_year:
        # "What is the minimum wage in 2025?" -> "De Agenda loopt tot eind 2025.": the passage shares
        # the year with the question and nothing else; English words count only when found, so the
        # coverage gate alone lets it through.
        return "only the question's year is in the passage"
    if parts[0][1] == "which" and counts_instead_of_naming(parts[0][0], best.text):
        # "In welke wijken komen de nieuwe jongerenwerkplaatsen?" -> "... in drie wijken ...": the
        # documents say how many, not which.
        return "the documents count the asked things but do not name them"
    return None


def _says_the_value(best: ScoredSentence | None, names_value: bool) -> bool:
    """Whether the best sentence holds the question's amount or number (a term covered only by that
    value) and every other term of it: then the documents do speak of what was asked, however far
    the passage's cosine is. An English question's cosine with Dutch text is lower than a Dutch
    one's; "Which scheme receives 1.5 million euros?" was refused at 0.7999 while its sentence said
    "€ 1.500.000" (the Dutch question was answered)."""
    return names_value and best is not None and best.passage_coverage >= 1.0 and best.overlap >= 1.0
