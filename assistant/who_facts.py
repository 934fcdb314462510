"""Whether a sentence names the person, organisation or group a "wie" question asks for.

`who_bonus` scores a sentence for a who-question: a person by initials, the office's
holder for "Wie is de burgemeester?", the doer after "door" for "Door wie ...?", the
group served for "Voor wie ...?", or any name or organisation the question does not
already contain. `org_words` finds organisations written as one lower-case compound.
Split out of `assistant.facts`, which asks it for the "wie" kind.
"""

from __future__ import annotations

import re

import simplemma

from assistant.sentences import tokens, wordset
from assistant.transcripts import SPEAKER_HEADING

_ORG_WORDS = wordset(
    """
    ministerie ministeries minister staatssecretaris kabinet gemeente gemeenten raad kamer commissie
    adviescommissie professionals organisaties experts wetenschappers personen onderzoekers stichting
    platform vereniging bureau instituut netwerk partners uitvoerder organisatie
    reclassering politie inspectie dienst autoriteit agentschap rechtbank rechter toezichthouder
    omroep bank ombudsman
    """
)


def org_words(words: set[str]) -> set[str]:
    """The words that name an organisation: an organisation word itself or a compound ending in
    one ("jeugdreclassering", "belastingdienst", "adviesraad"). Dutch compounds put the head
    last; simplemma's lexicon lacks many of these heads ("reclassering"), so the suffix decides."""
    return {
        w for w in words if w in _ORG_WORDS or (len(w) >= 7 and _ORG_HEAD.search(w) and w not in _NOT_ORGS)
    }


_NOT_ORGS = wordset("voorraad voorraden")  # "voor" + "raad": a stock, not a council


_ORG_HEAD = re.compile(rf"\w{{3}}(?:{'|'.join(sorted(_ORG_WORDS, key=len, reverse=True))})$")

# Groups of people a scheme is for ("Voor wie is het fonds bedoeld?" -> "voor jongeren die ...").
_GROUP_WORDS = wordset(
    """
    jongeren ouderen volwassenen kinderen gezinnen ouders bewoners inwoners burgers deelnemers
    vrijwilligers mantelzorgers leerlingen studenten scholieren mensen huishoudens werkzoekenden
    nieuwkomers statushouders jeugd jongere oudere ondernemers professionals wijken buurten
    """
)

# A person by initials: "J.N.J. Nobel", "F. Kaulingfreks".
_INITIALS = re.compile(r"\b(?:[A-Z]\.){1,4} ?(?:(?:de|van|der|den) )*[A-Z][a-z]+")


# "door wie", "wie voert uit": the text names the doer after "door" or "ligt bij".
_AGENT = re.compile(r"\b(?:door|ligt bij|liggen bij|in handen van|verantwoordelijk)\b", re.IGNORECASE)
_BENEFICIARY_ASKED = re.compile(r"\b(?:voor wie|for whom|who (?:is|are) \w+ for|doelgroep)\b", re.IGNORECASE)
# "Wie zijn de leden van de Raad?", "Wie zitten er in X?", "Who are the members of X?": the members
# themselves, by name, never their number or a description of them.
_MEMBERS_ASKED = re.compile(
    r"\b(?:wie|who)\s+(?:zijn|waren|are|were|zitten|zaten|sit|sat)\s+(?:er\s+)?"
    r"(?:(?:de|the)\s+(?:\w+\s+)?(?:leden|members)\b|in\b|on\b)"
    r"|\buit wie bestaat\b|\bwho (?:is|are) on\b",
    re.IGNORECASE,
)
_AGENT_ASKED = re.compile(
    r"\b(?:door wie|by whom|voert|voeren|uitvoer\w*|carr\w* out|runs?|implement\w*)\b", re.I
)


# "Wie is de minister van X?", "Welke staatssecretaris ...", "Who is the chair of X?": the office
# asked for, which the answer must name ("Wie heeft de minister gevraagd ...?" asks no office).
_ROLES = (
    r"minister|staatssecretaris|voorzitter|directeur|burgemeester|wethouder|secretaris-generaal|"
    r"commissaris|ambassadeur|ombudsman|premier|minister-president|griffier|chair(?:man|woman|person)?|"
    r"director|mayor|president|secretary|ambassador"
)
_ROLE_ASKED = re.compile(
    r"(?:\b(?:wie|who)\s+(?:is|was|zijn|waren|wordt|werd|are|were|becomes?)\s+(?:de|het|the)\s+"
    rf"(?:\w+\s+)?|\b(?:welke|which)\s+)(?P<role>{_ROLES})\b",
    re.IGNORECASE,
)


# "Wie was griffier?", "Wie is de voorzitter?": an office asked for with or without an article.
_OFFICE_ASKED = re.compile(
    rf"\b(?:wie|who)\s+(?:is|was|zijn|waren|are|were)\s+(?:(?:de|het|the)\s+)?(?P<role>{_ROLES})\b",
    re.IGNORECASE,
)


def asked_office(part: str) -> str | None:
    """The office a "wie" question asks for, with or without an article ("Wie was griffier bij ...?"
    -> "griffier"), else None. Looser than `asked_role`, which decides whether a sentence must name the
    office's holder: only a record field named after the office is looked for with it."""
    m = _OFFICE_ASKED.search(part)
    return m.group("role") if m else None


def _holder_named(role: str, sentence: str) -> bool:
    """Whether the sentence names the holder of the office: the office word followed by a name
    ("Burgemeester Schuiling", "minister De Jonge") or a person by initials in the same sentence
    ("De Staatssecretaris van ..., J.N.J. Nobel")."""
    office = re.search(rf"\b{re.escape(role)}(?:s|en|sen)?\b", sentence, re.IGNORECASE)
    if office is None:
        return False
    after = sentence[office.end() : office.end() + 40]
    return bool(_INITIALS.search(sentence) or re.match(r",?\s+(?:(?:de|van|der|den)\s+)*[A-Z][a-z]", after))


def asked_role(part: str) -> str | None:
    """The office a "wie" question asks for ("Wie is de voorzitter van X?" -> "voorzitter"), else None."""
    m = _ROLE_ASKED.search(part)
    return m.group("role") if m else None


def who_bonus(sentence: str, names: set[str], orgs: set[str], part: str) -> float:
    """How well a sentence names the person, organisation or group a "wie" question asks for, 0..1.

    A person by initials ("J.N.J. Nobel") is the surest answer; a question for the members of a
    body ("Wie zijn de leden van X?") takes only that or several names. "Voor wie" asks for
    the group served ("voor jongeren die ..."); "door wie" and "wie voert ... uit" for
    the doer, which the text names after "door" or "ligt bij". Names and
    organisations the question does not already contain count; groups count less.
    """
    role = asked_role(part)
    if role and not _holder_named(role, sentence):
        # "Wie is de minister van X?" is not answered by the foundation that runs X, nor "Wie is de
        # burgemeester?" by "het college van burgemeester en wethouders": the office with its holder.
        return 0.0
    groups = bool(set(tokens(sentence)) & _GROUP_WORDS)
    if _MEMBERS_ASKED.search(part):
        # "Zij ... komen uit verschillende regio's van Nederland" names a place, "De adviescommissie
        # bestaat uit 7 personen" the body itself and their number: a member is a person by
        # initials, or one of several names ("VNG, Divosa en Movisie").
        return 1.0 if _named_person(sentence, part) else (0.8 if len(names) >= 2 else 0.0)
    if _BENEFICIARY_ASKED.search(part):
        return 1.0 if groups else (0.5 if names or orgs else 0.0)
    if _named_person(sentence, part):
        return 1.0  # a person: "J.N.J. Nobel", "F. Kaulingfreks"
    if _AGENT_ASKED.search(part) and (((names or orgs) and _AGENT.search(sentence)) or _agent_noun(sentence)):
        return 1.0
    return 0.8 if names else (0.6 if orgs or groups else 0.0)


def without_known_people(sentence: str, known: frozenset[str]) -> str:
    """The sentence with every person by initials whose surname is in `known` (folded words) blanked
    out: "door de heer G.K. Visser" names no one new for a question about Visser, and his initials
    ("G.K") are not a name of their own."""
    return _INITIALS.sub(lambda m: " " if tokens(m.group())[-1] in known else m.group(), sentence)


def _named_person(sentence: str, part: str) -> bool:
    """Whether the sentence names a person by initials whom the question does not name already:
    "door de heer G.K. Visser" does not answer "Wie moet het onderzoek naar het ontslag van
    Visser uitvoeren?"."""
    return bool(_INITIALS.search(without_known_people(sentence, frozenset(tokens(part)))))


# "door een onafhankelijk onderzoeker", "door de accountant": the doer after "door", an article and
# at most one adjective.
_DOER = re.compile(r"\bdoor\s+(?:een|de|het|hun|haar|zijn)\s+(\w+)(?:\s+(\w+))?", re.IGNORECASE)


def _agent_noun(sentence: str) -> bool:
    """Whether the sentence names its doer by a noun for a person or body after "door": "het onderzoek
    uit te laten voeren door een onafhankelijk onderzoeker". Dutch makes such nouns from a verb's
    stem with -er or -der ("onderzoeker" from "onderzoeken", "uitvoerder" from "uitvoeren") or
    borrows them in -eur ("adviseur", "inspecteur"); an organisation word counts as well. Seven
    letters at least, so "kader" or "later" are not read as "kaden" or "laten" + -er."""
    return any(_doer_noun(noun.lower()) for m in _DOER.finditer(sentence) for noun in m.groups() if noun)


def _doer_noun(noun: str) -> bool:
    """Whether one lower-case word names a doer: an organisation word, a loan noun in -eur, or a
    known verb's stem with -er/-der (simplemma's Dutch lexicon decides the verb)."""
    if org_words({noun}) or (len(noun) >= 7 and noun.endswith("eur")):
        return True
    if len(noun) < 7 or not noun.endswith("er"):
        return False
    stems = (noun[:-2] + "en", noun[:-3] + "en" if noun.endswith("der") else "")
    return any(stem and simplemma.is_known(stem, lang="nl") for stem in stems)


# The nouns of a "welke" question that asks for a person or a group of them.
_PERSON_NOUNS = wordset(
    "kamerlid kamerleden fractie fracties spreker sprekers woordvoerder politicus lid leden"
)
_NAME_PARTICLES = wordset("van de der den ter ten te het 't in")


def speaker_label(kind: str, answer_noun: str | None, query: str, section: str | None, quote: str) -> str:
    """The speaker a quote from a debate is said by, when the question asks who: "Van Eijs" for
    "Welk Kamerlid wilde het VAO een week opschuiven?" answered by "Het verzoek is om het VAO ... uit
    te stellen." under the heading "Van Eijs". A transcript names its speaker in the heading of the
    turn, never in the turn, so the quote alone does not say who. Empty when the question does not
    ask for a person, the heading is not a name, or the question or quote already names it.

    A heading is a surname when it is one word the Dutch lexicon does not know ("Hijink") or starts
    with a name particle ("De Jonge", "Van Eijs"); "De voorzitter", "Motie", "Maatschappelijke Raad"
    are no names.
    """
    asks_person = kind == "who" or (kind == "which" and (answer_noun or "") in _PERSON_NOUNS)
    if not asks_person or not section:
        return ""
    head = section.rsplit(" › ", 1)[-1].strip()
    # A speaker's heading as cleaning writes it for the Handelingen: "Van Eijs (D66)", "Minister De Jonge".
    turn = SPEAKER_HEADING.fullmatch(head)
    name = (turn["office"] or turn["member"]) if turn else head
    words = name.split()
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words):
        return ""
    # A surname: led by a particle ("Van Eijs", "De Jonge"), or one word the lexicon does not know
    # ("Hijink"); not a scheme's or body's name ("Maatschappelijke Raad", "SPUK").
    named = (len(words) >= 2 and words[0].lower() in _NAME_PARTICLES and words[-1][:1].isupper()) or (
        len(words) == 1 and not name.isupper() and not simplemma.is_known(name.lower(), lang="nl")
    )
    said = set(tokens(query)) | set(tokens(quote))
    if not (named or turn) or set(tokens(name)) - _NAME_PARTICLES <= said:
        return ""
    return head
