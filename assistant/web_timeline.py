"""The compact timeline under an answer about a figure that changed over time (issue 10)."""

from __future__ import annotations

import html

from assistant.export import dutch_date
from assistant.types import Answer

_TIMELINE_ROLES = {
    "newest": "nieuwste",
    "as_of": "gevraagde moment",
    "same_date": "zelfde datum, verschilt",
    "undated": "datum onbekend",
    "earlier": "",
    "later": "later",
}


def timeline_html(turn_no: int, answer: Answer) -> str:
    """A compact timeline under an answer about a figure that changed (issue 10), "" otherwise.

    One row per dated value, newest on top and undated ones last: the value, its
    document's date (and the year the sentence gives it), a badge for its role, and
    its citation marker linking to the source card `#src-{turn_no}-{n}`. Inline styles,
    so the function needs no rule in `CSS`.
    """
    if not answer.timeline:
        return ""
    rows = []
    for e in sorted(answer.timeline, key=lambda e: (e.date is not None, e.date or ""), reverse=True):
        when = dutch_date(e.date) or "datum onbekend"
        if e.year_in_text:
            when += f", cijfer over {e.year_in_text}"
        badge = _TIMELINE_ROLES.get(e.role, "")
        badge_html = (
            f' <span style="font-size:0.8em;background:#e8eef5;color:#154273;border-radius:4px;'
            f'padding:0 5px">{html.escape(badge)}</span>'
            if badge
            else ""
        )
        weight = "600" if e.role in ("newest", "as_of") else "400"
        rows.append(
            f'<li style="margin:2px 0"><a class="cite" href="#src-{turn_no}-{e.citation}">'
            f"<sup>[{e.citation}]</sup></a> "
            f'<span style="font-weight:{weight}">{html.escape(e.value)}</span> — '
            f"{html.escape(when)}{badge_html}</li>"
        )
    return (
        '\n\n<div class="timeline" style="margin-top:8px;border-left:3px solid #154273;'
        'padding:4px 10px;font-size:0.9em"><div style="font-weight:600;color:#154273">'
        'Tijdlijn (nieuwste boven)</div><ul style="list-style:none;margin:0;padding:0">'
        + "".join(rows)
        + "</ul></div>"
    )
