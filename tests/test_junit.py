"""JUnit XML of a run (auditkit.junit), parsed back: suite, counts, and how each verdict maps."""

from __future__ import annotations

import dataclasses
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "report"))
from report_samples import HOSTILE, POLICY_TEXT, make_previous, make_run

from auditkit.diff import diff_runs
from auditkit.gate import verdict
from auditkit.junit import internal_error_xml, junit_xml, measurement_line
from auditkit.results import GateDecision, RunState, Severity, Status


def _parse(xml: bytes) -> tuple[ET.Element, dict[str, ET.Element]]:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    return suite, {c.get("name"): c for c in suite.findall("testcase")}


def _props(el: ET.Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in el.find("properties").findall("property")}


def _with(run, cid, **changes):
    outcomes = tuple(dataclasses.replace(o, **changes) if o.check_id == cid else o for o in run.outcomes)
    return dataclasses.replace(run, outcomes=outcomes)


def test_suite_and_cases_of_the_sample_run():
    run = make_run()
    xml = junit_xml(run)
    assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    suite, cases = _parse(xml)
    assert suite.get("name") == "retail-credit-scorer / credit-scoring-eu v3"
    assert suite.get("timestamp") == "2026-11-25T09:14:03"
    # accuracy PASS, selection-parity FAIL (blocker), eo-difference INCONCLUSIVE (major),
    # sex-not-used ERROR (blocker), explainers-agree SKIPPED (major)
    counts = tuple(suite.get(k) for k in ("tests", "failures", "errors", "skipped"))
    assert counts == ("5", "1", "1", "1")
    assert float(suite.get("time")) == sum(o.duration_s for o in run.outcomes)
    assert list(cases) == [o.check_id for o in run.outcomes]
    parity = cases["selection-parity"]
    assert parity.get("classname") == "group_fairness" and parity.get("time") == "3.050"
    failure = parity.find("failure")
    assert failure.get("type") == "FAIL" and failure.get("message").startswith("Women are selected")
    # the failed measurements with value, interval (with its confidence) and threshold
    assert "demographic_parity_ratio: value 0.58, 95% CI [0.54, 0.62], threshold >= 0.8 → FAIL" in failure.text
    assert "demographic_parity_difference: value 0.21, 95% CI [0.17, 0.25], threshold <= 0.1 → FAIL" in failure.text
    assert "selection_rate" not in failure.text  # not thresholded
    error = cases["sex-not-used"].find("error")
    assert error.get("message").startswith("LEACE eraser could not be fitted")
    skipped = cases["explainers-agree"].find("skipped")
    assert "does not support gradients" in skipped.get("message")
    eo = cases["eo-difference"]  # a non-blocker INCONCLUSIVE: passes, with a note
    assert eo.find("failure") is None and eo.find("error") is None and eo.find("skipped") is None
    assert "does not block the gate" in eo.find("system-out").text
    assert "0.08, 95% CI [0.03, 0.13], threshold <= 0.1" in eo.find("system-out").text
    assert cases["accuracy"].find("failure") is None and _props(cases["accuracy"])["blocks_gate"] == "false"
    assert _props(parity) == {"severity": "blocker", "status": "FAIL", "blocks_gate": "true", "regression": "false"}
    props = _props(suite)
    assert props["run_id"] == run.run_id and props["gate"] == "FAIL" and props["exit_code"] == "1"
    assert "baseline_run_id" not in props


def test_blocking_inconclusive_and_skipped_are_failures_non_blocking_fail_is_marked():
    run = _with(make_run(), "eo-difference", severity=Severity.BLOCKER)
    run = _with(run, "explainers-agree", severity=Severity.BLOCKER)
    run = _with(run, "accuracy", status=Status.FAIL)  # a major check fails: visible, marked non-blocking
    suite, cases = _parse(junit_xml(run))
    eo = cases["eo-difference"].find("failure")
    assert eo.get("type") == "inconclusive" and "blocks the gate" in eo.get("message")
    skipped = cases["explainers-agree"]
    assert skipped.find("skipped") is None and skipped.find("failure").get("type") == "inconclusive"
    acc = cases["accuracy"].find("failure")
    assert acc.get("type") == "non-blocking" and acc.get("message").startswith("[non-blocking, severity major]")
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "0")


def test_inconclusive_pass_policy_lets_a_blocking_inconclusive_through():
    text = POLICY_TEXT + "gate: {inconclusive: pass}\n"
    run = _with(make_run(policy_text=text), "eo-difference", severity=Severity.BLOCKER)
    _, cases = _parse(junit_xml(run))
    assert cases["eo-difference"].find("failure") is None
    assert _props(cases["eo-difference"])["blocks_gate"] == "false"


def test_regressions_are_notes_or_failures_as_the_policy_says():
    before, after = make_previous(), make_run()
    # selection-parity went PASS → FAIL; without fail_on_regression that is a note beside its own failure
    _, cases = _parse(junit_xml(after, verdict(after, diff_runs(before, after))))
    out = cases["selection-parity"].find("system-out").text
    assert "regression against run run-20260601-0007: status PASS → FAIL" in out
    assert "does not block the gate" in out
    gating = make_run(policy_text=POLICY_TEXT + "gate: {fail_on_regression: true}\n")
    gating = _with(gating, "selection-parity", severity=Severity.MINOR)
    result = verdict(gating, diff_runs(before, gating))
    assert result.stored is GateDecision.FAIL and result.decision is GateDecision.FAIL
    suite, cases = _parse(junit_xml(gating, result))
    failure = cases["selection-parity"].find("failure")
    assert failure.get("type") == "non-blocking"  # the check's own failure does not block ...
    assert "regression against run run-20260601-0007" in failure.text  # ... its regression does
    assert _props(cases["selection-parity"])["blocks_gate"] == "true"
    props = _props(suite)
    assert props["baseline_run_id"] == "run-20260601-0007" and props["regressions"] == "selection-parity"
    assert props["fail_on_regression"] == "true"


def test_a_regression_of_a_passing_check_becomes_a_regression_failure():
    text = POLICY_TEXT + "gate: {fail_on_regression: true}\n"
    before = make_run(policy_text=text, run_id="base-run-1")
    after = _with(make_run(policy_text=text), "accuracy", status=Status.INCONCLUSIVE)
    _, cases = _parse(junit_xml(after, verdict(after, diff_runs(before, after))))
    failure = cases["accuracy"].find("failure")
    assert failure.get("type") == "regression"
    assert failure.get("message") == "regression against run base-run-1: status PASS → INCONCLUSIVE"


def test_hostile_text_is_escaped_and_parses_back():
    # markup, CDATA ends, quotes and characters XML 1.0 forbids (ANSI escapes, NUL) in stored text
    summary = f"bad {HOSTILE} ]]> & \"q\" \x1b[31mred\x1b[0m \x00"
    run = _with(make_run(), "selection-parity", summary=summary, error="e\x07rr")
    run = _with(run, "accuracy", check_id="id<&>")
    _, cases = _parse(junit_xml(run))
    assert cases["selection-parity"].find("failure").get("message") == f"bad {HOSTILE} ]]> & \"q\" [31mred[0m "
    assert cases["id<&>"].get("classname") == "performance"


def test_a_run_that_did_not_complete_has_an_error_case():
    run = dataclasses.replace(make_run(), state=RunState.FAILED, gate=None, outcomes=make_run().outcomes[:1],
                              error="model raised RuntimeError: CUDA out of memory")
    suite, cases = _parse(junit_xml(run))
    assert (suite.get("tests"), suite.get("errors")) == ("2", "1")
    error = cases["run"].find("error")
    assert cases["run"].get("classname") == "auditkit" and error.get("message").endswith("CUDA out of memory")
    assert _props(suite)["gate"] == "none" and _props(suite)["exit_code"] == "3"


def test_measurement_line_without_an_interval():
    m = make_run().outcomes[0].measurements[5]  # fpr (male), no threshold
    assert measurement_line(m) == "fpr (male): value 0.0912, 95% CI [0.076, 0.1091]"


def test_an_internal_error_is_one_error_case_naming_exit_code_4_and_the_log():
    xml = internal_error_xml("internal error (exit code 4): ValueError: <boom> & \x1b[31m", "/tmp/auditkit-error-1.log")
    suite, cases = _parse(xml)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "1")
    assert _props(suite) == {"exit_code": "4", "error_log": "/tmp/auditkit-error-1.log"}
    error = cases["internal-error"].find("error")
    assert error.get("type") == "internal" and "ValueError: <boom> &" in error.get("message")


def test_an_incomplete_run_never_passes_even_with_a_stored_pass():
    run = dataclasses.replace(make_run(), state=RunState.FAILED, gate=GateDecision.PASS)
    result = verdict(run)
    assert result.decision is None and result.exit_code == 3
    suite, cases = _parse(junit_xml(run, result))
    assert _props(suite)["exit_code"] == "3" and cases["run"].find("error") is not None
