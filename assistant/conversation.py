"""Query understanding for a conversation: language, salient terms, follow-up rewriting.

Retrieval only sees one string, so a follow-up such as "En hoeveel gemeenten
kregen een DU?" or "Wie betaalt dat?" must carry the subject of the earlier turns
with it, or the search lands on whatever "dat" happens to match. The rewrite here
is deterministic and offline: it copies the salient terms (named things, numbers)
of the previous questions into the query, most recent first. With a chat model
configured, `assistant.llm.rewrite_with_model` asks the model instead and falls
back to this rewrite.

The same word lists decide which terms of a question are salient, which the
answerer uses to check that a sentence is really about what was asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

from assistant.sentences import wordset

Language = Literal["nl", "en"]


# Words that occur only (or almost only) in one of the two languages. Words that
# are common in both ("is", "in", "over", "was", "had") are left out, so a short
# question is decided by the words that really tell the languages apart.
_NL_MARKERS = wordset(
    """
    de het een van en zijn heeft hebben wordt worden werd werden hoeveel wanneer wie wat welke welk
    waarom waar hoe voor met op aan door niet geen ook er dat die dit deze nog naar uit bij tot om
    te zal zullen kan kunnen wil moet mag ik je jij u wij we zij ze hun hen mijn onze uw daar hier
    dan maar toch wel ja nee gaat komt staat betaalt krijgt kregen kost kosten geld bedrag gemeenten
    daarvoor daarmee daarvan hiervoor waarvoor waarmee waaraan welk hoelang sinds tussen jaar
    """
)
_EN_MARKERS = wordset(
    """
    the a an of and are were how much many when who whom which what why where does do did has have
    for with to on at by from not no this that these those it its they them their will would can
    could should about any been being there he she his her you your we our than then also pays pay
    paid money year municipalities ministry long old until
    """
)

# Question words, and words that name the kind of answer ("Op welke datum", "Waar staat
# de afkorting X voor"): they say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS = wordset(
    """
    hoeveel wanneer wie wat welke welk waarom waar hoe hoelang waaraan waarmee waarover waarin
    waardoor waarvoor waarop waartoe waaruit waarvan waarbij waarna waarnaar waartegen wiens hoezo
    how much many when who whom whose which
    what why where afkorting datum gedateerd titel naam bedrag aantal hoeveelheid abbreviation date
    dated title name amount number
    """
)
_EXTRA_STOP = wordset(
    """
    zijn is was waren heeft hebben had wordt worden werd werden kan kunnen kon konden zal zullen zou
    zouden gaat gaan ging doet doen deed staat stond komt komen kwam er nog ook eigenlijk precies
    volgens daarvoor daarmee daarvan daarbij daarin daarop daaraan daarna hiervoor hiermee hiervan
    hierover ervan ervoor erbij erin eruit dus zo graag even alle elke ieder welk welke deze die dit
    dat het een de hun zij ze hen we wij ik je u uw tot nu toe ter ten does do did has have had been
    being were are was is be can could would should shall will may might me i you we our us its it
    they them their those these this that there here about from any some also just please tell give
    know much many until according
    """
)
# Every form of the Dutch modal verbs. The Snowball list has some ("moet", "kan", "wil", "zal") and
# not the others, so "Voor wanneer moesten gemeenten ... klaar zijn?" asked for "moesten", which the
# text that answers it never says. Also a stopword of the keyword index (assistant.retrieval).
MODAL_VERBS = wordset(
    """
    moet moeten moest moesten kan kunnen kon konden wil willen wilde wilden wou mag mogen mocht
    mochten zal zullen zou zouden hoeft hoeven hoefde hoefden
    """
)
STOP_WORDS = (
    frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | _QUESTION_WORDS | _EXTRA_STOP | MODAL_VERBS
)

# Words that point back to something said before.
_ANAPHORS = wordset(
    """
    dat die dit deze daar daarvoor daarmee daarvan daarbij daarin daarop daaraan daarna daardoor
    hiervoor hiermee hiervan hierbij hun zij ze hen hem haar ervan ervoor erbij erin eraan it its
    that they them their those this these there he she his her
    """
)
_FOLLOWUP_OPENERS = ("en ", "maar ", "ook ", "and ", "but ", "also ", "what about ", "how about ")
_CONNECTORS = frozenset({"van", "en", "&", "met", "voor", "de", "der", "of", "and", "the"})

_WORD = re.compile(r"[\w][\w'’&-]*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def words(text: str) -> list[str]:
    """Word tokens in order, case kept (names are recognised by their capitals)."""
    return _WORD.findall(text)


def detect_language(text: str) -> Language:
    """'en' or 'nl' by counting words that only one of the languages uses.

    Short questions ("Who pays?", "En daarna?") have one or two such words, so
    a tie falls back to letter patterns typical of Dutch ("ij", "oe", "aa") or
    English ("th", "wh"), and finally to Dutch, the language of the corpus.
    """
    tokens = [w.lower() for w in words(text)]
    nl = sum(t in _NL_MARKERS for t in tokens)
    en = sum(t in _EN_MARKERS for t in tokens)
    if nl != en:
        return "nl" if nl > en else "en"
    lowered = text.lower()
    nl_letters = sum(lowered.count(p) for p in ("ij", "oe", "aa", "ee", "uu", "sch"))
    en_letters = sum(lowered.count(p) for p in ("th", "wh", "ow", "ing", "ck"))
    return "en" if en_letters > nl_letters else "nl"


def salient_words(text: str) -> list[str]:
    """The content words of a question, lowercased, in order, without question or stop words."""
    seen: list[str] = []
    for w in words(text):
        low = w.lower()
        if low in STOP_WORDS or (len(low) < 2 and not low.isdigit()):
            continue
        if low not in seen:
            seen.append(low)
    return seen


def named_things(text: str, sentence_start: bool = True) -> list[str]:
    """Names, abbreviations and numbers in a question, e.g. "SPUK Kansrijke Wijk", "DU", "2023".

    A name is a run of capitalised words, which may contain connectors
    ("Ministerie van Justitie en Veiligheid"). The first word of a question is
    capitalised anyway, so it counts only as an abbreviation ("SPUK", "JenV") or
    when the next word is capitalised too ("Social Labs"); with `sentence_start`
    False (a clause inside a sentence) a capitalised first word is a name too.
    """
    tokens = words(text)
    found: list[str] = []
    run: list[str] = []

    def close() -> None:
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        if run:
            name = " ".join(run)
            if name not in found:
                found.append(name)
        run.clear()

    for i, tok in enumerate(tokens):
        capital = tok[0].isupper() and tok.lower() not in STOP_WORDS
        if i == 0 and sentence_start and capital and not any(c.isupper() for c in tok[1:]):
            capital = len(tokens) > 1 and tokens[1][0].isupper()
        number = any(c.isdigit() for c in tok) and bool(_NUMBER.fullmatch(tok))
        connector = bool(run) and tok.lower() in _CONNECTORS  # "Ministerie van Justitie"
        if capital or number or connector:
            run.append(tok)
        else:
            close()
    close()
    return found


def clause_names(text: str) -> list[str]:
    """`named_things` clause by clause (split at punctuation), in order, without repeats.

    A clause after "(" or "," does not start a sentence: in "Hoeveel geld is daarvoor
    beschikbaar? (Buurtkompas)", the subject a follow-up carries, "Buurtkompas" is a name.
    """
    pieces = re.split(r"([?!.,;:()])", text)
    found: list[str] = []
    for k in range(0, len(pieces), 2):
        inside = k > 0 and pieces[k - 1] in "(,"
        found += named_things(pieces[k], sentence_start=not inside)
    return list(dict.fromkeys(found))


def is_followup(question: str) -> bool:
    """Whether a question leans on earlier turns for its subject.

    Signals: it opens with "En"/"And"/"Maar", it has no content words at all,
    or it points back ("dat", "daarvoor", "they") while being short or naming
    nothing itself. "het" counts only at the end ("Wie betaalt het?"): elsewhere
    it is almost always the article.
    """
    lowered = question.strip().lower()
    if lowered.startswith(_FOLLOWUP_OPENERS):
        return True
    tokens = [w.lower() for w in words(question)]
    if not tokens:
        return False
    if not salient_words(question):
        return True
    points_back = any(t in _ANAPHORS for t in tokens) or tokens[-1] == "het"
    return points_back and (len(tokens) <= 8 or not named_things(question))


def _own_names(text: str) -> list[str]:
    """The named things of a question other than bare numbers and years."""
    return [n for n in named_things(text) if not _NUMBER.fullmatch(n.replace(" ", ""))]


def _subject_of(history: Sequence[tuple[str, str]]) -> list[str]:
    """The salient terms the conversation is about, from the user's questions, newest first.

    Named things win: the names of the newest question that names something, plus
    those of the follow-ups after it ("Wat is de SPUK?" / "En hoeveel gemeenten kregen
    een DU?" / "Wie betaalt dat?" keeps both). An elliptical follow-up that names a
    thing ("En Buurtkracht?") puts it in the place of the earlier one, so the
    conversation is about that thing alone from then on ("Wie voert Taalhuis Plus uit?"
    / "En Buurtkracht?" / "Hoeveel gemeenten doen daar mee?" asks about Buurtkracht).
    Only when no question named anything do content words stand in, from the newest
    question that was not itself a follow-up.
    """
    subject: list[str] = []
    for previous, _answer in reversed(history):
        for term in _own_names(previous):
            if term.lower() not in (s.lower() for s in subject):
                subject.append(term)
        if subject and (_is_fragment(previous) or not is_followup(previous)):
            break
    if not subject:
        for previous, _answer in reversed(history):
            if not is_followup(previous) or previous == history[0][0]:
                subject = salient_words(previous)
                break
    return subject[:6]


# What may stand before the new value in an elliptical follow-up ("En in 2024?", "En voor de DU?").
_FRAGMENT_LEAD = wordset("in het de voor van over bij met for in the of about with")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_FRAGMENT_MAX_WORDS = 5  # "En in 2024?", "En de DU?", "And for Buurtkracht?": a value, not a question


def _is_fragment(question: str) -> bool:
    """Whether an earlier question was an elliptical follow-up ("En Buurtkracht?", "En in 2024?")."""
    return _fragment(_strip_opener(question.strip())) is not None


def _fragment(body: str) -> str | None:
    """The new value of an elliptical follow-up, or None when `body` is a question of its own.

    "in 2024" -> "2024", "de DU" -> "DU", "Buurtkracht" -> "Buurtkracht"; None for anything with a
    question word or more than a few words ("Wanneer?", "Hoeveel geld was dat?").
    """
    tokens = words(body)
    if not tokens or len(tokens) > _FRAGMENT_MAX_WORDS:
        return None
    if any(t.lower() in _QUESTION_WORDS or t.lower() in _ANAPHORS for t in tokens):
        return None
    while tokens and tokens[0].lower() in _FRAGMENT_LEAD:
        tokens = tokens[1:]
    value = " ".join(tokens)
    if _YEAR.fullmatch(value) or (value and named_things(value, sentence_start=False) == [value]):
        return value
    return None


def _elliptical(body: str, history: Sequence[tuple[str, str]]) -> str | None:
    """The earlier question asked again about a new year or a new named thing, or None.

    "En in 2024?" after "Hoeveel geld is er in 2023 via de DU verstrekt?" -> "Hoeveel geld is er in
    2024 via de DU verstrekt?"; "En de DU?" after "Wat doet de SPUK Kansrijke Wijk?" -> "Wat doet de
    DU?"; a year the earlier question did not have is added ("... in 2024?"). The earlier question
    is the newest one that was not itself a fragment; when it names nothing to swap ("Wanneer start
    het?"), the new thing is its subject ("Wanneer start het? (Buurtkracht)").
    """
    value = _fragment(body)
    if value is None:
        return None
    frame = next((q.strip() for q, _ in reversed(history) if not _is_fragment(q)), None)
    if frame is None:
        return None
    if _YEAR.fullmatch(value):
        old = _YEAR.search(frame)
        if old is None:  # "Wat doet de SPUK?" / "En in 2024?" -> "Wat doet de SPUK in 2024?"
            return f"{frame.rstrip(' ?')} in {value}?"
        return f"{frame[: old.start()]}{value}{frame[old.end() :]}"
    names = sorted(_own_names(frame), key=frame.find)
    if value.lower() in frame.lower():
        return None
    if not names:  # "Wanneer start het?" / "En Buurtkracht?": the frame with the new thing as its subject
        return f"{frame} ({value})"
    start = frame.find(names[0])
    return f"{frame[:start]}{value}{frame[start + len(names[0]) :]}"


# Asking the earlier question again about something else: "Hoe zit dat bij Buurtkracht?", "Geldt dat
# ook voor de DU?", "En hoe is het met Thuisbasis?"; what follows is an elliptical fragment.
_AGAIN = re.compile(
    r"^(?:hoe\s+(?:zit|is|staat|werkt|gaat)\s+(?:dat|het)(?:\s+dan)?|geldt\s+dat\s+(?:dan\s+)?ook"
    r"|is\s+dat\s+(?:dan\s+)?ook\s+zo|same\s+for|is\s+that\s+(?:also\s+)?(?:true|the\s+case|so))"
    r"\s+(?=(?:bij|met|voor|in|for|with)\s)",
    re.IGNORECASE,
)


def _strip_opener(question: str) -> str:
    """The question without its follow-up opener ("En hoeveel ..." -> "Hoeveel ...", "Hoe zit dat bij
    Buurtkracht?" -> "Bij Buurtkracht?")."""
    body = question
    lowered = question.lower()
    for opener in _FOLLOWUP_OPENERS:
        if lowered.startswith(opener) and len(question) > len(opener):
            body = question[len(opener) :].lstrip()
            break
    again = _AGAIN.match(body)
    body = body[again.end() :] if again else body
    return body[0].upper() + body[1:] if body else question


def rewrite_followup(question: str, history: list[tuple[str, str]]) -> str:
    """A standalone search query for `question` given earlier (question, answer) turns.

    A self-contained question, or one without history, is returned unchanged.
    An elliptical follow-up ("En in 2024?", "En de DU?") asks the earlier question again
    about the new year or named thing (`_elliptical`). Otherwise the opener ("En",
    "And") is dropped and the subject of the earlier questions is appended, e.g. "En
    hoeveel gemeenten kregen een DU?" after "Wat is de SPUK Kansrijke Wijk?" becomes
    "Hoeveel gemeenten kregen een DU? (SPUK Kansrijke Wijk)".
    """
    question = question.strip()
    # With a conversation going, a question that names nothing of its own ("Wie is de
    # uitvoerder?", "Wanneer start het?") is about the conversation's subject.
    if not history or not (is_followup(question) or not _own_names(question)):
        return question
    body = _strip_opener(question)
    again = _elliptical(body, history)
    if again is not None:
        return again
    lowered = question.lower()
    subject = [s for s in _subject_of(history) if s.lower() not in lowered]
    if not subject:
        return question
    return f"{body} ({', '.join(subject)})"
