"""Section 9 trend charts: each key metric across the stored audits of a system (pure, deterministic SVG).

A *key metric* is a thresholded measurement (check id, name, group) of the
audit being reported. Its chart has one position per audit that has it,
oldest first, ending with this audit: the value as a marker coded by verdict
(colour and shape: PASS ●, FAIL ■, INCONCLUSIVE ◆ hollow, other ○), the
confidence interval as a whisker, and the threshold of each audit as a dashed
line (a step where the policy changed it). The caller bounds the audits
(:data:`MAX_RUNS`) and this module bounds the charts (:data:`MAX_CHARTS`).

Fixed text comes from the report catalogue (:func:`auditkit.i18n.t`);
data text goes through :func:`auditkit.report.svg.esc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditkit.i18n import t
from auditkit.report import fmt, svg
from auditkit.report.model import Chart
from auditkit.report.svg import esc
from auditkit.report.svg import f as _f
from auditkit.results import Measurement, RunRecord

#: How many audits (this one included) a trend chart spans; the caller fetches at most this many.
MAX_RUNS = 10
#: Fewer audits than this (this one included) make no trend: two are a comparison, which section 9's tables show.
MIN_RUNS = 3
#: How many key metrics get a chart; the rest are counted in a note.
MAX_CHARTS = 12

_COLOURS = {"PASS": "#1b5e20", "FAIL": "#b71c1c", "INCONCLUSIVE": "#7a4f00"}
_SHAPES = {"PASS": ("circle", False), "FAIL": ("square", False), "INCONCLUSIVE": ("diamond", True)}
_OTHER = "#4d4d4d"
_LEFT, _RIGHT, _TOP, _PLOT_H = 64.0, 16.0, 12.0, 140.0


@dataclass(frozen=True)
class TrendPoint:
    """One audit's value of a key metric."""

    label: str  # the audit's start date and time, or "this audit"
    measurement: Measurement | None  # None: the metric was not measured in that audit


@dataclass(frozen=True)
class Trend:
    """A key metric across audits, oldest first; the last point is the audit being reported."""

    check_id: str
    name: str
    group: str | None
    points: tuple[TrendPoint, ...]


def trends(history: Sequence[RunRecord], run: RunRecord) -> tuple[Trend, ...]:
    """The key metrics of ``run`` across ``history`` (earlier runs, any order) and ``run``.

    Only metrics that at least one earlier audit measured are returned: a
    trend needs two points. Earlier runs are sorted by start time and cut to
    the latest ``MAX_RUNS - 1``.
    """
    earlier = sorted((r for r in history if r.run_id != run.run_id), key=lambda r: (r.started_at, r.run_id))
    runs = [*earlier[-(MAX_RUNS - 1):], run] if MAX_RUNS > 1 else [run]
    index = [{(o.check_id, m.name, m.group): m for o in r.outcomes for m in o.measurements
              if m.threshold is not None} for r in runs]
    labels = [f"{fmt.date(r.started_at)} {r.started_at:%H:%M}" for r in runs[:-1]] + [t("changes.trend_this")]
    out = []
    for key in index[-1]:
        points = tuple(TrendPoint(label, idx.get(key)) for label, idx in zip(labels, index, strict=True))
        if any(p.measurement is not None for p in points[:-1]):
            out.append(Trend(key[0], key[1], key[2], points))
    return tuple(out)


def _marker(verdict: str | None, x: float, y: float) -> str:
    shape, hollow = _SHAPES.get(verdict or "", ("circle", True))
    return svg.marker(shape, hollow, x, y, _COLOURS.get(verdict or "", _OTHER))


def trend_svg(trend: Trend, title: str) -> str:
    """The SVG chart of one trend (see the module docstring)."""
    ms = [p.measurement for p in trend.points]
    nums = [v for m in ms if m is not None for v in (m.value, m.ci_low, m.ci_high, m.threshold) if v is not None]
    if not nums:
        return ""
    lo, hi, ticks, decimals = svg.nice_domain(min(nums), max(nums))
    slot = (svg.WIDTH - _LEFT - _RIGHT) / len(ms)
    fr = svg.Frame(_LEFT, svg.WIDTH - _RIGHT, _TOP, _TOP + _PLOT_H, 0.0, float(len(ms)), lo, hi)
    xs = [fr.sx(i + 0.5) for i in range(len(ms))]
    angle, size = svg.slant([p.label for p in trend.points], slot)
    labels, depth = svg.slanted(xs, fr.bottom + 14, [p.label for p in trend.points], angle, size, above=False,
                                slot=slot)
    legend_y = fr.bottom + 14 + depth + 8
    out = svg.open_svg(legend_y + 22, title)
    for v in ticks:
        y = fr.sy(v)
        out.append(f'<line x1="{_f(fr.left)}" y1="{_f(y)}" x2="{_f(fr.right)}" y2="{_f(y)}" stroke="#d9d9d9" '
                   'stroke-width="0.6"/>')
        out.append(f'<text x="{_f(fr.left - 6)}" y="{_f(y + 3.5)}" font-size="9" text-anchor="end">'
                   f"{v:.{decimals}f}</text>")
    out.append(f'<line x1="{_f(fr.left)}" y1="{_f(fr.bottom)}" x2="{_f(fr.right)}" y2="{_f(fr.bottom)}" '
               'stroke="#000" stroke-width="0.8"/>')
    # the threshold of each audit: a dashed step line, broken where an audit lacks the metric
    for piece in svg.pieces([(float(i), m.threshold if m else None) for i, m in enumerate(ms)]):
        pts = " ".join(f"{_f(fr.sx(i + dx))},{_f(fr.sy(v))}" for i, v in piece for dx in (0.0, 1.0))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#000" stroke-width="1.2" '
                   'stroke-dasharray="4,3"/>')
    # the values joined by a thin line, then per audit the interval and the marker
    for piece in svg.pieces([(x, m.value if m else None) for x, m in zip(xs, ms, strict=True)]):
        if len(piece) > 1:
            pts = " ".join(f"{_f(x)},{_f(fr.sy(v))}" for x, v in piece)
            out.append(f'<polyline points="{pts}" fill="none" stroke="#7a7a7a" stroke-width="0.8"/>')
    for x, m in zip(xs, ms, strict=True):
        if m is None:
            continue
        verdict = m.status.value if m.status else None
        colour = _COLOURS.get(verdict or "", _OTHER)
        if m.ci_low is not None and m.ci_high is not None:
            a, b = fr.sy(m.ci_low), fr.sy(m.ci_high)
            out.append(f'<line x1="{_f(x)}" y1="{_f(a)}" x2="{_f(x)}" y2="{_f(b)}" stroke="{colour}" '
                       'stroke-width="2"/>')
            for e in (a, b):
                out.append(f'<line x1="{_f(x - 4)}" y1="{_f(e)}" x2="{_f(x + 4)}" y2="{_f(e)}" stroke="{colour}" '
                           'stroke-width="1.2"/>')
        if m.value is not None:
            tip = f"{fmt.num(m.value)} {fmt.interval(m.ci_low, m.ci_high)} {fmt.threshold(m.comparator, m.threshold)}"
            out.append(f"<g><title>{esc(tip)}</title>{_marker(verdict, x, fr.sy(m.value))}</g>")
    out += labels
    x = 10.0
    for verdict in ("PASS", "FAIL", "INCONCLUSIVE", None):
        word = t(f"status.{verdict}") if verdict else t("chart.other")
        out.append(_marker(verdict, x + 4, legend_y))
        out.append(f'<text x="{_f(x + 12)}" y="{_f(legend_y + 3.5)}" font-size="9">{esc(word)}</text>')
        x += 24 + svg.text_width(word, 9)
    out.append(f'<line x1="{_f(x + 4)}" y1="{_f(legend_y - 6)}" x2="{_f(x + 4)}" y2="{_f(legend_y + 6)}" '
               'stroke="#000" stroke-width="2"/>')
    out.append(f'<text x="{_f(x + 12)}" y="{_f(legend_y + 3.5)}" font-size="9">{esc(t("chart.ci"))}</text>')
    x += 24 + svg.text_width(t("chart.ci"), 9)
    out.append(f'<line x1="{_f(x)}" y1="{_f(legend_y)}" x2="{_f(x + 22)}" y2="{_f(legend_y)}" stroke="#000" '
               'stroke-width="1.2" stroke-dasharray="4,3"/>')
    out.append(f'<text x="{_f(x + 28)}" y="{_f(legend_y + 3.5)}" font-size="9">{esc(t("chart.threshold"))}</text>')
    out.append("</svg>")
    return "".join(out)


def trend_charts(history: Sequence[RunRecord], run: RunRecord) -> tuple[tuple[Chart, ...], int]:
    """The trend charts of ``run``'s key metrics (at most :data:`MAX_CHARTS`) and how many were left out; none
    with fewer than :data:`MIN_RUNS` audits of the system."""
    if len({r.run_id for r in history} | {run.run_id}) < MIN_RUNS:
        return (), 0
    all_trends = trends(history, run)
    charts = []
    for tr in all_trends[:MAX_CHARTS]:
        name = fmt.humanise(tr.name) + (f" ({tr.group})" if tr.group else "")
        n = sum(p.measurement is not None for p in tr.points)
        title = t("changes.trend_title", check=tr.check_id, name=name)
        charts.append(Chart(caption=t("changes.trend_caption", check=tr.check_id, name=name, n=n),
                            svg=trend_svg(tr, title)))
    return tuple(c for c in charts if c.svg), max(0, len(all_trends) - MAX_CHARTS)


__all__ = ["MAX_CHARTS", "MAX_RUNS", "MIN_RUNS", "Trend", "TrendPoint", "trend_charts", "trend_svg", "trends"]
