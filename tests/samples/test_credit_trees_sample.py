"""The credit sample's black-box models (issue #16 item 4): XGBoost proxy/fair pair and a logistic scorecard.

Known answers, from real audits of the sample's own models, data and policies (only the run size is cut for
speed: 200 bootstrap resamples, fewer probe rows and permutations, no attribution check, no report):

* ``policy-xgb.yaml`` (XGBoost on the biased ``hist_default``): parity, ``sex-not-used`` and the
  counterfactual FAIL, the gate blocks the release;
* ``policy-xgb-fair.yaml`` (same recipe on the true ``default``): parity, ``sex-not-used`` and the
  counterfactual PASS: the booster never splits on ``hours_per_week``, its leaves (where a tree ensemble is
  erased: the margin reads them linearly) do not encode sex, and moving sex through the inputs changes no
  decision;
* ``policy-scorecard.yaml`` (logistic regression on ``hist_default``): FAILS like the proxy trees.

XGBoost trains on one thread (``nthread: 1``) with fixed seeds; every audit seed is pinned by the policy.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
import yaml
from sample_module import load_sample

pytest.importorskip("xgboost")
pytest.importorskip("skops.io")

import auditkit
from auditkit.checks.prohibited_feature_use import LEAVES
from auditkit.demo import SAMPLES, prepare_sample
from auditkit.errors import AuditkitError
from auditkit.results import GateDecision, Status
from auditkit.store import open_store

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "samples" / "credit"
#: Per-check overrides that keep the audits quick; the thresholds and every rule stay the policy's.
FAST = {
    # the eraser keeps the policy's fit size (max_fit_examples 4000): fitted on 1000 rows, LEACE in the
    # ~1,200-leaf space of the fair trees is estimated too coarsely to show the absence of use (INCONCLUSIVE)
    "sex-not-used": {"n_permutations": 19, "random_draws": 5, "max_probe_examples": 1000,
                     "attribution_examples": 0, "input_resamples": 20},
}
CHECKS = ("accuracy", "sex-selection-parity", "sex-not-used", "sex-counterfactual")


def _load_sample() -> ModuleType:
    return load_sample(SAMPLE_DIR / "sample.py", "credit_trees_sample_under_test")


@pytest.fixture(scope="module")
def sample() -> ModuleType:
    return _load_sample()


@pytest.fixture(scope="module")
def prepared(sample: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return sample.prepare_trees(tmp_path_factory.mktemp("credit-trees"))


@pytest.fixture(scope="module")
def runs(prepared: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The three shipped policies, audited on the sample's hold-out rows with FAST settings."""
    root = prepared["manifest"].parents[1]
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('trees-db') / 'audit.db'}")
    out = {}
    for name in ("policy-xgb.yaml", "policy-xgb-fair.yaml", "policy-scorecard.yaml"):
        policy = yaml.safe_load((SAMPLE_DIR / name).read_text(encoding="utf-8"))
        policy["statistics"]["bootstrap"] = 200
        policy["checks"] = [{**c, **FAST.get(c["id"], {})} for c in policy["checks"] if c["id"] in CHECKS]
        path = root / f"fast-{name}"
        path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
        record = auditkit.run_audit(auditkit.load_policy(path), store=store, device="cpu", report=False, strict=True)
        out[name] = store.get_run(record.run_id)
    yield out
    store.close()


def test_prepare_trees_writes_native_models_deterministically(
    sample: ModuleType, prepared: dict[str, Path], tmp_path: Path
) -> None:
    import skops.io as sio
    import xgboost as xgb

    again = sample.prepare_trees(tmp_path / "again")
    for key in ("train", "holdout", "xgb_proxy_model", "xgb_fair_model"):
        assert prepared[key].read_bytes() == again[key].read_bytes(), key
    # the data are the MLP sample's generator output (the CSV round trip is exact)
    frame = sample.generate(sample.N_TRAIN + sample.N_HOLDOUT, sample.DATA_SEED)
    pd.testing.assert_frame_equal(pd.read_csv(prepared["train"]), frame.iloc[: sample.N_TRAIN])
    for key in ("xgb_proxy_model", "xgb_fair_model"):
        booster = xgb.Booster(model_file=str(prepared[key]))
        assert booster.feature_names == sample.FEATURES
        assert json.loads(booster.save_config())["learner"]["objective"]["name"] == "binary:logistic"
        assert len(booster.get_dump()) == sample._XGB_ROUNDS
    # skops trusts the scorecard's types by default (the policy lists none); coefficients are reproducible
    assert sio.get_untrusted_types(file=prepared["scorecard_model"]) == []
    first, second = (sio.load(p["scorecard_model"]) for p in (prepared, again))
    np.testing.assert_array_equal(first[-1].coef_, second[-1].coef_)
    assert list(first.feature_names_in_) == sample.FEATURES and list(first.classes_) == [0, 1]


def test_fair_trees_never_split_on_the_proxy_and_the_proxy_trees_do(
    sample: ModuleType, prepared: dict[str, Path]
) -> None:
    import skops.io as sio
    import xgboost as xgb

    splits = {key: xgb.Booster(model_file=str(prepared[key])).get_score(importance_type="weight")
              for key in ("xgb_proxy_model", "xgb_fair_model")}
    assert splits["xgb_fair_model"].get("hours_per_week", 0) == 0
    assert splits["xgb_proxy_model"]["hours_per_week"] >= 50
    scorecard = sio.load(prepared["scorecard_model"])
    coef = dict(zip(sample.FEATURES, scorecard[-1].coef_[0], strict=True))
    assert coef["hours_per_week"] > 0.4  # more hours → more likely "repaid" in the biased records


def test_tree_cache_is_reused_and_invalidated(
    sample: ModuleType, prepared: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = prepared["manifest"].parents[1]
    stamps = {k: p.stat().st_mtime_ns for k, p in prepared.items()}
    assert sample.prepare_trees(root) == prepared
    assert {k: p.stat().st_mtime_ns for k, p in prepared.items()} == stamps
    outputs = {k: p for k, p in prepared.items() if k != "manifest"}
    assert sample._cache_valid(prepared["manifest"], outputs, sample._trees_spec())
    monkeypatch.setattr(sample, "TREES_VERSION", "changed")
    assert not sample._cache_valid(prepared["manifest"], outputs, sample._trees_spec())
    monkeypatch.undo()
    monkeypatch.setattr(sample, "_XGB_PARAMS", {**sample._XGB_PARAMS, "max_depth": 4})
    assert not sample._cache_valid(prepared["manifest"], outputs, sample._trees_spec())


def test_proxy_trees_fail_parity_use_and_counterfactual(runs: dict) -> None:
    run = runs["policy-xgb.yaml"]
    assert run.outcome("accuracy").status is Status.PASS
    parity = run.outcome("sex-selection-parity")
    assert parity.status is Status.FAIL
    assert parity.measurement("demographic_parity_difference").ci_low > 0.1
    used = run.outcome("sex-not-used")
    assert used.status is Status.FAIL, used.summary
    assert used.measurement("erasure_flip_rate", group=LEAVES).ci_low > 0.1  # erased where the margin reads
    assert used.measurement("input_counterfactual_flip_rate", group="inputs").ci_low > 0.1
    assert used.details["space"] == "leaves" and used.details["erased"] == [LEAVES]
    assert used.measurement("probe_balanced_accuracy", group=LEAVES).value > 0.7  # the leaves encode sex
    cf = run.outcome("sex-counterfactual")
    assert cf.status is Status.FAIL and "hours_per_week" in cf.summary
    assert run.gate is GateDecision.FAIL


def test_fair_trees_pass_parity_use_and_counterfactual(runs: dict) -> None:
    run = runs["policy-xgb-fair.yaml"]
    assert run.outcome("accuracy").status is Status.PASS
    parity = run.outcome("sex-selection-parity")
    assert parity.status is Status.PASS, parity.summary
    assert parity.measurement("demographic_parity_ratio").ci_low >= 0.8
    assert run.outcome("sex-counterfactual").status is Status.PASS, run.outcome("sex-counterfactual").summary
    used = run.outcome("sex-not-used")
    # The booster ignores the proxy: moving sex through the inputs changes no decision, and the leaves the rows
    # fall into do not encode sex, so erasing sex there cannot change the margin the trees read from them.
    # (Erased at the inputs instead, the legitimate inputs moved by their chance correlation with sex, and trees
    # splitting at exact values flipped 4.3% of decisions: the check could not pass this model.)
    assert used.measurement("input_counterfactual_flip_rate", group="inputs").value == 0.0
    assert used.measurement("probe_balanced_accuracy", group=LEAVES).value < 0.6  # the proxy trees': > 0.7
    assert used.status is Status.PASS, used.summary
    assert run.gate is GateDecision.PASS


def test_scorecard_fails_like_the_proxy_trees(runs: dict) -> None:
    run = runs["policy-scorecard.yaml"]
    assert run.outcome("accuracy").status is Status.PASS
    for check in ("sex-selection-parity", "sex-not-used", "sex-counterfactual"):
        assert run.outcome(check).status is Status.FAIL, (check, run.outcome(check).summary)
    assert run.gate is GateDecision.FAIL


def test_demo_entry_and_missing_library_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    entry = SAMPLES["credit-trees"]
    assert entry.folder == "credit" and entry.prepare == "prepare_trees"
    assert all((SAMPLE_DIR / f).is_file() for f in entry.files)
    monkeypatch.setitem(sys.modules, "xgboost", None)  # import xgboost now raises ModuleNotFoundError
    with pytest.raises(AuditkitError, match=r'pip install "auditkit\[xgboost,sklearn\]"'):
        prepare_sample("credit-trees", tmp_path)
