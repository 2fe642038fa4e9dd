"""From counterfactual scores to paired results: one :class:`PairResult` per generator and ordered value pair.

This module joins the scores of counterfactual variants with the original
scores from the shared prediction pass and applies the pure metrics of
:mod:`auditkit.metrics.counterfactual`: flip rates, directional counts,
score changes, the proxy part (propagated − flip-only) and the grid summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditkit.counterfactual.refit import RefitBootstrap
from auditkit.evidence import Msg, Table
from auditkit.metrics.counterfactual import (
    PairEffects,
    hull,
    pair_effects,
    paired_bootstrap_means,
    proportion_interval,
)


@dataclass(frozen=True)
class PairResult:
    """The pairs of one generator (``mode``) and ordered value pair ``source → target``, with their metrics.

    ``s_cf``/``y_cf`` are one concrete counterfactual per pair (draw 0, the
    one the report shows); with several draws ``abs_change`` and
    ``flip_share`` hold each pair's |Δ| and flip indicator averaged over the
    draws, which every metric uses.
    """

    mode: str
    source: int
    target: int
    example: np.ndarray
    s: np.ndarray
    s_cf: np.ndarray
    y: np.ndarray
    y_cf: np.ndarray
    effects: PairEffects
    abs_change: np.ndarray | None = None
    flip_share: np.ndarray | None = None
    draws: int = 1
    refit_resamples: int = 0

    @property
    def abs_changes(self) -> np.ndarray:
        """Each pair's |Δ| (averaged over draws)."""
        return np.abs(self.s_cf - self.s) if self.abs_change is None else self.abs_change

    @property
    def flip_shares(self) -> np.ndarray:
        """Each pair's flip indicator (averaged over draws: the share of draws whose decision changed)."""
        return (self.y != self.y_cf).astype(np.float64) if self.flip_share is None else self.flip_share


def pair_result(mode: str, source: int, target: int, example: np.ndarray, scores: np.ndarray,
                decisions: np.ndarray, s_cf: np.ndarray, y_cf: np.ndarray, *, level: float, resamples: int,
                rng: np.random.Generator, inv_threshold: float) -> PairResult:
    """Pair the variants of ``example`` (scores ``s_cf``, decisions ``y_cf``) with the original predictions.

    ``s_cf``/``y_cf`` may be ``(draws, n)``: the metrics then average each
    pair over its draws (:func:`~auditkit.metrics.counterfactual.pair_effects`).
    """
    s, y = scores[example], decisions[example]
    s_cf, y_cf = np.asarray(s_cf, dtype=np.float64), np.asarray(y_cf)
    effects = pair_effects(s, s_cf, y, y_cf, level=level, resamples=resamples, rng=rng,
                           inv_threshold=inv_threshold)
    if s_cf.ndim == 1:
        return PairResult(mode, source, target, example, s, s_cf, y, y_cf, effects)
    return PairResult(mode, source, target, example, s, s_cf[0], y, y_cf[0], effects,
                      abs_change=np.abs(s_cf - s[None, :]).mean(axis=0),
                      flip_share=(y_cf != y[None, :]).mean(axis=0), draws=int(s_cf.shape[0]))


def with_refit(result: PairResult, boot: RefitBootstrap, level: float) -> PairResult:
    """``result`` with every interval from the refit bootstrap (the mapping refitted in each resample).

    Rates keep at least their exact binomial interval (hull): a bootstrap of
    zero flips is the single point 0, which must not pass a tolerance with
    few pairs; every interval contains its estimate.
    """
    e, a, b = result.effects, result.source, result.target

    def ci(name: str, point: float, *floor: tuple[float, float]) -> tuple[float, float]:
        return hull(boot.interval(a, b, name, level), point, *floor)

    effects = dataclasses.replace(
        e, flip_rate_ci=ci("flip_rate", e.flip_rate, e.flip_rate_ci),
        mean_change_ci=ci("mean_change", e.mean_change), mean_abs_change_ci=ci("mean_abs_change", e.mean_abs_change),
        net_change_ci=ci("net_change", e.net_change), inv_rate_ci=ci("inv_rate", e.inv_rate, e.inv_rate_ci))
    return dataclasses.replace(result, effects=effects, refit_resamples=boot.resamples)


@dataclass(frozen=True)
class ProxyPart:
    """Propagated minus flip-only for one value pair: the share of the effect that travels through proxies."""

    source: int
    target: int
    flip_rate_diff: float
    flip_rate_diff_ci: tuple[float, float]
    mac_diff: float
    mac_diff_ci: tuple[float, float]


def proxy_part(flip: PairResult | None, propagated: PairResult, *, level: float, resamples: int,
               rng: np.random.Generator, boot: RefitBootstrap | None = None) -> ProxyPart:
    """Paired difference propagated − flip-only over the same examples (flip-only = no change when vacuous).

    With ``boot`` the intervals come from the refit bootstrap (the mapping
    refitted in each resample); otherwise from a paired bootstrap.
    """
    n = propagated.example.size
    f_prop = propagated.flip_shares
    a_prop = propagated.abs_changes
    if flip is None:
        f_flip, a_flip = np.zeros(n), np.zeros(n)
    else:
        order = np.argsort(flip.example)
        pos = order[np.searchsorted(flip.example, propagated.example, sorter=order)]
        f_flip = flip.flip_shares[pos]
        a_flip = flip.abs_changes[pos]
    means, lo, hi = paired_bootstrap_means(np.column_stack([f_prop - f_flip, a_prop - a_flip]),
                                           resamples=resamples if boot is None else 0, level=level, rng=rng)
    fr, mac = float(means[0]), float(means[1])
    if boot is not None:
        a, b = propagated.source, propagated.target
        return ProxyPart(a, b, fr, hull(boot.interval(a, b, "flip_rate_diff", level), fr),
                         mac, hull(boot.interval(a, b, "mac_diff", level), mac))
    return ProxyPart(propagated.source, propagated.target, fr, (float(lo[0]), float(hi[0])),
                     mac, (float(lo[1]), float(hi[1])))


def ctf_by_group(results: Sequence[PairResult], k: int, n_examples: int, *, level: float, resamples: int,
                 rng: np.random.Generator, boot: RefitBootstrap | None = None
                 ) -> list[tuple[int, int, float, tuple[float, float]]]:
    """CTF gap per source value (mean over its examples of the mean |Δ| over their K − 1 counterfactuals).

    Returns ``(value, n examples, gap, interval)`` for each value with
    examples; with ``boot`` the interval comes from the refit bootstrap.
    """
    total = np.zeros(n_examples)
    count = np.zeros(n_examples)
    source = np.full(n_examples, -1)
    targets: dict[int, list[int]] = {}
    for r in results:
        np.add.at(total, r.example, r.abs_changes)
        np.add.at(count, r.example, 1)
        source[r.example] = r.source
        targets.setdefault(r.source, []).append(r.target)
    out = []
    for a in range(k):
        rows = np.flatnonzero((source == a) & (count > 0))
        if rows.size == 0:
            continue
        means, lo, hi = paired_bootstrap_means(total[rows] / count[rows], resamples=resamples if boot is None else 0,
                                               level=level, rng=rng)
        ci = (float(lo[0]), float(hi[0])) if boot is None else hull(boot.ctf_interval(a, targets[a], level),
                                                                     float(means[0]))
        out.append((a, int(rows.size), float(means[0]), ci))
    return out


@dataclass(frozen=True)
class GridSummary:
    """A grid sweep summarised per example group: score curves (median and band) and decision changes."""

    points: np.ndarray
    labels: list[str]
    sizes: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    crossings: np.ndarray
    changed: np.ndarray
    group: np.ndarray
    flip_rate: float
    flip_rate_ci: tuple[float, float]
    mean_abs_change: float
    mean_abs_change_ci: tuple[float, float]

    def group_rows(self, level: float) -> list[tuple[str, int, int, float, tuple[float, float], float]]:
        """Per group: label, examples, examples whose decision changes, that share with interval, mean crossings."""
        out = []
        for g, label in enumerate(self.labels):
            rows = self.group == g
            n, k = int(rows.sum()), int(self.changed[rows].sum())
            mean_cross = float(self.crossings[rows].mean()) if n else float("nan")
            out.append((label, n, k, k / n if n else float("nan"), proportion_interval(k, n, level), mean_cross))
        return out


def grid_summary(points: np.ndarray, scores: np.ndarray, decisions: np.ndarray, s: np.ndarray, y: np.ndarray,
                 group: np.ndarray, labels: list[str], *, level: float, resamples: int, rng: np.random.Generator,
                 band: tuple[float, float] = (0.1, 0.9)) -> GridSummary:
    """Summarise grid scores ``(n, G)``: a decision 'changes' when it differs from the original at some point."""
    from auditkit.counterfactual.tabular import decision_crossings

    k = len(labels)
    changed = np.any(decisions != y[:, None], axis=1)
    median = np.full((k, points.size), np.nan)
    low, high = median.copy(), median.copy()
    for g in range(k):
        rows = group == g
        if rows.any():
            median[g], low[g], high[g] = np.quantile(scores[rows], [0.5, band[0], band[1]], axis=0)
    n = int(changed.size)
    means, lo, hi = paired_bootstrap_means(np.abs(scores - s[:, None]).mean(axis=1), resamples=resamples,
                                           level=level, rng=rng)
    return GridSummary(points=points, labels=labels, sizes=np.bincount(group, minlength=k), median=median, low=low,
                       high=high, crossings=decision_crossings(decisions), changed=changed, group=group,
                       flip_rate=float(changed.mean()) if n else float("nan"),
                       flip_rate_ci=proportion_interval(int(changed.sum()), n, level),
                       mean_abs_change=float(means[0]), mean_abs_change_ci=(float(lo[0]), float(hi[0])))


def quantile_groups(values: np.ndarray, name: str, bins: int = 4) -> tuple[np.ndarray, list[str]]:
    """Example groups for a grid sweep: quantile bins of the attribute's original value, labelled by range."""
    v = np.asarray(values, dtype=np.float64)
    edges = np.unique(np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1]))
    group = np.searchsorted(edges, v, side="right")
    labels = []
    for g in range(edges.size + 1):
        rows = v[group == g]
        labels.append(f"{name} {rows.min():g}–{rows.max():g}" if rows.size else f"{name} bin {g + 1}")
    return group.astype(np.int64), labels


@dataclass
class SweepOutcome:
    """What a sweep measured, ready to be judged: paired results per generator, grid summary, report material.

    Everything said is typed evidence: ``vacuous``, ``skipped``, ``unjudged`` and ``notes`` are messages,
    ``tables`` typed tables, ``charts`` chart specifications whose words are messages.
    """

    attribute: str
    values: tuple[str, ...]
    results: dict[str, list[PairResult]] = field(default_factory=dict)
    parts: list[ProxyPart] = field(default_factory=list)
    grid: GridSummary | None = None
    vacuous: Msg | None = None
    skipped: Msg | None = None
    proxies: list[str] = field(default_factory=list)
    unjudged: list[Msg] = field(default_factory=list)
    refit: RefitBootstrap | None = None
    tables: list[Table] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)
    #: Where the effect flows in a decoder LLM (``details["mediation"]``), when measured.
    mediation: dict[str, Any] = field(default_factory=dict)
