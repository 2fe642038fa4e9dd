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
  Every value is clipped to the feature's observed range. A **categorical
  variable** (a declared feature group or a one-hot block, see
  :mod:`auditkit.metrics.categorical`) moves as one: its category is redrawn so
  that the group's categories follow the target group's empirical
  distribution ``P(category | A = a′)``, by the coupling that changes the
  fewest rows (the categorical analogue of the quantile map: a row keeps its
  category c with probability ``min(1, p′(c)/p(c))``, otherwise it takes a
  category drawn from the excess ``(p′ − p)⁺``). The new category's whole
  pattern of columns is written at once, so every counterfactual row has
  exactly one 1 per one-hot block, like real rows. Propagated minus flip-only
  is the part of the effect that travels through proxies.
* **Draws.** Quantile-map tie placement and category redraws take one uniform
  number per row; the sweep averages several draws (seeded) so a verdict does
  not hinge on one of them.
* **Grid** sets a numeric attribute column to each value of a grid.

Everything here is numpy on arrays; nothing calls the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditkit.errors import CheckConfigError
from auditkit.metrics.categorical import CategoricalBlock, category_codes

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
    integer: bool = False

    @property
    def method(self) -> str:
        """``"mean shift"`` or ``"quantile map"``."""
        return "mean shift" if self.kind in ("continuous", "integer") else "quantile map"

    def apply(self, x: np.ndarray, source: int, target: int, example: np.ndarray | None = None,
              keys: np.ndarray | None = None) -> tuple[np.ndarray, int]:
        """Values ``x`` of group ``source`` moved to group ``target``; returns them and how many were clipped.

        Quantile maps spread tied values (a count of 0, a category) over their
        share of the distribution by a fixed key per ``example`` index (see
        :func:`tie_keys`), so the mapped values follow the target group's
        distribution instead of all landing on one value; without ``example``
        ties map through their mid-rank. ``keys`` (one uniform number per value)
        replace the fixed keys: the sweep passes one set per draw.
        """
        x = np.asarray(x, dtype=np.float64)
        if self.method == "mean shift":
            moved = x - self.means[source] + self.means[target]
            if self.kind == "integer":
                moved = np.round(moved)
        else:
            src, dst = self.sorted_by_group[source], self.sorted_by_group[target]
            left, right = np.searchsorted(src, x, "left"), np.searchsorted(src, x, "right")
            key = keys if keys is not None else 0.5 if example is None else tie_keys(example)
            u = (left + key * (right - left)) / src.size
            method = "inverted_cdf" if self.kind == "discrete" else "linear"
            moved = np.quantile(dst, np.clip(u, 0.0, 1.0), method=method)
            if self.integer:  # an integer-valued column stays integer (interpolated quantiles need not be)
                moved = np.round(moved)
        clipped = int(np.count_nonzero((moved < self.low) | (moved > self.high)))
        return np.clip(moved, self.low, self.high), clipped


def tie_keys(example: np.ndarray) -> np.ndarray:
    """A fixed position in [0, 1) per example index (golden-ratio sequence): evenly spread, chunk-independent."""
    v = (np.asarray(example, dtype=np.float64) + 1.0) * 0.6180339887498949
    return v - np.floor(v)


def fit_proxy_maps(X: np.ndarray, group: np.ndarray, k: int, proxies: Sequence[int],
                   feature_names: Sequence[str], kinds: Sequence[str] | None = None) -> list[ProxyMap]:
    """Fit a :class:`ProxyMap` per proxy column from the rows of each of the ``k`` groups (codes in ``group``).

    ``kinds`` fixes each proxy's :func:`feature_kind` (a refit on a resample
    keeps the method chosen on the whole data).
    """
    maps = []
    for i, j in enumerate(proxies):
        col = np.asarray(X[:, j], dtype=np.float64)
        per_group = tuple(np.sort(col[group == g]) for g in range(k))
        means = np.array([g.mean() if g.size else np.nan for g in per_group])
        kind = feature_kind(col) if kinds is None else kinds[i]
        maps.append(ProxyMap(feature=feature_names[j], index=j, kind=kind, low=float(col.min()),
                             high=float(col.max()), means=means, sorted_by_group=per_group,
                             integer=bool(np.all(col == np.round(col)))))
    return maps


@dataclass(frozen=True)
class CategoryMap:
    """How one categorical variable (a block of columns) moves between attribute values.

    ``patterns[c]`` is category c's row of values over ``columns``;
    ``probs[g, c]`` its share among group g's rows. :meth:`apply` redraws
    categories by the maximal coupling of ``probs[source]`` and
    ``probs[target]`` (module docstring).
    """

    feature: str
    columns: tuple[int, ...]
    names: tuple[str, ...]
    patterns: np.ndarray
    probs: np.ndarray
    kind: str = "categorical"
    method: str = "category redraw"

    @property
    def index(self) -> int:
        """The block's first column (for tables that name one column per proxy)."""
        return self.columns[0]

    def codes(self, rows: np.ndarray) -> np.ndarray:
        """Category code of each row of the block's values ``rows`` (n, m); −1 for a pattern never seen."""
        return pattern_codes(self.patterns, rows)

    def apply(self, rows: np.ndarray, source: int, target: int, keys: np.ndarray) -> tuple[np.ndarray, int]:
        """New values ``(n, m)`` of the block for rows of group ``source`` moved to ``target``; rows changed.

        ``keys`` holds one uniform number per row: below the row's stay
        probability it keeps its category, otherwise the rescaled number picks
        a category from the excess distribution by its inverse CDF.
        """
        codes = self.codes(rows)
        p, q = self.probs[source], self.probs[target]
        with np.errstate(divide="ignore", invalid="ignore"):
            stay = np.where(p > 0, np.minimum(1.0, q / np.where(p > 0, p, 1.0)), 1.0)
        excess = np.maximum(q - p, 0.0)
        total = excess.sum()
        keys = np.asarray(keys, dtype=np.float64)
        stay_row = np.where(codes >= 0, stay[np.maximum(codes, 0)], 1.0)
        move = (keys >= stay_row) & (total > 0)
        new = codes.copy()
        if move.any():
            v = (keys[move] - stay_row[move]) / np.maximum(1.0 - stay_row[move], 1e-300)
            cdf = np.cumsum(excess) / total
            new[move] = np.minimum(np.searchsorted(cdf, v, side="right"), cdf.size - 1)
        out = np.array(rows, dtype=np.float64, copy=True)
        out[move] = self.patterns[new[move]]
        return out, int(np.count_nonzero(new != codes))


def pattern_codes(patterns: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Index of each row of ``rows`` among ``patterns`` (both (·, m)); −1 where a row matches none."""
    pats = np.ascontiguousarray(patterns, dtype=np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.float64)
    void = np.dtype((np.void, pats.dtype.itemsize * pats.shape[1]))
    keys, queries = pats.view(void).ravel(), rows.view(void).ravel()
    order = np.argsort(keys)
    pos = np.minimum(np.searchsorted(keys[order], queries), keys.size - 1)
    found = order[pos]
    return np.where(keys[found] == queries, found, -1).astype(np.int64)


def fit_category_maps(X: np.ndarray, group: np.ndarray, k: int, blocks: Sequence[CategoricalBlock],
                      patterns: Sequence[np.ndarray] | None = None) -> list[CategoryMap]:
    """Fit a :class:`CategoryMap` per block: each group's empirical distribution of the block's categories.

    ``patterns`` fixes each block's categories (a refit on a resample keeps
    the categories of the whole data, so codes stay comparable).
    """
    maps = []
    for i, b in enumerate(blocks):
        if patterns is None:
            codes, pats = category_codes(X, b.columns)
        else:
            pats = patterns[i]
            codes = pattern_codes(pats, np.asarray(X, dtype=np.float64)[:, list(b.columns)])
        probs = np.zeros((k, pats.shape[0]))
        for g in range(k):
            counts = np.bincount(codes[(group == g) & (codes >= 0)], minlength=pats.shape[0]).astype(np.float64)
            probs[g] = counts / counts.sum() if counts.sum() else np.nan
        maps.append(CategoryMap(feature=b.name, columns=b.columns, names=b.names, patterns=pats, probs=probs))
    return maps


def needs_draws(maps: Sequence[ProxyMap | CategoryMap]) -> bool:
    """Whether the mapping uses random keys (category redraws, quantile-map ties): then draws are averaged."""
    return any(isinstance(m, CategoryMap) or m.method == "quantile map" for m in maps)


def propagate(X: np.ndarray, inputs: AttributeInputs, maps: Sequence[ProxyMap | CategoryMap], source: int,
              target: int, example: np.ndarray | None = None, keys: np.ndarray | None = None
              ) -> tuple[np.ndarray, dict[str, int]]:
    """Rows of group ``source`` moved to ``target``: attribute flipped (if an input) and every proxy mapped.

    ``example`` holds the rows' indices in the audit data (they place tied
    values, see :meth:`ProxyMap.apply`); ``keys`` (one uniform number per row)
    replace those fixed keys. Returns the counterfactual rows and, per proxy,
    how many values hit the observed range and were clipped.
    """
    out = np.array(X, dtype=np.float32, copy=True)
    moved = fill_variant(out, X, inputs, maps, source, target, example, keys)
    return out, {name: int(stats[0]) for name, stats in moved.items()}


def fill_variant(out: np.ndarray, X: np.ndarray, inputs: AttributeInputs, maps: Sequence[ProxyMap | CategoryMap],
                 source: int, target: int, example: np.ndarray | None = None, keys: np.ndarray | None = None
                 ) -> dict[str, np.ndarray]:
    """Turn ``out`` (a copy of the rows ``X``) into their counterfactuals in place; returns how each proxy moved.

    With no ``maps`` this is flip-only. Writing in place lets a sweep build all
    variants straight into one preallocated matrix (no intermediate copies).
    Per proxy the result is ``[clipped, Σ change, Σ |change|, rows changed]``
    (a block's change sums are 0; its rows changed are rows whose category changed).
    """
    if inputs.columns:
        out[:, list(inputs.columns)] = inputs.codes[target]
    if keys is None and example is not None and any(isinstance(m, CategoryMap) for m in maps):
        keys = tie_keys(example)
    moved = {}
    for m in maps:
        if isinstance(m, CategoryMap):
            cols = list(m.columns)
            values, changed = m.apply(X[:, cols], source, target, keys)  # type: ignore[arg-type]
            out[:, cols] = values
            moved[m.feature] = np.array([0.0, 0.0, 0.0, float(changed)])
        else:
            before = np.asarray(X[:, m.index], dtype=np.float64)
            values, clipped = m.apply(before, source, target, example, keys)
            change = values - before
            out[:, m.index] = values
            moved[m.feature] = np.array([float(clipped), float(change.sum()), float(np.abs(change).sum()),
                                         float(np.count_nonzero(change))])
    return moved


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
