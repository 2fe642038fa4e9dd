"""performance and group_fairness on a model whose decisions are known exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import auditkit
from auditkit.checks.group_fairness import GroupFairnessCheck
from auditkit.checks.performance import PerformanceCheck
from auditkit.evidence import ColumnRole, Role, Unit, ref
from auditkit.i18n import LANGUAGES, messages
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
    verdict = out.evidence.verdict
    assert verdict.rule == "interval_beyond_limit"
    assert {ref("demographic_parity_ratio"), ref("demographic_parity_difference")} <= set(verdict.reads)
    read = [m for m in out.measurements if ref(m.name, m.group) in verdict.reads]
    assert read and all(m.status is Status.FAIL and m.role == Role.DECISIVE for m in read)
    assert all(m.role == Role.DIAGNOSTIC for m in out.measurements if m not in read)
    assert diff.unit == Unit.DIFFERENCE_PP and ratio.unit == Unit.RATIO
    assert out.evidence.findings and {f.cause for f in out.evidence.findings} == {"attribute:sex"}
    assert {f.message.key for f in out.evidence.findings} == {"group_fairness.finding.breaches"}


def test_equal_rates_pass_when_the_sample_is_large(analytic, store):
    run = _run(analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=2000), store)
    out = run.outcome("parity")
    assert out.measurement("demographic_parity_difference").ci_high < 0.1
    assert out.status is Status.PASS and run.gate is GateDecision.PASS
    verdict = out.evidence.verdict
    assert verdict.rule == "interval_inside_limit" and not out.evidence.findings
    judged = {ref(m.name, m.group) for m in out.measurements if m.status is not None}
    assert set(verdict.reads) == judged
    assert all(m.status is Status.PASS for m in out.measurements if ref(m.name, m.group) in verdict.reads)
    # identical rates: the summary names no lowest and highest group (it once read "from 50.0% (sex=female) to
    # 50.0% (sex=female)")
    assert out.summary.startswith("Selection rate is 50.0% in every group (sex=female, sex=male); ")


def test_equal_rates_are_inconclusive_when_the_sample_is_small(analytic, store):
    # identical selection rates, but 40 per group cannot show the gap is below 0.1
    run = _run(analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=40), store)
    out = run.outcome("parity")
    assert out.measurement("demographic_parity_difference").value == pytest.approx(0.0)
    assert out.status is Status.INCONCLUSIVE
    assert run.gate is GateDecision.INCONCLUSIVE
    verdict = out.evidence.verdict
    assert verdict.rule == "interval_straddles_limit" and verdict.reads
    assert all(out.measurement(*r.split("@")).status is Status.INCONCLUSIVE for r in verdict.reads)
    assert "group_fairness.power.statement" in [m.key for m in out.evidence.summary]
    power = out.details["power"]
    assert power and all(p["rows_per_group_needed"] > 40 and "text" not in p for p in power)


def test_small_groups_are_reported_not_dropped(analytic, store):
    frame_rates = {"female": 0.5, "male": 0.5, "other": 0.5}
    policy = analytic(frame_rates, [PARITY], n_per_group=300, statistics={"min_group_size": 301})
    run = _run(policy, store)
    out = run.outcome("parity")
    assert out.status is Status.INCONCLUSIVE
    assert "Fewer than two groups" in out.summary
    assert out.evidence.verdict.rule == "too_few_comparable_groups" and out.evidence.verdict.reads == ()
    table = out.evidence.tables[0]
    assert table.title.key == "group_fairness.table.rates"
    assert [r[table.column(ColumnRole.GROUP)] for r in table.rows] == ["sex=female", "sex=male", "sex=other"]
    assert [r[table.column(ColumnRole.N)] for r in table.rows] == [300, 300, 300]
    assert all(r[table.column(ColumnRole.FLAG)] is False for r in table.rows)
    assert [f.message.key for f in out.evidence.findings] == ["group_fairness.finding.too_few_groups"]
    assert {f.cause for f in out.evidence.findings} == {"attribute:sex"}
    assert not {"tables", "notes", "charts"} & set(out.details)


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


@pytest.mark.parametrize("check", [GroupFairnessCheck, PerformanceCheck])
def test_every_rule_has_its_criterion_in_every_language(check):
    assert check.rules and len(set(check.rules)) == len(check.rules)
    for lang in LANGUAGES:
        catalogue = messages(lang)
        assert [r for r in check.rules if f"{check.kind}.rule.{r}" not in catalogue] == [], lang
        keys = [k for k in catalogue if k.startswith(f"{check.kind}.rule.")]
        assert sorted(keys) == sorted(f"{check.kind}.rule.{r}" for r in check.rules), lang


def test_declared_group_absent_is_the_deciding_rule(analytic, store):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=2000,
                      protected_attributes=[{"name": "sex", "column": "sex", "values": ["female", "male", "other"]}])
    out = _run(policy, store).outcome("parity")
    assert out.status is Status.INCONCLUSIVE and out.details["absent_groups"] == ["sex=other"]
    verdict = out.evidence.verdict
    assert verdict.rule == "declared_group_absent" and verdict.params["groups"] == ["sex=other"]
    assert all(out.measurement(*r.split("@")).status is Status.PASS for r in verdict.reads)
    assert "Group not present in the data: sex=other" in out.summary
    assert out.evidence.findings[0].message.key == "group_fairness.finding.absent"


def test_performance_pass_reads_every_judged_rate(analytic, store):
    out = _run(analytic({"female": 0.3, "male": 0.6}, [PERF]), store).outcome("perf")
    assert out.status is Status.PASS
    verdict = out.evidence.verdict
    assert verdict.rule == "interval_inside_limit" and not out.evidence.findings
    assert set(verdict.reads) == {"selection_rate", "selection_rate@sex=female", "selection_rate@sex=male"}
    scores = ("roc_auc", "gini")  # accuracy is a share of rows, a rate like the others
    assert {m.unit for m in out.measurements if m.name in scores} == {Unit.SCORE}
    assert {m.unit for m in out.measurements if m.name not in scores} == {Unit.RATE}
    assert "every threshold is met on its whole interval" in out.summary
    table = out.evidence.tables[0]
    assert table.title.key == "performance.table.by_group"
    # four confusion counts, then six rates
    assert [c.role for c in table.columns] == [ColumnRole.GROUP, ColumnRole.N, *[ColumnRole.VALUE] * 10,
                                               ColumnRole.FLAG]
    assert [c.unit for c in table.columns[2:6]] == [Unit.COUNT] * 4
    assert [r[0] for r in table.rows] == ["sex=female", "sex=male"] and all(r[-1] is True for r in table.rows)


def test_performance_fail_reads_the_failing_group(analytic, store):
    check = {**PERF, "thresholds": {"selection_rate": {"min": 0.5}}}
    out = _run(analytic({"female": 0.3, "male": 0.6}, [check], n_per_group=1000), store).outcome("perf")
    assert out.status is Status.FAIL
    verdict = out.evidence.verdict
    # overall 45 % of 2,000 rows and the female group's 30 % both lie wholly below 50 %; the male group passes
    assert verdict.rule == "interval_beyond_limit"
    assert verdict.reads == ("selection_rate", "selection_rate@sex=female")
    assert out.measurement("selection_rate", "sex=female").role == Role.DECISIVE
    assert out.measurement("selection_rate", "sex=male").role == Role.DIAGNOSTIC
    assert [(f.message.key, f.cause) for f in out.evidence.findings] == [
        ("performance.finding.breaches", None), ("performance.finding.breaches", "attribute:sex")]
    assert "selection rate 45.0% [42.8%, 47.2%] breaches the limit >= 50.0% (and 1 more)" in out.summary, out.summary


def test_performance_inconclusive_reads_only_undecided_rates(analytic, store):
    check = {**PERF, "thresholds": {"selection_rate": {"min": 0.45}}}
    out = _run(analytic({"female": 0.45, "male": 0.45}, [check], n_per_group=200), store).outcome("perf")
    assert out.status is Status.INCONCLUSIVE
    verdict = out.evidence.verdict
    assert verdict.rule == "interval_straddles_limit" and verdict.reads
    assert all(out.measurement(*r.split("@")).status is Status.INCONCLUSIVE for r in verdict.reads)
    assert [p["rows_needed"] for p in out.details["power"]] and "Power for selection rate" in out.summary
