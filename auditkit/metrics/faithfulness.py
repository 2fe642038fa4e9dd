"""Faithfulness and sanity of attributions (methods.md B3): pure numpy.

The model is never called here. Callers evaluate the model on the perturbed
inputs these functions describe (boolean "removed" masks over interpretable
features) and pass the scores back:

* **deletion / insertion** (Petsiuk et al., BMVC 2018): remove (or restore)
  features in the order of an attribution, most important first, and record the
  explained score after each step. Curves are *oriented* per instance:
  ``(s − s(x′)) · sign(s(x) − s(x′))``, so every curve runs from
  ``|s(x) − s(x′)|`` (full input) to 0 (the baseline) whichever side of the
  baseline the instance lies on, and the order follows ``φ · sign(s(x) − s(x′))``
  ("important" means "pushes the score away from the baseline"). Areas (trapezoid
  over the removed fraction) are averaged over instances and compared with random
  orders as ratios of means: ``deletion gain = (AUC_rand − AUC_del) / AUC_rand``
  (higher is better), ``insertion gain = (AUC_ins − AUC_rand) / AUC_rand``.
  Instances whose score barely moves weigh little instead of dividing by ~0.
* **ERASER** (DeYoung et al., ACL 2020): comprehensiveness ``s_j(x) − s_j(x∖r)``
  and sufficiency ``s_j(x) − s_j(r)`` for the top-k% rationale ``r``, with
  ``j`` the predicted class, and their AOPC averages over the thresholds.
* **IG completeness** (Sundararajan et al., ICML 2017): ``δ = Σφ − (F(x) − F(x′))``.
* **randomisation sanity** (Adebayo et al., NeurIPS 2018): Spearman correlation
  per instance between attributions of the trained and of a randomised model.
"""

from __future__ import annotations

import numpy as np

#: ERASER's rationale sizes (``aopc_thresholds``), as fractions of the words of a text.
ERASER_FRACTIONS: tuple[float, ...] = (0.01, 0.05, 0.10, 0.20, 0.50)


def _valid(values: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    ok = np.isfinite(values)
    return ok if valid is None else ok & np.asarray(valid, dtype=bool)


def removal_order(values: np.ndarray, direction: np.ndarray | None = None,
                  valid: np.ndarray | None = None) -> np.ndarray:
    """Per row, features by decreasing ``φ · direction`` (ties: lower index first; invalid features last)."""
    e = np.asarray(values, dtype=np.float64)
    sign = np.ones(e.shape[0]) if direction is None else np.where(np.asarray(direction) < 0, -1.0, 1.0)
    key = np.where(_valid(e, valid), -(e * sign[:, None]), np.inf)
    return np.argsort(key, axis=1, kind="stable")


def random_orders(rng: np.random.Generator, valid: np.ndarray, repeats: int) -> np.ndarray:
    """``repeats`` random orders per row ``(repeats, n, m)``: valid features shuffled first, invalid last."""
    ok = np.asarray(valid, dtype=bool)
    keys = rng.random((repeats, *ok.shape))
    keys = np.where(ok[None], keys, 2.0)
    return np.argsort(keys, axis=2, kind="stable")


def removal_counts(n_valid: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Features removed at each fraction ``(n, T)``: ``round(f · m_i)``, at least 1 for ``f > 0``."""
    m = np.asarray(n_valid, dtype=np.float64)[:, None]
    f = np.asarray(fractions, dtype=np.float64)[None, :]
    counts = np.rint(f * m)
    counts = np.where((f > 0) & (counts < 1) & (m > 0), 1.0, counts)
    return np.minimum(counts, m).astype(np.int64)


def removal_masks(order: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``(n, T, m)`` boolean: feature removed when its position in ``order`` is below the step's count."""
    pos = np.empty_like(order)
    rows = np.arange(order.shape[0])[:, None]
    pos[rows, order] = np.arange(order.shape[1])[None, :]
    return pos[:, None, :] < np.asarray(counts)[:, :, None]


def orient_curves(scores: np.ndarray, full: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """``(s − s(x′)) · sign(s(x) − s(x′))`` per instance: from ``|s(x) − s(x′)|`` at the full input to 0."""
    s = np.asarray(scores, dtype=np.float64)
    empty = np.asarray(empty, dtype=np.float64)
    sign = np.where(np.asarray(full, dtype=np.float64) >= empty, 1.0, -1.0)
    return (s - empty[:, None]) * sign[:, None]


def mean_normalised_curve(curves: np.ndarray, full: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """The mean oriented curve divided by the mean ``|s(x) − s(x′)|``: 1 at the full input, 0 at the baseline."""
    scale = float(np.mean(np.abs(np.asarray(full, dtype=np.float64) - np.asarray(empty, dtype=np.float64))))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanmean(np.asarray(curves, dtype=np.float64), axis=0) / scale if scale > 0 else \
            np.full(np.asarray(curves).shape[-1], np.nan)


def curve_auc(fractions: np.ndarray, curves: np.ndarray) -> np.ndarray:
    """Trapezoid area under ``curves`` (last axis) over ``fractions``, divided by the fraction range."""
    f = np.asarray(fractions, dtype=np.float64)
    c = np.asarray(curves, dtype=np.float64)
    width = f[-1] - f[0]
    area = ((c[..., 1:] + c[..., :-1]) * 0.5 * np.diff(f)).sum(axis=-1)
    return area / width if width > 0 else area


def relative_gain(auc_method: np.ndarray, auc_random: np.ndarray, *, higher_is_better: bool) -> float:
    """Petsiuk-style gain over random orders from per-instance AUCs (means over instances, NaN ignored).

    Deletion (lower is better): ``(AUC_rand − AUC_del) / AUC_rand``; insertion
    (higher is better): ``(AUC_ins − AUC_rand) / AUC_rand``. NaN if the random
    AUC is (near) zero.
    """
    am, ar = np.asarray(auc_method, dtype=np.float64), np.asarray(auc_random, dtype=np.float64)
    ok = np.isfinite(am) & np.isfinite(ar)
    if not ok.any():
        return float("nan")
    m, r = float(am[ok].mean()), float(ar[ok].mean())
    if abs(r) < 1e-12:
        return float("nan")
    return (m - r) / r if higher_is_better else (r - m) / r


def comprehensiveness(full: np.ndarray, without_rationale: np.ndarray) -> np.ndarray:
    """ERASER comprehensiveness ``s_j(x) − s_j(x∖r)`` per instance and threshold (higher is better)."""
    return np.asarray(full, dtype=np.float64)[:, None] - np.asarray(without_rationale, dtype=np.float64)


def sufficiency(full: np.ndarray, rationale_only: np.ndarray) -> np.ndarray:
    """ERASER sufficiency ``s_j(x) − s_j(r)`` per instance and threshold (lower is better)."""
    return np.asarray(full, dtype=np.float64)[:, None] - np.asarray(rationale_only, dtype=np.float64)


def aopc(values: np.ndarray, at_zero: np.ndarray | float = 0.0) -> np.ndarray:
    """Area over the perturbation curve: ``1/(|B|+1) · Σ_{k∈{0}∪B} v_k`` (ERASER).

    ``values`` holds the thresholds of ``B`` on its last axis; ``at_zero`` is the
    term of the 0 % rationale: 0 for comprehensiveness (nothing removed, no
    change), ``s(x) − s(∅)`` for sufficiency (nothing kept).
    """
    v = np.asarray(values, dtype=np.float64)
    return (v.sum(axis=-1) + np.asarray(at_zero, dtype=np.float64)) / (v.shape[-1] + 1)


def predicted_class_scores(scores: np.ndarray, decisions: np.ndarray, explained: str) -> np.ndarray:
    """Score of the predicted class ``s_j`` from the favourable-class score: itself, or ``−logit`` / ``1 − p``."""
    s = np.asarray(scores, dtype=np.float64)
    fav = np.asarray(decisions).astype(bool)
    if s.ndim == 2:
        fav = fav[:, None]
    if explained == "logit":
        return np.where(fav, s, -s)
    return np.where(fav, s, 1.0 - s)


def completeness(attribution_sum: np.ndarray, f_input: np.ndarray, f_reference: np.ndarray,
                 atol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """IG completeness: ``δ = Σφ − (F(x) − F(x′))`` and ``|δ| / |F(x) − F(x′)|`` per instance.

    The relative error is 0 where ``|δ| ≤ atol`` (a numerically exact result
    on an instance whose score barely moves would otherwise look infinitely wrong).
    """
    gap = np.asarray(f_input, dtype=np.float64) - np.asarray(f_reference, dtype=np.float64)
    delta = np.asarray(attribution_sum, dtype=np.float64) - gap
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(delta) / np.abs(gap)
    rel = np.where(np.abs(delta) <= atol, 0.0, rel)
    return delta, rel


def _average_ranks(values: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank) per row over the entries where ``ok``; NaN elsewhere."""
    out = np.full(values.shape, np.nan)
    for i in range(values.shape[0]):
        v = values[i, ok[i]]
        if v.size == 0:
            continue
        order = np.argsort(v, kind="stable")
        ranks = np.empty(v.size)
        ranks[order] = np.arange(1, v.size + 1, dtype=np.float64)
        uniq, inverse = np.unique(v, return_inverse=True)
        sums = np.bincount(inverse, weights=ranks, minlength=uniq.size)
        counts = np.bincount(inverse, minlength=uniq.size)
        out[i, ok[i]] = (sums / counts)[inverse]
    return out


def spearman_rows(a: np.ndarray, b: np.ndarray, valid: np.ndarray | None = None,
                  absolute: bool = True) -> np.ndarray:
    """Spearman ρ per row between ``a`` and ``b`` (on ``|·|`` when ``absolute``); NaN if a row is constant."""
    ea, eb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if ea.shape != eb.shape:
        raise ValueError(f"shapes differ: {ea.shape} vs {eb.shape}")
    ok = _valid(ea, valid) & _valid(eb, valid)
    if absolute:
        ea, eb = np.abs(ea), np.abs(eb)
    ra, rb = _average_ranks(ea, ok), _average_ranks(eb, ok)
    n_ok = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = np.where(ok, ra, 0.0).sum(axis=1) / n_ok
        mb = np.where(ok, rb, 0.0).sum(axis=1) / n_ok
        da = np.where(ok, ra - ma[:, None], 0.0)
        db = np.where(ok, rb - mb[:, None], 0.0)
        den = np.sqrt((da**2).sum(axis=1) * (db**2).sum(axis=1))
        rho = (da * db).sum(axis=1) / den
    rho[(n_ok < 2) | ~(den > 0)] = np.nan
    return np.clip(rho, -1.0, 1.0)
