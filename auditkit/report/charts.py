"""Deterministic inline SVG charts for the report: interval ("forest") plots and group bar charts.

No plotting library and no JavaScript: WeasyPrint runs none, and a hand-written
SVG string is byte-stable (same input, same string), so the report's HTML
stays reproducible. Coordinates are printed with two decimals. Every piece of
text that comes from data (measurement names, group labels) goes through
:func:`esc`, which drops characters XML forbids and escapes markup, so a label
such as ``</text><script>`` is drawn as text and never parsed.

Verdicts are coded twice, by colour and by marker shape (PASS ●, FAIL ■,
INCONCLUSIVE ◆ hollow, other ○), and the verdict is also written as a word, so
the chart still reads when printed in greyscale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditkit.report import fmt, svg
from auditkit.report.svg import esc
from auditkit.report.svg import f as _f

__all__ = ["Bar", "ForestRow", "esc", "forest_plot", "group_bars"]
_COLOURS = {"PASS": "#1b5e20", "FAIL": "#b71c1c", "INCONCLUSIVE": "#7a4f00"}
_OTHER = "#4d4d4d"
_LABEL_W = 250.0  # the widest a forest plot's label column gets (narrower when its labels are shorter)
_LABEL_MIN = 110.0
_VERDICT_W = 92.0
_ROW_H = 19.0


@dataclass(frozen=True)
class ForestRow:
    """One thresholded measurement: its value, interval, threshold and verdict.

    ``heading`` groups rows: the rows of one heading are drawn together under it (in order of first appearance),
    so a long measurement name is written once and each row's label is only what tells it apart (its group).
    """

    label: str
    value: float | None
    low: float | None
    high: float | None
    threshold: float | None
    comparator: str | None
    verdict: str | None
    heading: str | None = None


@dataclass(frozen=True)
class Bar:
    """One group's rate with its interval and size."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int | None


def _domain(values: Sequence[float], floor: float | None = None) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if floor is not None:
        lo = min(lo, floor)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.05, hi + 0.05
    pad = (hi - lo) * 0.08
    return (lo if floor is not None and lo == floor else lo - pad), hi + pad


def _marker(verdict: str | None, x: float, y: float) -> str:
    colour = _COLOURS.get(verdict or "", _OTHER)
    if verdict == "PASS":
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="5" fill="{colour}" stroke="#000" stroke-width="0.6"/>'
    if verdict == "FAIL":
        return (f'<rect x="{_f(x - 5)}" y="{_f(y - 5)}" width="10" height="10" fill="{colour}" '
                'stroke="#000" stroke-width="0.6"/>')
    if verdict == "INCONCLUSIVE":
        pts = f"{_f(x)},{_f(y - 6)} {_f(x + 6)},{_f(y)} {_f(x)},{_f(y + 6)} {_f(x - 6)},{_f(y)}"
        return f'<polygon points="{pts}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4.5" fill="#fff" stroke="{colour}" stroke-width="1.6"/>'


def _axis(x0: float, x1: float, y: float, lo: float, hi: float, label: str, top: float) -> list[str]:
    ticks, decimals = svg.ticks(lo, hi)
    out = [f'<line x1="{_f(x0)}" y1="{_f(y)}" x2="{_f(x1)}" y2="{_f(y)}" stroke="#000" stroke-width="0.8"/>']
    for t in ticks:
        x = x0 + (t - lo) / (hi - lo) * (x1 - x0)
        out.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(y)}" stroke="#d9d9d9" '
                   'stroke-width="0.6"/>')
        out.append(f'<line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x)}" y2="{_f(y + 4)}" stroke="#000" '
                   'stroke-width="0.8"/>')
        out.append(f'<text x="{_f(x)}" y="{_f(y + 15)}" text-anchor="middle">{t:.{decimals}f}</text>')
    out.append(f'<text x="{_f((x0 + x1) / 2)}" y="{_f(y + 31)}" text-anchor="middle" '
               f'font-weight="bold">{esc(label)}</text>')
    return out


def forest_plot(rows: Sequence[ForestRow], *, title: str, axis_label: str = "Value",
                words: Mapping[str, str] | None = None, legend: bool = True) -> str:
    """An interval plot: per row a dot for the value, a bar for the CI, a dashed line for the threshold.

    ``words`` translates the printed words (verdict codes, ``"other"``, ``"no verdict"``,
    ``"confidence interval"``, ``"threshold"``) for the report language; missing ones print as given.
    ``legend=False`` leaves out the key of markers and lines (a second panel directly above a first that has it).
    Returns ``""`` when no row has a value or an interval to draw.
    """
    words = words or {}
    drawable = [r for r in rows if any(v is not None for v in (r.value, r.low, r.high))]
    if not drawable:
        return ""
    headings = list(dict.fromkeys(r.heading for r in drawable))
    drawable = [r for h in headings for r in drawable if r.heading == h]  # each heading's rows together
    nums = [v for r in drawable for v in (r.value, r.low, r.high, r.threshold) if v is not None]
    lo, hi = _domain(nums)
    printed = [words.get(r.verdict or "no verdict", r.verdict or "no verdict") for r in drawable]
    verdict_w = max(_VERDICT_W, *(svg.text_width(w, 11) * (1.08 if r.verdict == "FAIL" else 1.0) + 12
                                  for w, r in zip(printed, drawable, strict=True)))
    label_w = min(_LABEL_W, max(_LABEL_MIN, *(svg.text_width(r.label, 11) + 12 for r in drawable)))
    x0, x1 = label_w + 10, svg.WIDTH - verdict_w - 10
    top = 8.0
    # one line per row, plus one per heading (a row without heading in a headed chart gets none)
    ys, y, last = [], top, object()
    for r in drawable:
        if r.heading is not None and r.heading != last:
            y += _ROW_H
        last = r.heading
        ys.append(y + _ROW_H / 2)
        y += _ROW_H
    axis_y = y + 4

    def sx(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    keys, extra = _legend(axis_y + 44, words) if legend else ([], -22.0)
    height = axis_y + 62 + extra
    out = svg.open_svg(height, title)
    out += _axis(x0, x1, axis_y, lo, hi, axis_label, top)
    last = object()
    for i, r in enumerate(drawable):
        y = ys[i]
        colour = _COLOURS.get(r.verdict or "", _OTHER)
        if r.heading is not None and r.heading != last:
            out.append(svg.label(4, y - _ROW_H + 4, r.heading, svg.fit(r.heading, svg.WIDTH - 8, 11),
                                 ' font-weight="bold"'))
        last = r.heading
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{_f(y - _ROW_H / 2)}" width="{_f(svg.WIDTH)}" height="{_f(_ROW_H)}" '
                       'fill="#000" fill-opacity="0.035"/>')
        out.append(svg.label(label_w, y + 4, r.label, svg.fit(r.label, label_w - 8, 11), ' text-anchor="end"'))
        hover = _row_hover(r, printed[i], words)
        if r.low is not None and r.high is not None:
            a, b = sx(r.low), sx(r.high)
            out.append(svg.tip(f'<line x1="{_f(a)}" y1="{_f(y)}" x2="{_f(b)}" y2="{_f(y)}" stroke="{colour}" '
                               'stroke-width="2.2"/>', hover))
            for e in (a, b):
                out.append(f'<line x1="{_f(e)}" y1="{_f(y - 4)}" x2="{_f(e)}" y2="{_f(y + 4)}" '
                           f'stroke="{colour}" stroke-width="1.4"/>')
        if r.threshold is not None:
            t = sx(r.threshold)
            out.append(f'<line x1="{_f(t)}" y1="{_f(y - 10)}" x2="{_f(t)}" y2="{_f(y + 10)}" stroke="#000" '
                       'stroke-width="1.2" stroke-dasharray="3,2"/>')
        if r.value is not None:
            out.append(svg.tip(_marker(r.verdict, sx(r.value), y), hover))
        weight = ' font-weight="bold"' if r.verdict == "FAIL" else ""
        out.append(f'<text x="{_f(svg.WIDTH - verdict_w + 4)}" y="{_f(y + 4)}" fill="{colour}"{weight}>'
                   f"{esc(printed[i])}</text>")
    out += keys
    out.append("</svg>")
    return "".join(out)


def _row_hover(r: ForestRow, verdict: str, words: Mapping[str, str]) -> str:
    """What a forest row's marker and interval show on hover: the label, value, interval, threshold and verdict,
    formatted as in the report's tables."""
    name = f"{r.heading} · {r.label}" if r.heading else r.label
    parts = [f"{name}: {fmt.num(r.value) if r.value is not None else fmt.DASH}"]
    if r.low is not None or r.high is not None:
        parts.append(f"{words.get('confidence interval', 'confidence interval')} {fmt.interval(r.low, r.high)}")
    if r.threshold is not None:
        parts.append(f"{words.get('threshold', 'threshold')} {fmt.threshold(r.comparator, r.threshold)}")
    return "; ".join(parts) + f" ({verdict})"


def _legend(y: float, words: Mapping[str, str]) -> tuple[list[str], float]:
    """The verdict markers, the interval bar and the threshold line with their words, wrapped onto as many rows
    as the chart width needs (German words are longer); returns the elements and the height of the extra rows."""
    size = 10.0
    items: list[tuple[str, str | None, str]] = [("marker", verdict, words.get(key, key)) for verdict, key in (
        ("PASS", "PASS"), ("FAIL", "FAIL"), ("INCONCLUSIVE", "INCONCLUSIVE"), (None, "other"))]
    items += [("interval", None, words.get("confidence interval", "confidence interval")),
              ("threshold", None, words.get("threshold", "threshold"))]
    out: list[str] = []
    x, row = 10.0, 0
    for kind, verdict, text in items:
        symbol = 28.0 if kind == "interval" else 14.0
        width = symbol + svg.text_width(text, size) + 16
        if x + width > svg.WIDTH - 6 and x > 10.0:
            x, row = 10.0, row + 1
        yy = y + 18 * row
        if kind == "marker":
            out.append(_marker(verdict, x + 5, yy))
        elif kind == "interval":
            out.append(f'<line x1="{_f(x)}" y1="{_f(yy)}" x2="{_f(x + 24)}" y2="{_f(yy)}" stroke="#000" '
                       'stroke-width="2.2"/>')
        else:
            out.append(f'<line x1="{_f(x + 4)}" y1="{_f(yy - 8)}" x2="{_f(x + 4)}" y2="{_f(yy + 8)}" '
                       'stroke="#000" stroke-width="1.2" stroke-dasharray="3,2"/>')
        out.append(f'<text x="{_f(x + symbol)}" y="{_f(yy + 4)}" font-size="{size:g}">{esc(text)}</text>')
        x += width
    return out, 18.0 * row


def _value(v: float, scale: float) -> str:
    """A value printed right of the axis (64 units): four decimals, none when the chart's largest ``scale``
    reaches 1000, exponent form from 10 million."""
    return f"{v:.4f}" if scale < 1000 else f"{v:.0f}" if scale < 1e7 else f"{v:.2e}"


def group_bars(
    bars: Sequence[Bar],
    *,
    title: str,
    axis_label: str,
    reference: float | None = None,
    reference_label: str = "overall",
    interval_label: str = "confidence interval",
    whiskers_label: str = "whiskers",
) -> str:
    """A horizontal bar per group with CI whiskers, and an optional dashed reference line (e.g. overall).

    The axis starts at 0 and ends at 1 when every number is a rate in [0, 1].
    Returns ``""`` when no bar has a value.
    """
    drawable = [b for b in bars if b.value is not None]
    if not drawable:
        return ""
    nums = [v for b in drawable for v in (b.value, b.low, b.high) if v is not None]
    if reference is not None:
        nums.append(reference)
    scale = max(abs(v) for v in nums)
    lo = min(0.0, min(nums))
    hi = max(nums) * 1.1
    if lo >= 0.0 and max(nums) <= 1.0:  # a rate: end at a round value, never above 1
        hi = min(1.0, math.ceil(hi * 10 - 1e-9) / 10) if hi > 0.2 else math.ceil(hi * 100 - 1e-9) / 100
    if hi - lo < 1e-9:
        hi = lo + 1.0
    x0, x1 = _LABEL_W + 10, svg.WIDTH - 70
    top = 8.0
    axis_y = top + _ROW_H * len(drawable) + 4

    def sx(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    out = svg.open_svg(axis_y + 40 + (18 if reference is not None else 0), title)
    out += _axis(x0, x1, axis_y, lo, hi, axis_label, top)
    for i, b in enumerate(drawable):
        y = top + _ROW_H * i + _ROW_H / 2
        suffix = f" (n={b.n})" if b.n is not None else ""
        shown = svg.fit(b.label, _LABEL_W - 8 - svg.text_width(suffix, 11), 11) + suffix
        out.append(svg.label(_LABEL_W, y + 4, b.label + suffix, shown, ' text-anchor="end"'))
        assert b.value is not None
        left, right = sorted((sx(0.0), sx(b.value)))
        hover = f"{b.label}{suffix}: {_value(b.value, scale)}" + (
            f"; {interval_label} [{_value(b.low, scale)}, {_value(b.high, scale)}]"
            if b.low is not None and b.high is not None else "")
        out.append(svg.tip(f'<rect x="{_f(left)}" y="{_f(y - 7)}" width="{_f(right - left)}" height="14" '
                           'fill="#a9bccf" stroke="#1f3a56" stroke-width="0.8"/>', hover))
        if b.low is not None and b.high is not None:
            a, c = sx(b.low), sx(b.high)
            out.append(f'<line x1="{_f(a)}" y1="{_f(y)}" x2="{_f(c)}" y2="{_f(y)}" stroke="#000" '
                       'stroke-width="1.2"/>')
            for e in (a, c):
                out.append(f'<line x1="{_f(e)}" y1="{_f(y - 5)}" x2="{_f(e)}" y2="{_f(y + 5)}" '
                           'stroke="#000" stroke-width="1.2"/>')
        out.append(f'<text x="{_f(x1 + 6)}" y="{_f(y + 4)}">{_value(b.value, scale)}</text>')
    if reference is not None:
        r = sx(reference)
        out.append(f'<line x1="{_f(r)}" y1="{_f(top)}" x2="{_f(r)}" y2="{_f(axis_y)}" stroke="#000" '
                   'stroke-width="1.2" stroke-dasharray="4,3"/>')
        out.append(f'<line x1="10" y1="{_f(axis_y + 48)}" x2="34" y2="{_f(axis_y + 48)}" stroke="#000" '
                   'stroke-width="1.2" stroke-dasharray="4,3"/>')
        out.append(f'<text x="40" y="{_f(axis_y + 52)}">{esc(reference_label)} = {_value(reference, scale)}; '
                   f"{esc(whiskers_label)}: {esc(interval_label)}</text>")
    out.append("</svg>")
    return "".join(out)
