"""Compare two stored runs: artefacts, check statuses, measurements and regressions (pure).

One comparison serves three readers, so it is computed once, here:

* ``auditkit diff A B`` prints it as a table or JSON;
* ``auditkit run --compare-to`` and ``auditkit gate --compare-to`` take the
  regressions from it (and fail the gate on them under
  ``gate: {fail_on_regression: true}``);
* report section 9 (:mod:`auditkit.report.history`) formats it as tables.

Nothing is stored: the comparison is recomputed from the two stored runs.

**Regression** (of run ``after`` against the baseline ``before``), per check id
present in both runs:

1. *status regression*: the check was PASS and is now FAIL, INCONCLUSIVE, ERROR
   or SKIPPED, or it was INCONCLUSIVE and is now FAIL;
2. *interval regression*: a thresholded measurement (same name and group in
   both runs) whose interval moved past its threshold: it lay wholly on the
   passing side before and now touches or crosses it, or it straddled the
   threshold before and now lies wholly on the failing side. Each run's
   interval is judged against that run's own threshold and comparator (a
   tightened threshold counts; the reason then names both thresholds). A
   measurement without an interval is judged on its value.

New and removed checks, and improvements, are reported but are not regressions.
Standard library and :mod:`auditkit.results` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from auditkit.results import CheckOutcome, Measurement, RunRecord, Severity, Status


class Side(StrEnum):
    """Where a thresholded measurement's interval lies relative to its threshold."""

    INSIDE = "inside"  # wholly on the passing side (the threshold itself counts as passing)
    STRADDLES = "straddles"  # the interval contains the threshold
    OUTSIDE = "outside"  # wholly on the failing side


class Change(StrEnum):
    """How one check id differs between the two runs."""

    UNCHANGED = "unchanged"
    STATUS_CHANGED = "status changed"
    NEW = "new check"
    REMOVED = "removed check"


_SIDE_RANK = {Side.INSIDE: 0, Side.STRADDLES: 1, Side.OUTSIDE: 2}


def side(m: Measurement) -> Side | None:
    """Where ``m``'s interval (or, without one, its value) lies against its threshold; None if unjudgeable."""
    if m.threshold is None or m.comparator is None:
        return None
    lo, hi = (m.ci_low, m.ci_high) if m.ci_low is not None and m.ci_high is not None else (m.value, m.value)
    if lo is None or hi is None:
        return None
    t = m.threshold
    if m.comparator == "<=":
        return Side.INSIDE if hi <= t else Side.OUTSIDE if lo > t else Side.STRADDLES
    return Side.INSIDE if lo >= t else Side.OUTSIDE if hi < t else Side.STRADDLES


def intervals_overlap(a: Measurement, b: Measurement) -> bool | None:
    """Whether the intervals of ``a`` and ``b`` share a point; None when either has no interval."""
    if None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return None
    return bool(a.ci_low <= b.ci_high and b.ci_low <= a.ci_high)  # type: ignore[operator]


def _status_regressed(before: Status, after: Status) -> bool:
    return (before is Status.PASS and after is not Status.PASS) or (
        before is Status.INCONCLUSIVE and after is Status.FAIL)


@dataclass(frozen=True)
class Artefact:
    """One compared provenance item (model, data, policy, ...) and whether it changed."""

    key: str
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        """Whether the item differs between the runs."""
        return self.before != self.after


@dataclass(frozen=True)
class MeasurementDelta:
    """One thresholded measurement (name, group) in either run, with the change between them."""

    name: str
    group: str | None
    before: Measurement | None
    after: Measurement | None
    delta: float | None  # after.value - before.value
    overlap: bool | None  # whether the two intervals share a point
    regression: str | None  # why this is a regression (see the module docstring), else None

    @property
    def shared(self) -> bool:
        """Whether both runs have this measurement."""
        return self.before is not None and self.after is not None


@dataclass(frozen=True)
class CheckDelta:
    """One check id in either run: its status before and after, its measurements, its regressions."""

    check_id: str
    kind: str
    severity: Severity
    before: Status | None  # None: the check did not run in the baseline
    after: Status | None  # None: the check did not run in the later run
    change: Change
    measurements: tuple[MeasurementDelta, ...]
    regressions: tuple[str, ...]  # one sentence per reason; empty when the check did not regress

    @property
    def regressed(self) -> bool:
        """Whether the check regressed (status or interval, see the module docstring)."""
        return bool(self.regressions)


@dataclass(frozen=True)
class RunDiff:
    """Everything that differs between a baseline run ``before`` and a later run ``after``."""

    before_run_id: str
    after_run_id: str
    before_started: str  # ISO 8601, UTC
    after_started: str
    artefacts: tuple[Artefact, ...]
    checks: tuple[CheckDelta, ...]

    @property
    def new_checks(self) -> tuple[str, ...]:
        """Check ids only the later run has."""
        return tuple(c.check_id for c in self.checks if c.change is Change.NEW)

    @property
    def removed_checks(self) -> tuple[str, ...]:
        """Check ids only the baseline has."""
        return tuple(c.check_id for c in self.checks if c.change is Change.REMOVED)

    @property
    def status_changes(self) -> tuple[CheckDelta, ...]:
        """Checks in both runs whose status differs."""
        return tuple(c for c in self.checks if c.change is Change.STATUS_CHANGED)

    @property
    def regressions(self) -> tuple[CheckDelta, ...]:
        """Checks that regressed, in the later run's order."""
        return tuple(c for c in self.checks if c.regressed)

    def artefact(self, key: str) -> Artefact:
        """The compared item ``key`` (system, system_version, policy, policy_sha256, model, dataset, gate)."""
        return next(a for a in self.artefacts if a.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (``auditkit diff --json``)."""
        def meas(d: MeasurementDelta) -> dict[str, Any]:
            return {"name": d.name, "group": d.group,
                    "before": d.before.to_dict() if d.before else None,
                    "after": d.after.to_dict() if d.after else None,
                    "delta": d.delta, "intervals_overlap": d.overlap, "regression": d.regression}

        return {
            "before": {"run_id": self.before_run_id, "started_at": self.before_started},
            "after": {"run_id": self.after_run_id, "started_at": self.after_started},
            "artefacts": [{"item": a.key, "before": a.before, "after": a.after, "changed": a.changed}
                          for a in self.artefacts],
            "new_checks": list(self.new_checks),
            "removed_checks": list(self.removed_checks),
            "checks": [{"id": c.check_id, "kind": c.kind, "severity": c.severity.value,
                        "before": c.before.value if c.before else None,
                        "after": c.after.value if c.after else None, "change": c.change.value,
                        "regressions": list(c.regressions), "measurements": [meas(m) for m in c.measurements]}
                       for c in self.checks],
            "regressions": [{"id": c.check_id, "severity": c.severity.value, "reasons": list(c.regressions)}
                            for c in self.regressions],
        }


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.4g}"


def _interval(m: Measurement) -> str:
    if m.ci_low is None or m.ci_high is None:
        return f"{_fmt(m.value)} (no interval)"
    return f"{_fmt(m.value)} [{_fmt(m.ci_low)}, {_fmt(m.ci_high)}]"


def _measurement_regression(b: Measurement, a: Measurement) -> str | None:
    sb, sa = side(b), side(a)
    if sb is None or sa is None or _SIDE_RANK[sa] <= _SIDE_RANK[sb]:
        return None
    where = {Side.STRADDLES: "now straddles", Side.OUTSIDE: "is now wholly beyond"}[sa]
    name = a.name + (f" ({a.group})" if a.group else "")
    thr = f"{a.comparator} {_fmt(a.threshold)}"
    if (b.threshold, b.comparator) != (a.threshold, a.comparator):
        thr += f" (was {b.comparator} {_fmt(b.threshold)})"
    return f"{name}: interval {_interval(b)} → {_interval(a)} {where} the threshold {thr}"


def _measurements(b: CheckOutcome | None, a: CheckOutcome | None) -> tuple[MeasurementDelta, ...]:
    old = {(m.name, m.group): m for m in (b.measurements if b else ()) if m.threshold is not None}
    new = {(m.name, m.group): m for m in (a.measurements if a else ()) if m.threshold is not None}
    out = []
    for key in list(new) + [k for k in old if k not in new]:
        p, m = old.get(key), new.get(key)
        delta = m.value - p.value if m and p and m.value is not None and p.value is not None else None
        out.append(MeasurementDelta(
            name=key[0], group=key[1], before=p, after=m, delta=delta,
            overlap=intervals_overlap(p, m) if p and m else None,
            regression=_measurement_regression(p, m) if p and m else None,
        ))
    return tuple(out)


def _check(b: CheckOutcome | None, a: CheckOutcome | None) -> CheckDelta:
    ref = a or b
    assert ref is not None
    if b is None:
        change = Change.NEW
    elif a is None:
        change = Change.REMOVED
    else:
        change = Change.UNCHANGED if a.status is b.status else Change.STATUS_CHANGED
    ms = _measurements(b, a)
    reasons: list[str] = []
    if a is not None and b is not None:
        if _status_regressed(b.status, a.status):
            reasons.append(f"status {b.status.value} → {a.status.value}")
        reasons += [m.regression for m in ms if m.regression]
    return CheckDelta(check_id=ref.check_id, kind=ref.kind, severity=ref.severity,
                      before=b.status if b else None, after=a.status if a else None, change=change,
                      measurements=ms, regressions=tuple(reasons))


def diff_runs(before: RunRecord, after: RunRecord) -> RunDiff:
    """The differences from the baseline run ``before`` to the later run ``after`` (pure).

    Checks are listed in the later run's order, then the removed ones in the
    baseline's order; measurements likewise.
    """
    def gate(r: RunRecord) -> str:
        return r.gate.value if r.gate else "—"

    artefacts = (
        Artefact("system", "System", before.system_name, after.system_name),
        Artefact("system_version", "System version", before.system_version, after.system_version),
        Artefact("policy", "Policy", f"{before.policy_id} v{before.policy_version}",
                 f"{after.policy_id} v{after.policy_version}"),
        Artefact("policy_sha256", "Policy SHA-256", before.policy_sha256, after.policy_sha256),
        Artefact("model", "Model fingerprint", before.model_fingerprint, after.model_fingerprint),
        Artefact("dataset", "Dataset fingerprint", before.dataset_fingerprint, after.dataset_fingerprint),
        Artefact("gate", "Gate decision", gate(before), gate(after)),
    )
    old = {o.check_id: o for o in before.outcomes}
    new = {o.check_id: o for o in after.outcomes}
    ids = list(new) + [c for c in old if c not in new]
    return RunDiff(
        before_run_id=before.run_id, after_run_id=after.run_id,
        before_started=before.started_at.isoformat(), after_started=after.started_at.isoformat(),
        artefacts=artefacts, checks=tuple(_check(old.get(c), new.get(c)) for c in ids),
    )


def gating_regressions(diff: RunDiff) -> tuple[CheckDelta, ...]:
    """The regressions that fail the gate under ``fail_on_regression``: those of checks not of severity info."""
    return tuple(c for c in diff.regressions if c.severity is not Severity.INFO)


__all__ = ["Artefact", "Change", "CheckDelta", "MeasurementDelta", "RunDiff", "Side", "diff_runs",
           "gating_regressions", "intervals_overlap", "side"]
