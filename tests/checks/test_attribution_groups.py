"""``attribution_agreement`` speaks per original feature: declared groups (prefix rules), detected one-hot blocks,
the check's own groups; wide inputs get antithetic Shapley sampling with its standard errors in the report."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import auditkit
from auditkit.i18n import LANGUAGES
from auditkit.i18n.render import missing_keys
from auditkit.results import Status
from auditkit.store import open_store

MODEL = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build(d=10):
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(d, 16), nn.Tanh(), nn.Linear(16, 1))
    """
)
FAST = {"n_examples": 24, "background_size": 12, "nsamples": 60, "sanity_examples": 0, "require_sanity": False,
        "seeds": 2, "ceiling_examples": 4, "random_orders": 2, "explanations": 1, "k": 2}


def one_hot_frame(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """3 numeric columns, ``purpose`` (4 levels, named A40..A43) and ``housing`` (3 levels): 10 columns."""
    frame = pd.DataFrame(rng.normal(size=(rows, 3)), columns=["age", "amount", "duration"])
    for name, levels in (("purpose", ["A40", "A41", "A42", "A43"]), ("housing", ["own", "rent", "free"])):
        codes = rng.integers(0, len(levels), rows)
        for j, level in enumerate(levels):
            frame[f"{name}_{level}"] = (codes == j).astype(float)
    return frame


def run(tmp: Path, frame: pd.DataFrame, check: dict, groups: dict | None = None):
    features = list(frame.columns)
    (tmp / "model.py").write_text(MODEL)
    data = frame.assign(sex=np.arange(len(frame)) % 2, y=np.arange(len(frame)) % 3 == 0)
    data.to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "groups", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "groups", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build", "options": {"d": len(features)}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": True, "features": features,
                 **({"feature_groups": groups} if groups else {})},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1]}],
        "statistics": {"bootstrap": 200, "seed": 3},
        "checks": [{"id": "agree", "kind": "attribution_agreement", **FAST, **check}],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    with open_store(f"sqlite:///{tmp / 'audit.db'}") as store:
        return auditkit.run_audit(path, store=store, device="cpu", report=False)


def html(run) -> str:
    """The run's HTML report (rendered from the stored record)."""
    from auditkit.report import render_report

    return render_report(run, report_id="r-1", version=1, formats=("html",)).html.decode()


def tables(out) -> dict[str, object]:
    return {t.title.key.removeprefix("attribution_agreement."): t for t in out.evidence.tables}


def explained_features(out) -> set[str]:
    return {f["feature"] for item in out.details["explanations"] for f in item["factors"]}


def group_note(out):
    return next(n for n in out.evidence.notes if n.key == "attribution_agreement.note.feature_groups")


def test_detected_blocks_and_prefix_rules_are_single_features(tmp_path):
    frame = one_hot_frame(np.random.default_rng(0), 120)
    audit = run(tmp_path, frame, {"methods": ["integrated_gradients", "kernel_shap", "feature_ablation"]},
                groups={"purpose": {"prefix": "purpose_"}})
    out = audit.outcome("agree")
    assert out.status in (Status.PASS, Status.INCONCLUSIVE), out.summary
    note = group_note(out)
    # purpose (declared by prefix) and housing (detected one-hot block): 5 features from 10 columns
    assert note.params["features"].value == 5 and note.params["columns"].value == 10
    named = {p.params["name"] for p in note.params["groups"].params["items"] + [note.params["groups"].params["last"]]}
    assert named == {"purpose", "housing"}
    assert explained_features(out) <= {"age", "amount", "duration", "purpose", "housing"}
    assert "precision.title" not in tables(out)  # no sampled Shapley method ran
    for lang in LANGUAGES:
        assert missing_keys(out.evidence.messages(), lang) == []
    assert "Attributions are per original feature: purpose (4 columns)" in html(audit)


def test_the_checks_own_groups_override_and_detection_can_be_switched_off(tmp_path):
    frame = one_hot_frame(np.random.default_rng(1), 120)
    methods = {"methods": ["integrated_gradients", "feature_ablation"]}
    out = run(tmp_path, frame, {**methods, "detect_one_hot": False,
                                "feature_groups": {"loan": ["amount", "duration"]}}).outcome("agree")
    note = group_note(out)
    assert note.params["features"].value == 9 and note.params["groups"].params["name"] == "loan"
    (tmp_path / "plain").mkdir()
    plain = run(tmp_path / "plain", frame, {**methods, "detect_one_hot": False}).outcome("agree")
    assert not any(n.key == "attribution_agreement.note.feature_groups" for n in plain.evidence.notes)


def test_a_wide_input_is_explained_by_antithetic_sampling_with_standard_errors(tmp_path):
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.normal(size=(80, 26)), columns=[f"x{i}" for i in range(26)])
    audit = run(tmp_path, frame, {"shapley_max_rounds": 3})
    out = audit.outcome("agree")
    methods = [row[0] for row in tables(out)["table.methods.title"].rows]
    assert "shapley_sampling" in methods and "kernel_shap" not in methods  # 26 features > 24: wide
    precision = tables(out)["table.precision.title"]
    (row,) = precision.rows
    method, pairs, converged, mean_se, worst = row
    assert method == "shapley_sampling" and 12 <= pairs <= 36  # 1 to 3 rounds of one pair per background row
    assert 0.0 <= converged <= 1.0 and mean_se > 0 and worst > 0
    assert precision.title.params["rounds"].value == 3
    # the ceiling table holds the method: it is stochastic, rerun with other seeds
    assert "shapley_sampling" in [r[0] for r in tables(out)["table.ceiling.title"].rows]
    for lang in LANGUAGES:
        assert missing_keys(out.evidence.messages(), lang) == []
    page = html(audit)
    assert "Sampling precision of the sampled Shapley estimates" in page and "mean standard error" in page
