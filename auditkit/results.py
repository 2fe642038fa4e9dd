"""Typed, frozen result records shared by the runner, the store and the report.

These records are the only shape results take between modules: checks build
:class:`CheckOutcome` objects, the store persists and reloads them, the report
renders them. They hold plain Python values only (no numpy, no ORM objects),
so a record survives a round trip through the database unchanged.

Standard library only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditkit.evidence import Evidence


class Status(StrEnum):
    """Verdict of one check (or one measurement).

    An unrun check never looks like a pass: a check that could not be computed
    is ERROR, one that does not apply is SKIPPED, each with the reason.
    """

    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"


class Severity(StrEnum):
    """How much a failed check matters to the gate. Only blockers stop a release."""

    BLOCKER = "blocker"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


class RunState(StrEnum):
    """Life cycle of a stored run."""

    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"


#: A RUNNING run whose heartbeat is older than this (seconds) is shown as interrupted: the process
#: running it renews the heartbeat every few seconds (see :mod:`auditkit.store.locks`), so it died.
STALE_AFTER_S = 60.0


def run_condition(state: RunState, heartbeat_at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """``interrupted`` for a RUNNING run without a recent heartbeat, else the state's value.

    A run whose process was killed stays RUNNING in the database (nothing is
    left to mark it); its stale heartbeat is how it is recognised. Runs
    written before heartbeats existed (schema 0001) have none and count as
    interrupted while RUNNING.
    """
    if state != RunState.RUNNING:
        return RunState(state).value
    now = now or dt.datetime.now(dt.UTC)
    if heartbeat_at is None or (now - heartbeat_at).total_seconds() > STALE_AFTER_S:
        return "interrupted"
    return RunState.RUNNING.value


class GateDecision(StrEnum):
    """Outcome of the release gate over all checks of a run."""

    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"


def _clean(x: float | None) -> float | None:
    """Turn NaN into None and numpy scalars into floats (records hold plain values)."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class Measurement:
    """One number a check measured, with its interval and (if any) its threshold.

    ``comparator`` says how ``value`` must relate to ``threshold`` to pass:
    ``"<="`` (an upper limit, e.g. a parity difference) or ``">="`` (a lower
    limit, e.g. a four-fifths ratio). The verdict of a thresholded measurement
    is decided on the interval ``[ci_low, ci_high]``, never on ``value`` alone.
    ``p_value`` is the raw (uncorrected) p-value of its confirmatory test, if
    it has one; family-wide correction is applied when the report is built.
    """

    name: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    threshold: float | None = None
    comparator: str | None = None
    status: Status | None = None
    p_value: float | None = None
    group: str | None = None
    n: int | None = None
    confidence: float | None = None
    #: ``decisive`` when the verdict's rule read it, ``diagnostic`` otherwise (None: stored before roles).
    role: str | None = None
    #: What kind of quantity it is (:class:`auditkit.evidence.Unit` value), so the report formats it by kind.
    unit: str | None = None

    def __post_init__(self) -> None:
        for name in ("value", "ci_low", "ci_high", "threshold", "p_value", "confidence"):
            object.__setattr__(self, name, _clean(getattr(self, name)))
        if self.comparator not in (None, "<=", ">="):
            raise ValueError(f"comparator must be '<=' or '>=', got {self.comparator!r}")
        if self.threshold is not None and self.comparator is None:
            raise ValueError(f"measurement {self.name!r} has a threshold but no comparator")
        if self.n is not None:
            object.__setattr__(self, "n", int(self.n))

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (used by the store and the results attachment)."""
        return {
            "name": self.name,
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "threshold": self.threshold,
            "comparator": self.comparator,
            "status": self.status.value if self.status else None,
            "p_value": self.p_value,
            "group": self.group,
            "n": self.n,
            "confidence": self.confidence,
            "role": self.role,
            "unit": self.unit,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Measurement:
        """Inverse of :meth:`to_dict`."""
        kw = dict(d)
        kw["status"] = Status(kw["status"]) if kw.get("status") else None
        kw.setdefault("role", None)
        kw.setdefault("unit", None)
        return cls(**kw)


@dataclass(frozen=True)
class CheckOutcome:
    """Everything one check produced, as stored and reported.

    ``evidence`` is what the check stated, as typed data the report renders in
    any language (:mod:`auditkit.evidence`); ``summary`` is its English text, kept
    for terminals, JUnit and JSON. ``details`` is machine-readable data
    (results.json); the report renders it only for outcomes stored before typed
    evidence existed (``evidence`` None). ``error`` holds the reason for ERROR and
    SKIPPED outcomes.
    """

    check_id: str
    kind: str
    version: int
    fingerprint: str
    status: Status
    severity: Severity
    summary: str
    measurements: tuple[Measurement, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    started_at: dt.datetime | None = None
    duration_s: float = 0.0
    error: str | None = None
    evidence: Evidence | None = None

    def measurement(self, name: str, group: str | None = None) -> Measurement:
        """The measurement called ``name`` (for ``group``); KeyError if absent."""
        for m in self.measurements:
            if m.name == name and m.group == group:
                return m
        raise KeyError(f"{self.check_id} has no measurement {name!r} for group {group!r}")


@dataclass(frozen=True)
class RunRecord:
    """A stored audit run with its provenance and outcomes, as read from the store."""

    run_id: str
    system_name: str
    system_version: str
    policy_id: str
    policy_version: str
    policy_sha256: str
    policy_text: str
    policy_effective_from: dt.date | None
    model_fingerprint: str
    model_ref: Mapping[str, Any]
    dataset_fingerprint: str
    dataset_ref: Mapping[str, Any]
    seed: int
    device: str
    environment: Mapping[str, Any]
    trigger: str
    state: RunState
    started_at: dt.datetime
    finished_at: dt.datetime | None
    gate: GateDecision | None
    error: str | None = None
    outcomes: tuple[CheckOutcome, ...] = ()
    commit: str | None = None
    heartbeat_at: dt.datetime | None = None
    resumed_at: dt.datetime | None = None
    #: The data profile as stored (JSON of :class:`auditkit.data.profile.DataProfile`); None for runs stored
    #: before data profiles were recorded.
    data_profile: Mapping[str, Any] | None = None
    #: The run digest written when the run finished (:mod:`auditkit.store.digest`); None while it runs and
    #: for runs finished before digests were recorded.
    digest: str | None = None

    def condition(self, now: dt.datetime | None = None) -> str:
        """The state to show: ``interrupted`` for a RUNNING run whose process stopped beating, else the state."""
        return run_condition(self.state, self.heartbeat_at, now)

    def outcome(self, check_id: str) -> CheckOutcome:
        """The outcome of check ``check_id``; KeyError if it did not run."""
        for o in self.outcomes:
            if o.check_id == check_id:
                return o
        raise KeyError(f"run {self.run_id} has no outcome for check {check_id!r}")


@dataclass(frozen=True)
class RunSummary:
    """One line of a run listing (``auditkit runs``)."""

    run_id: str
    system_name: str
    system_version: str
    policy_id: str
    policy_version: str
    state: RunState
    gate: GateDecision | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    n_outcomes: int
    trigger: str
    commit: str | None = None
    heartbeat_at: dt.datetime | None = None

    def condition(self, now: dt.datetime | None = None) -> str:
        """The state to show: ``interrupted`` for a RUNNING run whose process stopped beating, else the state."""
        return run_condition(self.state, self.heartbeat_at, now)


@dataclass(frozen=True)
class ReportRecord:
    """A stored, rendered report version. Versions count up per system (v1, v2, ...)."""

    report_id: str
    run_id: str
    system_name: str
    version: int
    created_at: dt.datetime
    html_sha256: str
    pdf_sha256: str | None
    html: bytes = field(repr=False)
    pdf: bytes | None = field(default=None, repr=False)


def gate_decision(outcomes: tuple[CheckOutcome, ...] | list[CheckOutcome], *, inconclusive_fails: bool = True
                  ) -> GateDecision:
    """The release decision over a run's outcomes; only blocker checks can stop a release.

    A blocker that FAILED fails the gate. A blocker that could not be judged
    (ERROR) makes it ERROR. A blocker that is INCONCLUSIVE, or was SKIPPED,
    was not shown to pass: with ``inconclusive_fails`` (the default) that is
    INCONCLUSIVE, which blocks like a failure; otherwise it is let through.
    """
    blockers = [o for o in outcomes if o.severity is Severity.BLOCKER]
    statuses = {o.status for o in blockers}
    if Status.FAIL in statuses:
        return GateDecision.FAIL
    if Status.ERROR in statuses:
        return GateDecision.ERROR
    if inconclusive_fails and statuses & {Status.INCONCLUSIVE, Status.SKIPPED}:
        return GateDecision.INCONCLUSIVE
    return GateDecision.PASS


def plain_json(value: Any) -> Any:
    """A JSON-compatible copy of check details: numpy scalars/arrays to Python, NaN/inf to None, tuples to lists.

    Checks build their ``details`` from numpy results; the runner passes them
    through this once, so the stored record is plain JSON on every backend.
    """
    if isinstance(value, Mapping):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return plain_json(value.tolist())
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "value") and isinstance(value.value, str):  # enums such as Status
        return value.value
    return str(value)
