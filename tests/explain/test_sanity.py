"""Model-parameter randomisation: gradient methods change with the model, a constant explainer does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditkit.adapters.device import state_dict_sha256
from auditkit.explain import (
    METHODS,
    Attribution,
    cascade_stages,
    explain,
    parameter_blocks,
    randomised_adapter,
    register_method,
    tabular_job,
)
from auditkit.explain.evaluation import randomisation_correlations
from auditkit.metrics.agreement import bootstrap_means


@pytest.fixture
def constant_method(monkeypatch):
    """Register a model-insensitive explainer: the same attribution whatever the model."""
    monkeypatch.setitem(METHODS, "constant", {})

    @register_method("constant", "tabular", title="Constant", family="perturbation", needs_gradients=False)
    def constant(job, settings, *, seed=0):
        values = np.tile(np.arange(job.grouping.size, 0, -1, dtype=np.float64), (job.n, 1))
        return Attribution("constant", values, job.grouping.names, job.explained, job.reference, 0.0, False)

    return "constant"


@pytest.fixture
def job(tabular_adapter):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 8)).astype(np.float32)
    return tabular_job(tabular_adapter("focused", d=8), X, np.arange(30), background=X[:20])


def test_randomised_copy_leaves_the_original_untouched(job):
    adapter = job.adapter
    before = state_dict_sha256(adapter.model)
    blocks = parameter_blocks(adapter.model)
    assert blocks == [["net.2"], ["net.0"]]  # output layer first
    top = randomised_adapter(adapter, 1, seed=0)
    assert state_dict_sha256(adapter.model) == before
    assert not torch.equal(top.model.net[2].weight, adapter.model.net[2].weight)
    assert torch.equal(top.model.net[0].weight, adapter.model.net[0].weight)  # only the top block
    full = randomised_adapter(adapter, 2, seed=0)
    assert not torch.equal(full.model.net[0].weight, adapter.model.net[0].weight)
    assert torch.equal(randomised_adapter(adapter, 2, seed=0).model.net[0].weight, full.model.net[0].weight)
    assert not any(p.requires_grad for p in full.model.parameters())
    assert cascade_stages(8, [0.5, 1.0]) == [1, 4, 8] and cascade_stages(2, [1.0]) == [1, 2]


def test_gradient_methods_change_and_a_constant_explainer_is_caught(job, constant_method):
    attrs = {m: explain(m, job, seed=0) for m in ("integrated_gradients", "gradient_shap", constant_method)}
    res = randomisation_correlations(job, attrs, count=30, cascade=[1.0], seed=0, explain=explain)
    assert res.stages == [1, 2] and res.instances == 30
    rng = np.random.default_rng(0)
    for method in ("integrated_gradients", "gradient_shap"):
        mean, _, high = bootstrap_means(res.rho[method][2], 1000, 0.95, rng)
        assert high < 0.5, f"{method}: ρ={mean:.2f} after randomising every layer"  # model-sensitive: passes
    np.testing.assert_allclose(res.rho[constant_method][2], 1.0)  # model-insensitive: fails the sanity check
    # randomising only the output layer changes the gradient attributions less than randomising all layers
    assert np.nanmean(res.rho["integrated_gradients"][1]) > np.nanmean(res.rho["integrated_gradients"][2])
