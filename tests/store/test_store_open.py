"""Opening the store: URL resolution, schema checks and clear errors for bad or unreachable URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from auditkit.errors import StoreError
from auditkit.store import open_store, resolve_url


def test_resolve_url_prefers_explicit_then_env_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITKIT_DB_URL", raising=False)
    assert resolve_url() == "sqlite:///auditkit.db"
    monkeypatch.setenv("AUDITKIT_DB_URL", "sqlite:///from-env.db")
    assert resolve_url() == "sqlite:///from-env.db"
    assert resolve_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


@pytest.mark.parametrize("given", ["postgresql://u:p@h:5432/db", "postgres://u:p@h:5432/db"])
def test_resolve_url_selects_psycopg3(given: str) -> None:
    assert resolve_url(given) == "postgresql+psycopg://u:p@h:5432/db"
    assert resolve_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"


def test_default_database_is_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITKIT_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    with open_store() as store:
        assert store.current_revision() is not None
    assert (tmp_path / "auditkit.db").is_file()


def test_not_upgraded_database_is_refused_with_the_fix(db_url: str) -> None:
    with pytest.raises(StoreError, match="auditkit db upgrade") as info:
        open_store(db_url, upgrade=False)
    assert "has no auditkit tables" in str(info.value)
    with open_store(db_url, upgrade=False, check=False) as store:  # what `auditkit db upgrade` does
        store.upgrade()
    with open_store(db_url, upgrade=False) as store:
        assert store.list_runs() == []


@pytest.mark.parametrize("url", ["nosuchdialect://somewhere/db", "this is not a url"])
def test_malformed_url_is_a_store_error(url: str) -> None:
    with pytest.raises(StoreError, match="cannot use the database URL") as info:
        open_store(url)
    assert "sqlite:///auditkit.db" in str(info.value)  # says what a URL looks like


def test_unreachable_server_names_the_url_without_its_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://auditor:s3cret-pw@127.0.0.1:1/results")
    message = str(info.value)
    assert "postgresql+psycopg://auditor:***@127.0.0.1:1/results" in message
    assert "s3cret-pw" not in message
    assert "refused" in message.lower() or "failed" in message.lower()
    assert "\n" not in message and "Traceback" not in message


def test_unopenable_sqlite_file_is_a_store_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'auditkit.db'}"
    with pytest.raises(StoreError, match="unable to open database file"):
        open_store(url)


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store, store._engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        }
    assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1}


def test_foreign_keys_are_enforced(db_url: str) -> None:
    with open_store(db_url) as store, pytest.raises(sa.exc.IntegrityError), store._engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO signoffs (run_id, report_id, name, function, role, decision, "
                "signed_at, report_sha256, prev_sha256, record_sha256) VALUES ('nope', 999, 'a', "
                "'b', 'c', 'approve', '2026-01-01 00:00:00', 'x', 'y', 'z')"
            )
        )


def test_database_from_a_newer_auditkit_is_refused(db_url: str) -> None:
    with open_store(db_url) as store, store._engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer auditkit"):
        open_store(db_url, upgrade=False)
    with pytest.raises(StoreError, match=r"cannot migrate the database .*newer auditkit"):
        open_store(db_url)
