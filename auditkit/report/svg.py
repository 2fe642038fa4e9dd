"""SVG building blocks shared by the report's charts (:mod:`.charts`, :mod:`.spec_charts`).

Escaping, fixed-precision coordinates, round axis ticks, label fitting and
colour scales. Everything is a pure function of its arguments, so a chart
built from them is the same string every time.

Text width is estimated from the advance widths of DejaVu Sans (the report's
chart font), so labels can be shrunk, rotated or truncated to stay inside the
chart's fixed 640-unit width, which the stylesheet scales to the A4 text width.
A label that is shortened keeps its full text in an SVG ``<title>``.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
WIDTH = 640.0
NULL_FILL, _HATCH = "#e4e4e4", "#9a9a9a"
T = TypeVar("T")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# DejaVu Sans advance widths of ASCII 32..126, in hundredths of an em
_ADVANCE = (
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34,
    84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99,
    69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52,
    39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
)


def esc(text: object) -> str:
    """XML-escape ``text`` for SVG content or attributes, dropping characters XML 1.0 forbids."""
    return html.escape(_INVALID_XML.sub("", str(text)), quote=True)


def f(x: float) -> str:
    """A coordinate with two decimals (never ``-0.00``)."""
    text = f"{x:.2f}"
    return "0.00" if text == "-0.00" else text


def short(text: str, limit: int = 32) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_width(text: str, size: float) -> float:
    """Estimated advance width of ``text`` at font size ``size`` (DejaVu Sans; wide CJK glyphs count 1 em)."""
    em = 0.0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            em += _ADVANCE[code - 32] / 100
        else:
            em += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.7
    return em * size


def fit(text: str, width: float, size: float) -> str:
    """``text`` shortened with an ellipsis until its estimated width at ``size`` is at most ``width``."""
    if text_width(text, size) <= width:
        return text
    lo, hi = 0, len(text) - 1  # the longest prefix that still fits together with the ellipsis
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid] + "…", size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def label(x: float, y: float, text: str, shown: str, attrs: str = "") -> str:
    """A ``<text>`` showing ``shown``; when that is a shortened ``text``, grouped with the full text as title."""
    body = f'<text x="{f(x)}" y="{f(y)}"{attrs}>{esc(shown)}</text>'
    return body if shown == text else f"<g><title>{esc(text)}</title>{body}</g>"


def tip(element: str, text: str) -> str:
    """A self-closing element (``<circle .../>``) with ``text`` as its ``<title>`` child: the value a browser shows
    on hover. A child title draws nothing in the PDF (a wrapping ``<g>`` would add a graphics state there)."""
    assert element.endswith("/>"), element
    name = element[1:].split(" ", 1)[0]
    return f"{element[:-2]}><title>{esc(text)}</title></{name}>"


def ticks(lo: float, hi: float, target: int = 5) -> tuple[list[float], int]:
    """Round tick positions covering [lo, hi] (steps 1, 2 or 5 × 10^k) and the decimals to print them."""
    span = hi - lo
    raw = span / target
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 5.0, 10.0) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    k = 0
    while first + k * step <= hi + 1e-6 * step:
        out.append(round(first + k * step, 12) + 0.0)
        k += 1
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return out, decimals


def nice_domain(lo: float, hi: float, target: int = 5) -> tuple[float, float, list[float], int]:
    """[lo, hi] widened to the nearest round ticks: the domain, its ticks and their decimals."""
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):
        pad = 0.5 if lo == 0 else max(abs(lo) * 0.1, 1e-6)
        lo, hi = lo - pad, hi + pad
    step_ticks, _ = ticks(lo, hi, target)
    step = step_ticks[1] - step_ticks[0] if len(step_ticks) > 1 else (hi - lo)
    lo2 = round(math.floor(lo / step + 1e-9) * step, 12) + 0.0
    hi2 = round(math.ceil(hi / step - 1e-9) * step, 12) + 0.0
    out, decimals = ticks(lo2, hi2, target)
    return lo2, hi2, out, decimals


def slant(texts: list[str], slot: float, limit: float = 130.0) -> tuple[int, float]:
    """The angle (0, -45 or -90) and font size for labels ``slot`` apart: level when the widest fits its slot,
    slanted while slanted labels stay 13 units apart, else upright, in a smaller font if need be (≥ 6)."""
    if max(text_width(fit(t, limit, 10), 10) for t in texts) <= slot - 4:
        return 0, 10.0
    if slot * 0.71 >= 13:
        return -45, 10.0
    return -90, max(6.0, min(10.0, slot - 2))


def slanted(xs: list[float], y: float, texts: list[str], angle: int, size: float, *, above: bool,
            slot: float, limit: float = 130.0) -> tuple[list[str], float]:
    """Labels centred on ``xs`` at baseline ``y``, above or below it, at ``angle`` (from :func:`slant`); level
    labels are cut to their slot, others to ``limit``. Returns the elements and the height they take."""
    out, depth = [], size + 4
    anchor = ' text-anchor="middle"' if angle == 0 else "" if above else ' text-anchor="end"'
    every = max(1, math.ceil((size + 1) / slot)) if angle == -90 else 1
    for k, (x, text) in enumerate(zip(xs, texts, strict=True)):
        if k % every:
            continue
        shown = fit(text, slot - 2 if angle == 0 else limit, size)
        if angle == -90:
            x += 0.35 * size  # upright text hangs left of its baseline: centre it on the position
        turn = f' transform="rotate({angle} {f(x)} {f(y)})"' if angle else ""
        out.append(label(x, y, text, shown, f' font-size="{f(size)}"{anchor}{turn}'))
        if angle:
            depth = max(depth, text_width(shown, size) * (0.71 if angle == -45 else 1.0) + size)
    return out, depth


def wrap(text: str, w: float, h: float) -> tuple[list[str], float]:
    """``text`` on one line or two (split before `` [`` or near the middle) and the largest font size, at most
    9.5, at which it fits a ``w`` × ``h`` box."""
    options = [[text]]
    if " " in text:
        cut = text.rfind(" [") if " [" in text else text.rfind(" ", 0, len(text) // 2 + 1)
        if cut > 0:
            options.append([text[:cut], text[cut + 1:]])
    best: tuple[list[str], float] = ([text], 0.0)
    for lines_ in options:
        size = min(9.5, (w - 4) / max(text_width(t, 1.0) for t in lines_), (h - 2) / (1.2 * len(lines_)))
        if size > best[1] + 0.3:
            best = (lines_, size)
    return best


@dataclass(frozen=True)
class Frame:
    """A plot rectangle and the data domain it shows: :meth:`sx` and :meth:`sy` map data to chart units."""

    left: float
    right: float
    top: float
    bottom: float
    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float

    def sx(self, x: float) -> float:
        """The chart x of data ``x``."""
        return self.left + (x - self.x_lo) / (self.x_hi - self.x_lo) * (self.right - self.left)

    def sy(self, y: float) -> float:
        """The chart y of data ``y`` (up is larger)."""
        return self.bottom - (y - self.y_lo) / (self.y_hi - self.y_lo) * (self.bottom - self.top)


def open_svg(height: float, title: str, *, width: float = WIDTH, font_size: float = 11) -> list[str]:
    """The opening tag (fixed width, height, font) and the accessible title of a chart."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{f(width)}" height="{f(height)}" '
        f'viewBox="0 0 {f(width)} {f(height)}" role="img" aria-label="{esc(title)}" '
        f'font-family="{FONT}" font-size="{font_size:g}">',
        f"<title>{esc(title)}</title>",
    ]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def ramp(stops: tuple[str, ...], t: float) -> str:
    """The colour at ``t`` in [0, 1] along ``stops`` (``#rrggbb``), linearly interpolated in RGB."""
    t = min(1.0, max(0.0, t)) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    a, b = _rgb(stops[i]), _rgb(stops[i + 1])
    w = t - i
    return "#" + "".join(f"{round(x + (y - x) * w):02x}" for x, y in zip(a, b, strict=True))


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a ``#rrggbb`` colour, 0 (black) to 1 (white)."""
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill``."""
    lum = luminance(fill)
    return "#111111" if (lum + 0.05) / 0.0556 >= 1.05 / (lum + 0.05) else "#ffffff"


def hatch(x: float, y: float, w: float, h: float, gap: float = 5.0) -> str:
    """A grey, diagonally hatched rectangle marking "no value" (lines, not a pattern: no ids to collide)."""
    out = [f'<rect x="{f(x)}" y="{f(y)}" width="{f(w)}" height="{f(h)}" fill="{NULL_FILL}"/>']
    c = gap
    while c < w + h:
        u1, u2 = max(0.0, c - h), min(w, c)
        out.append(f'<line x1="{f(x + u1)}" y1="{f(y + c - u1)}" x2="{f(x + u2)}" y2="{f(y + c - u2)}" '
                   f'stroke="{_HATCH}" stroke-width="0.6"/>')
        c += gap
    return "".join(out)


def marker(shape: str, hollow: bool, x: float, y: float, colour: str, hover: str = "") -> str:
    """A data marker: ``circle``, ``square``, ``triangle`` or ``diamond``, filled or hollow; ``hover`` (when
    given) is its title, shown on screen when the pointer rests on it."""
    style = f'fill="{"#ffffff" if hollow else colour}" stroke="{colour}" stroke-width="1.2"'
    if shape == "square":
        out = f'<rect x="{f(x - 3)}" y="{f(y - 3)}" width="6" height="6" {style}/>'
    elif shape == "triangle":
        out = f'<polygon points="{f(x)},{f(y - 4)} {f(x + 3.6)},{f(y + 2.6)} {f(x - 3.6)},{f(y + 2.6)}" {style}/>'
    elif shape == "diamond":
        out = f'<polygon points="{f(x)},{f(y - 4)} {f(x + 4)},{f(y)} {f(x)},{f(y + 4)} {f(x - 4)},{f(y)}" {style}/>'
    else:
        out = f'<circle cx="{f(x)}" cy="{f(y)}" r="3.2" {style}/>'
    return tip(out, hover) if hover else out


def scale_legend(x: float, y: float, lo: float, hi: float, title: str, colour: Callable[[float], str],
                 nulls: bool) -> list[str]:
    """A colour-scale legend: its title, a bar of 48 steps from ``lo`` to ``hi`` with round ticks, and,
    when ``nulls``, a hatched swatch for "no value"."""
    steps, w = 48, 200.0
    out = [label(x, y, title, fit(title, 400, 10), ' font-size="10"')]
    for k in range(steps):
        out.append(f'<rect x="{f(x + w * k / steps)}" y="{f(y + 5)}" width="{f(w / steps + 0.3)}" height="10" '
                   f'fill="{colour(lo + (hi - lo) * (k + 0.5) / steps)}"/>')
    out.append(f'<rect x="{f(x)}" y="{f(y + 5)}" width="{f(w)}" height="10" fill="none" stroke="#7a7a7a" '
               'stroke-width="0.6"/>')
    tick_values, decimals = ticks(lo, hi, 4)
    if len(tick_values) < 3:  # e.g. [-0.042, 0.042] has one round tick at step 0.05: take finer ones
        tick_values, decimals = ticks(lo, hi, 8)
    for t in tick_values:
        tx = x + (t - lo) / (hi - lo) * w
        out.append(f'<line x1="{f(tx)}" y1="{f(y + 15)}" x2="{f(tx)}" y2="{f(y + 18)}" stroke="#000" '
                   'stroke-width="0.6"/>')
        out.append(f'<text x="{f(tx)}" y="{f(y + 28)}" font-size="9" text-anchor="middle">{t:.{decimals}f}</text>')
    if nulls:
        out.append(hatch(x + w + 24, y + 5, 16, 10))
        out.append(f'<text x="{f(x + w + 44)}" y="{f(y + 14)}" font-size="9">— no value</text>')
    return out


def pieces(points: list[tuple[float, T | None]]) -> list[list[tuple[float, T]]]:
    """Runs of consecutive points that have a value: a ``None`` breaks a line (or a band) in two."""
    out: list[list[tuple[float, T]]] = [[]]
    for x, y in points:
        if y is None:
            out.append([])
        else:
            out[-1].append((x, y))
    return [p for p in out if p]


def series_legend(entries: list[tuple[str, str, str, str, bool]], y: float) -> tuple[list[str], float]:
    """A legend below a plot: per (name, colour, dash, marker shape, hollow) a line sample with its dash
    pattern and marker, then the name; entries wrap onto new rows. Returns the elements and their height."""
    out, x, row = [], 10.0, 0
    for name, colour, dash, shape, hollow in entries:
        shown = fit(name, 260, 10)
        w = 50 + text_width(shown, 10)
        if x + w > WIDTH - 6 and x > 10:
            x, row = 10.0, row + 1
        cy = y + 8 + 16 * row
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{f(x)}" y1="{f(cy)}" x2="{f(x + 28)}" y2="{f(cy)}" stroke="{colour}" '
                   f'stroke-width="1.8"{pattern}/>')
        out.append(marker(shape, hollow, x + 14, cy, colour))
        out.append(label(x + 34, cy + 3.5, name, shown, ' font-size="10"'))
        x += w
    return out, 16.0 * (row + 1) + 6
