"""Twenty scripted conversations for the load test and benchmark, each with its own right answers.

Ten conversations are about ten small schemes ("regelingen") written into the app's
corpus copy for this purpose (`add_schemes`): every one asks the same follow-ups
("Hoeveel geld is daarvoor beschikbaar?", "Wie voert die uit?") and only its own
history makes the answer right, so an answer built from another conversation's
turns names another scheme's amount, executor or year and fails. The other ten
are about the bundled corpus (SPUK, DU, Social Labs, the Maatschappelijke Raad,
the congress, the nota) and several ask under filters (type, date range,
individual documents), one of them a range without documents, which must refuse:
a filter leaking from one session into another changes those answers.

`check` says what is wrong with one reply; `run_users` runs N sessions at once
(session i plays conversation i mod 20) and collects latencies and problems;
`SCHEME_UPLOAD` is a document uploaded while the others ask.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from web_session import NO_FILTERS, REFUSAL, ChatSession, Filters, Reply

KAMERBRIEF = "Kamerbrief Agenda Veerkrachtige & Weerbare Samenleving 2024"
NOTA = "Nota Agenda Veerkrachtige en Weerbare Samenleving (ondertekenen Kamerbrief)"


@dataclass(frozen=True)
class Scheme:
    """A made-up scheme: the facts its document states, each checkable in an answer."""

    name: str
    goal: str
    executor: str
    amount: str  # in millions, as written: "1,2"
    municipalities: int
    until: int
    date: str  # ISO, the document's date in the manifest

    @property
    def doc_id(self) -> str:
        return "reg-" + self.name.lower().replace("é", "e")

    @property
    def title(self) -> str:
        return f"Regeling {self.name}"

    def text(self) -> str:
        n = self.name
        return (
            f"Regeling {n}\n\nOpzet\n\nDe regeling {n} ondersteunt gemeenten bij {self.goal}. "
            f"De regeling {n} wordt uitgevoerd door {self.executor}.\n\nBudget en deelname\n\n"
            f"Voor de regeling {n} is € {self.amount} miljoen beschikbaar. "
            f"Aan de regeling {n} doen {self.municipalities} gemeenten mee. "
            f"De regeling {n} loopt tot en met {self.until}.\n"
        )


SCHEMES = [
    Scheme("Buurtkompas", "het in kaart brengen van spanningen in wijken", "het Verwey-Jonker Instituut",
           "1,2", 14, 2026, "2024-02-12"),
    Scheme("Jeugdpodium", "podia waar jongeren hun eigen verhaal vertellen", "Stichting Jong Gehoord",
           "0,8", 9, 2025, "2024-03-05"),
    Scheme("Dialoogtafel", "gesprekken tussen bewoners met verschillende achtergronden",
           "het Nederlands Jeugdinstituut", "2,4", 22, 2027, "2024-04-18"),
    Scheme("Wijkverbinder", "vaste contactpersonen die bewoners en organisaties verbinden", "Movisie",
           "3,6", 31, 2026, "2024-05-21"),
    Scheme("Sportbrug", "sportclubs die jongeren uit verschillende buurten samenbrengen",
           "het Mulier Instituut", "1,9", 17, 2025, "2024-06-11"),
    Scheme("Taalcafé", "laagdrempelige ontmoetingen om Nederlands te oefenen",
           "Stichting Lezen en Schrijven", "0,6", 11, 2026, "2024-07-02"),
    Scheme("Ouderkring", "netwerken van ouders die elkaar steunen bij opvoedvragen", "Pharos",
           "1,4", 19, 2027, "2024-08-27"),
    Scheme("Buurtbemiddeling", "het oplossen van burenruzies voordat ze escaleren", "het CCV",
           "2,8", 43, 2025, "2024-09-16"),
    Scheme("Netwerkkracht", "trainingen voor sleutelfiguren in gemeenschappen", "Radar Advies",
           "1,1", 8, 2026, "2024-10-08"),
    Scheme("Stadsdialoog", "stadsgesprekken over democratische waarden", "ProDemos",
           "0,9", 12, 2027, "2024-12-03"),
]  # fmt: skip
SCHEME_UPLOAD = Scheme("Zomerschool", "zomerprogramma's voor kinderen in de vakantie",
                       "Stichting Vakantiewerk", "0,7", 6, 2026, "2025-02-03")  # fmt: skip


def add_schemes(corpus: Path) -> None:
    """Write the schemes' documents into a corpus folder and give them manifest entries."""
    entries = []
    for s in SCHEMES:
        (corpus / f"{s.doc_id}.txt").write_text(s.text(), encoding="utf-8")
        entries.append(
            f"  - {{file: {s.doc_id}.txt, doc_id: {s.doc_id}, title: {s.title}, type: interventie, "
            f"date: {s.date}}}\n"
        )
    with (corpus / "manifest.yaml").open("a", encoding="utf-8") as manifest:
        manifest.writelines(entries)


@dataclass(frozen=True)
class Step:
    """One question, what its answer must contain, and where its footnotes may point.

    `sources` None: not checked; empty: the answer must be a refusal.
    """

    question: str
    expect: str
    sources: frozenset[str] | None = None
    filters: Filters = NO_FILTERS


def _only(*titles: str) -> frozenset[str]:
    return frozenset(titles)


REFUSED: frozenset[str] = frozenset()


def scheme_conversation(s: Scheme, last: Filters = NO_FILTERS, refused: bool = False) -> list[Step]:
    """Five turns on one scheme: one naming it, four follow-ups that only its history resolves.

    The last one is asked under the filters `last`; `refused` when they exclude the scheme.
    """
    own = _only(s.title)
    until = Step("Tot wanneer loopt dat?", f"tot en met {s.until}", own, last)
    return [
        Step(f"Wat doet de regeling {s.name}?", f"regeling {s.name}", own),
        Step("Hoeveel geld is daarvoor beschikbaar?", f"€ {s.amount} miljoen", own),
        Step("En hoeveel gemeenten doen mee?", f"{s.municipalities} gemeenten", own),
        Step("Wie voert die uit?", s.executor, own),
        Step(until.question, REFUSAL, REFUSED, last) if refused else until,
    ]


NOTA_ONLY = Filters(doc_types=("nota",))
NOVEMBER_2024 = Filters(date_from="1-11-2024", date_to="30-11-2024")
YEAR_2020 = Filters(date_from="1-1-2020", date_to="31-12-2020")
SPORTBRUG_ONLY = Filters(doc_ids=("reg-sportbrug",))
CORPUS_CONVERSATIONS: list[list[Step]] = [
    [
        Step("Wat is de SPUK Kansrijke Wijk?", "20 gebieden"),
        Step("Hoeveel geld investeert de Agenda daarin?", "€ 6,3 miljoen", _only(KAMERBRIEF)),
        Step("Welke ministeries stellen daarvoor geld beschikbaar?", "SZW, VWS, OCW en BZK",
             _only(KAMERBRIEF)),
        Step("Wat doet Woensel Zuid daarmee?", "community builders", _only(KAMERBRIEF)),
        Step("Voor hoeveel gebieden is dat?", "20 gebieden", _only(KAMERBRIEF)),
    ],
    [
        Step("Hoeveel gemeenten kregen een DU?", "7 gemeenten", _only(KAMERBRIEF)),
        Step("Hoeveel geld is daarmee in 2023 verstrekt?", "€ 313.327", _only(KAMERBRIEF)),
        Step("Wat organiseren zij daarmee?", "weerbaarheidstrainingen", _only(KAMERBRIEF)),
        Step("Wat is de SPUK Kansrijke Wijk?", "20 gebieden"),
        Step("Hoeveel geld investeert de Agenda daarin?", "€ 6,3 miljoen", _only(KAMERBRIEF)),
    ],
    [
        Step("Wat zijn de Social Labs?", "2,1 miljoen"),
        Step("In hoeveel wijken worden werkplaatsen opgezet?", "drie wijken", _only(KAMERBRIEF)),
        Step("Tot wanneer lopen die?", "tot en met 2025", _only(KAMERBRIEF)),
        Step("Wat is het doel daarvan?", "jongeren"),
        Step("Wie heeft daarvoor geld beschikbaar gesteld?", "Justitie en Veiligheid", _only(KAMERBRIEF)),
    ],
    [
        Step("Wat doet de Maatschappelijke Raad?", "advies", _only(KAMERBRIEF)),
        Step("Uit hoeveel personen bestaat die?", "7 personen", _only(KAMERBRIEF)),
        Step("Hoe oud zijn ze?", "20 tot 70 jaar", _only(KAMERBRIEF)),
        Step("Voor hoe lang zijn zij benoemd?", "2 jaar", _only(KAMERBRIEF)),
        Step("Tot wanneer loopt de Agenda?", "eind 2025"),
    ],
    [
        Step("Wanneer werd het congres gehouden?", "mei 2024", _only(KAMERBRIEF)),
        Step("Waarover gingen de experts daar in gesprek?", "digitale weerbaarheid", _only(KAMERBRIEF)),
        Step("Komt er nog een tweede congres?", "tweede congres", _only(KAMERBRIEF)),
        Step("Wie ondertekent de Kamerbrief?", "Nobel", _only(KAMERBRIEF)),
        Step("Wanneer vindt het debat plaats?", "16 oktober", _only(NOTA)),
    ],
    [
        Step("Wanneer vindt het debat plaats?", "16 oktober", _only(NOTA), NOTA_ONLY),
        Step("Wat is het geadviseerde besluit?", "Instemmen", _only(NOTA), NOTA_ONLY),
        Step("Hoe lang duurt de mondelinge toelichting?", "30 mins", _only(NOTA), NOTA_ONLY),
        Step("Tot wanneer loopt de Agenda?", "eind 2025", _only(NOTA), NOTA_ONLY),
        Step("Wat zijn de Social Labs?", "Preventie met Gezag", _only(NOTA), NOTA_ONLY),
    ],
    [
        Step("Hoeveel geld is beschikbaar voor de regeling?", "€ 1,9 miljoen", _only("Regeling Sportbrug"),
             SPORTBRUG_ONLY),
        Step("En hoeveel gemeenten doen mee?", "17 gemeenten", _only("Regeling Sportbrug"), SPORTBRUG_ONLY),
        Step("Hoeveel geld heeft JenV beschikbaar gesteld voor de Social Labs?", "2,1 miljoen",
             _only(KAMERBRIEF), NOVEMBER_2024),
        Step("Hoeveel gemeenten kregen een DU?", "7 gemeenten", _only(KAMERBRIEF), NOVEMBER_2024),
        Step("Wie voert de regeling Ouderkring uit?", "Pharos", _only("Regeling Ouderkring"),
             Filters(doc_ids=("reg-ouderkring",))),
    ],
    [
        Step("Hoeveel gemeenten kregen een DU?", REFUSAL, REFUSED, YEAR_2020),
        Step("Hoeveel gemeenten kregen een DU?", "7 gemeenten", _only(KAMERBRIEF)),
        Step("Hoeveel geld is beschikbaar voor de regeling Taalcafé?", REFUSAL, REFUSED,
             Filters(doc_types=("kamerbrief",))),
        Step("Hoeveel geld is beschikbaar voor de regeling Taalcafé?", "€ 0,6 miljoen",
             _only("Regeling Taalcafé")),
        Step("Wie voert die uit?", "Stichting Lezen en Schrijven", _only("Regeling Taalcafé")),
    ],
    [
        Step("Wat doet de regeling Ouderkring?", "regeling Ouderkring", _only("Regeling Ouderkring")),
        Step("Hoeveel geld is daarvoor beschikbaar?", "€ 1,4 miljoen", _only("Regeling Ouderkring")),
        Step("Wat doet de regeling Buurtbemiddeling?", "regeling Buurtbemiddeling",
             _only("Regeling Buurtbemiddeling")),
        Step("Hoeveel geld is daarvoor beschikbaar?", "€ 2,8 miljoen", _only("Regeling Buurtbemiddeling")),
        Step("En hoeveel gemeenten doen mee?", "43 gemeenten", _only("Regeling Buurtbemiddeling")),
    ],
    [
        Step("Hoeveel gemeenten doen mee aan de regeling Wijkverbinder?", "31 gemeenten",
             _only("Regeling Wijkverbinder")),
        Step("Wie voert die uit?", "Movisie", _only("Regeling Wijkverbinder")),
        Step("Wat zijn de Social Labs?", "2,1 miljoen"),
        Step("Tot wanneer lopen die?", "tot en met 2025", _only(KAMERBRIEF)),
        Step("Hoeveel geld is beschikbaar voor de regeling Dialoogtafel?", "€ 2,4 miljoen",
             _only("Regeling Dialoogtafel")),
    ],
]  # fmt: skip
CONVERSATIONS: list[list[Step]] = [
    *(scheme_conversation(s) for s in SCHEMES[:8]),
    # The last question under a filter: the scheme's own month (the same answer), or only another
    # scheme's document (a refusal, never that scheme's year).
    scheme_conversation(SCHEMES[8], Filters(date_from="1-10-2024", date_to="31-10-2024")),
    scheme_conversation(SCHEMES[9], Filters(doc_ids=("reg-buurtkompas",)), refused=True),
    *CORPUS_CONVERSATIONS,
]


def answer_problem(step: Step, reply: Reply) -> str | None:
    """What is wrong with the answer itself (text, footnotes, refusal), or None when it is right."""
    if step.expect not in reply.answer:
        return f"{step.question!r}: {step.expect!r} not in {reply.answer[:200]!r}"
    if step.sources is not None and not set(reply.cited) <= step.sources:
        return f"{step.question!r}: cites {sorted(set(reply.cited))}, expected only {sorted(step.sources)}"
    if step.sources is not None and (not step.sources) != reply.refused:
        return f"{step.question!r}: refused={reply.refused}, expected {not step.sources}"
    return None


def check(steps: list[Step], k: int, reply: Reply) -> str | None:
    """What is wrong with the reply to turn k (0-based) of a conversation, or None when it is right.

    The chat must show exactly this conversation's questions so far, and the answer
    must be this conversation's (`answer_problem`).
    """
    asked = [s.question for s in steps[: k + 1]]
    if reply.questions != asked:
        return f"chat shows the questions {reply.questions}, expected {asked}"
    return answer_problem(steps[k], reply)


@dataclass
class LoadResult:
    """What N sessions at once got: every reply, its time span, wrong answers and errors.

    `spans` are (sent, answered) `time.perf_counter()` pairs in seconds; `replies` maps
    (session, turn) to the reply; `wrong` are checked replies that were not right,
    `errors` exceptions (a session ends at its first).
    """

    spans: list[tuple[float, float]] = field(default_factory=list)
    replies: dict[tuple[int, int], Reply] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return [r.seconds for r in self.replies.values()]

    @property
    def problems(self) -> list[str]:
        return self.wrong + self.errors

    def percentile(self, p: float) -> float:
        """The p-th percentile of the latencies (nearest rank), in seconds; 0 without answers."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0

    def summary(self) -> str:
        n = len(self.latencies)
        median = statistics.median(self.latencies) if n else 0.0
        return (
            f"{n} answers in {self.wall_s:.1f} s ({n / max(self.wall_s, 1e-9):.2f}/s): "
            f"median {median:.2f} s, p95 {self.percentile(95):.2f} s, "
            f"max {max(self.latencies, default=0):.2f} s, {len(self.wrong)} wrong, {len(self.errors)} errors"
        )

    def distinguishable(self) -> float:
        """Share of (session, other session, turn) triples whose replies would fail each other's check.

        The control for cross-talk: an answer that came from another conversation's
        history or filters must be caught. Pairs playing the same conversation are left out.
        """
        caught = total = 0
        for i, k in self.replies:
            for (j, t), other in self.replies.items():
                if t != k or i % len(CONVERSATIONS) == j % len(CONVERSATIONS):
                    continue
                total += 1
                caught += answer_problem(CONVERSATIONS[i % len(CONVERSATIONS)][k], other) is not None
        return caught / total if total else 0.0


def timed_upload(url: str, path: Path, scheme: Scheme, outcome: dict[str, Any]) -> Callable[[], None]:
    """A visitor who adds `scheme` (written to `path`) in the documents tab; the upload's start
    and end (perf_counter seconds) and its result message (or the error) go to `outcome`."""
    path.write_text(scheme.text(), encoding="utf-8")

    def upload() -> None:
        session = ChatSession(url)
        outcome["start"] = time.perf_counter()
        try:
            outcome["result"] = session.add_documents([path], "interventie", "3-2-2025", scheme.title)
        except Exception as error:  # noqa: BLE001 - reported by the caller
            outcome["result"] = f"{type(error).__name__}: {error}"
        outcome["end"] = time.perf_counter()
        session.close()

    return upload


def run_users(
    url: str, users: int, auth: tuple[str, str] | None = None, after_first: Callable[[], None] | None = None
) -> LoadResult:
    """`users` sessions at once, session i playing conversation i mod 20; every reply checked.

    All sessions open first, then start together. `after_first`, if given, runs in
    its own thread as soon as every session has its first answer (the upload during
    load), while the sessions go on. An exception ends its session and is recorded.
    """
    result = LoadResult()
    lock = threading.Lock()
    sessions = [ChatSession(url, auth) for _ in range(users)]
    start, first_done = threading.Barrier(users + 1), threading.Barrier(users + 1)

    def user(i: int) -> None:
        steps = CONVERSATIONS[i % len(CONVERSATIONS)]
        start.wait()
        try:
            for k, step in enumerate(steps):
                sent = time.perf_counter()
                reply = sessions[i].ask(step.question, step.filters)
                problem = check(steps, k, reply)
                with lock:
                    result.spans.append((sent, sent + reply.seconds))
                    result.replies[(i, k)] = reply
                    if problem:
                        result.wrong.append(f"session {i} turn {k + 1}: {problem}")
                if k == 0:
                    first_done.wait()
        except Exception as error:  # noqa: BLE001 - any failure is a finding of the load test
            with lock:
                result.errors.append(f"session {i}: {type(error).__name__}: {error}")
            first_done.abort()

    threads = [threading.Thread(target=user, args=(i,), name=f"user-{i}") for i in range(users)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    start.wait()
    side = None
    try:
        first_done.wait()
        if after_first is not None:
            side = threading.Thread(target=after_first, name="after-first")
            side.start()
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join()
    if side is not None:
        side.join()
    result.wall_s = time.perf_counter() - started
    for s in sessions:
        s.close()
    return result
