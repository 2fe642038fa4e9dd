"""TreeSHAP on XGBoost and LightGBM through auditkit's adapters: exact margin decomposition, refusals, the audit.

The models are trained on generated data whose outcome depends on every feature,
so every seed gives trees that split on several features; the properties tested
(additivity, dummy features, equality with XGBoost's own contributions) hold for
any trained ensemble, not only for these seeds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from auditkit.adapters import load_adapter
from auditkit.explain import UnsupportedMethod, explain, tabular_job
from auditkit.policy.schema import ModelSpec

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters"))  # the black-box audit helpers live there

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")
CPU = torch.device("cpu")
FEATURES = ["a", "b", "c", "d"]
SEEDS = [0, 1]


def data(seed: int, n: int = 1500, *, only_first: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Uniform features; P(y = 1) = sigmoid(6a − 3b + 2c·d − 2.5), or 8a − 4 when ``only_first``."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(FEATURES))).astype(np.float32)
    logit = 8 * x[:, 0] - 4 if only_first else 6 * x[:, 0] - 3 * x[:, 1] + 2 * x[:, 2] * x[:, 3] - 2.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, y


def save(kind: str, tmp: Path, seed: int, *, only_first: bool = False) -> str:
    """Train a small ensemble and save it in the library's own format; ``only_first`` trees split on ``a`` only."""
    x, y = data(seed, only_first=only_first)
    if only_first:  # the other columns are constant, so no tree can split on them
        x = np.column_stack([x[:, 0], np.zeros((x.shape[0], len(FEATURES) - 1), np.float32)])
    if kind == "xgboost":
        xgb.XGBClassifier(n_estimators=40, max_depth=3, learning_rate=0.2, n_jobs=1,
                          random_state=seed).fit(x, y).save_model(tmp / "m.json")
        return "m.json"
    lgb.LGBMClassifier(n_estimators=40, num_leaves=8, learning_rate=0.2, n_jobs=1, verbose=-1,
                       random_state=seed).fit(x, y).booster_.save_model(tmp / "m.txt")
    return "m.txt"


def adapter_and_job(kind: str, tmp: Path, seed: int, *, explained: str = "logit", favourable_output: int = 1,
                    only_first: bool = False):
    path = save(kind, tmp, seed, only_first=only_first)
    adapter = load_adapter(ModelSpec(type=kind, path=path, favourable_output=favourable_output), base_dir=tmp,
                           device=CPU, feature_names=FEATURES)
    x, _ = data(seed + 100, n=300)
    job = tabular_job(adapter, x[:120], np.arange(120), background=x[120:], explained=explained)
    return adapter, job


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_tree_shap_plus_expected_value_is_the_models_margin(tmp_path, kind, seed):
    """The acceptance: per row, Σφ + E[margin over the background] = the raw margin, within 1e-5."""
    adapter, job = adapter_and_job(kind, tmp_path, seed)
    attr = explain("tree_shap", job)
    margin = adapter.margin(job.X)
    expected = attr.settings["expected_value"]
    np.testing.assert_allclose(attr.values.sum(axis=1) + expected, margin, rtol=0, atol=1e-5)
    np.testing.assert_allclose(attr.delta, 0.0, atol=1e-5)
    # interventional: E is the mean margin over the job's background sample (the other methods' reference)
    assert expected == pytest.approx(adapter.margin(job.background).mean(), abs=1e-5)
    # the margin is the logit every other method explains (up to the libraries' float32 probabilities)
    logit = job.scores(job.X, 4096)
    np.testing.assert_allclose(margin, logit, atol=1e-3)
    assert attr.values.shape == (job.n, len(FEATURES)) and attr.explained == "logit"
    assert attr.evaluations == 0.0 and not attr.gradient and attr.settings["model_output"] == "raw"
    assert np.abs(attr.values).max() > 0.1  # the trees do use the features


@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_favourable_class_zero_negates_and_probability_is_decomposed_exactly(tmp_path, kind):
    _, job1 = adapter_and_job(kind, tmp_path, 3)
    adapter0, job0 = adapter_and_job(kind, tmp_path, 3, favourable_output=0)
    one, zero = explain("tree_shap", job1), explain("tree_shap", job0)
    np.testing.assert_allclose(zero.values, -one.values, atol=1e-12)
    np.testing.assert_allclose(zero.values.sum(axis=1) + zero.settings["expected_value"], adapter0.margin(job0.X),
                               atol=1e-5)
    adapter_p, job_p = adapter_and_job(kind, tmp_path, 3, explained="probability", favourable_output=0)
    prob = explain("tree_shap", job_p)
    np.testing.assert_allclose(prob.values.sum(axis=1) + prob.settings["expected_value"], adapter_p.predict(job_p.X),
                               atol=1e-5)
    assert prob.settings["model_output"] == "probability" and prob.explained == "probability"


@pytest.mark.parametrize("seed", SEEDS)
def test_xgboost_pred_contribs_equal_shaps_path_dependent_tree_shap(tmp_path, seed):
    """XGBoost's ``pred_contribs`` is path-dependent TreeSHAP (cover-weighted, no background), so it is compared
    with shap's ``tree_path_dependent`` on the same booster, not with the interventional values auditkit reports
    (those differ by design); both decompose the same margin, which the acceptance test checks for auditkit's."""
    from auditkit.explain.base import import_shap

    adapter, job = adapter_and_job("xgboost", tmp_path, seed)
    contribs = adapter.tree_model.predict(xgb.DMatrix(job.X), pred_contribs=True)
    path_dep = import_shap().TreeExplainer(adapter.tree_model, feature_perturbation="tree_path_dependent")
    np.testing.assert_allclose(contribs[:, :-1], path_dep.shap_values(job.X), atol=1e-5)
    np.testing.assert_allclose(contribs.sum(axis=1), adapter.margin(job.X), atol=1e-5)
    ours = explain("tree_shap", job)
    np.testing.assert_allclose(ours.values.sum(axis=1) + ours.settings["expected_value"], contribs.sum(axis=1),
                               atol=1e-5)


@pytest.mark.parametrize("favourable_output", [1, 0])
@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_native_path_dependent_tree_shap_decomposes_the_margin(tmp_path, kind, favourable_output):
    """``tree_shap_path`` is the library's own TreeSHAP: Σφ + its expected value is the favourable class's
    log-odds row by row, and it equals shap's path-dependent algorithm on the same booster (an independent
    implementation), negated with the margin when class 0 is favourable."""
    from auditkit.explain.base import import_shap

    adapter, job = adapter_and_job(kind, tmp_path, 3, favourable_output=favourable_output)
    attr = explain("tree_shap_path", job)
    contribs = adapter.contributions(job.X)
    np.testing.assert_allclose(contribs.sum(axis=1), adapter.margin(job.X), atol=1e-5)
    np.testing.assert_allclose(attr.values, contribs[:, :-1], atol=0)
    assert np.abs(attr.delta).max() < 1e-5
    sign = 1.0 if favourable_output == 1 else -1.0
    path_dep = import_shap().TreeExplainer(adapter.tree_model, feature_perturbation="tree_path_dependent")
    np.testing.assert_allclose(attr.values, sign * np.asarray(path_dep.shap_values(job.X)).reshape(job.n, -1),
                               atol=1e-5)
    assert attr.settings["implementation"].startswith(kind) and "(cpu)" in attr.settings["implementation"]


def test_native_tree_shap_refuses_a_probability_job_with_its_reason(tmp_path):
    _, job = adapter_and_job("xgboost", tmp_path, 0, explained="probability")
    with pytest.raises(UnsupportedMethod) as caught:
        explain("tree_shap_path", job)
    assert caught.value.reason.key == "explain.tree.path_needs_logit"


@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_features_no_tree_splits_on_get_exactly_zero(tmp_path, kind):
    _, job = adapter_and_job(kind, tmp_path, 4, only_first=True)
    attr = explain("tree_shap", job)
    assert np.abs(attr.values[:, 0]).max() > 0.1
    np.testing.assert_array_equal(attr.values[:, 1:], 0.0)


def test_feature_groups_sum_their_columns(tmp_path):
    from auditkit.explain import FeatureGrouping

    adapter, job = adapter_and_job("lightgbm", tmp_path, 5)
    single = explain("tree_shap", job)
    grouped = explain("tree_shap", tabular_job(adapter, job.X, job.rows, background=job.background,
                                                grouping=FeatureGrouping.build(FEATURES, {"cd": ["c", "d"]})))
    np.testing.assert_allclose(grouped.values[:, 2], single.values[:, 2] + single.values[:, 3], atol=1e-12)
    assert grouped.features == ("a", "b", "cd")


def test_a_model_without_trees_refuses_tree_shap_with_its_reason(tmp_path):
    from tabular_models import FEATURES as SK_FEATURES
    from tabular_models import save_sklearn, training_arrays

    save_sklearn(tmp_path / "m.skops", seed=0)
    adapter = load_adapter(ModelSpec(type="sklearn", path="m.skops"), base_dir=tmp_path, device=CPU,
                           feature_names=SK_FEATURES)
    x, _ = training_arrays(0, n=60)
    job = tabular_job(adapter, x[:20], np.arange(20), background=x[20:])
    with pytest.raises(UnsupportedMethod) as caught:
        explain("tree_shap", job)
    assert caught.value.reason.key == "explain.tree.unsupported"
    assert "SupportsTreeStructure" in str(caught.value)


def test_a_torch_model_refuses_tree_shap(tabular_adapter):
    adapter = tabular_adapter("linear", d=4)
    x = np.random.default_rng(0).random((40, 4)).astype(np.float32)
    with pytest.raises(UnsupportedMethod) as caught:
        explain("tree_shap", tabular_job(adapter, x[:10], np.arange(10), background=x[10:]))
    assert caught.value.reason.params["adapter"] == type(adapter).__name__


def test_an_xgboost_audit_anchors_the_agreement_table_on_tree_shap(tmp_path):
    from tabular_models import write_audit

    import auditkit
    from auditkit.results import Status
    from auditkit.store import open_store

    checks = [{"id": "agree", "kind": "attribution_agreement", "n_examples": 30, "background_size": 30,
               "seeds": 2, "sanity_examples": 10, "ceiling_examples": 5, "random_orders": 3}]
    policy = write_audit(tmp_path, "xgboost", checks, seed=0)
    with open_store(f"sqlite:///{tmp_path / 'runs.db'}") as store:
        record = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    agree = record.outcome("agree")
    assert agree.status not in (Status.ERROR, Status.SKIPPED), agree.summary
    groups = {m.group for m in agree.measurements}
    # TreeSHAP ran, first in every pair it is in; the library's own path-dependent TreeSHAP beside it
    assert {"tree_shap vs feature_ablation", "tree_shap vs tree_shap_path"} <= groups
    assert not any("kernel_shap" in str(g) for g in groups)  # replaced by the exact method, not run beside it
    assert not [n for n in agree.evidence.notes if n.key.endswith("note.method_not_run")]


@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_randomising_trees_changes_only_the_last_ones_and_never_the_original(tmp_path, kind):
    """The sanity check's model randomisation for trees: the last k trees get random splits (thresholds taken
    from the reference rows) and leaves, the earlier ones and the original adapter are untouched, and the same
    seed gives the same random model (its own fingerprint)."""
    adapter, job = adapter_and_job(kind, tmp_path, 0)
    before_scores, before_leaves = adapter.predict(job.X).copy(), adapter.leaf_indices(job.X)
    last = adapter.randomised(1, seed=3, reference=job.background)
    np.testing.assert_array_equal(last.leaf_indices(job.X)[:, :-1], before_leaves[:, :-1])
    assert not np.allclose(last.margin(job.X), adapter.margin(job.X))
    whole = adapter.randomised(adapter.n_trees, seed=3, reference=job.background)
    again = adapter.randomised(adapter.n_trees, seed=3, reference=job.background)
    np.testing.assert_array_equal(whole.predict(job.X), again.predict(job.X))
    assert whole.fingerprint == again.fingerprint != last.fingerprint != adapter.fingerprint
    assert np.mean(whole.leaf_indices(job.X) != before_leaves) > 0.3  # the splits moved, not only the leaves
    np.testing.assert_array_equal(adapter.predict(job.X), before_scores)
    np.testing.assert_array_equal(adapter.leaf_indices(job.X), before_leaves)
    # still a valid ensemble whose exact attributions decompose its own margin
    attr = explain("tree_shap_path", tabular_job(whole, job.X, job.rows, background=job.background))
    assert np.abs(attr.delta).max() < 1e-5


@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_exact_tree_methods_pass_the_randomisation_sanity_check(tmp_path, kind):
    """Exact TreeSHAP cannot be model-insensitive: after every tree is randomised its attributions must stop
    resembling the trained model's (ρ of |φ| below 0.5 on the whole interval), and the table says trees."""
    from tabular_models import write_audit

    import auditkit
    from auditkit.results import Status
    from auditkit.store import open_store

    checks = [{"id": "agree", "kind": "attribution_agreement", "n_examples": 30, "background_size": 30,
               "seeds": 2, "sanity_examples": 10, "ceiling_examples": 5, "random_orders": 3}]
    policy = write_audit(tmp_path, kind, checks, seed=0)
    with open_store(f"sqlite:///{tmp_path / 'runs.db'}") as store:
        record = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    agree = record.outcome("agree")
    sanity = {m.group: m for m in agree.measurements if m.name == "sanity_rank_correlation"}
    assert sanity["tree_shap"].status is Status.PASS and sanity["tree_shap_path"].status is Status.PASS
    assert agree.evidence.verdict is not None and agree.evidence.verdict.rule != "sanity_check_failed"
    assert "sanity_cannot_run" not in " ".join(n.key for n in agree.evidence.notes)
    columns = [c.header.key for t in agree.evidence.tables for c in t.columns]
    assert any(key.endswith("column.all_stages_trees") for key in columns)
