"""Reading and rewriting the boosters' own serialisations: leaf values, and random copies of the trees.

**Leaf values** (:func:`xgboost_leaf_values`, :func:`lightgbm_leaf_values`): per
tree, the value of every leaf keyed by the id the library's ``pred_leaf``
returns, so the margin is a linear readout of the one-hot leaf representation
(``margin = base + Σ_t value[t, leaf_t(x)]``), which is where
``prohibited_feature_use`` erases an attribute in a tree ensemble.

**Random versions** for the attribution sanity check (model-parameter randomisation).

Adebayo et al. (2018) re-initialise a network's weights layer by layer from the
output down and ask whether an attribution method notices. A tree's parameters
are its split features, split thresholds and leaf values, so a randomised tree
keeps only its shape (which nodes are leaves): every numerical split gets a
feature drawn uniformly and a threshold drawn from that feature's values in a
reference sample (the audit's background rows, so splits fall inside the data),
and the leaves get values drawn from a normal distribution with the spread of
the tree's own leaves (as a layer's weights are redrawn with their own
standard deviation). Cascading from the output layer down becomes "from the last
boosted tree back". Keeping the split features (randomising leaf values only)
is not enough: the model would still read the same features, and an exact
explainer would rightly keep ranking them alike. Categorical splits keep their
feature and category sets (their leaves are still redrawn).

Pure functions on the libraries' own serialisations: XGBoost's JSON model
(``Booster.save_raw("json")``) and LightGBM's text model (``model_to_string``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


def xgboost_leaf_values(model: dict[str, Any]) -> list[dict[int, float]]:
    """Per tree of a parsed XGBoost JSON model: ``{node id: leaf value}`` (node ids as ``pred_leaf`` gives them)."""
    forest = model["learner"]["gradient_booster"]["model"]["trees"]
    return [{j: float(tree["split_conditions"][j]) for j, left in enumerate(tree["left_children"]) if left == -1}
            for tree in forest]


def lightgbm_leaf_values(text: str) -> list[dict[int, float]]:
    """Per tree of a LightGBM text model: ``{leaf index: leaf value}`` (as ``pred_leaf`` numbers leaves)."""
    values: list[dict[int, float]] = []
    for line in text.split("\n"):
        if line.startswith("leaf_value="):
            values.append({i: float(v) for i, v in enumerate(line.partition("=")[2].split())})
    return values


def leaf_spread(values: np.ndarray) -> float:
    """The standard deviation random leaf values are drawn with: the tree's own, or its largest |value| (≥ 1)
    for a tree whose leaves are all equal."""
    sd = float(np.std(values))
    return sd if sd > 0 else max(float(np.abs(values).max(initial=0.0)), 1.0)


def _random_split(rng: np.random.Generator, reference: np.ndarray) -> tuple[int, float]:
    feature = int(rng.integers(reference.shape[1]))
    return feature, float(reference[int(rng.integers(reference.shape[0])), feature])


def randomise_xgboost(model: dict[str, Any], trees: Iterable[int], rng: np.random.Generator,
                      reference: np.ndarray) -> dict[str, Any]:
    """XGBoost JSON model (parsed) with random splits and leaves in ``trees``; changed in place and returned.

    A node is a leaf when its ``left_children`` entry is −1; a leaf's value is its
    ``split_conditions`` entry (``base_weights`` mirrors it); a numerical split
    (``split_type`` 0) sends ``x < split_conditions`` left.
    """
    forest = model["learner"]["gradient_booster"]["model"]["trees"]
    for t in trees:
        tree = forest[t]
        leaves = [j for j, left in enumerate(tree["left_children"]) if left == -1]
        drawn = rng.normal(0.0, leaf_spread(np.asarray([tree["split_conditions"][j] for j in leaves])), len(leaves))
        for j, value in zip(leaves, drawn, strict=True):
            tree["split_conditions"][j] = tree["base_weights"][j] = float(value)
        for j, left in enumerate(tree["left_children"]):
            if left != -1 and tree["split_type"][j] == 0:
                tree["split_indices"][j], tree["split_conditions"][j] = _random_split(rng, reference)
    return model


def randomise_lightgbm(text: str, trees: Iterable[int], rng: np.random.Generator, reference: np.ndarray) -> str:
    """LightGBM text model with random splits and leaves in ``trees``.

    Per tree, ``split_feature``/``threshold``/``decision_type`` list the internal
    nodes (bit 0 of ``decision_type`` marks a categorical split, whose
    ``threshold`` indexes category sets: left alone) and ``leaf_value`` the
    leaves. The header's ``tree_sizes`` (byte length of each tree) no longer holds
    and is dropped: LightGBM then reads the trees one after the other.
    """
    wanted = {f"Tree={t}" for t in trees}
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.startswith("Tree="):
            blocks.append([])
        blocks[-1].append(line)
    out: list[str] = [line for line in blocks[0] if not line.startswith("tree_sizes=")]
    for block in blocks[1:]:
        if block[0] in wanted:
            block = _randomise_lightgbm_tree(block, rng, reference)
        out.extend(block)
    return "\n".join(out)


def _randomise_lightgbm_tree(lines: list[str], rng: np.random.Generator, reference: np.ndarray) -> list[str]:
    fields = {line.partition("=")[0]: i for i, line in enumerate(lines) if "=" in line}

    def values(key: str) -> list[str]:
        return lines[fields[key]].partition("=")[2].split() if key in fields else []

    leaves = np.asarray(values("leaf_value"), dtype=np.float64)
    drawn = rng.normal(0.0, leaf_spread(leaves), leaves.size)
    out = list(lines)
    out[fields["leaf_value"]] = "leaf_value=" + " ".join(repr(float(v)) for v in drawn)
    features, thresholds, kinds = values("split_feature"), values("threshold"), values("decision_type")
    for j, kind in enumerate(kinds):
        if int(kind) & 1 == 0:  # numerical: x <= threshold goes left
            feature, threshold = _random_split(rng, reference)
            features[j], thresholds[j] = str(feature), repr(threshold)
    if kinds:
        out[fields["split_feature"]] = "split_feature=" + " ".join(features)
        out[fields["threshold"]] = "threshold=" + " ".join(thresholds)
    return out
