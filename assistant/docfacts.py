"""Facts about a document rather than in it: its date, who signed or sent it, to whom, its Kamerstuk number.

Such facts stand in a letterhead ("Den Haag, 26 november 2024", "Aan de Voorzitter
van de Tweede Kamer ..."), a signature ("De Staatssecretaris van ..., / J.N.J. Nobel")
or a number line ("36 600 XV" / "Nr. 32"), which are not sentences the scoring
prefers. `asked_document_fact` recognises such a question (`document_part` the first part
of a double question); `answer_document_fact`
finds the line in the document's own passages (guided by its metadata: the date
and Kamerstuk number of the passage) and quotes it verbatim, cited to the page
where it stands. When the line is not found the normal answerer takes over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from assistant.export import DUTCH_MONTHS
from assistant.question import DOCUMENT_KINDS, Question, parse_question
from assistant.sentences import fold, tokens
from assistant.types import Answer, Citation, Hit, Passage

DocumentFact = Literal["date", "signer", "sender", "recipient", "kamerstuk"]

# The kinds of document a question names when it asks for the document's own date or signer: those
# of `DOCUMENT_KINDS`, and the plain "document" and "stuk".
_KIND = rf"(?:{DOCUMENT_KINDS}|document|stuk)"
_DOCUMENT = re.compile(rf"\b{_KIND}\b", re.IGNORECASE)
_SIGNER = r"\b(?:onderte\w+|getekend|tekende|signed|signature|signatory)\b"
_RECIPIENT = r"\b(?:aan wie|gericht aan|geadresseerd\w*|ontvanger|to whom|addressed)\b"
_SENDER = (
    r"\b(?:afzender|wie stuurde|gestuurd door|verstuurd door|who sent|sender|from whom)\b"
    r"|\bwie (?:heeft|had) \w+ \w+ (?:gestuurd|verstuurd|geschreven)"
    rf"|\b(?:van welk ministerie|van wie|van welke bewindspersoon|from which ministry|from whom)\s+"
    rf"(?:is|was|komt|kwam)\s+(?:de|het|dit|deze|the)\s+{_KIND}\b"
)
_ON_DOCUMENT = (
    r"(?:staat|stond|staan|heeft|had|draagt|droeg|is|was|op|van|in|boven|de|het|dit|deze|die"
    r"|does|did|bears?|on|of|at|the|this|that)"
)
_DATE = (
    # "Welke datum staat op de brief?", "What is the date of the letter?"; the words between say
    # where the date stands, never what happens by then ("Voor welke datum moet het gemeentebestuur
    # verslag uitbrengen?" asks a deadline, and "verslag" is a kind of document too).
    rf"\b(?:gedateerd|dated)\b|\b(?:datum|date)\s+(?:{_ON_DOCUMENT}\s+){{0,3}}{_KIND}\b"
    r"|\bwanneer is de \w*brief (?:verstuurd|gestuurd|geschreven|verzonden)\b"
    # "Van wanneer is de Kamerbrief?", "Wanneer is de nota geschreven?", "When was the letter sent?"
    # (only the document itself: "Van wanneer is het rapport «X»?" names another one, by its title)
    # ("Van wanneer is de brief over het wijkbudget?" names it by its subject: still this one.)
    rf"|\bvan wanneer\s+(?:is|was|dateert)\s+(?:de|het|dit|deze)\s+{_KIND}"
    r"(?:\s+(?:over|about)\s+[^?]{1,80})?\s*\??\s*$"
    rf"|\bwanneer (?:is|werd) (?:de|het) {_KIND} (?:verstuurd|gestuurd|geschreven|verzonden|gepubliceerd|"
    r"verschenen|gedateerd)\b"
    rf"|\bwhen was the {_KIND} (?:about [^?]{{1,80}}? )?(?:sent|written|published|dated|issued)\b"
)
# A document named by what it says ("de brief waarin de minister ...", "the letter that explains"):
# one the text refers to, whose date the sentences give, not the indexed document's own date.
_DESCRIBED = re.compile(rf"\b{_KIND}\s+(?:waarin|waarmee|waarop|waarbij|die|dat|in which|that|which)\b", re.I)
_ASKED: list[tuple[DocumentFact, re.Pattern[str]]] = [
    ("kamerstuk", re.compile(r"\bkamerstuk\w*|\b(?:document|paper) number\b", re.I)),
    ("signer", re.compile(_SIGNER, re.I)),
    ("recipient", re.compile(_RECIPIENT, re.I)),
    ("sender", re.compile(_SENDER, re.I)),
    ("date", re.compile(_DATE, re.I)),
]
# A signature: a name by initials at the end of a line, alone or after the function ("..., J.N.J. Nobel").
_INITIALS = re.compile(r"(?:^|,\s*)(?:[A-Z]\.){1,5} ?(?:(?:de|van|der|den|ter|ten) )*[A-Z][\w'-]+\s*$")
FRAMING = {"nl": "Volgens de documenten:", "en": "According to the documents (quoted in Dutch):"}


def asked_document_fact(question: Question) -> DocumentFact | None:
    """Which document-level fact a question asks for ("Wie heeft de brief ondertekend?" -> "signer")."""
    text = question.query
    if len(question.parts) > 1:
        return None  # "Welke datum staat op de brief, en ...": the sentence answerer handles both parts
    found: list[tuple[int, DocumentFact]] = []
    for fact, pattern in _ASKED:
        match = pattern.search(text)
        if match is None or (fact != "kamerstuk" and fact != "signer" and not _DOCUMENT.search(text)):
            continue
        if fact == "date" and _DESCRIBED.search(text):
            continue  # "de brief waarin de minister ...": a letter the text refers to, not this one
        found.append((match.start(), fact))
    # The fact asked is the one the question opens with: "Aan wie is de nota over het ondertekenen
    # van de brief gericht?" asks for the recipient; "ondertekenen" names the nota's subject.
    return min(found)[1] if found else None


def _lines(passage: Passage) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of a passage."""
    spans, start = [], 0
    for line in passage.text.split("\n"):
        if line.strip():
            a = start + len(line) - len(line.lstrip())
            spans.append((a, start + len(line.rstrip())))
        start += len(line) + 1
    return spans


def _dutch_date(iso: str | None) -> str | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{int(m[3])} {DUTCH_MONTHS[int(m[2]) - 1]} {m[1]}" if m else None


def find_line(fact: DocumentFact, passages: Sequence[Passage]) -> tuple[Passage, int, int] | None:
    """The passage and span of the line that states `fact`, searched in document order."""
    ordered = sorted(passages, key=lambda p: p.chunk_index)
    for p in ordered if fact != "signer" else reversed(ordered):
        lines = _lines(p)
        for k, (a, b) in enumerate(lines if fact != "signer" else list(reversed(lines))):
            line = p.text[a:b]
            span = _match(fact, p, line, a, b, lines if fact != "signer" else list(reversed(lines)), k)
            if span is not None:
                return p, span[0], span[1]
    return None


def _match(
    fact: DocumentFact, p: Passage, line: str, a: int, b: int, lines: list[tuple[int, int]], k: int
) -> tuple[int, int] | None:
    """The quote span when this line states `fact` (the signature also takes its function line)."""
    if fact == "date":
        day = _dutch_date(p.date)
        if (day and day in line.lower()) or re.match(r"(?:Den Haag|Datum|Date)\b.*\d{4}", line):
            return a, b
    elif fact == "signer" and _INITIALS.search(line.strip()) and len(line.split()) <= 25:
        if k + 1 < len(lines) and p.text[lines[k + 1][0] : lines[k + 1][1]].rstrip().endswith(","):
            return lines[k + 1][0], b  # "De Staatssecretaris van ..., / J.N.J. Nobel"
        return a, b
    elif (
        fact == "recipient"
        and re.match(r"Aan (?:de|het|mevrouw|de heer)\b|Aan [A-Z]", line)
        or fact == "sender"
        and re.match(r"(?:BRIEF VAN|Brief van|Van:?)\s", line)
    ):
        return a, b
    elif fact == "kamerstuk" and p.kamerstuk:
        number = p.kamerstuk.split(",")[0].strip()
        if line.strip().startswith(number) or "kamerstuk" in line.lower() and number in line:
            # The letter's number follows a line or two lower ("36 600 XV" ... "Nr. 32"): both are the number.
            for c, d in lines[k + 1 : k + 4]:
                if re.match(r"\s*Nr\.?\s*\d+\s*$", p.text[c:d], re.IGNORECASE):
                    return a, d
            return a, b
    return None


# "volgens de nota", "according to the memo": the document the question takes its answer from.
_SOURCE = re.compile(rf"\b(?:volgens|according to) (?:de |het |the )?(?P<kind>{_KIND})\b", re.IGNORECASE)


def named_kind(question: Question) -> str | None:
    """The kind of document the question names as its source ("Wie moet de Kamerbrief volgens de
    nota ondertekenen?" -> "nota"; in a question of one part, as each part of a double question
    may name its own), else the kind it names first, lowercased ("kamerbrief"), or None."""
    source = _SOURCE.search(question.query) if len(question.parts) == 1 else None  # a part may name its own
    if source:
        return source.group("kind").lower()
    match = _DOCUMENT.search(question.query)
    return match.group(0).lower() if match else None


# English kinds by the Dutch kind a document's type or title says.
_DUTCH_KIND = {"memo": "nota", "letter": "brief", "report": "rapport"}
_COMPOUND_HEAD = re.compile(r"^\w+?(brief|akkoord)$")


def of_kind(passage: Passage, kind: str) -> bool:
    """Whether the passage's document is of the named kind: its type holds it ("brief" in
    "kamerbrief", also for a "voortgangsbrief") or its title opens with it ("Nota ..."); English
    kinds by their Dutch one."""
    kind = _COMPOUND_HEAD.sub(r"\1", _DUTCH_KIND.get(kind, kind))  # "voortgangsbrief": a "brief"
    return kind in passage.doc_type.lower() or kind in passage.title.lower().split()[:1]


def _named_first(question: Question, hits: Sequence[Hit]) -> list[str]:
    """The hits' doc_ids in rank order, narrowed to the documents the question names.

    A question that describes its document ("de brief over het wijkbudget") names the documents whose
    retrieved text says most of that description, whatever their type (an uploaded letter may have
    none). Among those (or all, when it describes none), the ones of the kind it names ("Aan wie is
    de nota over ... de Kamerbrief gericht?": the nota, never the letter's addressee; "Wie heeft de
    nota ondertekend?" is not answered by the letter's signature)."""
    ranked = list(dict.fromkeys(h.passage.doc_id for h in hits))
    about = _describing_terms(question)
    if about:
        texts = {d: "" for d in ranked}
        for h in hits:
            texts[h.passage.doc_id] += f"\n{h.passage.title}\n{h.passage.embedding_text()}"
        # Said as a word (its first six letters), not by compound parts: "wijkbudget" is not said by a
        # letter that has "wijk" and "budget" apart.
        prefixes = [fold(a)[:6] for a in about]
        words = {d: set(tokens(t)) for d, t in texts.items()}
        said = {d: sum(any(w.startswith(p) for w in words[d]) for p in prefixes) for d in ranked}
        most = max(said.values(), default=0)
        ranked = [d for d in ranked if said[d] == most] if most else ranked
    kind = named_kind(question)
    if kind is None:
        return ranked
    named = {h.passage.doc_id for h in hits if of_kind(h.passage, kind)}
    return [d for d in ranked if d in named] or ranked


def _describing_terms(question: Question) -> list[str]:
    """The question's terms that describe the document, without the words asking the fact and
    naming the kind ("Wie heeft de brief over het wijkbudget ondertekend?" -> wijkbudget)."""
    asking = {m.group().lower() for _, pattern in _ASKED for m in pattern.finditer(question.query)}
    asking |= {m.group().lower() for m in _DOCUMENT.finditer(question.query)}
    # "Van wanneer is de brief over het wijkbudget?" is matched whole: its "over ..." describes.
    asking_words = {w for phrase in asking for w in re.split(r"\s+(?:over|about)\s+", phrase)[0].split()}
    # The question's own words (`Question.terms`), not the Dutch renderings of English ones; of a
    # double question only those of its first part, which asks the fact ("Welke datum staat op de
    # Kamerbrief, en op welke datum vindt volgens de nota het debat plaats?": not the nota's debate).
    first = question.parts[0].text.lower() if question.parts else question.query.lower()
    return [
        w
        for w in question.terms
        if w.lower() in first and w.lower() not in asking_words and not _DOCUMENT.fullmatch(w)
    ]


def answer_document_fact(
    question: Question, fact: DocumentFact, hits: Sequence[Hit], passages_of: dict[str, list[Passage]]
) -> Answer | None:
    """A cited answer quoting the line that states `fact`, from the best-ranked document that has it.

    `passages_of` maps doc_id to all passages of that document. None when no
    retrieved document states the fact in a line (the caller answers normally).
    """
    for doc_id in _named_first(question, hits):
        found = find_line(fact, passages_of.get(doc_id, []))
        if found is None:
            continue
        passage, start, end = found
        citation = Citation(1, passage, start, end)
        quote = re.sub(r"\s+", " ", citation.quote).strip()
        return Answer(
            question=question.text,
            text=f"{FRAMING[question.language]} {quote} [1]",
            refused=False,
            citations=[citation],
            hits=list(hits),
            standalone_query=question.query,
        )
    return None


def document_part(question: Question) -> tuple[DocumentFact, Question, Question] | None:
    """For a double question whose first part asks a document fact ("Welke datum staat op de
    Kamerbrief, en op welke datum vindt het debat plaats?"): the fact, that part as a question,
    and the rest as a question. None for any other question."""
    if len(question.parts) < 2:
        return None
    first = parse_question(question.parts[0].text)
    fact = asked_document_fact(first)
    if fact is None:
        return None
    rest = parse_question(" en ".join(p.text for p in question.parts[1:]))
    return fact, first, rest


def rest_document_fact(rest: Question) -> DocumentFact | None:
    """The document fact the rest of a double question asks when it names nothing of its own: "Wie
    heeft de Kamerbrief ondertekend en op welke datum?" asks the letter's date, not a date in its
    text (which answered with a debate's "16 oktober")."""
    return "date" if rest.kind == "date" and not rest.terms and len(rest.parts) == 1 else None


def join_answers(question: Question, first: Answer, second: Answer) -> Answer:
    """One answer quoting `first` (a document fact) and then `second` (the sentence answer),
    the second's citation markers renumbered after the first's: [1] then [2], [3] ..."""
    shift = len(first.citations)
    body = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + shift}]", second.text)
    framing = FRAMING[question.language]
    body = body[len(framing) :].strip() if body.startswith(framing) else body
    citations = first.citations + [replace(c, n=c.n + shift) for c in second.citations]
    return Answer(
        question=question.text,
        text=f"{first.text} {body}",
        refused=False,
        citations=citations,
        hits=first.hits + [h for h in second.hits if h not in first.hits],
        standalone_query=question.query,
    )
