"""The results database schema as SQLAlchemy 2.0 declarative ORM classes.

This module is the single description of the schema: Alembic's ``env.py`` uses
:data:`metadata` as its ``target_metadata`` and a test checks that the
migrations in ``migrations/versions/`` produce exactly this schema. Tables are
created only through those migrations, never with ``metadata.create_all``.

Every constraint gets a deterministic name from the naming convention, so later
migrations can refer to (and drop) them by name on both SQLite and PostgreSQL.

The ORM classes are private to :mod:`auditkit.store`; the rest of auditkit
sees only the frozen records of :mod:`auditkit.results`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from auditkit.results import GateDecision, RunState, Severity, Status

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Schema metadata (Alembic's ``target_metadata``).
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

#: JSON everywhere, stored as JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp that always comes back as an aware UTC datetime.

    Values are converted to UTC before they are written, so SQLite (which keeps
    no offset and returns naive datetimes) stores the same instant as
    PostgreSQL. Naive datetimes are refused: their instant is ambiguous.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        """Convert an aware datetime to UTC before it is stored."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        """Return stored timestamps as aware UTC datetimes (SQLite yields naive UTC)."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _one_of(column: str, enum: type[StrEnum] | tuple[str, ...], name: str | None = None) -> sa.CheckConstraint:
    """A CHECK constraint that keeps ``column`` within the values of ``enum``."""
    values = [e.value for e in enum] if isinstance(enum, type) else list(enum)
    allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name or column)


class Base(DeclarativeBase):
    """Declarative base bound to :data:`metadata`."""

    metadata = metadata
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONType, dt.datetime: UTCDateTime()}


class SystemRow(Base):
    """An AI system under audit, by name; keeps the latest version and provider seen."""

    __tablename__ = "systems"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    version: Mapped[str] = mapped_column(sa.String(100))
    provider: Mapped[str | None] = mapped_column(sa.String(200))


class ModelRow(Base):
    """A model artefact, identified by the SHA-256 fingerprint of its weights."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(128), unique=True)
    ref: Mapped[dict[str, Any]]


class DatasetRow(Base):
    """An audit data set, identified by the SHA-256 fingerprint of its content."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(128), unique=True)
    ref: Mapped[dict[str, Any]]


class PolicyRow(Base):
    """A policy text as approved, identified by the SHA-256 of that text."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[str] = mapped_column(sa.String(100))
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)
    effective_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    approved_by: Mapped[str | None] = mapped_column(sa.String(200))


class RunRow(Base):
    """One audit run: what was audited, against which policy, and how it ended."""

    __tablename__ = "runs"
    __table_args__ = (
        _one_of("state", RunState),
        _one_of("gate", GateDecision),
        sa.Index("ix_runs_system_id_started_at", "system_id", "started_at"),
        sa.Index("ix_runs_started_at", "started_at"),
    )

    run_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("systems.id"))
    model_id: Mapped[int] = mapped_column(sa.ForeignKey("models.id"))
    dataset_id: Mapped[int] = mapped_column(sa.ForeignKey("datasets.id"))
    policy_row_id: Mapped[int] = mapped_column(sa.ForeignKey("policies.id"))
    system_version: Mapped[str] = mapped_column(sa.String(100))
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    device: Mapped[str] = mapped_column(sa.String(100))
    environment: Mapped[dict[str, Any]]
    trigger: Mapped[str] = mapped_column(sa.String(100))
    state: Mapped[str] = mapped_column(sa.String(16))
    gate: Mapped[str | None] = mapped_column(sa.String(16))
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: Version-control commit the audited code came from (CI: GITHUB_SHA, CI_COMMIT_SHA, GIT_COMMIT, --commit).
    commit: Mapped[str | None] = mapped_column(sa.String(100))
    #: Last sign of life of the process running it; a RUNNING run with an old heartbeat was interrupted.
    heartbeat_at: Mapped[dt.datetime | None]
    #: When the run was last resumed after an interruption (None: never resumed).
    resumed_at: Mapped[dt.datetime | None]
    #: The data profile computed when the run began (:meth:`auditkit.data.profile.DataProfile.to_json`);
    #: None for runs stored before profiles (revision 0005).
    data_profile: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    #: The run digest (:func:`auditkit.store.digest.run_digest`) written when the run finished;
    #: None while it runs and for runs finished before revision 0006.
    digest: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    system: Mapped[SystemRow] = relationship(lazy="joined", innerjoin=True)
    model: Mapped[ModelRow] = relationship(lazy="joined", innerjoin=True)
    dataset: Mapped[DatasetRow] = relationship(lazy="joined", innerjoin=True)
    policy: Mapped[PolicyRow] = relationship(lazy="joined", innerjoin=True)


class OutcomeRow(Base):
    """The stored :class:`~auditkit.results.CheckOutcome` of one check in one run."""

    __tablename__ = "check_outcomes"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "check_id"),
        _one_of("status", Status),
        _one_of("severity", Severity),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("runs.run_id"))
    check_id: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer)
    fingerprint: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[str] = mapped_column(sa.String(16))
    severity: Mapped[str] = mapped_column(sa.String(16))
    summary: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any]]
    params: Mapped[dict[str, Any]]
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    started_at: Mapped[dt.datetime | None]
    duration_s: Mapped[float] = mapped_column(sa.Float)
    error: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(sa.Integer)
    #: The typed evidence as JSON (:meth:`auditkit.evidence.Evidence.to_json`); None for outcomes stored before it.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    #: SHA-256 of the outcome's canonical JSON (:func:`auditkit.store.digest.outcome_digest`), written in the
    #: same INSERT; None for outcomes stored before revision 0006.
    digest: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    measurements: Mapped[list[MeasurementRow]] = relationship(order_by="MeasurementRow.position", lazy="selectin")


class MeasurementRow(Base):
    """One stored :class:`~auditkit.results.Measurement` of a check outcome."""

    __tablename__ = "measurements"
    __table_args__ = (
        sa.UniqueConstraint("outcome_id", "position"),
        _one_of("status", Status),
        _one_of("comparator", ("<=", ">=")),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("check_outcomes.id"))
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    group: Mapped[str | None] = mapped_column(sa.String(200))
    value: Mapped[float | None] = mapped_column(sa.Float)
    ci_low: Mapped[float | None] = mapped_column(sa.Float)
    ci_high: Mapped[float | None] = mapped_column(sa.Float)
    threshold: Mapped[float | None] = mapped_column(sa.Float)
    comparator: Mapped[str | None] = mapped_column(sa.String(2))
    status: Mapped[str | None] = mapped_column(sa.String(16))
    p_value: Mapped[float | None] = mapped_column(sa.Float)
    n: Mapped[int | None] = mapped_column(sa.BigInteger)
    confidence: Mapped[float | None] = mapped_column(sa.Float)
    role: Mapped[str | None] = mapped_column(sa.String(16))
    unit: Mapped[str | None] = mapped_column(sa.String(32))


class ReportRow(Base):
    """A rendered report version; ``(system_id, version)`` is unique in the database."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.UniqueConstraint("system_id", "version"),
        sa.Index("ix_reports_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("runs.run_id"))
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("systems.id"))
    version: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[dt.datetime]
    html_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    html: Mapped[bytes] = mapped_column(sa.LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: ``record_sha256`` of the last sign-off this version was rendered with (64 zeros: none yet);
    #: None for versions stored before revision 0006.
    signoff_head: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    #: :func:`auditkit.store.digest.report_digest` of this version; None before revision 0006.
    digest: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    system: Mapped[SystemRow] = relationship(lazy="joined", innerjoin=True)


class SignoffRow(Base):
    """An appended, hash-chained sign-off of a report.

    ``UNIQUE(run_id, prev_sha256)`` keeps each run's chain linear: two sign-offs
    can never claim the same predecessor.
    """

    __tablename__ = "signoffs"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "prev_sha256"),
        sa.Index("ix_signoffs_report_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("runs.run_id"))
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    function: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200))
    decision: Mapped[str] = mapped_column(sa.String(50))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    signed_at: Mapped[dt.datetime]
    report_sha256: Mapped[str] = mapped_column(sa.String(64))
    prev_sha256: Mapped[str] = mapped_column(sa.String(64))
    record_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)


class RunLockRow(Base):
    """The lock that keeps two runs of the same system and policy from running at once.

    One row per held lock; the primary key ``(system_name, policy_id)`` makes
    taking it an INSERT that at most one writer wins, on SQLite and PostgreSQL
    alike. The holder renews ``expires_at`` while it runs (a heartbeat); a lock
    whose holder was killed is taken over once it has expired, or at once when
    its holder's process is provably gone (``token``: the holder's random
    per-process token, see :func:`auditkit.store.locks.token_gone`; NULL in
    rows written before revision 0003, which then only expire).
    """

    __tablename__ = "run_locks"

    system_name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    policy_id: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(64))
    token: Mapped[str | None] = mapped_column(sa.String(64))
    host: Mapped[str] = mapped_column(sa.String(255))
    pid: Mapped[int] = mapped_column(sa.Integer)
    run_id: Mapped[str | None] = mapped_column(sa.String(64))
    acquired_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
