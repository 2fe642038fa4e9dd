"""Tabular counterfactuals: flip-only, propagated through proxies, and a value grid (methods.md C2).

* **Flip-only** sets the attribute's input columns to another value's code and
  keeps every other input: the direct effect (disparate treatment). When the
  attribute is not a model input it changes nothing and is *vacuous*.
* **Propagated** also moves the attribute's proxies (features declared as its
  descendants, or detected by :mod:`auditkit.metrics.proxies`) to where they
  would be under the other value, with the simplest additive-noise model
  (parents = {A}): a continuous feature is shifted by the difference of group
  means, ``x′ = x − μ(a) + μ(a′)`` (rounded when the feature is integer-valued);
  a bounded or discrete one is mapped through the groups' quantiles,
  ``x′ = F⁻¹_{a′}(F_a(x))`` (per-feature optimal transport, as in FlipTest).
  Every value is clipped to the feature's observed range. Propagated minus
  flip-only is the part of the effect that travels through proxies.
* **Grid** sets a numeric attribute column to each value of a grid.

Everything here is numpy on arrays; nothing calls the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditkit.errors import CheckConfigError

#: Features with at most this many distinct values are mapped by quantiles, never shifted.
DISCRETE_LEVELS = 20
#: A continuous feature is 'bounded' when at least this share of rows sits exactly at its minimum or maximum.
BOUND_MASS = 0.02


@dataclass(frozen=True)
class AttributeInputs:
    """How a protected attribute enters the model: its input columns and each value's code there.

    ``kind`` is ``"absent"`` (not a model input: flip-only is vacuous),
    ``"column"`` (one column holding a code per value) or ``"one_hot"`` (one
    column per value, named ``{column}_{value}`` or ``{column}={value}``).
    ``codes[v]`` is the row written into ``columns`` for value ``values[v]``.
    """

    values: tuple[str, ...]
    columns: tuple[int, ...]
    codes: np.ndarray
    kind: str

    @property
    def is_input(self) -> bool:
        """Whether flipping the attribute changes any model input."""
        return bool(self.columns)


def attribute_inputs(
    X: np.ndarray, feature_names: Sequence[str], column: str, labels: np.ndarray, values: Sequence[str]
) -> AttributeInputs:
    """Find the attribute's input columns in ``X`` and the code of each value (from the data itself).

    ``labels`` holds each row's value as text. A single column must hold one
    code per value; one-hot columns must be named after the values.
    """
    names = list(feature_names)
    labels = np.asarray(labels).astype(str)
    if column in names:
        j = names.index(column)
        codes = np.zeros((len(values), 1), dtype=np.float32)
        for v, value in enumerate(values):
            found = np.unique(X[labels == value, j])
            if found.size != 1:
                raise CheckConfigError(
                    f"column {column!r} is a model input, but value {value!r} is encoded as "
                    f"{', '.join(f'{x:g}' for x in found[:5]) if found.size else 'no row'} in data.features; "
                    "flip-only needs one code per value"
                )
            codes[v, 0] = found[0]
        return AttributeInputs(tuple(values), (j,), codes, "column")
    for sep in ("_", "="):
        cols = [f"{column}{sep}{value}" for value in values]
        if all(c in names for c in cols):
            return AttributeInputs(tuple(values), tuple(names.index(c) for c in cols),
                                   np.eye(len(values), dtype=np.float32), "one_hot")
    return AttributeInputs(tuple(values), (), np.zeros((len(values), 0), dtype=np.float32), "absent")


def flip(X: np.ndarray, inputs: AttributeInputs, target: int) -> np.ndarray:
    """A copy of ``X`` with the attribute's columns set to value ``target``'s code (flip-only)."""
    out = np.array(X, dtype=np.float32, copy=True)
    if inputs.columns:
        out[:, list(inputs.columns)] = inputs.codes[target]
    return out


def feature_kind(column: np.ndarray) -> str:
    """``"discrete"``, ``"bounded"``, ``"integer"`` or ``"continuous"``: decides how a proxy is moved."""
    col = np.asarray(column, dtype=np.float64)
    distinct = np.unique(col)
    if distinct.size <= DISCRETE_LEVELS:
        return "discrete"
    if (np.mean(col == distinct[0]) >= BOUND_MASS or np.mean(col == distinct[-1]) >= BOUND_MASS
            or (distinct[0] >= 0.0 and distinct[-1] <= 1.0)):
        return "bounded"
    return "integer" if np.all(col == np.round(col)) else "continuous"


@dataclass(frozen=True)
class ProxyMap:
    """How one proxy feature moves between attribute values (fitted on the audit data)."""

    feature: str
    index: int
    kind: str
    low: float
    high: float
    means: np.ndarray
    sorted_by_group: tuple[np.ndarray, ...]

    @property
    def method(self) -> str:
        """``"mean shift"`` or ``"quantile map"``."""
        return "mean shift" if self.kind in ("continuous", "integer") else "quantile map"

    def apply(self, x: np.ndarray, source: int, target: int, example: np.ndarray | None = None
              ) -> tuple[np.ndarray, int]:
        """Values ``x`` of group ``source`` moved to group ``target``; returns them and how many were clipped.

        Quantile maps spread tied values (a count of 0, a category) over their
        share of the distribution by a fixed key per ``example`` index (see
        :func:`tie_keys`), so the mapped values follow the target group's
        distribution instead of all landing on one value; without ``example``
        ties map through their mid-rank.
        """
        x = np.asarray(x, dtype=np.float64)
        if self.method == "mean shift":
            moved = x - self.means[source] + self.means[target]
            if self.kind == "integer":
                moved = np.round(moved)
        else:
            src, dst = self.sorted_by_group[source], self.sorted_by_group[target]
            left, right = np.searchsorted(src, x, "left"), np.searchsorted(src, x, "right")
            key = 0.5 if example is None else tie_keys(example)
            u = (left + key * (right - left)) / src.size
            method = "inverted_cdf" if self.kind == "discrete" else "linear"
            moved = np.quantile(dst, np.clip(u, 0.0, 1.0), method=method)
        clipped = int(np.count_nonzero((moved < self.low) | (moved > self.high)))
        return np.clip(moved, self.low, self.high), clipped


def tie_keys(example: np.ndarray) -> np.ndarray:
    """A fixed position in [0, 1) per example index (golden-ratio sequence): evenly spread, chunk-independent."""
    v = (np.asarray(example, dtype=np.float64) + 1.0) * 0.6180339887498949
    return v - np.floor(v)


def fit_proxy_maps(X: np.ndarray, group: np.ndarray, k: int, proxies: Sequence[int],
                   feature_names: Sequence[str]) -> list[ProxyMap]:
    """Fit a :class:`ProxyMap` per proxy column from the rows of each of the ``k`` groups (codes in ``group``)."""
    maps = []
    for j in proxies:
        col = np.asarray(X[:, j], dtype=np.float64)
        per_group = tuple(np.sort(col[group == g]) for g in range(k))
        means = np.array([g.mean() if g.size else np.nan for g in per_group])
        maps.append(ProxyMap(feature=feature_names[j], index=j, kind=feature_kind(col), low=float(col.min()),
                             high=float(col.max()), means=means, sorted_by_group=per_group))
    return maps


def propagate(X: np.ndarray, inputs: AttributeInputs, maps: Sequence[ProxyMap], source: int, target: int,
              example: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """Rows of group ``source`` moved to ``target``: attribute flipped (if an input) and every proxy mapped.

    ``example`` holds the rows' indices in the audit data (they place tied
    values, see :meth:`ProxyMap.apply`). Returns the counterfactual rows and,
    per proxy, how many values hit the observed range and were clipped.
    """
    out = np.array(X, dtype=np.float32, copy=True)
    return out, fill_variant(out, X, inputs, maps, source, target, example)


def fill_variant(out: np.ndarray, X: np.ndarray, inputs: AttributeInputs, maps: Sequence[ProxyMap], source: int,
                 target: int, example: np.ndarray | None = None) -> dict[str, int]:
    """Turn ``out`` (a copy of the rows ``X``) into their counterfactuals in place; returns clipped counts.

    With no ``maps`` this is flip-only. Writing in place lets a sweep build all
    variants straight into one preallocated matrix (no intermediate copies).
    """
    if inputs.columns:
        out[:, list(inputs.columns)] = inputs.codes[target]
    clipped = {}
    for m in maps:
        values, clipped[m.feature] = m.apply(X[:, m.index], source, target, example)
        out[:, m.index] = values
    return clipped


def grid_points(start: float, stop: float, step: float) -> np.ndarray:
    """``start, start + step, …`` up to ``stop`` inclusive (within float tolerance)."""
    count = int(np.floor((stop - start) / step + 1e-9)) + 1
    return start + step * np.arange(count, dtype=np.float64)


def check_grid(points: np.ndarray, column: np.ndarray, name: str) -> None:
    """A grid must stay inside the column's observed range: beyond it the model is extrapolating."""
    low, high = float(np.min(column)), float(np.max(column))
    if points.min() < low or points.max() > high:
        raise CheckConfigError(
            f"grid {points.min():g}…{points.max():g} reaches outside the observed range of {name!r} "
            f"({low:g}…{high:g}); counterfactual values there are off the data manifold. "
            f"Set grid.start ≥ {low:g} and grid.stop ≤ {high:g}"
        )


def grid_variants(X: np.ndarray, column: int, points: np.ndarray) -> np.ndarray:
    """``(n · G, d)`` rows, example-major: row ``i · G + g`` is example ``i`` with ``column`` set to ``points[g]``."""
    n, d = X.shape
    out = np.repeat(np.asarray(X, dtype=np.float32)[:, None, :], points.size, axis=1)
    out[:, :, column] = points.astype(np.float32)[None, :]
    return out.reshape(n * points.size, d)


def decision_crossings(decisions: np.ndarray) -> np.ndarray:
    """Per example (rows of ``decisions`` (n, G) along the grid), how often the decision changes."""
    d = np.asarray(decisions)
    return np.count_nonzero(d[:, 1:] != d[:, :-1], axis=1)
