"""Paired counterfactual metrics: flip rates, directional tests, score changes (methods.md C1, C4, C6).

Every function compares an original input with its counterfactual twin, so
the unit of analysis is the *pair* ``(x, x′)``: its scores ``s, s′`` (probability
of the favourable outcome) and decisions ``ŷ, ŷ′`` (1 = favourable).

* flip rate ``FR = mean 1[ŷ ≠ ŷ′]`` with an exact (Clopper–Pearson) or Wilson
  interval; directional counts ``b = #{ŷ=1, ŷ′=0}``, ``c = #{ŷ=0, ŷ′=1}`` and the
  exact McNemar test of ``b = c``;
* ``Δ = s′ − s``: mean Δ and mean |Δ| with paired-bootstrap intervals (a pair is
  resampled as a whole), p95/p99/max of |Δ| (the max grows with n: report it,
  never threshold it);
* the CheckList INV failure (label changes *and* the original label's
  probability moves by more than a threshold), the CTF gap, K×K matrices;
* how many pairs an inconclusive interval would need, and the minimum
  detectable effect at the pairs there are (:func:`minimum_detectable_rate`).

A counterfactual with random parts (draws) is summarised per pair by its
averages over the draws: ``s_cf`` and ``y_cf`` may be ``(draws, n)``; the flip
indicator, Δ and |Δ| of each pair are then the means over its draws.

Pure numpy/scipy. The verdict rule (C6) is applied by the caller with
:func:`auditkit.metrics.stats.interval_verdict`; equivalence tests use a
``1 − 2α`` two-sided interval, whose ends are the one-sided ``1 − α`` bounds
(TOST), which is why :func:`tost_level` exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from auditkit.metrics.stats import wilson_interval

#: Rows per bootstrap block: bounds the (block, n) index matrix to ~32 MB of int64.
_BOOT_CELLS = 4_000_000


def tost_level(confidence: float) -> float:
    """Two-sided level whose ends are the one-sided ``confidence`` bounds: ``1 − 2(1 − confidence)``.

    A tolerance is shown to hold (PASS) when the one-sided upper bound at
    ``confidence`` is inside it; that bound is the upper end of this interval.
    """
    if not 0.5 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0.5, 1), got {confidence}")
    return 1.0 - 2.0 * (1.0 - confidence)


def proportion_interval(k: int, n: int, level: float, method: str = "exact") -> tuple[float, float]:
    """Two-sided interval for ``k / n`` at ``level``: ``"exact"`` (Clopper–Pearson) or ``"wilson"``.

    With ``k = 0`` the exact upper end is ``1 − ((1 − level) / 2)^{1/n}``; at the
    TOST level for 95 % that is ``1 − 0.05^{1/n}`` (≈ 3/n, the rule of three).
    NaNs when ``n == 0``.
    """
    if n <= 0:
        return float("nan"), float("nan")
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if method == "wilson":
        lo, hi = wilson_interval(k, n, level)
        return float(lo), float(hi)
    if method != "exact":
        raise ValueError(f"method must be 'exact' or 'wilson', got {method!r}")
    from scipy.stats import beta

    tail = (1.0 - level) / 2.0
    lo = 0.0 if k == 0 else float(beta.ppf(tail, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1.0 - tail, k + 1, n - k))
    return lo, hi


def directional_counts(y: np.ndarray, y_cf: np.ndarray) -> tuple[int, int]:
    """``(b, c)``: pairs whose decision went favourable → unfavourable, and unfavourable → favourable."""
    y = np.asarray(y).astype(bool)
    y_cf = np.asarray(y_cf).astype(bool)
    return int(np.count_nonzero(y & ~y_cf)), int(np.count_nonzero(~y & y_cf))


def mcnemar_exact(b: int, c: int) -> float:
    """Exact McNemar p-value: two-sided binomial test of ``b`` among ``b + c`` at 0.5 (1.0 if no discordant pair).

    It tests the *direction* of changes (do flips favour one side?), not
    whether there are flips: the flip rate needs its own interval.
    """
    if b + c == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(b, b + c, 0.5).pvalue)


def paired_bootstrap_means(
    columns: np.ndarray, *, resamples: int, level: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means of each column of ``columns`` (n, m) and their percentile bootstrap intervals.

    Rows (pairs) are resampled with replacement, the same rows for every
    column, so columns computed from the same pair (Δ, |Δ|, flip indicators of
    two generators) keep their dependence. Returns ``(means, low, high)``, each
    ``(m,)``; with ``resamples <= 0`` only the means (NaN intervals).
    """
    data = np.asarray(columns, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    n, m = data.shape
    if n == 0:
        nan = np.full(m, np.nan)
        return nan, nan.copy(), nan.copy()
    means = data.mean(axis=0)
    if np.all(data == data[0]):  # constant pairs: every resample gives the same mean
        return means, means.copy(), means.copy()
    if resamples <= 0:  # means only (the caller has its intervals elsewhere)
        return means, np.full(m, np.nan), np.full(m, np.nan)
    block = max(1, min(resamples, _BOOT_CELLS // max(n, 1)))
    stats = np.empty((resamples, m))
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        idx = rng.integers(0, n, size=(size, n))
        for j in range(m):
            stats[start : start + size, j] = data[idx, j].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(stats, [tail, 1.0 - tail], axis=0)
    return means, low, high


def inv_failures(s: np.ndarray, s_cf: np.ndarray, y: np.ndarray, y_cf: np.ndarray, threshold: float) -> np.ndarray:
    """CheckList INV failures: the decision changes and P(original decision) moves by more than ``threshold``.

    For a binary decision the probability of the originally predicted class
    moves by exactly ``|s′ − s|``, so the rule reads ``ŷ ≠ ŷ′ and |Δ| > threshold``.
    """
    return (np.asarray(y) != np.asarray(y_cf)) & (np.abs(np.asarray(s_cf) - np.asarray(s)) > threshold)


@dataclass(frozen=True)
class PairEffects:
    """Everything measured on the pairs of one ordered value pair ``a → a′``.

    Intervals are two-sided at ``level``; ``argmax`` indexes the pair with the
    largest ``|Δ|`` in the arrays given to :func:`pair_effects`.
    """

    n: int
    level: float
    flips: int
    flip_rate: float
    flip_rate_ci: tuple[float, float]
    b: int
    c: int
    mcnemar_p: float
    net_change: float
    net_change_ci: tuple[float, float]
    mean_change: float
    mean_change_ci: tuple[float, float]
    mean_abs_change: float
    mean_abs_change_ci: tuple[float, float]
    p95_abs_change: float
    p99_abs_change: float
    max_abs_change: float
    argmax: int
    inv_failures: int
    inv_rate: float
    inv_rate_ci: tuple[float, float]


def pair_effects(
    s: np.ndarray,
    s_cf: np.ndarray,
    y: np.ndarray,
    y_cf: np.ndarray,
    *,
    level: float,
    resamples: int,
    rng: np.random.Generator,
    inv_threshold: float = 0.1,
    method: str = "exact",
) -> PairEffects:
    """All C4 metrics for aligned pairs: scores ``s, s_cf`` and decisions ``y, y_cf`` (1 = favourable).

    ``s_cf`` and ``y_cf`` may be ``(draws, n)``: each pair's flip indicator,
    Δ, |Δ| and INV failure are then averaged over its draws; ``flips``, ``b``
    and ``c`` are the rounded sums of those averages (the exact interval and
    McNemar use them; the propagated counterfactual replaces the intervals by
    its refit bootstrap).
    """
    s = np.asarray(s, dtype=np.float64)
    s_cf = np.asarray(s_cf, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    y_cf = np.asarray(y_cf).astype(np.int64)
    if s_cf.ndim == 2 and s_cf.shape == y_cf.shape and s_cf.shape[1:] == s.shape:
        return _averaged_effects(s, s_cf, y, y_cf, level=level, resamples=resamples, rng=rng,
                                 inv_threshold=inv_threshold, method=method)
    if not (s.shape == s_cf.shape == y.shape == y_cf.shape) or s.ndim != 1:
        raise ValueError(f"pairs must be aligned 1-D arrays, got {s.shape}, {s_cf.shape}, {y.shape}, {y_cf.shape}")
    n = int(s.size)
    delta = s_cf - s
    absd = np.abs(delta)
    flipped = y != y_cf
    flips = int(flipped.sum())
    b, c = directional_counts(y, y_cf)
    inv = inv_failures(s, s_cf, y, y_cf, inv_threshold)
    means, lo, hi = paired_bootstrap_means(
        np.column_stack([delta, absd, (y_cf - y).astype(np.float64)]) if n else np.empty((0, 3)),
        resamples=resamples, level=level, rng=rng,
    )
    nan = float("nan")
    return PairEffects(
        n=n,
        level=level,
        flips=flips,
        flip_rate=flips / n if n else nan,
        flip_rate_ci=proportion_interval(flips, n, level, method),
        b=b,
        c=c,
        mcnemar_p=mcnemar_exact(b, c),
        net_change=float(means[2]),
        net_change_ci=(float(lo[2]), float(hi[2])),
        mean_change=float(means[0]),
        mean_change_ci=(float(lo[0]), float(hi[0])),
        mean_abs_change=float(means[1]),
        mean_abs_change_ci=(float(lo[1]), float(hi[1])),
        p95_abs_change=float(np.quantile(absd, 0.95)) if n else nan,
        p99_abs_change=float(np.quantile(absd, 0.99)) if n else nan,
        max_abs_change=float(absd.max()) if n else nan,
        argmax=int(absd.argmax()) if n else -1,
        inv_failures=int(inv.sum()),
        inv_rate=float(inv.mean()) if n else nan,
        inv_rate_ci=proportion_interval(int(inv.sum()), n, level, method),
    )


def _averaged_effects(s: np.ndarray, s_cf: np.ndarray, y: np.ndarray, y_cf: np.ndarray, *, level: float,
                      resamples: int, rng: np.random.Generator, inv_threshold: float, method: str) -> PairEffects:
    """:func:`pair_effects` of pairs with several draws ``(D, n)``: per-pair averages over the draws."""
    n = int(s.size)
    delta = (s_cf - s[None, :]).mean(axis=0)
    absd = np.abs(s_cf - s[None, :]).mean(axis=0)
    flip = (y_cf != y[None, :]).mean(axis=0)
    down = ((y[None, :] == 1) & (y_cf == 0)).mean(axis=0)
    up = ((y[None, :] == 0) & (y_cf == 1)).mean(axis=0)
    inv = (np.abs(s_cf - s[None, :]) > inv_threshold) & (y_cf != y[None, :])
    inv_share = inv.mean(axis=0)
    means, lo, hi = paired_bootstrap_means(np.column_stack([delta, absd, up - down]) if n else np.empty((0, 3)),
                                           resamples=resamples, level=level, rng=rng)
    flips, b, c, invs = (round(float(v.sum())) for v in (flip, down, up, inv_share))
    nan = float("nan")
    return PairEffects(
        n=n, level=level, flips=flips, flip_rate=float(flip.mean()) if n else nan,
        flip_rate_ci=proportion_interval(flips, n, level, method), b=b, c=c, mcnemar_p=mcnemar_exact(b, c),
        net_change=float(means[2]), net_change_ci=(float(lo[2]), float(hi[2])), mean_change=float(means[0]),
        mean_change_ci=(float(lo[0]), float(hi[0])), mean_abs_change=float(means[1]),
        mean_abs_change_ci=(float(lo[1]), float(hi[1])),
        p95_abs_change=float(np.quantile(absd, 0.95)) if n else nan,
        p99_abs_change=float(np.quantile(absd, 0.99)) if n else nan,
        max_abs_change=float(absd.max()) if n else nan, argmax=int(absd.argmax()) if n else -1,
        inv_failures=invs, inv_rate=float(inv_share.mean()) if n else nan,
        inv_rate_ci=proportion_interval(invs, n, level, method),
    )


def ctf_gap(s: np.ndarray, s_cf: np.ndarray, example: np.ndarray, n_examples: int) -> np.ndarray:
    """Per-example CTF gap (Garg et al. 2019): the mean ``|s(x) − s(x′)|`` over that example's counterfactuals.

    ``example`` maps each pair to its original example in ``[0, n_examples)``;
    examples without a counterfactual get NaN. Average the result over the
    examples of a group for the group's CTF gap.
    """
    example = np.asarray(example, dtype=np.int64)
    absd = np.abs(np.asarray(s_cf, dtype=np.float64) - np.asarray(s, dtype=np.float64))
    total = np.bincount(example, weights=absd, minlength=n_examples)
    count = np.bincount(example, minlength=n_examples)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def pair_matrix(values: dict[tuple[int, int], float], k: int) -> np.ndarray:
    """A K×K matrix ``M[a, a′]`` from ``{(a, a′): value}``; the diagonal and missing pairs are NaN."""
    out = np.full((k, k), np.nan)
    for (a, b), v in values.items():
        out[a, b] = v
    return out


def antisymmetry_gaps(delta: np.ndarray) -> np.ndarray:
    """``M_Δ[a, a′] + M_Δ[a′, a]`` (upper triangle, NaN elsewhere): near 0 when a→a′ and a′→a mirror each other."""
    m = np.asarray(delta, dtype=np.float64)
    out = np.full(m.shape, np.nan)
    iu = np.triu_indices(m.shape[0], k=1)
    out[iu] = m[iu] + m.T[iu]
    return out


def min_pairs_zero_events(tolerance: float, confidence: float) -> int:
    """Fewest pairs for which zero flips puts the one-sided ``confidence`` upper bound below ``tolerance``.

    Solves ``1 − (1 − confidence)^{1/n} < tolerance``: 299 pairs for 1 % at 95 %.
    """
    if not 0.0 < tolerance < 1.0:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance}")
    return math.floor(math.log(1.0 - confidence) / math.log(1.0 - tolerance)) + 1


def pairs_needed_for_rate(rate: float, tolerance: float, level: float, *, limit: int = 10**9) -> int | None:
    """Fewest pairs at which a rate like ``rate`` would get an exact interval wholly on one side of ``tolerance``.

    Below the tolerance the upper end must fall under it (PASS); above it the
    lower end must exceed it (FAIL). ``None`` when ``rate`` equals the
    tolerance (no sample size decides) or more than ``limit`` pairs are needed.
    """
    if not np.isfinite(rate) or rate == tolerance:
        return None
    if rate == 0.0:
        return min_pairs_zero_events(tolerance, 1.0 - (1.0 - level) / 2.0)

    def decided(n: int) -> bool:
        lo, hi = proportion_interval(round(rate * n), n, level, "exact")
        return hi < tolerance if rate < tolerance else lo > tolerance

    hi_n = 1
    while not decided(hi_n):
        hi_n *= 2
        if hi_n > limit:
            return None
    lo_n = hi_n // 2
    while hi_n - lo_n > 1:
        mid = (lo_n + hi_n) // 2
        lo_n, hi_n = (lo_n, mid) if decided(mid) else (mid, hi_n)
    return hi_n


def pairs_needed_for_mean(value: float, ci: tuple[float, float], n: int, tolerance: float) -> int | None:
    """Pairs at which a bootstrap interval like ``ci`` (from ``n`` pairs) would clear ``tolerance``.

    Interval half-widths shrink as ``1/√n``; the answer scales ``n`` until the
    half-width is smaller than the distance from ``value`` to the tolerance.
    ``None`` when the value sits on the tolerance or the interval is degenerate.
    """
    half = (ci[1] - ci[0]) / 2.0
    gap = abs(tolerance - value)
    if not (np.isfinite(half) and np.isfinite(gap)) or gap == 0.0 or half <= 0.0 or n <= 0:
        return None
    return math.ceil(n * (half / gap) ** 2)


def minimum_detectable_rate(n: int, tolerance: float, level: float) -> float:
    """The smallest rate whose exact interval from ``n`` pairs lies wholly above ``tolerance`` (the MDE).

    A measured rate ``k / n`` FAILS the equivalence test when the lower end of
    its two-sided ``level`` Clopper–Pearson interval exceeds the tolerance
    (``level`` = 0.90 for a one-sided 95 % bound, see :func:`tost_level`);
    this returns the smallest such ``k / n``: a true rate below it cannot be
    shown to exceed the tolerance with ``n`` pairs, even when measured
    exactly. ``math.inf`` when no rate can (too few pairs); NaN when ``n < 1``.
    Example: 400 pairs, 1 % tolerance, level 0.90 → 2.25 % (9 flips).
    """
    if n < 1:
        return float("nan")
    if not 0.0 < tolerance < 1.0:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance}")

    def clears(k: int) -> bool:
        return proportion_interval(k, n, level, "exact")[0] > tolerance

    if not clears(n):
        return math.inf
    lo, hi = math.floor(tolerance * n), n  # clears(lo) is False: its interval contains k/n ≤ tolerance
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if clears(mid) else (mid, hi)
    return hi / n


def maximum_passing_rate(n: int, tolerance: float, level: float) -> float:
    """The largest rate whose exact interval from ``n`` pairs lies wholly below ``tolerance`` (−inf if none).

    The PASS side of :func:`minimum_detectable_rate`: with ``n`` pairs a
    measured rate must be at most this for the upper bound to clear the
    tolerance (zero flips needs ``n ≥`` :func:`min_pairs_zero_events`).
    """
    if n < 1:
        return float("nan")

    def clears(k: int) -> bool:
        return proportion_interval(k, n, level, "exact")[1] < tolerance

    if not clears(0):
        return -math.inf
    lo, hi = 0, math.ceil(tolerance * n) + 1  # clears(lo) holds, clears(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if clears(mid) else (lo, mid)
    return lo / n


def detectable_mean(ci: tuple[float, float], tolerance: float) -> tuple[float, float]:
    """For a mean (|Δ|) with bootstrap interval ``ci``: the values that would FAIL / PASS at this n.

    The interval's half-width h does not depend much on the value nearby, so
    at the same n a mean above ``tolerance + h`` would have its interval wholly
    above the tolerance (the minimum detectable effect) and one below
    ``tolerance − h`` wholly below it.
    """
    half = (ci[1] - ci[0]) / 2.0
    return tolerance + half, tolerance - half


def hull(ci: tuple[float, float], *others: tuple[float, float] | float) -> tuple[float, float]:
    """The smallest interval containing ``ci`` and every other interval or point (NaNs ignored)."""
    lows, highs = [ci[0]], [ci[1]]
    for o in others:
        lo, hi = (o, o) if isinstance(o, (int, float)) else o
        lows.append(lo)
        highs.append(hi)
    lows = [x for x in lows if np.isfinite(x)]
    highs = [x for x in highs if np.isfinite(x)]
    return (float(min(lows)) if lows else float("nan"), float(max(highs)) if highs else float("nan"))
