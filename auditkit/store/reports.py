"""The store's report methods: render and store numbered report versions, read them back.

Report versions count up per system. Two processes rendering at once may
pick the same next version; the database's UNIQUE(system, version) lets only
one of them store it, and the other renders again with the next number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.orm import Session

from auditkit.errors import StoreError
from auditkit.results import ReportRecord, RunState
from auditkit.store.base import MAX_ATTEMPTS, Database
from auditkit.store.convert import report_fields, report_record, sha256_hex, utc
from auditkit.store.digest import GENESIS_SHA256, report_digest
from auditkit.store.integrity import require_intact
from auditkit.store.tables import ReportRow, RunRow, SignoffRow


def next_version(session: Session, system_id: int) -> int:
    """One more than the highest report version of the system (1 for its first report)."""
    top = sa.select(sa.func.max(ReportRow.version)).where(ReportRow.system_id == system_id)
    return (session.scalar(top) or 0) + 1


def signoff_head(session: Session, run_id: str) -> str:
    """The ``record_sha256`` of the run's last sign-off (64 zeros: none yet)."""
    last = sa.select(SignoffRow.record_sha256).where(SignoffRow.run_id == run_id)
    return session.scalar(last.order_by(SignoffRow.id.desc()).limit(1)) or GENESIS_SHA256


def checked_run(session: Session, db: Database, run_id: str) -> RunRow:
    """The finished run ``run_id``, verified against its digests before a report version of it is stored.

    A run still running is refused (StoreError); a run whose outcomes or run digest changed is refused
    with :class:`~auditkit.errors.IntegrityError`, so an edit is never laundered into a new version.
    """
    run = db.find_run(session, run_id)
    if run.state == RunState.RUNNING:
        raise StoreError(
            f"run {run.run_id} is still running (or crashed before it finished); "
            "only a finished run gets a report"
        )
    require_intact(session, run, f"store a new report version of run {run.run_id}")
    return run


def report_row(*, report_id: str, run_id: str, system_id: int, version: int, created_at: dt.datetime, html: bytes,
               pdf: bytes | None, signoff_head: str, run_digest: str | None) -> ReportRow:
    """A new report row with the SHA-256 of its HTML and PDF, the sign-off head it shows, and its digest."""
    row = ReportRow(report_id=report_id, run_id=run_id, system_id=system_id, version=version,
                    created_at=created_at, html_sha256=sha256_hex(html),
                    pdf_sha256=None if pdf is None else sha256_hex(pdf), html=html, pdf=pdf,
                    signoff_head=signoff_head)
    row.digest = report_digest(report_fields(row, run_digest))
    return row


class ReportRepository:
    """Store and read rendered reports of finished runs (one part of :class:`~auditkit.store.Store`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add_report(
        self,
        run_id: str,
        *,
        render: Callable[[int, str], tuple[bytes, bytes | None]],
        created_at: dt.datetime,
    ) -> ReportRecord:
        """Render and store the next report version of the run's system.

        The version is one more than the system's highest; ``render(version,
        report_id)`` returns ``(html, pdf or None)``, with report_id
        ``"<system>-v<version>"``. Rendering happens outside any transaction
        (it may read the store). If another writer stored that version first,
        the database's UNIQUE(system, version) refuses this one, and the
        report is rendered again with the next version.

        The run is checked against its digests first (:func:`checked_run`); the new row records the
        sign-off chain head it was rendered with and its own digest.
        """
        created = utc(created_at, "created_at")
        for _ in range(MAX_ATTEMPTS):
            with self._db.session() as session:
                run = checked_run(session, self._db, run_id)
                version = next_version(session, run.system_id)
                key, system_id, system_name, digest = run.run_id, run.system_id, run.system.name, run.digest
                head = signoff_head(session, key)
            report_id = f"{system_name}-v{version}"
            html, pdf = render(version, report_id)
            row = report_row(report_id=report_id, run_id=key, system_id=system_id, version=version,
                             created_at=created, html=html, pdf=pdf, signoff_head=head, run_digest=digest)
            with self._db.session() as session:
                session.add(row)
                try:
                    session.commit()
                except exc.IntegrityError:
                    continue
                return report_record(row, system_name)
        raise StoreError(
            f"could not store a report of run {run_id}: {MAX_ATTEMPTS} times another writer took the "
            "next version number first; try again"
        )

    def get_report(self, run_id: str, *, version: int | None = None) -> ReportRecord | None:
        """The report of run ``run_id`` with ``version`` (default: its latest), or None."""
        with self._db.session() as session:
            run = self._db.find_run(session, run_id)
            query = sa.select(ReportRow).where(ReportRow.run_id == run.run_id)
            if version is not None:
                query = query.where(ReportRow.version == version)
            row = session.scalars(query.order_by(ReportRow.version.desc()).limit(1)).unique().one_or_none()
            return None if row is None else report_record(row, row.system.name)

    def list_reports(self, system: str) -> list[ReportRecord]:
        """Every stored report of ``system``, oldest version first."""
        query = sa.select(ReportRow).where(ReportRow.system_id == self._db.system_id(system))
        with self._db.session() as session:
            rows = session.scalars(query.order_by(ReportRow.version)).unique().all()
            return [report_record(row, system) for row in rows]
