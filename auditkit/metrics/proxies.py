"""Proxy detection: how much the *other* inputs reveal a protected attribute (methods.md A3).

Three views, the same design as Credo AI Lens' data-fairness evaluator:

* **redundant encoding** — the cross-validated AUC of gradient boosting
  predicting the attribute from the features (stratified 5-fold, macro
  one-vs-rest when K > 2, seeded), with Credo's ``max(2·AUC − 1, 0)``;
  AUC ≥ 0.6 is *notable*, ≥ 0.7 *strong*. It describes; it never flags a feature;
* **per feature** — normalised mutual information ``I(X_j; A) / H(A)``
  (``mutual_info_classif``, kNN, seeded) and Cramér's V of the feature (binned
  at its quantiles when numeric) against A, reported as before;
* **the proxy decision** — a feature is a *proxy* (and the propagated
  counterfactual, methods.md C2, moves it) only when both hold:

  1. its association with A is **significant**: Pearson's χ² test of the
     feature's table against A, Holm-corrected over every candidate at
     ``α = 1 − level`` (family-wise: no proxy by multiplicity alone);
  2. it is **strong**: the lower end of the two-sided ``level`` confidence
     interval of Cramér's V reaches :data:`MIN_STRENGTH`. The interval inverts
     the noncentral χ² distribution of the statistic (``λ = n·(m − 1)·V²``,
     m = the smaller table dimension), so it is exact up to the χ²
     approximation and, unlike a bootstrap, behaves near zero.

  Default :data:`MIN_STRENGTH` = 0.3 is Cohen's "medium" association (for a
  binary attribute) and the point flag methods.md A3 used so far; now the whole
  interval must clear it, so a flagged proxy carries at least a medium share of
  the attribute with 95 % confidence. Weak links are rejected with the reason
  in the report: on German Credit (400–1,000 rows) age, duration and number of
  liable persons predict sex jointly with AUC ≈ 0.67, each of them weakly, so
  none is a proxy — before, each was flagged on a point NMI and
  any model using age failed a sex counterfactual. The test suite replays that
  failure mode (three features each predicting the attribute with AUC ≈ 0.6
  on 400 rows): none is flagged. A proxy weaker than this but suspected can
  always be declared (``proxies: [...]``).

A **categorical variable** spread over several columns (a declared
``data.feature_groups`` entry or a detected one-hot block, see
:mod:`auditkit.metrics.categorical`) is tested as *one* feature whose levels
are its categories; its columns are not tested on their own.

Public API (also used by the prohibited-feature check): :func:`detect_proxies`
returns a :class:`ProxyReport`; the building blocks :func:`discrete_mask`,
:func:`normalised_mutual_information`, :func:`cramers_v`,
:func:`association_test` and :func:`redundant_encoding` can be called on their
own. Inputs are a float matrix ``X`` (n, d) and the attribute as any array of
labels (n,).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Flags of methods.md A3 (heuristics, not legal standards).
AUC_NOTABLE, AUC_STRONG = 0.6, 0.7
NMI_FLAG, CRAMERS_V_FLAG = 0.05, 0.3
#: Least lower confidence bound of Cramér's V for a proxy (see the module docstring).
MIN_STRENGTH = 0.3
#: Levels of a categorical variable with fewer rows than this are pooled for the χ² table (sparse cells).
MIN_LEVEL_ROWS = 10
#: Cells of one block of bootstrap weights (B × n): bounds memory to ~16 MB per block.
_BOOT_CELLS = 2_000_000


@dataclass(frozen=True)
class FeatureAssociation:
    """One candidate proxy (a feature or a categorical block) and the decision on it.

    ``nmi``, ``cramers_v``, ``flagged`` and ``reasons`` (why it was flagged;
    empty when not) keep their meaning for existing callers. The decision
    fields: ``p_value`` of the χ² test of association with the attribute and
    its Holm-adjusted ``p_holm`` (``significant``: ``p_holm ≤ α``), the strength
    (Cramér's V) with its two-sided interval ``strength_ci`` (``strong``: the
    lower end reaches the minimum), and ``why``: the accepted/rejected reason in
    words; ``flagged = significant and strong``. ``columns`` are the input columns it stands for (one, or a block's).
    """

    feature: str
    discrete: bool
    nmi: float
    cramers_v: float
    flagged: bool
    reasons: tuple[str, ...]
    columns: tuple[str, ...] = ()
    kind: str = "numeric"
    p_value: float = float("nan")
    p_holm: float = float("nan")
    strength_ci: tuple[float, float] = (float("nan"), float("nan"))
    significant: bool = False
    strong: bool = False
    why: str = ""


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
    """Proxy screening of one attribute: the joint encoding and every candidate's association and decision."""

    encoding: RedundantEncoding | None
    features: tuple[FeatureAssociation, ...]
    alpha: float = 0.05
    min_strength: float = MIN_STRENGTH
    level: float = 0.95

    @property
    def flagged(self) -> list[str]:
        """Names of the candidates flagged as proxies (features or blocks), strongest (by V's lower bound) first."""
        hits = [f for f in self.features if f.flagged]
        return [f.feature for f in sorted(hits, key=lambda f: (-_finite(f.strength_ci[0]), -f.nmi))]

    @property
    def rejected(self) -> list[FeatureAssociation]:
        """The candidates that were tested and not accepted as proxies (each with its ``why``)."""
        return [f for f in self.features if not f.flagged]

    def columns_of(self, name: str) -> tuple[str, ...]:
        """The input columns of a candidate (its own name for a single feature)."""
        for f in self.features:
            if f.feature == name:
                return f.columns or (f.feature,)
        raise KeyError(name)


def _finite(x: float) -> float:
    return float(x) if np.isfinite(x) else -1.0


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


def association_test(x_codes: np.ndarray, a_codes: np.ndarray,
                     level: float) -> tuple[float, float, tuple[float, float]]:
    """χ² test of independence of two code arrays: ``(p-value, Cramér's V, V's two-sided level interval)``.

    The interval inverts the noncentral χ² law of the statistic: λ with
    ``P(χ²_df(λ) ≤ x) = 1 − tail`` (lower) and ``= tail`` (upper), then
    ``V = sqrt(λ / (n·(m − 1)))``. The lower end is 0 whenever the test at
    ``1 − level`` does not reject. NaNs when either side has a single level.
    """
    from scipy.optimize import brentq
    from scipy.stats import chi2, ncx2
    from scipy.stats.contingency import crosstab

    table = crosstab(np.asarray(x_codes), np.asarray(a_codes)).count.astype(np.float64)
    n, m = float(table.sum()), min(table.shape)
    if m < 2:
        return float("nan"), float("nan"), (float("nan"), float("nan"))
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    stat = float(((table - expected) ** 2 / expected).sum())
    df = (table.shape[0] - 1) * (table.shape[1] - 1)
    p = float(chi2.sf(stat, df))
    tail = (1.0 - level) / 2.0
    scale = n * (m - 1)

    def bound(q: float) -> float:
        f = lambda lam: float(ncx2.cdf(stat, df, lam)) - q if lam > 0 else float(chi2.cdf(stat, df)) - q  # noqa: E731
        if f(0.0) <= 0.0:
            return 0.0
        hi = max(1.0, stat)
        while f(hi) > 0.0:
            hi *= 2.0
        return float(brentq(f, 0.0, hi, xtol=1e-10 * max(1.0, stat)))

    v = float(np.sqrt(stat / scale))
    low, high = np.sqrt(bound(1.0 - tail) / scale), np.sqrt(bound(tail) / scale)
    return p, v, (float(min(low, 1.0)), float(min(high, 1.0)))


def _pooled(codes: np.ndarray) -> np.ndarray:
    """Codes with levels of fewer than :data:`MIN_LEVEL_ROWS` rows pooled into one level (sparse χ² cells)."""
    counts = np.bincount(codes)
    rare = counts[codes] < MIN_LEVEL_ROWS
    if not rare.any():
        return codes
    out = codes.copy()
    out[rare] = codes.max() + 1
    return np.unique(out, return_inverse=True)[1].reshape(-1)


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values (methods.md C6); NaNs stay NaN and do not count."""
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m, running = order.size, 0.0
    for i, j in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[j]))
        out[j] = running
    return out


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
    groups: Mapping[str, Sequence[str]] | None = None,
    min_strength: float = MIN_STRENGTH,
    alpha: float | None = None,
) -> ProxyReport:
    """Screen every feature of ``X`` (except ``exclude``: the attribute's own columns) as a proxy for ``a``.

    Candidates are the single columns plus each categorical block (declared
    ``groups`` and detected one-hot blocks; their columns are not candidates on
    their own). A candidate is flagged when its χ² test is significant after
    Holm's correction at ``alpha`` (default ``1 − level``) and the lower end of
    its ``level`` interval of Cramér's V reaches ``min_strength`` (module
    docstring). ``nmi_flag`` and ``v_flag`` no longer flag: they are named in
    the reasons as the screening heuristics of methods.md A3. With
    ``encoding`` the joint cross-validated AUC is computed too (the most
    expensive part, about a second for 10k rows).
    """
    from auditkit.metrics.categorical import category_codes, find_blocks

    names = list(feature_names)
    X = np.asarray(X, dtype=np.float64)
    if X.shape[1] != len(names):
        raise ValueError(f"X has {X.shape[1]} columns but {len(names)} feature names were given")
    alpha = 1.0 - level if alpha is None else alpha
    keep = [j for j, name in enumerate(names) if name not in set(exclude)]
    Xk = X[:, keep]
    codes, k = _codes(a)
    if k < 2 or not keep:
        return ProxyReport(encoding=None, features=(), alpha=alpha, min_strength=min_strength, level=level)
    blocks = find_blocks(X, names, groups, exclude)
    in_block = {j for b in blocks for j in b.columns}
    singles = [j for j in keep if j not in in_block]
    mask = discrete_mask(X[:, singles]) if singles else np.zeros(0, dtype=bool)
    cands: list[tuple[str, tuple[str, ...], str, bool, np.ndarray]] = []  # name, columns, kind, discrete, codes
    for i, j in enumerate(singles):
        cands.append((names[j], (names[j],), "discrete" if mask[i] else "numeric", bool(mask[i]),
                      binned(X[:, j], bins, bool(mask[i]))))
    for b in blocks:
        cat = category_codes(X, b.columns)[0]
        cands.append((b.name, b.names, "declared group" if b.declared else "one-hot block", True, cat))
    level_codes = np.column_stack([c[4] for c in cands]).astype(np.float64)
    nmi = normalised_mutual_information(level_codes, codes, discrete=np.ones(len(cands), dtype=bool), seed=seed)
    if singles:  # single numeric columns: the kNN estimate on the values themselves, as before
        nmi[: len(singles)] = normalised_mutual_information(X[:, singles], codes, discrete=mask, seed=seed)
    tests = [association_test(_pooled(c[4]), codes, level) for c in cands]
    p_holm = _holm(np.array([t[0] for t in tests]))
    out = []
    for i, (name, cols, kind, discrete, _) in enumerate(cands):
        p, v, ci = tests[i]
        significant = bool(np.isfinite(p_holm[i]) and p_holm[i] <= alpha)
        strong = bool(np.isfinite(ci[0]) and ci[0] >= min_strength)
        flagged = significant and strong
        interval = f"V {v:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if np.isfinite(v) else "V undefined (one level)"
        if flagged:
            why = (f"proxy: χ² Holm p {p_holm[i]:.2g} ≤ {alpha:g} and {interval}, lower bound ≥ {min_strength:g}")
        elif not np.isfinite(p):
            why = "rejected: a single level, no association can be measured"
        elif not significant:
            why = f"rejected: association not significant (Holm p {p_holm[i]:.2g} > {alpha:g})"
        else:
            why = f"rejected: too weak ({interval}; the lower bound is below {min_strength:g})"
        reasons = []
        if flagged:
            reasons.append(f"χ² Holm p {p_holm[i]:.2g} ≤ {alpha:g}")
            reasons.append(f"{interval} ≥ {min_strength:g}")
            if nmi[i] >= nmi_flag:
                reasons.append(f"NMI {nmi[i]:.3f} ≥ {nmi_flag:g}")
            if np.isfinite(v) and v >= v_flag:
                reasons.append(f"Cramér's V {v:.3f} ≥ {v_flag:g}")
        out.append(FeatureAssociation(feature=name, discrete=discrete, nmi=float(nmi[i]), cramers_v=v,
                                      flagged=flagged, reasons=tuple(reasons), columns=cols, kind=kind, p_value=p,
                                      p_holm=float(p_holm[i]), strength_ci=ci, significant=significant,
                                      strong=strong, why=why))
    joint = redundant_encoding(Xk, codes, seed=seed, resamples=resamples, level=level) if encoding else None
    return ProxyReport(encoding=joint, features=tuple(out), alpha=alpha, min_strength=min_strength, level=level)
