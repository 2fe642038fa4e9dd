"""The audit runner: plan the policy's checks, have an executor run them, store each outcome as it finishes.

Data flow (DESIGN.md): load data and model, begin the run in the store, build
the :class:`~auditkit.plan.Plan` (one serialisable task per check), hand it to
an :class:`~auditkit.executor.Executor` (the local one makes the one shared
prediction pass, cached in the :class:`CheckContext`, and runs each check),
commit each outcome at once (a crash keeps finished checks), decide the gate,
finish the run. A run whose process died stays RUNNING with its
finished checks; ``execute(..., resume=RUN_ID)`` runs only the missing ones
with the same seeds. The runner knows the store only through the
:class:`ResultSink` protocol and nothing of reports.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from auditkit.adapters import ModelAdapter, SupportsTextCategories, load_adapter, resolve_device
from auditkit.checks import CheckContext
from auditkit.data import AuditData, load_data
from auditkit.data.profiling import profile_audit_data
from auditkit.errors import AuditkitError, CheckConfigError, ModelError, ResumeError, RunInterrupted
from auditkit.executor import Executor, LocalExecutor
from auditkit.plan import CheckTask, build_plan, plan_task
from auditkit.policy import LoadedPolicy
from auditkit.policy.model_types import model_type
from auditkit.policy.schema import CheckSpec
from auditkit.provenance import capture_environment
from auditkit.results import (
    CheckOutcome,
    GateDecision,
    RunRecord,
    RunState,
    gate_decision,
)


class ResultSink(Protocol):
    """The part of the store the runner writes to (see :class:`auditkit.store.Store`)."""

    def begin_run(self, **kwargs: Any) -> str: ...  # noqa: D102
    def get_run(self, run_id: str) -> RunRecord: ...  # noqa: D102
    def mark_resumed(self, run_id: str, *, at: dt.datetime) -> None: ...  # noqa: D102
    def save_outcome(self, run_id: str, outcome: CheckOutcome) -> None: ...  # noqa: D102
    def finish_run(self, run_id: str, **kwargs: Any) -> None: ...  # noqa: D102


class Progress(Protocol):
    """Receives progress events (the CLI draws a progress bar from them)."""

    def begin(self, total: int) -> None: ...  # noqa: D102
    def check_started(self, spec: CheckSpec) -> None: ...  # noqa: D102
    def check_finished(self, outcome: CheckOutcome) -> None: ...  # noqa: D102
    def end(self) -> None: ...  # noqa: D102


@dataclass(frozen=True)
class RunResult:
    """What :func:`execute` returns: the stored run's id and its gate decision."""

    run_id: str
    gate: GateDecision
    outcomes: tuple[CheckOutcome, ...]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def execute(
    loaded: LoadedPolicy,
    *,
    store: ResultSink,
    device: str = "auto",
    trigger: str = "manual",
    progress: Progress | None = None,
    strict: bool = False,
    clock: Callable[[], dt.datetime] = _utcnow,
    resume: str | None = None,
    commit: str | None = None,
    on_begin: Callable[[str], None] | None = None,
    executor: Executor | None = None,
    precision: str | None = None,
) -> RunResult:
    """Run every check of ``loaded`` and store the results; return the run id and gate decision.

    With ``resume=RUN_ID`` no new run begins: the interrupted (still RUNNING)
    run is continued, running only the checks it has no stored outcome for,
    with the same per-check seeds (derived from the run seed and the check id,
    so the finished run equals an uninterrupted one). It is refused with a
    :class:`~auditkit.errors.ResumeError` when the run is finished or when the
    policy text, the model or the data fingerprint differs from the run's.
    ``commit`` is the version-control commit stored with a new run;
    ``on_begin`` is called with the run id once the run exists (the run lock
    uses it to renew that run's heartbeat). The checks still to run become a
    serialisable :class:`~auditkit.plan.Plan`, run by ``executor`` (default: a
    :class:`~auditkit.executor.LocalExecutor` in this process, against one
    check context whose cache serves every check).

    ``precision`` (auto, fp32, bf16, fp16) overrides a decoder model's ``model.precision``; the adapter's
    description, stored with the run, records the precision used.

    Input problems (data, model, device) raise :class:`AuditkitError` before
    anything is stored. Once the run has begun, an exception inside a check
    becomes an ERROR outcome (``strict=True`` re-raises it instead) and the
    remaining checks still run; so does a ``SystemExit`` or any other
    ``BaseException`` that model code raises inside a check (``sys.exit(0)`` in a
    model must never end the process with a passing exit code). Ctrl-C
    (``KeyboardInterrupt``) leaves the run RUNNING and marked interrupted, with the
    outcomes stored so far, and raises :class:`~auditkit.errors.RunInterrupted`:
    ``resume=RUN_ID`` finishes it. Any other exception outside a check marks the
    run FAILED.
    """
    policy = loaded.policy
    torch_device = resolve_device(device)
    data, adapter = load_inputs(loaded, torch_device, precision)
    done: tuple[CheckOutcome, ...] = ()
    if resume is not None:
        run_id, done = _resume(store, resume, loaded, adapter.fingerprint, data.fingerprint, clock)
    else:
        run_id = _begin(store, loaded, adapter, data, str(torch_device), trigger=trigger, commit=commit, clock=clock)
    if on_begin is not None:
        on_begin(run_id)
    finished = {o.check_id for o in done}
    pending = [spec for spec in policy.checks if spec.id not in finished]
    plan = build_plan(loaded, pending, model_fingerprint=adapter.fingerprint, data_fingerprint=data.fingerprint)
    specs = {spec.id: spec for spec in pending}
    ctx = CheckContext(adapter=adapter, data=data, policy=policy, base_dir=loaded.base_dir)
    runner = executor or LocalExecutor(ctx, strict=strict, clock=clock)
    outcomes: list[CheckOutcome] = list(done)

    def started(task: CheckTask) -> None:
        if progress:
            progress.check_started(specs[task.check_id])

    def finished_task(task: CheckTask, outcome: CheckOutcome) -> None:
        store.save_outcome(run_id, outcome)  # committed at once: a crash later keeps it
        outcomes.append(outcome)
        if progress:
            progress.check_finished(outcome)

    if progress:
        progress.begin(len(plan.tasks))
    try:
        runner.execute(plan, started=started, finished=finished_task)
    except KeyboardInterrupt:
        # Ctrl-C is an interruption like SIGTERM or SIGKILL, not a failure: the run stays RUNNING (shown as
        # interrupted at once) with its finished checks, so `--resume` can finish it with the same seeds
        _mark_interrupted(store, run_id, clock)
        raise RunInterrupted(run_id, len(outcomes)) from None
    except BaseException as exc:
        reason = f"{type(exc).__name__}: {exc}"
        store.finish_run(run_id, state=RunState.FAILED, gate=None, finished_at=clock(), error=reason)
        raise
    finally:
        if progress:
            progress.end()
    gate = gate_decision(outcomes, inconclusive_fails=policy.gate.inconclusive == "fail")
    store.finish_run(run_id, state=RunState.COMPLETE, gate=gate, finished_at=clock())
    return RunResult(run_id=run_id, gate=gate, outcomes=tuple(outcomes))


def load_inputs(loaded: LoadedPolicy, torch_device: Any, precision: str | None = None
                ) -> tuple[AuditData, ModelAdapter]:
    """The policy's audit data and model adapter on ``torch_device`` (what every process that runs checks loads);
    ``precision`` overrides the model's (``--precision``).

    Raises :class:`AuditkitError` for unusable inputs (data, model, text categories the model cannot take).
    """
    policy = loaded.policy
    task = model_type(policy.model.type).task
    data = load_data(policy.data, policy.protected_attributes, base_dir=loaded.base_dir, task=task)
    adapter = load_adapter(policy.model, base_dir=loaded.base_dir, device=torch_device,
                           feature_names=list(policy.data.features), allow_remote_code=policy.allow_remote_code,
                           precision=precision)
    if data.categories:
        if not isinstance(adapter, SupportsTextCategories):
            raise ModelError(
                f"data.categorical lists {', '.join(map(repr, data.categories))}, columns of text categories; only "
                f"a scikit-learn pipeline that encodes them itself takes text (model.type is {policy.model.type!r}): "
                "encode these columns as numbers, as the model was trained, and remove data.categorical")
        adapter.use_categories(data.categories)
    return data, adapter


def _mark_interrupted(store: ResultSink, run_id: str, clock: Callable[[], dt.datetime]) -> None:
    """Record a Ctrl-C on the run (still RUNNING, so resumable) if the store can; never hide the interrupt."""
    mark = getattr(store, "mark_interrupted", None)
    if mark is None:
        return
    # the database unreachable or a second Ctrl-C: the heartbeat goes stale and shows the interruption anyway
    with contextlib.suppress(AuditkitError, KeyboardInterrupt):
        mark(run_id, at=clock(), reason="interrupted (SIGINT, Ctrl-C); resumable with --resume")


def _begin(store: ResultSink, loaded: LoadedPolicy, adapter: Any, data: Any, device: str, *, trigger: str,
           commit: str | None, clock: Callable[[], dt.datetime]) -> str:
    """Record a new run with its provenance (policy text, fingerprints, environment, data profile); return its id."""
    policy = loaded.policy
    return store.begin_run(
        policy={"id": policy.policy.id, "version": policy.policy.version, "sha256": loaded.sha256,
                "text": loaded.text, "effective_from": policy.policy.effective_from,
                "approved_by": policy.policy.approved_by},
        system={"name": policy.system.name, "version": policy.system.version, "provider": policy.system.provider},
        model={"fingerprint": adapter.fingerprint, "ref": adapter.describe()},
        dataset={"fingerprint": data.fingerprint, "ref": data.describe()},
        # profiled from the frame already loaded (no second read of the file); a resumed run keeps its profile
        data_profile=profile_audit_data(data, policy.protected_attributes, units=policy.data.units,
                                        confidence=policy.statistics.confidence).to_json(),
        seed=policy.statistics.seed,
        device=device,
        environment=capture_environment(device),
        started_at=clock(),
        trigger=trigger,
        commit=commit,
    )


def _resume(store: ResultSink, run_id: str, loaded: LoadedPolicy, model_fingerprint: str,
            data_fingerprint: str, clock: Callable[[], dt.datetime]) -> tuple[str, tuple[CheckOutcome, ...]]:
    """Check that run ``run_id`` can be resumed with this policy, model and data; mark it resumed.

    Returns the full run id and the outcomes it already has. A resumed run must
    audit exactly what it began with, so any change of the policy text, the
    model weights, the data or a stored check's configuration is refused.
    """
    record = store.get_run(run_id)
    if record.state is not RunState.RUNNING:
        raise ResumeError(
            f"run {record.run_id} is {record.state.value}, it cannot be resumed: only an interrupted run (shown as "
            "'interrupted' by `auditkit runs`) can be; start a new run with `auditkit run POLICY`"
        )
    changed = [
        f"{what} (sha256 {then[:12]}… when the run began, {now[:12]}… now)"
        for what, then, now in (("the policy text", record.policy_sha256, loaded.sha256),
                                ("the model", record.model_fingerprint, model_fingerprint),
                                ("the audit data", record.dataset_fingerprint, data_fingerprint))
        if then != now
    ]
    if changed:
        raise ResumeError(
            f"cannot resume run {record.run_id}: {'; '.join(changed)} changed since it began, and a resumed run "
            "must audit exactly what it began with; restore them, or start a new run (leave out --resume)"
        )
    specs = {spec.id: spec for spec in loaded.policy.checks}
    for stored in record.outcomes:
        spec = specs.get(stored.check_id)
        task = _task_or_none(spec, loaded) if spec is not None and spec.kind == stored.kind else None
        if task is None or task.fingerprint != stored.fingerprint:
            raise ResumeError(
                f"cannot resume run {record.run_id}: its stored check {stored.check_id!r} was computed by a different "
                "version or configuration of that check (was auditkit upgraded?); start a new run instead"
            )
    store.mark_resumed(record.run_id, at=clock())
    return record.run_id, record.outcomes


def _task_or_none(spec: CheckSpec, loaded: LoadedPolicy) -> CheckTask | None:
    """The planned task of ``spec``, or None when its kind is no longer registered."""
    try:
        return plan_task(spec, loaded)
    except CheckConfigError:
        return None
