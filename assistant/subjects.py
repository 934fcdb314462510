"""What a question is about, by name, and which retrieved sentences speak of something else.

A question names its subject ("Hoeveel geld krijgt Buurtkracht?"); the retrieved
passages often hold sibling schemes ("Taalhuis Plus", "Jeugdfonds Thuisbasis") whose
facts have the asked kind. `Subjects` finds the asked names and the rival ones (from
titles and headings) once per question, and `Subjects.elsewhere` tells the answerer
(`assistant.scoring`) which sentences are about a rival, so a fact about another scheme
is never presented as one about the asked subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.conversation import named_things
from assistant.question import Question
from assistant.sentences import fold, tokens, wordset
from assistant.types import Hit

if TYPE_CHECKING:
    from assistant.scoring import Candidate

# Words of a title or heading that name the kind of document, not its subject.
_GENERIC = wordset(
    "kamerbrief brief nota overzicht regeling bijlage rapport verslag notitie memo het de een van voor"
)


@lru_cache(maxsize=10_000)
def name_words(name: str) -> frozenset[str]:
    """The distinctive words of a name, folded: abbreviations ("DU") count, "Kamerbrief" does not."""
    raw = re.findall(r"\w+", name)
    keep = [w for w in raw if (len(w) >= 3 or (len(w) >= 2 and w.isupper())) and not w.isdigit()]
    words = {t for w in keep for t in tokens(w) if t not in _GENERIC}
    capitals = [w for w in raw if w[:1].isupper() and fold(w) not in _GENERIC]
    if len(capitals) >= 2:  # "Decentrale Uitkering" is also written "DU"
        words.add("=" + "".join(fold(w[0]) for w in capitals))
    return frozenset(words)


def mentions(name: frozenset[str], text_words: set[str]) -> bool:
    """A name is mentioned when most of its distinctive words, or its initials, are in the text."""
    plain = {w for w in name if not w.startswith("=")}
    initials = [w[1:] for w in name if w.startswith("=")]
    if any(i in text_words for i in initials):
        return True
    return bool(plain) and sum(w in text_words for w in plain) * 2 > len(plain)


def _names_fully(name: frozenset[str], text: str) -> bool:
    """Whether `text` names `name` as a name: every distinctive word present and capitalised, or
    an acronym among its words written in capitals ("DU" names "DU Veerkracht en Weerbaarheid")."""
    words = re.findall(r"\w+", text)
    capitalised = {fold(w) for w in words if w[:1].isupper()}
    plain = {w for w in name if not w.startswith("=")}
    acronyms = {fold(w) for w in words if len(w) >= 2 and w.isupper() and w.isalpha()}
    return bool(plain) and (plain <= capitalised or bool(plain & acronyms))


def _spelled_acronyms(words: list[str]) -> set[str]:
    """The acronyms that runs of two to four words spell by their initials ("decentrale
    uitkering" -> "du"), so a question written out in full matches a heading's "DU"."""
    content = [w for w in words if w.isalpha() and len(w) >= 4]
    return {"".join(w[0] for w in content[i : i + n]) for n in (2, 3, 4) for i in range(len(content) - n + 1)}


@dataclass(frozen=True)
class Subjects:
    """The named things asked about, and the other named things the retrieved documents are about.

    `others` come from the titles and section headings of the hits ("Taalhuis Plus",
    "Mantelzorg Ontlast"): schemes a sentence can name instead of the asked one
    (not the subject in the title of a document that is on the asked subject).
    `foreign` are the documents none of whose retrieved passages mention the asked
    subject while their title names another one that the documents on the asked
    subject never mention: a sibling scheme, not an umbrella (so "Er doen 20
    bibliotheken mee" in the Taalhuis Plus letter does not answer about Buurtkracht).
    """

    asked: tuple[frozenset[str], ...]
    others: tuple[frozenset[str], ...]
    foreign: frozenset[str]

    @classmethod
    def of(cls, question: Question, hits: Sequence[Hit]) -> Subjects:
        """The subjects for one question over its retrieved hits."""
        asked = tuple(n for n in map(name_words, question.subject_names) if n)
        # A follow-up that names its own subject is about that one: "En hoeveel geld ging naar de
        # SPUK?" after a question about the DU carries "DU" as context, not as a second subject.
        carried = set(question.carried)
        own = tuple(n for n in asked if not n <= carried)
        asked = own or asked
        heads = {h.passage.title for h in hits} | {h.passage.section or "" for h in hits}
        others = {name_words(n) for head in heads for n in named_things(head)}
        # A rival the question spells out ("de decentrale uitkering" for "DU ...") is what it asks
        # about, whatever subject a follow-up carried over.
        spelled = _spelled_acronyms(tokens(question.query))
        # Nor is a heading whose name the question itself says ("Wat verstaat het Iv3 onder
        # jeugdreclassering?" under the heading "6.822 – Jeugdreclassering").
        # (Asked now: a follow-up's carried words are context, "DU" after a question about the DU.)
        said = (set(tokens(question.query)) - {fold(w) for w in question.carried}) | spelled
        others = {o for o in others if o and not any(o & a for a in asked) and not (o & said)}
        texts = {h.passage.doc_id: "" for h in hits}
        for h in hits:
            texts[h.passage.doc_id] += f"\n{h.passage.title}\n{h.passage.embedding_text()}"
        on_subject = {d for d, t in texts.items() if any(mentions(a, set(tokens(t))) for a in asked)}
        titles = {h.passage.doc_id: h.passage.title for h in hits}
        # The subject of a document on the asked subject is an umbrella, not a rival.
        umbrella = {o for o in others if any(mentions(o, set(tokens(titles[d]))) for d in on_subject)}
        rivals = others - umbrella
        foreign = {
            d for d in texts if d not in on_subject and any(_names_fully(o, titles[d]) for o in rivals)
        }
        return cls(
            asked, tuple(sorted(rivals, key=sorted)), frozenset(foreign) if on_subject else frozenset()
        )

    def names_asked(self, words: set[str]) -> bool:
        """Whether text with these folded words (and initials) mentions an asked subject."""
        return any(mentions(a, words) for a in self.asked)

    def elsewhere(self, c: Candidate) -> bool:
        """Whether the sentence is about another named thing and not about the asked one.

        A sentence that names the asked subject is about it. One that names another
        scheme by its proper name ("Aan Mantelzorg Ontlast doen 40 gemeenten mee")
        is about that one, whatever the sentence before it says; one naming neither
        is about the other when it stands in a `foreign` document.
        """
        if not self.asked:
            return False
        own = set(tokens(c.text))
        if self.names_asked(own):
            return False
        if any(_names_fully(o, c.text) for o in self.others):
            return True
        # "Daarmee kregen 7 gemeenten een bijdrage." after "... wordt ook een Decentrale Uitkering (DU)
        # ingezet.": the sentences it leans on say what it is about, whatever the heading.
        before = c.antecedent
        if (
            before
            and not self.names_asked(set(tokens(before)))
            and any(_names_fully(o, before) for o in self.others)
        ):
            return True
        if self.names_asked(set(tokens(c.local_text))):
            return False
        return c.doc_id in self.foreign
