"""Tabular generators (flip-only, propagated, grid) and the batched sweep that scores them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditkit.counterfactual.sweep import grid_sweep, tabular_sweep
from auditkit.counterfactual.tabular import (
    attribute_inputs,
    check_grid,
    decision_crossings,
    feature_kind,
    fit_proxy_maps,
    flip,
    grid_points,
    grid_variants,
    propagate,
)
from auditkit.errors import CheckConfigError

NAMES = ["x", "sex_code", "hours", "kids"]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 2000
    sex = np.where(np.arange(n) < n // 2, "female", "male")
    female = sex == "female"
    X = np.column_stack([
        rng.random(n),
        (~female).astype(float),
        np.round(np.where(female, 30.0, 40.0) + rng.normal(0, 6, n), 1),
        np.where(female, rng.poisson(2.0, n), rng.poisson(0.5, n)),
    ]).astype(np.float32)
    group = (~female).astype(np.int64)
    return X, sex, group


def test_attribute_inputs_single_column_one_hot_and_absent(data):
    X, sex, _ = data
    single = attribute_inputs(X, NAMES, "sex_code", sex, ["female", "male"])
    assert single.kind == "column" and single.columns == (1,) and single.codes[:, 0].tolist() == [0.0, 1.0]
    onehot_X = np.column_stack([X[:, 0], sex == "female", sex == "male"]).astype(np.float32)
    onehot = attribute_inputs(onehot_X, ["x", "sex_female", "sex_male"], "sex", sex, ["female", "male"])
    assert onehot.kind == "one_hot" and onehot.columns == (1, 2)
    assert flip(onehot_X[:3], onehot, 1)[:, 1:].tolist() == [[0.0, 1.0]] * 3
    absent = attribute_inputs(X, NAMES, "sex", sex, ["female", "male"])
    assert not absent.is_input and np.array_equal(flip(X, absent, 1), X)
    noisy = X.copy()
    noisy[0, 1] = 0.5
    with pytest.raises(CheckConfigError, match="flip-only needs one code per value"):
        attribute_inputs(noisy, NAMES, "sex_code", sex, ["female", "male"])


def test_flip_changes_only_the_attribute_and_copies(data):
    X, sex, _ = data
    inputs = attribute_inputs(X, NAMES, "sex_code", sex, ["female", "male"])
    before = X.copy()
    out = flip(X, inputs, 1)
    assert np.array_equal(X, before)  # the input is never modified
    assert np.all(out[:, 1] == 1.0) and np.array_equal(out[:, [0, 2, 3]], X[:, [0, 2, 3]])


def test_feature_kinds():
    rng = np.random.default_rng(1)
    assert feature_kind(rng.normal(size=500)) == "continuous"
    assert feature_kind(rng.integers(18, 90, 500).astype(float)) == "integer"
    assert feature_kind(rng.poisson(1.0, 500).astype(float)) == "discrete"
    assert feature_kind(rng.beta(2, 5, 500)) == "bounded"
    assert feature_kind(np.clip(rng.normal(size=500), -1, 5)) == "bounded"  # mass at the lower bound


def test_propagated_mean_shift_and_quantile_map(data):
    X, sex, group = data
    inputs = attribute_inputs(X, NAMES, "sex_code", sex, ["female", "male"])
    maps = fit_proxy_maps(X, group, 2, [2, 3], NAMES)
    hours, kids = maps
    assert hours.method == "mean shift" and kids.method == "quantile map"
    women = X[group == 0]
    out, clipped = propagate(women, inputs, maps, 0, 1, np.flatnonzero(group == 0))
    assert np.all(out[:, 1] == 1.0) and np.array_equal(out[:, 0], women[:, 0])  # flipped, rest kept
    shift = hours.means[1] - hours.means[0]
    inside = (women[:, 2] + shift > hours.low) & (women[:, 2] + shift < hours.high)
    np.testing.assert_allclose(out[inside, 2], women[inside, 2] + shift, atol=1e-4)
    assert out[:, 2].min() >= hours.low and out[:, 2].max() <= hours.high and clipped["hours"] >= 0
    # quantile map: counts land on values men have, the order of women is kept, the distribution becomes men's
    assert set(np.unique(out[:, 3])) <= set(np.unique(X[group == 1, 3]))
    levels = np.unique(women[:, 3])
    highs = [out[women[:, 3] == v, 3].max() for v in levels]
    lows = [out[women[:, 3] == v, 3].min() for v in levels]
    assert all(h <= lo for h, lo in zip(highs[:-1], lows[1:], strict=True))  # the order of women is kept
    men = np.bincount(X[group == 1, 3].astype(int), minlength=12)[:12] / (group == 1).sum()
    mapped = np.bincount(out[:, 3].astype(int), minlength=12)[:12] / out.shape[0]
    assert np.abs(mapped - men).max() < 0.01  # the women's counts now follow the men's distribution


def test_grid_helpers():
    assert grid_points(18, 80, 2).tolist() == list(range(18, 81, 2))
    assert grid_points(0, 1, 0.1).size == 11
    with pytest.raises(CheckConfigError, match=r"outside the observed range of 'age' \(20…60\)"):
        check_grid(np.array([10.0, 20.0]), np.array([20.0, 60.0]), "age")
    X = np.arange(6, dtype=np.float32).reshape(2, 3)
    rows = grid_variants(X, 1, np.array([7.0, 8.0, 9.0]))
    assert rows.shape == (6, 3) and rows[:, 1].tolist() == [7, 8, 9, 7, 8, 9] and rows[3, 0] == 3
    assert decision_crossings(np.array([[0, 1, 1, 0], [1, 1, 1, 1]])).tolist() == [2, 0]


class CountingAdapter:
    """A tabular adapter stand-in: a linear torch model, counting predict calls."""

    decision_threshold = 0.5

    def __init__(self, weights):
        self.model = torch.nn.Linear(len(weights), 1)
        with torch.no_grad():
            self.model.weight.copy_(torch.tensor([weights], dtype=torch.float32))
            self.model.bias.zero_()
        self.calls: list[int] = []

    def predict(self, inputs, *, batch_size=None):
        self.calls.append(len(inputs))
        with torch.inference_mode():
            return torch.sigmoid(self.model(torch.from_numpy(np.asarray(inputs)))[:, 0]).double().numpy()

    def decide(self, scores):
        return (np.asarray(scores) >= 0.5).astype(np.int8)


def test_every_variant_goes_through_the_model_in_one_call_and_matches_row_by_row(data):
    X, sex, group = data
    adapter = CountingAdapter([4.0, 3.0, 0.1, 0.0])
    inputs = attribute_inputs(X, NAMES, "sex_code", sex, ["female", "male"])
    maps = fit_proxy_maps(X, group, 2, [2], NAMES)
    sweep = tabular_sweep(adapter, X, group, 2, inputs, maps, ["flip_only", "propagated"])
    assert adapter.calls == [2 * X.shape[0]]  # both generators, both directions, one call
    example, scores = sweep.select(1, 0, 1)  # propagated female -> male
    assert sorted(example) == list(np.flatnonzero(group == 0))
    expected = adapter.predict(propagate(X[example], inputs, maps, 0, 1, example)[0])
    np.testing.assert_allclose(scores, expected)
    adapter.calls.clear()
    chunked = tabular_sweep(adapter, X, group, 2, inputs, maps, ["flip_only", "propagated"], max_rows=1000)
    assert len(adapter.calls) == 4 and sum(adapter.calls) == 2 * X.shape[0] == chunked.rows
    for key in [(0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0)]:
        np.testing.assert_allclose(chunked.select(*key)[1], sweep.select(*key)[1])


def test_grid_sweep_is_chunked_by_rows_not_by_example(data):
    X, _, _ = data
    adapter = CountingAdapter([0.0, 0.0, 0.1, 0.0])
    points = np.array([20.0, 30.0, 40.0])
    scores = grid_sweep(adapter, X, 2, points, max_rows=3000)
    assert scores.shape == (X.shape[0], 3) and adapter.calls == [3000, 3000]
    expected = np.broadcast_to(1 / (1 + np.exp(-0.1 * points)), scores.shape)
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
