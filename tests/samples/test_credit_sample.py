"""The credit sample: deterministic data and models, a working cache, and the known ground truth.

The sample's value is that the audit answer is known in advance (the proxy
model fails demographic parity, the fair model passes). These tests pin that
ground truth with plain numpy, cross-check it with fairlearn, and make sure the
intervals the audit will compute fall clearly on the expected side of each
policy threshold.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from fairlearn.metrics import demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference
from safetensors.torch import load_file
from sample_module import load_sample

from auditkit.policy.schema import Policy

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "samples" / "credit"
POLICIES = {"proxy": SAMPLE_DIR / "policy.yaml", "fair": SAMPLE_DIR / "policy-fair.yaml"}
Z95 = 1.959963984540054


def _load_sample() -> ModuleType:
    return load_sample(SAMPLE_DIR / "sample.py", "credit_sample_under_test")


@pytest.fixture(scope="module")
def sample() -> ModuleType:
    return _load_sample()


@pytest.fixture(scope="module")
def prepared(sample: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return sample.prepare(tmp_path_factory.mktemp("credit-a"))


@pytest.fixture(scope="module")
def holdout(prepared: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(prepared["holdout"])


# ------------------------------------------------------------------ helpers


def _scores(sample: ModuleType, weights: Path, x: np.ndarray) -> np.ndarray:
    """P(repaid) from a model rebuilt with the policy's factory and the stored weights."""
    model = sample.build()
    model.load_state_dict(load_file(str(weights)))
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor(x, dtype=torch.float32))
    assert logits.shape == (x.shape[0], 1)
    return torch.sigmoid(logits[:, 0]).numpy().astype(np.float64)


def _wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return centre - half, centre + half


def _group_rates(decision: np.ndarray, favourable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Selection rate, TPR and FPR along the last axis (works on bootstrap matrices)."""
    positives = favourable.sum(axis=-1)
    negatives = favourable.shape[-1] - positives
    selection = decision.mean(axis=-1)
    tpr = (decision * favourable).sum(axis=-1) / positives
    fpr = (decision * (1 - favourable)).sum(axis=-1) / negatives
    return selection, tpr, fpr


def _fairness(
    decision: np.ndarray, favourable: np.ndarray, female: np.ndarray, *, n_boot: int = 2000, seed: int = 7
) -> dict[str, tuple[float, float, float]]:
    """Point estimate and stratified-bootstrap 95% percentile interval of the three parity metrics."""
    rng = np.random.default_rng(seed)
    per_group = []
    for mask in (female, ~female):
        d, y = decision[mask], favourable[mask]
        idx = rng.integers(0, d.size, size=(n_boot, d.size))
        per_group.append((_group_rates(d, y), _group_rates(d[idx], y[idx])))

    def metrics(f: tuple[np.ndarray, ...], m: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        (sr_f, tpr_f, fpr_f), (sr_m, tpr_m, fpr_m) = f, m
        return {
            "dp_ratio": np.minimum(sr_f, sr_m) / np.maximum(sr_f, sr_m),
            "dp_difference": np.abs(sr_f - sr_m),
            "eo_difference": np.maximum(np.abs(tpr_f - tpr_m), np.abs(fpr_f - fpr_m)),
        }

    point = metrics(per_group[0][0], per_group[1][0])
    boot = metrics(per_group[0][1], per_group[1][1])
    return {k: (float(point[k]), float(np.quantile(boot[k], 0.025)), float(np.quantile(boot[k], 0.975))) for k in point}


# ---------------------------------------------------------------- generator


def test_generator_is_deterministic_and_has_the_documented_structure(sample: ModuleType) -> None:
    a, b = sample.generate(20_000, 3), sample.generate(20_000, 3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(sample.generate(20_000, 4))
    assert list(a.columns) == ["applicant_id", "sex", *sample.FEATURES, "default", "hist_default"]
    assert a["applicant_id"].is_unique

    female = (a["sex"] == "female").to_numpy()
    assert set(a["sex"]) == {"female", "male"}
    assert 0.48 < female.mean() < 0.52
    # The proxy: hours differ by sex (≈30 vs ≈40 h) ...
    hours = a["hours_per_week"]
    assert abs(hours[female].mean() - 30) < 0.5 and abs(hours[~female].mean() - 40) < 0.5
    # ... while the legitimate features and the true outcome do not.
    for column in sample.LEGITIMATE_FEATURES:
        gap = abs(a.loc[female, column].mean() - a.loc[~female, column].mean())
        assert gap < 0.05 * a[column].std(), column
    assert 0.25 < a["default"].mean() < 0.35
    assert abs(a.loc[female, "default"].mean() - a.loc[~female, "default"].mean()) < 0.03
    # Label bias: only women who repaid are ever recorded as defaults.
    changed = a["hist_default"] != a["default"]
    assert changed.any()
    assert (a.loc[changed, "sex"] == "female").all() and (a.loc[changed, "default"] == 0).all()
    assert (a["hist_default"] >= a["default"]).all()


def test_training_twice_gives_identical_weights(sample: ModuleType) -> None:
    frame = sample.generate(3_000, 5)
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    first = sample.train(frame, labels="default", seed=1).state_dict()
    second = sample.train(frame, labels="default", seed=1).state_dict()
    other = sample.train(frame, labels="default", seed=2).state_dict()
    assert torch.equal(torch.rand(3), before), "train() must not consume the caller's global RNG"
    assert first.keys() == second.keys()
    assert {"feature_mean", "feature_std"} <= set(first)
    assert all(torch.equal(first[k], second[k]) for k in first)
    assert not all(torch.equal(first[k], other[k]) for k in first)


def test_train_rejects_unknown_label_column(sample: ModuleType) -> None:
    with pytest.raises(KeyError, match="not_a_column"):
        sample.train(sample.generate(100, 1), labels="not_a_column", seed=1)


# ------------------------------------------------------------------ prepare


def test_prepare_is_deterministic(
    sample: ModuleType, prepared: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = sample.prepare(tmp_path_factory.mktemp("credit-b"))
    for key in ("train", "holdout", "proxy_model", "fair_model", "manifest"):
        assert prepared[key].read_bytes() == again[key].read_bytes(), key


def test_prepare_writes_disjoint_data_and_loadable_models(sample: ModuleType, prepared: dict[str, Path]) -> None:
    train = pd.read_csv(prepared["train"])
    holdout = pd.read_csv(prepared["holdout"])
    assert len(train) == sample.N_TRAIN and len(holdout) == sample.N_HOLDOUT
    assert not set(train["applicant_id"]) & set(holdout["applicant_id"])
    # CSV round trip is exact: training saw exactly what the files hold.
    expected = sample.generate(sample.N_TRAIN + sample.N_HOLDOUT, sample.DATA_SEED)
    pd.testing.assert_frame_equal(holdout, expected.iloc[sample.N_TRAIN :].reset_index(drop=True))
    for key in ("proxy_model", "fair_model"):
        model = sample.build()
        model.load_state_dict(load_file(str(prepared[key])))  # strict: every key matches
    # The sample files travel along, so the folder can be audited on its own.
    root = prepared["manifest"].parents[1]
    for name in ("sample.py", "policy.yaml", "policy-fair.yaml", "README.md"):
        assert (root / name).is_file(), name


def test_prepare_cache_skips_work_and_keeps_files(sample: ModuleType, prepared: dict[str, Path]) -> None:
    stamps = {k: p.stat().st_mtime_ns for k, p in prepared.items()}
    start = time.perf_counter()
    again = sample.prepare(prepared["manifest"].parents[1])
    assert time.perf_counter() - start < 1.0
    assert again == prepared
    assert {k: p.stat().st_mtime_ns for k, p in again.items()} == stamps


def test_cache_is_invalidated_by_a_changed_file_or_spec(
    sample: ModuleType, prepared: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = prepared["manifest"].parents[1]
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    outputs = {k: copy / p.relative_to(root) for k, p in prepared.items() if k != "manifest"}
    manifest = copy / "models" / "manifest.json"
    assert sample._cache_valid(manifest, outputs)
    monkeypatch.setattr(sample, "GENERATOR_VERSION", "changed")
    assert not sample._cache_valid(manifest, outputs)
    monkeypatch.undo()
    monkeypatch.setattr(sample, "_HIST_FLIP_WOMEN", 0.3)
    assert not sample._cache_valid(manifest, outputs)
    monkeypatch.undo()
    assert sample._cache_valid(manifest, outputs)
    with outputs["holdout"].open("a", encoding="utf-8") as f:
        f.write("\n")
    assert not sample._cache_valid(manifest, outputs)


def test_command_line_entry_uses_the_cache(sample: ModuleType, prepared: dict[str, Path], capsys) -> None:
    assert sample.main([str(prepared["manifest"].parents[1])]) == 0
    assert "credit-proxy.safetensors" in capsys.readouterr().out
    assert sample.main(["a", "b"]) == 2


# ------------------------------------------------------------- ground truth


@pytest.fixture(scope="module")
def outcomes(sample: ModuleType, prepared: dict[str, Path], holdout: pd.DataFrame) -> dict[str, dict]:
    """Decisions and metrics of both models on the holdout set."""
    x = holdout[sample.FEATURES].to_numpy(dtype=np.float32)
    female = (holdout["sex"] == "female").to_numpy()
    favourable = (holdout["default"] == 0).to_numpy().astype(np.int64)  # repaid = favourable = 1
    # Propagated counterfactual for sex through its proxy: move hours to the other group's mean.
    hours = sample.FEATURES.index("hours_per_week")
    shift = holdout.loc[~female, "hours_per_week"].mean() - holdout.loc[female, "hours_per_week"].mean()
    x_cf = x.copy()
    x_cf[:, hours] += np.where(female, shift, -shift).astype(np.float32)
    result = {}
    for name, key in (("proxy", "proxy_model"), ("fair", "fair_model")):
        score = _scores(sample, prepared[key], x)
        decision = (score >= 0.5).astype(np.int64)
        correct = int((decision == favourable).sum())
        result[name] = {
            "decision": decision,
            "accuracy": correct / decision.size,
            "accuracy_ci": _wilson(correct, decision.size),
            "selection": (decision[female].mean(), decision[~female].mean(), decision.mean()),
            "fairness": _fairness(decision, favourable, female),
            "score_hours_corr": float(np.corrcoef(score, holdout["hours_per_week"])[0, 1]),
            "cf_mean_abs_change": float(np.abs(_scores(sample, prepared[key], x_cf) - score).mean()),
        }
    result["female"], result["favourable"] = female, favourable
    return result


def test_proxy_model_fails_demographic_parity_with_confidence(outcomes: dict) -> None:
    proxy = outcomes["proxy"]
    ratio, _, ratio_hi = proxy["fairness"]["dp_ratio"]
    diff, diff_lo, _ = proxy["fairness"]["dp_difference"]
    eo, eo_lo, _ = proxy["fairness"]["eo_difference"]
    sr_women, sr_men, _ = proxy["selection"]
    assert sr_women < sr_men
    assert 0.5 <= ratio <= 0.7 and ratio_hi < 0.75  # wholly below the four-fifths threshold
    assert diff > 0.2 and diff_lo > 0.15  # wholly above the 0.1 tolerance
    assert eo > 0.2 and eo_lo > 0.15


def test_proxy_model_uses_hours_per_week(outcomes: dict) -> None:
    assert outcomes["proxy"]["score_hours_corr"] > 0.3
    assert outcomes["proxy"]["cf_mean_abs_change"] > 0.1


def test_fair_model_passes_parity_with_confidence(outcomes: dict) -> None:
    fair = outcomes["fair"]
    ratio, ratio_lo, _ = fair["fairness"]["dp_ratio"]
    diff, _, diff_hi = fair["fairness"]["dp_difference"]
    eo, _, eo_hi = fair["fairness"]["eo_difference"]
    assert ratio >= 0.93 and ratio_lo > 0.9
    assert diff < 0.04 and diff_hi < 0.07
    assert eo < 0.05 and eo_hi < 0.09
    assert abs(fair["score_hours_corr"]) < 0.05
    assert fair["cf_mean_abs_change"] < 0.01


@pytest.mark.parametrize("name", ["proxy", "fair"])
def test_accuracy_and_selection_rates_are_realistic(outcomes: dict, name: str) -> None:
    model = outcomes[name]
    assert 0.7 <= model["accuracy"] <= 0.86
    assert model["accuracy_ci"][0] >= 0.69
    assert 0.5 <= model["selection"][2] <= 0.75
    # The accuracy floor (0.65) is also met clearly within each group, so the
    # accuracy check passes for both models however it is disaggregated.
    decision, y, female = model["decision"], outcomes["favourable"], outcomes["female"]
    for mask in (female, ~female):
        correct = int((decision[mask] == y[mask]).sum())
        assert _wilson(correct, int(mask.sum()))[0] > 0.67


@pytest.mark.parametrize("name", ["proxy", "fair"])
def test_numpy_metrics_agree_with_fairlearn(outcomes: dict, name: str) -> None:
    decision, y, female = outcomes[name]["decision"], outcomes["favourable"], outcomes["female"]
    sex = np.where(female, "female", "male")
    ours = outcomes[name]["fairness"]
    assert demographic_parity_ratio(y, decision, sensitive_features=sex) == pytest.approx(ours["dp_ratio"][0])
    assert demographic_parity_difference(y, decision, sensitive_features=sex) == pytest.approx(ours["dp_difference"][0])
    assert equalized_odds_difference(y, decision, sensitive_features=sex) == pytest.approx(ours["eo_difference"][0])


# ----------------------------------------------------------------- policies


@pytest.mark.parametrize("name", ["proxy", "fair"])
def test_policies_validate_and_match_the_sample(sample: ModuleType, prepared: dict[str, Path], name: str) -> None:
    path = POLICIES[name]
    policy = Policy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert policy.policy.id == "credit-scoring-eu"
    assert policy.system.name == "retail-credit-scorer"
    assert policy.system.version == {"proxy": "2.4.0", "fair": "2.5.0"}[name]
    assert policy.system.annex_iii_point == "5(b)"
    assert policy.data.features == sample.FEATURES
    assert policy.data.label == "default" and policy.data.favourable_label == 0
    assert policy.model.factory == "sample.py:build"
    sex = policy.attribute("sex")
    assert sex.model_input is False and sex.reference == "male"
    assert [c.id for c in policy.checks] == ["accuracy", "sex-selection-parity", "sex-not-used",
                                             "sex-counterfactual", "explanation-agreement"]
    # Paths are relative to the policy file: they resolve inside a prepared folder.
    root = prepared["manifest"].parents[1]
    assert (root / policy.data.path).resolve() == prepared["holdout"].resolve()
    assert (root / policy.model.weights).resolve() == prepared[f"{name}_model"].resolve()
    factory_file, factory_name = policy.model.factory.split(":")
    assert callable(getattr(sample, factory_name)) and (root / factory_file).is_file()
