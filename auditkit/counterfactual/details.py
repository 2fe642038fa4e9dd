"""The report material of a counterfactual sweep as plain JSON: tables, heat maps and line charts.

Tables follow the shape every check uses (``{"title", "columns", "rows"}``);
charts follow the convention the report renders: ``{"type": "heatmap", ...}``
for K×K matrices and ``{"type": "lines", ...}`` for grid sweeps. Nothing here
computes a statistic; it only lays out what :mod:`auditkit.counterfactual.analysis`
measured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from auditkit.counterfactual.analysis import GridSummary, PairResult, ProxyPart
from auditkit.metrics.counterfactual import antisymmetry_gaps, pair_matrix

MODE_LABELS = {"flip_only": "flip-only", "propagated": "propagated", "text": "substitution"}


def _f(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else x


def pair_label(values: Sequence[str], a: int, b: int) -> str:
    """``"female→male"``."""
    return f"{values[a]}→{values[b]}"


def flip_table(results: Sequence[PairResult], values: Sequence[str], title: str) -> dict:
    """Flip rates per ordered value pair: counts, interval, directions, McNemar p, INV failure rate."""
    rows = []
    for r in results:
        e = r.effects
        rows.append([pair_label(values, r.source, r.target), e.n, e.flips, _f(e.flip_rate), _f(e.flip_rate_ci[0]),
                     _f(e.flip_rate_ci[1]), e.b, e.c, _f(e.mcnemar_p), _f(e.inv_rate), _f(e.inv_rate_ci[1])])
    return {"title": title, "columns": ["value pair", "pairs", "flips", "flip rate", "CI low", "CI high",
                                        "fav→unfav (b)", "unfav→fav (c)", "McNemar p", "INV failure rate",
                                        "INV CI high"], "rows": rows}


def change_table(results: Sequence[PairResult], values: Sequence[str], title: str,
                 example_id: Callable[[int], str]) -> dict:
    """Score changes per ordered value pair: mean Δ and mean |Δ| with intervals, tail quantiles, the maximum."""
    rows = []
    for r in results:
        e = r.effects
        where = example_id(int(r.example[e.argmax])) if e.argmax >= 0 else None
        rows.append([pair_label(values, r.source, r.target), _f(e.mean_change), _f(e.mean_change_ci[0]),
                     _f(e.mean_change_ci[1]), _f(e.mean_abs_change), _f(e.mean_abs_change_ci[0]),
                     _f(e.mean_abs_change_ci[1]), _f(e.p95_abs_change), _f(e.p99_abs_change), _f(e.max_abs_change),
                     where])
    return {"title": title, "columns": ["value pair", "mean Δ", "CI low", "CI high", "mean |Δ|", "CI low", "CI high",
                                        "p95 |Δ|", "p99 |Δ|", "max |Δ|", "max at example"], "rows": rows}


def comparison_table(flip: dict[tuple[int, int], PairResult], parts: Sequence[ProxyPart], values: Sequence[str],
                     vacuous: str | None) -> dict:
    """Flip-only vs propagated vs their difference: the part of the effect that travels through proxies."""
    rows = []
    for p in parts:
        f = flip.get((p.source, p.target))
        f_fr = "vacuous" if vacuous else (_f(f.effects.flip_rate) if f else None)
        f_mac = "vacuous" if vacuous else (_f(f.effects.mean_abs_change) if f else None)
        rows.append([pair_label(values, p.source, p.target), f_fr,
                     _f((f.effects.flip_rate if f else 0.0) + p.flip_rate_diff), _f(p.flip_rate_diff),
                     _f(p.flip_rate_diff_ci[0]), _f(p.flip_rate_diff_ci[1]), f_mac,
                     _f((f.effects.mean_abs_change if f else 0.0) + p.mac_diff), _f(p.mac_diff), _f(p.mac_diff_ci[0]),
                     _f(p.mac_diff_ci[1])])
    return {"title": "Flip-only vs propagated: the difference is the part of the effect that travels through proxies",
            "columns": ["value pair", "flip rate: flip-only", "propagated", "difference", "CI low", "CI high",
                        "mean |Δ|: flip-only", "propagated", "difference", "CI low", "CI high"], "rows": rows}


def ctf_table(rows: Sequence[tuple[int, int, float, tuple[float, float]]], values: Sequence[str], title: str) -> dict:
    """CTF gap per source value."""
    return {"title": title, "columns": ["source value", "examples", "CTF gap", "CI low", "CI high"],
            "rows": [[values[a], n, _f(g), _f(ci[0]), _f(ci[1])] for a, n, g, ci in rows]}


def matrices(results: Sequence[PairResult], values: Sequence[str], mode: str) -> tuple[list[dict], list[str]]:
    """K×K heat maps of flip rate and mean Δ (rows: from, columns: to), and antisymmetry notes."""
    k = len(values)
    label = MODE_LABELS.get(mode, mode)
    fr = pair_matrix({(r.source, r.target): r.effects.flip_rate for r in results}, k)
    md = pair_matrix({(r.source, r.target): r.effects.mean_change for r in results}, k)
    ann_fr = [["" for _ in range(k)] for _ in range(k)]
    ann_md = [["" for _ in range(k)] for _ in range(k)]
    for r in results:
        e = r.effects
        ann_fr[r.source][r.target] = f"{e.flip_rate:.3f} [{e.flip_rate_ci[0]:.3f}, {e.flip_rate_ci[1]:.3f}]"
        ann_md[r.source][r.target] = f"{e.mean_change:+.3f} [{e.mean_change_ci[0]:+.3f}, {e.mean_change_ci[1]:+.3f}]"
    span = float(np.nanmax(np.abs(md))) if np.isfinite(md).any() else 1.0
    charts = [
        {"type": "heatmap", "title": f"Flip rate by value pair ({label}; rows: from, columns: to)",
         "rows": list(values), "columns": list(values), "values": _grid(fr), "annotations": ann_fr,
         "value_label": "flip rate", "range": [0.0, max(float(np.nanmax(fr)) if np.isfinite(fr).any() else 0.0,
                                                        0.01)]},
        {"type": "heatmap", "title": f"Mean score change Δ by value pair ({label}; rows: from, columns: to)",
         "rows": list(values), "columns": list(values), "values": _grid(md), "annotations": ann_md,
         "value_label": "mean Δ P(favourable)", "range": [-max(span, 0.01), max(span, 0.01)], "diverging": True},
    ]
    notes = []
    gaps = antisymmetry_gaps(md)
    for a, b in zip(*np.nonzero(np.isfinite(gaps)), strict=True):
        if abs(gaps[a, b]) > 0.5 * max(abs(md[a, b]), abs(md[b, a])) and max(abs(md[a, b]), abs(md[b, a])) > 0.01:
            notes.append(f"{label}: Δ({values[a]}→{values[b]}) = {md[a, b]:+.3f} and Δ({values[b]}→{values[a]}) = "
                         f"{md[b, a]:+.3f} do not mirror each other (sum {gaps[a, b]:+.3f}): the effect depends on "
                         "the examples' own group, not only on the value.")
    return charts, notes


def _grid(m: np.ndarray) -> list[list[float | None]]:
    return [[_f(x) for x in row] for row in m]


def top_changes(results: Sequence[PairResult], count: int) -> list[tuple[PairResult, int]]:
    """The ``count`` pairs with the largest |Δ| over ``results``: ``(result, position within it)``."""
    cands = [(float(abs(r.s_cf[i] - r.s[i])), j, int(i)) for j, r in enumerate(results)
             for i in np.argsort(-np.abs(r.s_cf - r.s), kind="stable")[:count]]
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [(results[j], i) for _, j, i in cands[:count]]


def _decision(y: int, y_cf: int) -> str:
    if y == y_cf:
        return "unchanged"
    return "favourable → unfavourable" if y else "unfavourable → favourable"


def change_rows(picked: Sequence[tuple[PairResult, int]], values: Sequence[str], example_id: Callable[[int], str],
                describe: Callable[[PairResult, int], list]) -> list[list]:
    """Rows of a largest-changes table: the pair, the scores, the decisions, then ``describe``'s input columns."""
    rows = []
    for r, i in picked:
        rows.append([MODE_LABELS.get(r.mode, r.mode), pair_label(values, r.source, r.target),
                     example_id(int(r.example[i])), _f(r.s[i]), _f(r.s_cf[i]), _f(r.s_cf[i] - r.s[i]),
                     _decision(int(r.y[i]), int(r.y_cf[i])), *describe(r, i)])
    return rows


def word_pair_table(results: Sequence[PairResult], pairs_of: Callable[[PairResult, int], Sequence[tuple[str, str]]],
                    limit: int = 20) -> dict:
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
    return {"title": "Word pairs responsible: substitutions in the changed decisions",
            "columns": ["substitution", "texts", "decisions changed", "share changed", "mean |Δ|"],
            "rows": [[f"{s} → {d}", int(n), int(k), _f(k / n), _f(tot / n)] for (s, d), (n, k, tot) in ranked]}


def grid_chart(summary: GridSummary, attribute: str, threshold: float) -> dict:
    """Line chart of the decision curve per example group: median score, band, decision threshold."""
    x = [float(p) for p in summary.points]
    series = [{"name": f"{label} (n={int(summary.sizes[g])})", "x": x, "y": _grid(summary.median[g:g + 1])[0],
               "low": _grid(summary.low[g:g + 1])[0], "high": _grid(summary.high[g:g + 1])[0]}
              for g, label in enumerate(summary.labels) if summary.sizes[g] > 0]
    return {"type": "lines", "title": f"P(favourable) as {attribute} sweeps the grid: median and 10–90% band per group",
            "x_label": attribute, "y_label": "P(favourable)", "series": series, "x_ticks": None,
            "reference_lines": [{"y": float(threshold), "label": "decision threshold"}]}


def grid_table(summary: GridSummary, level: float) -> dict:
    """Decision-boundary crossings per example group."""
    rows = [[label, n, k, _f(share), _f(ci[0]), _f(ci[1]), _f(cross)]
            for label, n, k, share, ci, cross in summary.group_rows(level)]
    return {"title": "Decision-boundary crossings along the grid, per example group",
            "columns": ["example group", "examples", "decision changes somewhere", "share", "CI low", "CI high",
                        "mean crossings"], "rows": rows}
