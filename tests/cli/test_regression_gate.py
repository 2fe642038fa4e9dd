"""End to end through the CLI: `gate RUN` exit codes and --json, --junit, `diff`, and --compare-to regressions.

Uses the analytic step-function audit (``analytic`` fixture): a run takes a few seconds.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_difference": {"max": 0.1}}}
MAJOR_PARITY = {**PARITY, "severity": "major"}
FAIR, UNFAIR = {"female": 0.5, "male": 0.5}, {"female": 0.2, "male": 0.6}


def _run(cli, policy, *extra):
    """`auditkit run POLICY --json …`; returns the CLI result and its JSON summary."""
    result = cli("run", policy, "--no-report", "--device", "cpu", "--json", *extra)
    return result, json.loads(result.stdout)


def _cases(path):
    root = ET.parse(path).getroot()
    (suite,) = root.findall("testsuite")
    return suite, {c.get("name"): c for c in suite.findall("testcase")}


def test_gate_command_exit_codes_json_and_junit(cli, analytic, tmp_path):
    _, passed = _run(cli, analytic(FAIR, [PARITY], n_per_group=2000))
    _, failed = _run(cli, analytic(UNFAIR, [PARITY], n_per_group=1000))
    _, undecided = _run(cli, analytic(FAIR, [PARITY], n_per_group=40))
    for summary, code in ((passed, 0), (failed, 1), (undecided, 3)):
        result = cli("gate", summary["run_id"][:10], "--json", "--junit", tmp_path / f"gate-{code}.xml")
        assert result.exit_code == code, result.output
        doc = json.loads(result.stdout)  # stdout holds the JSON only; messages go to stderr
        assert doc["run_id"] == summary["run_id"] and doc["exit_code"] == code and doc["comparison"] is None
        assert f"(exit code {code})" in result.stderr and "JUnit XML:" in result.stderr
        suite, cases = _cases(tmp_path / f"gate-{code}.xml")
        expected = {0: (None, "0"), 1: ("failure", "1"), 3: ("failure", "1")}[code]
        outcome = cases["parity"]
        assert (None if len(outcome.findall("failure")) == 0 else "failure", suite.get("failures")) == expected
    inconclusive = _cases(tmp_path / "gate-3.xml")[1]["parity"].find("failure")
    assert inconclusive.get("type") == "inconclusive"
    unknown = cli("gate", "nosuchrun123")
    assert unknown.exit_code == 2 and "no run 'nosuchrun123'" in unknown.stderr and "Traceback" not in unknown.output


def test_run_writes_junit_with_failed_measurements(cli, analytic, tmp_path):
    junit = tmp_path / "out" / "junit.xml"
    result, _ = _run(cli, analytic(UNFAIR, [PARITY], n_per_group=1000), "--gate", "--junit", junit)
    assert result.exit_code == 1
    suite, cases = _cases(junit)
    assert suite.get("name") == "analytic-system / analytic v1" and suite.get("tests") == "1"
    failure = cases["parity"].find("failure")
    assert cases["parity"].get("classname") == "group_fairness"
    # |0.2 - 0.6| = 0.4 exactly, with its interval and the threshold
    assert "demographic_parity_difference: value 0.4, 95% CI [" in failure.text and "threshold <= 0.1" in failure.text


def test_compare_to_reports_regressions_and_fail_on_regression_gates(cli, analytic, tmp_path):
    # a major (non-blocker) parity check passes, then fails on new data: the stored gate passes both times
    _, first = _run(cli, analytic(FAIR, [MAJOR_PARITY], n_per_group=2000))
    assert first["gate"] == "PASS"
    result, second = _run(cli, analytic(UNFAIR, [MAJOR_PARITY], n_per_group=1000), "--gate", "--compare-to", "latest")
    assert result.exit_code == 0, result.output  # reported only: the policy does not set fail_on_regression
    comparison = second["comparison"]
    assert comparison["baseline_run_id"] == first["run_id"] and comparison["changed"] == ["dataset"]
    assert [r["id"] for r in comparison["regressions"]] == ["parity"]
    assert comparison["regressions"][0]["reasons"][0] == "status PASS → FAIL"
    assert comparison["regressions"][0]["blocks_gate"] is False
    assert "regression parity (major) reported" in result.stderr

    # the same, with the policy's gate: {fail_on_regression: true}; no --compare-to needed (implies latest)
    policy = analytic(UNFAIR, [MAJOR_PARITY], n_per_group=1000, gate={"fail_on_regression": True})
    junit = tmp_path / "regression.xml"
    result, third = _run(cli, policy, "--gate", "--junit", junit)
    # the baseline is the latest complete run before this one: the second run, where parity already failed,
    # so nothing regressed against it
    assert result.exit_code == 0, result.output
    assert third["comparison"]["baseline_run_id"] == second["run_id"]
    assert third["comparison"]["regressions"] == [] and third["comparison"]["changed"] == ["policy_sha256"]
    assert third["stored_gate"] == third["gate"] == "PASS"
    # compared with the first run explicitly, it regressed: the gate fails though the stored decision passed
    gate = cli("gate", third["run_id"], "--compare-to", first["run_id"][:8], "--json", "--junit", junit)
    assert gate.exit_code == 1
    doc = json.loads(gate.stdout)
    assert doc["comparison"]["regressions"][0]["blocks_gate"] is True and doc["stored_gate"] == "PASS"
    failure = _cases(junit)[1]["parity"].find("failure")
    assert failure.get("type") == "non-blocking" and f"regression against run {first['run_id']}" in failure.text
    assert "blocks the gate" in gate.stderr


def test_fail_on_regression_fails_the_gate_on_an_interval_regression(cli, analytic):
    # parity passes with a wide margin, then its interval moves onto the threshold: INCONCLUSIVE, a regression
    gate = {"fail_on_regression": True, "inconclusive": "pass"}
    _run(cli, analytic(FAIR, [PARITY], n_per_group=2000, gate=gate))
    result, second = _run(cli, analytic({"female": 0.46, "male": 0.56}, [PARITY], n_per_group=400, gate=gate),
                          "--gate")
    assert second["stored_gate"] == "PASS" and result.exit_code == 1, result.output
    reasons = second["comparison"]["regressions"][0]["reasons"]
    assert reasons[0].startswith("status PASS → ")
    assert any("demographic_parity_difference: interval" in r and "the threshold <= 0.1" in r for r in reasons)


def test_first_run_with_fail_on_regression_has_nothing_to_compare(cli, analytic):
    policy = analytic(FAIR, [PARITY], n_per_group=2000, gate={"fail_on_regression": True})
    result, summary = _run(cli, policy, "--gate")
    assert result.exit_code == 0 and summary["comparison"] is None
    assert "no earlier complete run of system 'analytic-system'" in result.stderr


def test_compare_to_mistakes_exit_2_without_traceback(cli, analytic):
    _, other = _run(cli, analytic(FAIR, [PARITY], n_per_group=2000, system="other-system"))
    _, mine = _run(cli, analytic(FAIR, [PARITY], n_per_group=2000))
    wrong = cli("gate", mine["run_id"], "--compare-to", other["run_id"])
    assert wrong.exit_code == 2 and "audits system 'other-system'" in wrong.stderr
    itself = cli("gate", mine["run_id"], "--compare-to", mine["run_id"][:8])
    assert itself.exit_code == 2 and "with itself" in itself.stderr
    unknown = cli("gate", mine["run_id"], "--compare-to", "nosuchrun123")
    assert unknown.exit_code == 2 and "nosuchrun123" in unknown.stderr
    for r in (wrong, itself, unknown):
        assert "Traceback" not in r.output
    listing = cli("runs", "--system", "other-system").stdout  # history of one system
    assert other["run_id"][:12] in listing and mine["run_id"][:12] not in listing


def test_diff_command_table_and_json(cli, analytic):
    _, a = _run(cli, analytic(FAIR, [PARITY], n_per_group=2000))
    _, b = _run(cli, analytic(UNFAIR, [PARITY], n_per_group=1000))
    table = cli("diff", a["run_id"][:8], b["run_id"][:8])
    assert table.exit_code == 0, table.output
    out = table.stdout
    assert "Dataset fingerprint" in out and "changed" in out
    assert "demographic_parity_difference" in out and "+0.4000" in out and "1 regression(s)" in out
    assert "[" in out.split("demographic_parity_difference", 1)[1]  # values are shown with their intervals
    doc = json.loads(cli("diff", a["run_id"], b["run_id"], "--json").stdout)
    assert doc["before"]["run_id"] == a["run_id"] and doc["after"]["run_id"] == b["run_id"]
    check = doc["checks"][0]
    assert (check["before"], check["after"], check["change"]) == ("PASS", "FAIL", "status changed")
    m = check["measurements"][0]
    assert m["name"] == "demographic_parity_difference" and m["delta"] == pytest.approx(0.4)
    assert m["intervals_overlap"] is False
    assert {x["item"]: x["changed"] for x in doc["artefacts"]}["model"] is False
    same = cli("diff", a["run_id"], a["run_id"][:8])
    assert same.exit_code == 2 and "two different runs" in same.stderr
    assert cli("diff", a["run_id"], "nosuchrun123").exit_code == 2


def test_report_section_9_charts_the_stored_history_and_rerenders_identically(cli, analytic, tmp_path):
    html_only = {"formats": ["html"]}
    for k, rates in enumerate((FAIR, {"female": 0.45, "male": 0.5}, UNFAIR)):
        policy = analytic(rates, [PARITY], n_per_group=1000, report=html_only)
        result = cli("run", policy, "--device", "cpu", "--out", tmp_path / f"r{k}", "--json")
        assert result.exit_code == 0, result.output
    last = json.loads(result.stdout)["run_id"]
    (html_file,) = (tmp_path / "r2").glob("*.html")
    section = html_file.read_text().split('id="changes"', 1)[1].split('id="signoff"', 1)[0]
    assert "Trend of the key metrics" in section and "in 3 audits" in section
    assert section.count("<svg") == 1  # one key metric: the parity difference
    again = cli("report", last[:8], "--out", tmp_path / "again")
    assert again.exit_code == 0 and "identical to stored v3" in again.stderr
