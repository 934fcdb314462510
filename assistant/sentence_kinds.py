"""What kind of sentence a passage holds, apart from what it says.

Some sentences of real documents are never an answer to a question about the
subject: a member's question in Kamervragen (it asks, it states nothing), the
record lines that say who asked and answered when, source references (a
web address, a footnote "1 NRC, 16 april 2024, «…»"), a regulation's citation clause ("Deze
regeling wordt aangehaald als: ...") and a letter's salutation or
closing ("Geachte leden van de bewonerscommissie,"). They answer only a
question about themselves (who asked, where something was published, what it is called); a letter's
addressee and signer are document facts (`assistant.docfacts`).
"""

from __future__ import annotations

import re

from assistant.sentences import wordset

# The record lines of Kamervragen: who asked, to whom and when ("Vragen van het lid X aan de
# Minister … (ingezonden 2 juli 2024)"), who answered and when ("Antwoord van Minister Y
# (ontvangen 13 juni 2024)"). They describe the document, not its subject: quoted only for a
# question about the questions themselves (the document-fact answers handle date and sender).
_RECORD_LINE = re.compile(
    r"^\W*(?:Vragen van (?:het |de )?(?:lid|leden)\b.*\(ingezonden [^)]*\)"
    r"|(?:Antwoord|Mededeling) van .*\(ontvangen [^)]*\))",
    re.DOTALL,
)
_ABOUT_RECORD = re.compile(
    r"\b(?:kamer)?vra(?:ag|gen)\b|ingezonden|kamerle(?:den|d)|\blid\b|\bleden\b|beantwoord|antwoord"
    r"|\basked\b|\bquestions?\b|submitted|answered",
    re.IGNORECASE,
)


PLACING_WORDS = wordset("eerste tweede derde vierde laatste nieuwe nieuw first second third fourth last new")
_WEB_ADDRESS = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
# A footnote that cites a source without a web address: "1 NRC, 16 april 2024, «Reisorganisatie
# Corendon blijft ...»" (footnote number, publisher, date): where something was said, not a fact.
_SOURCE_REFERENCE = re.compile(
    r"^\W*\d{1,3}\s+[A-Z][\w&.'’ -]{0,40},\s+\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli"
    r"|augustus|september|oktober|november|december)\s+\d{4}\b"
)
_ABOUT_WEB = re.compile(r"web\w*|\bsite\b|\burl\b|\blink\b|internet|online|\bbron\b|source", re.IGNORECASE)
# A sentence that ends in a question mark (before closing quotes, brackets or a footnote number).
_INTERROGATIVE_END = re.compile(r"\?[\s\"'»”’)\]\d]*$")


def is_source_reference(sentence: str) -> bool:
    """Whether a sentence says where something was published rather than stating a fact: it
    holds a web address, or it is a footnote "1 NRC, 16 april 2024, «…»" (number, source, date)."""
    return bool(_WEB_ADDRESS.search(sentence) or _SOURCE_REFERENCE.match(sentence))


def is_record_line(sentence: str) -> bool:
    """Whether a sentence is a Kamervragen record line ("Vragen van het lid X ... (ingezonden ...)")."""
    return bool(_RECORD_LINE.match(sentence))


def asks_about_record(question: str) -> bool:
    """Whether a question is about the questions themselves (who asked, when answered)."""
    return bool(_ABOUT_RECORD.search(question))


def asks_about_source(question: str) -> bool:
    """Whether a question asks where something is published (a website, a link, a source)."""
    return bool(_ABOUT_WEB.search(question))


# A letter's salutation or closing formula: "Geachte leden van ...,", "Met vriendelijke groet,".
_SALUTATION = re.compile(
    r"^\W*(?:geachte|beste|lieve|dear|met vriendelijke groet(?:en)?|hoogachtend|kind regards)\b"
    r"[^.!?]*[,:]?\s*$",
    re.IGNORECASE,
)


# The citation clause every Dutch regulation ends with: "Deze regeling wordt aangehaald als:
# Subsidieregeling Veilig Verkeer Nederland 2014." It repeats the document's title, so it lies close
# to any question about the regulation ("Wat moet de commissie wijkaanpak doen?" was answered
# "Dit besluit wordt aangehaald als: Instellingsbesluit Wetenschappelijke commissie wijkaanpak.");
# it tells only what the regulation is called.
_CITATION_CLAUSE = re.compile(r"\b(?:wordt|kan worden|zal worden)\s+aangehaald\s+als\b", re.IGNORECASE)
_ASKS_NAME = re.compile(
    r"\b(?:hoe heet|heet|heten|naam|titel|citeertitel|aangehaald|genoemd|called|name[ds]?|title)\b",
    re.IGNORECASE,
)


def is_citation_clause(sentence: str) -> bool:
    """Whether a sentence is a regulation's citation clause ("Deze regeling wordt aangehaald als: X")."""
    return bool(_CITATION_CLAUSE.search(sentence))


def asks_for_name(question: str) -> bool:
    """Whether a question asks what something is called ("Hoe heet de regeling?", "What is its title?")."""
    return bool(_ASKS_NAME.search(question))


def is_salutation(sentence: str) -> bool:
    """Whether a sentence is a letter's salutation or closing formula; it says nothing of the subject
    ("Wat krijgt de bewonerscommissie?" was answered "Geachte leden van de bewonerscommissie,")."""
    return bool(_SALUTATION.match(sentence))


def is_question_sentence(sentence: str) -> bool:
    """Whether a sentence ends in a question mark (before closing quotes, brackets or a footnote)."""
    return bool(_INTERROGATIVE_END.search(sentence))
