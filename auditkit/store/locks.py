"""The run lock: at most one audit of the same system under the same policy at a time.

Scheduled audits (cron, Kubernetes CronJobs, CI) can overlap: a slow run is
still going when the next one starts, or two pipelines audit the same model.
Two such runs would race for the same report version and confuse reviewers,
so :meth:`LockRepository.run_lock` serialises them.

Design (the same on SQLite and PostgreSQL, no server-specific features):

* one row per held lock in ``run_locks``, keyed by ``(system name, policy
  id)``; taking the lock is an INSERT, and the primary key lets exactly one of
  several concurrent writers win;
* the holder names itself (random owner id per lock, the random per-process
  token of :func:`process_token`, host name, process id) and renews
  ``expires_at`` every :data:`HEARTBEAT_S` seconds from a background thread;
  the same beat renews the heartbeat of the run it is executing, which is how
  a killed run is recognised as interrupted;
* a lock is taken over when it has expired (its holder stopped beating for
  :data:`LOCK_TTL_S` seconds), or at once when its holder's process is
  *provably* gone: the holder keeps an exclusive ``flock`` on a token file
  named after its token (in ``$AUDITKIT_LOCK_TOKEN_DIR``, else a per-user
  directory under the temp directory) for as long as it lives, and the kernel
  drops that lock when the process dies, however it dies. A host name and a
  PID alone prove nothing: containers sharing a host name have their own PID
  namespaces (and their own temp directories, so they never see each other's
  token files and wait for the expiry instead);
* the holder deletes its row when it is done, also when the run fails.

Times are the clients' UTC clocks, so hosts sharing a PostgreSQL database need
synchronised clocks (NTP); a skew well under :data:`LOCK_TTL_S` is harmless.
A PostgreSQL advisory lock would vanish with a killed connection, but it has
no SQLite counterpart across processes and cannot say who holds it; the table
gives both backends the same behaviour and a message naming the holder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no token files, locks expire
    fcntl = None  # type: ignore[assignment]

import sqlalchemy as sa
from sqlalchemy import exc

from auditkit.errors import RunLockError, StoreError
from auditkit.store.base import Database
from auditkit.store.runs import RunRepository
from auditkit.store.tables import RunLockRow

#: Seconds after its last heartbeat that a lock counts as abandoned and may be taken over.
LOCK_TTL_S = 60.0
#: Seconds between two heartbeats of a held lock (and of the run it executes).
HEARTBEAT_S = 10.0
#: Seconds between two attempts to take a busy lock while waiting for it.
_POLL_S = 0.5


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


#: Environment variable naming the directory of the per-process token files.
TOKEN_DIR_ENV = "AUDITKIT_LOCK_TOKEN_DIR"
_TOKEN = re.compile(r"[0-9a-f]{32}")


class _ProcessToken:
    """This process's random token and the token file it holds an exclusive ``flock`` on while it lives."""

    token: str | None = None
    fd: int | None = None


def _token_dir() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(os.environ.get(TOKEN_DIR_ENV) or Path(tempfile.gettempdir()) / f"auditkit-{uid}-lock-tokens")


def _forget_token() -> None:
    """After fork the child is another process: it gets its own token (the inherited file stays the parent's)."""
    _ProcessToken.token, _ProcessToken.fd = None, None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_token)


def process_token() -> str:
    """This process's random lock token (32 hex digits), made on first use with its held token file.

    Without ``fcntl`` (Windows) or a writable token directory there is no token file: the token
    still identifies the holder, and its locks are taken over only after they expire.
    """
    if _ProcessToken.token is None:
        token = uuid.uuid4().hex
        if fcntl is not None:
            with suppress(OSError):
                folder = _token_dir()
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(folder / token, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    os.write(fd, f"{socket.gethostname()} {os.getpid()}\n".encode())
                except OSError:
                    os.close(fd)
                    raise
                _ProcessToken.fd = fd  # kept open (and locked) until the process ends
        _ProcessToken.token = token
    return _ProcessToken.token


def token_gone(token: str | None) -> bool:
    """Whether the process that owned ``token`` provably no longer exists.

    True only when its token file is here and nobody holds its ``flock`` (the kernel released it when the
    process died); then the file is removed. No file (another container, another user, an older auditkit),
    a held lock or any doubt: False, and the lock must expire first.
    """
    if fcntl is None or token is None or not _TOKEN.fullmatch(token) or token == _ProcessToken.token:
        return False
    path = _token_dir() / token
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: its process is alive
    else:
        with suppress(OSError):
            path.unlink()
        return True
    finally:
        os.close(fd)


class RunLock:
    """A held run lock: renews itself (and the attached run's heartbeat) until released.

    Made by :meth:`LockRepository.run_lock`; use it as that context manager, not directly.
    """

    def __init__(self, db: Database, runs: RunRepository, system: str, policy_id: str, owner: str, *,
                 ttl_s: float, heartbeat_s: float) -> None:
        self.system, self.policy_id, self.owner = system, policy_id, owner
        self._db, self._runs, self._ttl, self._every = db, runs, ttl_s, heartbeat_s
        self._run_id: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat_until_stopped, name=f"auditkit-lock-{owner[:8]}",
                                        daemon=True)
        #: True once a heartbeat found the lock taken over (the holder stalled longer than the TTL).
        self.lost = False

    @property
    def run_id(self) -> str | None:
        """The run executing under this lock, once :meth:`attach_run` was called."""
        return self._run_id

    def attach_run(self, run_id: str) -> None:
        """Record the run executing under this lock; from now on each heartbeat also renews the run's."""
        self._run_id = run_id
        self.beat()

    def beat(self) -> None:
        """Renew the lock's expiry and the attached run's heartbeat now."""
        now = _now()
        with self._db.session() as session:
            result = session.execute(
                sa.update(RunLockRow)
                .where(RunLockRow.system_name == self.system, RunLockRow.policy_id == self.policy_id,
                       RunLockRow.owner == self.owner)
                .values(heartbeat_at=now, expires_at=now + dt.timedelta(seconds=self._ttl), run_id=self._run_id)
            )
            session.commit()
        self.lost = self.lost or not result.rowcount
        if self._run_id is not None:
            self._runs.touch_run(self._run_id, at=now)

    def _beat_until_stopped(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.beat()
            except StoreError:  # a passing database hiccup: the next beat retries well before expiry
                continue

    def _start(self) -> None:
        self._thread.start()

    def release(self) -> None:
        """Stop the heartbeat and delete the lock row (only if this holder still owns it)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        with self._db.session() as session:
            session.execute(
                sa.delete(RunLockRow).where(RunLockRow.system_name == self.system,
                                            RunLockRow.policy_id == self.policy_id, RunLockRow.owner == self.owner)
            )
            session.commit()


class LockRepository:
    """Take, renew and release run locks (one part of :class:`~auditkit.store.Store`).

    A held lock renews the heartbeat of the run it executes, through the store's :class:`RunRepository`.
    """

    def __init__(self, db: Database, runs: RunRepository) -> None:
        self._db, self._runs = db, runs

    @contextmanager
    def run_lock(self, system: str, policy_id: str, *, wait_s: float = 0.0, ttl_s: float = LOCK_TTL_S,
                 heartbeat_s: float = HEARTBEAT_S) -> Iterator[RunLock]:
        """Hold the lock of (``system``, ``policy_id``) for the duration of the ``with`` block.

        If another live holder has it, wait up to ``wait_s`` seconds for it
        (0: do not wait), then raise :class:`~auditkit.errors.RunLockError`
        naming the holder. The lock is released when the block ends, also on
        an exception; a holder that is killed leaves it to expire after
        ``ttl_s`` seconds (or to be taken over at once on the same host).
        """
        if not wait_s >= 0:
            raise StoreError(f"the time to wait for the run lock (--wait-lock) must be 0 or more seconds, got {wait_s}")
        if not 0 < heartbeat_s < ttl_s:
            raise StoreError(f"run lock timings must satisfy 0 < heartbeat < ttl; got heartbeat={heartbeat_s}, "
                             f"ttl={ttl_s}")
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + wait_s
        while True:
            holder = self._try_lock(system, policy_id, owner, ttl_s)
            if holder is None:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                waited = f"waited {wait_s:g} s; " if wait_s else ""
                raise RunLockError(
                    f"another audit of system {system!r} under policy {policy_id!r} is running ({holder}); "
                    f"two runs of the same system and policy must not overlap. {waited}Let it finish, or pass "
                    f"--wait-lock SECONDS (wait_lock= in the Python API) to wait for it; the lock of a killed "
                    f"run is freed {ttl_s:g} s after its last heartbeat"
                )
            time.sleep(min(_POLL_S, left))
        lock = RunLock(self._db, self._runs, system, policy_id, owner, ttl_s=ttl_s, heartbeat_s=heartbeat_s)
        lock._start()
        try:
            yield lock
        except BaseException:
            # keep the run's own error: if the database is gone too, the lock simply expires after ttl_s
            with suppress(StoreError):
                lock.release()
            raise
        lock.release()

    def _try_lock(self, system: str, policy_id: str, owner: str, ttl_s: float) -> str | None:
        """Take the lock if it is free, expired or abandoned; else describe its holder."""
        now = _now()
        host, token = socket.gethostname()[:255], process_token()
        with self._db.session() as session:
            row = session.get(RunLockRow, (system, policy_id))
            if row is not None:
                abandoned = row.expires_at > now and row.host == host and token_gone(row.token)
                if row.expires_at > now and not abandoned:
                    run = f", run {row.run_id[:12]}" if row.run_id else ""
                    return (f"lock held by {row.host} pid {row.pid}{run} since "
                            f"{row.acquired_at:%Y-%m-%d %H:%M:%S} UTC, last heartbeat "
                            f"{(now - row.heartbeat_at).total_seconds():.0f} s ago")
                # expired or abandoned: remove it, unless another taker removed it first
                session.expunge(row)
                session.execute(sa.delete(RunLockRow).where(
                    RunLockRow.system_name == system, RunLockRow.policy_id == policy_id,
                    RunLockRow.owner == row.owner))
            session.add(RunLockRow(system_name=system, policy_id=policy_id, owner=owner, token=token, host=host,
                                   pid=os.getpid(), acquired_at=now, heartbeat_at=now,
                                   expires_at=now + dt.timedelta(seconds=ttl_s)))
            try:
                session.commit()
            except exc.IntegrityError:
                return "another process took the lock a moment ago"
        return None

    def lock_holder(self, system: str, policy_id: str) -> dict[str, object] | None:
        """The current row of the (``system``, ``policy_id``) lock as a dict, or None when nobody holds it."""
        with self._db.session() as session:
            row = session.get(RunLockRow, (system, policy_id))
            if row is None:
                return None
            keys = ("system_name", "policy_id", "owner", "token", "host", "pid", "run_id", "acquired_at",
                    "heartbeat_at", "expires_at")
            return {key: getattr(row, key) for key in keys}
