"""Conversions between ORM rows and the frozen records of :mod:`auditkit.results`.

ORM rows never leave :mod:`auditkit.store`: every read turns them into
records here, and every write builds its rows here from records and plain
mappings. Values are checked before they reach the database (aware datetimes,
strict JSON, required keys, ISO dates), so a bad value fails with a
:class:`~auditkit.errors.StoreError` that says how to fix it instead of a
driver error, and SQLite and PostgreSQL store the same thing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from auditkit.errors import StoreError
from auditkit.evidence import Evidence
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
from auditkit.store.tables import MeasurementRow, OutcomeRow, ReportRow, RunRow

_MEASUREMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Measurement))
_OUTCOME_HASHED = ("run_id", "check_id", "kind", "version", "fingerprint", "status", "severity", "summary",
                   "details", "params", "seed", "started_at", "duration_s", "error", "position", "evidence")
_MEASUREMENT_HASHED = ("position", *_MEASUREMENT_FIELDS)
_RUN_HASHED = ("run_id", "system_version", "seed", "device", "environment", "trigger", "state", "gate",
               "started_at", "finished_at", "error", "commit", "resumed_at", "data_profile")


# --------------------------------------------------------------------------- input checks


def utc(value: dt.datetime, what: str) -> dt.datetime:
    """``value`` as an aware UTC datetime; naive datetimes are refused (their instant is unknown)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise StoreError(
            f"{what} must be a timezone-aware datetime, got {value!r}; "
            "use datetime.now(timezone.utc) or attach a tzinfo"
        )
    return value.astimezone(dt.UTC)


def plain_json(value: Any, what: str) -> Any:
    """``value`` if it is strict JSON (no NaN/inf, no numpy or custom objects), else StoreError."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise StoreError(
            f"{what} is not plain JSON ({error}); convert numpy values with float()/int()/.tolist() "
            "and replace NaN or infinity with None"
        ) from error
    return value


def require_fields(given: Mapping[str, Any], what: str, required: Sequence[str]) -> Mapping[str, Any]:
    """``given`` if it has every key in ``required`` (non-None), else StoreError listing the missing ones."""
    missing = [key for key in required if given.get(key) in (None, "")]
    if missing:
        raise StoreError(
            f"{what} is missing {', '.join(missing)}; it needs the keys {', '.join(required)} "
            f"(got {', '.join(sorted(given)) or 'none'})"
        )
    return given


def as_date(value: Any, what: str) -> dt.date | None:
    """``value`` as a date (a date, an ISO date string or None)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise StoreError(f"{what} must be a date (YYYY-MM-DD), got {value!r}") from error


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- records -> rows


def policy_values(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a policy row (besides its ``sha256`` key) from a policy mapping."""
    return {
        "policy_id": str(policy["id"]),
        "version": str(policy["version"]),
        "text": policy["text"],
        "effective_from": as_date(policy.get("effective_from"), "policy effective_from"),
        "approved_by": policy.get("approved_by"),
    }


def outcome_row(outcome: CheckOutcome) -> OutcomeRow:
    """A new outcome row with its measurements (``run_id`` and ``position`` left for the caller).

    ``details`` and ``params`` must be plain JSON and ``started_at`` aware.
    """
    what = f"check {outcome.check_id!r}"
    return OutcomeRow(
        check_id=outcome.check_id,
        kind=outcome.kind,
        version=outcome.version,
        fingerprint=outcome.fingerprint,
        status=Status(outcome.status).value,
        severity=Severity(outcome.severity).value,
        summary=outcome.summary,
        details=plain_json(dict(outcome.details), f"details of {what}"),
        params=plain_json(dict(outcome.params), f"params of {what}"),
        seed=outcome.seed,
        started_at=None if outcome.started_at is None else utc(outcome.started_at, f"started_at of {what}"),
        duration_s=float(outcome.duration_s),
        error=outcome.error,
        evidence=None if outcome.evidence is None else outcome.evidence.to_json(),
        measurements=[
            MeasurementRow(position=position, **measurement.to_dict())
            for position, measurement in enumerate(outcome.measurements)
        ],
    )


# --------------------------------------------------------------------------- rows -> digested fields


def outcome_fields(row: OutcomeRow) -> dict[str, Any]:
    """What :func:`~auditkit.store.digest.outcome_digest` covers: the outcome's columns and its measurements.

    Works on a new row before it is inserted (``run_id`` and ``position`` set) and on a row read back.
    """
    fields = {name: getattr(row, name) for name in _OUTCOME_HASHED}
    measurements = sorted(row.measurements, key=lambda m: m.position)
    fields["measurements"] = [{name: getattr(m, name) for name in _MEASUREMENT_HASHED} for m in measurements]
    return fields


def run_fields(row: RunRow) -> dict[str, Any]:
    """The provenance :func:`~auditkit.store.digest.run_digest` covers (not the heartbeat, which only beats).

    The system's name (its stored version and provider follow the latest run, so the run's own
    ``system_version`` is what counts), the policy's identity, its stored sha256 *and* the SHA-256 of
    the stored text (an edited text no longer matches), and the model's and data set's fingerprints and refs.
    """
    fields = {name: getattr(row, name) for name in _RUN_HASHED}
    policy = row.policy
    fields["system"] = row.system.name
    fields["policy"] = {"id": policy.policy_id, "version": policy.version, "sha256": policy.sha256,
                        "text_sha256": sha256_hex(policy.text.encode("utf-8")),
                        "effective_from": policy.effective_from, "approved_by": policy.approved_by}
    fields["model"] = {"fingerprint": row.model.fingerprint, "ref": row.model.ref}
    fields["dataset"] = {"fingerprint": row.dataset.fingerprint, "ref": row.dataset.ref}
    return fields


def report_fields(row: ReportRow, run_digest: str | None) -> dict[str, Any]:
    """What :func:`~auditkit.store.digest.report_digest` covers: identity, content hashes, anchors."""
    return {"report_id": row.report_id, "run_id": row.run_id, "version": row.version, "created_at": row.created_at,
            "html_sha256": row.html_sha256, "pdf_sha256": row.pdf_sha256, "signoff_head": row.signoff_head,
            "run_digest": run_digest}


# --------------------------------------------------------------------------- rows -> records


def _measurement_record(row: MeasurementRow) -> Measurement:
    return Measurement.from_dict({name: getattr(row, name) for name in _MEASUREMENT_FIELDS})


def outcome_record(row: OutcomeRow) -> CheckOutcome:
    """The :class:`CheckOutcome` of an outcome row, measurements in their stored order."""
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
        evidence=None if row.evidence is None else Evidence.from_json(row.evidence),
    )


def run_record(row: RunRow, outcomes: Sequence[OutcomeRow] = ()) -> RunRecord:
    """The :class:`RunRecord` of a run row with its provenance and the given outcome rows."""
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
        outcomes=tuple(outcome_record(o) for o in outcomes),
        commit=row.commit,
        heartbeat_at=row.heartbeat_at,
        resumed_at=row.resumed_at,
        data_profile=row.data_profile,
        digest=row.digest,
    )


def run_summary(row: RunRow, n_outcomes: int) -> RunSummary:
    """The :class:`RunSummary` of a run row that has ``n_outcomes`` stored outcomes."""
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
        commit=row.commit,
        heartbeat_at=row.heartbeat_at,
    )


def report_record(row: ReportRow, system_name: str) -> ReportRecord:
    """The :class:`ReportRecord` of a report row of system ``system_name``."""
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
