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

This module composes :class:`Store` from its parts and opens it
(:func:`open_store`); the parts live beside it:

* :mod:`auditkit.store.engine`: database URLs, engines and SQLite settings;
* :mod:`auditkit.store.convert`: ORM rows to and from records, value checks;
* :mod:`auditkit.store.base`: the :class:`~auditkit.store.base.Database` every
  repository shares (sessions, error translation, run lookup);
* :mod:`auditkit.store.runs`, :mod:`auditkit.store.reports`,
  :mod:`auditkit.store.signoffs` and :mod:`auditkit.store.locks`: one
  repository for each kind of record (runs and outcomes, reports, sign-offs,
  run locks);
* :mod:`auditkit.store.digest` (pure content digests) and
  :mod:`auditkit.store.integrity` (:meth:`Store.check_run`, :meth:`Store.check_all`:
  the stored rows recomputed against their digests).

Imports point one way: the repositories import ``base``; the lock repository
imports the run repository (a held lock renews its run's heartbeat) and the
sign-off repository the report helpers (a sign-off can store the report
version that shows it). Only this module imports them all, and none imports
this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from auditkit.errors import StoreError
from auditkit.store import migrate
from auditkit.store.base import Database
from auditkit.store.engine import make_engine, mask_url, resolve_url, sqlite_file
from auditkit.store.integrity import IntegrityRepository
from auditkit.store.locks import LockRepository
from auditkit.store.reports import ReportRepository
from auditkit.store.runs import RunRepository
from auditkit.store.signoffs import SignoffRepository

__all__ = ["Store", "open_store"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _forward(part: str, method: Callable[Concatenate[Any, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """A :class:`Store` method that calls ``method`` on the store's repository ``part``.

    ``begin_run = _forward("runs", RunRepository.begin_run)`` gives ``store.begin_run(...)`` the signature,
    return type and docstring of :meth:`RunRepository.begin_run` without writing each signature twice. The
    result is a plain function, so it behaves as any method does (``Store.begin_run(store, ...)``, patching).
    """

    @functools.wraps(method)
    def call(store: Store, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        bound: Callable[_P, _R] = getattr(getattr(store, part), method.__name__)
        return bound(*args, **kwargs)

    return call


class Store:
    """Read and write audit results in one SQL database (SQLite or PostgreSQL).

    Build it with :func:`open_store`. Every method runs in its own transaction
    and commits before it returns. Run ids may be given as a unique prefix of at
    least six characters wherever a method takes one. Use it as a context
    manager, or call :meth:`close`, to release its connections.

    A store is composed of one repository per kind of record, all sharing one
    :class:`~auditkit.store.base.Database`: :attr:`runs`
    (:class:`~auditkit.store.runs.RunRepository`), :attr:`reports`
    (:class:`~auditkit.store.reports.ReportRepository`), :attr:`signoffs`
    (:class:`~auditkit.store.signoffs.SignoffRepository`) and :attr:`locks`
    (:class:`~auditkit.store.locks.LockRepository`). Their methods are also
    the store's own (``store.get_run`` is ``store.runs.get_run``); the schema
    methods (:meth:`upgrade`, :meth:`current_revision`, :meth:`require_head`)
    are the store's.
    """

    def __init__(self, engine: Engine) -> None:
        self.database = Database(engine)
        self.runs = RunRepository(self.database)
        self.reports = ReportRepository(self.database)
        self.signoffs = SignoffRepository(self.database)
        self.locks = LockRepository(self.database, self.runs)
        self.integrity = IntegrityRepository(self.database)

    begin_run = _forward("runs", RunRepository.begin_run)
    save_outcome = _forward("runs", RunRepository.save_outcome)
    finish_run = _forward("runs", RunRepository.finish_run)
    touch_run = _forward("runs", RunRepository.touch_run)
    mark_resumed = _forward("runs", RunRepository.mark_resumed)
    mark_interrupted = _forward("runs", RunRepository.mark_interrupted)
    get_run = _forward("runs", RunRepository.get_run)
    list_runs = _forward("runs", RunRepository.list_runs)
    latest_for = _forward("runs", RunRepository.latest_for)
    add_report = _forward("reports", ReportRepository.add_report)
    get_report = _forward("reports", ReportRepository.get_report)
    list_reports = _forward("reports", ReportRepository.list_reports)
    add_signoff = _forward("signoffs", SignoffRepository.add_signoff)
    add_signoff_with_report = _forward("signoffs", SignoffRepository.add_signoff_with_report)
    list_signoffs = _forward("signoffs", SignoffRepository.list_signoffs)
    check_run = _forward("integrity", IntegrityRepository.check_run)
    check_all = _forward("integrity", IntegrityRepository.check_all)
    run_lock = _forward("locks", LockRepository.run_lock)
    lock_holder = _forward("locks", LockRepository.lock_holder)

    @property
    def display_url(self) -> str:
        """The database URL with its password masked (for messages and logs)."""
        return self.database.display_url

    @property
    def _engine(self) -> Engine:
        """The SQLAlchemy engine (tests inspect the raw tables through it)."""
        return self.database.engine

    def _session(self) -> AbstractContextManager[Session]:
        """A raw ORM session (tests plant rows through it)."""
        return self.database.session()

    # ----------------------------------------------------------------- schema

    def upgrade(self) -> str:
        """Apply every pending migration (``alembic upgrade head``); return the head revision."""
        with self.database.errors(), self.database.engine.begin() as connection:
            return migrate.upgrade_to_head(connection, where=self.display_url)

    def current_revision(self) -> str | None:
        """The schema revision the database is at (None: no auditkit tables yet)."""
        with self.database.errors(), self.database.engine.connect() as connection:
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

    # ----------------------------------------------------------------- lifetime

    def close(self) -> None:
        """Release every pooled connection of this store."""
        self.database.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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
