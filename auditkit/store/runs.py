"""The run repository: start a run, save its outcomes as they come, finish it, read runs back.

Record-keeping rules kept here: every outcome is committed as soon as it is
saved, so a crashed run keeps what it had computed (and stays in state
RUNNING); a finished run is never modified again; systems, models, data sets
and policies are stored once by natural key and shared between runs.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.orm import Session

from auditkit.errors import StoreError
from auditkit.results import CheckOutcome, GateDecision, RunRecord, RunState, RunSummary
from auditkit.store.base import Database
from auditkit.store.convert import (
    outcome_fields,
    outcome_row,
    plain_json,
    policy_values,
    require_fields,
    run_fields,
    run_record,
    run_summary,
    utc,
)
from auditkit.store.digest import outcome_digest, run_digest
from auditkit.store.tables import DatasetRow, ModelRow, OutcomeRow, PolicyRow, RunRow, SystemRow

_RUN_ID = re.compile(r"[A-Za-z0-9_-]{6,64}")


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


class RunRepository:
    """Write and read audit runs and their check outcomes (one part of :class:`~auditkit.store.Store`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
        commit: str | None = None,
        data_profile: Mapping[str, Any] | None = None,
    ) -> str:
        """Record the start of a run (state RUNNING) with its provenance; return its run id.

        ``policy`` has keys id, version, sha256, text, effective_from, approved_by;
        ``system`` name, version, provider; ``model`` and ``dataset`` fingerprint
        and ref (a JSON object). Systems, models, datasets and policies are stored
        once by natural key (name, fingerprint, sha256) and shared between runs;
        a model's or data set's ref is the one recorded when it was first seen.
        ``commit`` is the version-control commit a CI run audited (or None).
        ``data_profile`` is the run's data profile as plain JSON (or None: not profiled).
        The run's heartbeat starts at ``started_at``.
        """
        run_id = run_id or uuid.uuid4().hex
        if not _RUN_ID.fullmatch(run_id):
            raise StoreError(f"run id {run_id!r} must be 6-64 letters, digits, '-' or '_'")
        require_fields(policy, "policy", ("id", "version", "sha256", "text"))
        require_fields(system, "system", ("name", "version"))
        require_fields(model, "model", ("fingerprint", "ref"))
        require_fields(dataset, "dataset", ("fingerprint", "ref"))
        run = RunRow(
            run_id=run_id,
            system_version=str(system["version"]),
            seed=int(seed),
            device=device,
            environment=plain_json(dict(environment), "environment"),
            trigger=trigger,
            state=RunState.RUNNING.value,
            started_at=utc(started_at, "started_at"),
            heartbeat_at=utc(started_at, "started_at"),
            commit=(commit or "").strip()[:100] or None,
            data_profile=None if data_profile is None else plain_json(dict(data_profile), "data profile"),
        )
        with self._db.session() as session:
            run.system = self._upsert_system(session, system)
            run.model = _get_or_create(
                session, ModelRow, {"ref": plain_json(model["ref"], "model ref")}, fingerprint=model["fingerprint"]
            )
            run.dataset = _get_or_create(
                session,
                DatasetRow,
                {"ref": plain_json(dataset["ref"], "dataset ref")},
                fingerprint=dataset["fingerprint"],
            )
            run.policy = _get_or_create(session, PolicyRow, policy_values(policy), sha256=policy["sha256"])
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

    def save_outcome(self, run_id: str, outcome: CheckOutcome) -> None:
        """Store one check outcome with its measurements in one transaction and commit it.

        Refused when the run is no longer RUNNING or already has an outcome for
        ``outcome.check_id``. ``details`` and ``params`` must be plain JSON; JSON
        arrays come back as lists. The outcome's content digest
        (:func:`~auditkit.store.digest.outcome_digest`) is part of the same INSERT, so a
        writing role needs no UPDATE right on outcomes.
        """
        row = outcome_row(outcome)
        with self._db.session() as session:
            run = self._db.find_run(session, run_id, lock=True)
            self._db.require_running(run, f"store check {outcome.check_id!r}")
            stored = sa.select(sa.func.count()).where(OutcomeRow.run_id == run.run_id)
            taken = session.scalar(stored.where(OutcomeRow.check_id == outcome.check_id))
            if taken:
                raise self._duplicate(run.run_id, outcome.check_id)
            row.run_id, row.position = run.run_id, session.scalar(stored)
            row.digest = outcome_digest(outcome_fields(row))
            run.heartbeat_at = dt.datetime.now(dt.UTC)
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
        """Mark a RUNNING run COMPLETE or FAILED with its gate decision; it is never modified again.

        In the same transaction the run digest (:func:`~auditkit.store.digest.run_digest`) is written:
        a hash over the run's final provenance fields and its outcomes' digests in stored order, each
        recomputed from the rows as they are now.
        """
        final = RunState(state)
        if final == RunState.RUNNING:
            raise StoreError("finish_run needs a final state (complete or failed), got running")
        gate_value = None if gate is None else GateDecision(gate).value
        finished = utc(finished_at, "finished_at")
        with self._db.session() as session:
            run = self._db.find_run(session, run_id, lock=True)
            self._db.require_running(run, "finish it")
            run.state, run.gate, run.finished_at, run.error = final.value, gate_value, finished, error
            with session.no_autoflush:  # one UPDATE of the run, digest included (see the least-privilege trigger)
                outcomes = session.scalars(
                    sa.select(OutcomeRow).where(OutcomeRow.run_id == run.run_id).order_by(OutcomeRow.position)
                ).all()
            run.digest = run_digest(run_fields(run), [(o.check_id, outcome_digest(outcome_fields(o)))
                                                      for o in outcomes])
            session.commit()

    def touch_run(self, run_id: str, *, at: dt.datetime | None = None) -> bool:
        """Renew the heartbeat of a RUNNING run (a sign that its process is alive); False if it is finished.

        Called by the run lock's heartbeat thread while a run is executing, so
        a run whose process was killed is recognised by its stale heartbeat
        (see :func:`auditkit.results.run_condition`). A run marked interrupted
        (heartbeat cleared by :meth:`mark_interrupted`) is not renewed.
        """
        when = utc(at or dt.datetime.now(dt.UTC), "heartbeat time")
        with self._db.session() as session:
            result = session.execute(
                sa.update(RunRow)
                # a cleared heartbeat marks a Ctrl-C (mark_interrupted): a late beat must not revive the run
                .where(RunRow.run_id == run_id, RunRow.state == RunState.RUNNING.value,
                       RunRow.heartbeat_at.is_not(None))
                .values(heartbeat_at=when)
            )
            session.commit()
            return bool(result.rowcount)

    def mark_resumed(self, run_id: str, *, at: dt.datetime) -> None:
        """Record that the RUNNING run ``run_id`` is being resumed now (sets ``resumed_at`` and the heartbeat)."""
        when = utc(at, "resumed_at")
        with self._db.session() as session:
            run = self._db.find_run(session, run_id, lock=True)
            self._db.require_running(run, "resume it")
            run.resumed_at = run.heartbeat_at = when
            run.error = None
            session.commit()

    def mark_interrupted(self, run_id: str, *, at: dt.datetime, reason: str) -> None:
        """Record that the RUNNING run ``run_id`` was interrupted (Ctrl-C): it stays RUNNING, so it can be resumed.

        The heartbeat is cleared, so the run shows as ``interrupted`` at once (not after the stale-heartbeat
        delay), and ``reason`` is kept as its error until it is resumed. A finished run is left unchanged.
        """
        utc(at, "interrupted_at")
        with self._db.session() as session:
            session.execute(
                sa.update(RunRow)
                .where(RunRow.run_id == run_id, RunRow.state == RunState.RUNNING.value)
                .values(heartbeat_at=None, error=reason)
            )
            session.commit()

    def get_run(self, run_id: str) -> RunRecord:
        """The run ``run_id`` (or unique prefix) with its outcomes in the order they were saved."""
        with self._db.session() as session:
            return self._load_record(session, self._db.find_run(session, run_id))

    @staticmethod
    def _load_record(session: Session, run: RunRow) -> RunRecord:
        outcomes = session.scalars(
            sa.select(OutcomeRow).where(OutcomeRow.run_id == run.run_id).order_by(OutcomeRow.position)
        ).all()
        return run_record(run, outcomes)

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
            query = query.where(RunRow.system_id == self._db.system_id(system))
        with self._db.session() as session:
            rows = session.execute(query.limit(limit)).unique().all()
            return [run_summary(run, count) for run, count in rows]

    def latest_for(self, system: str, *, before: str | None = None) -> RunRecord | None:
        """The latest COMPLETE run of ``system`` (started before run ``before``, if given), or None."""
        query = sa.select(RunRow).where(
            RunRow.system_id == self._db.system_id(system), RunRow.state == RunState.COMPLETE.value
        )
        with self._db.session() as session:
            if before is not None:
                query = query.where(RunRow.started_at < self._db.find_run(session, before).started_at)
            order = (RunRow.started_at.desc(), RunRow.run_id.desc())
            run = session.scalars(query.order_by(*order).limit(1)).unique().one_or_none()
            return None if run is None else self._load_record(session, run)
