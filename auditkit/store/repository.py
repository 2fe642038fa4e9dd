"""The results store: audit runs, check outcomes, reports and sign-offs in SQL.

:class:`Store` is the only way auditkit reads or writes the database. It takes
and returns the frozen records of :mod:`auditkit.results`; ORM rows never leave
:mod:`auditkit.store`. It works the same on SQLite (the embedded default) and
PostgreSQL (the multi-user store).

The store follows the project's record-keeping rules:

* every outcome is committed as soon as it is saved, so a crashed run keeps
  what it had computed (and stays in state RUNNING);
* a finished run is never modified again;
* report versions count up per system, kept unique by a database constraint
  even when several processes render at once;
* sign-offs are appended and hash-chained per run;
* two runs of the same system and policy never overlap (the run lock), and a
  run whose process died is recognised by its stale heartbeat and can be
  resumed.

This module assembles :class:`Store` from its parts and opens it
(:func:`open_store`); the parts live beside it:

* :mod:`auditkit.store.engine`: database URLs, engines and SQLite settings;
* :mod:`auditkit.store.convert`: ORM rows to and from records, value checks;
* :mod:`auditkit.store.base`: sessions, error translation, run lookup;
* :mod:`auditkit.store.runs`, :mod:`auditkit.store.reports` and
  :mod:`auditkit.store.signoffs`: the methods for each kind of record;
* :mod:`auditkit.store.locks`: the run lock and heartbeats.

The names other code imports from here (:data:`GENESIS_SHA256`,
:func:`signoff_sha256`, :func:`resolve_url`, :data:`URL_ENV_VAR`,
:data:`DEFAULT_URL`) are re-exported from those modules.
"""

from __future__ import annotations

from auditkit.errors import StoreError
from auditkit.store import migrate
from auditkit.store.engine import DEFAULT_URL, URL_ENV_VAR, make_engine, mask_url, resolve_url, sqlite_file
from auditkit.store.locks import LocksMixin
from auditkit.store.reports import ReportsMixin
from auditkit.store.runs import RunsMixin
from auditkit.store.signoffs import GENESIS_SHA256, SignoffsMixin, signoff_sha256

__all__ = [
    "DEFAULT_URL",
    "GENESIS_SHA256",
    "URL_ENV_VAR",
    "Store",
    "open_store",
    "resolve_url",
    "signoff_sha256",
]


class Store(RunsMixin, ReportsMixin, SignoffsMixin, LocksMixin):
    """Read and write audit results in one SQL database (SQLite or PostgreSQL).

    Build it with :func:`open_store`. Every method runs in its own transaction
    and commits before it returns. Run ids may be given as a unique prefix of at
    least six characters wherever a method takes one. Use it as a context
    manager, or call :meth:`close`, to release its connections.

    The run, report and sign-off methods come from
    :class:`~auditkit.store.runs.RunsMixin`,
    :class:`~auditkit.store.reports.ReportsMixin` and
    :class:`~auditkit.store.signoffs.SignoffsMixin`, the run lock from
    :class:`~auditkit.store.locks.LocksMixin`; the engine, sessions and
    :meth:`close` from :class:`~auditkit.store.base.StoreBase`.
    """

    # ----------------------------------------------------------------- schema

    def upgrade(self) -> str:
        """Apply every pending migration (``alembic upgrade head``); return the head revision."""
        with self._errors(), self._engine.begin() as connection:
            return migrate.upgrade_to_head(connection, where=self.display_url)

    def current_revision(self) -> str | None:
        """The schema revision the database is at (None: no auditkit tables yet)."""
        with self._errors(), self._engine.connect() as connection:
            return migrate.current_revision(connection)

    def require_head(self) -> None:
        """Raise StoreError unless the database is at the newest schema revision."""
        current, head = self.current_revision(), migrate.head_revision()
        if current is not None and not migrate.is_known(current):
            raise StoreError(
                f"the database {self.display_url} is at schema revision {current}, which this auditkit does not "
                "know: it was written by a newer auditkit; upgrade auditkit (pip install -U auditkit)"
            )
        if current != head:
            state = "has no auditkit tables" if current is None else f"is at schema revision {current}"
            raise StoreError(
                f"the database {self.display_url} {state}, this auditkit needs revision {head}; "
                "run `auditkit db upgrade` (with the same --db or AUDITKIT_DB_URL) first"
            )


def open_store(url: str | None = None, *, upgrade: bool = True, check: bool = True, readonly: bool = False,
               must_exist: bool = False) -> Store:
    """Open the results database at ``url`` (see :func:`resolve_url`) and return a :class:`Store`.

    With ``upgrade=True`` pending migrations are applied first. With
    ``upgrade=False`` a database that is not at the newest schema revision is
    refused with a :class:`~auditkit.errors.StoreError` that says to run
    ``auditkit db upgrade``; ``check=False`` skips that test (and then nothing
    touches the database until the first call), which is what
    ``auditkit db upgrade`` itself needs. An unreachable database or a
    malformed URL is a StoreError naming the URL (password masked) and the cause.

    ``readonly=True`` (the commands that only read: runs, show, gate, diff, verify) implies
    ``upgrade=False`` and ``must_exist=True`` and opens a SQLite file in read-only mode, so a
    read-only file or directory works and nothing is ever created or migrated. ``must_exist=True``
    refuses a SQLite file that does not exist (naming the path) instead of creating an empty one.
    """
    resolved = resolve_url(url)
    if readonly:
        upgrade, must_exist = False, True
    path = sqlite_file(resolved)
    if must_exist and path is not None and not path.is_file():
        what = "is a directory, not a database file" if path.is_dir() else "does not exist"
        raise StoreError(
            f"the results database {str(path)!r} {what} (from --db or AUDITKIT_DB_URL: {mask_url(resolved)}); "
            "this command never creates a database: check the path, or create one with `auditkit run POLICY` "
            "or `auditkit db upgrade`"
        )
    if not upgrade and check and path is not None and not path.exists():
        raise StoreError(
            f"the database {mask_url(resolved)} has no auditkit tables (the file {str(path)!r} does not exist); "
            "run `auditkit db upgrade` (with the same --db or AUDITKIT_DB_URL) to create it"
        )
    if not upgrade and check and not readonly and path is not None:
        # check the schema without writing: a writable SQLite connection would switch the file to WAL first
        with Store(make_engine(resolved, readonly=True)) as probe:
            probe.require_head()
        check = False
    store = Store(make_engine(resolved, readonly=readonly))
    try:
        if upgrade:
            store.upgrade()
        elif check:
            store.require_head()
    except BaseException:
        store.close()
        raise
    return store
