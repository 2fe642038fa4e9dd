"""The Ray executor: a plan's check tasks run in model actors on a Ray cluster; the driver keeps the record.

``auditkit run POLICY --executor ray`` (or ``run_audit(..., executor="ray")``)
hands the plan to :class:`RayExecutor`. Ray is an optional extra
(``pip install "auditkit[ray]"``): this module imports it only when an audit
asks for it (:func:`import_ray`), so the local executor never needs it.

What happens where:

* **workers** (``ray.remote(AuditWorker)`` actors, :mod:`auditkit.ray_worker`):
  each loads the policy, the data and the model once, computes one row block of
  the shared prediction pass, then runs check tasks one at a time and sends each
  outcome back as JSON text. Attributions and other artefacts are computed once
  per content key in the whole cluster (:mod:`auditkit.ray_artefacts`: a small
  registry actor maps each key's digest to its object-store reference). An actor asks for ``num_cpus`` CPUs and
  ``num_gpus`` GPUs, so Ray places one actor per free slot across the nodes.
* **driver** (this process): verifies that every worker loaded the same model,
  data and shared-pass key as the run recorded, joins the pass blocks
  (:mod:`auditkit.sharded_pass`) and puts the joined pass in the object store
  once, hands tasks to idle actors, collects them as they finish
  (``ray.wait``) and calls ``finished(task, outcome)`` for each: the runner
  commits it at once, so per-check commits, the run lock and ``--resume`` work
  as with the local executor, and only the driver touches the database.

Fault tolerance: actors are created with ``max_restarts`` and their calls with
``max_task_retries``, so a worker process that dies mid-check is restarted
(reloading the model and data) and the check runs again with the same seed and
the same shared pass. A check whose worker dies more often than that becomes an
ERROR outcome naming the cause (like any crash inside a check) and the run goes
on with the remaining workers. A driver that dies takes its actors with it and
leaves the run RUNNING, resumable with ``--resume`` like a local run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import socket
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from auditkit.errors import ExecutorError
from auditkit.evidence import Evidence, Msg
from auditkit.executor import outcome_from_json
from auditkit.plan import CheckTask, Plan
from auditkit.policy import LoadedPolicy
from auditkit.results import CheckOutcome, Severity, Status
from auditkit.sharded_pass import block_bounds, join_blocks

#: The pip extra that installs Ray for auditkit.
RAY_EXTRA = 'pip install "auditkit[ray]"'


@dataclass(frozen=True)
class RayOptions:
    """Where and how the Ray executor runs.

    ``address``: the cluster (``auto``, ``ray://host:10001``, ``host:port``,
    ``local`` for a new single-machine instance; ``None`` lets Ray decide:
    ``$RAY_ADDRESS``, a cluster already running on this machine, else a new local
    one). ``workers``: model actors (``None``: the policy's ``execution.ray.workers``,
    else as many as the cluster has room for, at most one per task). ``num_cpus`` /
    ``num_gpus``: resources each actor reserves (``None``: the policy's
    ``execution.ray`` values, by default 1 CPU and no GPU). ``max_restarts``: how
    often a dead actor is restarted and its check retried. ``start_timeout_s``: how long to wait for the actors to be
    placed and to load the model and data. ``threads``: torch's intra-op threads in
    each worker (``None``: Ray's default, one per reserved CPU). Float32 models
    round differently with other thread counts (about 1e-7 relative), so results
    equal a local run's to the last bit when both use the same number of threads.
    """

    address: str | None = None
    workers: int | None = None
    num_cpus: float | None = None
    num_gpus: float | None = None
    max_restarts: int = 3
    start_timeout_s: float = 600.0
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ExecutorError(f"--ray-workers must be at least 1, got {self.workers}")
        if (self.num_cpus or 0) < 0 or (self.num_gpus or 0) < 0:
            raise ExecutorError(f"CPUs and GPUs per Ray worker cannot be negative, got {self.num_cpus} and "
                                f"{self.num_gpus}")
        if self.threads is not None and self.threads < 1:
            raise ExecutorError(f"threads per Ray worker must be at least 1, got {self.threads}")
        if self.max_restarts < 0:
            raise ExecutorError(f"max_restarts cannot be negative, got {self.max_restarts}")


def import_ray() -> ModuleType:
    """The ``ray`` module; an :class:`ExecutorError` naming the pip extra when it is not installed."""
    try:
        return importlib.import_module("ray")
    except ImportError as exc:
        raise ExecutorError(
            f"--executor ray needs the Python package 'ray', which is not installed ({type(exc).__name__}: {exc}); "
            f"install it with: {RAY_EXTRA}  (or run with --executor local)"
        ) from None


def _init(ray: ModuleType, address: str | None) -> None:
    """``ray.init`` at ``address``; an :class:`ExecutorError` saying what to check when it cannot connect.

    An address with a port is tried with a plain TCP connection first: Ray itself keeps retrying an address
    where nothing listens for minutes before it gives up.
    """
    hint = "check --ray-address (auto, ray://HOST:10001, HOST:PORT, local) and that the cluster runs"
    host_port = _host_port(address)
    if host_port is not None:
        try:
            socket.create_connection(host_port, timeout=10).close()
        except OSError as exc:
            raise ExecutorError(f"cannot connect to the Ray cluster at {address}: nothing answers at "
                                f"{host_port[0]}:{host_port[1]} ({exc.strerror or exc}); {hint}") from None
    try:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # whatever Ray raises for an unusable address, it is the user's setting to fix
        raise ExecutorError(f"cannot connect to the Ray cluster at {address or 'the default address'}"
                            f" ({type(exc).__name__}: {exc}); {hint}") from None


def _host_port(address: str | None) -> tuple[str, int] | None:
    """``(host, port)`` of ``HOST:PORT`` or ``ray://HOST:PORT``; None for ``auto``, ``local`` or no address."""
    if not address or address in ("auto", "local"):
        return None
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit() or not host:
        return None
    return host.strip("[]"), int(port)


def check_cluster(address: str | None) -> None:
    """Connect to the cluster at ``address`` once and disconnect: Ray installed and the cluster reachable.

    ``auditkit fleet --executor ray`` calls it before any audit starts, so a missing extra or a wrong address
    is one clear error instead of one per audit.
    """
    ray = import_ray()
    if ray.is_initialized():
        return
    _init(ray, address)
    ray.shutdown()


def _with_policy_defaults(options: RayOptions, loaded: LoadedPolicy) -> RayOptions:
    """``options`` with what they leave open (``None``) taken from the policy's ``execution.ray`` section."""
    spec = loaded.policy.execution.ray
    return dataclasses.replace(
        options, workers=options.workers if options.workers is not None else spec.workers,
        num_cpus=options.num_cpus if options.num_cpus is not None else spec.num_cpus,
        num_gpus=options.num_gpus if options.num_gpus is not None else spec.num_gpus)


class RayExecutor:
    """Runs a plan's tasks in model actors on a Ray cluster (see the module docstring for what runs where).

    ``on_dispatch(task, pid)`` (optional) is called when a task is handed to the
    actor whose process last reported the id ``pid``: for progress displays and
    for tests that kill a worker mid-check. After :meth:`execute`,
    :attr:`ran_on` maps each check id to the process id that produced its outcome.
    """

    def __init__(self, loaded: LoadedPolicy, *, options: RayOptions | None = None, device: str = "auto",
                 strict: bool = False, on_dispatch: Callable[[CheckTask, int], None] | None = None,
                 precision: str | None = None) -> None:
        self.ray = import_ray()  # refused before the run begins when Ray is missing
        self.loaded, self.device, self.strict, self.precision = loaded, device, strict, precision
        self.options = _with_policy_defaults(options or RayOptions(), loaded)
        self.on_dispatch = on_dispatch
        self.ran_on: dict[str, int] = {}
        #: After :meth:`execute`: the run's artefacts computed and shared across workers
        #: (:meth:`auditkit.ray_artefacts.ArtefactRegistry.counts`).
        self.artefacts: dict[str, dict[str, int]] = {}
        self.registry: Any = None
        self._owns_connection = False

    def connect(self) -> None:
        """Connect to the cluster (``run_audit`` does so before the run begins, so a wrong address stores nothing).

        A connection this executor opened is closed by :meth:`close` (and at the end of :meth:`execute`); one
        that was already open (``ray.init`` called by the caller) is left open.
        """
        if self.ray.is_initialized():
            return
        _init(self.ray, self.options.address)
        self._owns_connection = True

    def close(self) -> None:
        """Disconnect from the cluster if :meth:`connect` opened the connection."""
        if self._owns_connection:
            self.ray.shutdown()
            self._owns_connection = False

    def execute(self, plan: Plan, *, started: Callable[[CheckTask], None],
                finished: Callable[[CheckTask, CheckOutcome], None]) -> None:
        """Start the actors, share the pass, run every task on them and report each outcome as it arrives."""
        if not plan.tasks:
            return
        ray = self.ray
        self.connect()
        actors: list[Any] = []
        self.registry = None
        try:
            from auditkit.ray_artefacts import ArtefactRegistry

            self.registry = ray.remote(ArtefactRegistry).options(num_cpus=0).remote()
            actors = self._start_actors(plan)
            identities = self._verify(plan, actors)
            shared = self._shared_pass(actors, identities[0])
            self._dispatch(plan, actors, [ident.pid for ident in identities], shared, started, finished)
            self.artefacts = ray.get(self.registry.counts.remote())
        finally:
            for actor in [*actors, *([self.registry] if self.registry is not None else [])]:
                ray.kill(actor, no_restart=True)
            self.close()

    def _worker_count(self, plan: Plan) -> int:
        """The requested number of actors, or as many as the cluster's CPUs (GPUs) hold; never more than tasks."""
        opts = self.options
        if opts.workers is not None:
            return min(opts.workers, len(plan.tasks))
        resources = self.ray.cluster_resources()
        room = [int(resources.get("CPU", 0) // opts.num_cpus)] if opts.num_cpus > 0 else []
        if opts.num_gpus > 0:
            room.append(int(resources.get("GPU", 0) // opts.num_gpus))
        return max(1, min([*room, len(plan.tasks)]))

    def _start_actors(self, plan: Plan) -> list[Any]:
        """Create the model actors (restartable; their calls retried when an actor dies)."""
        from auditkit.ray_worker import AuditWorker

        opts = self.options
        actor_class = self.ray.remote(AuditWorker).options(
            num_cpus=opts.num_cpus, num_gpus=opts.num_gpus, max_restarts=opts.max_restarts,
            max_task_retries=opts.max_restarts)
        loaded = self.loaded
        return [actor_class.remote(loaded.text, loaded.source, str(loaded.base_dir), self.device, self.strict,
                                   plan.to_json(), opts.threads, index, self.registry, self.precision)
                for index in range(self._worker_count(plan))]

    def _verify(self, plan: Plan, actors: list[Any]) -> list[Any]:
        """Wait for every actor to load; refuse workers that see another model, other data or another pass key."""
        ray = self.ray
        try:
            identities = ray.get([a.identity.remote() for a in actors], timeout=self.options.start_timeout_s)
        except ray.exceptions.GetTimeoutError:
            raise ExecutorError(
                f"the {len(actors)} Ray worker(s) did not start within {self.options.start_timeout_s:.0f} s: the "
                f"cluster may lack {self.options.num_cpus} CPU(s) / {self.options.num_gpus} GPU(s) per worker; "
                "lower --ray-workers or --ray-gpus") from None
        except ray.exceptions.RayActorError as exc:
            raise ExecutorError(f"a Ray worker could not load the audit: {exc}") from None
        for ident in identities:
            seen = {"model": (ident.model_fingerprint, plan.model_fingerprint),
                    "audit data": (ident.data_fingerprint, plan.data_fingerprint),
                    "shared-pass key": (ident.pass_digest, identities[0].pass_digest)}
            wrong = [f"{what} (sha256 {have[:12]}… on the worker, {want[:12]}… on the driver)"
                     for what, (have, want) in seen.items() if have != want]
            if wrong:
                raise ExecutorError(
                    f"Ray worker (pid {ident.pid}) loaded a different {'; '.join(wrong)}: every node must see the "
                    "policy's model and data files at the same paths with the same contents")
        return list(identities)

    def _shared_pass(self, actors: list[Any], first: Any) -> list[Any]:
        """Compute the shared pass in row blocks (one per actor), join it here, put it in the object store once.

        ``first`` is a worker's :class:`~auditkit.ray_worker.WorkerIdentity` (rows, batch size, captured layers).
        Returns ``[ObjectRef]`` (a list, so Ray hands the reference to the actors unresolved).
        """
        ray = self.ray
        bounds = block_bounds(first.n_rows, first.batch_size or max(first.n_rows, 1), len(actors))
        if not bounds:
            return []
        parts = ray.get([actor.pass_block.remote(b.start, b.stop) for actor, b in zip(actors, bounds, strict=False)])
        return [ray.put(join_blocks(parts, first.layers))]

    def _dispatch(self, plan: Plan, actors: list[Any], pids: list[int], shared: list[Any],
                  started: Callable[[CheckTask], None], finished: Callable[[CheckTask, CheckOutcome], None]) -> None:
        """Keep every idle actor busy with the next task; report each outcome as soon as it arrives."""
        ray = self.ray
        queue = deque(range(len(plan.tasks)))
        idle = deque(zip(actors, pids, strict=True))
        running: dict[Any, tuple[int, Any, int]] = {}
        worker_index = {id(actor): i for i, actor in enumerate(actors)}
        while queue or running:
            while queue and idle:
                index, (actor, pid) = queue.popleft(), idle.popleft()
                task = plan.tasks[index]
                started(task)
                running[actor.run.remote(index, shared)] = (index, actor, pid)
                if self.on_dispatch is not None:
                    self.on_dispatch(task, pid)
            if not running:
                raise ExecutorError(f"every Ray worker died; {len(queue)} check(s) could not run, so the run is "
                                    "marked failed: fix the workers (memory, model code) and start a new run")
            (ref,), _ = ray.wait(list(running), num_returns=1)
            index, actor, pid = running.pop(ref)
            task = plan.tasks[index]
            try:
                result = ray.get(ref)
            except ray.exceptions.RayActorError as exc:
                self.registry.forget_worker.remote(worker_index[id(actor)])  # nobody waits for its artefacts
                finished(task, worker_lost(task, exc, self.options.max_restarts))
                continue  # the actor is dead for good: it takes no further task
            self.ran_on[task.check_id] = result.pid
            idle.append((actor, result.pid))  # a restarted actor runs in a new process
            finished(task, outcome_from_json(result.outcome_json))


def worker_lost(task: CheckTask, exc: BaseException, restarts: int) -> CheckOutcome:
    """The ERROR outcome of a check whose worker process died on every try (the run goes on without it)."""
    reason = (f"the Ray worker running this check died {restarts + 1} time(s) ({type(exc).__name__}); the model may "
              "exhaust the worker's memory or crash its process")
    return CheckOutcome(check_id=task.check_id, kind=task.kind, version=task.version, fingerprint=task.fingerprint,
                        severity=Severity(task.severity), params=task.params, seed=task.seed,
                        started_at=dt.datetime.now(dt.UTC), status=Status.ERROR,
                        summary=f"Could not be computed: {reason}", error=reason,
                        evidence=Evidence(summary=(Msg("outcome.error", reason=reason),)))
