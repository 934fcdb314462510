"""Where on the page text starts, and which coloured areas were painted there before it.

White text is invisible on the white page (hidden text, case 08), but it is what a reader sees on a
coloured band: budgets and annual accounts print table headers, totals rows and chapter headings in
white on a filled rectangle ("Saldo tot en met Najaarsnota 2023 1.817" in the Wassenaar jaarstukken
2023, "P1 Veiligheid en Handhaving" in the budget 2024). `PaintState` follows the content stream
the way a viewer does, for what that decision needs: the current transformation matrix through
q/Q/cm (PDF 32000-1 §8.4.4), the text line matrix through BT/Tm/Td/TD/T*/'/" (§9.4.2), and the
areas filled in a colour that is not white (a path, then a fill operator, §8.5.2-8.5.3). A white
text-show operator whose start lies on such an area is visible.

An area is the bounding box of one subpath: a rectangle (`re`) or the points from an `m` through
its `l`/`c`/`v`/`y` segments (curve control points included, so the box holds the curve). Office
suites draw bands with `re`; the Wassenaar budget 2025 draws them as "m l l l h f*", and rounded
bands add curves. The box is exact for a rectangle; for another shape (an L, a ring) text in its
hollow would count as on the band, but bands are rectangles in practice. White text on an image
still counts as hidden.
"""

from __future__ import annotations

from typing import Any

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILL_OPS = (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*")
_PATH_ENDS = (*_FILL_OPS, b"S", b"s", b"n")
# Points of slack around a band: a baseline sits a little inside the band's edge, and rounding in the
# producer's coordinates can put it a fraction outside.
_SLACK = 1.0
# An area narrower or lower than this (points) is a rule or a hairline, not a band text can sit on:
# the smallest readable text is 2 pt high (`pdf_runs.MIN_READABLE_HEIGHT`).
_MIN_BAND = 2.0
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """The matrix product m × n (PDF row-vector convention: apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


# Path segments and the points (x, y pairs) each gives (PDF 32000-1 §8.5.2.1).
_SEGMENT_POINTS = {b"l": 1, b"c": 3, b"v": 2, b"y": 2}


def _grown(box: Box, coordinates: list[float]) -> Box:
    """`box` grown to hold the points (x0, y0, x1, y1, ...)."""
    xs, ys = coordinates[0::2], coordinates[1::2]
    return min(box[0], *xs), min(box[1], *ys), max(box[2], *xs), max(box[3], *ys)


def _numbers(operands: list[Any], count: int) -> list[float] | None:
    values = operands[-count:] if len(operands) >= count else None
    if values is None or not all(isinstance(v, (int, float)) for v in values):
        return None
    return [float(v) for v in values]


class PaintState:
    """The graphics and text state a viewer keeps, reduced to text origins and filled areas."""

    def __init__(self) -> None:
        self.ctm: Matrix = _IDENTITY
        self.stack: list[Matrix] = []
        self.line: Matrix = _IDENTITY  # the text line matrix (Tlm); the text matrix starts there
        self.leading = 0.0
        self.pending: list[Box] = []  # the boxes of the current path's subpaths (user space)
        self.bands: list[Box] = []  # filled, not white, in device space

    def update(self, operands: list[Any], op: bytes, white_fill: bool) -> None:
        """Follow one content-stream operator; `white_fill` is whether the fill colour is now white."""
        if op == b"q":
            self.stack.append(self.ctm)
        elif op == b"Q":
            self.ctm = self.stack.pop() if self.stack else self.ctm
        elif op == b"cm" and (m := _numbers(operands, 6)):
            self.ctm = _mult((m[0], m[1], m[2], m[3], m[4], m[5]), self.ctm)
        elif op == b"re" and (r := _numbers(operands, 4)):
            self.pending.append((r[0], r[1], r[0] + r[2], r[1] + r[3]))
        elif op == b"m" and (p := _numbers(operands, 2)):
            self.pending.append((p[0], p[1], p[0], p[1]))
        elif op in _SEGMENT_POINTS and self.pending and (p := _numbers(operands, _SEGMENT_POINTS[op] * 2)):
            self.pending[-1] = _grown(self.pending[-1], p)
        elif op in _PATH_ENDS:
            if op in _FILL_OPS and not white_fill:
                boxes = (self._device_box(box) for box in self.pending)
                self.bands += [b for b in boxes if min(b[2] - b[0], b[3] - b[1]) >= _MIN_BAND]
            self.pending = []
        else:
            self._text(operands, op)

    def _text(self, operands: list[Any], op: bytes) -> None:
        if op == b"BT":
            self.line = _IDENTITY
        elif op == b"Tm" and (m := _numbers(operands, 6)):
            self.line = (m[0], m[1], m[2], m[3], m[4], m[5])
        elif op in (b"Td", b"TD") and (t := _numbers(operands, 2)):
            self.line = _mult((1.0, 0.0, 0.0, 1.0, t[0], t[1]), self.line)
            if op == b"TD":
                self.leading = -t[1]
        elif op == b"TL" and (t := _numbers(operands, 1)):
            self.leading = t[0]
        elif op in (b"T*", b"'", b'"'):
            self.line = _mult((1.0, 0.0, 0.0, 1.0, 0.0, -self.leading), self.line)

    def _device_box(self, box: Box) -> Box:
        x0, y0, x1, y1 = box
        corners = [_point(self.ctm, x, y) for x in (x0, x1) for y in (y0, y1)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return min(xs), min(ys), max(xs), max(ys)

    def text_on_band(self) -> bool:
        """Whether the current text line starts on an area filled in a colour (see the module)."""
        x, y = _point(_mult(self.line, self.ctm), 0.0, 0.0)
        return any(
            x0 - _SLACK <= x <= x1 + _SLACK and y0 - _SLACK <= y <= y1 + _SLACK
            for x0, y0, x1, y1 in self.bands
        )
