"""The run lock: one holder per (system, policy id), heartbeats, expiry and takeover of dead holders."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from store_samples import T0

from auditkit.errors import RunLockError, StoreError
from auditkit.results import RunState
from auditkit.store import Store
from auditkit.store.locks import process_token
from auditkit.store.tables import RunLockRow

SYSTEM, POLICY = "retail-credit-scorer", "credit-scoring-eu"


def _plant(store: Store, *, host: str, pid: int, expires_in_s: float, token: str | None = None) -> None:
    """Insert a lock row as another holder would have left it."""
    now = dt.datetime.now(dt.UTC)
    with store._session() as session:
        session.add(RunLockRow(system_name=SYSTEM, policy_id=POLICY, owner="f" * 32, token=token, host=host, pid=pid,
                               run_id="deadbeef0001", acquired_at=now - dt.timedelta(minutes=5), heartbeat_at=now,
                               expires_at=now + dt.timedelta(seconds=expires_in_s)))
        session.commit()


def test_a_second_holder_is_refused_with_the_holder_named(store: Store) -> None:
    with store.run_lock(SYSTEM, POLICY):
        with pytest.raises(RunLockError) as caught, store.run_lock(SYSTEM, POLICY):
            pass
        message = str(caught.value)
        assert f"pid {os.getpid()}" in message and socket.gethostname() in message
        assert "--wait-lock SECONDS" in message
        with store.run_lock(SYSTEM, "another-policy"), store.run_lock("another-system", POLICY):
            pass  # other keys are independent
    with store.run_lock(SYSTEM, POLICY):  # released at the end of the block
        pass
    assert store.lock_holder(SYSTEM, POLICY) is None


def test_the_lock_is_released_when_the_run_fails(store: Store) -> None:
    with pytest.raises(ZeroDivisionError), store.run_lock(SYSTEM, POLICY):
        1 / 0  # noqa: B018
    assert store.lock_holder(SYSTEM, POLICY) is None


def test_waiting_for_the_lock_gets_it_when_the_holder_releases(store: Store) -> None:
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with store.run_lock(SYSTEM, POLICY):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(10)
    with pytest.raises(RunLockError, match=r"waited 0\.3 s"), store.run_lock(SYSTEM, POLICY, wait_s=0.3):
        pass
    threading.Timer(0.5, release.set).start()
    t0 = time.monotonic()
    with store.run_lock(SYSTEM, POLICY, wait_s=20) as lock:
        assert store.lock_holder(SYSTEM, POLICY)["owner"] == lock.owner
    assert 0.3 < time.monotonic() - t0 < 15
    thread.join()


def test_an_expired_lock_of_another_host_is_taken_over(store: Store) -> None:
    _plant(store, host="other-host", pid=1, expires_in_s=-1)
    with store.run_lock(SYSTEM, POLICY) as lock:
        assert store.lock_holder(SYSTEM, POLICY)["owner"] == lock.owner


def test_a_live_lock_of_another_host_is_respected_until_it_expires(store: Store) -> None:
    _plant(store, host="other-host", pid=1, expires_in_s=60)
    with pytest.raises(RunLockError, match=r"other-host pid 1, run deadbeef0001"), store.run_lock(SYSTEM, POLICY):
        pass


_TOKEN_CHILD = ("import os; from auditkit.store.locks import process_token; print(os.getpid(), process_token(), "
                "flush=True); {rest}")


def test_the_lock_of_a_dead_process_on_this_host_is_taken_over_at_once(store: Store) -> None:
    child = subprocess.run([sys.executable, "-c", _TOKEN_CHILD.format(rest="")], capture_output=True, text=True,
                           check=True)
    pid, token = child.stdout.split()
    _plant(store, host=socket.gethostname(), pid=int(pid), expires_in_s=60, token=token)
    with store.run_lock(SYSTEM, POLICY) as lock:
        holder = store.lock_holder(SYSTEM, POLICY)
        assert holder["pid"] == os.getpid() and holder["token"] == process_token() and not lock.lost


def test_a_live_token_on_this_host_is_respected_even_if_its_pid_is_not_visible(store: Store) -> None:
    # a holder in another container with the same host name: its pid means nothing here, its token file is held
    child = subprocess.Popen([sys.executable, "-c", _TOKEN_CHILD.format(rest="import time; time.sleep(60)")],
                             stdout=subprocess.PIPE, text=True)
    try:
        _, token = child.stdout.readline().split()
        _plant(store, host=socket.gethostname(), pid=999_999_999, expires_in_s=60, token=token)
        with pytest.raises(RunLockError, match="pid 999999999"), store.run_lock(SYSTEM, POLICY):
            pass
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize("token", [None, "0" * 32, "../../etc/passwd"], ids=["legacy-row", "unknown-token", "bad"])
def test_same_host_and_dead_pid_without_a_provably_gone_token_waits_for_expiry(store: Store, token) -> None:
    # no token file here (another container, an older auditkit): a dead-looking pid proves nothing
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    _plant(store, host=socket.gethostname(), pid=int(child.stdout), expires_in_s=60, token=token)
    with pytest.raises(RunLockError, match="lock held by"), store.run_lock(SYSTEM, POLICY):
        pass


def test_heartbeats_renew_the_lock_and_the_attached_run(store: Store, begin) -> None:
    run_id = begin()
    with store.run_lock(SYSTEM, POLICY, ttl_s=30, heartbeat_s=0.1) as lock:
        first = store.lock_holder(SYSTEM, POLICY)
        lock.attach_run(run_id)
        time.sleep(0.6)
        later = store.lock_holder(SYSTEM, POLICY)
        run = store.get_run(run_id)
    assert later["expires_at"] > first["expires_at"] and later["run_id"] == run_id
    assert run.heartbeat_at > T0 and run.condition() == "running"
    stale = run.heartbeat_at + dt.timedelta(minutes=5)
    assert run.condition(now=stale) == "interrupted"  # what `auditkit runs` shows once the process is gone


def test_touch_run_ignores_finished_runs(store: Store, begin) -> None:
    run_id = begin()
    assert store.touch_run(run_id)
    store.finish_run(run_id, state=RunState.FAILED, gate=None, finished_at=T0 + dt.timedelta(seconds=1))
    assert not store.touch_run(run_id)
    assert store.get_run(run_id).condition() == "failed"


def test_bad_lock_timings_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="heartbeat < ttl"), store.run_lock(SYSTEM, POLICY, ttl_s=1, heartbeat_s=2):
        pass
    with pytest.raises(StoreError, match=r"--wait-lock\) must be 0 or more seconds, got -1"), \
            store.run_lock(SYSTEM, POLICY, wait_s=-1):
        pass
