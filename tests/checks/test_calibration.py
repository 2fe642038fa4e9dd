"""``calibration`` on a model whose calibration is known: the score is a group-blind probability, and the data
decide whether it is calibrated for each group (ground truth by construction)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml

import auditkit
from auditkit.checks.calibration import CalibrationCheck
from auditkit.evidence import ColumnRole, Role, Unit, ref
from auditkit.results import Status
from auditkit.store import open_store

# the model returns its input as the logit: its score is exactly sigmoid(x)
MODEL_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Identity(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.tensor([1.0]))

        def forward(self, x):
            return self.scale * x[:, 0]


    def build():
        return Identity()
    """
)
CHECK = {"id": "cal", "kind": "calibration", "severity": "major", "attributes": ["sex"]}


def _write(tmp_path, n_per_group: int, distort: dict[str, object], *, values=None, check=None, seed=0):
    """Per group: true probability p ~ U(0.02, 0.98), label ~ Bernoulli(p), model score = distort(p)."""
    rng = np.random.default_rng(seed)
    parts = []
    for group, f in distort.items():
        p = rng.uniform(0.02, 0.98, n_per_group)
        s = np.clip(f(p), 1e-6, 1 - 1e-6)
        parts.append(pd.DataFrame({"x": np.log(s / (1 - s)), "sex": group,
                                   "y": (rng.random(n_per_group) < p).astype(int)}))
    pd.concat(parts, ignore_index=True).to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "ident.py").write_text(MODEL_PY)
    policy = {
        "schema_version": 1,
        "policy": {"id": "calibration", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "calibration-system", "version": "1"},
        "model": {"type": "torch", "factory": "ident.py:build"},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": values or sorted(distort)}],
        "statistics": {"bootstrap": 400, "seed": 3},
        "checks": [{**CHECK, **(check or {})}],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


@pytest.fixture
def run(tmp_path):
    def go(*args, **kw):
        with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
            return auditkit.run_audit(_write(tmp_path, *args, **kw), store=store, device="cpu",
                                      report=False).outcome("cal")
    return go


def calibrated(p):
    return p


def cubed(p):
    return p**3


def test_a_model_calibrated_for_every_group_passes(run):
    out = run(3000, {"female": calibrated, "male": calibrated})
    assert out.status is Status.PASS, out.summary
    verdict = out.evidence.verdict
    assert verdict.rule == "every_group_within_tolerance" and verdict.rule in CalibrationCheck.rules
    assert set(verdict.reads) == {ref("ece", "sex=female"), ref("ece", "sex=male")}
    for group in ("sex=female", "sex=male"):
        m = out.measurement("ece", group)
        assert m.ci_high <= 0.05 and m.n == 3000 and m.unit == Unit.DIFFERENCE_PP and m.role == Role.DECISIVE
    assert out.measurement("ece").role == Role.DIAGNOSTIC and out.measurement("ece").status is None
    assert not out.evidence.findings


def test_a_model_miscalibrated_for_one_group_fails_on_that_group(run):
    out = run(1500, {"female": cubed, "male": calibrated})
    assert out.status is Status.FAIL, out.summary
    bad, good = out.measurement("ece", "sex=female"), out.measurement("ece", "sex=male")
    # E[p − p³] over p ~ U(0.02, 0.98) is 0.26; the whole interval lies far above the tolerance
    assert bad.value == pytest.approx(0.26, abs=0.04) and bad.ci_low > 0.15 and bad.status is Status.FAIL
    assert good.ci_low < 0.05 and good.status is not Status.FAIL
    verdict = out.evidence.verdict
    assert verdict.rule == "group_beyond_tolerance" and verdict.reads == (ref("ece", "sex=female"),)
    assert bad.role == Role.DECISIVE and good.role == Role.DIAGNOSTIC
    assert [(f.message.key, f.cause) for f in out.evidence.findings] == [("calibration.finding.beyond",
                                                                          "attribute:sex")]
    table = out.evidence.tables[0]
    status_col, group_col = table.column(ColumnRole.STATUS), table.column(ColumnRole.GROUP)
    assert {r[group_col]: r[status_col] for r in table.rows[1:]}["sex=female"] == "FAIL"
    chart = out.evidence.charts[0]
    assert chart["type"] == "lines" and [s["name"] for s in chart["series"]][:2] == ["sex=female", "sex=male"]
    female = chart["series"][0]
    # reliability diagram of an under-confident score: observed rate above the mean score in every bin
    assert all(y > x for x, y in zip(female["x"], female["y"], strict=True))


def test_small_groups_are_inconclusive(run):
    out = run(60, {"female": calibrated, "male": calibrated})
    assert out.status is Status.INCONCLUSIVE
    assert out.evidence.verdict.rule == "interval_straddles_tolerance"
    assert any(out.measurement("ece", g).ci_high > 0.05 for g in ("sex=female", "sex=male"))


def test_groups_below_min_group_size_are_not_judged(run):
    out = run(60, {"female": cubed, "male": calibrated}, check={"min_group_size": 100})
    assert out.status is Status.INCONCLUSIVE and out.evidence.verdict.rule == "groups_too_small"
    assert all(m.status is None for m in out.measurements)
    assert out.evidence.findings[0].cause == "attribute:sex"


def test_a_declared_group_without_rows_keeps_a_pass_from_passing(run):
    out = run(2500, {"female": calibrated, "male": calibrated}, values=["female", "male", "other"])
    assert out.status is Status.INCONCLUSIVE and out.evidence.verdict.rule == "declared_group_absent"
