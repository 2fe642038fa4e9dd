"""Upgrading a database that holds results keeps every record readable (revision 0001 -> head).

The database is created at revision 0001 and filled with raw inserts in the
0001 column set (the store at head would write columns 0001 lacks): a
complete run with outcomes and measurements, its report, a hash-chained
sign-off, and a run left RUNNING by a killed process. Then ``auditkit db
upgrade`` migrates it, and the store at head must read back exactly that data.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import command
from store_samples import POLICY_TEXT, T0, outcome, provenance
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.results import GateDecision, RunState
from auditkit.store import open_store, resolve_url
from auditkit.store.convert import outcome_row
from auditkit.store.migrate import alembic_config, head_revision
from auditkit.store.signoffs import GENESIS_SHA256, signoff_sha256
from auditkit.store.tables import metadata

RUN, CRASHED = "run0001complete", "run0001crashed"
#: Outcome and measurement columns later revisions added (0004: typed evidence, 0006: digest); a 0001 database
#: has none.
ADDED_AFTER_0001 = ("evidence", "role", "unit", "digest")
HTML = b"<html><body>report v1 of run0001complete</body></html>"
HTML_SHA = hashlib.sha256(HTML).hexdigest()


def _fill_at_0001(url: str) -> dict:
    """Insert one complete and one crashed run with everything around them; return the sign-off record."""
    t = metadata.tables
    p = provenance()
    engine = sa.create_engine(resolve_url(url))
    with engine.begin() as conn:
        system = conn.execute(t["systems"].insert().values(name=p["system"]["name"], version="2.4.0",
                                                           provider="Example Bank AG")).inserted_primary_key[0]
        model = conn.execute(t["models"].insert().values(**p["model"])).inserted_primary_key[0]
        dataset = conn.execute(t["datasets"].insert().values(**p["dataset"])).inserted_primary_key[0]
        policy = conn.execute(t["policies"].insert().values(
            policy_id="credit-scoring-eu", version="3", sha256="a" * 64, text=POLICY_TEXT,
            effective_from=dt.date(2026, 11, 1), approved_by="Head of Model Risk")).inserted_primary_key[0]
        common = {"system_id": system, "model_id": model, "dataset_id": dataset, "policy_row_id": policy,
                  "system_version": "2.4.0", "seed": 7, "device": "cpu", "environment": p["environment"],
                  "trigger": "schedule", "started_at": T0}
        conn.execute(t["runs"].insert().values(run_id=RUN, state="complete", gate="FAIL",
                                               finished_at=T0 + dt.timedelta(minutes=3), **common))
        conn.execute(t["runs"].insert().values(run_id=CRASHED, state="running", **common))
        for position, (run_id, check_id) in enumerate([(RUN, "parity"), (RUN, "perf"), (CRASHED, "parity")]):
            row = outcome_row(outcome(check_id))
            values = {c.key: getattr(row, c.key) for c in t["check_outcomes"].columns
                      if c.key not in ("id", *ADDED_AFTER_0001)}
            values.update(run_id=run_id, position=position if run_id == RUN else 0)
            outcome_id = conn.execute(t["check_outcomes"].insert().values(**values)).inserted_primary_key[0]
            for m in row.measurements:
                cols = {c.key: getattr(m, c.key) for c in t["measurements"].columns
                        if c.key not in ("id", "outcome_id", *ADDED_AFTER_0001)}
                conn.execute(t["measurements"].insert().values(outcome_id=outcome_id, **cols))
        report = conn.execute(t["reports"].insert().values(
            report_id="retail-credit-scorer-v1", run_id=RUN, system_id=system, version=1, created_at=T0,
            html_sha256=HTML_SHA, pdf_sha256=None, html=HTML, pdf=None)).inserted_primary_key[0]
        signoff = {"run_id": RUN, "report_id": "retail-credit-scorer-v1", "report_sha256": HTML_SHA,
                   "name": "Dana Kim", "function": "Model Risk", "role": "approver", "decision": "approve",
                   "comment": "ok ✓", "signed_at": T0 + dt.timedelta(hours=1), "prev_sha256": GENESIS_SHA256}
        signoff["record_sha256"] = signoff_sha256(signoff)
        conn.execute(t["signoffs"].insert().values(report_id=report,
                                                   **{k: v for k, v in signoff.items() if k != "report_id"}))
    engine.dispose()
    return signoff


def test_db_upgrade_from_0001_keeps_runs_outcomes_reports_and_signoffs(db_url: str) -> None:
    command.upgrade(alembic_config(resolve_url(db_url)), "0001")
    signoff = _fill_at_0001(db_url)
    with open_store(db_url, upgrade=False, check=False) as store:
        assert store.current_revision() == "0001"

    result = CliRunner().invoke(app, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"at revision {head_revision()}" in result.output

    with open_store(db_url, upgrade=False) as store:  # refuses unless at head
        run = store.get_run(RUN)
        crashed = store.get_run(CRASHED)
        report = store.get_report(RUN)
        signoffs = store.list_signoffs(RUN)
        listed = {s.run_id: s for s in store.list_runs()}
    assert run.state is RunState.COMPLETE and run.gate is GateDecision.FAIL and run.trigger == "schedule"
    assert run.policy_text == POLICY_TEXT and run.seed == 7 and run.environment == provenance()["environment"]
    assert run.commit is None and run.heartbeat_at is None and run.resumed_at is None  # new columns: NULL
    assert [o.check_id for o in run.outcomes] == ["parity", "perf"]
    assert run.outcome("parity") == outcome("parity")  # details, params, seeds, aware times: all intact
    assert run.outcome("perf").measurements == outcome("perf").measurements
    assert report is not None and report.version == 1 and report.html == HTML and report.html_sha256 == HTML_SHA
    (stored,) = signoffs
    assert stored == signoff and signoff_sha256(stored) == stored["record_sha256"]  # the chain still verifies
    # a run left RUNNING before heartbeats existed shows as interrupted and keeps its finished check
    assert crashed.condition() == "interrupted" and [o.check_id for o in crashed.outcomes] == ["parity"]
    assert listed[CRASHED].condition() == "interrupted" and listed[CRASHED].n_outcomes == 1
    assert listed[RUN].condition() == "complete"


def test_upgraded_database_accepts_new_runs_with_commit_and_locks(db_url: str) -> None:
    command.upgrade(alembic_config(resolve_url(db_url)), "0001")
    _fill_at_0001(db_url)
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", db_url]).exit_code == 0
    with open_store(db_url, upgrade=False) as store:
        with store.run_lock("retail-credit-scorer", "credit-scoring-eu") as lock:
            run_id = store.begin_run(**provenance(), started_at=T0, commit="0123abcd" * 5)
            lock.attach_run(run_id)
            assert store.lock_holder("retail-credit-scorer", "credit-scoring-eu")["run_id"] == run_id
        assert store.lock_holder("retail-credit-scorer", "credit-scoring-eu") is None
        fresh = store.get_run(run_id)
    assert fresh.commit == "0123abcd" * 5 and fresh.heartbeat_at is not None


def test_runs_stored_before_digests_are_reported_not_recorded_never_tampered(db_url: str) -> None:
    """A database filled at revision 0005 (no digest columns), then upgraded: `db check` passes with notes."""
    command.upgrade(alembic_config(resolve_url(db_url)), "0005")
    _fill_at_0001(db_url)
    with open_store(db_url) as store:  # applies 0006
        old = store.check_run(RUN)
        crashed = store.check_run(CRASHED)
        fresh = store.begin_run(**provenance(), started_at=T0 + dt.timedelta(days=1))
        store.save_outcome(fresh, outcome("parity"))
        store.finish_run(fresh, state=RunState.COMPLETE, gate=GateDecision.INCONCLUSIVE,
                         finished_at=T0 + dt.timedelta(days=1, minutes=1))
        assert store.get_run(fresh).digest is not None and store.check_run(fresh).notes == ()
    assert old.ok and crashed.ok
    notes = " ".join(old.notes)
    assert "2 outcome(s) stored before digests were recorded" in notes
    assert "run finished before run digests were recorded" in notes
    assert "1 report version(s) stored before report digests were recorded" in notes
    # the stored FAIL disagrees with the INCONCLUSIVE the outcomes give: said, not called tampering
    assert "stored gate FAIL differs from INCONCLUSIVE" in notes
    assert "no run digest yet" in " ".join(crashed.notes)
    runner = CliRunner()
    result = runner.invoke(app, ["db", "check", "--db", db_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "not recorded" in result.stderr and "3 run(s)" in result.stderr
    gated = runner.invoke(app, ["gate", RUN, "--db", db_url], catch_exceptions=False)
    assert gated.exit_code == 3, gated.output  # recomputed from the outcomes: an inconclusive blocker
