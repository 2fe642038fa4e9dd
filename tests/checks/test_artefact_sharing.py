"""One computation per artefact: a real audit with two explaining checks runs Integrated Gradients once.

``prohibited_feature_use`` reads the Integrated Gradients attribution mass of the run's attribution sample and
``attribution_agreement`` explains the same sample with IG among other methods. The first builds its job without
settings, the second with its parameters (IG's at their defaults); both must resolve to one artefact key, so IG
runs once on the audited model. The shared prediction pass (the predict over every unmodified audit row) must
also run once although several checks read predictions and the prohibited-feature check reads activations.

Nothing is mocked: the counters wrap the real IG method and the real adapter's ``predict`` and call through.
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import auditkit
from auditkit.adapters.torch_model import TorchTabularAdapter
from auditkit.explain import METHODS
from auditkit.store import open_store

MODEL = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build():
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
    """
)
FEATURES = ["x0", "x1", "x2", "x3", "x4", "sex"]
#: Both checks explain the same 40 rows: the agreement check's ``n_examples`` and the prohibited-feature
#: check's ``attribution_examples`` draw the same seeded sample.
EXAMPLES = 40
CHECKS = [
    {"id": "sex-not-used", "kind": "prohibited_feature_use", "attribute": "sex", "layers": ["1"],
     "n_permutations": 49, "random_draws": 5, "max_probe_examples": 100, "folds": 2, "input_resamples": 20,
     "attribution_examples": EXAMPLES},
    {"id": "explainers", "kind": "attribution_agreement",
     "n_examples": EXAMPLES, "sanity_examples": 8, "seeds": 2, "ceiling_examples": 4,
     "random_orders": 2, "explanations": 0, "methods": ["integrated_gradients", "feature_ablation"]},
    {"id": "accuracy", "kind": "performance", "thresholds": {"accuracy": {"min": 0.0}}},
]


def _policy(tmp: Path) -> Path:
    (tmp / "model.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 5)), columns=FEATURES[:5])
    frame["sex"] = rng.integers(0, 2, 200)
    frame["y"] = rng.integers(0, 2, 200)
    frame.to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "share", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "share-system", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build"},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": FEATURES},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1], "model_input": True}],
        "statistics": {"bootstrap": 200, "seed": 11},
        "checks": CHECKS,
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


@pytest.fixture
def counted(monkeypatch) -> dict[str, list[Any]]:
    """Record every real IG run (its job) and every real predict call (adapter and inputs), calling through."""
    calls: dict[str, list[Any]] = {"ig": [], "predict": []}
    spec = METHODS["integrated_gradients"]["tabular"]

    def ig(job, settings, *, seed=0):
        calls["ig"].append(job)
        return spec.run(job, settings, seed=seed)

    monkeypatch.setitem(METHODS["integrated_gradients"], "tabular", dataclasses.replace(spec, run=ig))
    predict = TorchTabularAdapter.predict

    def counting_predict(self, inputs, **kwargs):
        calls["predict"].append((self, np.array(inputs, copy=True)))
        return predict(self, inputs, **kwargs)

    monkeypatch.setattr(TorchTabularAdapter, "predict", counting_predict)
    return calls


def test_integrated_gradients_and_the_shared_pass_run_once_per_run(tmp_path, counted):
    policy = _policy(tmp_path)
    with open_store(f"sqlite:///{tmp_path / 'audit.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    for check in CHECKS:
        assert run.outcome(check["id"]).status.value != "ERROR", run.outcome(check["id"]).summary
    audit_rows = pd.read_csv(tmp_path / "data.csv")[FEATURES].to_numpy(dtype=np.float32)
    shared = [(adapter, x) for adapter, x in counted["predict"]
              if x.shape == audit_rows.shape and np.array_equal(x, audit_rows)]
    assert len(shared) == 1, f"the full-data prediction pass ran {len(shared)} times"
    audited = shared[0][0]
    # IG on the audited model (the sanity check's randomised copies are other adapters, on subsets)
    on_model = [job for job in counted["ig"] if job.adapter is audited]
    assert len(on_model) == 1, f"Integrated Gradients ran {len(on_model)} times on the audited model"
    assert on_model[0].n == EXAMPLES
    # and both checks did read attributions: the agreement check's cost table and the prohibited check's mass
    agreement = run.outcome("explainers").evidence
    assert any("integrated_gradients" in str(t.rows) for t in agreement.tables)
    assert "attribution" in str(run.outcome("sex-not-used").evidence.to_json()).lower()


def test_a_second_run_computes_its_own_artefacts(tmp_path, counted):
    """The cache belongs to one run: a second run of the same policy recomputes (and gets the same numbers)."""
    policy = _policy(tmp_path)
    outcomes = []
    for name in ("a", "b"):
        with open_store(f"sqlite:///{tmp_path / f'{name}.db'}") as store:
            outcomes.append(auditkit.run_audit(policy, store=store, device="cpu", report=False))
    ig_runs = [job for job in counted["ig"] if job.n == EXAMPLES]
    assert len(ig_runs) == 2
    first, second = (o.outcome("sex-not-used") for o in outcomes)
    assert [m.value for m in first.measurements] == [m.value for m in second.measurements]
