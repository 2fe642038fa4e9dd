"""Resuming an interrupted run; the run lock, trigger and commit through the API and the CLI.

An interrupted run is simulated in-process: storing the parity check raises a
BaseException that is not an interrupt (a BaseException inside a check would be
that check's ERROR), and ``finish_run`` is disabled for that moment, so the run
stays RUNNING with its finished checks stored, exactly as after a SIGKILL
(tests/test_operations.py kills a real process).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import auditkit
from auditkit.cli import app
from auditkit.errors import ResumeError, RunLockError
from auditkit.results import GateDecision, RunState
from auditkit.store import Store, open_store

PERF = {"id": "perf", "kind": "performance", "thresholds": {"accuracy": {"min": 0.1}}}
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"]}
CHECKS = [PERF, PARITY, {**PERF, "id": "perf-2"}]
RATES = {"female": 0.4, "male": 0.6}


class _Killed(BaseException):
    """Stands in for the process dying inside a check."""


def _crash_at_parity(policy: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run ``policy`` until the parity check 'kills' the process; return the interrupted run's id."""

    save = Store.save_outcome

    def killed(self, run_id, outcome):
        if outcome.check_id == "parity":
            raise _Killed
        save(self, run_id, outcome)

    with monkeypatch.context() as patch:
        patch.setattr(Store, "save_outcome", killed)
        patch.setattr(Store, "finish_run", lambda self, run_id, **kwargs: None)  # a dead process finishes nothing
        with pytest.raises(_Killed):
            auditkit.run_audit(policy, store=store, device="cpu", report=False)
    (summary,) = store.list_runs()
    return summary.run_id


def _essence(run: auditkit.RunRecord) -> list[tuple]:
    """What must not depend on an interruption: per check its status, seed, fingerprint and measurements."""
    return [(o.check_id, o.status, o.seed, o.fingerprint, o.measurements) for o in run.outcomes]


def test_resume_runs_only_the_missing_checks_and_equals_an_uninterrupted_run(analytic, db_url, monkeypatch):
    policy = analytic(RATES, CHECKS)
    with open_store(db_url) as store:
        run_id = _crash_at_parity(policy, store, monkeypatch)
        crashed = store.get_run(run_id)
        assert crashed.state is RunState.RUNNING and [o.check_id for o in crashed.outcomes] == ["perf"]
        assert store.lock_holder("analytic-system", "analytic") is None  # the lock went with the "process"

        resumed = auditkit.run_audit(policy, store=store, device="cpu", resume=run_id[:10], report=True)
        fresh = auditkit.run_audit(policy, store=store, device="cpu", report=False)
        report = store.get_report(run_id)
    assert resumed.run_id == run_id and resumed.state is RunState.COMPLETE
    assert resumed.gate is GateDecision.FAIL and resumed.resumed_at is not None
    assert resumed.outcomes[0] == crashed.outcomes[0]  # the stored check was not run again
    assert _essence(resumed) == _essence(fresh)
    assert [o.check_id for o in resumed.outcomes] == ["perf", "parity", "perf-2"]
    assert report is not None and report.run_id == run_id


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("the policy text", lambda d: (d / "policy.yaml").write_text((d / "policy.yaml").read_text() + "# edited\n")),
        ("the audit data", lambda d: (d / "data.csv").write_text((d / "data.csv").read_text().replace("0.75", "0.8"))),
        ("the model", lambda d: (d / "step.py").write_text(
            (d / "step.py").read_text().replace("torch.tensor([0.5])", "torch.tensor([0.55])"))),
    ],
)
def test_resume_refuses_a_changed_policy_model_or_data(analytic, tmp_path, monkeypatch, what, change):
    policy = analytic(RATES, CHECKS)
    with open_store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        run_id = _crash_at_parity(policy, store, monkeypatch)
        change(policy.parent)
        with pytest.raises(ResumeError, match=f"{what} \\(sha256 .*changed since it began"):
            auditkit.run_audit(policy, store=store, device="cpu", resume=run_id, report=False)
        run = store.get_run(run_id)
    assert run.state is RunState.RUNNING and len(run.outcomes) == 1 and run.resumed_at is None  # untouched


def test_resume_refuses_a_finished_run(analytic, tmp_path):
    policy = analytic(RATES, [PERF])
    with open_store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        done = auditkit.run_audit(policy, store=store, device="cpu", report=False)
        with pytest.raises(ResumeError, match="is complete, it cannot be resumed"):
            auditkit.run_audit(policy, store=store, device="cpu", resume=done.run_id, report=False)


def test_cli_resume_of_a_changed_policy_exits_2_without_traceback(analytic, tmp_path, monkeypatch):
    policy = analytic(RATES, CHECKS, report={"formats": ["html"]})
    db = f"sqlite:///{tmp_path / 'r.db'}"
    with open_store(db) as store:
        run_id = _crash_at_parity(policy, store, monkeypatch)
    listed = CliRunner().invoke(app, ["runs", "--db", db])
    assert re.search(rf"{run_id[:12]}.*running", listed.output)  # heartbeat still fresh: not yet interrupted
    policy.write_text(policy.read_text().replace("bootstrap: 500", "bootstrap: 501"))
    result = CliRunner().invoke(app, ["run", str(policy), "--db", db, "--device", "cpu", "--resume", run_id])
    assert result.exit_code == 2
    assert "cannot resume run" in result.output and "the policy text" in result.output
    assert "Traceback" not in result.output


def test_cli_resume_finishes_the_run_and_show_tells_trigger_commit_and_resume(analytic, tmp_path, monkeypatch):
    policy = analytic(RATES, CHECKS, report={"formats": ["html"]})
    db = f"sqlite:///{tmp_path / 'r.db'}"
    with open_store(db) as store:
        run_id = _crash_at_parity(policy, store, monkeypatch)
    result = CliRunner().invoke(app, ["run", str(policy), "--db", db, "--device", "cpu", "--resume", run_id[:8],
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"run {run_id} resumed and stored" in result.output
    assert list((tmp_path / "out").glob("*.html"))
    shown = CliRunner().invoke(app, ["show", run_id, "--db", db]).output
    assert "complete" in shown and "resumed 20" in shown


def test_commit_from_ci_environment_or_option_is_stored_and_shown(analytic, tmp_path, monkeypatch):
    policy = analytic(RATES, [PERF], report={"formats": ["html"]})
    db = f"sqlite:///{tmp_path / 'c.db'}"
    for name in ("GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI_COMMIT_SHA", "c0ffee" * 6)
    args = ["run", str(policy), "--db", db, "--device", "cpu", "--no-report"]
    assert CliRunner().invoke(app, [*args, "--trigger", "schedule"]).exit_code == 0
    assert CliRunner().invoke(app, [*args, "--commit", "abc1234"]).exit_code == 0
    with open_store(db) as store:
        explicit, from_env = store.list_runs()
    assert (from_env.commit, from_env.trigger) == ("c0ffee" * 6, "schedule")
    assert explicit.commit == "abc1234"
    assert "commit c0ffeec0ffeec0ffee" in CliRunner().invoke(app, ["show", from_env.run_id, "--db", db]).output
    assert "abc1234" in CliRunner().invoke(app, ["runs", "--db", db]).output


def test_a_second_run_of_the_same_system_and_policy_is_refused_while_the_lock_is_held(analytic, tmp_path):
    policy = analytic(RATES, [PERF])
    db = f"sqlite:///{tmp_path / 'l.db'}"
    with open_store(db) as store, store.run_lock("analytic-system", "analytic"):
        with pytest.raises(RunLockError):
            auditkit.run_audit(policy, store=store, device="cpu", report=False)
        result = CliRunner().invoke(app, ["run", str(policy), "--db", db, "--device", "cpu", "--no-report",
                                          "--wait-lock", "0.5"])
        assert store.list_runs() == []  # refused before anything was stored
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "another audit of system 'analytic-system' under policy 'analytic' is running" in result.output
    assert "waited 0.5 s" in result.output
