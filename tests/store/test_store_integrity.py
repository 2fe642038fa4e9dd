"""The tamper-evident store: edits made with plain SQL are found and named (SQLite and PostgreSQL).

Each case stores a finished run with two outcomes, a report version, and two sign-offs (each with the
report version showing it), then changes the database the way someone with a SQL client would, and
asserts that ``Store.check_run``, ``auditkit db check`` and ``auditkit gate`` name what changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from store_samples import T0, outcome, provenance
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.errors import IntegrityError
from auditkit.results import GateDecision, RunState, Status
from auditkit.store import Store, open_store
from auditkit.store.digest import canonical, outcome_digest

RUN = "runintegrity01"


def _render(version: int, report_id: str, *_: Any) -> tuple[bytes, bytes]:
    return f"<html>{report_id}</html>".encode(), f"%PDF-1.7 {report_id} v{version}".encode()


def _sign(store: Store, name: str, sha: str, hours: int) -> str:
    _, rec = store.add_signoff_with_report(
        RUN, name=name, function="Model Risk", role="approver", decision="approve", comment=None,
        signed_at=T0 + dt.timedelta(hours=hours), report_sha256=sha, render=_render,
        created_at=T0 + dt.timedelta(hours=hours))
    return str(rec.pdf_sha256)


def _fill(store: Store, status: Status = Status.INCONCLUSIVE) -> None:
    """A finished run (gate as the outcomes decide), report v1, and two sign-offs giving v2 and v3."""
    store.begin_run(**provenance(), started_at=T0, run_id=RUN)
    store.save_outcome(RUN, outcome("parity", status=status))
    store.save_outcome(RUN, outcome("perf", status=status))
    gate = GateDecision.PASS if status is Status.PASS else GateDecision.INCONCLUSIVE
    store.finish_run(RUN, state=RunState.COMPLETE, gate=gate, finished_at=T0 + dt.timedelta(minutes=3))
    v1 = store.add_report(RUN, render=lambda v, rid: _render(v, rid), created_at=T0 + dt.timedelta(minutes=4))
    v2 = _sign(store, "Dana Kim", str(v1.pdf_sha256), 1)
    _sign(store, "Eli Roth", v2, 2)


def _sql(store: Store, statement: str, **params: Any) -> None:
    with store._engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def _db_check(url: str) -> Any:
    return CliRunner().invoke(app, ["db", "check", "--db", url], catch_exceptions=False)


def _swap_signoffs(store: Store) -> None:
    """Reorder the chain: the two sign-off rows exchange their contents (ids stay)."""
    cols = ("name", "signed_at", "report_sha256", "prev_sha256", "record_sha256", "report_id")
    with store._engine.begin() as conn:
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(cols)} FROM signoffs ORDER BY id")).all()
        # free the unique record_sha256 and (run_id, prev_sha256) values before writing them back swapped
        conn.execute(sa.text("UPDATE signoffs SET record_sha256 = 'x' || id, prev_sha256 = 'y' || id"))
        for row, other in ((rows[0], rows[1]), (rows[1], rows[0])):
            sets = ", ".join(f"{c} = :{c}" for c in cols)
            conn.execute(sa.text(f"UPDATE signoffs SET {sets} WHERE id = :id"),
                         {"id": row.id, **{c: getattr(other, c) for c in cols}})


def _replace_blob(store: Store) -> None:
    """Replace report v1's PDF with other bytes and store their hash too."""
    forged = b"%PDF-1.7 forged GATE: PASS"
    _sql(store, "UPDATE reports SET pdf = :pdf, pdf_sha256 = :sha WHERE version = 1",
         pdf=forged, sha=hashlib.sha256(forged).hexdigest())


def _delete_last_signoff(store: Store) -> None:
    _sql(store, "DELETE FROM signoffs WHERE id = (SELECT MAX(id) FROM signoffs)")


#: (case, tampering, the subject each expected problem line names)
TAMPERINGS: list[tuple[str, Callable[[Store], None], tuple[str, ...]]] = [
    ("outcome row", lambda s: _sql(s, "UPDATE check_outcomes SET status = 'PASS' WHERE check_id = 'parity'"),
     ("check 'parity'", "run digest")),
    ("measurement", lambda s: _sql(s, "UPDATE measurements SET value = 0.95 WHERE position = 0 AND outcome_id = "
                                      "(SELECT id FROM check_outcomes WHERE check_id = 'perf')"),
     ("check 'perf'", "run digest")),
    ("runs.gate", lambda s: _sql(s, "UPDATE runs SET gate = 'PASS'"), ("run field gate", "run digest")),
    ("policy text", lambda s: _sql(s, "UPDATE policies SET text = text || '# edited'"), ("run digest",)),
    ("deleted last sign-off", _delete_last_signoff, ("report v3",)),
    ("reordered sign-offs", _swap_signoffs, ("sign-off #1", "sign-off #2")),
    ("replaced report blob and hash", _replace_blob, ("report v1",)),
]


@pytest.mark.parametrize(("case", "tamper", "subjects"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_db_check_names_each_tampering(db_url: str, case: str, tamper: Callable[[Store], None],
                                       subjects: tuple[str, ...]) -> None:
    with open_store(db_url) as store:
        _fill(store)
        assert store.check_run(RUN).ok, store.check_run(RUN).problems
        assert _db_check(db_url).exit_code == 0
        tamper(store)
        found = store.check_run(RUN)
    assert not found.ok, case
    named = {p.subject.split(" (")[0] for p in found.problems}
    assert set(subjects) <= named, (case, found.problems)
    result = _db_check(db_url)
    assert result.exit_code == 1, result.output
    for subject in subjects:
        assert f"run {RUN}: {subject}" in result.stdout


def test_clean_store_reports_ok(db_url: str) -> None:
    with open_store(db_url) as store:
        _fill(store)
    result = _db_check(db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 run(s)" in result.stderr and "match their digests" in result.stderr


def test_a_new_report_version_of_a_tampered_run_is_refused_and_nothing_is_written(db_url: str) -> None:
    with open_store(db_url) as store:
        _fill(store)
        _sql(store, "UPDATE check_outcomes SET summary = 'all fine' WHERE check_id = 'parity'")
        before = len(store.list_reports("retail-credit-scorer")), len(store.list_signoffs(RUN))
        with pytest.raises(IntegrityError, match="check 'parity'") as caught:
            store.add_report(RUN, render=lambda v, rid: _render(v, rid), created_at=T0 + dt.timedelta(hours=5))
        assert caught.value.exit_code == 1
        latest = store.get_report(RUN)
        assert latest is not None
        with pytest.raises(IntegrityError, match="Nothing was written"):
            _sign(store, "Fay Wu", str(latest.pdf_sha256), 6)
        assert (len(store.list_reports("retail-credit-scorer")), len(store.list_signoffs(RUN))) == before


@pytest.mark.parametrize(("status", "tamper", "code"), [
    (Status.PASS, None, 0),
    (Status.INCONCLUSIVE, None, 3),
    (Status.INCONCLUSIVE, "UPDATE runs SET gate = 'PASS'", 1),
    (Status.FAIL, "UPDATE check_outcomes SET status = 'PASS'", 1),
])
def test_gate_recomputes_from_checked_outcomes(db_url: str, status: Status, tamper: str | None, code: int) -> None:
    with open_store(db_url) as store:
        store.begin_run(**provenance(), started_at=T0, run_id=RUN)
        store.save_outcome(RUN, outcome("parity", status=status))
        decided = {Status.PASS: GateDecision.PASS, Status.FAIL: GateDecision.FAIL}.get(status,
                                                                                      GateDecision.INCONCLUSIVE)
        store.finish_run(RUN, state=RunState.COMPLETE, gate=decided, finished_at=T0 + dt.timedelta(minutes=1))
        if tamper:
            _sql(store, tamper)
    result = CliRunner().invoke(app, ["gate", RUN, "--db", db_url], catch_exceptions=False)
    assert result.exit_code == code, result.output
    if tamper:
        assert "no longer matches its digests" in result.stderr
        assert "tampered" not in result.stdout


def test_outcome_digest_reads_the_same_from_either_backend() -> None:
    """Canonical values: integral floats are integers, datetimes ISO UTC, so REAL/JSONB round trips hash equal."""
    assert canonical({"a": 1.0, "b": 1e16, "c": 0.1}) == {"a": 1, "b": 10**16, "c": 0.1}
    naive = dt.datetime(2026, 1, 1, 12)
    assert canonical(naive) == canonical(naive.replace(tzinfo=dt.UTC)) == "2026-01-01T12:00:00+00:00"
    fields = {"check_id": "x", "measurements": [{"value": 1}]}
    assert outcome_digest(fields) == outcome_digest({**fields, "measurements": [{"value": 1.0}]})
    assert outcome_digest(fields) != outcome_digest({**fields, "measurements": [{"value": 1.5}]})


def test_stored_digests_equal_the_recomputed_ones_after_a_round_trip(db_url: str) -> None:
    with open_store(db_url) as store:
        _fill(store)
        run = store.get_run(RUN)
        result = store.check_run(RUN)
    assert run.digest is not None and result.recomputed_digest == run.digest
    assert result.notes == ()
    assert dataclasses.replace(run, digest=None).digest is None
