"""Antithetic Shapley sampling: known answers on a linear model, exact Shapley values of an MLP, efficiency,
standard errors that shrink with the budget, the stop rule and seeding."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from auditkit.explain import FeatureGrouping, explain, tabular_job
from auditkit.explain.shapley import antithetic_shapley, relative_error

W = np.array([1.0, -2.0, 3.0, -4.0, 5.0, 0.5, -1.5, 2.5, -0.25, 0.75, 1.25, -3.5])


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    return rng.normal(size=(12, 6)).astype(np.float32), rng.normal(1.0, 2.0, size=(30, 6)).astype(np.float32)


def exact_shapley(job, x: np.ndarray) -> np.ndarray:
    """Interventional Shapley values of the job's score at ``x`` over its background, by all 2^m coalitions."""
    g = job.grouping
    m, bg = g.size, job.background
    value = {}
    for coalition in itertools.product([False, True], repeat=m):
        on = g.expand(np.array(coalition))
        value[coalition] = job.scores(np.where(on, x, bg), 4096).mean()
    phi = np.zeros(m)
    for coalition, v in value.items():
        k = sum(coalition)
        for j in range(m):
            if not coalition[j]:
                joined = tuple(True if i == j else c for i, c in enumerate(coalition))
                phi[j] += math.factorial(k) * math.factorial(m - k - 1) / math.factorial(m) * (value[joined] - v)
    return phi


def test_linear_model_gives_w_times_x_minus_background_mean_per_group(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("linear", d=6)
    grouping = FeatureGrouping.build(adapter.feature_names, {"pair": ["x1", "x4"]})
    job = tabular_job(adapter, X, np.arange(len(X)), background=bg, grouping=grouping,
                      settings={"shapley_tolerance": 0.0, "shapley_max_rounds": 1})
    out = explain("shapley_sampling", job, seed=3)
    cols = W[:6] * (X - bg.mean(axis=0))
    expected = np.column_stack([cols[:, 0], cols[:, 1] + cols[:, 4], cols[:, 2], cols[:, 3], cols[:, 5]])
    # one round uses every background row once: exact on a linear model (float32 model arithmetic)
    np.testing.assert_allclose(out.values, expected, atol=2e-5)
    assert out.features == ("x0", "pair", "x2", "x3", "x5") and out.stderr.shape == (12, 5)
    # efficiency: the values sum to F(x) − mean F(background) by construction
    assert np.abs(out.delta).max() < 1e-9
    # one antithetic pair per background row, 2(m − 1) model rows each, plus F(x) and F(background) once
    assert out.settings["pairs_mean"] == 30 and out.evaluations == pytest.approx(30 * 8 + 1 + 30 / 12)
    assert out.settings["max_rounds"] == 1 and out.settings["converged_share"] == 0.0


def test_mlp_estimates_hit_the_exact_shapley_values_and_errors_shrink_with_budget(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("mlp", d=6, hidden=16, seed=1)
    grouping = FeatureGrouping.build(adapter.feature_names, {"g": ["x2", "x3"]})
    exact = None
    errors = []
    for rounds in (1, 4, 16):
        job = tabular_job(adapter, X[:6], np.arange(6), background=bg, grouping=grouping,
                          settings={"shapley_tolerance": 0.0, "shapley_max_rounds": rounds})
        if exact is None:
            exact = np.array([exact_shapley(job, x) for x in job.X])
        out = explain("shapley_sampling", job, seed=11)
        # unbiased: within 4.5 (conservative) standard errors of the exact values, and exactly efficient
        assert np.all(np.abs(out.values - exact) <= 4.5 * out.stderr + 1e-9), rounds
        np.testing.assert_allclose(out.values.sum(axis=1), exact.sum(axis=1), atol=1e-6)  # float32 batches
        errors.append(out.stderr.mean())
    # 4× the pairs: half the standard error (± sampling noise of the error estimate itself)
    assert 0.35 < errors[1] / errors[0] < 0.65 and 0.35 < errors[2] / errors[1] < 0.65


def test_the_stop_rule_spends_rounds_only_where_the_error_is_large(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("mlp", d=6, hidden=16, seed=1)
    settings = {"shapley_tolerance": 0.05, "shapley_max_rounds": 50}
    job = tabular_job(adapter, X, np.arange(len(X)), background=bg, settings=settings)
    out = explain("shapley_sampling", job, seed=2)
    assert out.settings["converged_share"] == 1.0 and out.settings["max_relative_stderr"] <= 0.05
    assert np.all(relative_error(out.values, out.stderr) <= 0.05)
    est = antithetic_shapley(job.X, job.background, job.grouping.mask, lambda z: job.scores(z, 4096),
                             tolerance=0.05, max_rounds=50, seed=2)
    assert len(set(est.pairs.tolist())) > 1  # instances stopped after different numbers of rounds
    np.testing.assert_array_equal(est.values, out.values)  # the method is this estimator, seeded
    again = explain("shapley_sampling", job, seed=2)
    other = explain("shapley_sampling", job, seed=3)
    np.testing.assert_array_equal(again.values, out.values)
    assert not np.array_equal(other.values, out.values)


def test_a_single_player_is_its_whole_gap(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("linear", d=6)
    grouping = FeatureGrouping.build(adapter.feature_names, {"all": [f"x{i}" for i in range(6)]})
    job = tabular_job(adapter, X[:4], np.arange(4), background=bg, grouping=grouping)
    out = explain("shapley_sampling", job, seed=0)
    f = job.scores(job.X, 4096) - job.scores(job.background, 4096).mean()
    np.testing.assert_allclose(out.values[:, 0], f, atol=1e-9)
    assert np.all(out.stderr >= 0)


def test_a_skops_pipeline_over_one_hot_inputs_gets_exact_group_values(tmp_path):
    """A real scikit-learn Pipeline (ColumnTransformer + logistic regression) saved with skops, explained per
    variable: its logit is linear in the inputs, so one round is exact: φ_G = mean_b [F(x_G, b_−G) − F(b)]."""
    sio = pytest.importorskip("skops.io")
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from auditkit.adapters import load_adapter
    from auditkit.metrics.categorical import find_blocks
    from auditkit.policy.schema import ModelSpec

    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"age": rng.normal(40, 10, 400), "amount": rng.normal(5, 2, 400)})
    codes = rng.integers(0, 4, 400)
    for level in range(4):
        frame[f"purpose_A4{level}"] = (codes == level).astype(float)
    y = (frame["age"] / 10 + codes + rng.normal(size=400) > 6).astype(int)
    prep = ColumnTransformer([("num", StandardScaler(), ["age", "amount"])], remainder="passthrough")
    pipe = make_pipeline(prep, LogisticRegression()).fit(frame, y)
    sio.dump(pipe, tmp_path / "pipe.skops")
    names = list(frame.columns)
    trusted = sio.get_untrusted_types(file=tmp_path / "pipe.skops")
    adapter = load_adapter(ModelSpec(type="sklearn", path="pipe.skops", trusted=trusted), base_dir=tmp_path,
                           device=torch.device("cpu"), feature_names=names)
    X = frame.to_numpy(np.float32)
    blocks = find_blocks(X, names)
    assert [(b.name, b.names) for b in blocks] == [("purpose", tuple(names[2:]))]
    grouping = FeatureGrouping.build(names, {b.name: list(b.names) for b in blocks})
    job = tabular_job(adapter, X[:5], np.arange(5), background=X[100:140], grouping=grouping,
                      settings={"shapley_tolerance": 0.0, "shapley_max_rounds": 1})
    out = explain("shapley_sampling", job, seed=0)
    assert out.features == ("age", "amount", "purpose")
    f_bg = job.scores(job.background, 4096)

    def alone(x: np.ndarray, cols: tuple[int, ...]) -> float:
        """Mean gain of switching only the columns ``cols`` of the background rows to ``x``."""
        on = np.isin(np.arange(len(names)), cols)
        return float((job.scores(np.where(on, x, job.background), 4096) - f_bg).mean())

    expected = np.array([[alone(x, cols) for cols in grouping.columns] for x in job.X])
    np.testing.assert_allclose(out.values, expected, atol=1e-5)
    assert out.stderr.shape == (5, 3) and np.abs(out.delta).max() < 1e-5
