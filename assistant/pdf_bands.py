"""Where on the page text starts, and which coloured areas were painted there before it.

White text is invisible on the white page (hidden text, case 08), but it is what a reader sees on a
coloured band: budgets and annual accounts print table headers, totals rows and chapter headings in
white on a filled rectangle ("Saldo tot en met Najaarsnota 2023 1.817" in the Wassenaar jaarstukken
2023, "P1 Veiligheid en Handhaving" in the budget 2024). `PaintState` follows the content stream
the way a viewer does, for what that decision needs: the current transformation matrix through
q/Q/cm (PDF 32000-1 §8.4.4), the text line matrix through BT/Tm/Td/TD/T*/'/" (§9.4.2), and the
rectangles filled in a colour that is not white (`re` then a fill operator, §8.5.2-8.5.3). A white
text-show operator whose start lies on such a rectangle is visible.

Only rectangles are tracked: they are how office suites and report generators draw bands and cell
shading. A band drawn as another path shape, or white text on an image, still counts as hidden.
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


def _numbers(operands: list[Any], count: int) -> list[float] | None:
    values = operands[-count:] if len(operands) >= count else None
    if values is None or not all(isinstance(v, (int, float)) for v in values):
        return None
    return [float(v) for v in values]


class PaintState:
    """The graphics and text state a viewer keeps, reduced to text origins and filled rectangles."""

    def __init__(self) -> None:
        self.ctm: Matrix = _IDENTITY
        self.stack: list[Matrix] = []
        self.line: Matrix = _IDENTITY  # the text line matrix (Tlm); the text matrix starts there
        self.leading = 0.0
        self.pending: list[tuple[float, float, float, float]] = []  # rectangles of the current path
        self.bands: list[tuple[float, float, float, float]] = []  # filled, not white: x0, y0, x1, y1

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
        elif op in _PATH_ENDS:
            if op in _FILL_OPS and not white_fill:
                self.bands += [self._device_box(box) for box in self.pending]
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

    def _device_box(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        corners = [_point(self.ctm, x, y) for x in (x0, x1) for y in (y0, y1)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return min(xs), min(ys), max(xs), max(ys)

    def text_on_band(self) -> bool:
        """Whether the current text line starts on a rectangle filled in a colour (see the module)."""
        x, y = _point(_mult(self.line, self.ctm), 0.0, 0.0)
        return any(
            x0 - _SLACK <= x <= x1 + _SLACK and y0 - _SLACK <= y <= y1 + _SLACK
            for x0, y0, x1, y1 in self.bands
        )
