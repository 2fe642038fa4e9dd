"""The Python API reaches the CLI's gate: `run_audit(..., compare_to=...)` and `gate_run` decide and exit as
`auditkit run --gate --compare-to` and `auditkit gate` do, on the same database and baseline.

Uses the analytic step-function audit (``analytic`` fixture): a run takes a few seconds.
"""

from __future__ import annotations

import json

import pytest

import auditkit
from auditkit.errors import AuditkitError, CompareError
from auditkit.results import GateDecision

#: A major (non-blocker) parity check: its FAIL alone leaves the stored gate PASS, so only a regression fails it.
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "major", "attributes": ["sex"],
          "thresholds": {"demographic_parity_difference": {"max": 0.1}}}
FAIR, UNFAIR = {"female": 0.5, "male": 0.5}, {"female": 0.2, "male": 0.6}
GATING = {"fail_on_regression": True}


def _cli_run(cli, policy, *extra):
    """`auditkit run POLICY --gate --json …`: (exit code, JSON summary)."""
    result = cli("run", policy, "--no-report", "--device", "cpu", "--gate", "--json", *extra)
    return result.exit_code, json.loads(result.stdout)


def _api_run(policy, **kw):
    """`auditkit.run_audit` on the CLI's database ($AUDITKIT_DB_URL, set by the ``cli`` fixture)."""
    with auditkit.open_store() as store:
        return auditkit.run_audit(policy, store=store, device="cpu", report=False, **kw)


def test_run_audit_with_compare_to_gates_a_regression_like_the_cli(cli, analytic):
    _, base = _cli_run(cli, analytic(FAIR, [PARITY], n_per_group=2000, gate=GATING))
    assert base["gate"] == "PASS"
    regressed = analytic(UNFAIR, [PARITY], n_per_group=1000, gate=GATING)

    code, summary = _cli_run(cli, regressed, "--compare-to", base["run_id"][:10])
    run = _api_run(regressed, compare_to=base["run_id"][:10])

    # the stored decision passes (a major check failed); the regression against the baseline fails the gate
    assert (summary["stored_gate"], summary["gate"], code) == ("PASS", "FAIL", 1)
    assert (run.gate, run.decision, run.exit_code) == (GateDecision.PASS, GateDecision.FAIL, 1)
    assert run.verdict.baseline is not None and run.verdict.baseline.run_id == base["run_id"]
    assert [c.check_id for c in run.verdict.blocking] == ["parity"]
    assert summary["comparison"]["regressions"][0]["blocks_gate"] is True
    # `auditkit gate` on the API's run agrees with the API's own re-decision, with and without a baseline given
    for compare_to in (base["run_id"], None):
        args = ("gate", run.run_id, "--json") + (("--compare-to", compare_to) if compare_to else ())
        gate = cli(*args)
        with auditkit.open_store() as store:
            again = auditkit.gate_run(store, run.run_id[:10], compare_to=compare_to)
        assert gate.exit_code == again.exit_code == json.loads(gate.stdout)["exit_code"]
        assert json.loads(gate.stdout)["gate"] == (again.decision.value if again.decision else None)
    # against the implied 'latest' (the CLI's regressed run, already FAIL) nothing regressed: the gate passes
    assert again.exit_code == 0 and again.verdict.compared and again.verdict.blocking == ()


def test_fail_on_regression_implies_latest_in_the_api_too(cli, analytic):
    first = _api_run(analytic(FAIR, [PARITY], n_per_group=2000, gate=GATING))
    # nothing earlier to compare with: compared, no diff, the stored decision stands
    assert first.verdict.compared and first.verdict.diff is None and first.exit_code == 0
    second = _api_run(analytic(UNFAIR, [PARITY], n_per_group=1000, gate=GATING))
    assert second.verdict.baseline is not None and second.verdict.baseline.run_id == first.run_id
    assert (second.decision, second.exit_code) == (GateDecision.FAIL, 1)
    gate = cli("gate", second.run_id)
    assert gate.exit_code == 1 and "blocks the gate" in gate.stderr
    # the API's result is the stored run: equal to what the store returns, with the verdict beside it
    with auditkit.open_store() as store:
        assert store.get_run(second.run_id) == second


def test_compare_to_a_run_that_cannot_be_a_baseline_fails_alike(cli, analytic):
    _, other = _cli_run(cli, analytic(FAIR, [PARITY], n_per_group=2000, system="other-system"))
    policy = analytic(FAIR, [PARITY], n_per_group=2000)
    for compare_to, raised, message in ((other["run_id"], CompareError, "audits system 'other-system'"),
                                        ("nosuchrun123", AuditkitError, "nosuchrun123")):
        cli_result = cli("run", policy, "--no-report", "--device", "cpu", "--gate", "--compare-to", compare_to)
        assert cli_result.exit_code == 2 and message in cli_result.stderr
        with pytest.raises(raised, match=message) as info:
            _api_run(policy, compare_to=compare_to)
        assert info.value.exit_code == cli_result.exit_code
    # refused before the audit: neither the CLI nor the API stored a run of this system
    assert "analytic-system" not in cli("runs").stdout
