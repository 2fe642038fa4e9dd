"""The audit runner: plan the policy's checks, run them on the model, store each outcome as it finishes.

Data flow (DESIGN.md): load data and model, begin the run in the store, make
the one shared prediction pass (cached in the :class:`CheckContext`), run each
check and commit its outcome at once (a crash keeps finished checks), decide
the gate, finish the run. The runner knows the store only through the
:class:`ResultSink` protocol and nothing of reports.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from auditkit.adapters import SupportsLayers, load_adapter, resolve_device
from auditkit.checks import CheckContext, check_fingerprint, check_seed, registry
from auditkit.data import load_data
from auditkit.errors import AuditkitError
from auditkit.policy import LoadedPolicy
from auditkit.policy.schema import CheckSpec
from auditkit.provenance import capture_environment
from auditkit.results import CheckOutcome, GateDecision, RunState, Severity, Status, gate_decision, plain_json


class ResultSink(Protocol):
    """The part of the store the runner writes to (see :class:`auditkit.store.Store`)."""

    def begin_run(self, **kwargs: Any) -> str: ...  # noqa: D102
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
) -> RunResult:
    """Run every check of ``loaded`` and store the results; return the run id and gate decision.

    Input problems (data, model, device) raise :class:`AuditkitError` before
    anything is stored. Once the run has begun, an exception inside a check
    becomes an ERROR outcome (``strict=True`` re-raises it instead) and the
    remaining checks still run. An interrupt marks the run FAILED, keeping the
    outcomes stored so far.
    """
    policy = loaded.policy
    torch_device = resolve_device(device)
    task = "text" if policy.model.type == "huggingface" else "tabular"
    data = load_data(policy.data, policy.protected_attributes, base_dir=loaded.base_dir, task=task)
    adapter = load_adapter(policy.model, base_dir=loaded.base_dir, device=torch_device,
                           feature_names=list(policy.data.features))
    run_id = store.begin_run(
        policy={"id": policy.policy.id, "version": policy.policy.version, "sha256": loaded.sha256,
                "text": loaded.text, "effective_from": policy.policy.effective_from,
                "approved_by": policy.policy.approved_by},
        system={"name": policy.system.name, "version": policy.system.version, "provider": policy.system.provider},
        model={"fingerprint": adapter.fingerprint, "ref": adapter.describe()},
        dataset={"fingerprint": data.fingerprint, "ref": data.describe()},
        seed=policy.statistics.seed,
        device=str(torch_device),
        environment=capture_environment(str(torch_device)),
        started_at=clock(),
        trigger=trigger,
    )
    ctx = CheckContext(adapter=adapter, data=data, policy=policy, base_dir=loaded.base_dir)
    _plan_capture(ctx, loaded)
    outcomes: list[CheckOutcome] = []
    if progress:
        progress.begin(len(policy.checks))
    try:
        for spec in policy.checks:
            if progress:
                progress.check_started(spec)
            outcome = _run_one(spec, loaded, ctx, strict=strict, clock=clock)
            store.save_outcome(run_id, outcome)
            outcomes.append(outcome)
            if progress:
                progress.check_finished(outcome)
    except BaseException as exc:
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}"
        store.finish_run(run_id, state=RunState.FAILED, gate=None, finished_at=clock(), error=reason)
        raise
    finally:
        if progress:
            progress.end()
    gate = gate_decision(outcomes, inconclusive_fails=policy.gate.inconclusive == "fail")
    store.finish_run(run_id, state=RunState.COMPLETE, gate=gate, finished_at=clock())
    return RunResult(run_id=run_id, gate=gate, outcomes=tuple(outcomes))


def _plan_capture(ctx: CheckContext, loaded: LoadedPolicy) -> None:
    """Tell the shared pass which layers' activations the planned checks will read."""
    for spec in loaded.policy.checks:
        cls = registry.get(spec.kind)
        params = loaded.check_params.get(spec.id)
        if params is None:
            continue
        wanted = cls.layers(params)
        if wanted is None and isinstance(ctx.adapter, SupportsLayers):
            wanted = list(ctx.adapter.named_layers())
        if wanted:
            ctx.request_layers(wanted, max_rows=cls.capture_rows(params))


def _run_one(spec: CheckSpec, loaded: LoadedPolicy, ctx: CheckContext, *, strict: bool,
             clock: Callable[[], dt.datetime]) -> CheckOutcome:
    """Run one check and turn whatever happens into a typed outcome."""
    cls = registry.get(spec.kind)
    params = loaded.check_params.get(spec.id) or cls.Params.model_validate(spec.params)
    seed = check_seed(loaded.policy.statistics.seed, spec.id, spec.kind)
    started, t0 = clock(), time.perf_counter()
    base = {
        "check_id": spec.id, "kind": spec.kind, "version": cls.version,
        "fingerprint": check_fingerprint(spec.kind, cls.version, params), "severity": Severity(spec.severity),
        "params": params.model_dump(mode="json"), "seed": seed, "started_at": started,
    }
    missing = [p.__name__ for p in cls.requires if not isinstance(ctx.adapter, p)]
    if missing:
        reason = (f"{spec.kind} requires {', '.join(missing)}, which the {type(ctx.adapter).__name__} "
                  "does not provide")
        return CheckOutcome(**base, status=Status.SKIPPED, summary=f"Not run: {reason}.", error=reason)
    try:
        result = cls().run(ctx, params, seed=seed)
    except AuditkitError as exc:
        if strict:
            raise
        return CheckOutcome(**base, status=Status.ERROR, summary=f"Could not be computed: {exc}",
                            duration_s=time.perf_counter() - t0, error=str(exc))
    except Exception as exc:
        if strict:
            raise
        reason = f"{type(exc).__name__}: {exc}"
        return CheckOutcome(**base, status=Status.ERROR, summary=f"Could not be computed: {reason}",
                            duration_s=time.perf_counter() - t0, error=reason,
                            details={"notes": ["auditkit failed inside this check; please report it with the "
                                               "traceback below."],
                                     "traceback": traceback.format_exc(limit=8)})
    unrun = result.status in (Status.SKIPPED, Status.ERROR)
    return CheckOutcome(**base, status=result.status, summary=result.summary, measurements=result.measurements,
                        details=plain_json(result.details), duration_s=time.perf_counter() - t0,
                        error=result.summary if unrun else None)
