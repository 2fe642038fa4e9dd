"""Migrations create exactly the schema the ORM describes, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from auditkit.store import open_store, resolve_url
from auditkit.store.migrate import alembic_config, head_revision
from auditkit.store.tables import metadata

TABLES = {
    "systems",
    "models",
    "datasets",
    "policies",
    "runs",
    "check_outcomes",
    "measurements",
    "reports",
    "signoffs",
    "run_locks",
}


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(resolve_url(url))
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_metadata_declares_the_expected_tables() -> None:
    assert set(metadata.tables) == TABLES


def test_upgrade_from_empty_creates_every_table_at_head(db_url: str) -> None:
    assert _tables(db_url) == set()
    with open_store(db_url) as store:
        assert store.current_revision() == head_revision() == "0006"
    assert _tables(db_url) == TABLES | {"alembic_version"}


def test_migrations_match_the_orm_metadata(db_url: str) -> None:
    with open_store(db_url) as store, store._engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_upgrade_is_idempotent(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.upgrade() == head_revision()
    with open_store(db_url, upgrade=False) as store:
        assert store.current_revision() == head_revision()


def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    url = resolve_url(db_url)
    command.upgrade(alembic_config(url), "head")  # env.py builds its own engine from the URL
    assert _tables(db_url) == TABLES | {"alembic_version"}
    command.downgrade(alembic_config(url), "base")
    assert _tables(db_url) == {"alembic_version"}
    with open_store(db_url) as store:
        assert store.current_revision() == head_revision()


@pytest.mark.parametrize("url", ["sqlite:///offline.db", "postgresql+psycopg://u@localhost/offline"])
def test_offline_mode_emits_the_schema_sql(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config(url), "head", sql=True)
    sql = capsys.readouterr().out
    for table in TABLES:
        assert f"CREATE TABLE {table} (" in sql
    assert "CONSTRAINT uq_reports_system_id_version UNIQUE (system_id, version)" in sql
