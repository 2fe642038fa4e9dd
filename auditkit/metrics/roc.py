"""Discrimination of a score: ROC AUC with its interval, the Gini coefficient, score distributions per group.

**ROC AUC** is the probability that a row with the favourable true label (a *positive*) scores higher than a
row with the unfavourable label (a *negative*), ties counting one half: the Mann–Whitney statistic divided by
``m·n`` (``m`` positives, ``n`` negatives), computed from mid-ranks, so tied scores are handled exactly.

**The interval** is DeLong's (DeLong, DeLong & Clarke-Pearson, Biometrics 1988), in the fast mid-rank form of
Sun & Xu (IEEE SPL 2014): the structural components ``V10_i`` (the share of negatives positive ``i`` outranks)
and ``V01_j`` (the share of positives that outrank negative ``j``) give
``Var(AUC) = s²(V10)/m + s²(V01)/n``, and the interval is ``AUC ± z·√Var`` clipped to [0, 1]. It needs no
resampling (so no seed, and the same numbers on every machine), it is the default of pROC and of most
model-validation reports, and it agrees closely with a stratified bootstrap at audit sizes.

DeLong's variance is zero when the classes are completely separated (AUC 0 or 1) or a class has a single row:
the interval would claim certainty from a finite sample, the same failure as a bootstrap of a group whose rows
all share one outcome (see :func:`auditkit.metrics.fairness.degenerate_rates`). There the interval is
Newcombe's score interval instead (Newcombe, Stat Med 2006, "Method 5"): the set of ``θ`` with
``(AUC − θ)² ≤ z²·V(θ)``, ``V(θ)`` the Hanley–McNeil variance with both class sizes replaced by
``N* = (m + n)/2``. Like Wilson's interval for a proportion it stays inside [0, 1] and is not empty at the
boundary: perfectly separated scores give AUC 1 with an upper bound of 1 and a lower bound below 1 that rises
with the sample.

**Gini** ``= 2·AUC − 1`` (the accuracy ratio of credit scoring); a monotone map, so its interval is the
AUC's interval mapped the same way.

Pure numpy and scipy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Bins of the score distributions (equal width on [0, 1]): 20 bins of 0.05 keep the chart compact.
SCORE_BINS = 20
#: Rows per block where a full-length temporary would cost hundreds of MB (ten million rows); above it the AUC's
#: components come from sorted searches instead of mid-ranks of all rows.
BLOCK_ROWS = 1 << 20


@dataclass(frozen=True)
class AucEstimate:
    """ROC AUC of one set of rows with its interval; NaN throughout when a class is absent."""

    auc: float
    ci_low: float
    ci_high: float
    positives: int
    negatives: int
    #: ``"delong"`` or ``"score"`` (Newcombe's interval, where DeLong's variance is zero); ``""`` when undefined.
    method: str

    @property
    def n(self) -> int:
        """Rows the estimate reads."""
        return self.positives + self.negatives

    @property
    def gini(self) -> tuple[float, float, float]:
        """Gini coefficient ``2·AUC − 1`` with its interval (the AUC interval mapped the same way)."""
        return gini(self.auc), gini(self.ci_low), gini(self.ci_high)


def gini(auc: float) -> float:
    """The Gini coefficient (accuracy ratio) of an AUC: ``2·AUC − 1``, from −1 to 1, 0 for a random score."""
    return 2.0 * float(auc) - 1.0


def _midranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x, method="average")


def delong_components(scores: np.ndarray, y_true: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """AUC and DeLong's structural components ``(V10 per positive, V01 per negative)`` from mid-ranks.

    ``V10_i`` is the share of negatives that positive ``i`` outscores (ties one half), ``V01_j`` the share of
    positives that outscore negative ``j``; the AUC is the mean of either. Needs at least one row of each class.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(y_true).astype(bool)
    pos, neg = s[y], s[~y]
    m, n = pos.size, neg.size
    if m == 0 or n == 0:
        raise ValueError(f"AUC needs rows of both classes; got {m} positive and {n} negative")
    if m + n > BLOCK_ROWS:
        return _components_by_search(pos, neg)
    tz = _midranks(np.concatenate([pos, neg]))
    v10 = (tz[:m] - _midranks(pos)) / n
    v01 = 1.0 - (tz[m:] - _midranks(neg)) / m
    auc = float((tz[:m].sum() - m * (m + 1) / 2.0) / (m * n))
    return auc, v10, v01


def _components_by_search(pos: np.ndarray, neg: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """:func:`delong_components` without ranking all rows together (for many rows; ``pos`` and ``neg`` are
    sorted in place).

    The mid-rank of a positive among all rows less its mid-rank among the positives is the number of negatives
    below it plus half those tied with it: ``(searchsorted left + searchsorted right) / 2`` in the sorted
    negatives, an integer or half-integer, so ``V10``, ``V01`` and the AUC are the same floats as from the
    mid-ranks; only the few full-length arrays of the components are allocated, never the rank arrays of
    ``scipy.stats.rankdata``.
    """
    pos.sort()
    neg.sort()
    m, n = pos.size, neg.size
    v10 = np.empty(m)
    below = 0.0  # Σ over positives of (negatives below + half the ties), a sum of half-integers: exact in float
    for start in range(0, m, BLOCK_ROWS):
        p = pos[start:start + BLOCK_ROWS]
        half = (np.searchsorted(neg, p, "left") + np.searchsorted(neg, p, "right")) / 2.0
        below += float(half.sum())
        v10[start:start + p.size] = half / n
    v01 = np.empty(n)
    for start in range(0, n, BLOCK_ROWS):
        q = neg[start:start + BLOCK_ROWS]
        half = (np.searchsorted(pos, q, "left") + np.searchsorted(pos, q, "right")) / 2.0
        v01[start:start + q.size] = 1.0 - half / m
    return below / (m * n), v10, v01


def _delong_moments(scores: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """AUC and the sample variances (``ddof=1``) of ``V10`` and ``V01``, in blocks, never holding the components.

    For many rows (above :data:`BLOCK_ROWS`): the components are recomputed block by block from sorted
    searches (see :func:`_components_by_search`) in two passes, their mean (the AUC, exact) first and then the
    squared deviations from it, so ten million rows need the two sorted score arrays and one block, not two
    more full-length arrays and ``np.var``'s temporary. The variances agree with ``np.var`` to rounding.
    """
    pos, neg = scores[y], scores[~y]
    pos.sort()
    neg.sort()
    m, n = pos.size, neg.size

    def halves(sorted_in: np.ndarray, values: np.ndarray) -> np.ndarray:
        return (np.searchsorted(sorted_in, values, "left") + np.searchsorted(sorted_in, values, "right")) / 2.0

    below = sum(float(halves(neg, pos[i:i + BLOCK_ROWS]).sum()) for i in range(0, m, BLOCK_ROWS))
    auc = below / (m * n)
    ss10 = sum(float(np.square(halves(neg, pos[i:i + BLOCK_ROWS]) / n - auc).sum()) for i in range(0, m, BLOCK_ROWS))
    ss01 = sum(float(np.square(1.0 - halves(pos, neg[i:i + BLOCK_ROWS]) / m - auc).sum())
               for i in range(0, n, BLOCK_ROWS))
    return auc, ss10 / (m - 1) if m > 1 else 0.0, ss01 / (n - 1) if n > 1 else 0.0


def _hanley_mcneil_newcombe(theta: float, m: int, n: int) -> float:
    """Newcombe's modified Hanley–McNeil variance of an AUC ``theta`` (both class sizes set to (m + n)/2)."""
    star = (m + n) / 2.0
    return theta * (1 - theta) / (m * n) * (1 + (star - 1) * ((1 - theta) / (2 - theta) + theta / (1 + theta)))


def score_interval(auc: float, m: int, n: int, confidence: float) -> tuple[float, float]:
    """Newcombe's score interval of an AUC (Method 5): ``{θ : (AUC − θ)² ≤ z²·V(θ)}``, inside [0, 1].

    Solved on ``(AUC − θ)²/(θ(1 − θ)) = z²·V(θ)/(θ(1 − θ))``, which removes the trivial roots at 0 and 1, so an
    AUC of exactly 1 (or 0) still gets a finite-sample bound on its other side.
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    z2 = float(norm.ppf(0.5 + confidence / 2.0)) ** 2
    eps = 1e-12

    def h(theta: float) -> float:
        v = _hanley_mcneil_newcombe(theta, m, n) / (theta * (1 - theta))
        return (auc - theta) ** 2 / (theta * (1 - theta)) - z2 * v

    low = 0.0 if auc <= eps else float(brentq(h, eps, min(auc, 1 - eps)))
    high = 1.0 if auc >= 1 - eps else float(brentq(h, max(auc, eps), 1 - eps))
    return low, high


def roc_auc(scores: np.ndarray, y_true: np.ndarray, confidence: float) -> AucEstimate:
    """ROC AUC of ``scores`` for the 0/1 labels ``y_true`` (1 = favourable) with its ``confidence`` interval.

    DeLong's interval, or Newcombe's score interval where DeLong's variance is zero or undefined (complete
    separation, a class of one row); see the module docstring. NaN (method ``""``) when a class has no row.
    """
    from scipy.stats import norm

    y = np.asarray(y_true).astype(bool)
    m, n = int(y.sum()), int((~y).sum())
    if m == 0 or n == 0:
        return AucEstimate(float("nan"), float("nan"), float("nan"), m, n, "")
    if m + n > BLOCK_ROWS:
        auc, s10, s01 = _delong_moments(np.asarray(scores, dtype=np.float64), y)
        var = s10 / m + s01 / n if m > 1 and n > 1 else 0.0
    else:
        auc, v10, v01 = delong_components(scores, y)
        var = (np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n) if m > 1 and n > 1 else 0.0
    if var > 0:
        half = float(norm.ppf(0.5 + confidence / 2.0)) * float(np.sqrt(var))
        return AucEstimate(auc, max(0.0, auc - half), min(1.0, auc + half), m, n, "delong")
    low, high = score_interval(auc, m, n, confidence)
    return AucEstimate(auc, min(low, auc), max(high, auc), m, n, "score")


def roc_auc_by_group(scores: np.ndarray, y_true: np.ndarray, codes: np.ndarray, n_groups: int,
                     confidence: float) -> list[AucEstimate]:
    """:func:`roc_auc` of each group ``0..n_groups-1`` of the integer ``codes``."""
    s, y, c = np.asarray(scores), np.asarray(y_true), np.asarray(codes)
    return [roc_auc(s[c == g], y[c == g], confidence) for g in range(n_groups)]


def score_distribution(scores: np.ndarray, codes: np.ndarray, n_groups: int,
                       bins: int = SCORE_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Share of each group's rows per equal-width score bin on [0, 1]: ``(bin centres (bins,), shares (G, bins))``.

    Each group's shares sum to 1 (a group without rows: NaN), so groups of different sizes compare directly.
    A score of exactly 1 falls in the last bin.
    """
    flat = np.zeros(n_groups * bins, dtype=np.int64)
    for start in range(0, len(scores), BLOCK_ROWS):  # in blocks: the same counts without full-length temporaries
        s = np.clip(np.asarray(scores[start:start + BLOCK_ROWS], dtype=np.float64), 0.0, 1.0)
        c = np.asarray(codes[start:start + BLOCK_ROWS], dtype=np.int64)
        which = np.minimum((s * bins).astype(np.int64), bins - 1)
        flat += np.bincount(c * bins + which, minlength=n_groups * bins)
    counts = flat.reshape(n_groups, bins).astype(float)
    sizes = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(sizes > 0, counts / np.where(sizes > 0, sizes, 1.0), np.nan)
    centres = (np.arange(bins) + 0.5) / bins
    return centres, shares


__all__ = ["SCORE_BINS", "AucEstimate", "delong_components", "gini", "roc_auc", "roc_auc_by_group",
           "score_distribution", "score_interval"]
