"""Executors run a :class:`~auditkit.plan.Plan`'s tasks and hand back one outcome per task as it finishes.

The runner owns the run's life cycle (begin, commit per check, gate, finish);
an executor owns *where* tasks run. :class:`LocalExecutor` runs them one by one
in this process against one :class:`~auditkit.checks.CheckContext`, whose cache
is the run's artefact cache (the shared prediction pass, activations,
attributions): it is the first release's loop behind the seam. An executor
that runs tasks elsewhere gets everything a task needs from the task itself
(JSON parameters, seed, fingerprint) and the artefact cache interface, and
returns the same :class:`~auditkit.results.CheckOutcome` records.

:func:`run_task` is what any executor calls to run one task: it turns whatever
happens inside a check (a result, a user-facing error, a crash, model code
calling ``sys.exit``) into a typed outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from auditkit.adapters import SupportsLayers
from auditkit.checks import CheckContext, registry
from auditkit.errors import AuditkitError
from auditkit.evidence import Evidence, Msg
from auditkit.plan import CheckTask, Plan
from auditkit.results import CheckOutcome, Measurement, Severity, Status, plain_json


class Executor(Protocol):
    """Runs a plan's tasks; calls ``started(task)`` before and ``finished(task, outcome)`` after each one.

    ``finished`` is where the runner commits the outcome, so a crash of the
    executor keeps every outcome it already reported. ``KeyboardInterrupt``
    propagates (the run stays resumable).
    """

    def execute(self, plan: Plan, *, started: Callable[[CheckTask], None],
                finished: Callable[[CheckTask, CheckOutcome], None]) -> None:
        """Run every task of ``plan``, reporting each one's start and outcome."""
        ...


class LocalExecutor:
    """Runs every task in this process, in plan order, against one shared check context."""

    def __init__(self, ctx: CheckContext, *, strict: bool = False,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.ctx, self.strict, self.clock = ctx, strict, clock

    def execute(self, plan: Plan, *, started: Callable[[CheckTask], None],
                finished: Callable[[CheckTask, CheckOutcome], None]) -> None:
        """Ask the shared pass for every task's layers first (one pass serves all), then run the tasks."""
        request_captures(self.ctx, plan.tasks)
        for task in plan.tasks:
            started(task)
            finished(task, run_task(task, self.ctx, strict=self.strict, clock=self.clock))


def request_captures(ctx: CheckContext, tasks: tuple[CheckTask, ...] | list[CheckTask]) -> None:
    """Tell the shared pass which layers' activations the tasks read (``None``: every layer the adapter has)."""
    for task in tasks:
        wanted: list[str] | None = None if task.layers is None else list(task.layers)
        if wanted is None and isinstance(ctx.adapter, SupportsLayers):
            wanted = list(ctx.adapter.named_layers())
        if wanted:
            ctx.request_layers(wanted, max_rows=task.capture_rows)


def run_task(task: CheckTask, ctx: CheckContext, *, strict: bool, clock: Callable[[], dt.datetime]) -> CheckOutcome:
    """Run one task and turn whatever happens into a typed outcome (``strict`` re-raises check errors)."""
    cls = registry.get(task.kind)
    params = task.params_model()
    started, t0 = clock(), time.perf_counter()
    base = {
        "check_id": task.check_id, "kind": task.kind, "version": task.version, "fingerprint": task.fingerprint,
        "severity": Severity(task.severity), "params": task.params, "seed": task.seed, "started_at": started,
    }
    missing = [p.__name__ for p in cls.requires if not isinstance(ctx.adapter, p)]
    if missing:
        reason = (f"{task.kind} requires {', '.join(missing)}, which the {type(ctx.adapter).__name__} "
                  "does not provide")
        return CheckOutcome(**base, status=Status.SKIPPED, summary=f"Not run: {reason}.", error=reason,
                            evidence=Evidence(summary=(Msg("outcome.requires", kind=task.kind, abilities=missing,
                                                           adapter=type(ctx.adapter).__name__),)))
    try:
        result = cls().run(ctx, params, seed=task.seed)
    except AuditkitError as exc:
        if strict:
            raise
        return CheckOutcome(**base, status=Status.ERROR, summary=f"Could not be computed: {exc}",
                            duration_s=time.perf_counter() - t0, error=str(exc),
                            evidence=Evidence(summary=(Msg("outcome.error", reason=str(exc)),)))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        if strict and isinstance(exc, Exception):
            raise
        reason = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, Exception):
            note = "auditkit failed inside this check; please report it with the traceback below."
        else:
            reason = f"{type(exc).__name__}({exc}) raised while this check ran (model code ending the process?)"
            note = ("code called by this check (usually the model) raised a process-ending exception; it was "
                    "stopped here so the run can finish and the gate cannot pass on it. Remove sys.exit() "
                    "and similar calls from the model code.")
        return CheckOutcome(**base, status=Status.ERROR, summary=f"Could not be computed: {reason}",
                            duration_s=time.perf_counter() - t0, error=reason,
                            details={"notes": [note], "traceback": traceback.format_exc(limit=8)},
                            evidence=Evidence(summary=(Msg("outcome.error", reason=reason),),
                                              notes=(Msg("outcome.error_note" if isinstance(exc, Exception)
                                                         else "outcome.exit_note"),)))
    unrun = result.status in (Status.SKIPPED, Status.ERROR)
    return CheckOutcome(**base, status=result.status, summary=result.summary, measurements=result.measurements,
                        details=plain_json(result.details), duration_s=time.perf_counter() - t0,
                        error=result.summary if unrun else None, evidence=result.evidence)


def outcome_to_json(outcome: CheckOutcome) -> str:
    """A task's result as JSON text (what a remote executor sends back); see :func:`outcome_from_json`."""
    doc: dict[str, Any] = {
        "check_id": outcome.check_id, "kind": outcome.kind, "version": outcome.version,
        "fingerprint": outcome.fingerprint, "status": outcome.status.value, "severity": outcome.severity.value,
        "summary": outcome.summary, "measurements": [m.to_dict() for m in outcome.measurements],
        "details": plain_json(outcome.details), "params": plain_json(outcome.params), "seed": outcome.seed,
        "started_at": None if outcome.started_at is None else outcome.started_at.isoformat(),
        "duration_s": outcome.duration_s, "error": outcome.error,
        "evidence": None if outcome.evidence is None else outcome.evidence.to_json(),
    }
    return json.dumps(doc, sort_keys=True, allow_nan=False)


def outcome_from_json(text: str) -> CheckOutcome:
    """The outcome :func:`outcome_to_json` wrote (equal to the original)."""
    doc = json.loads(text)
    return CheckOutcome(
        **{**doc, "status": Status(doc["status"]), "severity": Severity(doc["severity"]),
           "measurements": tuple(Measurement.from_dict(m) for m in doc["measurements"]),
           "started_at": None if doc["started_at"] is None else dt.datetime.fromisoformat(doc["started_at"]),
           "evidence": None if doc.get("evidence") is None else Evidence.from_json(doc["evidence"])})
