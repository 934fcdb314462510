"""The question's salient terms and how much of them a piece of text covers.

A sentence that answers a question is about what the question is about: its
content words, found as the same stem, a shared prefix (Dutch compounds and
inflections) or, for money words, any amount. English content words cannot be
found in Dutch text, so they are soft: found counts, missing says nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from assistant.initialisms import question_initialisms, text_initialisms
from assistant.numbers import money_values, quantities
from assistant.question import Question
from assistant.question_kinds import MONEY_WORDS
from assistant.retrieval import analyze
from assistant.sentences import fold, tokens, wordset


@dataclass(frozen=True)
class Term:
    """A salient word of the question, with its index stems and whether it is about money.

    A number of the question is one term with its `values` (in euros for money):
    covered by any spelling of that value ("1,5 miljoen euro" by "€ 1.500.000").
    """

    word: str
    stems: tuple[str, ...]  # the whole word's stem, then those of its parts if it is hyphenated
    money: bool
    hard: bool  # English content words are soft: the Dutch text cannot contain them
    carried: bool = False  # brought in from earlier turns by the follow-up rewrite, not asked now
    values: frozenset[float] = frozenset()
    alternatives: tuple[str, ...] = ()  # other spellings that also cover it ("uitvoert" for "voert")
    initials: str = ""  # the initials it may be written as ("drc" for "corridor"): assistant.initialisms
    # A Dutch word rendering an English one (assistant.crosslingual): it ranks sentences like a
    # Dutch term, matched on 6 letters as Dutch terms are, but is no reason to refuse.
    rendered: bool = False


_PARTICLES = wordset("uit op aan af in mee toe door voor over terug bij samen vast na")
_PARTICLE_LENGTHS = sorted({len(p) for p in _PARTICLES})
_SOFT_WORDS = wordset(
    """
    regeling regelingen programma project projecten initiatief fonds brief kamerbrief nota document
    krijgt krijgen kreeg kregen ontvangt ontvangen ontving geeft geven gaf
    bedoeld bestemd gericht
    zogenoemde zogenaamde zogeheten binnen buiten gedurende tijdens vanaf sinds vooral eerst precies
    ongeveer momenteel inmiddels
    verantwoordelijk
    laten liet lieten
    """
)
# ("bedoeld bestemd gericht": the frame of a purpose question, "Voor wie is X bedoeld/bestemd/gericht?",
# is answered by "X is er voor jongeren die ..." without the frame verb. "laten": the causative
# auxiliary, "Is er budget om de Agenda door te laten lopen?"; not "laat", which is also "late".)
# Nouns that name a category rather than a thing: "Welke organisatie ..." is answered by
# "Stichting Wijkwerk Nederland", which does not say "organisatie"; "Welk Kamerlid ..." by "het lid
# Hijink", "Op welke plek ..." by "Maaldrift hoek Oude Trambaan", "Welke thema's werden besproken?" by
# "digitale weerbaarheid, zelfbeschikking, ...". A specific role
# ("Welke staatssecretaris") is written in the answer and stays a hard term.
_CATEGORY_NOUNS = wordset(
    """
    organisatie organisaties instantie instanties partij partijen uitvoerder uitvoerders instelling
    instellingen regeling regelingen organization organisation body bedrijf bedrijven onderneming
    ondernemingen company companies
    kamerlid kamerleden fractie fracties politicus
    plek plekken plaats plaatsen locatie locaties place location
    thema themas thema's onderwerp onderwerpen topic topics theme themes subject subjects
    """
)
# "Hoeveel personen zitten in de Raad?" is answered by "De adviescommissie bestaat uit 7 personen":
# in a count question "zitten in" says membership, as "krijgen" says receiving, in other words than
# the text's. ("Wie zitten er in de Raad?" asks for names: there the verb stays a term.)
_MEMBERSHIP_VERBS = wordset("zit zitten zat zaten")
# The ways Dutch bounds a quantity, one group per direction: "Hoe groot mag het voorschot maximaal
# zijn?" is answered by "ten hoogste 95 procent" (regulations say "ten hoogste" / "ten minste";
# `TextIndex` reads them as one word).
_BOUND_GROUPS = (
    ("maximaal", "maximale", "maximum", "hoogstens", "tenhoogste"),
    ("minimaal", "minimale", "minimum", "minstens", "tenminste"),
)
BOUND_SYNONYMS = {w: tuple(x for x in group if x != w) for group in _BOUND_GROUPS for w in group}
_QUANTITY_WORDS = wordset("miljoen miljard duizend mln mld euro eur million billion thousand")


def salient_terms(question: Question) -> list[Term]:
    """The words a sentence must be about: content words of the query, analysed like the index.

    For English questions only names, abbreviations and numbers are hard terms
    (they are spelled the same in the Dutch documents); other English words are
    soft: matched by their first five letters, which catches cognates such as
    congress/congres, and never a reason to refuse; their Dutch renderings
    (`Question.dutch`) are soft terms too. Words carried over from earlier turns
    are context, weighted less than what is asked now. The numbers of the question
    are terms by value; years stay words (they are spelled one way).
    """
    names = {w.lower() for name in question.names for w in name.split()}
    # An English name word ("Social Council") is soft when the question names something else the
    # Dutch text must contain ("Maatschappelijke Raad"); otherwise it is all there is to check.
    english_names = {w for w in names if question.language == "en" and _english_word(w)}
    if english_names and all(w.isdigit() for w in names - english_names):
        english_names = set()
    initials = question_initialisms(question.query)
    carried = set(question.carried)
    values = question.amounts | question.counts
    terms = []
    for word in question.terms:
        if values and (word in _QUANTITY_WORDS or (any(c.isdigit() for c in word) and not word.isdigit())):
            continue  # part of an amount: matched by value below
        if values and word.isdigit() and float(word) in values:
            continue
        stems = tuple(analyze(word))
        if not stems or (question.language == "nl" and _inflected_stopword(word)):
            continue  # "deden", "kregen": forms of a word the index treats as a stopword
        hard = (
            question.language == "nl"
            or (word in names and word not in english_names)
            or any(c.isdigit() for c in word)
        )
        # "Welke regeling ontvangt 1,5 miljoen?", "Welke organisatie voert X uit?": the sentence
        # names the regeling or organisation rather than saying the word. Kind nouns ("de
        # regeling") and light verbs ("krijgt", "ontvangt") count when found, never against.
        # ("thema's" is the answer noun "thema" with its plural 's.)
        answer_type = re.sub(r"'s$", "", word) == question.answer_noun and (values or word in _CATEGORY_NOUNS)
        counted_in = question.kind == "amount" and word in _MEMBERSHIP_VERBS
        hard = hard and not answer_type and word not in _SOFT_WORDS and not counted_in
        whole = tuple(w for verb, w in question.verb_forms if verb == word)
        if question.language == "nl":  # "verlaagd" is also covered by "verlagen" (lemma_stems)
            whole += tuple(lemma_stems(fold(word))) + tuple(nominal_verbs({fold(word)}))
            whole += BOUND_SYNONYMS.get(fold(word), ())
        if fold(word) in PEOPLE_NOUNS and question.kind == "amount":
            # "Hoeveel leden ...?" is answered by "7 personen"; "Wie zijn de leden?" is not.
            whole += tuple(sorted(PEOPLE_NOUNS - {fold(word)}))
        terms.append(
            Term(
                word,
                stems,
                bool(MONEY_WORDS.match(word)),
                hard,
                word in carried,
                alternatives=whole,
                initials=initials.get(fold(word), ""),
            )  # fmt: skip
        )
    for value in sorted(values):
        terms.append(Term(f"{value:g}", (), value in question.amounts, True, False, frozenset({value})))
    # Dutch words for English ones: from the static table (soft), or found in the passages by
    # meaning (`Question.rendered`: the text may say them, so they rank like Dutch terms).
    dutch = [(w, False) for w in question.dutch] + [(w, True) for w in question.rendered]
    for word, rendered in dutch:
        stems = tuple(analyze(word))
        if stems and not any(t.stems[:1] == stems[:1] for t in terms if t.stems):
            terms.append(Term(word, stems, bool(MONEY_WORDS.match(word)), rendered, rendered=rendered))
    return terms


# Nouns that count people of a body or group: a text counting one counts the other ("De
# adviescommissie bestaat uit 7 personen" answers "Hoeveel leden heeft de Raad?").
PEOPLE_NOUNS = frozenset({"leden", "lid", "personen", "persoon", "mensen", "members", "people", "persons"})


def _english_word(word: str) -> bool:
    """Whether a word of an English question's name is English rather than a name the Dutch text
    spells the same: "Social Council", "the Netherlands" are not written so in Dutch documents;
    "Buurtkracht", "Jemen", "DSB" are (simplemma's English and Dutch lexicons decide)."""
    return simplemma.is_known(word, lang="en") and not simplemma.is_known(word, lang="nl")


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    """simplemma's Dutch lemma of a word, separable verbs joined ("uitgevoerd" -> "uitvoeren")."""
    return simplemma.lemmatize(word, lang="nl").replace("_", "")


@lru_cache(maxsize=200_000)
def lemma_stems(word: str) -> tuple[str, ...]:
    """The stems of a Dutch word's lemma when they differ from its own: "verlaagd" -> ("verlag",).

    The Snowball stemmer leaves inflected forms apart ("verlaagd" / "verlagen",
    "deden" / "doen", "kregen" / "krijgen"); simplemma's Dutch lexicon (already used
    for hyphenation in `cleaning.py`) joins them. Separable verbs come back with an
    underscore ("uit_voeren"), which is dropped. () when the lemma adds nothing.
    """
    lemma = _lemma(word)
    if lemma == word:
        return ()
    own = set(analyze(word))
    return tuple(s for s in analyze(lemma) if s not in own)


def _inflected_stopword(word: str) -> bool:
    """Whether a word's Dutch lemma is a stopword ("deden" -> "doen") while the word itself is not."""
    word = fold(word)
    lemma = _lemma(word)
    return lemma != word and not analyze(lemma)


# Symbols a text writes where a question says the word: "met 25%" answers "met hoeveel procent".
_SYMBOL_WORDS = {"%": "procent percentage percent", "€": "euro"}


@dataclass(frozen=True)
class TextIndex:
    """What coverage looks at in a piece of text: its stems, folded words and whether it has an amount."""

    stems: frozenset[str]
    words: frozenset[str]
    money: bool
    values: frozenset[float] = frozenset()
    alternatives: tuple[str, ...] = ()  # other spellings that also cover it ("uitvoert" for "voert")
    initialisms: frozenset[str] = frozenset()  # "drc" for "DRC" or "Delta Rhine Corridor"

    @classmethod
    def of(cls, text: str) -> TextIndex:
        """The index of one text; participles of separable verbs are also read without their
        "ge" ("uitgevoerd" also as "uitvoerd"), so "uitvoert" finds them by prefix."""
        folded = tokens(text)
        words = set(folded)
        # Two-word spellings of one word: "ten minste" also as "tenminste", "in zake" as "inzake".
        words |= {
            a + b
            for a, b in zip(folded, folded[1:], strict=False)
            if len(a) <= 3 and len(b) >= 4 and a.isalpha()
        }
        words |= {
            w[:n] + w[n + 2 :]
            for w in words
            for n in _PARTICLE_LENGTHS
            if w[n : n + 2] == "ge" and w[:n] in _PARTICLES
        }
        words |= split_verbs(text)
        values = frozenset(q.value for q in quantities(text))
        spoken = " ".join(said for symbol, said in _SYMBOL_WORDS.items() if symbol in text)
        words |= nominal_verbs(words)
        lemmas = {s for w in words for s in lemma_stems(w)}
        words |= set(tokens(spoken))
        stems = frozenset(analyze(text)) | frozenset(analyze(spoken)) | lemmas
        money = bool(money_values(text)) or "€" in text
        return cls(stems, frozenset(words), money, values, initialisms=text_initialisms(text))

    def covers(self, term: Term, prefix: int) -> bool:
        """Same stem; else the same first `prefix` letters; money words by an amount; numbers by value.

        A hyphenated compound needs the whole word or all its parts:
        "minister-president" is not covered by "minister" alone.
        """
        if term.values:
            return bool(term.values & self.values)
        if term.initials and term.initials in self.initialisms:
            return True  # "Delta Rhine Corridor" by "DRC", "DSB" by "Dutch State Business"
        for alternative in term.alternatives:
            stems = tuple(analyze(alternative))
            if stems and self.covers(Term(alternative, stems, term.money, term.hard), prefix):
                return True
        whole, *parts = term.stems
        if whole in self.stems or (parts and all(p in self.stems for p in parts)):
            return True
        word = fold(term.word)
        prefix = max(prefix, 6) if term.rendered else prefix  # "onderwerpen" is not "ondertekenen"
        if word.startswith("ge") and len(word) >= prefix + 4:
            word = word[2:]  # a participle: "geïnformeerd" ~ "informeren"
        if len(word) >= prefix and not parts:
            start = word[:prefix]
            # Dutch participles carry a ge- prefix: reserved ~ gereserveerd, invested ~ geinvesteerd.
            if any(
                w.startswith(start) or (w.startswith("ge") and w[2:].startswith(start)) for w in self.words
            ):
                return True
        if not parts and any(tail in self.words for tail in compound_heads(word)):
            return True  # "omgevingsvergunning" by "vergunning", "consumentenvuurwerk" by "vuurwerk"
        return term.money and self.money


@lru_cache(maxsize=50_000)
def verb_form(word: str) -> bool:
    """Whether a Dutch word is a form of a verb: simplemma's lemma differs from it and is an
    infinitive ("haalt" -> "halen", "opgehaald" -> "ophalen", "steunden" -> "steunen"). Nouns
    lemmatise to their singular ("gemeenten" -> "gemeente"). Not exact ("leden" -> "lijden"):
    used only to prefer a question's things over its verbs and to join split verbs."""
    low = fold(word)
    lemma = simplemma.lemmatize(low, lang="nl")
    return lemma != low and lemma.replace("_", "").endswith(("en", "aan", "oen", "ien"))


def plural_noun(word: str) -> bool:
    """Whether a Dutch word is a noun in the plural: its lemma is another word that is no verb
    ("gemeenten" -> "gemeente", "wijken" -> "wijk"; not "brengen", whose lemma is itself)."""
    low = fold(word)
    return low.endswith(("en", "s")) and _lemma(low) != low and not verb_form(low)


def nominal_verbs(words: set[str]) -> set[str]:
    """The verbs that nouns in -ing are made from: "training" -> "trainen", "uitvoering" ->
    "uitvoeren", "ondersteuning" -> "ondersteunen", so "het trainen van vrijwilligers" finds
    "de training van vrijwilligers". Dutch makes such nouns from nearly every verb stem.

    Loan verbs in -eren make theirs in -atie and -ies: "evaluatie" -> "evalueren", "organisatie"
    -> "organiseren", "advies" -> "adviseren", so "Wie adviseert over de Agenda?" finds "De Raad
    geeft advies over de Agenda" (the verb's forms share 6 letters with "adviseren", not with
    "advies"; "evalueert" shares 5 with "evaluatie").
    """
    verbs = set()
    for w in words:
        if not w.isalpha():
            continue
        if len(w) >= 7 and w.endswith("ing"):
            verbs.add(w[:-3] + "en")
        elif len(w) >= 8 and w.endswith("atie"):
            verbs.add(w[:-4] + "eren")
        elif len(w) >= 6 and w.endswith("ies"):
            verbs.add(w[:-2] + "seren")
    return verbs


# Infinitives that stand between "te" and the verb it governs: "uit te laten voeren".
_TE_AUXILIARIES = wordset("laten kunnen worden gaan blijven")


def split_verbs(text: str) -> set[str]:
    """Separable verbs a text splits, joined: "De gemeente haalt het gft-afval elke week op." ->
    {"ophaalt"}: the particle closing a clause with each verb form before it in that clause, so a
    question's "opgehaald" (lemma "ophalen") finds the sentence by lemma.

    The te-infinitive splits them too: "het onderzoek uit te laten voeren" -> {"uitvoeren"},
    "de aanvraag in te dienen" -> {"indienen"} (particle, "te", at most one auxiliary infinitive,
    then the infinitive in -en), so "Wie moet het onderzoek uitvoeren?" finds its sentence.
    """
    joined: set[str] = set()
    for clause in re.split(r"[.,;:!?()]", text):
        words = tokens(clause)
        if len(words) >= 3 and words[-1] in _PARTICLES:
            joined |= {words[-1] + w for w in words[:-1] if w.isalpha() and verb_form(w)}
        for i, word in enumerate(words[:-2]):
            if word in _PARTICLES and words[i + 1] == "te":
                verb = words[i + 2]
                if verb in _TE_AUXILIARIES and i + 3 < len(words) and words[i + 3].endswith("en"):
                    verb = words[i + 3]
                if verb.isalpha() and verb.endswith("en"):
                    joined.add(word + verb)
    return joined


@lru_cache(maxsize=50_000)
def compound_heads(word: str) -> tuple[str, ...]:
    """The heads of a Dutch compound that are words of their own, longest first:
    "omgevingsvergunning" -> ("vergunning",). A text that has just used the full compound
    names it by its head ("een omgevingsvergunning ... die vergunning"); Dutch compounds
    put the head last. Heads of 6 letters or more after a part of 4 or more, known to
    simplemma's Dutch lexicon, so "staatssecretaris" does not become "secretaris" by chance
    of spelling alone but only when "secretaris" is a word (it is: then it counts)."""
    if len(word) < 10 or not word.isalpha():
        return ()
    # The longest known head is the compound's own ("vergunning", not "gunning"); a head that is
    # itself a compound gives its head too ("kredietverzekeringen" -> "verzekeringen").
    head = next((word[k:] for k in range(4, len(word) - 5) if simplemma.is_known(word[k:], lang="nl")), None)
    return (head, *compound_heads(head)) if head else ()


def term_weights(terms: Sequence[Term], passages: Sequence[TextIndex], prefix: int) -> list[float]:
    """Inverse document frequency over the retrieved passages.

    A word found in every passage ("Agenda") says little about whether the
    question is answered; a word found in none ("webadres", "gekost") says most.
    Words carried over from earlier turns count half.
    """
    n = len(passages)
    weights = [math.log(1.0 + (n + 1) / (sum(p.covers(t, prefix) for p in passages) + 0.5)) for t in terms]
    return [w / 2 if t.carried else w for t, w in zip(terms, weights, strict=True)]


def coverage(
    terms: Sequence[Term], weights: Sequence[float], text: TextIndex, prefix: int, rendered_hard: bool = True
) -> float:
    """Weighted share of the salient terms that `text` covers (1.0 when there are none).

    A soft (English) term that is not found is left out rather than counted as
    missing: its absence from Dutch text says nothing. One that is found counts.
    A rendered term (`Term.rendered`) counts as hard only with `rendered_hard`: it ranks
    sentences, but a rendering the model got wrong must not refuse the question.
    """
    found = [(w, text.covers(t, prefix)) for t, w in zip(terms, weights, strict=True)]
    counted = [t.hard and (rendered_hard or not t.rendered) for t in terms]
    pairs = [(w, hit) for (w, hit), hard in zip(found, counted, strict=True) if hard or hit]
    total = sum(w for w, _ in pairs)
    return sum(w for w, hit in pairs if hit) / total if total else 1.0
