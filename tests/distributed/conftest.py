"""A real two-node Ray cluster on this machine for the Ray executor's tests, started and stopped here.

The head node (``ray start --head`` on 127.0.0.1, one CPU, a 100 MB object
store, no dashboard) and one extra worker node (one CPU) run as foreground
``ray start --block`` processes, each the leader of its own process group, with
token authentication and usage statistics off. Two CPUs in all, one per node:
two model actors of one CPU each land on different nodes.

Teardown stops only what this fixture started: it kills both process groups and
then every process that still carries this cluster's marker in its
environment (Ray's worker processes start their own sessions, so a process
group does not hold them all). ``ray stop`` is never called: it would stop every
Ray cluster of this user on the machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import auditkit

#: Generous: the first start imports Ray's services on a busy two-core machine.
START_TIMEOUT_S = 180.0
MARKER = "AUDITKIT_TEST_RAY_CLUSTER"


@dataclass(frozen=True)
class LocalCluster:
    """A running test cluster: the head's address (``127.0.0.1:PORT``) and its node count."""

    address: str
    nodes: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_started(proc: subprocess.Popen, log: Path, what: str) -> None:
    """Wait until ``ray start`` says the node runs; fail with its log if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while "Ray runtime started" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Ray {what} did not start:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.5)


def _marked_pids(marker: str) -> list[int]:
    """Processes of this user whose environment holds ``MARKER=marker``."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:  # gone, or another user's
                continue
    return found


def _stop(procs: list[subprocess.Popen], marker: str) -> None:
    """Kill the started process groups, then any marked straggler; wait until none is left."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while pids := _marked_pids(marker):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if time.monotonic() > deadline:
            raise RuntimeError(f"Ray test processes survived SIGKILL: {pids}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[LocalCluster]:
    """A head node and one worker node on 127.0.0.1, one CPU each; this process may connect with ``address``."""
    import ray

    marker = uuid.uuid4().hex
    tmp = Path(tempfile.mkdtemp(prefix="akray-", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    code_root = str(Path(auditkit.__file__).resolve().parents[1])  # workers import this very auditkit
    pythonpath = os.pathsep.join(p for p in (code_root, os.environ.get("PYTHONPATH", "")) if p)
    settings = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    env = {**os.environ, **settings, MARKER: marker, "PYTHONPATH": pythonpath}
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)  # this process connects as a driver with the same settings
    port = _free_port()
    common = ["--num-cpus", "1", "--object-store-memory", "100000000", "--disable-usage-stats", "--block",
              "--node-ip-address", "127.0.0.1"]
    ray_cli = [sys.executable, "-m", "ray.scripts.scripts", "start"]
    procs: list[subprocess.Popen] = []
    try:
        for what, args in (("head node", ["--head", "--port", str(port), "--include-dashboard=false",
                                          "--temp-dir", str(tmp)]),
                           ("worker node", ["--address", f"127.0.0.1:{port}"])):
            log = tmp / f"{what.replace(' ', '-')}.log"
            with log.open("wb") as out:
                procs.append(subprocess.Popen([*ray_cli, *args, *common], env=env, stdout=out,
                                              stderr=subprocess.STDOUT, start_new_session=True))
            _wait_started(procs[-1], log, what)
        address = f"127.0.0.1:{port}"
        ray.init(address=address, log_to_driver=False)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while sum(n["Alive"] for n in ray.nodes()) < 2:
                assert time.monotonic() < deadline, f"the worker node never joined: {ray.nodes()}"
                time.sleep(0.5)
        finally:
            ray.shutdown()
        yield LocalCluster(address=address, nodes=2)
    finally:
        _stop(procs, marker)
        shutil.rmtree(tmp, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
