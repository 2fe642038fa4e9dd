"""Typed method settings, attribution artefact keys, the artefact cache and the method registry's conflicts."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from auditkit.artefacts import ArtefactKey, LocalArtefactCache
from auditkit.errors import CheckConfigError
from auditkit.explain import (
    METHODS,
    GradientShapSettings,
    IntegratedGradientsSettings,
    KernelShapSettings,
    attribution_key,
    cached_explain,
    explain,
    randomised_adapter,
    register_method,
    tabular_job,
)

#: What the agreement check passes with default parameters: every method's settings in one mapping.
AGREEMENT_DEFAULTS = {"n_steps": 50, "max_steps": 300, "n_samples": 50, "nsamples": "auto", "max_evals": 500}


@pytest.fixture
def jobs(tabular_adapter):
    """The same sample twice: once without settings, once with the agreement check's default settings."""
    rng = np.random.default_rng(3)
    X, bg = rng.normal(size=(12, 8)).astype(np.float32), rng.normal(size=(20, 8)).astype(np.float32)
    adapter = tabular_adapter("mlp", d=8)

    def build(settings: dict | None = None, rows: np.ndarray = X, background: np.ndarray = bg):
        return tabular_job(adapter, rows, np.arange(len(rows)), background=background, settings=settings)

    return build


def test_no_settings_and_default_settings_are_one_key_and_one_result(jobs):
    bare, defaults = jobs(), jobs(AGREEMENT_DEFAULTS)
    assert attribution_key("integrated_gradients", bare, 0) == attribution_key("integrated_gradients", defaults, 0)
    assert (attribution_key("integrated_gradients", bare, 0).digest()
            == attribution_key("integrated_gradients", defaults, 0).digest())
    # the same numbers either way: the resolved settings are what the method runs with
    np.testing.assert_array_equal(explain("integrated_gradients", bare).values,
                                  explain("integrated_gradients", defaults).values)
    cache = LocalArtefactCache()
    first = cached_explain(cache, "integrated_gradients", bare)
    assert cached_explain(cache, "integrated_gradients", defaults) is first
    assert cache.computed[("attribution", "integrated_gradients")] == 1
    assert cache.hits[("attribution", "integrated_gradients")] == 1


def test_keys_differ_where_the_result_can(jobs, tabular_adapter):
    base = attribution_key("integrated_gradients", jobs(), 0)
    assert attribution_key("integrated_gradients", jobs({"n_steps": 64}), 0) != base
    # another method's setting does not split IG's key, but it does split that method's key
    assert attribution_key("integrated_gradients", jobs({"n_samples": 7}), 0) == base
    assert attribution_key("gradient_shap", jobs({"n_samples": 7}), 0) != attribution_key("gradient_shap", jobs(), 0)
    # the seed is part of a stochastic method's key only
    assert attribution_key("integrated_gradients", jobs(), 1) == base
    assert attribution_key("gradient_shap", jobs(), 1) != attribution_key("gradient_shap", jobs(), 2)
    # the sample is content: other instances or another background are other artefacts
    rng = np.random.default_rng(9)
    other_rows = rng.normal(size=(12, 8)).astype(np.float32)
    assert attribution_key("integrated_gradients", jobs(rows=other_rows), 0) != base
    assert attribution_key("integrated_gradients", jobs(background=other_rows), 0) != base
    # and the model: another model's weights, another key
    job = jobs()
    other = tabular_job(tabular_adapter("mlp", d=8, seed=1), job.X, job.rows, background=job.background)
    assert attribution_key("integrated_gradients", other, 0) != base


def test_method_settings_are_typed_and_resolved():
    assert IntegratedGradientsSettings.resolve({}) == IntegratedGradientsSettings(n_steps=50, max_steps=300)
    # fewer steps at most than at least is the same computation as max_steps = n_steps
    assert IntegratedGradientsSettings(n_steps=80, max_steps=20) == IntegratedGradientsSettings(n_steps=80,
                                                                                                max_steps=80)
    assert KernelShapSettings.resolve({"nsamples": 300, "n_steps": 5}) == KernelShapSettings(nsamples=300)
    with pytest.raises(ValidationError):
        GradientShapSettings.resolve({"n_samples": "many"})
    with pytest.raises(ValidationError):
        IntegratedGradientsSettings(n_steps=50, bogus=1)  # type: ignore[call-arg]


def test_a_setting_no_method_knows_is_refused(jobs):
    with pytest.raises(CheckConfigError, match=r"unknown attribution setting\(s\) 'n_step'.*n_steps"):
        jobs({"n_step": 10})


def test_artefact_key_digest_is_canonical():
    settings = IntegratedGradientsSettings()
    a = ArtefactKey(kind="attribution", method="integrated_gradients", settings=settings, sample="s", model="m")
    b = ArtefactKey(kind="attribution", method="integrated_gradients",
                    settings=IntegratedGradientsSettings(max_steps=300, n_steps=50), sample="s", model="m")
    assert a.digest() == b.digest() and len(a.digest()) == 64
    mapping = ArtefactKey(kind="predictions", method="predict", settings={"b": 1, "a": [1, 2]}, sample="s",
                          model="m")
    reordered = ArtefactKey(kind="predictions", method="predict", settings={"a": [1, 2], "b": 1}, sample="s",
                            model="m")
    assert mapping.digest() == reordered.digest()
    assert mapping.canonical() == ('{"kind":"predictions","method":"predict","model":"m","sample":"s","seed":null,'
                                   '"settings":{"a":[1,2],"b":1}}')
    with pytest.raises(ValueError):  # NaN has no canonical JSON form
        ArtefactKey(kind="x", method="y", settings={"v": float("nan")}, sample="s", model="m").digest()


def test_a_failed_computation_is_not_stored():
    cache = LocalArtefactCache()
    key = ArtefactKey(kind="predictions", method="predict", settings=None, sample="s", model="m")

    def fail() -> int:
        raise RuntimeError("model raised")

    with pytest.raises(RuntimeError):
        cache.get_or_compute(key, fail)
    assert key not in cache and len(cache) == 0
    assert cache.get_or_compute(key, lambda: 7) == 7 and key in cache
    assert cache.get_or_compute(key, fail) == 7  # stored now: not recomputed


def test_the_method_registry_refuses_a_second_method_under_a_taken_name(monkeypatch):
    monkeypatch.setitem(METHODS, "integrated_gradients", dict(METHODS["integrated_gradients"]))
    original = METHODS["integrated_gradients"]["tabular"].run

    def impostor(job, settings, *, seed=0):
        raise AssertionError("never registered, never run")

    with pytest.raises(ValueError, match=r"'integrated_gradients' for tabular models is already registered by "
                                         r"auditkit\.explain\.tabular\.tabular_ig"):
        register_method("integrated_gradients", "tabular", title="IG", family="gradient",
                        needs_gradients=True)(impostor)
    assert METHODS["integrated_gradients"]["tabular"].run is original
    # the same function registered again (a module imported twice) is not a conflict
    register_method("integrated_gradients", "tabular", title="Integrated Gradients", family="gradient",
                    needs_gradients=True, settings=IntegratedGradientsSettings)(original)


def test_a_randomised_copy_of_the_model_is_another_artefact_identity(jobs):
    """The sanity check's randomised models must never read the audited model's cached attributions."""
    job = jobs()
    copy = randomised_adapter(job.adapter, 1, seed=4)
    assert copy.fingerprint != job.adapter.fingerprint
    assert randomised_adapter(job.adapter, 1, seed=4).fingerprint == copy.fingerprint  # seeded: same weights
    assert randomised_adapter(job.adapter, 1, seed=5).fingerprint != copy.fingerprint
    randomised = tabular_job(copy, job.X, job.rows, background=job.background)
    cache = LocalArtefactCache()
    mine = cached_explain(cache, "integrated_gradients", job)
    theirs = cached_explain(cache, "integrated_gradients", randomised)
    assert theirs is not mine and not np.allclose(theirs.values, mine.values)
