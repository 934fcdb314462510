"""Speaker turns of the Tweede Kamer's Handelingen: the one place that knows how a turn is written.

officielebekendmakingen.nl's text gives a turn as two lines, "Mevrouw Dijksma ( PvdA ):" and then the
surname alone, "Minister De Jonge :" then "De Jonge", "De voorzitter :" then "voorzitter".
`speaker_headings` (used by `assistant.cleaning`) writes each as one heading with the party, so the
party a question names is in the passage's text; `SPEAKER_HEADING` (used by
`assistant.who_facts.speaker_label`) reads such a heading back.
"""

from __future__ import annotations

import re

_ROLES = r"(?:Minister|Staatssecretaris|Minister-president)"
_TURN = re.compile(
    r"^(?:(?:De heer|Mevrouw) (?P<member>[^\n()]+?) \( (?P<party>[^\n()]+?) \)"
    rf"|(?P<role>{_ROLES}(?: van [^\n:]+?)?) (?P<name>[^\n:]+?)"
    r"|De (?P<chair>voorzitter)) ?:\n(?P<label>[^\n]+)$",
    re.MULTILINE,
)
# A heading `speaker_headings` writes for a member or a minister: "Van Eijs (D66)", "Minister De Jonge".
SPEAKER_HEADING = re.compile(rf"{_ROLES} (?P<office>[^()]+)|(?P<member>[^()]+) \([^()]+\)")


def _heading(m: re.Match[str]) -> str:
    """The heading of one turn: "Dijksma (PvdA)", "Minister De Jonge", "Voorzitter"; the two lines
    stay as they are when the second is not the speaker's name."""
    label = m["label"].strip()
    if m["member"] and m["member"].endswith(label):
        heading = f"{label} ({m['party']})"
    elif m["name"] and label == m["name"]:
        heading = f"{m['role']} {label}"
    elif m["chair"] and label.lower() == "voorzitter":
        heading = "Voorzitter"
    else:
        return m.group()
    return f"\n{heading}\n"  # blank lines around it: a heading, never the end of the sentence before


def speaker_headings(text: str) -> str:
    """`text` with every two-line speaker turn written as one heading line between blank lines."""
    return _TURN.sub(_heading, text)
