"""Report versions per system (unique in the database) and hash-chained sign-offs."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from store_samples import T0

from auditkit.errors import StoreError
from auditkit.results import GateDecision, RunState
from auditkit.store import Store, open_store
from auditkit.store.signoffs import GENESIS_SHA256, signoff_sha256

Begin = Callable[..., str]
CREATED = T0 + dt.timedelta(hours=1)


def _finished(store: Store, begin: Begin, system: str = "credit") -> str:
    run_id = begin(system)
    store.finish_run(run_id, state=RunState.COMPLETE, gate=GateDecision.PASS, finished_at=T0)
    return run_id


def _render(version: int, report_id: str) -> tuple[bytes, bytes | None]:
    return f"<html>{report_id} v{version}</html>".encode(), f"%PDF {report_id}".encode()


def test_report_versions_count_up_per_system(store: Store, begin: Begin) -> None:
    calls: list[tuple[int, str]] = []

    def render(version: int, report_id: str) -> tuple[bytes, bytes | None]:
        calls.append((version, report_id))
        return _render(version, report_id)

    credit, hiring = _finished(store, begin, "credit"), _finished(store, begin, "hiring")
    first = store.add_report(credit, render=render, created_at=CREATED)
    second = store.add_report(credit, render=render, created_at=CREATED)
    other = store.add_report(hiring, render=lambda v, r: (b"<html/>", None), created_at=CREATED)

    assert calls == [(1, "credit-v1"), (2, "credit-v2")]
    assert [(r.report_id, r.version) for r in (first, second, other)] == [
        ("credit-v1", 1),
        ("credit-v2", 2),
        ("hiring-v1", 1),
    ]
    assert first.html == b"<html>credit-v1 v1</html>" and first.pdf == b"%PDF credit-v1"
    assert first.html_sha256 == hashlib.sha256(first.html).hexdigest()
    assert first.pdf_sha256 == hashlib.sha256(b"%PDF credit-v1").hexdigest()
    assert (other.pdf, other.pdf_sha256) == (None, None)
    assert first.created_at == CREATED and first.created_at.utcoffset() == dt.timedelta(0)
    assert (first.run_id, first.system_name) == (credit, "credit")


def test_get_and_list_reports(store: Store, begin: Begin) -> None:
    run_a, run_b = _finished(store, begin), _finished(store, begin)
    v1 = store.add_report(run_a, render=_render, created_at=CREATED)
    v2 = store.add_report(run_a, render=_render, created_at=CREATED)
    v3 = store.add_report(run_b, render=_render, created_at=CREATED)
    assert store.get_report(run_a) == v2
    assert store.get_report(run_a[:8], version=1) == v1
    assert store.get_report(run_a, version=3) is None  # v3 belongs to another run
    assert store.get_report(run_b) == v3
    assert store.list_reports("credit") == [v1, v2, v3]
    assert store.list_reports("unknown") == []
    assert store.get_report(_finished(store, begin)) is None


def test_running_run_gets_no_report(store: Store, begin: Begin) -> None:
    with pytest.raises(StoreError, match="still running"):
        store.add_report(begin(), render=_render, created_at=CREATED)


def test_system_version_uniqueness_is_a_database_constraint(store: Store, begin: Begin) -> None:
    report = store.add_report(_finished(store, begin), render=_render, created_at=CREATED)
    duplicate = sa.text(
        "INSERT INTO reports (report_id, run_id, system_id, version, created_at, html_sha256, html) "
        "SELECT 'another-id', run_id, system_id, version, created_at, html_sha256, html FROM reports "
        "WHERE report_id = :rid"
    )
    with pytest.raises(sa.exc.IntegrityError), store._engine.begin() as conn:
        conn.execute(duplicate, {"rid": report.report_id})


def test_concurrent_writers_get_distinct_versions(db_url: str, store: Store, begin: Begin) -> None:
    runs = [_finished(store, begin) for _ in range(4)]
    barrier = threading.Barrier(len(runs))
    made: list[int] = []
    errors: list[BaseException] = []

    def render(version: int, report_id: str) -> tuple[bytes, bytes | None]:
        return _render(version, report_id)

    def writer(run_id: str) -> None:
        try:
            with open_store(db_url, upgrade=False) as own:
                barrier.wait()
                made.extend(own.add_report(run_id, render=render, created_at=CREATED).version for _ in range(3))
        except BaseException as error:  # collected and re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(run_id,)) for run_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(made) == list(range(1, 13))
    assert [r.version for r in store.list_reports("credit")] == list(range(1, 13))


def test_signoffs_are_hash_chained(store: Store, begin: Begin) -> None:
    run_id = _finished(store, begin)
    report = store.add_report(run_id, render=_render, created_at=CREATED)
    first = store.add_signoff(
        run_id,
        name="A. Auditor",
        function="Model risk",
        role="reviewer",
        decision="approve",
        comment=None,
        signed_at=CREATED,
        report_sha256=report.html_sha256,
    )
    second = store.add_signoff(
        run_id[:8],
        name="B. Head",
        function="Compliance",
        role="approver",
        decision="approve",
        comment="Fine – with caveats.",
        signed_at=CREATED + dt.timedelta(minutes=1),
        report_sha256=report.pdf_sha256,
    )

    assert first["prev_sha256"] == GENESIS_SHA256
    assert second["prev_sha256"] == first["record_sha256"]
    assert first["report_id"] == second["report_id"] == "credit-v1"
    chain = store.list_signoffs(run_id)
    assert chain == [first, second]
    for record in chain:
        assert record["record_sha256"] == signoff_sha256(record)
        assert record["signed_at"].utcoffset() == dt.timedelta(0)
    assert signoff_sha256({**first, "decision": "reject"}) != first["record_sha256"]
    assert store.list_signoffs(_finished(store, begin)) == []


def test_signoff_must_name_a_stored_report_of_the_run(store: Store, begin: Begin) -> None:
    run_id = _finished(store, begin)
    store.add_report(run_id, render=_render, created_at=CREATED)
    with pytest.raises(StoreError, match="no stored report of run"):
        store.add_signoff(
            run_id,
            name="A",
            function="F",
            role="R",
            decision="approve",
            comment=None,
            signed_at=CREATED,
            report_sha256="0" * 64,
        )
    with pytest.raises(StoreError, match="sign-off is missing name"):
        store.add_signoff(
            run_id,
            name="",
            function="F",
            role="R",
            decision="approve",
            comment=None,
            signed_at=CREATED,
            report_sha256="0" * 64,
        )
