"""Alembic environment for auditkit's results database.

Run through :mod:`auditkit.store.migrate` (``auditkit db upgrade``), which builds
the Alembic config in code and passes an open connection in
``config.attributes["connection"]``. Without one, the URL comes from
``config.get_main_option("sqlalchemy.url")``, so the plain ``alembic`` command
works as well. Offline mode (``--sql``) emits the SQL instead of running it.

SQLite cannot alter most things in place, so migrations run in batch mode
(``render_as_batch=True``): Alembic copies the table. On PostgreSQL, an
advisory lock serialises concurrent upgrades of the same database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection

from auditkit.store.tables import metadata

config = context.config
target_metadata = metadata

#: Arbitrary key of the PostgreSQL advisory lock held while migrating.
_PG_LOCK_KEY = 0x41554449  # "AUDI"


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "no database URL: set sqlalchemy.url in the Alembic config or pass a connection "
            "in config.attributes['connection'] (auditkit db upgrade does this for you)"
        )
    return url


def run_migrations_offline() -> None:
    """Emit the migration SQL for the configured URL without connecting."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate on the connection passed in, or on a new one to the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = sa.create_engine(_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            _run_on(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
