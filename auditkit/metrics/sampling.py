"""Stratified row samples: how checks bound their cost by the rows they keep, not the rows the data has.

A check whose work grows with the rows it touches (a counterfactual sweep with
its refit bootstrap, a probe's permutation test) estimates on a seeded sample
instead of the whole data once the data is larger than it needs; its interval
is then the sample's, which is what makes the estimate honest. Sampling within
each attribute value keeps every group's share, so small groups are not thinned
further by chance. Pure numpy.
"""

from __future__ import annotations

import numpy as np


def stratified_rows(codes: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of at most ``limit`` rows, sampled within each value of ``codes`` in proportion to its size.

    All rows (``arange``) when there are no more than ``limit``; every value
    keeps at least one row.
    """
    codes = np.asarray(codes)
    if len(codes) <= limit:
        return np.arange(len(codes))
    keep = []
    for c in np.unique(codes):
        rows = np.flatnonzero(codes == c)
        k = max(1, round(limit * len(rows) / len(codes)))
        keep.append(rng.choice(rows, size=min(k, len(rows)), replace=False))
    return np.sort(np.concatenate(keep))
