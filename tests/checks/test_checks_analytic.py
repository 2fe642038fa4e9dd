"""performance and group_fairness on a model whose decisions are known exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import auditkit
from auditkit.results import GateDecision, Status
from auditkit.store import open_store

PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_ratio": {"min": 0.8}, "demographic_parity_difference": {"max": 0.1}}}
PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"selection_rate": {"min": 0.2}},
        "per_group_thresholds": True}


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as s:
        yield s


def _run(policy, store):
    return auditkit.run_audit(policy, store=store, device="cpu", report=False)


def test_performance_rates_equal_hand_computation(analytic, store):
    policy = analytic({"female": 0.3, "male": 0.6}, [PERF])
    run = _run(policy, store)
    out = run.outcome("perf")
    frame = pd.read_csv(policy.parent / "data.csv")
    decided = (frame["x"] >= 0.5).astype(int)
    for group in ("female", "male"):
        rows = frame["sex"] == group
        k, n = int(decided[rows].sum()), int(rows.sum())
        m = out.measurement("selection_rate", f"sex={group}")
        assert m.value == pytest.approx(k / n) and m.n == n
        assert (m.ci_low, m.ci_high) == pytest.approx(proportion_confint(k, n, alpha=0.05, method="wilson"))
        acc = out.measurement("accuracy", f"sex={group}")
        assert acc.value == pytest.approx(float((decided[rows] == frame["y"][rows]).mean()))
    overall = out.measurement("selection_rate")
    assert overall.value == pytest.approx(0.45)
    assert out.status is Status.PASS  # every group's whole interval is above 0.2


def test_disparate_model_fails_with_interval_beyond_threshold(analytic, store):
    run = _run(analytic({"female": 0.3, "male": 0.6}, [PARITY], n_per_group=1000), store)
    out = run.outcome("parity")
    ratio = out.measurement("demographic_parity_ratio")
    assert ratio.value == pytest.approx(0.5)
    assert ratio.ci_high < 0.8 and ratio.status is Status.FAIL
    diff = out.measurement("demographic_parity_difference")
    assert diff.value == pytest.approx(0.3) and diff.ci_low > 0.1
    assert diff.p_value is not None and diff.p_value < 1e-10
    assert out.status is Status.FAIL and run.gate is GateDecision.FAIL
    assert "breaches" in out.summary


def test_equal_rates_pass_when_the_sample_is_large(analytic, store):
    run = _run(analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=2000), store)
    out = run.outcome("parity")
    assert out.measurement("demographic_parity_difference").ci_high < 0.1
    assert out.status is Status.PASS and run.gate is GateDecision.PASS


def test_equal_rates_are_inconclusive_when_the_sample_is_small(analytic, store):
    # identical selection rates, but 40 per group cannot show the gap is below 0.1
    run = _run(analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=40), store)
    out = run.outcome("parity")
    assert out.measurement("demographic_parity_difference").value == pytest.approx(0.0)
    assert out.status is Status.INCONCLUSIVE
    assert run.gate is GateDecision.INCONCLUSIVE


def test_small_groups_are_reported_not_dropped(analytic, store):
    frame_rates = {"female": 0.5, "male": 0.5, "other": 0.5}
    policy = analytic(frame_rates, [PARITY], n_per_group=300, statistics={"min_group_size": 301})
    run = _run(policy, store)
    out = run.outcome("parity")
    assert out.status is Status.INCONCLUSIVE
    assert "Fewer than two groups" in out.summary
    table = out.details["tables"][0]
    assert [r[0] for r in table["rows"]] == ["sex=female", "sex=male", "sex=other"]
    assert all(r[-1].startswith("no") for r in table["rows"])


def test_intersectional_groups(analytic, store):
    def add_age(frame):
        frame["age"] = np.where(np.arange(len(frame)) % 2 == 0, "young", "old")
        return frame

    check = {**PARITY, "attributes": ["sex", "age"], "thresholds": {"impact_ratio": {"min": 0.8}}}
    policy = analytic({"female": 0.3, "male": 0.6}, [check], n_per_group=600, frame_hook=add_age,
                      extra_attributes=({"name": "age", "column": "age", "values": ["young", "old"]},))
    run = _run(policy, store)
    groups = {m.group for m in run.outcome("parity").measurements if m.name == "impact_ratio"}
    assert groups == {"sex=female & age=young", "sex=female & age=old", "sex=male & age=young", "sex=male & age=old"}
    worst = run.outcome("parity").measurement("impact_ratio", "sex=female & age=young")
    assert worst.value == pytest.approx(0.5, abs=0.02) and worst.status is Status.FAIL


def test_same_seed_same_numbers(analytic, store):
    policy = analytic({"female": 0.4, "male": 0.5}, [PARITY])
    a = _run(policy, store).outcome("parity")
    b = _run(policy, store).outcome("parity")
    assert [m.to_dict() for m in a.measurements] == [m.to_dict() for m in b.measurements]
    assert a.fingerprint == b.fingerprint and a.seed == b.seed
