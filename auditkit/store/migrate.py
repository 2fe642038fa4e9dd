"""Schema migrations: Alembic driven from code, no ``alembic.ini`` needed.

The migration scripts ship with auditkit (``migrations/`` in the repository,
``auditkit/_resources/migrations`` in a wheel); :func:`alembic_config` points
Alembic at them through :func:`auditkit.resources.resource_dir`. Migrations run
on a connection of the caller's engine (handed to ``env.py`` as
``config.attributes["connection"]``), so the SQLite pragmas the store sets on
connect apply to them too.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from auditkit.errors import StoreError
from auditkit.resources import resource_dir


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Build the Alembic :class:`Config` for auditkit's migrations.

    ``url`` becomes ``sqlalchemy.url`` (used by ``env.py`` when no connection is
    given, and by offline SQL generation); ``connection``, if given, is the
    connection ``env.py`` migrates on.
    """
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision among the shipped migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError(
            f"no migration scripts were found in {resource_dir('migrations')}; "
            "the installation is incomplete: reinstall auditkit"
        )
    return head


def is_known(revision: str) -> bool:
    """Whether ``revision`` is one of the shipped migration scripts."""
    script = ScriptDirectory.from_config(alembic_config())
    return revision in {rev.revision for rev in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision the database behind ``connection`` is at (None: never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(connection: Connection, *, where: str) -> str:
    """Apply every pending migration on ``connection`` and return the head revision.

    ``where`` names the database (password masked) in error messages.
    """
    try:
        command.upgrade(alembic_config(connection=connection), "head")
    except CommandError as exc:
        raise StoreError(
            f"cannot migrate the database {where}: {exc}. If it was created by a newer "
            "auditkit, upgrade auditkit (pip install -U auditkit) or use another database"
        ) from exc
    return head_revision()
