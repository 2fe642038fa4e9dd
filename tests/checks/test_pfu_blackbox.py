"""Known-answer tests of ``prohibited_feature_use`` on models without hidden layers (issue #16, item 3).

Such a model is probed and erased at its inputs (the input-space intervention);
a tree ensemble is probed at its inputs and its one-hot leaves, and erased at
the leaves, which its margin reads linearly.
The data are generated with pinned seeds; ``sex`` is never a model input:

* proxy model: ``proxy = sex + N(0, 0.35)`` and the label rises steeply with
  ``proxy``; a model trained on it decides by ``sex`` through the proxy, so
  erasing ``sex``'s linear information from the inputs (which moves ``proxy``
  towards the pooled mean) flips many decisions → FAIL (a scikit-learn
  logistic regression; XGBoost, whose leaves encode ``sex`` through the
  proxy's splits, FAILS the erasure at its leaves).
* fair model: every input (``score`` and noise) is drawn independently of
  ``sex`` and the label depends on ``score`` only, so nothing the model sees
  carries ``sex``: the probes' intervals stay within chance + margin, the
  rule ``not_encoded_at_layer`` decides at the leaves, and no proxy is flagged, so there
  is no propagated counterfactual to withhold the PASS → PASS.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

import auditkit
from auditkit.checks.prohibited_feature_use import INPUT_FEATURES, LEAVES
from auditkit.results import Status
from auditkit.store import open_store

PROXY_FEATURES = ["score", "proxy", "noise1", "noise2", "noise3"]
FAIR_FEATURES = ["score", "noise1", "noise2", "noise3"]
CHECK = {"id": "pfu", "kind": "prohibited_feature_use", "attribute": "sex", "n_permutations": 19}


def frame(n: int, seed: int, *, fair: bool) -> pd.DataFrame:
    """``n`` rows; the label follows ``proxy`` (a noisy copy of ``sex``) and ``score``, or ``score`` alone."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(0, 2, n)
    score, n1, n2, n3 = (rng.random(n) for _ in range(4))
    proxy = sex + rng.normal(0.0, 0.35, n)
    logit = 8.0 * (score - 0.5) if fair else 2.0 * (score - 0.5) + 6.0 * (proxy - 0.5)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"score": score, "proxy": proxy, "noise1": n1, "noise2": n2, "noise3": n3,
                         "sex": sex, "y": y}).round(4)


def write(tmp: Path, model_type: str, *, fair: bool, **params) -> Path:
    """Train a ``model_type`` model on one sample, write held-out audit data and a policy; return its path."""
    features = FAIR_FEATURES if fair else PROXY_FEATURES
    train = frame(3000, 11, fair=fair)
    x, y = train[features].to_numpy(np.float32), train["y"].to_numpy()
    if model_type == "xgboost":
        import xgboost as xgb

        name = "model.json"
        xgb.XGBClassifier(n_estimators=5, max_depth=3, learning_rate=0.5, n_jobs=1, random_state=0) \
            .fit(x, y).save_model(tmp / name)
    else:
        import skops.io as sio
        from sklearn.linear_model import LogisticRegression

        name = "model.skops"
        sio.dump(LogisticRegression().fit(x, y), tmp / name)
    # the fair model's PASS rests on the probes showing "not encoded", whose intervals narrow with the rows probed
    frame(2400 if fair else 1200, 12, fair=fair).to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "pfu-blackbox", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": f"{model_type}-scorer", "version": "1"},
        "model": {"type": model_type, "path": name},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": features},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1]}],
        "statistics": {"bootstrap": 200, "seed": 3},
        "checks": [{**CHECK, **params}],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def audit(tmp: Path, model_type: str, *, fair: bool, **params):
    with open_store(f"sqlite:///{tmp / 'runs.db'}") as store:
        record = auditkit.run_audit(write(tmp, model_type, fair=fair, **params), store=store, device="cpu",
                                    report=False)
    return record.outcome("pfu")


def notes(outcome) -> set[str]:
    return {n.key.removeprefix("prohibited_feature_use.note.") for n in outcome.evidence.notes}


def probed(outcome) -> list[str]:
    return sorted({m.group for m in outcome.measurements if m.name == "probe_balanced_accuracy"})


def test_a_proxy_model_fails_the_input_space_erasure(tmp_path):
    """A model without hidden layers (a scikit-learn pipeline): the attribute enters through ``proxy`` only;
    erasing it from the inputs flips decisions beyond the tolerance and beyond the random-direction control,
    and the input features' rule decides the FAIL.

    Pinned seeds: erasure flips 45% [41%, 49%] of decisions against a control p95 of 2.8%; the propagated
    counterfactual (proxy → other value) flips about 85%.
    """
    outcome = audit(tmp_path, "sklearn", fair=False, max_probe_examples=400)  # the effect is large: few rows do
    assert outcome.status is Status.FAIL, outcome.summary
    assert outcome.details["space"] == "inputs"
    assert outcome.details["rules"][INPUT_FEATURES] == "erasure_effect_beyond_tolerance_and_control"
    flips = next(m for m in outcome.measurements if m.name == "erasure_flip_rate")
    control = next(m for m in outcome.measurements if m.name == "random_control_flip_rate_p95")
    assert flips.group == INPUT_FEATURES and flips.ci_low > 0.01 and flips.value > control.value
    assert "input_space" in notes(outcome) and "erasure_inputs" in notes(outcome)
    assert "erasure" not in notes(outcome)  # the layer note (forward hooks) does not describe this erasure
    assert probed(outcome) == [INPUT_FEATURES] and "leaf_space" not in notes(outcome)


def test_a_proxy_tree_ensemble_fails_the_erasure_at_its_leaves(tmp_path):
    """A tree ensemble's margin is a linear readout of its one-hot leaves, so the attribute is erased there (as at
    an MLP's last hidden layer): the leaves encode sex through the proxy's splits, and erasing it flips decisions
    beyond the tolerance and the random-direction control in the leaf space."""
    outcome = audit(tmp_path, "xgboost", fair=False, max_probe_examples=400)
    assert outcome.status is Status.FAIL, outcome.summary
    assert outcome.details["space"] == "leaves" and outcome.details["erased"] == [LEAVES]
    assert outcome.details["rules"][LEAVES] == "erasure_effect_beyond_tolerance_and_control"
    flips = next(m for m in outcome.measurements if m.name == "erasure_flip_rate")
    control = next(m for m in outcome.measurements if m.name == "random_control_flip_rate_p95")
    assert flips.group == LEAVES and flips.ci_low > 0.01 and flips.value > control.value
    assert probed(outcome) == sorted([INPUT_FEATURES, LEAVES])
    assert {"leaf_space", "erasure_leaves"} <= notes(outcome) and "input_space" not in notes(outcome)
    leaves = next(m for m in outcome.measurements if m.name == "probe_balanced_accuracy" and m.group == LEAVES)
    assert leaves.ci_low > 0.6  # the trees' leaves encode sex (through the proxy)


def test_the_leaf_readout_reproduces_the_boosters_margin(tmp_path):
    """Erasing at the leaves is only meaningful if the margin *is* the linear readout of the one-hot leaves:
    with an edit that changes nothing, the read-out score equals the booster's own prediction."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "adapters"))  # the black-box model helpers live there
    from tabular_models import FEATURES, save_lightgbm, save_xgboost, training_arrays

    from auditkit.adapters import load_adapter
    from auditkit.checks._leaf_readout import LeafReadout
    from auditkit.policy.schema import ModelSpec

    for kind, name, save in (("xgboost", "m.json", save_xgboost), ("lightgbm", "m.txt", save_lightgbm)):
        save(tmp_path / name, 0)
        for favourable in (1, 0):
            adapter = load_adapter(ModelSpec(type=kind, path=name, favourable_output=favourable), base_dir=tmp_path,
                                   device=torch.device("cpu"), feature_names=FEATURES)
            x, _ = training_arrays(1, n=300)
            readout = LeafReadout.of(adapter)
            h = readout.one_hot(adapter.leaf_indices(x))
            assert h.sum(axis=1).tolist() == [adapter.n_trees] * len(x)  # one leaf per tree
            base = adapter.margin(x) - h.astype(np.float64) @ readout.values
            assert np.ptp(base) < 1e-5  # the rest is the constant base score
            scores = readout.scorer(adapter, x)(lambda t: t, np.arange(len(x)))
            np.testing.assert_allclose(scores, adapter.predict(x), atol=1e-6)


@pytest.mark.parametrize("model_type", ["xgboost"])
def test_a_model_whose_inputs_carry_nothing_of_the_attribute_passes(tmp_path, model_type):
    """No input depends on ``sex``: the probes show it is not encoded in the inputs nor in the leaves the margin
    reads, so nothing can be used → PASS (rule ``not_encoded_at_layer`` at the leaves).

    2000 of the 2400 audit rows are probed (the default ``max_probe_examples``): the intervals must be narrow
    enough to lie within chance + margin. Pinned seeds: inputs 0.502 [0.482, 0.523], leaves 0.507 [0.487, 0.530]
    ≤ 0.55. The erasure itself flips 3.3% of decisions here (LEACE removes a whole direction, whichever way
    chance tilts it), which is why the rule never reads an erasure at a layer that does not encode the attribute.
    """
    outcome = audit(tmp_path, model_type, fair=True)
    assert outcome.status is Status.PASS, outcome.summary
    assert outcome.details["rules"] == {LEAVES: "not_encoded_at_layer"}
    probe = next(m for m in outcome.measurements if m.name == "probe_balanced_accuracy" and m.group == INPUT_FEATURES)
    assert probe.ci_high <= 0.55
    assert probed(outcome) == sorted([INPUT_FEATURES, LEAVES])
    assert {"leaf_space", "erasure_leaves"} <= notes(outcome)
