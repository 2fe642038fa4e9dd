"""Charts that checks specify in plain JSON (``details["charts"]``): heat maps, line charts and bar charts.

A check states *what* to draw (an agreement matrix, probe accuracy per layer with a chance line, flip rates
per group); this module decides *how*: deterministic inline SVG in the report's chart style, readable in
greyscale (lightness, dash patterns and marker shapes besides colour), every text escaped, every label fitted
to the A4 width. The fields, and the rules a specification must meet, are in :mod:`auditkit.chartspec`, which
parses each specification before it is drawn.

Checks validate their charts when they build them (:func:`auditkit.chartspec.validate_charts`), so a malformed
chart is a bug caught by their tests. The report still never trusts stored data (a run stored by an older release,
a database edited by hand): a specification that does not parse, or a renderer that fails, gives a visible
"chart could not be drawn: <reason>" note in the chart's place instead of breaking the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from auditkit import chartspec
from auditkit.chartspec import SpecError
from auditkit.i18n import t as _t
from auditkit.report import charts, svg
from auditkit.report.model import Chart
from auditkit.report.svg import esc
from auditkit.report.svg import f as _f

_BLUES = ("#f0f6fc", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
_RDBU = ("#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3",
         "#2166ac", "#053061")
# per series: an Okabe-Ito colour, a dash pattern and a marker (shape, hollow); no two series share all four
_STYLES = tuple(zip(
    ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#7a7a7a") * 2,
    ("", "7,3", "2,2", "9,3,2,3", "12,4", "6,2,1,2", "", "7,3", "2,2", "9,3,2,3", "7,3", ""),
    ("circle", "square", "triangle", "diamond") * 3,
    (False,) * 4 + (True,) * 8,
    strict=False,
))
_PLOT_H = 170.0


def _value_text(v: float, span: float) -> str:
    """A cell value with as many decimals as the scale needs: 2 on a span of 1, 3 on 0.1, 0 from 100."""
    return f"{v:.{min(4, max(0, 2 - math.floor(math.log10(span))))}f}"


@dataclass(frozen=True)
class _Grid:
    """Heat-map layout: row-label width, cell size, column-label angle and the fonts of both label sets."""

    row_w: float
    cell_w: float
    cell_h: float
    angle: int
    top: float
    col_font: float
    row_font: float


def _grid(rows: list[str], cols: list[str]) -> _Grid:
    """Cells as wide as the page allows (at most 90); column labels level, at -45° or upright, whichever fits."""
    row_w = min(max(svg.text_width(r, 10) for r in rows), 170.0) + 8
    room, n = svg.WIDTH - row_w - 8, len(cols)
    cell_w = min(90.0, room / n)
    angle, col_font = svg.slant(cols, cell_w)
    if angle == -45:  # the last slanted label reaches past its column by 0.71 of its length
        widest = max(svg.text_width(svg.fit(c, 130, 10), 10) for c in cols)
        slanted_w = min(cell_w, (room - widest * 0.71) / (n - 0.5))
        angle, col_font = svg.slant(cols, slanted_w)
        cell_w = slanted_w if angle == -45 else cell_w
    _, top = svg.slanted([0.0] * n, 0.0, cols, angle, col_font, above=True, slot=cell_w)
    cell_h = min(30.0, max(cell_w * 0.6, 12.0 if len(rows) > 20 else 16.0))
    return _Grid(row_w, cell_w, cell_h, angle, top + 8, col_font, min(10.0, cell_h - 1.5))


def heatmap(spec: Mapping[str, Any]) -> tuple[str, str]:
    """A matrix of shaded cells, as parsed by :func:`auditkit.chartspec.parse_heatmap` (fields documented there)."""
    h = chartspec.parse_heatmap(spec)
    title, rows, cols, values, notes, value_label, diverging = (h.title, list(h.rows), list(h.columns), h.values,
                                                                h.annotations, h.value_label, h.diverging)
    data = [v for r in values for v in r if v is not None]
    if h.range is not None:
        lo, hi = h.range
    elif diverging:
        hi = max((abs(v) for v in data), default=1.0) or 1.0
        lo = -hi
    else:
        lo, hi, _, _ = svg.nice_domain(min(data, default=0.0), max(data, default=1.0), 4)
    half = max(abs(lo), abs(hi))

    def colour(v: float) -> str:
        return svg.ramp(_RDBU, 0.5 + v / half / 2) if diverging else svg.ramp(_BLUES, (v - lo) / (hi - lo))

    g = _grid(rows, cols)
    texts = [[str(notes[i][j]) if notes is not None and notes[i][j] not in (None, "") else
              _value_text(v, hi - lo) if v is not None else "—" for j, v in enumerate(r)] for i, r in enumerate(values)]
    size = min(svg.wrap(t, g.cell_w, g.cell_h)[1] for r in texts for t in r)
    x0, top, cell_w, cell_h = g.row_w + 4, g.top, g.cell_w, g.cell_h
    bottom = top + cell_h * len(rows)
    out = svg.open_svg(bottom + 58, title)
    out += svg.slanted([x0 + cell_w * (j + 0.5) for j in range(len(cols))], top - 6, cols, g.angle, g.col_font,
                       above=True, slot=cell_w)[0]
    for i, r in enumerate(rows):
        y = top + cell_h * i
        out.append(svg.label(g.row_w, y + cell_h / 2 + g.row_font * 0.35, r, svg.fit(r, g.row_w - 8, g.row_font),
                             f' font-size="{_f(g.row_font)}" text-anchor="end"'))
        for j, v in enumerate(values[i]):
            x, text = x0 + cell_w * j, texts[i][j]
            fill = colour(v) if v is not None else svg.NULL_FILL
            out.append(svg.hatch(x, y, cell_w, cell_h) if v is None else
                       f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(cell_w)}" height="{_f(cell_h)}" fill="{fill}"/>')
            if size < 4.5:  # too small to print: the shade carries the value, and the cell's title on screen
                out[-1] = f"<g><title>{esc(f'{r} × {cols[j]}: {text}')}</title>{out[-1]}</g>"
                continue
            lines_ = [text] if svg.text_width(text, size) <= cell_w - 4 else svg.wrap(text, cell_w, cell_h)[0]
            cy = y + cell_h / 2 - (len(lines_) - 1) * size * 0.6 + size * 0.35
            ink = svg.ink(fill) if v is not None else "#333333"
            out += [f'<text x="{_f(x + cell_w / 2)}" y="{_f(cy + k * size * 1.2)}" font-size="{_f(size)}" '
                    f'text-anchor="middle" fill="{ink}">{esc(line)}</text>' for k, line in enumerate(lines_)]
    out.append(f'<rect x="{_f(x0)}" y="{_f(top)}" width="{_f(cell_w * len(cols))}" height="{_f(bottom - top)}" '
               'fill="none" stroke="#7a7a7a" stroke-width="0.6"/>')
    out += svg.scale_legend(x0, bottom + 18, lo, hi, value_label, colour, any(v is None for r in values for v in r))
    out.append("</svg>")
    scale = _t("spec.scale_fixed", lo=f"{lo:g}", hi=f"{hi:g}") if h.range is not None else _t("spec.scale_data")
    shade = _t("spec.shade_diverging" if diverging else "spec.shade", label=value_label)
    caption = _t("spec.heatmap_caption", title=title, shade=shade, scale=scale)
    if any(v is None for r in values for v in r):
        caption += " " + _t("spec.hatched")
    if size < 4.5:
        caption += " " + _t("spec.values_omitted")
    return "".join(out), caption


def lines(spec: Mapping[str, Any]) -> tuple[str, str]:
    """Lines over x, as parsed by :func:`auditkit.chartspec.parse_lines` (fields documented there)."""
    ls = chartspec.parse_lines(spec)
    title, x_label, y_label, series, refs = ls.title, ls.x_label, ls.y_label, ls.series, list(ls.reference_lines)
    names = list(ls.x_ticks) if ls.x_ticks else None
    ys = [v for s in series for values in (s.y, s.low, s.high) for v in values or () if v is not None]
    ys += [y for y, _ in refs]
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.04  # lines off the frame, but an axis of rates (data in [0, 1]) not past 0 or 1
    y_lo, y_hi, y_ticks, y_dec = svg.nice_domain(lo - pad if lo - pad >= 0 or lo < 0 else 0.0,
                                                 hi + pad if hi + pad <= 1 or hi > 1 else 1.0)
    markers = list(ls.x_markers)
    xs = [x for s in series for x in s.x] + [x for x, _ in markers]  # the axis reaches every marker
    x_lo, x_hi = (-0.5, len(names) - 0.5) if names else (min(xs), max(xs))
    if x_hi - x_lo < 1e-12 * max(1.0, abs(x_lo)):
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    # layout: y tick labels and the rotated y label on the left; x tick labels below, rotated when crowded
    x_ticks, x_dec = ([float(k) for k in range(len(names))], 0) if names else svg.ticks(x_lo, x_hi)
    x_texts = names or [f"{t:.{x_dec}f}" for t in x_ticks]
    left = max(svg.text_width(f"{t:.{y_dec}f}", 10) for t in y_ticks) + (30 if y_label else 14)
    right = svg.WIDTH - (12.0 if names else max(12.0, svg.text_width(x_texts[-1], 10) / 2 + 4))
    angle, size = svg.slant(x_texts, (right - left) / len(x_texts), 150) if names else (0, 10.0)
    if angle == -45:  # the first label runs down and to the left of its tick: keep it inside the chart
        widest = svg.text_width(svg.fit(x_texts[0], 150, 10), 10)
        left = max(left, widest * 0.71 - (right - left) / len(x_texts) / 2 + 4)
        angle, size = svg.slant(x_texts, (right - left) / len(x_texts), 150)
    fr = svg.Frame(left, right, 10.0, 10.0 + _PLOT_H, x_lo, x_hi, y_lo, y_hi)
    x_tick_labels, tick_h = svg.slanted([fr.sx(t) for t in x_ticks], fr.bottom + (14 if angle == 0 else 8), x_texts,
                                        angle, size, above=False, slot=(right - left) / len(x_texts), limit=150)
    tick_h = 18.0 if angle == 0 else tick_h + 8
    entries = [(s.name, *_STYLES[i]) for i, s in enumerate(series)]
    legend, legend_h = svg.series_legend(entries, fr.bottom + tick_h + (20 if x_label else 6))
    out = svg.open_svg(fr.bottom + tick_h + (20 if x_label else 6) + legend_h, title)
    for t in y_ticks:
        out.append(f'<line x1="{_f(left)}" y1="{_f(fr.sy(t))}" x2="{_f(right)}" y2="{_f(fr.sy(t))}" '
                   'stroke="#dddddd" stroke-width="0.6"/>')
        out.append(f'<text x="{_f(left - 5)}" y="{_f(fr.sy(t) + 3.5)}" font-size="10" text-anchor="end">'
                   f"{t:.{y_dec}f}</text>")
    for t in x_ticks:
        out.append(f'<line x1="{_f(fr.sx(t))}" y1="{_f(fr.top)}" x2="{_f(fr.sx(t))}" y2="{_f(fr.bottom + 3)}" '
                   'stroke="#dddddd" stroke-width="0.6"/>')
    out += x_tick_labels
    out.append(f'<rect x="{_f(left)}" y="{_f(fr.top)}" width="{_f(right - left)}" height="{_f(_PLOT_H)}" '
               'fill="none" stroke="#000" stroke-width="0.8"/>')
    if y_label:
        mid = (fr.top + fr.bottom) / 2
        out.append(svg.label(12, mid, y_label, svg.fit(y_label, _PLOT_H * 0.85, 10.5), ' font-size="10.5" font-weight='
                             f'"bold" text-anchor="middle" transform="rotate(-90 12 {_f(mid)})"'))
    if x_label:
        out.append(svg.label((left + right) / 2, fr.bottom + tick_h + 14, x_label,
                             svg.fit(x_label, (right - left) * 0.85, 10.5),
                             ' font-size="10.5" font-weight="bold" text-anchor="middle"'))
    out += _plot(series, refs, fr, names)
    out += _x_markers(markers, fr)
    out += legend
    out.append("</svg>")
    caption = _t("spec.lines_caption", title=title)
    if any(s.low is not None and s.high is not None for s in series):
        caption += " " + _t("spec.bands")
    if refs or markers:  # vertical markers are dashed reference values too, named by their label
        caption += " " + _t("spec.references", refs="; ".join(
            f"{label or _t('spec.unlabelled')} = {v:g}" for v, label in (*refs, *markers)))
    return "".join(out), caption


def _x_markers(markers: list[tuple[float, str]], fr: svg.Frame) -> list[str]:
    """Vertical dashed lines at the markers' x, each labelled at the top of the plot on a white ground, on the
    side of the line with more room (right of it in the left half of the plot, left of it in the right half)."""
    out = []
    for x, label in markers:
        px = fr.sx(x)
        out.append(f'<line x1="{_f(px)}" y1="{_f(fr.top)}" x2="{_f(px)}" y2="{_f(fr.bottom)}" '
                   'stroke="#333333" stroke-width="1" stroke-dasharray="4,3"/>')
        if not label:
            continue
        right = px <= (fr.left + fr.right) / 2
        room = (fr.right - px if right else px - fr.left) - 8
        shown = svg.fit(label, max(room, 24.0), 9)
        w, ty = svg.text_width(shown, 9), fr.top + 11
        tx = px + 4 if right else px - 4
        out.append(f'<rect x="{_f(tx - 2 if right else tx - w - 2)}" y="{_f(ty - 8.5)}" width="{_f(w + 4)}" '
                   'height="11" fill="#ffffff" fill-opacity="0.85"/>')
        out.append(svg.label(tx, ty, label, shown,
                             f' font-size="9" text-anchor="{"start" if right else "end"}" fill="#333333"'))
    return out


def _plot(series: tuple[chartspec.Series, ...], refs: list[tuple[float, str]], fr: svg.Frame,
          names: list[str] | None = None) -> list[str]:
    """Bands, then reference lines, then series lines and markers (their values on hover), then reference labels
    on a white ground."""
    def x_text(x: float) -> str:
        return names[int(x)] if names and float(x).is_integer() and 0 <= int(x) < len(names) else f"{x:g}"

    out = []
    for s, (colour, *_) in zip(series, _STYLES, strict=False):
        if s.low is None or s.high is None:
            continue
        pairs = [(x, None if lo is None or hi is None else (lo, hi))
                 for x, lo, hi in zip(s.x, s.low, s.high, strict=True)]
        for piece in svg.pieces(pairs):
            pts = [(fr.sx(x), fr.sy(hi)) for x, (_, hi) in piece] + [(fr.sx(x), fr.sy(lo))
                                                                      for x, (lo, _) in reversed(piece)]
            out.append(f'<polygon points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in pts)}" fill="{colour}" '
                       f'fill-opacity="0.16" stroke="{colour}" stroke-opacity="0.35" stroke-width="0.5"/>')
    for y, _ in refs:
        out.append(f'<line x1="{_f(fr.left)}" y1="{_f(fr.sy(y))}" x2="{_f(fr.right)}" y2="{_f(fr.sy(y))}" '
                   'stroke="#333333" stroke-width="1" stroke-dasharray="4,3"/>')
    for i, (s, (colour, dash, shape, hollow)) in enumerate(zip(series, _STYLES, strict=False)):
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        for piece in svg.pieces(list(zip(s.x, s.y, strict=True))):
            pts = " ".join(f"{_f(fr.sx(x))},{_f(fr.sy(y))}" for x, y in piece)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.8"{pattern} '
                       'stroke-linejoin="round"/>')
        step = max(1, math.ceil(len(s.x) / 20))  # about 20 markers a series, staggered between series
        out += [svg.marker(shape, hollow, fr.sx(x), fr.sy(y), colour, hover=f"{s.name}: {x_text(x)}, {y:.4g}")
                for k, (x, y) in enumerate(zip(s.x, s.y, strict=True)) if y is not None and (k + i) % step == 0]
    for y, text in refs:
        if text:
            shown = svg.fit(text, (fr.right - fr.left) / 2, 9)
            w, ty = svg.text_width(shown, 9), fr.sy(y) - 4 if fr.sy(y) - 14 > fr.top else fr.sy(y) + 11
            out.append(f'<rect x="{_f(fr.right - w - 6)}" y="{_f(ty - 8.5)}" width="{_f(w + 4)}" height="11" '
                       'fill="#ffffff" fill-opacity="0.85"/>')
            out.append(svg.label(fr.right - 4, ty, text, shown, ' font-size="9" text-anchor="end" fill="#333333"'))
    return out


def bars(spec: Mapping[str, Any]) -> tuple[str, str]:
    """Horizontal bars, as parsed by :func:`auditkit.chartspec.parse_bars` (fields documented there).

    Drawn by :func:`auditkit.report.charts.group_bars`, like the per-group charts of the measurements.
    """
    bs = chartspec.parse_bars(spec)
    title, ref = bs.title, bs.reference
    items = [charts.Bar(b.label, b.value, b.low, b.high, b.n) for b in bs.bars]
    ref_value, ref_label = ref if ref is not None else (None, _t("spec.reference"))
    out = charts.group_bars(items, title=title, axis_label=bs.value_label, reference=ref_value,
                            reference_label=ref_label, interval_label=_t("spec.interval"),
                            whiskers_label=_t("chart.whiskers"))
    missing = [b.label for b in items if b.value is None]
    caption = f"{title}." + (" " + _t("spec.whiskers") if any(
        b.low is not None and b.high is not None for b in items) else "")
    caption += " " + _t("spec.dashed", label=ref_label) if ref is not None else ""
    if missing:
        caption += " " + _t("spec.missing", labels=", ".join(missing))
    return out, caption


RENDERERS: dict[str, Callable[[Mapping[str, Any]], tuple[str, str]]] = {
    "bars": bars, "heatmap": heatmap, "lines": lines}


def draw(spec: Any) -> Chart:
    """One specification as a chart, or as a chart that carries the reason it could not be drawn."""
    title = spec.get("title") if isinstance(spec, Mapping) else None
    title = svg.short(title, 120) if isinstance(title, str) else ""
    try:
        drawn, caption = RENDERERS[chartspec.kind_of(spec)](spec)
        return Chart(caption, drawn)
    except SpecError as exc:
        return Chart(title, "", error=_t("spec.not_drawn", reason=str(exc)))
    except Exception as exc:  # a bug in a renderer must cost one chart, never the whole report
        return Chart(title, "", error=_t("spec.not_drawn", reason=f"internal error ({type(exc).__name__})"))


def spec_charts(details: Any) -> tuple[Chart, ...]:
    """The charts an outcome specifies in ``details["charts"]``, in their order (none when absent)."""
    try:
        specs = chartspec.charts_of(details)
    except SpecError as exc:
        return (Chart("", "", error=_t("spec.not_drawn", reason=str(exc))),)
    return tuple(draw(s) for s in specs)
