"""Run a fleet's audits locally: up to N at a time, each in its own spawned process.

Why one process per audit, not a pool of long-lived workers: a worker that dies (OOM killer, a segfault in a
native library, SIGKILL) takes exactly its own audit with it and is reported as that audit's crash (exit code
4), while the other audits go on. A :class:`concurrent.futures.ProcessPoolExecutor` would break as a whole and
fail every pending audit. The ``spawn`` start method gives each audit a fresh interpreter (no forked torch or
database state); the cost, an interpreter start and the imports, is small next to an audit.

Audits with the same run lock key (system name, policy id) are never started together: the second waits in
the queue until the first has finished, so two entries of one fleet cannot race for the lock, and no slot is
spent waiting for it. Runs started outside the fleet are still kept out by the store's run lock (``wait_lock``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from auditkit.fleet.job import AuditJob, RunSummary, failed, run_job
from auditkit.gate import EXIT_INTERNAL

#: What runs one audit and summarises it (:func:`~auditkit.fleet.job.run_job`; must be picklable).
Launch = Callable[[AuditJob], RunSummary]
#: Seconds the fleet waits for its workers to stop after Ctrl-C before it terminates them.
_STOP_WAIT_S = 15.0


def _child(launch: Launch, job: AuditJob, conn: Connection) -> None:
    """Worker process: run the audit, send its summary back."""
    try:
        conn.send(launch(job))
    finally:
        conn.close()


@dataclass
class _Running:
    job: AuditJob
    process: BaseProcess
    conn: Connection
    started: float
    summary: RunSummary | None = None
    #: The pipe ended without a summary (the worker is dying); only its sentinel is waited for.
    silent: bool = False


def _receive(run: _Running) -> None:
    """Read the worker's summary if it sent one (a worker that died mid-send left none)."""
    if run.conn.poll():
        with contextlib.suppress(EOFError, OSError):
            run.summary = run.conn.recv()
    run.silent = run.summary is None


def _death(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"was killed by signal {-code} ({signal.Signals(-code).name})"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def _crashed(run: _Running) -> RunSummary:
    job = run.job
    return failed(job, EXIT_INTERNAL,
                  f"the worker process of this audit {_death(run.process)} before it reported a result; a run it "
                  f"began stays interrupted and resumable (find it with `auditkit runs --system {job.system}`, "
                  f"finish it with `auditkit run {job.policy_path} --resume RUN`)",
                  time.monotonic() - run.started)


def run_fleet(jobs: Sequence[AuditJob], *, max_jobs: int = 1, launch: Launch = run_job,
              on_start: Callable[[AuditJob], None] | None = None,
              on_done: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Run ``jobs`` with at most ``max_jobs`` at a time; return their summaries in the order of ``jobs``.

    Each job runs ``launch(job)`` in a spawned process. Jobs are started in order, except that a job whose
    lock key is held by a running job waits for it (and the next eligible job starts instead). ``on_start``
    and ``on_done`` are called in this process as jobs start and finish. A worker that dies without a result
    yields a crash summary (exit code 4). Ctrl-C stops starting jobs and gives the running workers (which
    get the same interrupt from the terminal) time to leave their runs resumable and report them through
    ``on_done``; those still alive after the grace period are terminated; then the interrupt is re-raised.
    """
    if max_jobs < 1:
        raise ValueError(f"max_jobs must be at least 1, got {max_jobs}")
    context = multiprocessing.get_context("spawn")
    pending = list(jobs)
    running: list[_Running] = []
    done: dict[int, RunSummary] = {}
    try:
        while pending or running:
            busy = {r.job.lock_key for r in running}
            while len(running) < max_jobs:
                job = next((j for j in pending if j.lock_key not in busy), None)
                if job is None:
                    break
                pending.remove(job)
                busy.add(job.lock_key)
                if on_start is not None:
                    on_start(job)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(launch, job, send),
                                          name=f"auditkit-fleet-{job.index}")
                process.start()
                send.close()  # the child holds the only writer: its death ends the pipe
                running.append(_Running(job, process, receive, time.monotonic()))
            _collect(running, done, on_done, timeout=None)
    except KeyboardInterrupt:
        _stop(running, done, on_done, _STOP_WAIT_S)
        raise
    except BaseException:
        _stop(running, done, on_done, 0.0)
        raise
    return [done[job.index] for job in jobs]


def _collect(running: list[_Running], done: dict[int, RunSummary],
             on_done: Callable[[RunSummary], None] | None, timeout: float | None) -> None:
    """Wait up to ``timeout`` seconds (None: until something happens) and take in what the workers reported.

    A worker is finished when its process has ended: its summary, or a crash summary if it sent none, goes
    into ``done`` and to ``on_done``, and it leaves ``running``.
    """
    listening = [r.conn for r in running if r.summary is None and not r.silent]
    ready = set(wait(listening + [r.process.sentinel for r in running], timeout))
    for run in list(running):
        ended = run.process.sentinel in ready
        if run.summary is None and (ended or run.conn in ready):
            _receive(run)
        if ended:
            run.process.join()
            run.conn.close()
            running.remove(run)
            summary = run.summary or _crashed(run)
            done[run.job.index] = summary
            if on_done is not None:
                on_done(summary)


def _stop(running: list[_Running], done: dict[int, RunSummary], on_done: Callable[[RunSummary], None] | None,
          grace_s: float) -> None:
    """Give the workers ``grace_s`` seconds to end their runs and report them, then terminate the rest."""
    deadline = time.monotonic() + grace_s
    while running and time.monotonic() < deadline:
        _collect(running, done, on_done, timeout=max(0.0, deadline - time.monotonic()))
    for run in running:
        run.process.terminate()
        run.process.join()
        run.conn.close()


__all__ = ["Launch", "run_fleet"]
