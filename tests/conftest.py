"""Shared fixtures: a throwaway PostgreSQL server for the session, and database URLs.

``db_url`` is parametrised over SQLite and PostgreSQL, so a test that takes it
runs on both backends. The PostgreSQL variant carries the ``postgres`` marker
and starts (once per session) a private PostgreSQL cluster from the binaries
that ``pg_config --bindir`` names (or ``initdb`` on PATH). Without them the
PostgreSQL tests are skipped locally and fail when ``CI`` is set, because in CI
they must run.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

_PG_USER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster: where it listens and how to reach its admin database."""

    port: int
    data_dir: Path

    def url(self, dbname: str = "postgres") -> str:
        """A ``postgresql://`` URL to database ``dbname`` (trust auth, no password)."""
        return f"postgresql://{_PG_USER}@127.0.0.1:{self.port}/{dbname}"


def _pg_bindir() -> Path | None:
    """Directory of the PostgreSQL server binaries (initdb, pg_ctl), or None."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _missing_postgres(reason: str) -> None:
    """Skip locally; fail in CI, where the PostgreSQL tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests (install postgresql)", pytrace=False)
    pytest.skip(f"{reason}; install postgresql to run the PostgreSQL tests")


def _as_postgres_user() -> list[str]:
    """Command prefix that runs a command as the ``postgres`` user (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        _missing_postgres("running as root and runuser is not available to drop to the postgres user")
    try:
        pwd.getpwnam(_PG_USER)
    except KeyError:
        _missing_postgres(f"running as root and there is no {_PG_USER!r} user to run the server as")
    return ["runuser", "-u", _PG_USER, "--"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}{result.stderr}")


def _start_cluster(bindir: Path, root: Path, as_pg: list[str]) -> PostgresServer:
    """initdb a cluster in ``root/data`` and start it on a free port (three tries for port races)."""
    data = root / "data"
    _run([*as_pg, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", _PG_USER, "--no-sync"], "initdb")
    settings = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1"
    last_error: RuntimeError | None = None
    for _ in range(3):
        port = _free_port()
        options = f"-p {port} -k {root} {settings}"
        try:
            _run(
                [
                    *as_pg,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(root / "log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                "pg_ctl start",
            )
        except RuntimeError as error:
            last_error = error
            continue
        return PostgresServer(port=port, data_dir=data)
    log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
    raise RuntimeError(f"could not start PostgreSQL: {last_error}\n{log[-2000:]}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL cluster for the whole test session, stopped and deleted at the end."""
    bindir = _pg_bindir()
    if bindir is None:
        _missing_postgres("PostgreSQL server binaries (initdb, pg_ctl) not found")
    as_pg = _as_postgres_user()
    root = Path(tempfile.mkdtemp(prefix="auditkit-pg-"))
    if as_pg:
        shutil.chown(root, user=_PG_USER)
    try:
        server = _start_cluster(bindir, root, as_pg)
        try:
            yield server
        finally:
            subprocess.run(
                [*as_pg, str(bindir / "pg_ctl"), "-D", str(server.data_dir), "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """URL of the throwaway cluster's ``postgres`` database (for administration)."""
    return postgres_server.url()


@pytest.fixture(scope="session")
def make_postgres_db(postgres_server: PostgresServer) -> Callable[[], str]:
    """A factory: each call creates a fresh, empty database and returns its ``postgresql://`` URL."""
    import psycopg

    counter = itertools.count()
    prefix = f"auditkit_test_{os.getpid()}"

    def create() -> str:
        name = f"{prefix}_{next(counter)}"
        with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return postgres_server.url(name)

    return create


@pytest.fixture
def postgres_db_url(make_postgres_db: Callable[[], str]) -> str:
    """URL of a fresh, empty PostgreSQL database for this test."""
    return make_postgres_db()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'auditkit.db'}"
    return request.getfixturevalue("postgres_db_url")


@pytest.fixture
def analytic(tmp_path: Path) -> Callable[..., Path]:
    """Factory for an audit of a step-function model with known rates (see ``analytic_audit.py``).

    ``analytic(rates, checks, n_per_group=400, frame_hook=None, **policy_overrides)`` writes the
    model file, the data and the policy into ``tmp_path`` and returns the policy path.
    """
    from analytic_audit import make_frame, write_audit

    def make(rates: dict[str, float], checks: list[dict], n_per_group: int = 400,
             frame_hook: Callable | None = None, **overrides: object) -> Path:
        frame = make_frame(n_per_group, rates)
        if frame_hook is not None:
            frame = frame_hook(frame)
        return write_audit(tmp_path, frame, checks, **overrides)

    return make
