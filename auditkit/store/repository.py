"""The results store: audit runs, check outcomes, reports and sign-offs in SQL.

:class:`Store` is the only way auditkit reads or writes the database. It takes
and returns the frozen records of :mod:`auditkit.results`; ORM rows never leave
:mod:`auditkit.store`. It works the same on SQLite (the embedded default) and
PostgreSQL (the multi-user store).

The store follows the project's record-keeping rules:

* every outcome is committed as soon as it is saved, so a crashed run keeps
  what it had computed (and stays in state RUNNING);
* a finished run is never modified again;
* report versions count up per system, kept unique by a database constraint
  even when several processes render at once;
* sign-offs are appended and hash-chained per run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from auditkit.errors import StoreError
from auditkit.results import (
    CheckOutcome,
    GateDecision,
    Measurement,
    ReportRecord,
    RunRecord,
    RunState,
    RunSummary,
    Severity,
    Status,
)
from auditkit.store import migrate
from auditkit.store.tables import (
    DatasetRow,
    MeasurementRow,
    ModelRow,
    OutcomeRow,
    PolicyRow,
    ReportRow,
    RunRow,
    SignoffRow,
    SystemRow,
)

#: Environment variable that names the database when no URL is given.
URL_ENV_VAR = "AUDITKIT_DB_URL"
#: Database used when neither a URL nor the environment variable is given (relative to the cwd).
DEFAULT_URL = "sqlite:///auditkit.db"
#: ``prev_sha256`` of the first sign-off of a run.
GENESIS_SHA256 = "0" * 64

_MIN_PREFIX = 6
_MAX_ATTEMPTS = 10
_SQLITE_BUSY_TIMEOUT_MS = 30_000
_RUN_ID = re.compile(r"[A-Za-z0-9_-]{6,64}")
_MEASUREMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Measurement))


# --------------------------------------------------------------------------- URLs and engines


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$AUDITKIT_DB_URL``, else ``sqlite:///auditkit.db``.

    ``postgresql://`` and ``postgres://`` URLs are rewritten to use the psycopg 3
    driver (``postgresql+psycopg://``), which is the one auditkit installs.
    """
    chosen = url or os.environ.get(URL_ENV_VAR) or DEFAULT_URL
    for plain in ("postgresql://", "postgres://"):
        if chosen.startswith(plain):
            return "postgresql+psycopg://" + chosen[len(plain) :]
    return chosen


def _mask(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _cause(error: BaseException, url: str) -> str:
    """A one-line reason for ``error``, without the URL's password."""
    inner = getattr(error, "orig", None) or error
    text = " ".join(str(inner).split()) or type(inner).__name__
    try:
        password = make_url(url).password
    except exc.ArgumentError:
        password = None
    return text.replace(str(password), "***") if password else text


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings: WAL, a busy timeout, foreign keys on.

    ``isolation_level = None`` stops the sqlite3 module from issuing its own
    BEGIN, so SQLAlchemy's (see :func:`_on_sqlite_begin`) is the only one and
    savepoints work.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: sa.Connection) -> None:
    """Start every SQLite transaction as a writer (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another process wrote in between; an immediate
    one waits (up to the busy timeout) and then sees the latest data.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _create_engine(url: str) -> Engine:
    """An engine for ``url``, with the SQLite settings the store relies on."""
    try:
        parsed = make_url(url)
        options: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql":
            options["connect_args"] = {"connect_timeout": 10}
        engine = sa.create_engine(parsed, **options)
    except (exc.ArgumentError, ImportError) as error:
        raise StoreError(
            f"cannot use the database URL {_mask(url)}: {_cause(error, url)}. Give a URL such as "
            "sqlite:///auditkit.db or postgresql://user:password@host/dbname (PostgreSQL needs "
            'pip install "auditkit[postgres]")'
        ) from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def open_store(url: str | None = None, *, upgrade: bool = True, check: bool = True) -> Store:
    """Open the results database at ``url`` (see :func:`resolve_url`) and return a :class:`Store`.

    With ``upgrade=True`` pending migrations are applied first. With
    ``upgrade=False`` a database that is not at the newest schema revision is
    refused with a :class:`~auditkit.errors.StoreError` that says to run
    ``auditkit db upgrade``; ``check=False`` skips that test (and then nothing
    touches the database until the first call), which is what
    ``auditkit db upgrade`` itself needs. An unreachable database or a
    malformed URL is a StoreError naming the URL (password masked) and the cause.
    """
    resolved = resolve_url(url)
    store = Store(_create_engine(resolved))
    try:
        if upgrade:
            store.upgrade()
        elif check:
            store.require_head()
    except BaseException:
        store.close()
        raise
    return store


# --------------------------------------------------------------------------- input checks


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    """``value`` as an aware UTC datetime; naive datetimes are refused (their instant is unknown)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise StoreError(
            f"{what} must be a timezone-aware datetime, got {value!r}; "
            "use datetime.now(timezone.utc) or attach a tzinfo"
        )
    return value.astimezone(dt.UTC)


def _plain_json(value: Any, what: str) -> Any:
    """``value`` if it is strict JSON (no NaN/inf, no numpy or custom objects), else StoreError."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise StoreError(
            f"{what} is not plain JSON ({error}); convert numpy values with float()/int()/.tolist() "
            "and replace NaN or infinity with None"
        ) from error
    return value


def _fields(given: Mapping[str, Any], what: str, required: Sequence[str]) -> Mapping[str, Any]:
    """``given`` if it has every key in ``required`` (non-None), else StoreError listing the missing ones."""
    missing = [key for key in required if given.get(key) in (None, "")]
    if missing:
        raise StoreError(
            f"{what} is missing {', '.join(missing)}; it needs the keys {', '.join(required)} "
            f"(got {', '.join(sorted(given)) or 'none'})"
        )
    return given


def _as_date(value: Any, what: str) -> dt.date | None:
    """``value`` as a date (a date, an ISO date string or None)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise StoreError(f"{what} must be a date (YYYY-MM-DD), got {value!r}") from error


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: The fields a sign-off's ``record_sha256`` covers.
_SIGNOFF_HASHED = (
    "run_id",
    "report_id",
    "report_sha256",
    "name",
    "function",
    "role",
    "decision",
    "comment",
    "signed_at",
    "prev_sha256",
)


def signoff_sha256(record: Mapping[str, Any]) -> str:
    """The ``record_sha256`` of a sign-off: SHA-256 of its canonical JSON.

    Covers ``run_id, report_id, report_sha256, name, function, role, decision,
    comment, signed_at`` (ISO 8601 in UTC) and ``prev_sha256``, serialised with
    sorted keys, no spaces, UTF-8. Anyone holding the sign-off list can
    recompute it, and changing or removing one sign-off breaks every later link.
    """
    signed_at = record["signed_at"]
    body = {key: record[key] for key in _SIGNOFF_HASHED if key != "signed_at"}
    body["signed_at"] = signed_at.astimezone(dt.UTC).isoformat() if isinstance(signed_at, dt.datetime) else signed_at
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _sha256(canonical.encode("utf-8"))


# --------------------------------------------------------------------------- rows <-> records


def _measurement_row(position: int, measurement: Measurement) -> MeasurementRow:
    return MeasurementRow(position=position, **measurement.to_dict())


def _measurement_record(row: MeasurementRow) -> Measurement:
    return Measurement.from_dict({name: getattr(row, name) for name in _MEASUREMENT_FIELDS})


def _outcome_record(row: OutcomeRow) -> CheckOutcome:
    return CheckOutcome(
        check_id=row.check_id,
        kind=row.kind,
        version=row.version,
        fingerprint=row.fingerprint,
        status=Status(row.status),
        severity=Severity(row.severity),
        summary=row.summary,
        measurements=tuple(_measurement_record(m) for m in row.measurements),
        details=row.details,
        params=row.params,
        seed=row.seed,
        started_at=row.started_at,
        duration_s=row.duration_s,
        error=row.error,
    )


def _run_record(row: RunRow, outcomes: Sequence[OutcomeRow] = ()) -> RunRecord:
    return RunRecord(
        run_id=row.run_id,
        system_name=row.system.name,
        system_version=row.system_version,
        policy_id=row.policy.policy_id,
        policy_version=row.policy.version,
        policy_sha256=row.policy.sha256,
        policy_text=row.policy.text,
        policy_effective_from=row.policy.effective_from,
        model_fingerprint=row.model.fingerprint,
        model_ref=row.model.ref,
        dataset_fingerprint=row.dataset.fingerprint,
        dataset_ref=row.dataset.ref,
        seed=row.seed,
        device=row.device,
        environment=row.environment,
        trigger=row.trigger,
        state=RunState(row.state),
        started_at=row.started_at,
        finished_at=row.finished_at,
        gate=GateDecision(row.gate) if row.gate else None,
        error=row.error,
        outcomes=tuple(_outcome_record(o) for o in outcomes),
    )


def _run_summary(row: RunRow, n_outcomes: int) -> RunSummary:
    return RunSummary(
        run_id=row.run_id,
        system_name=row.system.name,
        system_version=row.system_version,
        policy_id=row.policy.policy_id,
        policy_version=row.policy.version,
        state=RunState(row.state),
        gate=GateDecision(row.gate) if row.gate else None,
        started_at=row.started_at,
        finished_at=row.finished_at,
        n_outcomes=n_outcomes,
        trigger=row.trigger,
    )


def _report_record(row: ReportRow, system_name: str) -> ReportRecord:
    return ReportRecord(
        report_id=row.report_id,
        run_id=row.run_id,
        system_name=system_name,
        version=row.version,
        created_at=row.created_at,
        html_sha256=row.html_sha256,
        pdf_sha256=row.pdf_sha256,
        html=row.html,
        pdf=row.pdf,
    )


def _signoff_dict(row: SignoffRow, report_id: str) -> dict[str, Any]:
    record = {key: getattr(row, key) for key in _SIGNOFF_HASHED if key != "report_id"}
    return {**record, "report_id": report_id, "record_sha256": row.record_sha256}


def _get_or_create(session: Session, cls: type[Any], values: Mapping[str, Any], **key: Any) -> Any:
    """The ``cls`` row with natural key ``key``, inserted with ``values`` if absent.

    Race-safe: the insert runs in a savepoint; if another writer inserted the
    same key first, the unique constraint fires and the row is selected again.
    """
    query = sa.select(cls).filter_by(**key)
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = cls(**key, **values)
            session.add(row)
    except exc.IntegrityError:
        row = session.scalars(query).one()
    return row


# --------------------------------------------------------------------------- the store


class Store:
    """Read and write audit results in one SQL database (SQLite or PostgreSQL).

    Build it with :func:`open_store`. Every method runs in its own transaction
    and commits before it returns. Run ids may be given as a unique prefix of at
    least six characters wherever a method takes one. Use it as a context
    manager, or call :meth:`close`, to release its connections.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        """The database URL with its password masked (for messages and logs)."""
        return self._engine.url.render_as_string(hide_password=True)

    # ----------------------------------------------------------------- plumbing

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn connection and data errors of the database into a StoreError naming it."""
        try:
            yield
        except exc.DataError as error:
            raise StoreError(f"the database {self.display_url} refused a value ({self._cause(error)})") from error
        except (exc.OperationalError, exc.InterfaceError) as error:
            raise StoreError(
                f"cannot use the results database {self.display_url} ({self._cause(error)}); check that it is "
                "reachable and that the URL (--db or AUDITKIT_DB_URL) is right"
            ) from error

    def _cause(self, error: BaseException) -> str:
        return _cause(error, self._engine.url.render_as_string(hide_password=False))

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._errors(), self._sessions() as session:
            yield session

    def _find_run(self, session: Session, run_id: str, *, lock: bool = False) -> RunRow:
        """The run with id ``run_id`` or with that unique prefix (≥ 6 characters)."""
        key = str(run_id).strip()
        query = sa.select(RunRow)
        if lock:
            query = query.with_for_update(of=RunRow)
        row = session.scalars(query.where(RunRow.run_id == key)).unique().one_or_none()
        if row is not None:
            return row
        if len(key) < _MIN_PREFIX:
            raise StoreError(
                f"no run {key!r} in {self.display_url}; give the full run id or a prefix of at least "
                f"{_MIN_PREFIX} characters (list runs with `auditkit runs`)"
            )
        matches = session.scalars(
            sa.select(RunRow.run_id)
            .where(RunRow.run_id.startswith(key, autoescape=True))
            .order_by(RunRow.run_id)
            .limit(6)
        ).all()
        if not matches:
            raise StoreError(f"no run {key!r} in {self.display_url}; list the stored runs with `auditkit runs`")
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise StoreError(f"run id prefix {key!r} is ambiguous: it matches {shown}; give more characters")
        return self._find_run(session, matches[0], lock=lock)

    @staticmethod
    def _require_running(run: RunRow, action: str) -> None:
        if run.state != RunState.RUNNING:
            raise StoreError(
                f"cannot {action}: run {run.run_id} is already {run.state} "
                f"(finished at {run.finished_at}); a finished run is never modified, start a new run"
            )

    @staticmethod
    def _system_id(name: str) -> sa.ScalarSelect[int]:
        return sa.select(SystemRow.id).where(SystemRow.name == name).scalar_subquery()

    # ----------------------------------------------------------------- schema

    def upgrade(self) -> str:
        """Apply every pending migration (``alembic upgrade head``); return the head revision."""
        with self._errors(), self._engine.begin() as connection:
            return migrate.upgrade_to_head(connection, where=self.display_url)

    def current_revision(self) -> str | None:
        """The schema revision the database is at (None: no auditkit tables yet)."""
        with self._errors(), self._engine.connect() as connection:
            return migrate.current_revision(connection)

    def require_head(self) -> None:
        """Raise StoreError unless the database is at the newest schema revision."""
        current, head = self.current_revision(), migrate.head_revision()
        if current is not None and not migrate.is_known(current):
            raise StoreError(
                f"the database {self.display_url} is at schema revision {current}, which this auditkit does not "
                "know: it was written by a newer auditkit; upgrade auditkit (pip install -U auditkit)"
            )
        if current != head:
            state = "has no auditkit tables" if current is None else f"is at schema revision {current}"
            raise StoreError(
                f"the database {self.display_url} {state}, this auditkit needs revision {head}; "
                "run `auditkit db upgrade` (with the same --db or AUDITKIT_DB_URL) first"
            )

    # ----------------------------------------------------------------- runs

    def begin_run(
        self,
        *,
        policy: Mapping[str, Any],
        system: Mapping[str, Any],
        model: Mapping[str, Any],
        dataset: Mapping[str, Any],
        seed: int,
        device: str,
        environment: Mapping[str, Any],
        started_at: dt.datetime,
        trigger: str = "manual",
        run_id: str | None = None,
    ) -> str:
        """Record the start of a run (state RUNNING) with its provenance; return its run id.

        ``policy`` has keys id, version, sha256, text, effective_from, approved_by;
        ``system`` name, version, provider; ``model`` and ``dataset`` fingerprint
        and ref (a JSON object). Systems, models, datasets and policies are stored
        once by natural key (name, fingerprint, sha256) and shared between runs;
        a model's or data set's ref is the one recorded when it was first seen.
        """
        run_id = run_id or uuid.uuid4().hex
        if not _RUN_ID.fullmatch(run_id):
            raise StoreError(f"run id {run_id!r} must be 6-64 letters, digits, '-' or '_'")
        _fields(policy, "policy", ("id", "version", "sha256", "text"))
        _fields(system, "system", ("name", "version"))
        _fields(model, "model", ("fingerprint", "ref"))
        _fields(dataset, "dataset", ("fingerprint", "ref"))
        run = RunRow(
            run_id=run_id,
            system_version=str(system["version"]),
            seed=int(seed),
            device=device,
            environment=_plain_json(dict(environment), "environment"),
            trigger=trigger,
            state=RunState.RUNNING.value,
            started_at=_utc(started_at, "started_at"),
        )
        with self._session() as session:
            run.system = self._upsert_system(session, system)
            run.model = _get_or_create(
                session, ModelRow, {"ref": _plain_json(model["ref"], "model ref")}, fingerprint=model["fingerprint"]
            )
            run.dataset = _get_or_create(
                session,
                DatasetRow,
                {"ref": _plain_json(dataset["ref"], "dataset ref")},
                fingerprint=dataset["fingerprint"],
            )
            run.policy = _get_or_create(session, PolicyRow, self._policy_values(policy), sha256=policy["sha256"])
            session.add(run)
            try:
                session.commit()
            except exc.IntegrityError as error:
                raise StoreError(
                    f"a run with id {run_id!r} already exists; leave run_id out to get a fresh one"
                ) from error
        return run_id

    @staticmethod
    def _upsert_system(session: Session, system: Mapping[str, Any]) -> SystemRow:
        """The system row for ``system['name']``, its version and provider set to the latest seen."""
        values = {"version": str(system["version"]), "provider": system.get("provider")}
        row: SystemRow = _get_or_create(session, SystemRow, values, name=system["name"])
        row.version, row.provider = values["version"], values["provider"]
        return row

    @staticmethod
    def _policy_values(policy: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "policy_id": str(policy["id"]),
            "version": str(policy["version"]),
            "text": policy["text"],
            "effective_from": _as_date(policy.get("effective_from"), "policy effective_from"),
            "approved_by": policy.get("approved_by"),
        }

    def save_outcome(self, run_id: str, outcome: CheckOutcome) -> None:
        """Store one check outcome with its measurements in one transaction and commit it.

        Refused when the run is no longer RUNNING or already has an outcome for
        ``outcome.check_id``. ``details`` and ``params`` must be plain JSON; JSON
        arrays come back as lists.
        """
        what = f"check {outcome.check_id!r}"
        row = OutcomeRow(
            check_id=outcome.check_id,
            kind=outcome.kind,
            version=outcome.version,
            fingerprint=outcome.fingerprint,
            status=Status(outcome.status).value,
            severity=Severity(outcome.severity).value,
            summary=outcome.summary,
            details=_plain_json(dict(outcome.details), f"details of {what}"),
            params=_plain_json(dict(outcome.params), f"params of {what}"),
            seed=outcome.seed,
            started_at=None if outcome.started_at is None else _utc(outcome.started_at, f"started_at of {what}"),
            duration_s=float(outcome.duration_s),
            error=outcome.error,
            measurements=[_measurement_row(i, m) for i, m in enumerate(outcome.measurements)],
        )
        with self._session() as session:
            run = self._find_run(session, run_id, lock=True)
            self._require_running(run, f"store {what}")
            stored = sa.select(sa.func.count()).where(OutcomeRow.run_id == run.run_id)
            taken = session.scalar(stored.where(OutcomeRow.check_id == outcome.check_id))
            if taken:
                raise self._duplicate(run.run_id, outcome.check_id)
            row.run_id, row.position = run.run_id, session.scalar(stored)
            session.add(row)
            try:
                session.commit()
            except exc.IntegrityError as error:
                raise self._duplicate(run.run_id, outcome.check_id) from error

    @staticmethod
    def _duplicate(run_id: str, check_id: str) -> StoreError:
        return StoreError(
            f"run {run_id} already has an outcome for check {check_id!r}; each check id is stored "
            "once per run (check ids must be unique within a policy)"
        )

    def finish_run(
        self,
        run_id: str,
        *,
        state: RunState,
        gate: GateDecision | None,
        finished_at: dt.datetime,
        error: str | None = None,
    ) -> None:
        """Mark a RUNNING run COMPLETE or FAILED with its gate decision; it is never modified again."""
        final = RunState(state)
        if final == RunState.RUNNING:
            raise StoreError("finish_run needs a final state (complete or failed), got running")
        gate_value = None if gate is None else GateDecision(gate).value
        finished = _utc(finished_at, "finished_at")
        with self._session() as session:
            run = self._find_run(session, run_id, lock=True)
            self._require_running(run, "finish it")
            run.state, run.gate, run.finished_at, run.error = final.value, gate_value, finished, error
            session.commit()

    def get_run(self, run_id: str) -> RunRecord:
        """The run ``run_id`` (or unique prefix) with its outcomes in the order they were saved."""
        with self._session() as session:
            return self._load_record(session, self._find_run(session, run_id))

    @staticmethod
    def _load_record(session: Session, run: RunRow) -> RunRecord:
        outcomes = session.scalars(
            sa.select(OutcomeRow).where(OutcomeRow.run_id == run.run_id).order_by(OutcomeRow.position)
        ).all()
        return _run_record(run, outcomes)

    def list_runs(self, *, system: str | None = None, limit: int = 50) -> list[RunSummary]:
        """The ``limit`` most recently started runs (of ``system`` if given), newest first."""
        if limit < 1:
            raise StoreError(f"limit must be at least 1, got {limit}")
        n_outcomes = (
            sa.select(sa.func.count(OutcomeRow.id))
            .where(OutcomeRow.run_id == RunRow.run_id)
            .correlate(RunRow)
            .scalar_subquery()
        )
        query = sa.select(RunRow, n_outcomes).order_by(RunRow.started_at.desc(), RunRow.run_id.desc())
        if system is not None:
            query = query.where(RunRow.system_id == self._system_id(system))
        with self._session() as session:
            rows = session.execute(query.limit(limit)).unique().all()
            return [_run_summary(run, count) for run, count in rows]

    def latest_for(self, system: str, *, before: str | None = None) -> RunRecord | None:
        """The latest COMPLETE run of ``system`` (started before run ``before``, if given), or None."""
        query = sa.select(RunRow).where(
            RunRow.system_id == self._system_id(system), RunRow.state == RunState.COMPLETE.value
        )
        with self._session() as session:
            if before is not None:
                query = query.where(RunRow.started_at < self._find_run(session, before).started_at)
            order = (RunRow.started_at.desc(), RunRow.run_id.desc())
            run = session.scalars(query.order_by(*order).limit(1)).unique().one_or_none()
            return None if run is None else self._load_record(session, run)

    # ----------------------------------------------------------------- reports

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
        """
        created = _utc(created_at, "created_at")
        for _ in range(_MAX_ATTEMPTS):
            with self._session() as session:
                run = self._find_run(session, run_id)
                if run.state == RunState.RUNNING:
                    raise StoreError(
                        f"run {run.run_id} is still running (or crashed before it finished); "
                        "only a finished run gets a report"
                    )
                top = sa.select(sa.func.max(ReportRow.version)).where(ReportRow.system_id == run.system_id)
                version = (session.scalar(top) or 0) + 1
                key, system_id, system_name = run.run_id, run.system_id, run.system.name
            report_id = f"{system_name}-v{version}"
            html, pdf = render(version, report_id)
            row = ReportRow(
                report_id=report_id,
                run_id=key,
                system_id=system_id,
                version=version,
                created_at=created,
                html_sha256=_sha256(html),
                pdf_sha256=None if pdf is None else _sha256(pdf),
                html=html,
                pdf=pdf,
            )
            with self._session() as session:
                session.add(row)
                try:
                    session.commit()
                except exc.IntegrityError:
                    continue
                return _report_record(row, system_name)
        raise StoreError(
            f"could not store a report of run {run_id}: {_MAX_ATTEMPTS} times another writer took the "
            "next version number first; try again"
        )

    def get_report(self, run_id: str, *, version: int | None = None) -> ReportRecord | None:
        """The report of run ``run_id`` with ``version`` (default: its latest), or None."""
        with self._session() as session:
            run = self._find_run(session, run_id)
            query = sa.select(ReportRow).where(ReportRow.run_id == run.run_id)
            if version is not None:
                query = query.where(ReportRow.version == version)
            row = session.scalars(query.order_by(ReportRow.version.desc()).limit(1)).unique().one_or_none()
            return None if row is None else _report_record(row, row.system.name)

    def list_reports(self, system: str) -> list[ReportRecord]:
        """Every stored report of ``system``, oldest version first."""
        query = sa.select(ReportRow).where(ReportRow.system_id == self._system_id(system))
        with self._session() as session:
            rows = session.scalars(query.order_by(ReportRow.version)).unique().all()
            return [_report_record(row, system) for row in rows]

    # ----------------------------------------------------------------- sign-offs

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
        _fields(
            {"name": name, "function": function, "role": role, "decision": decision},
            "sign-off",
            ("name", "function", "role", "decision"),
        )
        signed = _utc(signed_at, "signed_at")
        for _ in range(_MAX_ATTEMPTS):
            with self._session() as session:
                run = self._find_run(session, run_id)
                report = self._signed_report(session, run.run_id, report_sha256)
                last = sa.select(SignoffRow.record_sha256).where(SignoffRow.run_id == run.run_id)
                prev = session.scalar(last.order_by(SignoffRow.id.desc()).limit(1)) or GENESIS_SHA256
                record = {
                    "run_id": run.run_id,
                    "report_id": report.report_id,
                    "report_sha256": report_sha256,
                    "name": name,
                    "function": function,
                    "role": role,
                    "decision": decision,
                    "comment": comment,
                    "signed_at": signed,
                    "prev_sha256": prev,
                }
                record["record_sha256"] = signoff_sha256(record)
                fields = {k: v for k, v in record.items() if k != "report_id"}
                session.add(SignoffRow(report_id=report.id, **fields))
                try:
                    session.commit()
                except exc.IntegrityError:
                    continue
                return record
        raise StoreError(f"could not append a sign-off to run {run_id}: too many concurrent sign-offs; try again")

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
        with self._session() as session:
            run = self._find_run(session, run_id)
            rows = session.execute(
                sa.select(SignoffRow, ReportRow.report_id)
                .join(ReportRow, SignoffRow.report_id == ReportRow.id)
                .where(SignoffRow.run_id == run.run_id)
                .order_by(SignoffRow.id)
            ).all()
            return [_signoff_dict(row, report_id) for row, report_id in rows]

    # ----------------------------------------------------------------- lifetime

    def close(self) -> None:
        """Release every pooled connection of this store."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
