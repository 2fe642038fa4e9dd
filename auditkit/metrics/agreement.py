"""Agreement between attribution methods (methods.md B1, B2, B6): pure numpy.

Every function takes attribution matrices ``(n, d)`` (one row per explained
instance, one column per interpretable feature) and an optional boolean
``valid`` matrix of the same shape: text instances have different numbers of
words, so their rows are padded and the padding is marked invalid.

Definitions (Krishna et al., "The disagreement problem", TMLR 2024; OpenXAI
names and tie handling):

* ``top(E, k)``: the k features with the largest ``|E|``; ties are broken by
  feature order (lower index first), so results are deterministic.
* feature agreement ``FA = |T| / k`` with ``T = top(E_a,k) ∩ top(E_b,k)``; rank
  agreement ``RA`` counts features of T at the same position in both orders,
  sign agreement ``SA`` those with the same sign, signed-rank agreement ``SRA``
  both.
* rank correlation ``RC``: Pearson correlation of the *dense* ranks of ``-|E|``
  (OpenXAI ``rankcorr``), so tied magnitudes share a rank.
* pairwise rank agreement ``PRA``: share of feature pairs ``i < j`` whose
  relative order ``1[|E_i| > |E_j|]`` is the same in both explanations (dense
  ranks, so a tie is "not greater" in both directions).
* chance levels for random explanations: FA k/d, RA 1/d, SA k/(2d), SRA 1/(2d),
  RC 0, PRA 0.5; ``FA* = (FA − k/d) / (1 − k/d)``.

Instances with at most k valid features get NaN for the top-k metrics (their
agreement would be trivially 1); instances with fewer than two valid features
get NaN for RC and PRA. Averages ignore NaN.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from auditkit.metrics.stats import percentile_interval

#: Per-instance agreement metrics, in report order.
AGREEMENT_METRICS: tuple[str, ...] = (
    "feature_agreement",
    "feature_agreement_star",
    "rank_agreement",
    "sign_agreement",
    "signed_rank_agreement",
    "rank_correlation",
    "pairwise_rank_agreement",
)


def _interval(boot: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0; NaN (without a warning) where every resample is NaN."""
    b = np.asarray(boot, dtype=np.float64)
    b2 = b.reshape(b.shape[0], -1)
    lo, hi = np.full(b2.shape[1], np.nan), np.full(b2.shape[1], np.nan)
    some = np.isfinite(b2).any(axis=0)
    if some.any():
        lo[some], hi[some] = percentile_interval(b2[:, some], confidence, axis=0)
    return lo.reshape(b.shape[1:]), hi.reshape(b.shape[1:])


def _valid(values: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    ok = np.isfinite(values)
    return ok if valid is None else ok & np.asarray(valid, dtype=bool)


def _as_matrix(values: np.ndarray) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(f"attributions must be a vector or an (n, d) matrix, got shape {a.shape}")
    return a


def magnitude_order(values: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Per row, feature indices by decreasing ``|E|`` (ties: lower index first; invalid features last)."""
    e = _as_matrix(values)
    key = np.where(_valid(e, valid), -np.abs(e), np.inf)
    return np.argsort(key, axis=1, kind="stable")


def positions(order: np.ndarray) -> np.ndarray:
    """Inverse permutation of each row of ``order``: the position of every feature."""
    pos = np.empty_like(order)
    rows = np.arange(order.shape[0])[:, None]
    pos[rows, order] = np.arange(order.shape[1])[None, :]
    return pos


def dense_ranks(values: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Dense rank of ``-|E|`` per row (1 = largest magnitude; ties share a rank); NaN where invalid."""
    e = _as_matrix(values)
    ok = _valid(e, valid)
    out = np.full(e.shape, np.nan)
    for i in range(e.shape[0]):
        sel = ok[i]
        if sel.any():
            _, inverse = np.unique(-np.abs(e[i, sel]), return_inverse=True)
            out[i, sel] = inverse + 1.0
    return out


def _row_pearson(a: np.ndarray, b: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Pearson correlation per row over the entries where ``ok``; NaN if either side is constant."""
    n_ok = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = np.where(ok, a, 0.0).sum(axis=1) / n_ok
        mb = np.where(ok, b, 0.0).sum(axis=1) / n_ok
        da = np.where(ok, a - ma[:, None], 0.0)
        db = np.where(ok, b - mb[:, None], 0.0)
        num = (da * db).sum(axis=1)
        den = np.sqrt((da**2).sum(axis=1) * (db**2).sum(axis=1))
        r = num / den
    r[(n_ok < 2) | (den <= 1e-300)] = np.nan
    return np.clip(r, -1.0, 1.0)


def rank_correlation(a: np.ndarray, b: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """RC per instance: Pearson correlation of the dense ranks of ``-|E_a|`` and ``-|E_b|`` (OpenXAI)."""
    ea, eb = _as_matrix(a), _as_matrix(b)
    ok = _valid(ea, valid) & _valid(eb, valid)
    return _row_pearson(dense_ranks(ea, ok), dense_ranks(eb, ok), ok)


def pairwise_rank_agreement(a: np.ndarray, b: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """PRA per instance: share of feature pairs ``i < j`` ordered the same way by ``|E_a|`` and ``|E_b|``."""
    ea, eb = _as_matrix(a), _as_matrix(b)
    ok = _valid(ea, valid) & _valid(eb, valid)
    ra, rb = dense_ranks(ea, ok), dense_ranks(eb, ok)
    d = ea.shape[1]
    upper = np.triu(np.ones((d, d), dtype=bool), k=1)
    pair_ok = ok[:, :, None] & ok[:, None, :] & upper[None]
    with np.errstate(invalid="ignore"):
        rel_a = ra[:, :, None] < ra[:, None, :]  # |E_i| > |E_j|
        rel_b = rb[:, :, None] < rb[:, None, :]
    agree = ((rel_a == rel_b) & pair_ok).sum(axis=(1, 2))
    pairs = pair_ok.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = agree / pairs
    out[pairs == 0] = np.nan
    return out


def chance_levels(k: int, d: int | np.ndarray) -> dict[str, np.ndarray | float]:
    """Expected value of each metric for two independent random explanations over ``d`` features."""
    d_arr = np.asarray(d, dtype=np.float64)
    return {
        "feature_agreement": k / d_arr,
        "feature_agreement_star": 0.0,
        "rank_agreement": 1.0 / d_arr,
        "sign_agreement": k / (2.0 * d_arr),
        "signed_rank_agreement": 1.0 / (2.0 * d_arr),
        "rank_correlation": 0.0,
        "pairwise_rank_agreement": 0.5,
    }


def chance_corrected(value: np.ndarray | float, chance: np.ndarray | float) -> np.ndarray:
    """``(value − chance) / (1 − chance)``: 0 at chance level, 1 at perfect agreement."""
    v, c = np.asarray(value, dtype=np.float64), np.asarray(chance, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c < 1.0, (v - c) / (1.0 - c), np.nan)


def instance_agreement(
    a: np.ndarray, b: np.ndarray, k: int, valid: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Every metric of :data:`AGREEMENT_METRICS` per instance for two explanations of the same instances."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    ea, eb = _as_matrix(a), _as_matrix(b)
    if ea.shape != eb.shape:
        raise ValueError(f"attribution shapes differ: {ea.shape} vs {eb.shape}")
    ok = _valid(ea, valid) & _valid(eb, valid)
    d_i = ok.sum(axis=1)
    pos_a = positions(magnitude_order(ea, ok))
    pos_b = positions(magnitude_order(eb, ok))
    in_a, in_b = pos_a < k, pos_b < k
    both = in_a & in_b & ok
    same_rank = both & (pos_a == pos_b)
    same_sign = both & (np.sign(ea) == np.sign(eb))
    defined = d_i > k
    out: dict[str, np.ndarray] = {}
    for name, hits in (("feature_agreement", both), ("rank_agreement", same_rank),
                       ("sign_agreement", same_sign), ("signed_rank_agreement", same_rank & same_sign)):
        out[name] = np.where(defined, hits.sum(axis=1) / k, np.nan)
    fa_chance = np.where(defined, k / np.maximum(d_i, 1), np.nan)
    out["feature_agreement_star"] = np.where(defined, chance_corrected(out["feature_agreement"], fa_chance), np.nan)
    out["rank_correlation"] = rank_correlation(ea, eb, ok)
    out["pairwise_rank_agreement"] = pairwise_rank_agreement(ea, eb, ok)
    return {name: out[name] for name in AGREEMENT_METRICS}


def in_top_k(values: np.ndarray, feature: int, k: int, valid: np.ndarray | None = None) -> np.ndarray:
    """Per instance, whether ``feature`` is among the top-k by magnitude (bool ``(n,)``)."""
    return positions(magnitude_order(values, valid))[:, feature] < k


def attribution_share(values: np.ndarray, feature: int, valid: np.ndarray | None = None) -> np.ndarray:
    """``|φ_A| / Σ_j |φ_j|`` per instance (methods.md A3, with A one interpretable feature); NaN if all zero."""
    e = _as_matrix(values)
    mag = np.where(_valid(e, valid), np.abs(e), 0.0)
    total = mag.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = mag[:, feature] / total
    share[total <= 0] = np.nan
    return share


def fleiss_kappa(ratings: np.ndarray) -> float:
    """Fleiss' κ for ``ratings`` ``(n_subjects, n_raters)`` of category labels (e.g. 0/1 "A in top k").

    ``P_i = (Σ_c n_ic² − r) / (r(r − 1))``, ``P̄ = mean P_i``, ``P̄_e = Σ_c p_c²``,
    ``κ = (P̄ − P̄_e) / (1 − P̄_e)``. NaN when every rating falls in one category
    (``P̄_e = 1``: κ is undefined), or with fewer than two raters or no subjects.
    """
    r_mat = np.asarray(ratings)
    if r_mat.ndim != 2 or r_mat.shape[0] == 0 or r_mat.shape[1] < 2:
        return float("nan")
    n_raters = r_mat.shape[1]
    _, codes = np.unique(r_mat, return_inverse=True)
    codes = codes.reshape(r_mat.shape)
    counts = np.stack([(codes == c).sum(axis=1) for c in range(codes.max() + 1)], axis=1).astype(np.float64)
    p_i = ((counts**2).sum(axis=1) - n_raters) / (n_raters * (n_raters - 1))
    p_bar = p_i.mean()
    p_c = counts.sum(axis=0) / counts.sum()
    p_e = float((p_c**2).sum())
    if p_e >= 1.0 - 1e-12:
        return float("nan")
    return float((p_bar - p_e) / (1.0 - p_e))


def bootstrap_means(
    values: np.ndarray, n_boot: int, confidence: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of each column over instances with a percentile bootstrap interval (instances resampled jointly).

    ``values`` is ``(n,)`` or ``(n, p)``; NaN entries are ignored. Returns
    ``(mean, ci_low, ci_high)``, each ``(p,)`` (or scalars for a vector input).
    """
    v = np.asarray(values, dtype=np.float64)
    vector = v.ndim == 1
    v = v[:, None] if vector else v
    n = v.shape[0]
    if n == 0:
        nan = np.full(v.shape[1], np.nan)
        return (nan[0], nan[0], nan[0]) if vector else (nan, nan.copy(), nan.copy())
    finite = np.isfinite(v)
    sums = np.where(finite, v, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        point = sums.sum(axis=0) / finite.sum(axis=0)
    idx = rng.integers(0, n, size=(n_boot, n))
    counts = np.zeros((n_boot, n))
    np.add.at(counts, (np.arange(n_boot)[:, None], idx), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = (counts @ sums) / (counts @ finite.astype(np.float64))
    lo, hi = _interval(boot, confidence)
    if vector:
        return point[0], lo[0], hi[0]
    return point, lo, hi


def bootstrap_statistic(
    statistic: Callable[[np.ndarray], float], n: int, n_boot: int, confidence: float, rng: np.random.Generator
) -> tuple[float, float, float]:
    """A statistic of the instances (given their indices) with a percentile bootstrap interval over instances."""
    point = float(statistic(np.arange(n)))
    boot = np.array([statistic(rng.integers(0, n, size=n)) for _ in range(n_boot)], dtype=np.float64)
    lo, hi = _interval(boot, confidence)
    return point, float(lo), float(hi)


def self_agreement(runs: list[np.ndarray], k: int, valid: np.ndarray | None = None) -> dict[str, float]:
    """Mean agreement of repeated runs of one stochastic method (seeds): the ceiling for other methods.

    Averages each metric over every pair of runs and every instance.
    """
    if len(runs) < 2:
        return {name: float("nan") for name in AGREEMENT_METRICS}
    per_pair = [instance_agreement(runs[i], runs[j], k, valid)
                for i in range(len(runs)) for j in range(i + 1, len(runs))]
    out = {}
    for name in AGREEMENT_METRICS:
        stacked = np.concatenate([p[name] for p in per_pair])
        out[name] = float(np.nanmean(stacked)) if np.isfinite(stacked).any() else float("nan")
    return out
