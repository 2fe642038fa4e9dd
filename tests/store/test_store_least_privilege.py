"""docs/postgres-least-privilege.sql on a real PostgreSQL cluster: the writer can audit, not edit evidence.

The database is migrated by its owner (the cluster's superuser here), the SQL file is applied, and a
whole audit is written through the store as ``auditkit_writer``: begin, outcomes, finish, a report
version, a sign-off with the version showing it, the run lock. Then the same role tries the edits the
integrity checks exist for, and PostgreSQL refuses each one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from store_samples import T0, outcome, provenance

from auditkit.results import GateDecision, RunState
from auditkit.store import open_store

pytestmark = pytest.mark.postgres

SQL_FILE = Path(__file__).resolve().parents[2] / "docs" / "postgres-least-privilege.sql"
WRITER = "auditkit_writer"
RUN = "runleastpriv01"


def _render(version: int, report_id: str, *_: object) -> tuple[bytes, bytes]:
    return f"<html>{report_id}</html>".encode(), f"%PDF-1.7 {report_id}".encode()


@pytest.fixture
def writer_url(make_postgres_db: Callable[[], str], postgres_url: str) -> str:
    """A migrated database with the least-privilege grants applied; the URL connects as the writer."""
    owner_url = make_postgres_db()
    with open_store(owner_url):
        pass  # migrates to head as the owner
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (WRITER,)).fetchone()
        if not exists:
            admin.execute(f"CREATE ROLE {WRITER} LOGIN")
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(SQL_FILE.read_text(encoding="utf-8"))
    return owner_url.replace("postgresql://postgres@", f"postgresql://{WRITER}@")


def test_writer_audits_signs_off_but_cannot_update_or_delete_evidence(writer_url: str) -> None:
    with open_store(writer_url, upgrade=False) as store:
        system = provenance()["system"]["name"]
        with store.run_lock(system, "credit-scoring-eu"):
            store.begin_run(**provenance(), started_at=T0, run_id=RUN)
            store.save_outcome(RUN, outcome("parity"))
            store.finish_run(RUN, state=RunState.COMPLETE, gate=GateDecision.INCONCLUSIVE,
                             finished_at=T0 + dt.timedelta(minutes=1))
        v1 = store.add_report(RUN, render=lambda v, rid: _render(v, rid), created_at=T0 + dt.timedelta(minutes=2))
        store.add_signoff_with_report(
            RUN, name="Dana Kim", function="Model Risk", role="approver", decision="approve", comment=None,
            signed_at=T0 + dt.timedelta(hours=1), report_sha256=str(v1.pdf_sha256), render=_render,
            created_at=T0 + dt.timedelta(hours=1))
        assert store.check_run(RUN).ok

    refused = [
        "UPDATE check_outcomes SET status = 'PASS'",
        "UPDATE measurements SET value = 0.99",
        "DELETE FROM measurements",
        "UPDATE reports SET pdf_sha256 = repeat('0', 64)",
        "DELETE FROM signoffs",
        "UPDATE signoffs SET decision = 'reject'",
        "UPDATE runs SET gate = 'PASS'",  # a permitted column, but the run is finished: the trigger refuses
        "UPDATE runs SET system_version = '9'",  # not a permitted column at all
        "UPDATE policies SET text = 'edited'",
    ]
    with psycopg.connect(writer_url, autocommit=True) as conn:
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT status FROM check_outcomes").fetchone() == ("INCONCLUSIVE",)
        assert conn.execute("SELECT count(*) FROM signoffs").fetchone() == (1,)
