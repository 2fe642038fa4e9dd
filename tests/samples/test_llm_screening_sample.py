"""The LLM-screening sample: three small decoders with a known answer, audited through ``huggingface-causal``.

llm-leaky answers "Yes" more often for men (trained on the historical screener's
labels, it reads names, pronouns and titles); llm-blind cannot see gender (its
vocabulary has no gendered word, so each is <unk>); llm-encoded-unused carries
gender in a residual-stream coordinate that no weight reads. The audit must
FAIL the first on counterfactuals, prohibited use (erasure and SAE-feature
ablation) and parity, PASS the second, and report the third as encoded but not
used. The sample is prepared once (trained on the CPU) and each model audited
once, for every test of the module.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from sample_module import load_sample

import auditkit
from auditkit.i18n import use_language
from auditkit.report.html import render_html
from auditkit.report.view import build_view
from auditkit.results import Status
from auditkit.store import open_store

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "samples" / "llm-screening"
POLICIES = {"llm-leaky": "policy-leaky.yaml", "llm-blind": "policy-blind.yaml",
            "llm-encoded-unused": "policy-encoded-unused.yaml"}


@pytest.fixture(scope="module")
def sample() -> ModuleType:
    return load_sample(SAMPLE_DIR / "sample.py", "llm_screening_sample_under_test")


@pytest.fixture(scope="module")
def prepared(sample: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return sample.prepare(tmp_path_factory.mktemp("llm"))


@pytest.fixture(scope="module")
def runs(prepared: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each model's stored run (one store)."""
    folder = prepared["manifest"].parents[1]
    out = {}
    with open_store(f"sqlite:///{tmp_path_factory.mktemp('llm-db') / 'runs.db'}") as store:
        for name, policy in POLICIES.items():
            out[name] = auditkit.run_audit(folder / policy, store=store, device="cpu", report=False)
    return out


def _outcome(run, kind: str):
    (found,) = [o for o in run.outcomes if o.kind == kind]
    return found


def test_prepare_is_cached_and_records_the_ground_truth(sample: ModuleType, prepared: dict[str, Path]) -> None:
    manifest = json.loads(prepared["manifest"].read_text())
    metrics = manifest["holdout_metrics"]
    assert metrics["llm-leaky"]["selection_rate_ratio"] < 0.7 and metrics["llm-leaky"]["swap_flip_rate"] > 0.1
    assert metrics["llm-blind"]["swap_flip_rate"] == 0 and metrics["llm-encoded-unused"]["swap_flip_rate"] == 0
    stamp = prepared["manifest"].stat().st_mtime_ns
    again = sample.prepare(prepared["manifest"].parents[1])
    assert again["manifest"].stat().st_mtime_ns == stamp  # cached: nothing retrained


def test_leaky_model_fails_counterfactual_prohibited_use_and_parity(runs) -> None:
    run = runs["llm-leaky"]
    assert _outcome(run, "group_fairness").status is Status.FAIL
    sweep = _outcome(run, "counterfactual_sweep")
    assert sweep.status is Status.FAIL
    assert min(m.ci_low for m in sweep.measurements if m.name == "flip_rate") > 0.01
    pfu = _outcome(run, "prohibited_feature_use")
    assert pfu.status is Status.FAIL
    rules = pfu.details["rules"]
    assert rules["model.layers.1"] == "erasure_effect_beyond_tolerance_and_control"  # residual-stream erasure
    assert rules["sae"] == "sae_ablation_beyond_tolerance_and_control"  # SAE-feature ablation
    sae = pfu.measurement("sae_ablation_flip_rate", "sae")
    assert sae.ci_low > 0.01 and sae.value > pfu.measurement("sae_random_control_flip_rate_p95", "sae").value
    (table,) = [t for t in pfu.evidence.tables if t.title.key == "prohibited_feature_use.table.sae.title"]
    examples = [row[-1] for row in table.rows]  # where each ablated feature fires most: an audit bio's words
    assert examples and all(e.count("[") == e.count("]") >= 1 and ": …" in e for e in examples)


def test_blind_model_passes_every_check(runs) -> None:
    run = runs["llm-blind"]
    assert {o.check_id: o.status for o in run.outcomes} == dict.fromkeys(
        [o.check_id for o in run.outcomes], Status.PASS)
    assert _outcome(run, "prohibited_feature_use").details["rules"]["sae"] in (
        "sae_no_feature_predicts_attribute", "sae_ablation_within_tolerance")


def test_encoded_but_unused_gender_is_reported_as_encoded(runs) -> None:
    """Gender is read from the residual stream at the answer token, and nothing that changes gender in the text or
    ablates SAE features changes a decision."""
    run = runs["llm-encoded-unused"]
    pfu = _outcome(run, "prohibited_feature_use")
    probe = pfu.measurement("probe_balanced_accuracy", "model.layers.1")
    assert probe.ci_low > 0.9  # gender is read from the residual stream at the answer token
    assert pfu.measurement("input_counterfactual_flip_rate", "inputs").ci_high <= 0.01  # swapping its words: none
    assert pfu.details["rules"]["sae"] in ("sae_no_feature_predicts_attribute", "sae_ablation_within_tolerance")
    assert _outcome(run, "counterfactual_sweep").status is Status.PASS
    assert _outcome(run, "group_fairness").status is Status.PASS


def test_encoded_but_unused_gender_is_reported_as_not_used(runs) -> None:
    pfu = _outcome(runs["llm-encoded-unused"], "prohibited_feature_use")
    assert pfu.details["rules"]["model.layers.1"] == "complete_erasure_effect_within_tolerance"
    assert pfu.status is Status.PASS
    # encoded (the reserved coordinate), erased completely, and no decision moved
    assert pfu.measurement("probe_balanced_accuracy", "model.layers.1").ci_low > 0.95
    assert pfu.measurement("probe_accuracy_after_erasure", "model.layers.1").ci_low < 0.5
    assert pfu.measurement("erasure_flip_rate", "model.layers.1").value == 0.0
    # the eraser was fitted on the one entry that stands out from noise, and the report says so
    (note,) = [n for n in pfu.evidence.notes if n.key == "prohibited_feature_use.note.significant_components"]
    assert note.params["kept"].value == 1 and note.params["components"].value == 65


def test_attribution_patching_agrees_with_exact_patching(runs) -> None:
    mediation = _outcome(runs["llm-leaky"], "counterfactual_sweep").details["mediation"]
    assert mediation["spearman"] >= 0.8 and mediation["pairs_used"] > 0 and mediation["pairs_skipped"] == 0
    exact = np.array([x for x in mediation["exact"] if x is not None])
    assert len(exact) >= 3 and np.all(np.isfinite(exact))


def test_the_report_shows_the_sae_features_and_the_mediation_chart_in_both_languages(runs) -> None:
    run = runs["llm-leaky"]
    for language, words in (("en", ("Sparse-autoencoder features", "Share of the counterfactual change")),
                            ("de", ("Sparse-Autoencoder-Merkmale", "Anteil der kontrafaktischen Änderung"))):
        with use_language(language):
            html = render_html(build_view(run, report_id="R", version=1, language=language)).decode()
        for w in words:
            assert w in html, (language, w)
        assert "huggingface-causal" in html
