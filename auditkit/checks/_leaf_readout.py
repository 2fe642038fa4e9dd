"""A tree ensemble's leaves as a layer: the one-hot leaf representation and the linear readout of its margin.

A boosted ensemble scores a row by summing one value per tree, the value of the
leaf the row reaches: ``margin = base + Σ_t value[t, leaf_t(x)]``. So the
one-hot of the leaves (one column per leaf of every tree, fixed by the model,
not by the rows seen) is the representation the output reads, and the output
is a linear function of it, exactly as an MLP's logit is of its last hidden
layer. ``prohibited_feature_use`` therefore erases an attribute *there* for
tree ensembles: LEACE edits the one-hot rows and the edited margin is
``margin(x) + (h′ − h)·v`` (``v`` the leaf values, signed for the favourable
class). Erasing at the inputs instead moves every input a little along
directions that merely correlate with the attribute in the fit sample; trees
split at exact values, so those small moves flip decisions of a model that does
not use the attribute at all (the credit-trees sample's fair model flipped
4.3 %), and the check could not pass it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from auditkit.adapters.base import SupportsTreeStructure

#: Rows scored per block when edited one-hot rows are read out (their width is the ensemble's leaf count).
BLOCK_ROWS = 8192


@dataclass(frozen=True)
class LeafReadout:
    """Column of every (tree, leaf) and the leaf values, signed so the readout is the favourable log-odds.

    ``columns[t][leaf id]`` is the column of that leaf of tree ``t`` (−1 for an id
    that is not a leaf of it).
    """

    columns: tuple[np.ndarray, ...]
    values: np.ndarray

    @classmethod
    def of(cls, adapter: SupportsTreeStructure) -> LeafReadout:
        """The readout of ``adapter``'s ensemble (leaf ids as its ``leaf_indices`` returns them)."""
        sign = 1.0 if adapter.favourable_output == 1 else -1.0
        columns, values, start = [], [], 0
        for tree in adapter.leaf_values:
            ids = sorted(tree)
            lookup = np.full(max(ids) + 1, -1, dtype=np.int64)
            lookup[ids] = start + np.arange(len(ids))
            columns.append(lookup)
            values.extend(sign * tree[leaf] for leaf in ids)
            start += len(ids)
        return cls(tuple(columns), np.asarray(values, dtype=np.float64))

    @property
    def width(self) -> int:
        """Number of leaves over all trees: the representation's width."""
        return int(self.values.size)

    def one_hot(self, leaves: np.ndarray) -> np.ndarray:
        """``(n, width)`` float32 with a 1 at the leaf each tree sends each row to."""
        out = np.zeros((leaves.shape[0], self.width), dtype=np.float32)
        rows = np.arange(leaves.shape[0])
        for t, lookup in enumerate(self.columns):
            out[rows, lookup[leaves[:, t]]] = 1.0
        return out

    def scorer(self, adapter: Any, X: np.ndarray) -> Callable[[Any, np.ndarray], np.ndarray]:
        """``run(edit, idx)``: the favourable-class probability of rows ``idx`` when ``edit`` is applied to their
        one-hot leaves, read out linearly (``margin(x) + (h′ − h)·v``); blocks of :data:`BLOCK_ROWS` rows.

        The erasure, every random-control draw and every shift score the same rows, so the booster is asked
        for their leaves and margins once (on first use, for all of ``X``); each call only edits and reads out.
        """
        v = torch.as_tensor(self.values)
        cache: dict[str, np.ndarray] = {}

        def run(edit: Any, idx: np.ndarray) -> np.ndarray:
            if not cache:
                cache["leaves"], cache["margin"] = adapter.leaf_indices(X), adapter.margin(X)
            out = np.empty(len(idx), dtype=np.float64)
            for s in range(0, len(idx), BLOCK_ROWS):
                rows = idx[s : s + BLOCK_ROWS]
                h = torch.as_tensor(self.one_hot(cache["leaves"][rows]))
                change = (edit(h).to(torch.float64) - h.to(torch.float64)) @ v
                out[s : s + BLOCK_ROWS] = 1.0 / (1.0 + np.exp(-(cache["margin"][rows] + change.numpy())))
            return out

        return run
