"""One audit of a fleet: :func:`run_job` takes an :class:`AuditJob` and returns its :class:`RunSummary`.

This is the single seam between the fleet and whatever executes its audits. The local fleet
(:mod:`auditkit.fleet.pool`) calls it in a spawned process per audit; a cluster executor can call the same
function as a remote task. Both sides are plain, picklable data: the job names the policy file and the
database URL (the worker opens its own store, so nothing but these records crosses a process boundary), the
summary carries everything the fleet prints, writes to ``--junit`` and ``--json``.

:func:`run_job` never raises for a failing audit: a user mistake found at run time (missing data file, lock
held, unusable ``--out``) is exit code 2 with its message, Ctrl-C 130, anything unexpected 4 with the traceback
in an error log (:mod:`auditkit.errorlog`), each in the summary; so one broken audit never stops the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from auditkit import api, gate
from auditkit.errorlog import describe, write_error_log
from auditkit.errors import AuditkitError, RunInterrupted
from auditkit.fleet.spec import PlannedAudit
from auditkit.junit import junit_xml

#: Exit code of an audit stopped by Ctrl-C (as the CLI's).
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class AuditJob:
    """Everything one audit of a fleet needs, as plain values (it crosses process and machine boundaries)."""

    index: int
    #: The policy as the fleet lists it (relative path or file name) and its absolute path.
    label: str
    policy_path: str
    #: What the fleet's validation read from the policy, so a summary names it even when the run never began.
    system: str
    policy_id: str
    policy_version: str
    #: The database URL (resolved; every worker opens its own store from it).
    db_url: str
    device: str = "auto"
    trigger: str = "manual"
    #: Render, store and write the report to ``out_dir`` (``--no-report``: False).
    report: bool = True
    out_dir: str | None = None
    wait_lock: float = 0.0
    compare_to: str | None = None
    #: A huggingface-causal model's weights' precision (``--precision``); None: the policy's ``model.precision``.
    precision: str | None = None
    #: CPU threads for torch in the worker (None: torch's default); the fleet shares the cores among its jobs.
    threads: int | None = None
    #: Where the audit's checks run: ``local`` (the job's process) or ``ray`` (model actors on the cluster at
    #: ``ray_address``, ``ray_workers`` of them with ``ray_gpus`` GPUs each; the job's process stays the driver
    #: and alone writes the database).
    executor: str = "local"
    ray_address: str | None = None
    ray_workers: int | None = None
    ray_gpus: float | None = None

    @property
    def lock_key(self) -> tuple[str, str]:
        """``(system name, policy id)``: the run lock this audit holds."""
        return self.system, self.policy_id


@dataclass(frozen=True)
class RunSummary:
    """The result of one audit of a fleet: what the summary table, ``--json`` and ``--junit`` show."""

    index: int
    label: str
    system: str
    policy_id: str
    policy_version: str
    exit_code: int
    seconds: float
    run_id: str | None = None
    #: The effective gate decision (``PASS``, ``FAIL``, ``INCONCLUSIVE``, ``ERROR``) or None without one.
    gate: str | None = None
    state: str | None = None
    report_version: int | None = None
    reports: tuple[str, ...] = ()
    #: Why the audit has no decision (a user mistake, a crash); None when the run completed.
    error: str | None = None
    #: ``auditkit run --json``'s summary of the stored run (:func:`auditkit.gate.summary`), when there is a run.
    details: dict[str, Any] | None = field(default=None, repr=False)
    #: The run's JUnit document (:func:`auditkit.junit.junit_xml`), when there is a run.
    junit: bytes | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` element: the run's own summary (as ``auditkit run --json``) plus the fleet's fields."""
        base = dict(self.details) if self.details is not None else {
            "run_id": self.run_id, "system": {"name": self.system, "version": None},
            "policy": {"id": self.policy_id, "version": self.policy_version, "sha256": None},
            "state": self.state, "gate": self.gate, "exit_code": self.exit_code, "checks": [], "comparison": None}
        return {"policy_file": self.label, **base, "exit_code": self.exit_code, "error": self.error,
                "report_version": self.report_version, "reports": list(self.reports),
                "seconds": round(self.seconds, 3)}


def failed(job: AuditJob, exit_code: int, error: str, seconds: float, run_id: str | None = None) -> RunSummary:
    """The summary of an audit that produced no decision (``error`` says why)."""
    return RunSummary(job.index, job.label, job.system, job.policy_id, job.policy_version, exit_code, seconds,
                      run_id=run_id, error=error)


def run_job(job: AuditJob) -> RunSummary:
    """Run one audit of a fleet in this process and summarise it; never raises for the audit's own failure.

    Opens the store at ``job.db_url`` (never creating or migrating it: the fleet did that once before
    starting its workers), runs :func:`auditkit.api.run_audit` under the run lock, writes the report to
    ``job.out_dir``, and returns the gate, exit code, report paths and JUnit document.
    """
    start = time.monotonic()
    if job.threads is not None:
        import torch

        torch.set_num_threads(job.threads)
    run_id: str | None = None
    try:
        with api.open_store(job.db_url, upgrade=False) as store:
            record = api.run_audit(job.policy_path, store=store, device=job.device, trigger=job.trigger,
                                   report=job.report, wait_lock=job.wait_lock, compare_to=job.compare_to,
                                   executor=job.executor, ray=_ray_options(job), precision=job.precision)
            run_id = record.run_id
            report = store.get_report(record.run_id) if job.report else None
            paths = api.write_report(report, job.out_dir or ".") if report is not None else []
        return RunSummary(
            job.index, job.label, record.system_name, record.policy_id, record.policy_version, record.exit_code,
            time.monotonic() - start, run_id=record.run_id,
            gate=record.decision.value if record.decision else None, state=record.state.value,
            report_version=report.version if report is not None else None, reports=tuple(str(p) for p in paths),
            error=record.error, details=gate.summary(record, record.verdict), junit=junit_xml(record, record.verdict))
    except RunInterrupted as exc:
        return failed(job, EXIT_INTERRUPTED, f"interrupted; run {exc.run_id[:12]} keeps its {exc.done} finished "
                      f"check(s) and is resumable with `auditkit run {job.policy_path} --resume {exc.run_id[:12]}`",
                      time.monotonic() - start, exc.run_id)
    except KeyboardInterrupt:
        what = (f"interrupted after run {run_id[:12]} was stored; write its report with `auditkit report "
                f"{run_id[:12]}`" if run_id else "interrupted before the run began; nothing was stored")
        return failed(job, EXIT_INTERRUPTED, what, time.monotonic() - start, run_id)
    except AuditkitError as exc:
        return failed(job, exc.exit_code, str(exc), time.monotonic() - start, run_id)
    except Exception as exc:
        log = write_error_log(exc)
        where = f"the traceback is in {log}" if log else "the traceback could not be written to a log file"
        return failed(job, gate.EXIT_INTERNAL, f"internal error: {describe(exc)}; {where}. This is a bug in "
                      "auditkit", time.monotonic() - start, run_id)


def _ray_options(job: AuditJob) -> Any:
    """The job's :class:`~auditkit.ray_executor.RayOptions` (None for the local executor: Ray is not imported)."""
    if job.executor != "ray":
        return None
    from auditkit.ray_executor import RayOptions

    return RayOptions(address=job.ray_address, workers=job.ray_workers, num_gpus=job.ray_gpus)


def make_jobs(planned: Sequence[PlannedAudit], *, db_url: str, device: str = "auto", trigger: str = "manual",
              report: bool = True, out_dir: str | None = None, wait_lock: float = 0.0, max_jobs: int = 1,
              cpus: int | None = None, executor: str = "local", ray_address: str | None = None,
              ray_workers: int | None = None, ray_gpus: float | None = None, precision: str | None = None
              ) -> list[AuditJob]:
    """The jobs of a validated fleet: the fleet-wide options, each entry's overrides applied.

    ``precision`` (the fleet's ``--precision``) applies to the entries whose model has one (huggingface-causal);
    the others run at the precision their weights are stored in, as a single ``auditkit run`` would insist.

    With several local jobs at a time the CPU cores are shared: each worker's torch uses ``cpus // max_jobs``
    threads (at least one), so N audits do not each start a thread per core and slow each other down. On Ray
    the checks run on the cluster's workers, which have their own cores, and the drivers keep torch's default.
    """
    cores = cpus if cpus is not None else os.cpu_count() or 1
    threads = max(1, cores // max_jobs) if max_jobs > 1 else None
    ray = {"executor": executor, "ray_address": ray_address, "ray_workers": ray_workers, "ray_gpus": ray_gpus}
    jobs = []
    for p in planned:
        meta = p.policy.policy
        jobs.append(AuditJob(
            index=p.index, label=p.item.label, policy_path=str(p.item.path.resolve()), system=meta.system.name,
            policy_id=meta.policy.id, policy_version=str(meta.policy.version), db_url=db_url,
            device=p.item.device or device, trigger=trigger, report=report, out_dir=out_dir, wait_lock=wait_lock,
            compare_to=p.item.compare_to, threads=threads,
            precision=p.item.precision or (precision if p.takes_precision else None), **ray))
    return jobs
