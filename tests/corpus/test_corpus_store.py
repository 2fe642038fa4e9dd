"""Bad-input corpus, database half: missing, corrupt, truncated, empty, outdated, read-only databases, bad URLs,
unknown runs and held run locks.

Every case runs the CLI in-process and checks the exit code (2 for every database problem, never a traceback
and never 1 or 0 from a broken database), that the message names the database file and the fix, and that the
database is left exactly as it was: read-only commands (runs, show, gate, diff, verify --db, report) never
create, migrate or write a database, and a read-only SQLite file (0444 in a 0555 directory, WAL mode) still
opens for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from analytic_audit import make_frame, write_audit
from typer.testing import CliRunner

import auditkit
from auditkit.cli import app
from auditkit.store import open_store
from auditkit.store.locks import process_token
from auditkit.store.migrate import alembic_config
from auditkit.store.tables import RunLockRow

PERF = {"id": "perf", "kind": "performance", "severity": "blocker", "thresholds": {"accuracy": {"min": 0.1}}}
RUN_ID = "0123456789abcdef"  # any id: the database problem must be reported before the run is looked up


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    """One database holding a complete run with an HTML+PDF report (built once, copied per case)."""
    tmp = tmp_path_factory.mktemp("stored")
    policy = write_audit(tmp, make_frame(40, {"female": 0.5, "male": 0.5}), [PERF])
    url = f"sqlite:///{tmp / 'good.db'}"
    with open_store(url) as store:
        run = auditkit.run_audit(policy, store=store, device="cpu")
        report = store.get_report(run.run_id)
    (tmp / "report.pdf").write_bytes(report.pdf)
    return {"db": tmp / "good.db", "run_id": run.run_id, "pdf": tmp / "report.pdf", "policy": policy}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``cli(*args)``: the CLI in-process with cwd ``tmp_path`` and error logs in ``tmp_path/logs``."""
    monkeypatch.delenv("AUDITKIT_DB_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("AUDITKIT_ERROR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _digest(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` and its SHA-256 (what 'nothing was written' is checked against).

    SQLite opens a WAL database, even read-only, with its ``-shm`` index and an (empty) ``-wal`` beside it
    when the directory allows: those hold no data, so they are left out, once the ``-wal`` is shown empty.
    """
    files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}
    for name, p in files.items():
        if name.endswith("-wal"):
            assert hashlib.sha256(p.read_bytes()).hexdigest() == _EMPTY_SHA256, f"{name} holds writes"
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in files.items()
            if not name.endswith(("-wal", "-shm"))}


def _clean(result) -> None:
    assert "Traceback" not in result.output and 'File "' not in result.output, result.output


# ----------------------------------------------------------------- broken database files × read-only commands


def _missing(path: Path, good: Path) -> None:
    pass


def _directory(path: Path, good: Path) -> None:
    path.mkdir()


def _corrupt(path: Path, good: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _truncated(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 3])


def _text(path: Path, good: Path) -> None:
    path.write_text("this is a CSV, not a database\nsex,score\n")


def _empty(path: Path, good: Path) -> None:
    path.write_bytes(b"")


def _old_schema(path: Path, good: Path) -> None:
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0001")


def _newer_schema(path: Path, good: Path) -> None:
    shutil.copy(good, path)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()


#: (id, how the file is broken, what the message must say)
BROKEN: list[tuple[str, Callable[[Path, Path], None], str]] = [
    ("missing", _missing, "does not exist"),
    ("directory", _directory, "is a directory"),
    ("corrupt", _corrupt, "corrupt"),
    ("truncated", _truncated, "corrupt"),
    ("text-file", _text, "corrupt"),
    ("empty-file", _empty, "auditkit db upgrade"),
    ("old-schema", _old_schema, "auditkit db upgrade"),
    ("newer-schema", _newer_schema, "newer auditkit"),
]

#: read-only commands (and report, which adds versions to an existing database but never creates one)
READERS = {
    "runs": lambda db, pdf: ["runs", "--db", db],
    "show": lambda db, pdf: ["show", RUN_ID, "--db", db],
    "gate": lambda db, pdf: ["gate", RUN_ID, "--db", db],
    "diff": lambda db, pdf: ["diff", RUN_ID, RUN_ID + "0", "--db", db],
    "verify": lambda db, pdf: ["verify", pdf, "--db", db],
    "report": lambda db, pdf: ["report", RUN_ID, "--db", db, "--out", "out"],
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(("make", "needle"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_database_is_exit_2_naming_it_and_left_untouched(cli, stored, tmp_path, make, needle, reader):
    db = tmp_path / "audit.db"
    make(db, stored["db"])
    before = _digest(tmp_path)
    result = cli(*READERS[reader](f"sqlite:///{db}", stored["pdf"]))
    assert result.exit_code == 2, result.output
    _clean(result)
    assert str(db) in result.output and needle in result.output, result.output
    assert _digest(tmp_path) == before  # nothing created, migrated or written
    assert not (tmp_path / "out").exists() and not (tmp_path / "logs").exists()


@pytest.mark.parametrize(("make", "needle"), [b[1:] for b in BROKEN[2:5]], ids=[b[0] for b in BROKEN[2:5]])
@pytest.mark.parametrize("writer", ["run", "db-upgrade"])
def test_writing_commands_refuse_a_corrupt_database_with_exit_2(cli, stored, tmp_path, make, needle, writer):
    db = tmp_path / "audit.db"
    make(db, stored["db"])
    args = ["run", stored["policy"], "--device", "cpu", "--no-report"] if writer == "run" else ["db", "upgrade"]
    result = cli(*args, "--db", f"sqlite:///{db}")
    assert result.exit_code == 2, result.output
    _clean(result)
    assert str(db) in result.output and needle in result.output


# ----------------------------------------------------------------- read-only databases


@pytest.fixture
def readonly_db(stored, tmp_path) -> Path:
    """A copy of the stored database in WAL mode, file 0444 in a 0555 directory (restored afterwards)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "audit.db"
    shutil.copy(stored["db"], db)
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(0o555)
    yield db
    folder.chmod(0o755)


@pytest.mark.parametrize(("command_", "code"), [("runs", 0), ("show", 0), ("gate", 0), ("verify", 0)])
def test_a_read_only_wal_database_opens_for_reading(cli, stored, readonly_db, command_, code):
    assert sa.create_engine(f"sqlite:///{readonly_db}").connect().exec_driver_sql(
        "PRAGMA journal_mode").scalar() == "wal"
    before = _digest(readonly_db.parent)
    args = {"runs": ["runs"], "show": ["show", stored["run_id"]], "gate": ["gate", stored["run_id"]],
            "verify": ["verify", stored["pdf"]]}[command_]
    result = cli(*args, "--db", f"sqlite:///{readonly_db}")
    assert result.exit_code == code, result.output
    _clean(result)
    assert ("gate: PASS" if command_ == "gate" else stored["run_id"][:12]) in result.output
    assert _digest(readonly_db.parent)["audit.db"] == before["audit.db"]


def test_read_only_commands_never_write_a_good_database(cli, stored, tmp_path):
    db = tmp_path / "audit.db"
    shutil.copy(stored["db"], db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    url = f"sqlite:///{db}"
    for args in (["runs"], ["show", stored["run_id"]], ["gate", stored["run_id"]],
                 ["diff", stored["run_id"], stored["run_id"]], ["verify", stored["pdf"]]):
        result = cli(*args, "--db", url)
        assert result.exit_code in (0, 2), result.output  # diff of a run with itself is a usage error
        _clean(result)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


# ----------------------------------------------------------------- URLs and run ids

BAD_URLS = [
    ("unknown-driver", "nosuchdb://host/x", "cannot use the database URL"),
    ("not-a-url", "just some words", "cannot use the database URL"),
    ("unreachable-postgres", "postgresql://auditor:s3cret@127.0.0.1:1/results", "auditor:***@127.0.0.1:1"),
    ("sqlite-in-missing-dir", "sqlite:////nonexistent-dir-auditkit/x.db", "/nonexistent-dir-auditkit/x.db"),
]


@pytest.mark.parametrize(("url", "needle"), [u[1:] for u in BAD_URLS], ids=[u[0] for u in BAD_URLS])
def test_bad_database_urls_are_exit_2_without_the_password(cli, tmp_path, url, needle):
    result = cli("runs", "--db", url)
    assert result.exit_code == 2, result.output
    _clean(result)
    assert needle in result.output and "s3cret" not in result.output
    assert list(tmp_path.iterdir()) == []


UNKNOWN_RUNS = [
    ("no-such-run", "zzzzzzzz", "no run 'zzzzzzzz'"),
    ("too-short-prefix", "abc", "at least 6 characters"),
    ("markup-run-id", "[red]nope[/]", "no run '[red]nope[/]'"),
]


@pytest.mark.parametrize(("run_id", "needle"), [u[1:] for u in UNKNOWN_RUNS], ids=[u[0] for u in UNKNOWN_RUNS])
@pytest.mark.parametrize("verb", ["show", "gate", "report"])
def test_unknown_run_ids_are_exit_2_naming_the_id(cli, stored, tmp_path, run_id, needle, verb):
    db = tmp_path / "audit.db"
    shutil.copy(stored["db"], db)
    before = _digest(tmp_path)
    extra = ["--out", tmp_path / "out"] if verb == "report" else []
    result = cli(verb, run_id, "--db", f"sqlite:///{db}", *extra)
    assert result.exit_code == 2, result.output
    _clean(result)
    assert needle in result.output
    assert _digest(tmp_path) == before and not (tmp_path / "out").exists()


# ----------------------------------------------------------------- run locks


def _plant_lock(url: str, *, token: str | None, pid: int, host: str, expires_in_s: float) -> None:
    now = dt.datetime.now(dt.UTC)
    with open_store(url) as store, store._session() as session:
        session.add(RunLockRow(system_name="analytic-system", policy_id="analytic", owner="e" * 32, token=token,
                               host=host, pid=pid, run_id=None, acquired_at=now, heartbeat_at=now,
                               expires_at=now + dt.timedelta(seconds=expires_in_s)))
        session.commit()


def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


LOCKS = [
    # (id, token, host, pid, expires in s, exit code): only an expired lock or a provably gone token is taken over
    ("live-token-this-process", "mine", "here", "mine", 60, 2),
    ("unknown-token-same-host-dead-pid", "0" * 32, "here", "dead", 60, 2),
    ("legacy-row-no-token-dead-pid", None, "here", "dead", 60, 2),
    ("other-host-live", "1" * 32, "other-host", 1, 60, 2),
    ("other-host-expired", "1" * 32, "other-host", 1, -1, 0),
    ("gone-token-same-host", "gone", "here", "dead", 60, 0),
]


@pytest.mark.parametrize(("token", "host", "pid", "expires", "code"), [c[1:] for c in LOCKS],
                         ids=[c[0] for c in LOCKS])
def test_run_lock_takeover_needs_expiry_or_a_provably_gone_token(cli, stored, tmp_path, monkeypatch, token, host,
                                                                 pid, expires, code):
    monkeypatch.setenv("AUDITKIT_LOCK_TOKEN_DIR", str(tmp_path / "tokens"))
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    if token == "mine":
        token = process_token()
    elif token == "gone":  # a token file nobody holds a lock on: its process died (as after SIGKILL)
        token = "2" * 32
        (tmp_path / "tokens").mkdir()
        (tmp_path / "tokens" / token).write_text("host 1\n")
    pid = os.getpid() if pid == "mine" else _dead_pid() if pid == "dead" else pid
    _plant_lock(url, token=token, pid=pid, host=socket.gethostname() if host == "here" else host,
                expires_in_s=expires)
    result = cli("run", stored["policy"], "--db", url, "--device", "cpu", "--no-report")
    assert result.exit_code == code, result.output
    _clean(result)
    with open_store(url, readonly=True) as store:
        runs = store.list_runs()
        holder = store.lock_holder("analytic-system", "analytic")
    if code == 2:
        assert f"pid {pid}" in result.output and "--wait-lock" in result.output
        assert runs == [] and holder["token"] == token  # nothing started, the live lock kept
    else:
        assert len(runs) == 1 and holder is None


# ----------------------------------------------------------------- PostgreSQL permissions and schema


def _pg_exec(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


PG_CASES = [
    # (id, SQL run as the owner after migrating, role the command connects as, command, text the message must say)
    ("no-privileges-runs", ["CREATE ROLE {role} LOGIN"], "role", "runs", "grant it SELECT"),
    ("select-only-run", ["CREATE ROLE {role} LOGIN", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"],
     "role", "run", "grant it SELECT"),
    ("dropped-column-runs", ["ALTER TABLE runs DROP COLUMN commit"], "owner", "runs", "auditkit db upgrade"),
    ("dropped-lock-table-run", ["DROP TABLE run_locks"], "owner", "run", "auditkit db upgrade"),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("sql", "who", "verb", "needle"), [c[1:] for c in PG_CASES], ids=[c[0] for c in PG_CASES])
def test_postgres_permission_and_schema_errors_are_exit_2_with_the_fix(cli, stored, postgres_db_url, sql, who, verb,
                                                                      needle):
    with open_store(postgres_db_url):
        pass  # migrated to head by its owner
    role = f"reader_{os.getpid()}_{abs(hash(postgres_db_url)) % 10**6}"
    _pg_exec(postgres_db_url, *(s.format(role=role) for s in sql))
    url = postgres_db_url.replace("postgres@", f"{role}@", 1) if who == "role" else postgres_db_url
    args = ["runs"] if verb == "runs" else ["run", stored["policy"], "--device", "cpu", "--no-report"]
    result = cli(*args, "--db", url)
    assert result.exit_code == 2, result.output
    _clean(result)
    assert needle in result.output and url.split("@", 1)[1].split("/")[0] in result.output, result.output
