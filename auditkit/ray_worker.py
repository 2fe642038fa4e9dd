"""What runs inside a Ray worker: a model actor that loads the audit once and runs check tasks on it.

:class:`AuditWorker` is a plain class; :mod:`auditkit.ray_executor` turns it
into a Ray actor (``ray.remote(AuditWorker)``) so this module imports without
Ray. Each actor parses the policy text the driver sent (relative paths resolve
against the driver's policy directory, which the worker must see at the same
path), loads the audit data and the model adapter ONCE, builds one
:class:`~auditkit.checks.CheckContext` and asks its shared pass for every
task's layers, exactly as the local executor does. Then it:

* computes row blocks of the shared pass (:meth:`AuditWorker.pass_block`) for
  the driver to join;
* runs tasks (:meth:`AuditWorker.run`) with :func:`auditkit.executor.run_task`,
  after installing the joined shared pass under its content key, and returns
  the outcome as JSON text. Other artefacts (attributions) go through the run's
  :class:`~auditkit.ray_artefacts.ArtefactRegistry`: each content key is
  computed by one worker and fetched by the others from the object store.

A worker never touches the database: outcomes go back to the driver, which
commits them. A restarted actor (after its process died) runs ``__init__``
again and gets the shared pass again with the retried task's arguments.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from auditkit.adapters import resolve_device
from auditkit.checks import CheckContext, registry
from auditkit.executor import outcome_to_json, request_captures, run_task
from auditkit.plan import Plan
from auditkit.policy.loader import parse_policy
from auditkit.ray_artefacts import RayArtefactCache
from auditkit.runner import load_inputs
from auditkit.sharded_pass import on_device, to_cpu


@dataclass(frozen=True)
class WorkerIdentity:
    """What a worker loaded: the driver refuses workers that see other files than it does."""

    pid: int
    model_fingerprint: str
    data_fingerprint: str
    pass_digest: str
    n_rows: int
    batch_size: int
    layers: tuple[str, ...]


@dataclass(frozen=True)
class TaskResult:
    """One task's outcome (JSON text, :func:`auditkit.executor.outcome_to_json`) and the process that ran it."""

    outcome_json: str
    pid: int


class AuditWorker:
    """A model actor: the audit's model, data and check context, loaded once per worker process."""

    def __init__(self, policy_text: str, source: str, base_dir: str, device: str, strict: bool,
                 plan_json: str, threads: int | None, index: int, artefacts: Any,
                 precision: str | None = None) -> None:
        if threads is not None:
            torch.set_num_threads(threads)
        loaded = parse_policy(policy_text, source=source, base_dir=Path(base_dir), kinds=registry.param_models())
        data, adapter = load_inputs(loaded, resolve_device(device), precision)
        self.plan = Plan.from_json(plan_json)
        self.strict = strict
        self.cache = RayArtefactCache(artefacts, index)
        self.ctx = CheckContext(adapter=adapter, data=data, policy=loaded.policy, base_dir=loaded.base_dir,
                                artefacts=self.cache)
        request_captures(self.ctx, self.plan.tasks)
        self._installed = False

    def identity(self) -> WorkerIdentity:
        """This worker's process id and what it loaded (fingerprints, the shared pass's content key)."""
        ctx = self.ctx
        return WorkerIdentity(pid=os.getpid(), model_fingerprint=ctx.adapter.fingerprint,
                              data_fingerprint=ctx.data.fingerprint, pass_digest=ctx.shared_pass_key().digest(),
                              n_rows=ctx.data.n_rows, batch_size=int(getattr(ctx.adapter, "batch_size", 0) or 0),
                              layers=ctx.captured_layers)

    def pass_block(self, start: int, stop: int) -> Any:
        """The shared pass over rows ``[start, stop)``, activations on the CPU (a :class:`SharedPass`)."""
        return to_cpu(self.ctx.pass_block(start, stop))

    def run(self, index: int, shared: list[Any]) -> TaskResult:
        """Run task ``index`` of the plan; ``shared`` holds the object reference of the joined shared pass.

        The reference is wrapped in a list so Ray hands it over unresolved: the
        pass is fetched from the object store only by a worker that has not
        installed it yet (the first task, or the first after a restart).
        """
        if shared and not self._installed:
            import ray

            joined = on_device(ray.get(shared[0]), self.ctx.adapter.device)
            self.cache.install(self.ctx.shared_pass_key(), joined)
            self._installed = True
        task = self.plan.tasks[index]
        outcome = run_task(task, self.ctx, strict=self.strict, clock=_utcnow)
        return TaskResult(outcome_json=outcome_to_json(outcome), pid=os.getpid())


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
