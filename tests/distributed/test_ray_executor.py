"""The Ray executor on a real two-node cluster: the same stored results as the local executor, also after a
worker process is killed mid-check; and a clean error when Ray is not installed.

Every measurement of every check of a cheap credit audit (:mod:`credit_policy`: all five check families, the
shared pass split into row blocks on two actors, one per node) is compared with a local run of the same policy
and seeds, read back from the database each run was committed to. The local run uses one torch and BLAS thread,
as each one-CPU Ray worker does: float32 products round with the thread count, so only equal counts can be
compared to the bit (:class:`auditkit.ray_executor.RayOptions`, ``threads``).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from credit_policy import cheap_policy, prepare_sample
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from auditkit import api
from auditkit.adapters import resolve_device
from auditkit.checks import CheckContext
from auditkit.cli import app
from auditkit.errors import PolicyError
from auditkit.executor import LocalExecutor
from auditkit.plan import CheckTask
from auditkit.ray_executor import RayExecutor, RayOptions
from auditkit.results import CheckOutcome, RunState
from auditkit.runner import load_inputs
from auditkit.store import Store, open_store

#: The longest check of the cheap audit: the one whose worker is killed while it runs.
VICTIM = "sex-not-used"
#: CPU seconds the victim's worker must have spent after the hand-over: by then it is inside the check.
BUSY_CPU_S = 0.5


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cheap credit policy in a prepared copy of the sample (data and models written once)."""
    return cheap_policy(prepare_sample(tmp_path_factory.mktemp("credit-ray")))


@dataclass(frozen=True)
class LocalRun:
    """The local executor's stored outcomes and what its artefact cache computed, per ``kind/method``."""

    outcomes: dict[str, CheckOutcome]
    computed: dict[str, int]


@pytest.fixture(scope="module")
def local_run(policy: Path, tmp_path_factory: pytest.TempPathFactory) -> LocalRun:
    """The local executor's run, computed with one thread like a one-CPU Ray worker."""
    loaded = api.load_policy(policy)
    data, adapter = load_inputs(loaded, resolve_device("cpu"))
    ctx = CheckContext(adapter=adapter, data=data, policy=loaded.policy, base_dir=loaded.base_dir)
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            outcomes = _stored(policy, tmp_path_factory.mktemp("local-db"), LocalExecutor(ctx))
    finally:
        torch.set_num_threads(previous)
    computed = ctx.artefacts.computed  # type: ignore[attr-defined]
    return LocalRun(outcomes, {f"{kind}/{method}": n for (kind, method), n in computed.items()})


@pytest.fixture(scope="module")
def local(local_run: LocalRun) -> dict[str, CheckOutcome]:
    """The local executor's stored outcomes."""
    return local_run.outcomes


def _stored(policy: Path, db_dir: Path, executor: object) -> dict[str, CheckOutcome]:
    """Run the audit with ``executor`` into a fresh SQLite store; the outcomes as read back from it."""
    with open_store(f"sqlite:///{db_dir / 'audit.db'}") as store:
        gated = api.run_audit(policy, store=store, device="cpu", report=False, executor=executor)  # type: ignore[arg-type]
        run = store.get_run(gated.run_id)
    assert run.state is RunState.COMPLETE
    return {o.check_id: o for o in run.outcomes}


def _assert_same(ray_run: dict[str, CheckOutcome], local: dict[str, CheckOutcome]) -> None:
    """Same checks, statuses, summaries and every measurement (numbers to 1e-9)."""
    assert sorted(ray_run) == sorted(local)
    for check_id, want in local.items():
        got = ray_run[check_id]
        assert (got.status, got.summary, got.fingerprint, got.seed) == (want.status, want.summary,
                                                                         want.fingerprint, want.seed), check_id
        assert len(got.measurements) == len(want.measurements) > 0, check_id
        for g, w in zip(got.measurements, want.measurements, strict=True):
            gd, wd = g.to_dict(), w.to_dict()
            for field in ("value", "ci_low", "ci_high", "threshold", "p_value"):
                if wd[field] is None:
                    assert gd[field] is None, (check_id, w.name, field)
                else:
                    assert gd[field] == pytest.approx(wd[field], abs=1e-9, rel=0), (check_id, w.name, w.group, field)
            rest = {k: v for k, v in gd.items() if k not in ("value", "ci_low", "ci_high", "threshold", "p_value")}
            assert rest == {k: v for k, v in wd.items() if k in rest}, (check_id, w.name)


def _executor(policy: Path, address: str, *, max_restarts: int = 3, **kwargs: object) -> RayExecutor:
    options = RayOptions(address=address, workers=2, threads=1, max_restarts=max_restarts)
    return RayExecutor(api.load_policy(policy), options=options, device="cpu", **kwargs)  # type: ignore[arg-type]


def test_ray_run_stores_the_local_results(ray_cluster, policy: Path, local_run: LocalRun, tmp_path: Path) -> None:
    executor = _executor(policy, ray_cluster.address)
    _assert_same(_stored(policy, tmp_path, executor), local_run.outcomes)
    # two one-CPU actors on a two-node cluster of one CPU each: one per node, and both ran checks
    assert len(set(executor.ran_on.values())) == 2
    assert sorted(executor.ran_on) == sorted(local_run.outcomes)
    # the cluster computed each attribution as often as the one local process did (each content key once); the
    # shared pass is not among them: the workers computed its row blocks and the driver handed it to them
    computed = dict(local_run.computed)
    assert computed.pop("predictions/predict") == 1
    assert executor.artefacts["computed"] == computed
    assert sum(computed.values()) > 0


class _Killer:
    """Kills the worker process the victim check was handed to, once that process is busy computing it."""

    def __init__(self) -> None:
        self.killed: int | None = None
        self.thread: threading.Thread | None = None

    def __call__(self, task: CheckTask, pid: int) -> None:
        if task.check_id == VICTIM and self.thread is None:
            self.thread = threading.Thread(target=self._kill_when_busy, args=(pid,), daemon=True)
            self.thread.start()

    def _kill_when_busy(self, pid: int) -> None:
        start = _cpu_seconds(pid)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if _cpu_seconds(pid) - start >= BUSY_CPU_S:
                os.kill(pid, signal.SIGKILL)
                self.killed = pid
                return
            time.sleep(0.02)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_worker_killed_mid_check_is_restarted_and_the_check_retried(ray_cluster, policy: Path,
                                                                       local: dict[str, CheckOutcome],
                                                                       tmp_path: Path) -> None:
    killer = _Killer()
    executor = _executor(policy, ray_cluster.address, on_dispatch=killer)
    stored = _stored(policy, tmp_path, executor)
    assert killer.thread is not None
    killer.thread.join(timeout=5)
    assert killer.killed is not None, "the victim's worker never got busy: nothing was killed"
    # the check's outcome came from the restarted actor's new process, and equals the local one
    assert executor.ran_on[VICTIM] != killer.killed
    _assert_same(stored, local)


def test_a_worker_that_dies_for_good_fails_only_its_check(ray_cluster, policy: Path,
                                                          local: dict[str, CheckOutcome], tmp_path: Path) -> None:
    killer = _Killer()
    executor = _executor(policy, ray_cluster.address, max_restarts=0, on_dispatch=killer)
    stored = _stored(policy, tmp_path, executor)  # the run completes on the surviving worker
    assert killer.killed is not None
    lost = stored.pop(VICTIM)
    assert lost.status.value == "ERROR" and "Ray worker running this check died 1 time(s)" in (lost.error or "")
    assert VICTIM not in executor.ran_on  # no worker produced it: the driver recorded the loss
    _assert_same(stored, {c: o for c, o in local.items() if c != VICTIM})


@pytest.fixture
def no_ray(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``import ray`` fails as if Ray were not installed (a None entry in sys.modules)."""
    monkeypatch.setitem(__import__("sys").modules, "ray", None)
    yield


def test_without_ray_the_cli_names_the_extra_and_stores_nothing(no_ray, policy: Path, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    result = CliRunner().invoke(app, ["run", str(policy), "--executor", "ray", "--db", f"sqlite:///{db}",
                                      "--no-report"])
    assert result.exit_code == 2, result.output
    assert 'pip install "auditkit[ray]"' in result.output
    assert "Traceback" not in result.output
    if db.exists():
        with sqlite3.connect(db) as con:
            assert con.execute("select count(*) from runs").fetchone() == (0,)


def test_ray_flags_without_the_ray_executor_are_refused(policy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", str(policy), "--ray-workers", "2", "--db",
                                      f"sqlite:///{tmp_path / 'audit.db'}", "--no-report"])
    assert result.exit_code == 2, result.output
    assert "--ray-workers only apply with --executor ray" in result.output


def test_actor_resources_come_from_the_policy_unless_the_flags_say_otherwise(policy: Path, tmp_path: Path) -> None:
    """``execution.ray`` in the policy sets the actors' workers, GPUs and CPUs; RayOptions (the CLI flags) win."""
    import yaml

    doc = yaml.safe_load(policy.read_text(encoding="utf-8"))
    doc["execution"] = {"ray": {"workers": 3, "num_gpus": 0.5, "num_cpus": 2}}
    path = policy.with_name("policy-resources.yaml")
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    loaded = api.load_policy(path)
    opts = RayExecutor(loaded, options=RayOptions(address="local"), device="cpu").options
    assert (opts.workers, opts.num_gpus, opts.num_cpus) == (3, 0.5, 2.0)
    opts = RayExecutor(loaded, options=RayOptions(workers=1, num_gpus=0.0), device="cpu").options
    assert (opts.workers, opts.num_gpus, opts.num_cpus) == (1, 0.0, 2.0)
    default = RayExecutor(api.load_policy(policy), device="cpu").options
    assert (default.workers, default.num_gpus, default.num_cpus) == (None, 0.0, 1.0)
    doc["execution"] = {"ray": {"num_gpus": -1}}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        api.load_policy(path)
    assert "execution.ray.num_gpus" in str(err.value)


class _DriverDied(BaseException):
    """Stands in for the driver process dying right after it committed its second finished check."""


def test_a_run_whose_driver_died_is_resumed_by_the_cli_on_ray_with_the_local_results(
        ray_cluster, policy: Path, local: dict[str, CheckOutcome], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    committed: list[str] = []
    db = f"sqlite:///{tmp_path / 'audit.db'}"
    save = Store.save_outcome

    def save_then_die(self: Store, run_id: str, outcome: CheckOutcome) -> None:
        save(self, run_id, outcome)
        committed.append(outcome.check_id)
        if len(committed) == 2:
            raise _DriverDied

    with open_store(db) as store:
        with monkeypatch.context() as patch:
            patch.setattr(Store, "save_outcome", save_then_die)
            patch.setattr(Store, "finish_run", lambda self, run_id, **kwargs: None)  # a dead driver finishes nothing
            with pytest.raises(_DriverDied):
                api.run_audit(policy, store=store, device="cpu", report=False,
                              executor=_executor(policy, ray_cluster.address))
        (summary,) = store.list_runs()
        crashed = store.get_run(summary.run_id)
        assert crashed.state is RunState.RUNNING and [o.check_id for o in crashed.outcomes] == committed
    # the CLI's Ray executor: its own connection, Ray's default of one torch thread per one-CPU worker
    result = CliRunner().invoke(app, ["run", str(policy), "--resume", summary.run_id, "--executor", "ray",
                                      "--ray-address", ray_cluster.address, "--ray-workers", "2", "--device", "cpu",
                                      "--db", db, "--no-report"])
    assert result.exit_code == 0, result.output
    assert "resumed and stored" in result.output
    with open_store(db) as store:
        resumed = store.get_run(summary.run_id)
    assert resumed.state is RunState.COMPLETE
    assert resumed.outcomes[:2] == crashed.outcomes  # the committed checks were kept, not run again
    _assert_same({o.check_id: o for o in resumed.outcomes}, local)
