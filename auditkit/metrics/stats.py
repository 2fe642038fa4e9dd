"""Statistics shared by every check: intervals, verdicts, multiple-testing correction.

Pure functions over numbers and numpy arrays. The verdict rule is the one of
``reference/methods.md`` C6: a thresholded quantity PASSES only when its whole
confidence interval lies inside the tolerance, FAILS when the whole interval
lies outside, and is INCONCLUSIVE otherwise. A point estimate alone is never
compared with a threshold.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable, Sequence

import numpy as np

from auditkit.results import Status

_CORRECTIONS = {"holm": "holm", "bonferroni": "bonferroni", "fdr_bh": "fdr_bh"}


def wilson_interval(k: np.ndarray | int, n: np.ndarray | int, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportion ``k / n`` (vectorised; NaN where ``n == 0``).

    Chosen over the normal approximation because it stays inside [0, 1] and
    keeps its coverage for small groups and for rates near 0 or 1.
    """
    from scipy.stats import norm

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(0.5 + confidence / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def percentile_interval(samples: np.ndarray, confidence: float, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval over ``axis``, ignoring NaN resamples.

    The percentile interval is invariant under monotone transforms, so ratio
    metrics get the same interval as on the log scale.
    """
    alpha = 1.0 - confidence
    # an all-NaN slice (a metric undefined in every resample) is NaN by design: numpy's warning is not news
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(samples, alpha / 2.0, axis=axis)
        high = np.nanquantile(samples, 1.0 - alpha / 2.0, axis=axis)
    return low, high


def covering(low: np.ndarray, high: np.ndarray, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Widen an interval just enough to contain its point estimate.

    Statistics bounded at their best value — a spread ``max − min`` at 0, a
    ratio ``min / max`` at 1 — have percentile bootstrap intervals that can
    exclude the estimate itself (every resample moves away from the bound).
    Including the estimate is conservative for both verdicts and never
    shows a reader a value outside its own interval.
    """
    point = np.asarray(point, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.fmin(low, point), np.fmax(high, point)


def interval_verdict(
    ci_low: float | None, ci_high: float | None, threshold: float, comparator: str
) -> Status:
    """Judge an interval against a threshold (equivalence logic, methods.md C6).

    ``comparator`` ``"<="`` means the quantity must not exceed ``threshold``;
    ``">="`` means it must reach it. A missing interval is INCONCLUSIVE.
    """
    if ci_low is None or ci_high is None or np.isnan(ci_low) or np.isnan(ci_high):
        return Status.INCONCLUSIVE
    if comparator == "<=":
        if ci_high <= threshold:
            return Status.PASS
        if ci_low > threshold:
            return Status.FAIL
        return Status.INCONCLUSIVE
    if comparator == ">=":
        if ci_low >= threshold:
            return Status.PASS
        if ci_high < threshold:
            return Status.FAIL
        return Status.INCONCLUSIVE
    raise ValueError(f"comparator must be '<=' or '>=', got {comparator!r}")


def combine_verdicts(statuses: Iterable[Status | None]) -> Status:
    """One verdict from several thresholded measurements: any FAIL fails, else any doubt is INCONCLUSIVE.

    An empty input has nothing judged and is INCONCLUSIVE, never PASS.
    """
    seen = [s for s in statuses if s is not None]
    if not seen:
        return Status.INCONCLUSIVE
    if Status.FAIL in seen:
        return Status.FAIL
    if Status.ERROR in seen:
        return Status.ERROR
    if Status.INCONCLUSIVE in seen:
        return Status.INCONCLUSIVE
    return Status.PASS


def adjust_pvalues(pvalues: Sequence[float], method: str) -> list[float]:
    """Family-wise adjusted p-values (``holm``, ``bonferroni``, ``fdr_bh`` or ``none``).

    Always passes ``method`` explicitly: statsmodels' default is Holm–Šidák.
    """
    p = np.asarray(list(pvalues), dtype=float)
    if p.size == 0 or method == "none":
        return [float(x) for x in p]
    if method not in _CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}; known: none, {', '.join(_CORRECTIONS)}")
    if method == "holm":
        # Holm's step-down by hand: statsmodels' Holm path calls gc.collect(), which costs a second in a
        # process holding a rendered report or a model (tests pin this to statsmodels' values)
        order = np.argsort(p, kind="stable")
        stepped = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
        adjusted_holm = np.empty_like(p)
        adjusted_holm[order] = np.minimum(stepped, 1.0)
        return [float(x) for x in adjusted_holm]
    from statsmodels.stats.multitest import multipletests

    _, adjusted, _, _ = multipletests(p, alpha=0.05, method=_CORRECTIONS[method])
    return [float(x) for x in adjusted]


def derive_seed(run_seed: int, *parts: str) -> int:
    """A stable 32-bit seed for one check, derived from the run seed and the check's identity.

    Each check gets its own stream, so adding or resuming a check never
    changes the random numbers another check draws.
    """
    digest = hashlib.sha256("\x1f".join([str(run_seed), *parts]).encode()).digest()
    return int.from_bytes(digest[:4], "big")
