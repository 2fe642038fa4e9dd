"""Tabular attribution methods: analytic values on a linear model, agreement with captum, groups, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditkit.artefacts import LocalArtefactCache
from auditkit.errors import CheckConfigError
from auditkit.explain import (
    FeatureGrouping,
    UnsupportedMethod,
    cached_explain,
    explain,
    known_methods,
    tabular_job,
)
from auditkit.explain.tabular import expected_gradients, integrated_gradients

W = np.array([1.0, -2.0, 3.0, -4.0, 5.0, 0.5, -1.5, 2.5, -0.25, 0.75, 1.25, -3.5])


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 12)).astype(np.float32), rng.normal(1.0, 2.0, size=(25, 12)).astype(np.float32)


def test_integrated_gradients_with_zero_baseline_is_w_times_x(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("linear", d=5)
    job = tabular_job(adapter, X[:, :5], np.arange(40), background=bg[:, :5], baseline="zero")
    ig = explain("integrated_gradients", job)
    np.testing.assert_allclose(ig.values, W[:5] * X[:, :5], atol=1e-5)
    assert ig.values.shape == (40, 5) and ig.features == ("x0", "x1", "x2", "x3", "x4")
    assert np.abs(ig.delta).max() < 1e-5 and ig.gradient and ig.evaluations >= 50
    assert ig.explained == "logit" and "zero" in ig.reference


def test_kernel_shap_is_w_times_x_minus_background_mean(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("linear", d=12)
    job = tabular_job(adapter, X[:8], np.arange(8), background=bg, settings={"nsamples": 300})
    ks = explain("kernel_shap", job, seed=3)
    # 12 features, 300 coalitions: sampled, and with l1_reg=False no feature is zeroed
    np.testing.assert_allclose(ks.values, W * (X[:8] - bg.mean(axis=0)), atol=2e-4)
    assert (np.abs(ks.values) > 1e-3).sum(axis=1).min() == 12
    assert ks.settings["l1_reg"] is False and ks.evaluations > 300 * len(bg)
    # the same mean-of-background baseline makes IG and feature ablation exact on a linear model too
    for method in ("integrated_gradients", "feature_ablation"):
        np.testing.assert_allclose(explain(method, job).values, ks.values, atol=2e-4)


def test_lime_recovers_a_linear_models_contributions_and_groups_them(tabular_adapter, data):
    """A linear logit is its own local surrogate: whichever perturbations are drawn, LIME's weighted regression
    fits it exactly, so each coefficient is ``w_i (x_i − b_i)`` with b the background mean; a group's
    coefficient is the sum of its columns' contributions (the group is kept or replaced as one)."""
    X, bg = data
    adapter = tabular_adapter("linear", d=6)
    job = tabular_job(adapter, X[:5, :6], np.arange(5), background=bg[:, :6], settings={"lime_samples": 60})
    lime = explain("lime", job, seed=4)
    exact = W[:6] * (X[:5, :6] - bg[:, :6].mean(axis=0))
    np.testing.assert_allclose(lime.values, exact, atol=1e-4)
    assert lime.evaluations == 60 and lime.settings["lime_samples"] == 60 and not lime.gradient
    grouped = explain("lime", tabular_job(adapter, X[:5, :6], np.arange(5), background=bg[:, :6],
                                          grouping=FeatureGrouping.build([f"x{i}" for i in range(6)],
                                                                         {"pair": ["x1", "x2"]}),
                                          settings={"lime_samples": 60}), seed=4)
    assert grouped.features == ("x0", "pair", "x3", "x4", "x5")
    np.testing.assert_allclose(grouped.values[:, 1], exact[:, 1] + exact[:, 2], atol=1e-4)


def test_lime_is_seeded_and_model_agnostic(tabular_adapter, data):
    """On a non-linear model the surrogate depends on the drawn perturbations: the same seed gives the same
    coefficients, another seed others; it needs no gradients (a black-box forward is enough)."""
    X, bg = data
    job = tabular_job(tabular_adapter("mlp", d=8), X[:4, :8], np.arange(4), background=bg[:, :8],
                      settings={"lime_samples": 40})
    one = explain("lime", job, seed=1)
    np.testing.assert_array_equal(one.values, explain("lime", job, seed=1).values)
    assert not np.array_equal(one.values, explain("lime", job, seed=2).values)


def test_gradient_shap_on_a_linear_model_and_its_seed(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("linear", d=5)
    job = tabular_job(adapter, X[:10, :5], np.arange(10), background=bg[:, :5], settings={"n_samples": 3000})
    gs = explain("gradient_shap", job, seed=1)
    # unbiased for w·(x − E[b]); Monte-Carlo error |w|·sd(b)/√n per entry, allowed 4.5 standard errors
    error = np.abs(gs.values - W[:5] * (X[:10, :5] - bg[:, :5].mean(axis=0)))
    assert (error < 4.5 * np.abs(W[:5]) * bg[:, :5].std(axis=0) / np.sqrt(3000)).all()
    np.testing.assert_array_equal(gs.values, explain("gradient_shap", job, seed=1).values)
    assert not np.array_equal(gs.values, explain("gradient_shap", job, seed=2).values)


def test_vectorised_ig_agrees_with_captum(tabular_adapter, data):
    from captum.attr import IntegratedGradients

    X, bg = data
    adapter = tabular_adapter("mlp", d=8)
    x, base = torch.as_tensor(X[:, :8]), torch.as_tensor(bg[:, :8].mean(axis=0))

    def forward(t: torch.Tensor) -> torch.Tensor:
        return adapter.forward_func(t, output="logit")

    for method in ("gausslegendre", "riemann_trapezoid"):
        ref = IntegratedGradients(forward).attribute(x, baselines=base[None, :], n_steps=50, method=method)
        mine = integrated_gradients(forward, x, base, n_steps=50, method=method, rows=300)  # several chunks
        np.testing.assert_allclose(mine.numpy(), ref.numpy(), atol=1e-6)
    job = tabular_job(adapter, X[:, :8], np.arange(40), background=bg[:, :8], settings={"max_steps": 50})
    np.testing.assert_allclose(explain("integrated_gradients", job).values, ref_gl(forward, x, base), atol=1e-6)


def ref_gl(forward, x, base) -> np.ndarray:
    from captum.attr import IntegratedGradients

    return IntegratedGradients(forward).attribute(x, baselines=base[None, :], n_steps=50).numpy()


def test_expected_gradients_agree_with_captum_gradient_shap_in_expectation(tabular_adapter, data):
    from captum.attr import GradientShap, IntegratedGradients

    X, bg = data
    adapter = tabular_adapter("mlp", d=8)
    x, b = torch.as_tensor(X[:5, :8]), torch.as_tensor(bg[:, :8])

    def forward(t: torch.Tensor) -> torch.Tensor:
        return adapter.forward_func(t, output="logit")

    # GradientShap's expectation: the mean over background rows of IG from each row (computed exactly)
    ig = IntegratedGradients(forward)
    exact = np.mean([ig.attribute(x, baselines=row[None, :], n_steps=64).numpy() for row in b], axis=0)
    mine = expected_gradients(forward, x, b, n_samples=2000, generator=torch.Generator().manual_seed(0)).numpy()
    state = np.random.get_state()
    try:
        with torch.random.fork_rng(devices=[]):
            np.random.seed(0)  # captum draws from numpy's and torch's global generators
            torch.manual_seed(0)
            theirs = GradientShap(forward).attribute(x, baselines=b, n_samples=2000).numpy()
    finally:
        np.random.set_state(state)
    scale = np.abs(exact).max()
    assert np.abs(mine - exact).max() < 0.08 * scale
    assert np.abs(theirs - exact).max() < 0.08 * scale
    assert np.abs(mine - exact).mean() < 0.02 * scale


def test_completeness_raises_the_number_of_steps(tabular_adapter):
    adapter = tabular_adapter("steep", d=3)
    X = np.random.default_rng(1).uniform(0.3, 0.7, size=(20, 3)).astype(np.float32)
    zero = np.zeros((1, 3), dtype=np.float32)
    fixed = explain("integrated_gradients", tabular_job(adapter, X, np.arange(20), background=zero, baseline="zero",
                                                        explained="probability", settings={"max_steps": 50}))
    adaptive = explain("integrated_gradients", tabular_job(adapter, X, np.arange(20), background=zero,
                                                           baseline="zero", explained="probability"))
    assert fixed.settings["max_steps_used"] == 50 and np.abs(fixed.delta).max() > 0.2
    assert 50 < adaptive.settings["max_steps_used"] <= 300 and np.abs(adaptive.delta).max() < 0.05


def test_one_hot_groups_are_single_features(tabular_adapter, data):
    X, bg = data
    adapter = tabular_adapter("linear", d=5)
    grouping = FeatureGrouping.build(adapter.feature_names, {"colour": ["x1", "x3"]})
    assert grouping.names == ("x0", "colour", "x2", "x4") and grouping.columns[1] == (1, 3)
    job = tabular_job(adapter, X[:6, :5], np.arange(6), background=bg[:, :5], grouping=grouping)
    expected = W[:5] * (X[:6, :5] - bg[:, :5].mean(axis=0))
    expected = np.column_stack([expected[:, 0], expected[:, 1] + expected[:, 3], expected[:, 2], expected[:, 4]])
    for method in ("integrated_gradients", "kernel_shap", "feature_ablation"):
        out = explain(method, job, seed=0)
        assert out.values.shape == (6, 4) and out.features == grouping.names
        np.testing.assert_allclose(out.values, expected, atol=2e-4, err_msg=method)
    with pytest.raises(CheckConfigError, match="not a model input"):
        FeatureGrouping.build(adapter.feature_names, {"g": ["x1", "nope"]})
    with pytest.raises(CheckConfigError, match="two feature groups"):
        FeatureGrouping.build(adapter.feature_names, {"g": ["x1"], "h": ["x1", "x2"]})


@pytest.mark.parametrize(("factory", "reason"), [("detached", "no autograd graph"), ("rounded", "zero")])
def test_gradient_methods_refuse_a_non_differentiable_model(tabular_adapter, data, factory, reason):
    X, bg = data
    job = tabular_job(tabular_adapter(factory, d=5), X[:5, :5], np.arange(5), background=bg[:, :5])
    for method in ("integrated_gradients", "gradient_shap"):
        with pytest.raises(UnsupportedMethod, match=reason) as err:
            explain(method, job)
        assert err.value.method == method
    assert explain("feature_ablation", job).values.shape == (5, 5)  # perturbation methods still run


def test_unknown_and_wrong_task_methods_are_clear_errors(tabular_adapter, data):
    X, bg = data
    job = tabular_job(tabular_adapter("linear", d=5), X[:3, :5], np.arange(3), background=bg[:, :5])
    with pytest.raises(CheckConfigError, match=r"unknown attribution method 'lrp'.*known methods: feature_ablation"):
        explain("lrp", job)
    with pytest.raises(CheckConfigError, match="'partition_shap' is for text models"):
        explain("partition_shap", job)
    assert set(known_methods("tabular")) == {"feature_ablation", "gradient_shap", "integrated_gradients",
                                             "kernel_shap", "lime", "shapley_sampling", "tree_shap",
                                             "tree_shap_path"}


def test_cached_explain_computes_once(tabular_adapter, data):
    X, bg = data
    job = tabular_job(tabular_adapter("linear", d=5), X[:4, :5], np.arange(4), background=bg[:, :5])
    cache = LocalArtefactCache()
    first = cached_explain(cache, "integrated_gradients", job)
    assert cached_explain(cache, "integrated_gradients", job) is first
    assert cache.computed[("attribution", "integrated_gradients")] == 1
    cached_explain(cache, "gradient_shap", job, seed=1)
    cached_explain(cache, "gradient_shap", job, seed=2)  # stochastic: the seed is part of the key
    assert cache.computed[("attribution", "gradient_shap")] == 2 and len(cache) == 3
    detached = tabular_job(tabular_adapter("detached", d=5), X[:4, :5], np.arange(4), background=bg[:, :5])
    for _ in range(2):
        with pytest.raises(UnsupportedMethod):
            cached_explain(cache, "integrated_gradients", detached)
    assert len(cache) == 4
