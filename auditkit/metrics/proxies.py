"""Proxy detection: how much the *other* inputs reveal a protected attribute (methods.md A3).

Three views, the same design as Credo AI Lens' data-fairness evaluator:

* **redundant encoding** — the cross-validated AUC of gradient boosting
  predicting the attribute from the features (stratified 5-fold, macro
  one-vs-rest when K > 2, seeded), with Credo's ``max(2·AUC − 1, 0)``;
  AUC ≥ 0.6 is *notable*, ≥ 0.7 *strong*;
* **per feature** — normalised mutual information ``I(X_j; A) / H(A)`` from
  ``mutual_info_classif(..., discrete_features=mask, n_neighbors=3,
  random_state=seed)``, flagged at ≥ 0.05, and Cramér's V of the feature
  (binned at its quantiles when numeric) against A, flagged at ≥ 0.3.

These are *screening* statistics: a flagged feature is a candidate proxy that
the propagated counterfactual (methods.md C2) then moves; whether the model
*uses* it is decided there, on intervals. The joint AUC comes with a
class-stratified bootstrap interval. NMI and Cramér's V are point estimates:
both are biased upwards near zero, where bootstrap intervals do not even
cover the estimate (and resampled duplicates break the kNN MI estimator), so
an interval would mislead more than inform; they only select candidates.

Public API (also used by the prohibited-feature check): :func:`detect_proxies`
returns a :class:`ProxyReport`; the building blocks :func:`discrete_mask`,
:func:`normalised_mutual_information`, :func:`cramers_v` and
:func:`redundant_encoding` can be called on their own. Inputs are a float
matrix ``X`` (n, d) and the attribute as any array of labels (n,).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Flags of methods.md A3 (heuristics, not legal standards).
AUC_NOTABLE, AUC_STRONG = 0.6, 0.7
NMI_FLAG, CRAMERS_V_FLAG = 0.05, 0.3
#: Cells of one block of bootstrap weights (B × n): bounds memory to ~16 MB per block.
_BOOT_CELLS = 2_000_000


@dataclass(frozen=True)
class FeatureAssociation:
    """One feature's association with the attribute: NMI, Cramér's V and the screening flag."""

    feature: str
    discrete: bool
    nmi: float
    cramers_v: float
    flagged: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RedundantEncoding:
    """How well all the given features jointly predict the attribute (cross-validated AUC)."""

    auc: float
    auc_ci: tuple[float, float]
    credo_score: float
    level: str
    n: int
    folds: int


@dataclass(frozen=True)
class ProxyReport:
    """Proxy screening of one attribute: the joint encoding and every feature's association."""

    encoding: RedundantEncoding | None
    features: tuple[FeatureAssociation, ...]

    @property
    def flagged(self) -> list[str]:
        """Names of the features flagged as proxies, strongest (by NMI) first."""
        hits = [f for f in self.features if f.flagged]
        return [f.feature for f in sorted(hits, key=lambda f: -f.nmi)]


def discrete_mask(X: np.ndarray, max_levels: int = 20) -> np.ndarray:
    """Columns to treat as discrete: integer-valued with at most ``max_levels`` distinct values."""
    X = np.asarray(X, dtype=np.float64)
    out = np.zeros(X.shape[1], dtype=bool)
    for j in range(X.shape[1]):
        col = X[:, j]
        out[j] = bool(np.all(col == np.round(col))) and np.unique(col).size <= max_levels
    return out


def _codes(a: np.ndarray) -> tuple[np.ndarray, int]:
    _, codes = np.unique(np.asarray(a).astype(str), return_inverse=True)
    return codes.astype(np.int64), int(codes.max()) + 1 if codes.size else 0


def normalised_mutual_information(
    X: np.ndarray, a: np.ndarray, *, discrete: np.ndarray | None = None, seed: int = 0
) -> np.ndarray:
    """``I(X_j; A) / H(A)`` per column (0 = independent, 1 = A is a function of X_j; kNN estimate, k=3)."""
    from sklearn.feature_selection import mutual_info_classif

    codes, k = _codes(a)
    if k < 2:
        return np.zeros(np.asarray(X).shape[1])
    p = np.bincount(codes) / codes.size
    entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
    mask = discrete_mask(X) if discrete is None else np.asarray(discrete, dtype=bool)
    mi = mutual_info_classif(np.asarray(X, dtype=np.float64), codes, discrete_features=mask, n_neighbors=3,
                             random_state=seed)
    return np.clip(mi / entropy, 0.0, 1.0)


def binned(column: np.ndarray, bins: int = 10, discrete: bool = False) -> np.ndarray:
    """Integer bin codes of a column: its own values when discrete, else quantile bins (ties merged)."""
    col = np.asarray(column, dtype=np.float64)
    if discrete or np.unique(col).size <= bins:
        return np.unique(col, return_inverse=True)[1].astype(np.int64)
    edges = np.unique(np.quantile(col, np.linspace(0, 1, bins + 1)[1:-1]))
    return np.searchsorted(edges, col, side="right").astype(np.int64)


def cramers_v(x_codes: np.ndarray, a_codes: np.ndarray) -> float:
    """Cramér's V of two label arrays: ``scipy.stats.contingency.association(table, method="cramer")``.

    NaN when either side has a single level. Not bias-corrected, like scipy's.
    """
    from scipy.stats.contingency import association, crosstab

    table = crosstab(np.asarray(x_codes), np.asarray(a_codes)).count
    if min(table.shape) < 2:
        return float("nan")
    return float(association(table, method="cramer"))


def _weighted_auc(score: np.ndarray, positive: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """AUC of ``score`` for ``positive`` under row weights ``(B, n)`` (ties count one half); shape ``(B,)``."""
    order = np.argsort(score, kind="stable")
    s, pos, w = score[order], positive[order], weights[:, order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    wp = np.add.reduceat(w * pos, starts, axis=1)
    wn = np.add.reduceat(w * ~pos, starts, axis=1)
    below = np.cumsum(wn, axis=1) - wn
    with np.errstate(invalid="ignore", divide="ignore"):
        return (wp * (below + 0.5 * wn)).sum(axis=1) / (wp.sum(axis=1) * wn.sum(axis=1))


def _auc_with_interval(proba: np.ndarray, codes: np.ndarray, k: int, resamples: int, level: float,
                       rng: np.random.Generator) -> tuple[float, tuple[float, float]]:
    """Macro one-vs-rest AUC of out-of-fold probabilities, with a class-stratified bootstrap interval."""
    n = codes.size
    classes = [1] if k == 2 else list(range(k))

    def macro(weights: np.ndarray) -> np.ndarray:
        return np.mean([_weighted_auc(proba[:, g], codes == g, weights) for g in classes], axis=0)

    auc = float(macro(np.ones((1, n)))[0])
    if resamples <= 0:
        return auc, (float("nan"), float("nan"))
    block = max(1, _BOOT_CELLS // n)
    boot = []
    for start in range(0, resamples, block):  # blocks of resamples bound the (B, n) weight matrix
        size = min(block, resamples - start)
        weights = np.zeros((size, n))
        for g in range(k):
            rows = np.flatnonzero(codes == g)
            weights[:, rows] = rng.multinomial(rows.size, np.full(rows.size, 1.0 / rows.size), size=size)
        boot.append(macro(weights))
    tail = (1.0 - level) / 2.0
    lo, hi = np.nanquantile(np.concatenate(boot), [tail, 1.0 - tail])
    return auc, (float(lo), float(hi))


def redundant_encoding(
    X: np.ndarray, a: np.ndarray, *, seed: int = 0, folds: int = 5, max_rows: int = 20_000,
    resamples: int = 500, level: float = 0.95,
) -> RedundantEncoding | None:
    """Cross-validated AUC of gradient boosting predicting ``a`` from ``X`` (None if a class is too small).

    Stratified ``folds``-fold, seeded; a stratified subsample of ``max_rows``
    rows bounds the cost. Single-threaded (OpenMP oversubscription on busy
    machines made multi-threaded fits 15× slower) and deterministic.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    X = np.asarray(X, dtype=np.float64)
    codes, k = _codes(a)
    if k < 2 or X.shape[1] == 0 or np.bincount(codes).min() < folds:
        return None
    rng = np.random.default_rng(seed)
    if codes.size > max_rows:
        keep = np.sort(np.concatenate([
            rng.choice(rows, size=max(folds, round(rows.size * max_rows / codes.size)), replace=False)
            for rows in (np.flatnonzero(codes == g) for g in range(k))
        ]))
        X, codes = X[keep], codes[keep]
    model = HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=15, early_stopping=False, random_state=seed)
    with threadpool_limits(limits=1):
        proba = cross_val_predict(model, X, codes, cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
                                  method="predict_proba")
    auc, ci = _auc_with_interval(proba, codes, k, resamples, level, rng)
    level_name = "strong" if auc >= AUC_STRONG else "notable" if auc >= AUC_NOTABLE else "none"
    return RedundantEncoding(auc=auc, auc_ci=ci, credo_score=max(2 * auc - 1, 0.0), level=level_name,
                             n=int(codes.size), folds=folds)


def detect_proxies(
    X: np.ndarray,
    a: np.ndarray,
    feature_names: Sequence[str],
    *,
    seed: int = 0,
    exclude: Sequence[str] = (),
    nmi_flag: float = NMI_FLAG,
    v_flag: float = CRAMERS_V_FLAG,
    bins: int = 10,
    resamples: int = 500,
    level: float = 0.95,
    encoding: bool = True,
) -> ProxyReport:
    """Screen every feature of ``X`` (except ``exclude``: the attribute's own columns) as a proxy for ``a``.

    A feature is flagged when its NMI reaches ``nmi_flag`` or its Cramér's V
    reaches ``v_flag``. With ``encoding`` the joint cross-validated AUC is
    computed too (the most expensive part, about a second for 10k rows).
    """
    names = list(feature_names)
    X = np.asarray(X, dtype=np.float64)
    if X.shape[1] != len(names):
        raise ValueError(f"X has {X.shape[1]} columns but {len(names)} feature names were given")
    keep = [j for j, name in enumerate(names) if name not in set(exclude)]
    Xk = X[:, keep]
    codes, k = _codes(a)
    if k < 2 or not keep:
        return ProxyReport(encoding=None, features=())
    mask = discrete_mask(Xk)
    nmi = normalised_mutual_information(Xk, codes, discrete=mask, seed=seed)
    out = []
    for i, j in enumerate(keep):
        v = cramers_v(binned(Xk[:, i], bins, bool(mask[i])), codes)
        reasons = []
        if nmi[i] >= nmi_flag:
            reasons.append(f"NMI {nmi[i]:.3f} ≥ {nmi_flag:g}")
        if np.isfinite(v) and v >= v_flag:
            reasons.append(f"Cramér's V {v:.3f} ≥ {v_flag:g}")
        out.append(FeatureAssociation(feature=names[j], discrete=bool(mask[i]), nmi=float(nmi[i]), cramers_v=v,
                                      flagged=bool(reasons), reasons=tuple(reasons)))
    joint = redundant_encoding(Xk, codes, seed=seed, resamples=resamples, level=level) if encoding else None
    return ProxyReport(encoding=joint, features=tuple(out))
