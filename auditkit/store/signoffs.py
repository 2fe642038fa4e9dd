"""The store's sign-off methods and the hash chain that makes sign-offs tamper-evident.

Sign-offs are only ever appended. Each one names the SHA-256 of the report it
signs and carries ``prev_sha256``, the ``record_sha256`` of the run's previous
sign-off (:data:`GENESIS_SHA256` for the first), so changing or removing one
breaks every later link; :func:`~auditkit.store.digest.signoff_sha256` lets anyone recompute it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.orm import Session

from auditkit.errors import StoreError
from auditkit.results import ReportRecord
from auditkit.store.base import MAX_ATTEMPTS, Database
from auditkit.store.convert import report_record, require_fields, utc
from auditkit.store.digest import GENESIS_SHA256, SIGNOFF_HASHED, signoff_sha256
from auditkit.store.reports import checked_run, next_version, report_row, signoff_head
from auditkit.store.tables import ReportRow, RunRow, SignoffRow

__all__ = ["GENESIS_SHA256", "SignoffRepository", "signoff_sha256"]


def _signoff_dict(row: SignoffRow, report_id: str) -> dict[str, Any]:
    record = {key: getattr(row, key) for key in SIGNOFF_HASHED if key != "report_id"}
    return {**record, "report_id": report_id, "record_sha256": row.record_sha256}


def _person(name: str, function: str, role: str, decision: str, comment: str | None) -> dict[str, Any]:
    """Who signs and how, checked for the required fields (in the order the record hashes them)."""
    require_fields({"name": name, "function": function, "role": role, "decision": decision}, "sign-off",
                   ("name", "function", "role", "decision"))
    return {"name": name, "function": function, "role": role, "decision": decision, "comment": comment}


class SignoffRepository:
    """Append and read the hash-chained sign-offs of a run (one part of :class:`~auditkit.store.Store`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add_signoff(
        self,
        run_id: str,
        *,
        name: str,
        function: str,
        role: str,
        decision: str,
        comment: str | None,
        signed_at: dt.datetime,
        report_sha256: str,
    ) -> dict[str, Any]:
        """Append a sign-off of the run's report whose HTML or PDF has SHA-256 ``report_sha256``.

        Returns the stored record (see :func:`signoff_sha256` for what its
        ``record_sha256`` covers); ``prev_sha256`` is the previous sign-off's
        ``record_sha256``, or 64 zeros for the first sign-off of the run.
        """
        person = _person(name, function, role, decision, comment)
        signed = utc(signed_at, "signed_at")
        for _ in range(MAX_ATTEMPTS):
            with self._db.session() as session:
                _, report, record = self._next_signoff(session, run_id, report_sha256, person, signed)
                session.add(SignoffRow(report_id=report.id, **{k: v for k, v in record.items() if k != "report_id"}))
                try:
                    session.commit()
                except exc.IntegrityError:
                    continue
                return record
        raise StoreError(f"could not append a sign-off to run {run_id}: too many concurrent sign-offs; try again")

    def add_signoff_with_report(
        self,
        run_id: str,
        *,
        name: str,
        function: str,
        role: str,
        decision: str,
        comment: str | None,
        signed_at: dt.datetime,
        report_sha256: str,
        render: Callable[[int, str, dict[str, Any]], tuple[bytes, bytes | None]],
        created_at: dt.datetime,
    ) -> tuple[dict[str, Any], ReportRecord]:
        """Append a sign-off *and* the new report version showing it, in one transaction.

        ``render(version, report_id, record)`` renders the next report version of the run's system with
        the pending sign-off ``record`` (not stored yet) outside any transaction; then the sign-off row
        and the report row are inserted and committed together. A crash while rendering or storing
        leaves neither, so a retry records the sign-off once. If another writer took the next report
        version or the chain's next link first, both are recomputed and rendered again.

        Refused with :class:`~auditkit.errors.IntegrityError` (nothing written) when the run's outcomes or
        run digest no longer match; the new version records the pending sign-off as its sign-off head.
        """
        person = _person(name, function, role, decision, comment)
        signed, created = utc(signed_at, "signed_at"), utc(created_at, "created_at")
        for _ in range(MAX_ATTEMPTS):
            with self._db.session() as session:
                checked_run(session, self._db, run_id)
                run, report, record = self._next_signoff(session, run_id, report_sha256, person, signed)
                version = next_version(session, run.system_id)
                key, system_id, system_name, signed_id = run.run_id, run.system_id, run.system.name, report.id
                digest = run.digest
            new_id = f"{system_name}-v{version}"
            html, pdf = render(version, new_id, dict(record))
            row = report_row(report_id=new_id, run_id=key, system_id=system_id, version=version, created_at=created,
                             html=html, pdf=pdf, signoff_head=record["record_sha256"], run_digest=digest)
            with self._db.session() as session:
                session.add(SignoffRow(report_id=signed_id, **{k: v for k, v in record.items() if k != "report_id"}))
                session.add(row)
                try:
                    session.commit()
                except exc.IntegrityError:
                    continue
                return record, report_record(row, system_name)
        raise StoreError(f"could not append a sign-off to run {run_id}: too many concurrent writers; try again")

    def _next_signoff(self, session: Session, run_id: str, report_sha256: str, person: dict[str, Any],
                      signed: dt.datetime) -> tuple[RunRow, ReportRow, dict[str, Any]]:
        """The run, the signed report and the next record of the run's sign-off chain (not stored yet)."""
        run = self._db.find_run(session, run_id)
        report = self._signed_report(session, run.run_id, report_sha256)
        prev = signoff_head(session, run.run_id)
        record: dict[str, Any] = {"run_id": run.run_id, "report_id": report.report_id, "report_sha256": report_sha256,
                                  **person, "signed_at": signed, "prev_sha256": prev}
        record["record_sha256"] = signoff_sha256(record)
        return run, report, record

    def _signed_report(self, session: Session, run_id: str, report_sha256: str) -> ReportRow:
        """The run's report whose HTML or PDF hashes to ``report_sha256``."""
        query = sa.select(ReportRow).where(
            ReportRow.run_id == run_id,
            sa.or_(ReportRow.html_sha256 == report_sha256, ReportRow.pdf_sha256 == report_sha256),
        )
        report = session.scalars(query.order_by(ReportRow.version.desc()).limit(1)).unique().one_or_none()
        if report is None:
            raise StoreError(
                f"no stored report of run {run_id} has SHA-256 {report_sha256}; sign the hash of a "
                "report rendered from this run (see `auditkit report RUN`)"
            )
        return report

    def list_signoffs(self, run_id: str) -> list[dict[str, Any]]:
        """The sign-offs of run ``run_id`` in chain order (first sign-off first)."""
        with self._db.session() as session:
            run = self._db.find_run(session, run_id)
            rows = session.execute(
                sa.select(SignoffRow, ReportRow.report_id)
                .join(ReportRow, SignoffRow.report_id == ReportRow.id)
                .where(SignoffRow.run_id == run.run_id)
                .order_by(SignoffRow.id)
            ).all()
            return [_signoff_dict(row, report_id) for row, report_id in rows]
