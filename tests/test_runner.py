"""The runner: per-check commits, crashes that keep finished checks, ERROR and SKIPPED never look like PASS."""

from __future__ import annotations

import pytest

import auditkit
from auditkit.checks.group_fairness import GroupFairnessCheck
from auditkit.results import GateDecision, RunState, Status
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "thresholds": {"accuracy": {"min": 0.1}}}
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"]}
PERF2 = {**PERF, "id": "perf-2"}


def test_full_audit_on_sqlite_and_postgresql(analytic, db_url):
    """The same audit stores and reloads identically on both backends."""
    policy = analytic({"female": 0.3, "male": 0.6}, [PERF, PARITY], n_per_group=800)
    with open_store(db_url) as store:
        run = auditkit.run_audit(policy, store=store, device="cpu")
        again = store.get_run(run.run_id)
        report = store.get_report(run.run_id)
    assert again == run
    assert run.state is RunState.COMPLETE and run.gate is GateDecision.FAIL
    assert [o.check_id for o in run.outcomes] == ["perf", "parity"]
    assert report.version == 1 and report.pdf.startswith(b"%PDF")


def test_interrupt_mid_run_keeps_finished_checks(analytic, tmp_path, monkeypatch):
    policy = analytic({"female": 0.5, "male": 0.5}, [PERF, PARITY, PERF2])

    def interrupted(self, ctx, params, *, seed):
        raise KeyboardInterrupt

    monkeypatch.setattr(GroupFairnessCheck, "run", interrupted)
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        with pytest.raises(KeyboardInterrupt):
            auditkit.run_audit(policy, store=store, device="cpu")
        (summary,) = store.list_runs()
        run = store.get_run(summary.run_id)
    # Ctrl-C leaves the run resumable (issue #12): RUNNING, shown as interrupted, never FAILED
    assert run.state is RunState.RUNNING and run.condition() == "interrupted" and "interrupted" in run.error
    assert run.gate is None
    assert [o.check_id for o in run.outcomes] == ["perf"]  # the finished check is kept
    assert run.outcomes[0].status is Status.PASS


def test_a_crashing_check_is_error_and_the_rest_still_run(analytic, tmp_path, monkeypatch):
    policy = analytic({"female": 0.5, "male": 0.5}, [PERF, PARITY, PERF2], n_per_group=2000)

    def broken(self, ctx, params, *, seed):
        return 1 / 0

    monkeypatch.setattr(GroupFairnessCheck, "run", broken)
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    parity = run.outcome("parity")
    assert parity.status is Status.ERROR
    assert parity.error == "ZeroDivisionError: division by zero"
    assert "ZeroDivisionError" in parity.details["traceback"]
    assert parity.measurements == ()
    assert run.outcome("perf-2").status is Status.PASS
    assert run.state is RunState.COMPLETE and run.gate is GateDecision.ERROR


def test_strict_mode_reraises(analytic, tmp_path, monkeypatch):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    monkeypatch.setattr(GroupFairnessCheck, "run", lambda self, ctx, params, *, seed: 1 / 0)
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store, pytest.raises(ZeroDivisionError):
        auditkit.run_audit(policy, store=store, device="cpu", strict=True)


def test_missing_capability_is_skipped_with_the_reason(analytic, tmp_path, monkeypatch):
    from auditkit.adapters.base import SupportsTokens

    monkeypatch.setattr(GroupFairnessCheck, "requires", (SupportsTokens,))
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    out = run.outcome("parity")
    assert out.status is Status.SKIPPED and "SupportsTokens" in out.error
    assert run.gate is GateDecision.INCONCLUSIVE  # a skipped blocker is not a pass


def test_input_errors_store_nothing(analytic, tmp_path):
    import yaml

    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    doc = yaml.safe_load(policy.read_text())
    doc["data"]["features"] = ["x", "missing_column"]
    policy.write_text(yaml.safe_dump(doc))
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        with pytest.raises(auditkit.AuditkitError, match="missing_column"):
            auditkit.run_audit(policy, store=store, device="cpu")
        assert store.list_runs() == []


def test_run_records_provenance(analytic, tmp_path):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    loaded = auditkit.load_policy(policy)
    assert run.policy_sha256 == loaded.sha256 and run.policy_text == loaded.text
    assert run.device == "cpu" and run.seed == 3
    assert run.environment["packages"]["torch"].startswith("2.")
    assert len(run.model_fingerprint) == 64 and len(run.dataset_fingerprint) == 64
