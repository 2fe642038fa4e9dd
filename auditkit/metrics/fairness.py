"""Group performance and group-fairness metrics over per-group confusion counts.

Everything here works on confusion-count arrays of shape ``(..., G, 4)`` with
the cells ``[tn, fp, fn, tp]`` (true label × decision, 1 = favourable), so the
same code computes a point estimate (shape ``(G, 4)``) and a whole stratified
bootstrap at once (shape ``(B, G, 4)``). A stratified bootstrap that resamples
the rows of each group with replacement yields exactly a multinomial draw of
that group's four cells, which :func:`bootstrap_counts` samples directly: no
row indices, no Python loop over resamples.

Definitions follow ``reference/methods.md`` C5 and fairlearn's
``between_groups`` conventions (a ratio is min/max, a difference is max − min).
Pure numpy/scipy; rates with an empty denominator are NaN, never 0.
"""

from __future__ import annotations

import numpy as np

TN, FP, FN, TP = 0, 1, 2, 3

#: Rates every group gets, in display order.
RATE_NAMES = ("accuracy", "selection_rate", "tpr", "fpr", "fnr", "base_rate")

#: Group-comparison metrics and the direction their limit takes.
FAIRNESS_METRICS = {
    "demographic_parity_difference": "<=",
    "demographic_parity_ratio": ">=",
    "equalized_odds_difference": "<=",
    "equalized_odds_ratio": ">=",
    "equal_opportunity_difference": "<=",
    "equal_opportunity_ratio": ">=",
}


#: Rows per block of :func:`confusion_counts` (its int64 temporaries stay near 8 MiB each).
COUNT_BLOCK = 1 << 20


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group confusion counts ``(n_groups, 4)`` as ``[tn, fp, fn, tp]``.

    ``y_true`` and ``y_pred`` are 0/1 with 1 = favourable; ``groups`` holds
    integer group codes in ``[0, n_groups)``.
    """
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    if not (y_true.shape == y_pred.shape == groups.shape):
        raise ValueError(f"shapes differ: y_true {y_true.shape}, y_pred {y_pred.shape}, groups {groups.shape}")
    flat = np.zeros(4 * n_groups, dtype=np.int64)
    # in blocks: the int64 temporaries of ten million rows would take hundreds of MB; the counts are the same
    for start in range(0, y_true.shape[0], COUNT_BLOCK):
        stop = start + COUNT_BLOCK
        cell = 2 * y_true[start:stop].astype(np.int64) + y_pred[start:stop].astype(np.int64)
        flat += np.bincount(groups[start:stop].astype(np.int64) * 4 + cell, minlength=4 * n_groups)
    return flat.reshape(n_groups, 4)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def group_rates(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Rates per group from counts ``(..., G, 4)``; each value has shape ``(..., G)``.

    ``tpr = P(ŷ=1 | y=1)``, ``fpr = P(ŷ=1 | y=0)``, ``fnr = 1 − tpr``,
    ``selection_rate = P(ŷ=1)``, ``base_rate = P(y=1)``.
    """
    c = np.asarray(counts, dtype=float)
    tn, fp, fn, tp = c[..., TN], c[..., FP], c[..., FN], c[..., TP]
    n = tn + fp + fn + tp
    return {
        "accuracy": _ratio(tn + tp, n),
        "selection_rate": _ratio(fp + tp, n),
        "tpr": _ratio(tp, tp + fn),
        "fpr": _ratio(fp, fp + tn),
        "fnr": _ratio(fn, tp + fn),
        "base_rate": _ratio(fn + tp, n),
    }


def _spread(rate: np.ndarray) -> np.ndarray:
    """max − min over the group axis (last), NaN if any group's rate is undefined."""
    return np.max(rate, axis=-1) - np.min(rate, axis=-1)


def _min_over_max(rate: np.ndarray) -> np.ndarray:
    hi = np.max(rate, axis=-1)
    lo = np.min(rate, axis=-1)
    return _ratio(lo, hi)


def fairness_metrics(counts: np.ndarray) -> dict[str, np.ndarray]:
    """All :data:`FAIRNESS_METRICS` from counts ``(..., G, 4)``; each has shape ``(...)``.

    Equalized odds takes the worst case of the TPR and FPR comparisons, as
    fairlearn's ``agg="worst_case"``.
    """
    r = group_rates(counts)
    tpr_ratio, fpr_ratio = _min_over_max(r["tpr"]), _min_over_max(r["fpr"])
    return {
        "demographic_parity_difference": _spread(r["selection_rate"]),
        "demographic_parity_ratio": _min_over_max(r["selection_rate"]),
        "equalized_odds_difference": np.maximum(_spread(r["tpr"]), _spread(r["fpr"])),
        "equalized_odds_ratio": np.minimum(tpr_ratio, fpr_ratio),
        "equal_opportunity_difference": _spread(r["tpr"]),
        "equal_opportunity_ratio": tpr_ratio,
    }


def impact_ratios(counts: np.ndarray) -> np.ndarray:
    """Four-fifths-rule impact ratios ``SR_g / max_h SR_h`` per group, shape ``(..., G)``."""
    sr = group_rates(counts)["selection_rate"]
    return _ratio(sr, np.max(sr, axis=-1, keepdims=True))


def bootstrap_counts(counts: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Stratified bootstrap of per-group confusion counts: ``(G, 4)`` → ``(n_resamples, G, 4)``.

    Each group keeps its size (stratification), and its rows are resampled
    with replacement, which is a multinomial draw over its four cells.
    """
    counts = np.asarray(counts, dtype=np.int64)
    out = np.empty((n_resamples, *counts.shape), dtype=np.int64)
    for g, row in enumerate(counts):
        n = int(row.sum())
        if n == 0:
            out[:, g, :] = 0
            continue
        out[:, g, :] = rng.multinomial(n, row / n, size=n_resamples)
    return out


def independence_pvalue(table: np.ndarray) -> float:
    """p-value that decisions are independent of group, from a ``(G, 2)`` table of [not selected, selected].

    Fisher's exact test for 2×2 tables with an expected cell below 5, else the
    chi-square test of independence. Groups or columns that are all zero are
    dropped; NaN when fewer than two groups or one outcome remain.
    """
    from scipy.stats import chi2_contingency, fisher_exact

    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0]
    t = t[:, t.sum(axis=0) > 0] if t.size else t
    if t.shape[0] < 2 or t.ndim < 2 or t.shape[1] < 2:
        return float("nan")
    expected = t.sum(axis=1, keepdims=True) * t.sum(axis=0, keepdims=True) / t.sum()
    if t.shape == (2, 2) and expected.min() < 5:
        return float(fisher_exact(t.astype(int)).pvalue)
    return float(chi2_contingency(t, correction=False).pvalue)


def selection_table(counts: np.ndarray) -> np.ndarray:
    """``(G, 2)`` table of [not selected, selected] from confusion counts ``(G, 4)``."""
    c = np.asarray(counts)
    return np.stack([c[:, TN] + c[:, FN], c[:, FP] + c[:, TP]], axis=1)


def opportunity_table(counts: np.ndarray, label: int) -> np.ndarray:
    """``(G, 2)`` table of [not selected, selected] among rows whose true label is ``label``."""
    c = np.asarray(counts)
    if label == 1:
        return np.stack([c[:, FN], c[:, TP]], axis=1)
    return np.stack([c[:, TN], c[:, FP]], axis=1)


# --- power and sample size (methods.md C6) --------------------------------------------------------------------------

#: Rates are clipped to [RATE_FLOOR, 1 − RATE_FLOOR] in power formulas, so a group at 0 % or 100 % still has a variance.
RATE_FLOOR = 0.01


def _z_sum(confidence: float, power: float) -> float:
    """``z_{1−α/2} + z_{power}`` with α = 1 − confidence (7.85 = 2.80² at 95 % and power 0.8)."""
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2.0) + norm.ppf(power))


def _variance(rate: float) -> float:
    p = min(max(float(rate), RATE_FLOOR), 1.0 - RATE_FLOOR) if np.isfinite(rate) else 0.5
    return p * (1.0 - p)


def minimum_detectable_effect(rates: tuple[float, ...], sizes: tuple[int, ...], *, confidence: float = 0.95,
                              power: float = 0.8) -> float:
    """Smallest gap in a proportion that ``sizes`` rows detect with ``power`` at level 1 − ``confidence``.

    Two rates and sizes: a difference between two groups,
    ``δ = (z_{1−α/2} + z_β)·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)``; one: the distance of
    one rate from a fixed limit, ``δ = (z_{1−α/2} + z_β)·√(p(1−p)/n)``. The
    inverse of :func:`rows_per_group_needed`. ``inf`` when a size is 0.
    """
    if len(rates) != len(sizes) or len(rates) not in (1, 2):
        raise ValueError("give one or two rates with as many sizes")
    if min(sizes) <= 0:
        return float("inf")
    spread = sum(_variance(p) / n for p, n in zip(rates, sizes, strict=True))
    return _z_sum(confidence, power) * float(np.sqrt(spread))


def rows_per_group_needed(rates: tuple[float, ...], gap: float, *, confidence: float = 0.95,
                          power: float = 0.8) -> float:
    """Rows per group for an interval to clear ``gap`` with ``power`` (methods.md C6).

    Two rates: ``n/group ≈ (z_{1−α/2} + z_β)²·[p₁(1−p₁) + p₂(1−p₂)]/δ²``, i.e.
    ``7.85·[…]/δ²`` at α = 0.05 and power 0.8 (p ≈ 0.5, δ = 0.10 → ≈ 393). One
    rate: ``(z_{1−α/2} + z_β)²·p(1−p)/δ²``. ``inf`` when ``gap`` is 0: an
    estimate sitting on the limit is never decided by more rows.
    """
    if len(rates) not in (1, 2):
        raise ValueError("give one or two rates")
    gap = abs(float(gap))
    if gap == 0 or not np.isfinite(gap):
        return float("inf")
    return _z_sum(confidence, power) ** 2 * sum(_variance(p) for p in rates) / gap**2


# --- degenerate resamples --------------------------------------------------------------------------------------------

#: The rate each group-comparison metric compares, and the confusion cells (numerator, denominator) it reads.
_METRIC_RATES = {
    "demographic_parity_difference": ("selection_rate",),
    "demographic_parity_ratio": ("selection_rate",),
    "equalized_odds_difference": ("tpr", "fpr"),
    "equalized_odds_ratio": ("tpr", "fpr"),
    "equal_opportunity_difference": ("tpr",),
    "equal_opportunity_ratio": ("tpr",),
}


def rate_fractions(counts: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Numerator and denominator per group of selection rate, TPR and FPR from counts ``(G, 4)``."""
    c = np.asarray(counts, dtype=np.int64)
    return {
        "selection_rate": (c[:, FP] + c[:, TP], c.sum(axis=1)),
        "tpr": (c[:, TP], c[:, TP] + c[:, FN]),
        "fpr": (c[:, FP], c[:, FP] + c[:, TN]),
    }


def degenerate_rates(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Per rate, which groups' bootstrap resamples cannot vary: the rate is 0 or 1 (or has < 2 rows).

    A stratified bootstrap of a group whose rows all share one outcome
    returns that outcome in every resample, so the resampled rate is
    constant and a percentile interval claims certainty it does not have
    (one person in a group gives ``[0.000, 0.000]``).
    """
    out = {}
    for rate, (k, n) in rate_fractions(counts).items():
        out[rate] = (n > 0) & ((k == 0) | (k == n) | (n < 2))
    return out


def wilson_metric_bounds(counts: np.ndarray, confidence: float) -> dict[str, tuple[float, float]]:
    """Conservative interval of every group metric from each group's Wilson interval of its rates.

    A spread (max − min) lies in ``[max(0, max lo − min hi), max hi − min lo]``
    and a ratio (min / max) in ``[min lo / max hi, min(1, min hi / max lo)]``
    when every group's rate lies in its own interval. Used where resamples are
    degenerate (:func:`degenerate_rates`): unlike the bootstrap, a Wilson
    interval is wide for a group of one. Groups with an empty denominator are
    left out; fewer than two left gives NaN.
    """
    from auditkit.metrics.stats import wilson_interval

    per_rate: dict[str, tuple[float, float, float, float]] = {}
    for rate, (k, n) in rate_fractions(counts).items():
        keep = n > 0
        if keep.sum() < 2:
            per_rate[rate] = (np.nan, np.nan, np.nan, np.nan)
            continue
        lo, hi = wilson_interval(k[keep], n[keep], confidence)
        per_rate[rate] = (float(lo.min()), float(lo.max()), float(hi.min()), float(hi.max()))

    def spread(rate: str) -> tuple[float, float]:
        lo_min, lo_max, hi_min, hi_max = per_rate[rate]
        return max(0.0, lo_max - hi_min), hi_max - lo_min

    def ratio(rate: str) -> tuple[float, float]:
        lo_min, lo_max, hi_min, hi_max = per_rate[rate]
        low = lo_min / hi_max if hi_max > 0 else np.nan
        high = min(1.0, hi_min / lo_max) if lo_max > 0 else 1.0
        return low, high

    out = {}
    for metric, rates in _METRIC_RATES.items():
        difference = metric.endswith("difference")
        parts = np.array([spread(r) if difference else ratio(r) for r in rates], dtype=float)
        if np.isnan(parts).any():
            out[metric] = (np.nan, np.nan)
        else:  # worst case over rates: the largest spread, the smallest ratio
            pick = np.max if difference else np.min
            out[metric] = (float(pick(parts[:, 0])), float(pick(parts[:, 1])))
    return out


def wilson_impact_bounds(counts: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Conservative per-group interval of the impact ratio ``SR_g / max SR`` from Wilson intervals."""
    from auditkit.metrics.stats import wilson_interval

    k, n = rate_fractions(counts)["selection_rate"]
    lo, hi = wilson_interval(k, n, confidence)
    if np.isnan(hi).all():
        return np.full(len(k), np.nan), np.full(len(k), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        top_hi, top_lo = np.nanmax(hi), np.nanmax(lo)
        low = np.where(top_hi > 0, lo / top_hi, np.nan)
        high = np.where(top_lo > 0, np.minimum(1.0, hi / top_lo), 1.0)
    return low, high


def metric_rates() -> dict[str, tuple[str, ...]]:
    """Which per-group rates each group-comparison metric reads (``selection_rate``, ``tpr``, ``fpr``)."""
    return dict(_METRIC_RATES)


#: The group rates each difference/ratio pair of metrics compares (equalized odds: TPR and FPR, worst case).
_COMPARED_RATES = {
    "demographic_parity": ("selection_rate",),
    "equalized_odds": ("tpr", "fpr"),
    "equal_opportunity": ("tpr",),
}


def _pair_bounds(boot_rates: np.ndarray, point_rates: np.ndarray, alpha: float) -> list[tuple[float, float]]:
    """Percentile bounds at ``1 − alpha`` of every signed pairwise difference ``r_i − r_j`` (i < j) of finite rates."""
    keep = np.flatnonzero(np.isfinite(point_rates))
    out = []
    with np.errstate(invalid="ignore"):
        for a, i in enumerate(keep):
            for j in keep[a + 1:]:
                d = boot_rates[:, i] - boot_rates[:, j]
                d = d[~np.isnan(d)]
                if d.size:
                    lo, hi = np.quantile(d, [alpha / 2, 1 - alpha / 2])
                    out.append((float(lo), float(hi)))
    return out


def simultaneous_intervals(counts: np.ndarray, boot: np.ndarray, confidence: float) -> dict[str, tuple[float, float]]:
    """Intervals for the spread and ratio metrics that keep their coverage at parity.

    A spread ``max − min`` is never negative and a ratio ``min / max`` never
    above 1, so every bootstrap resample of an exactly fair model moves away
    from parity and a percentile interval of the spread itself excludes 0
    (the validity benchmark: no interval of a model with a true parity
    difference of 0 contained 0). Here the *signed* difference of every pair
    of groups gets a percentile interval, Bonferroni-adjusted over the pairs
    (and over TPR and FPR for equalized odds), so that all hold at once with
    ``confidence``; the spread then lies in ``[max(0, max_ij lo_ij),
    max_ij |bound|]`` and contains 0 whenever every pairwise interval does.
    Ratios use the same construction on log rates. ``counts`` ``(G, 4)``,
    ``boot`` ``(B, G, 4)`` from :func:`bootstrap_counts`.
    """
    point, dist = group_rates(counts), group_rates(boot)
    out: dict[str, tuple[float, float]] = {}
    for name, rates in _COMPARED_RATES.items():
        n_groups = sum(int(np.isfinite(point[r]).sum()) for r in rates)
        pairs = max(1, sum(int(np.isfinite(point[r]).sum()) * (int(np.isfinite(point[r]).sum()) - 1) // 2
                           for r in rates))
        alpha = (1 - confidence) / pairs
        diff = [b for r in rates for b in _pair_bounds(dist[r], point[r], alpha)]
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = [b for r in rates for b in _pair_bounds(np.log(dist[r]), np.log(point[r]), alpha)]
        if not diff or n_groups < 2:
            out[f"{name}_difference"] = out[f"{name}_ratio"] = (float("nan"), float("nan"))
            continue
        out[f"{name}_difference"] = (max(0.0, max(max(lo, -hi) for lo, hi in diff)),
                                     max(max(abs(lo), abs(hi)) for lo, hi in diff))
        if logs:
            low_log = max(0.0, max(max(lo, -hi) for lo, hi in logs))
            high_log = max(max(abs(lo), abs(hi)) for lo, hi in logs)
            out[f"{name}_ratio"] = (float(np.exp(-high_log)), float(np.exp(-low_log)))
        else:
            out[f"{name}_ratio"] = (float("nan"), float("nan"))
    return out


# --- sensitivity of the selection gap to the decision threshold ------------------------------------------------------

#: Thresholds of the sensitivity curve: 0.05 to 0.95 in steps of 0.05 (the operating point is added where it is off).
SWEEP_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))


def selection_gap_curve(scores: np.ndarray, y_true: np.ndarray, codes: np.ndarray, n_groups: int,
                        thresholds: tuple[float, ...] | np.ndarray, *, confidence: float, resamples: int,
                        rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Demographic parity difference (max − min selection rate over groups) as the decision threshold moves.

    At each threshold ``t`` the decisions are ``score >= t`` (the adapters' rule) and the difference gets the
    interval the ``group_fairness`` check gives it at the operating point: a stratified bootstrap
    (:func:`bootstrap_counts`), pairwise signed differences Bonferroni-adjusted over the pairs
    (:func:`simultaneous_intervals`, valid at parity), widened to Wilson bounds where a group's resamples cannot
    vary (every row selected or none, as at extreme thresholds), and covering the estimate. The band is
    *pointwise*: each threshold's interval holds at ``confidence`` on its own, not all at once.

    Returns arrays over the thresholds: ``threshold``, ``gap``, ``low``, ``high`` and ``selection_rate`` (overall,
    the rows of all ``n_groups`` groups), each of shape ``(T,)``; ``rates`` has shape ``(T, n_groups)``.
    """
    from auditkit.metrics.stats import covering

    s = np.asarray(scores, dtype=np.float64)
    ts = np.asarray(thresholds, dtype=np.float64)
    gap, low, high, overall = (np.empty(ts.size) for _ in range(4))
    rates = np.empty((ts.size, n_groups))
    for i, t in enumerate(ts):
        counts = confusion_counts(y_true, (s >= t).astype(np.int8), codes, n_groups)  # counted in blocks
        boot = bootstrap_counts(counts, resamples, rng)
        gap[i] = fairness_metrics(counts)["demographic_parity_difference"]
        lo, hi = simultaneous_intervals(counts, boot, confidence)["demographic_parity_difference"]
        if degenerate_rates(counts)["selection_rate"].any():
            w_lo, w_hi = wilson_metric_bounds(counts, confidence)["demographic_parity_difference"]
            lo, hi = np.fmin(lo, w_lo), np.fmax(hi, w_hi)
        low[i], high[i] = covering(np.asarray(lo), np.asarray(hi), gap[i])
        rates[i] = group_rates(counts)["selection_rate"]
        total = counts.sum()
        overall[i] = (counts[:, FP] + counts[:, TP]).sum() / total if total else np.nan
    return {"threshold": ts, "gap": gap, "low": low, "high": high, "selection_rate": overall, "rates": rates}


def resampled_selection_gaps(decisions: np.ndarray, groups: np.ndarray, n_groups: int,
                             resamples: np.ndarray) -> np.ndarray:
    """The demographic parity difference (max minus min selection rate over the groups present) in each resample.

    ``resamples`` holds row indices, one resample per row (shape ``(B, n)``); the same index matrix applied to
    the decisions before and after an intervention gives paired resamples, so the change of the gap gets an
    interval that accounts for the two being measured on the same rows. A group absent from a resample does not
    count in it.
    """
    d = np.asarray(decisions)[resamples].astype(np.float64)
    g = np.asarray(groups)[resamples]
    rates = np.full((n_groups, resamples.shape[0]), np.nan)
    for k in range(n_groups):
        in_k = g == k
        size = in_k.sum(axis=1)
        rates[k] = np.where(size > 0, (d * in_k).sum(axis=1) / np.maximum(size, 1), np.nan)
    return np.nanmax(rates, axis=0) - np.nanmin(rates, axis=0)
