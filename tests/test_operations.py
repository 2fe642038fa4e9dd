"""Real `auditkit run` processes: resume after SIGKILL, and eight concurrent runs on one PostgreSQL database.

These start the CLI as separate Python processes (``python -m auditkit.cli``),
so the run lock, per-check commits and the report-version constraint are
exercised across processes exactly as cron jobs or CI runners would.

The eight concurrent runs audit the *same system* under *eight policy ids*:
the run lock is keyed by (system, policy id), so they run in parallel and all
race for the next report version of that one system, which only the
``UNIQUE(system_id, version)`` constraint and its retry keep unique. Two of
them share a policy id and pass ``--wait-lock``: the lock must serialise that
pair (the second run begins after the first finished) instead of refusing it.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from analytic_audit import make_frame, write_audit

import auditkit
from auditkit.results import RunState
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "thresholds": {"accuracy": {"min": 0.1}}}
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"]}
#: perf and perf-2 finish at once; parity's 600 000 bootstrap resamples take a few seconds: the kill lands there.
KILL_CHECKS = [PERF, {**PERF, "id": "perf-2"}, PARITY, {**PERF, "id": "perf-3"}]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "auditkit.cli", *args]


def _start(policy: Path, db: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "auditkit.cli", "run", str(policy), "--db", db, "--device", "cpu",
                             "--out", str(policy.parent / "reports"), *extra], cwd=policy.parent, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _essence(run: auditkit.RunRecord) -> list[tuple]:
    return [(o.check_id, o.status, o.seed, o.fingerprint, o.measurements) for o in run.outcomes]


@pytest.mark.slow
def test_resume_after_sigkill_equals_an_uninterrupted_run(db_url: str, tmp_path: Path) -> None:
    policy = write_audit(tmp_path, make_frame(400, {"female": 0.4, "male": 0.6}), KILL_CHECKS,
                         statistics={"bootstrap": 600_000}, report={"formats": ["html"]})
    with open_store(db_url) as store:
        proc = _start(policy, db_url)
        deadline = time.monotonic() + 180
        while not (runs := store.list_runs()) or runs[0].n_outcomes < 1:
            assert proc.poll() is None, f"the run ended before it could be killed:\n{proc.stdout.read()}"
            assert time.monotonic() < deadline, "no check finished within 180 s"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
        proc.stdout.close()

        killed = store.get_run(runs[0].run_id)
        assert killed.state is RunState.RUNNING and killed.finished_at is None and killed.gate is None
        assert 1 <= len(killed.outcomes) < len(KILL_CHECKS), "the kill came too late to interrupt the run"
        stale = (killed.heartbeat_at or killed.started_at) + dt.timedelta(seconds=61)
        assert killed.condition(now=stale) == "interrupted"
        with store._engine.connect() as conn:  # nothing half-written: no measurement without its outcome
            orphans = conn.execute(sa.text(
                "SELECT count(*) FROM measurements m LEFT JOIN check_outcomes o ON o.id = m.outcome_id "
                "WHERE o.id IS NULL")).scalar_one()
        assert orphans == 0
        assert store.lock_holder("analytic-system", "analytic") is not None  # left behind by the dead process

        resumed = subprocess.run(_cli("run", str(policy), "--db", db_url, "--device", "cpu", "--resume",
                                      killed.run_id[:12], "--out", str(tmp_path / "reports")),
                                 cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr  # takes over the dead process's lock
        run = store.get_run(killed.run_id)
        reference = auditkit.run_audit(policy, store=store, device="cpu", report=False)

    assert run.state is RunState.COMPLETE and run.gate == reference.gate and run.resumed_at is not None
    assert run.outcomes[: len(killed.outcomes)] == killed.outcomes  # stored checks were kept, not re-run
    assert _essence(run) == _essence(reference)
    for before in killed.outcomes:  # what was stored before the kill was complete (every measurement)
        assert before.measurements == reference.outcome(before.check_id).measurements


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_concurrent_runs_on_postgresql(postgres_db_url: str, tmp_path: Path) -> None:
    with open_store(postgres_db_url):
        pass  # migrate once up front, as `auditkit db upgrade` would in a deployment
    rates = [0.30 + 0.04 * i for i in range(7)]
    policies = []
    for i, rate in enumerate(rates):
        folder = tmp_path / f"audit{i}"
        folder.mkdir()
        policies.append(write_audit(folder, make_frame(200, {"female": rate, "male": 0.6}), [PERF, PARITY],
                                    policy={"id": f"policy-{i}", "version": 1, "effective_from": "2026-01-01",
                                            "approved_by": "tests"},
                                    report={"formats": ["html"]}))
    # the eighth process repeats the first policy: same lock key, so it must wait for the first
    procs = [_start(p, postgres_db_url, "--wait-lock", "240") for p in [*policies, policies[0]]]
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=400)
        outputs.append(out)
        assert proc.returncode in (0, 1), out  # 0/1: the gate's PASS/FAIL; 2 would be a refused or failed run
    with open_store(postgres_db_url) as store:
        runs = [store.get_run(s.run_id) for s in store.list_runs(limit=100)]
        reports = store.list_reports("analytic-system")

    assert len(runs) == 8 and all(r.state is RunState.COMPLETE for r in runs)
    assert all([o.check_id for o in r.outcomes] == ["perf", "parity"] for r in runs)
    for run in runs:  # nothing mixed between runs: each run's numbers are those of its own data
        i = int(run.policy_id.split("-")[1])
        selection = run.outcome("perf").measurement("selection_rate").value
        assert selection == pytest.approx((rates[i] + 0.6) / 2, abs=1e-9), run.policy_id
    assert sorted(r.version for r in reports) == list(range(1, 9))  # unique per system despite the races
    assert sorted(r.run_id for r in reports) == sorted(r.run_id for r in runs)
    pair = sorted((r for r in runs if r.policy_id == "policy-0"), key=lambda r: r.started_at)
    assert len(pair) == 2 and pair[0].finished_at <= pair[1].started_at  # the lock serialised them
