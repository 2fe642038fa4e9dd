"""auditkit.diff: the run comparison shared by `auditkit diff`, the regression gate and report section 9."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "report"))
from report_samples import make_previous, make_run

from auditkit.diff import Change, Side, diff_runs, gating_regressions, intervals_overlap, side
from auditkit.report.history import compare_runs
from auditkit.results import Measurement, Severity, Status


def _m(value, lo, hi, thr=0.1, op="<=", status=None):
    return Measurement("dpd", value, lo, hi, threshold=thr, comparator=op, status=status, confidence=0.95)


@pytest.mark.parametrize(("m", "expected"), [
    (_m(0.05, 0.02, 0.08), Side.INSIDE),
    (_m(0.05, 0.02, 0.10), Side.INSIDE),  # the threshold itself passes
    (_m(0.09, 0.05, 0.13), Side.STRADDLES),
    (_m(0.20, 0.15, 0.25), Side.OUTSIDE),
    (_m(0.90, 0.85, 0.95, thr=0.8, op=">="), Side.INSIDE),
    (_m(0.80, 0.75, 0.85, thr=0.8, op=">="), Side.STRADDLES),
    (_m(0.60, 0.55, 0.65, thr=0.8, op=">="), Side.OUTSIDE),
    (_m(0.60, None, None, thr=0.8, op=">="), Side.OUTSIDE),  # no interval: judged on the value
    (Measurement("x", 0.5), None),  # no threshold
])
def test_side_of_the_threshold(m, expected):
    assert side(m) is expected


def test_intervals_overlap():
    assert intervals_overlap(_m(0.1, 0.0, 0.2), _m(0.25, 0.2, 0.3)) is True
    assert intervals_overlap(_m(0.1, 0.0, 0.2), _m(0.35, 0.3, 0.4)) is False
    assert intervals_overlap(_m(0.1, None, None), _m(0.35, 0.3, 0.4)) is None


def test_diff_of_the_sample_runs():
    before, after = make_previous(), make_run()
    d = diff_runs(before, after)
    assert d.artefact("model").changed and not d.artefact("dataset").changed
    assert not d.artefact("policy_sha256").changed and d.artefact("system_version").changed
    assert d.removed_checks == ("legacy-check",) and d.new_checks == ()
    parity = next(c for c in d.checks if c.check_id == "selection-parity")
    assert (parity.before, parity.after, parity.change) == (Status.PASS, Status.FAIL, Change.STATUS_CHANGED)
    ratio = next(m for m in parity.measurements if m.name == "demographic_parity_ratio")
    assert ratio.delta == pytest.approx(-0.28) and ratio.overlap is False
    assert "wholly beyond the threshold >= 0.8" in ratio.regression
    # a measurement only the later run has is listed, but has no delta and is no regression
    dpd = next(m for m in parity.measurements if m.name == "demographic_parity_difference")
    assert dpd.before is None and dpd.delta is None and dpd.regression is None
    assert parity.regressions[0] == "status PASS → FAIL"
    assert [c.check_id for c in d.regressions] == ["selection-parity"]
    unchanged = next(c for c in d.checks if c.check_id == "accuracy")
    assert unchanged.change is Change.UNCHANGED and not unchanged.regressed
    assert all(m.overlap for m in unchanged.measurements)  # identical intervals overlap
    removed = next(c for c in d.checks if c.check_id == "legacy-check")
    assert removed.change is Change.REMOVED and not removed.regressed  # removed is reported, not a regression
    doc = json.loads(json.dumps(d.to_dict()))
    assert doc["regressions"] == [{"id": "selection-parity", "severity": "blocker",
                                   "reasons": list(parity.regressions)}]
    assert doc["removed_checks"] == ["legacy-check"]


def test_the_reverse_diff_is_an_improvement_not_a_regression():
    d = diff_runs(make_run(), make_previous())
    assert d.regressions == ()
    assert d.new_checks == ("legacy-check",)


def _with(run, cid, **changes):
    outcomes = tuple(dataclasses.replace(o, **changes) if o.check_id == cid else o for o in run.outcomes)
    return dataclasses.replace(run, outcomes=outcomes)


def test_interval_regression_without_a_status_change():
    # eo-difference stays INCONCLUSIVE, but its interval moves from inside the threshold to straddling it
    # in a second measurement: the check regresses on the interval alone
    base = make_run()
    inside = (_m(0.04, 0.02, 0.06, status=Status.PASS),)
    straddles = (_m(0.09, 0.05, 0.13, status=Status.INCONCLUSIVE),)
    before = _with(base, "eo-difference", measurements=inside)
    after = _with(base, "eo-difference", measurements=straddles)
    c = next(c for c in diff_runs(before, after).checks if c.check_id == "eo-difference")
    assert c.change is Change.UNCHANGED and c.regressed
    assert c.regressions == ("dpd: interval 0.04 [0.02, 0.06] → 0.09 [0.05, 0.13] now straddles the threshold <= 0.1",)


def test_a_tightened_threshold_counts_and_is_named():
    base = make_run()
    before = _with(base, "eo-difference", measurements=(_m(0.09, 0.07, 0.11, thr=0.2),))
    after = _with(base, "eo-difference", measurements=(_m(0.09, 0.07, 0.11, thr=0.1),))
    c = next(c for c in diff_runs(before, after).checks if c.check_id == "eo-difference")
    assert c.regressed and "(was <= 0.2)" in c.regressions[0]
    assert c.measurements[0].delta == 0.0 and c.measurements[0].overlap is True


def test_inconclusive_to_fail_regresses_and_info_checks_do_not_gate():
    base = make_run()
    before = _with(base, "eo-difference", status=Status.INCONCLUSIVE)
    after = _with(base, "eo-difference", status=Status.FAIL)
    assert [c.check_id for c in diff_runs(before, after).regressions] == ["eo-difference"]
    info_after = _with(after, "eo-difference", severity=Severity.INFO)
    info_before = _with(before, "eo-difference", severity=Severity.INFO)
    d = diff_runs(info_before, info_after)
    assert [c.check_id for c in d.regressions] == ["eo-difference"] and gating_regressions(d) == ()


def test_report_section_9_is_built_from_the_same_comparison():
    before, after = make_previous(), make_run()
    changes, d = compare_runs(before, after), diff_runs(before, after)
    assert [r[0] for r in changes.checks.rows] == [c.check_id for c in d.checks]
    assert [r[3] for r in changes.checks.rows] == [c.change.value for c in d.checks]
    shared = [(c.check_id, m.name) for c in d.checks for m in c.measurements if m.shared]
    assert len(changes.measurements.rows) == len(shared)
    assert changes.summary[0] == "Changed since the previous audit: System version, Model fingerprint."
