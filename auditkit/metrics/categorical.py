"""Categorical variables spread over several input columns: declared feature groups and one-hot blocks.

A categorical variable enters a tabular model as one column per category
(``birth_country_us``, ``birth_country_mx``, …). Treated column by column it
can be changed into impossible rows (two birth countries at once) and its
association with an attribute is split over columns that are each weak. So the
proxy screen (:mod:`auditkit.metrics.proxies`) and the propagated
counterfactual (:mod:`auditkit.counterfactual.tabular`) see it as one variable:

* **declared** in the policy (``data.feature_groups: {name: [col, …]}``): the
  columns move together, whatever their values;
* **detected**: at least two columns sharing a prefix ``name_`` or ``name=``
  whose values are all 0/1 and whose row sums are exactly 1 on every row.

A block's *category* on a row is its pattern of values across the block's
columns (for a one-hot block: which column holds the 1). Pure numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Separators between a one-hot block's variable name and its category.
SEPARATORS = ("_", "=")


@dataclass(frozen=True)
class CategoricalBlock:
    """One categorical variable: its name, its input columns (indices and names) and where it came from."""

    name: str
    columns: tuple[int, ...]
    names: tuple[str, ...]
    declared: bool


def _is_one_hot(X: np.ndarray, cols: Sequence[int]) -> bool:
    block = X[:, list(cols)]
    return bool(np.all((block == 0.0) | (block == 1.0)) and np.all(block.sum(axis=1) == 1.0))


def find_blocks(X: np.ndarray, feature_names: Sequence[str], declared: Mapping[str, Sequence[str]] | None = None,
                exclude: Sequence[str] = ()) -> list[CategoricalBlock]:
    """Declared groups, then detected one-hot blocks among the remaining columns (never ``exclude``'s).

    Detection tries the column sets of every prefix ending at a separator,
    largest set first (a smaller set inside a valid block would only be part
    of it), each named by its longest prefix (``birth_country``, not
    ``birth``, when both cover the same columns). A block that
    contains an excluded column (the attribute's own one-hot columns) is not a
    proxy of it and is left out.
    """
    names = list(feature_names)
    X = np.asarray(X, dtype=np.float64)
    skip = set(exclude)
    blocks: list[CategoricalBlock] = []
    taken: set[int] = set()
    for name, cols in (declared or {}).items():
        idx = tuple(names.index(c) for c in cols)
        if skip & set(cols):
            continue
        blocks.append(CategoricalBlock(name, idx, tuple(cols), True))
        taken.update(idx)
    prefixes: dict[str, list[int]] = {}
    for j, col in enumerate(names):
        for pos, ch in enumerate(col):
            if ch in SEPARATORS and 0 < pos < len(col) - 1:
                prefixes.setdefault(col[: pos + 1], []).append(j)
    by_set: dict[tuple[int, ...], str] = {}  # each column set named by its longest prefix: birth_country_, not birth_
    for prefix, cols in prefixes.items():
        key = tuple(cols)
        if len(prefix) > len(by_set.get(key, "")):
            by_set[key] = prefix
    for cols, prefix in sorted(by_set.items(), key=lambda kv: (-len(kv[0]), kv[1])):
        if len(cols) < 2 or taken & set(cols) or skip & {names[j] for j in cols}:
            continue
        if _is_one_hot(X, cols):
            blocks.append(CategoricalBlock(prefix[:-1], cols, tuple(names[j] for j in cols), False))
            taken.update(cols)
    return blocks


def category_codes(X: np.ndarray, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's category (an integer code) and the distinct patterns ``(C, m)`` the codes index."""
    patterns, codes = np.unique(np.asarray(X, dtype=np.float64)[:, list(columns)], axis=0, return_inverse=True)
    return codes.reshape(-1).astype(np.int64), patterns
