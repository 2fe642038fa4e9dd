"""Every check kind on every black-box model type, end to end through ``run_audit``, with the real libraries.

The model reads the protected attribute and the data are built so that the
outcomes are fixed by the data (see ``tabular_models``): accuracy passes,
demographic parity and the counterfactual flip test fail, calibration passes.
Attribution agreement runs with the perturbation methods only (the gradient
methods are reported as not run, with the reason) and prohibited_feature_use,
which these adapters' missing layers once SKIPPED, runs at the inputs (probe and
erasure of the input features, the leaves probed for tree ensembles) and FAILs:
the model reads ``sex_code``. Nothing is ever an ERROR.
"""

from __future__ import annotations

import pytest
from tabular_models import write_audit

import auditkit
from auditkit.results import Status
from auditkit.store import open_store

CHECKS = [
    {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"accuracy": {"min": 0.6}}},
    {"id": "parity", "kind": "group_fairness", "attributes": ["sex"],
     "thresholds": {"demographic_parity_ratio": {"min": 0.8}}},
    {"id": "calib", "kind": "calibration", "attributes": ["sex"], "max_ece": 0.15},
    {"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex"},
    {"id": "agree", "kind": "attribution_agreement", "n_examples": 30, "background_size": 30, "seeds": 2,
     "sanity_examples": 10, "ceiling_examples": 5, "random_orders": 3},
    # few probe rows and permutations: the 60-tree ensembles' one-hot leaves are wide, and their probe is the cost
    {"id": "prohibited", "kind": "prohibited_feature_use", "attribute": "sex", "n_permutations": 19,
     "max_probe_examples": 150},
]


@pytest.mark.parametrize("model_type", ["sklearn", "xgboost", "lightgbm", "onnx"])
def test_every_check_runs_or_says_why_not(tmp_path, model_type):
    policy = write_audit(tmp_path, model_type, CHECKS, seed=0)
    with open_store(f"sqlite:///{tmp_path / 'runs.db'}") as store:
        record = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    status = {o.check_id: o.status for o in record.outcomes}
    assert Status.ERROR not in status.values(), [(o.check_id, o.summary) for o in record.outcomes]
    assert status["perf"] is Status.PASS
    assert status["parity"] is Status.FAIL
    assert status["calib"] is Status.PASS
    assert status["cf"] is Status.FAIL

    agree = record.outcome("agree")
    assert agree.status is not Status.SKIPPED  # two perturbation methods ran
    not_run = [n for n in agree.evidence.notes if n.key.endswith("note.method_not_run")]
    tree = model_type in ("xgboost", "lightgbm")
    if tree:  # the defaults for trees are the two exact TreeSHAPs and feature ablation: all run
        assert not not_run
        assert {m.group for m in agree.measurements} >= {"tree_shap vs tree_shap_path", "tree_shap vs feature_ablation"}
    else:
        assert sorted(n.params["method"] for n in not_run) == ["GradientShap (expected gradients)",
                                                               "Integrated Gradients"]
        assert {n.params["reason"].key for n in not_run} == {"explain.gradient.unsupported"}

    prohibited = record.outcome("prohibited")
    assert prohibited.status is Status.FAIL, prohibited.summary
    # a tree ensemble is erased at the leaves its margin reads; other black boxes at their inputs
    assert prohibited.details["space"] == ("leaves" if tree else "inputs")
    note = "leaf_space" if tree else "input_space"
    assert f"prohibited_feature_use.note.{note}" in {n.key for n in prohibited.evidence.notes}
    assert any(name.startswith("leaves") for name in prohibited.details["probed"]) is tree
    assert record.model_ref["type"] == model_type


def test_an_onnx_conversion_audits_like_the_sklearn_model_it_came_from(tmp_path):
    """skl2onnx converts the very Pipeline the sklearn test saves: every status and measured summary must agree."""
    records = {}
    for model_type in ("sklearn", "onnx"):
        (tmp_path / model_type).mkdir()
        policy = write_audit(tmp_path / model_type, model_type, CHECKS, seed=0)
        with open_store(f"sqlite:///{tmp_path / model_type / 'runs.db'}") as store:
            records[model_type] = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    sk, ox = ({o.check_id: o for o in records[t].outcomes} for t in ("sklearn", "onnx"))
    assert {k: o.status for k, o in ox.items()} == {k: o.status for k, o in sk.items()}
    for check_id in ("perf", "parity", "calib", "cf"):
        assert ox[check_id].summary == sk[check_id].summary
    assert records["onnx"].model_ref["producer_name"] == "skl2onnx"
