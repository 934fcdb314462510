"""A PDF page -> the visible text runs on it, with their positions and sizes.

pypdf stays the parser. Its layout engine (`pypdf._text_extraction._layout_mode`,
pinned with pypdf==7.1.0) already computes, for every text-show operator, where
the text starts and ends on the page (real font widths) and how tall it is; its
public `extract_text` then flattens that into a fixed-width string, losing the
font size (needed to tell footnotes and superscript markers from body text) and
the absolute position (needed for page furniture and off-page text). This module
stops one step earlier and returns those positioned runs.

Before the layout engine sees the content stream, text a reader cannot see is
taken out (text rendering modes 3/7, white fill colour), and afterwards text
outside the page box or too small to read; the number of characters dropped is
reported so ingest can say how much hidden text a file held (prompt-injection
through white text is a reported attack on document assistants; case 08).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject
from pypdf._text_extraction import mult
from pypdf._text_extraction._layout_mode import _fixed_width_page as layout
from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NumberObject
from pypdf.generic._font import Font

from assistant.pdf_bands import PaintState

logger = logging.getLogger(__name__)

# Below this height (points) text cannot be read on paper or on screen; 1 pt is
# ~0.35 mm. Real footnotes are 6-8 pt; microscopic hidden text is usually 0.1-1 pt.
MIN_READABLE_HEIGHT = 2.0
# A fill colour at least this light on every channel is treated as white (invisible
# on the white page); real light-grey print stays well below (e.g. 0.8).
_WHITE_MIN = 0.97
_INVISIBLE_RENDER_MODES = (3, 7)  # PDF 32000-1 §9.3.6: neither fill nor stroke (7 only clips)
_SHOW_OPS = (b"Tj", b"TJ", b"'", b'"')
# Form XObjects nest; real documents use 1-3 levels. The limits stop crafted files
# (a "PDF bomb" of forms drawing forms) from taking unbounded time or memory.
_MAX_FORM_DEPTH = 6
_MAX_OPERATIONS = 2_000_000


@dataclass(frozen=True)
class TextRun:
    """One piece of text shown by one operator, in page coordinates (points, y up).

    `x0`/`x1` are where the text starts and ends horizontally, `y` its baseline,
    `height` the effective font height (font size times the text matrix scale),
    `space` the width of a space in that font (points).
    """

    text: str
    x0: float
    x1: float
    y: float
    height: float
    space: float


@dataclass(frozen=True)
class PageRuns:
    """The visible runs of one page, the page box, and how much hidden text was dropped."""

    runs: list[TextRun]
    width: float
    height: float
    left: float
    bottom: float
    hidden_chars: int
    reliable: bool = True  # False when the positions cannot be trusted (see `_geometry_is_reliable`)


def _text_len(operands: list[Any], op: bytes) -> int:
    """How many characters (bytes, approximately) a text-show operator would show."""
    if op == b"TJ" and operands and isinstance(operands[0], ArrayObject):
        return sum(len(item) for item in operands[0] if isinstance(item, (bytes, str)))
    value = operands[-1] if operands else b""
    return len(value) if isinstance(value, (bytes, str)) else 0


def _is_white(op: bytes, operands: list[Any]) -> bool | None:
    """Whether a fill-colour operator sets white; None when the operator sets no fill colour."""
    numbers = [float(v) for v in operands if isinstance(v, (int, float))]
    if op in (b"g", b"rg") or (op in (b"sc", b"scn") and numbers and len(numbers) in (1, 3)):
        return bool(numbers) and all(v >= _WHITE_MIN for v in numbers)
    if op == b"k" or (op in (b"sc", b"scn") and len(numbers) == 4):
        return len(numbers) == 4 and all(v <= 1 - _WHITE_MIN for v in numbers)
    return None


# The text state parameters a q ... Q block saves and restores (PDF 32000-1 §8.4.1, §9.3), at their
# initial values: character and word spacing, horizontal scaling, leading, rise.
_TEXT_STATE_DEFAULTS: dict[bytes, Any] = {b"Tc": 0, b"Tw": 0, b"Tz": 100, b"TL": 0, b"Ts": 0}


def visible_operations(
    operations: list[tuple[list[Any], bytes]],
) -> tuple[list[tuple[list[Any], bytes]], int]:
    """Drop the text-show operators a reader cannot see; returns (operations, characters dropped).

    Tracks the fill colour and text rendering mode through the graphics-state
    stack (q/Q), and puts back the text state a Q restores (explicit Tc/Tw/Tz/TL/Ts
    after it). White text is dropped unless it starts on a rectangle filled in a
    colour before it (`assistant.pdf_bands`: white on a coloured band is read).
    A dropped `'` or `"` still moves to the next line (T*), so the text after it
    keeps its position.
    """
    white, mode = False, 0
    spacing = dict(_TEXT_STATE_DEFAULTS)
    stack: list[tuple[bool, int, dict[bytes, Any]]] = []
    kept: list[tuple[list[Any], bytes]] = []
    dropped = 0
    paint = PaintState()
    for operands, op in operations:
        paint.update(operands, op, white)
        if op in spacing and operands:
            spacing[op] = operands[0]
        elif op == b'"' and len(operands) >= 3:
            spacing[b"Tw"], spacing[b"Tc"] = operands[0], operands[1]
        if op == b"q":
            stack.append((white, mode, dict(spacing)))
        elif op == b"Q" and stack:
            white, mode, saved = stack.pop()
            kept.append((operands, op))
            # pypdf's layout mode restores the font and matrices at Q but not the text state, so a
            # character spacing set inside q ... Q went on shifting every later glyph (the Wassenaar
            # budget: "Tc -0.039" over a line of 95 glyphs put "2026" 3.7 pt apart as "202 6").
            kept += [([value], name) for name, value in saved.items() if spacing[name] != value]
            spacing = saved
            continue
        elif op == b"Tr" and operands and isinstance(operands[0], (int, float)):
            mode = int(operands[0])
        elif (is_white := _is_white(op, operands)) is not None:
            white = is_white
        elif op in _SHOW_OPS and (mode in _INVISIBLE_RENDER_MODES or (white and not paint.text_on_band())):
            dropped += _text_len(operands, op)
            if op == b'"' and len(operands) >= 3:
                kept.append(([operands[0]], b"Tw"))
                kept.append(([operands[1]], b"Tc"))
            if op in (b"'", b'"'):
                kept.append(([], b"T*"))
            continue
        kept.append((operands, op))
    return kept, dropped


def advancing(operations: list[tuple[list[Any], bytes]]) -> list[tuple[list[Any], bytes]]:
    """The operations with every shown string advancing the text position past itself.

    PDF 32000-1 §9.4.4: after each glyph the text matrix moves by its width, so two
    `Tj` in a row, or a `TJ` array ending in a string followed by another `TJ`, are
    drawn one after the other. pypdf 7.1's layout walk moves the position only at a
    number inside a `TJ` array: text shown by `Tj`, `'`, `"` or by the last string of
    a `TJ` left the next text at the same x. A file that sets "fi"/"fo" glyphs in a
    font of their own ("[(in)] TJ /F2 1 Tf [<01>] TJ /F1 1 Tf [(or) 5 (m) ...] TJ")
    then put "in", "f" and "or" all at one x, and the line read "orinf matie" for
    "informatie" (the VWS accessibility audits, about 100 words). Every such operator
    becomes a `TJ` whose array ends in the number 0: the walk then applies the last
    string's own width, and nothing else changes.
    """
    out: list[tuple[list[Any], bytes]] = []
    for operands, op in operations:
        value = operands[-1] if operands else None
        if op == b"TJ" and isinstance(value, ArrayObject) and value and isinstance(value[-1], bytes):
            out.append(([ArrayObject([*value, NumberObject(0)])], b"TJ"))
        elif op in (b"Tj", b"'", b'"') and isinstance(value, bytes):
            if op == b'"' and len(operands) >= 3:
                out += [([operands[0]], b"Tw"), ([operands[1]], b"Tc")]
            if op != b"Tj":
                out.append(([], b"T*"))
            out.append(([ArrayObject([value, NumberObject(0)])], b"TJ"))
        else:
            out.append((operands, op))
    return out


class _TextState(TextStateManager):
    """pypdf's text state, with successive text-rendering displacements kept as one matrix.

    pypdf pushes one matrix per glyph displacement (every kerning number of a
    TJ array) and multiplies the whole stack again for each text-show operator,
    which is quadratic in the length of a text object: 45 % of the parsing time
    of the Wassenaar budgets (cProfile, benchmarks/bench_pdf_ingest.py). The
    product of two successive rendering matrices is the same transform, so they
    are merged as they come; `reset_trm` still pops the merged one.
    """

    def add_trm(self, operands: list[float]) -> Any:
        top = self.transform_stack.maps[0]
        if not top.get("is_render"):
            return super().add_trm(operands)
        combined = mult(self._complete_matrix(operands), top)
        self.transform_stack.maps[0] = self.new_transform(*combined, is_text=True, is_render=True)
        return self.transform_stack


def _show_operations(operations: list[tuple[list[Any], bytes]], fonts: dict[str, Any]) -> list[Any]:
    """pypdf's per-operator text states (`TextStateParams`), in content-stream order.

    The same walk as pypdf's `text_show_operations`, without its left alignment
    of all x values, so positions stay in page coordinates, and with a `cm` outside
    any q ... Q applied: pypdf 7.1 skips it there, so a page that starts with
    "0.75 0 0 -0.75 0 842 cm" (exports that draw in 96-dpi pixels, y down) had
    every position a third too large, and the right quarter of each line fell
    outside the page box and was dropped as hidden (the Wassenaar budget 2025:
    23,556 characters on its first 40 pages, amounts cut inside the number).
    """
    ops = iter(operations)
    state = _TextState()
    shown: list[Any] = []
    for operands, op in ops:
        if op in (b"BT", b"q"):
            _, tj_ops = layout.recurse_to_target_op(ops, state, b"ET" if op == b"BT" else b"Q", fonts, True)
            shown.extend(tj_ops)
        elif op == b"cm" and len(operands) >= 6:
            state.add_cm(*operands)
        elif op == b"Tf":
            layout.set_font_operation(state, fonts, operands)
        else:
            state.set_state_param(op, operands)
    return shown


def _form_fonts(resources: Any, prefix: str, fonts: dict[str, Any]) -> None:
    """Add a form's fonts to `fonts` under prefixed names (forms may reuse a page's font names)."""
    font_dict = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
    font_dict = font_dict.get_object() if font_dict is not None else None
    if not isinstance(font_dict, DictionaryObject):
        return
    for name, ref in font_dict.items():
        font_object = ref.get_object()
        if isinstance(font_object, DictionaryObject):
            fonts[prefix + name] = Font.from_font_resource(font_object)


def _expanded(
    operations: list[tuple[list[Any], bytes]], resources: Any, pdf: Any, fonts: dict[str, Any], depth: int = 0
) -> list[tuple[list[Any], bytes]]:
    """Content operations with every Form XObject (`Do`) drawn inline, as a viewer does.

    pypdf's layout engine does not enter forms, so text that a page draws
    through a form (common in reports exported by design tools) would be lost.
    A form becomes q, cm(its /Matrix), its own operations, Q; its fonts are
    renamed "/Xn/F1" so they cannot clash with the page's. Raises ValueError
    past `_MAX_FORM_DEPTH` levels or `_MAX_OPERATIONS` operations.
    """
    xobjects = resources.get("/XObject") if isinstance(resources, DictionaryObject) else None
    xobjects = xobjects.get_object() if xobjects is not None else None
    out: list[tuple[list[Any], bytes]] = []
    for operands, op in operations:
        if op == b"Do" and isinstance(xobjects, DictionaryObject) and operands and operands[0] in xobjects:
            form = xobjects[operands[0]].get_object()
            if form.get("/Subtype") != "/Form":
                continue
            if depth >= _MAX_FORM_DEPTH:
                raise ValueError("form XObjects nested too deeply")
            prefix = f"/X{id(form)}"
            form_resources = form.get("/Resources")
            form_resources = form_resources.get_object() if form_resources is not None else resources
            _form_fonts(form_resources, prefix, fonts)
            inner = ContentStream(form, pdf, "bytes").operations
            inner = [([prefix + str(o[0]), *o[1:]] if op2 == b"Tf" and o else o, op2) for o, op2 in inner]
            matrix = [float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
            out.append(([], b"q"))
            out.append((matrix, b"cm"))
            out.extend(_expanded(inner, form_resources, pdf, fonts, depth + 1))
            out.append(([], b"Q"))
        else:
            out.append((operands, op))
        if len(out) > _MAX_OPERATIONS:
            raise ValueError("page has too many drawing operations")
    return out


def page_runs(page: PageObject) -> PageRuns:
    """The visible text runs of a page (see the module docstring); raises what pypdf raises."""
    box = page.mediabox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    contents = page.get_contents()
    if contents is None:
        return PageRuns([], width, height, left, bottom, 0)
    fonts = page._layout_mode_fonts()
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    operations = _expanded(ContentStream(contents, page.pdf, "bytes").operations, resources, page.pdf, fonts)
    operations, hidden = visible_operations(operations)
    runs: list[TextRun] = []
    for tj in _show_operations(advancing(operations), fonts):
        text = tj.text
        if not text or tj.rotated or not tj.font.interpretable:
            continue
        if not text.strip():
            continue
        # Positions are in page space with every cm applied (also a y-down "1 0 0 -1 0 h cm" page of
        # an office-suite export: `_show_operations`), so no flip is corrected here.
        x0, x1, y, h = float(tj.tx), float(tj.displaced_tx), float(tj.ty), abs(float(tj.font_height))
        off_page = x1 < left or x0 > left + width or y < bottom - h or y > bottom + height
        if off_page or h < MIN_READABLE_HEIGHT:
            hidden += len(text.strip())
            continue
        space = abs(float(tj.space_tx) * float(tj.transform[0])) or h * 0.25
        runs.append(TextRun(text, min(x0, x1), max(x0, x1), y, h, space))
    reliable = _geometry_is_reliable(runs)
    return PageRuns(runs, width, height, left, bottom, hidden, reliable)


def _geometry_is_reliable(runs: list[TextRun]) -> bool:
    """Whether the runs' positions look like printed text: neighbours on a line do not overprint.

    When the positions overprint (every word of a line at the same x), the layout
    cannot be read from them, and pypdf's plain text (content order) is the better
    reading. Measured on ../shared/corpora: such pages overprint on 40-90 % of
    neighbouring runs, real pages on under 5 % (kerned glyphs). The cause seen there,
    text after a `Tj` not advanced (the Tweede Kamer decision lists example2 and
    example3), `advancing` now corrects: all pages of the 178 PDFs pass this check.
    It stays for files whose positions are wrong in ways not seen yet.
    """
    ordered = sorted(runs, key=lambda r: (round(r.y), r.x0))
    pairs = overlapping = 0
    for a, b in zip(ordered, ordered[1:], strict=False):
        if round(a.y) != round(b.y):
            continue
        pairs += 1
        shorter = min(a.x1 - a.x0, b.x1 - b.x0)
        if shorter > 0 and min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 * shorter:
            overlapping += 1
    return pairs < 10 or overlapping / pairs < 0.2
