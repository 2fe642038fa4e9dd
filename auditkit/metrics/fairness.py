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


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group confusion counts ``(n_groups, 4)`` as ``[tn, fp, fn, tp]``.

    ``y_true`` and ``y_pred`` are 0/1 with 1 = favourable; ``groups`` holds
    integer group codes in ``[0, n_groups)``.
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    if not (y_true.shape == y_pred.shape == groups.shape):
        raise ValueError(f"shapes differ: y_true {y_true.shape}, y_pred {y_pred.shape}, groups {groups.shape}")
    cell = 2 * y_true + y_pred
    flat = np.bincount(groups * 4 + cell, minlength=4 * n_groups)
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
