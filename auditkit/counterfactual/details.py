"""The report material of a counterfactual sweep as typed evidence: tables, heat maps and line charts.

Tables are :class:`~auditkit.evidence.Table` records (typed columns, cells that
are numbers, data strings or messages); charts follow the convention the report
renders: ``{"type": "heatmap", ...}`` for K×K matrices and ``{"type": "lines",
...}`` for grid sweeps, with every word a message of the ``counterfactual_sweep``
catalogue (:mod:`auditkit.i18n.kinds.counterfactual_sweep`). Nothing here
computes a statistic; it only lays out what :mod:`auditkit.counterfactual.analysis`
measured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from auditkit.counterfactual.analysis import GridSummary, PairResult, ProxyPart
from auditkit.evidence import Column, ColumnRole, Msg, Q, Table, Unit
from auditkit.metrics.counterfactual import antisymmetry_gaps, pair_matrix

#: Generator names as they appear in measurement groups (``flip-only: female→male``): data, never translated.
MODE_LABELS = {"flip_only": "flip-only", "propagated": "propagated", "text": "substitution"}

K = "counterfactual_sweep"


def msg(key: str, /, **params: Any) -> Msg:
    """A message of the ``counterfactual_sweep`` catalogue (``key`` without the kind prefix)."""
    return Msg(f"{K}.{key}", **params)


def mode_msg(mode: str) -> Msg:
    """The generator's name in the report's language (``flip-only``, ``propagated``, ``substitution``)."""
    return msg(f"mode.{mode}")


def col(header: str, role: ColumnRole = ColumnRole.TEXT, unit: Unit | None = None) -> Column:
    """A column whose header is the message ``counterfactual_sweep.col.<header>``."""
    return Column(msg(f"col.{header}"), role, unit)


def semicolons(items: Sequence[Any]) -> Any:
    """Several clauses as one message, joined by semicolons (a list param joins by commas, which the clauses
    themselves may hold)."""
    if not items:
        return msg("none")
    out = items[-1]
    for item in reversed(items[:-1]):
        out = msg("join.semicolon", first=item, rest=out)
    return out


def _f(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else x


def pair_label(values: Sequence[str], a: int, b: int) -> str:
    """``"female→male"``."""
    return f"{values[a]}→{values[b]}"


def flip_table(results: Sequence[PairResult], values: Sequence[str], title: Msg) -> Table:
    """Flip rates per ordered value pair: counts, interval, directions, McNemar p, INV failure rate."""
    rows = []
    for r in results:
        e = r.effects
        rows.append((pair_label(values, r.source, r.target), e.n, e.flips, _f(e.flip_rate), _f(e.flip_rate_ci[0]),
                     _f(e.flip_rate_ci[1]), e.b, e.c, _f(e.mcnemar_p), _f(e.inv_rate), _f(e.inv_rate_ci[1])))
    return Table(title, (
        col("value_pair", ColumnRole.GROUP), col("pairs", ColumnRole.N), col("flips", ColumnRole.VALUE, Unit.COUNT),
        col("flip_rate", ColumnRole.VALUE, Unit.RATE), col("ci_low", ColumnRole.CI_LOW, Unit.RATE),
        col("ci_high", ColumnRole.CI_HIGH, Unit.RATE), col("fav_to_unfav", ColumnRole.VALUE, Unit.COUNT),
        col("unfav_to_fav", ColumnRole.VALUE, Unit.COUNT), col("mcnemar_p", ColumnRole.VALUE, Unit.PVALUE),
        col("inv_rate", ColumnRole.VALUE, Unit.RATE), col("inv_ci_high", ColumnRole.CI_HIGH, Unit.RATE),
    ), tuple(rows))


def change_table(results: Sequence[PairResult], values: Sequence[str], title: Msg,
                 example_id: Callable[[int], str | Msg]) -> Table:
    """Score changes per ordered value pair: mean Δ and mean |Δ| with intervals, tail quantiles, the maximum."""
    rows = []
    for r in results:
        e = r.effects
        where = example_id(int(r.example[e.argmax])) if e.argmax >= 0 else None
        rows.append((pair_label(values, r.source, r.target), _f(e.mean_change), _f(e.mean_change_ci[0]),
                     _f(e.mean_change_ci[1]), _f(e.mean_abs_change), _f(e.mean_abs_change_ci[0]),
                     _f(e.mean_abs_change_ci[1]), _f(e.p95_abs_change), _f(e.p99_abs_change), _f(e.max_abs_change),
                     where))
    num = Unit.NUMBER
    return Table(title, (
        col("value_pair", ColumnRole.GROUP), col("mean_change", ColumnRole.VALUE, num),
        col("ci_low", ColumnRole.CI_LOW, num), col("ci_high", ColumnRole.CI_HIGH, num),
        col("mean_abs_change", ColumnRole.VALUE, num), col("ci_low", ColumnRole.CI_LOW, num),
        col("ci_high", ColumnRole.CI_HIGH, num), col("p95_abs_change", ColumnRole.VALUE, num),
        col("p99_abs_change", ColumnRole.VALUE, num), col("max_abs_change", ColumnRole.VALUE, num),
        col("max_at_example", ColumnRole.LABEL),
    ), tuple(rows))


def comparison_table(flip: dict[tuple[int, int], PairResult], parts: Sequence[ProxyPart], values: Sequence[str],
                     vacuous: Msg | None) -> Table:
    """Flip-only vs propagated vs their difference: the part of the effect that travels through proxies."""
    rows = []
    for p in parts:
        f = flip.get((p.source, p.target))
        f_fr = msg("cell.vacuous") if vacuous else (_f(f.effects.flip_rate) if f else None)
        f_mac = msg("cell.vacuous") if vacuous else (_f(f.effects.mean_abs_change) if f else None)
        rows.append((pair_label(values, p.source, p.target), f_fr,
                     _f((f.effects.flip_rate if f else 0.0) + p.flip_rate_diff), _f(p.flip_rate_diff),
                     _f(p.flip_rate_diff_ci[0]), _f(p.flip_rate_diff_ci[1]), f_mac,
                     _f((f.effects.mean_abs_change if f else 0.0) + p.mac_diff), _f(p.mac_diff), _f(p.mac_diff_ci[0]),
                     _f(p.mac_diff_ci[1])))
    pp, num = Unit.DIFFERENCE_PP, Unit.NUMBER
    return Table(msg("table.comparison"), (
        col("value_pair", ColumnRole.GROUP), col("flip_rate_flip_only", ColumnRole.VALUE, Unit.RATE),
        col("propagated", ColumnRole.VALUE, Unit.RATE), col("difference", ColumnRole.VALUE, pp),
        col("ci_low", ColumnRole.CI_LOW, pp), col("ci_high", ColumnRole.CI_HIGH, pp),
        col("mean_abs_change_flip_only", ColumnRole.VALUE, num), col("propagated", ColumnRole.VALUE, num),
        col("difference", ColumnRole.VALUE, num), col("ci_low", ColumnRole.CI_LOW, num),
        col("ci_high", ColumnRole.CI_HIGH, num),
    ), tuple(rows))


def ctf_table(rows: Sequence[tuple[int, int, float, tuple[float, float]]], values: Sequence[str],
              title: Msg) -> Table:
    """CTF gap per source value."""
    num = Unit.NUMBER
    return Table(title, (
        col("source_value", ColumnRole.GROUP), col("examples", ColumnRole.N), col("ctf_gap", ColumnRole.VALUE, num),
        col("ci_low", ColumnRole.CI_LOW, num), col("ci_high", ColumnRole.CI_HIGH, num),
    ), tuple((values[a], n, _f(g), _f(ci[0]), _f(ci[1])) for a, n, g, ci in rows))


def _interval(value: float, low: float, high: float, unit: Unit) -> Msg:
    return msg("chart.cell", value=Q(value, unit), low=Q(low, unit), high=Q(high, unit))


def matrices(results: Sequence[PairResult], values: Sequence[str], mode: str,
             tables: tuple[Msg, Msg]) -> tuple[list[dict], list[Msg]]:
    """K×K heat maps of flip rate and mean Δ (rows: from, columns: to), and antisymmetry notes.

    ``tables`` are the titles of the flip and change tables of the same results, which print every cell."""
    k = len(values)
    label = mode_msg(mode)
    fr = pair_matrix({(r.source, r.target): r.effects.flip_rate for r in results}, k)
    md = pair_matrix({(r.source, r.target): r.effects.mean_change for r in results}, k)
    ann_fr: list[list[Any]] = [["" for _ in range(k)] for _ in range(k)]
    ann_md: list[list[Any]] = [["" for _ in range(k)] for _ in range(k)]
    for r in results:
        e = r.effects
        ann_fr[r.source][r.target] = _interval(e.flip_rate, *e.flip_rate_ci, Unit.RATE)
        ann_md[r.source][r.target] = _interval(e.mean_change, *e.mean_change_ci, Unit.PROBABILITY)
    span = float(np.nanmax(np.abs(md))) if np.isfinite(md).any() else 1.0
    charts = [
        {"type": "heatmap", "title": msg("chart.flip_rate", mode=label), "table": tables[0],
         "rows": list(values), "columns": list(values), "values": _grid(fr), "annotations": ann_fr,
         "value_label": msg("chart.flip_rate_label"),
         "range": [0.0, max(float(np.nanmax(fr)) if np.isfinite(fr).any() else 0.0, 0.01)]},
        {"type": "heatmap", "title": msg("chart.mean_change", mode=label), "table": tables[1],
         "rows": list(values), "columns": list(values), "values": _grid(md), "annotations": ann_md,
         "value_label": msg("chart.mean_change_label"), "range": [-max(span, 0.01), max(span, 0.01)],
         "diverging": True},
    ]
    notes = []
    gaps = antisymmetry_gaps(md)
    for a, b in zip(*np.nonzero(np.isfinite(gaps)), strict=True):
        if abs(gaps[a, b]) > 0.5 * max(abs(md[a, b]), abs(md[b, a])) and max(abs(md[a, b]), abs(md[b, a])) > 0.01:
            notes.append(msg("note.antisymmetry", mode=label, a=values[a], b=values[b],
                           ab=Q(md[a, b], Unit.PROBABILITY), ba=Q(md[b, a], Unit.PROBABILITY),
                           gap=Q(gaps[a, b], Unit.PROBABILITY)))
    return charts, notes


def _grid(x: np.ndarray) -> list[list[float | None]]:
    return [[_f(v) for v in row] for row in x]


def top_changes(results: Sequence[PairResult], count: int) -> list[tuple[PairResult, int]]:
    """The ``count`` pairs with the largest |Δ| over ``results``: ``(result, position within it)``."""
    cands = [(float(abs(r.s_cf[i] - r.s[i])), j, int(i)) for j, r in enumerate(results)
             for i in np.argsort(-np.abs(r.s_cf - r.s), kind="stable")[:count]]
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [(results[j], i) for _, j, i in cands[:count]]


def _decision(y: int, y_cf: int) -> Msg:
    if y == y_cf:
        return msg("decision.unchanged")
    return msg("decision.fav_to_unfav") if y else msg("decision.unfav_to_fav")


def change_rows(picked: Sequence[tuple[PairResult, int]], values: Sequence[str],
                example_id: Callable[[int], str | Msg], describe: Callable[[PairResult, int], list]) -> list[tuple]:
    """Rows of a largest-changes table: the pair, the scores, the decisions, then ``describe``'s input columns."""
    rows = []
    for r, i in picked:
        rows.append((mode_msg(r.mode), pair_label(values, r.source, r.target),
                     example_id(int(r.example[i])), _f(r.s[i]), _f(r.s_cf[i]), _f(r.s_cf[i] - r.s[i]),
                     _decision(int(r.y[i]), int(r.y_cf[i])), *describe(r, i)))
    return rows


def change_columns(*extra: Column) -> tuple[Column, ...]:
    """Columns of a largest-changes table (:func:`change_rows`), then ``extra`` for ``describe``'s cells."""
    return (col("generator"), col("value_pair", ColumnRole.GROUP), col("example", ColumnRole.LABEL),
            col("p_original", ColumnRole.VALUE, Unit.PROBABILITY),
            col("p_counterfactual", ColumnRole.VALUE, Unit.PROBABILITY), col("delta", ColumnRole.VALUE, Unit.NUMBER),
            col("decision"), *extra)


def word_pair_table(results: Sequence[PairResult], pairs_of: Callable[[PairResult, int], Sequence[tuple[str, str]]],
                    limit: int = 20) -> Table:
    """Word pairs substituted, ranked by the decisions they were involved in changing, then by mean |Δ|."""
    stats: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for r in results:
        for i in range(r.example.size):
            flipped = int(r.y[i] != r.y_cf[i])
            for src, dst in dict.fromkeys((s.lower(), d.lower()) for s, d in pairs_of(r, i)):
                st = stats[(src, dst)]
                st[0] += 1
                st[1] += flipped
                st[2] += abs(float(r.s_cf[i] - r.s[i]))
    ranked = sorted(stats.items(), key=lambda kv: (-kv[1][1], -kv[1][2] / kv[1][0], kv[0]))[:limit]
    return Table(msg("table.word_pairs"), (
        col("substitution", ColumnRole.LABEL), col("texts", ColumnRole.N),
        col("decisions_changed", ColumnRole.VALUE, Unit.COUNT), col("share_changed", ColumnRole.VALUE, Unit.RATE),
        col("mean_abs_change", ColumnRole.VALUE, Unit.NUMBER),
    ), tuple((f"{s} → {d}", int(n), int(k), _f(k / n), _f(tot / n)) for (s, d), (n, k, tot) in ranked))


def grid_chart(summary: GridSummary, attribute: str, threshold: float) -> dict:
    """Line chart of the decision curve per example group: median score, band, decision threshold."""
    x = [float(p) for p in summary.points]
    series = [{"name": msg("chart.series_group", group=label, n=Q(int(summary.sizes[g]), Unit.COUNT)), "x": x,
               "y": _grid(summary.median[g:g + 1])[0], "low": _grid(summary.low[g:g + 1])[0],
               "high": _grid(summary.high[g:g + 1])[0]}
              for g, label in enumerate(summary.labels) if summary.sizes[g] > 0]
    return {"type": "lines", "title": msg("chart.grid", attribute=attribute), "x_label": attribute,
            "y_label": msg("chart.p_favourable"), "series": series, "x_ticks": None,
            "reference_lines": [{"y": float(threshold), "label": msg("chart.decision_threshold")}]}


def grid_table(summary: GridSummary, level: float) -> Table:
    """Decision-boundary crossings per example group."""
    rows = [(label, n, k, _f(share), _f(ci[0]), _f(ci[1]), _f(cross))
            for label, n, k, share, ci, cross in summary.group_rows(level)]
    return Table(msg("table.grid"), (
        col("example_group", ColumnRole.GROUP), col("examples", ColumnRole.N),
        col("decision_changes", ColumnRole.VALUE, Unit.COUNT), col("share", ColumnRole.VALUE, Unit.RATE),
        col("ci_low", ColumnRole.CI_LOW, Unit.RATE), col("ci_high", ColumnRole.CI_HIGH, Unit.RATE),
        col("mean_crossings", ColumnRole.VALUE, Unit.NUMBER),
    ), tuple(rows))
