"""Database URLs and engines: which database to open, and how to connect to it.

:func:`resolve_url` picks the URL (argument, ``$AUDITKIT_DB_URL`` or the
SQLite default) and points PostgreSQL URLs at the psycopg 3 driver;
:func:`make_engine` builds the SQLAlchemy engine with the per-connection
SQLite settings the store's concurrency rules rely on (WAL, busy timeout,
foreign keys, ``BEGIN IMMEDIATE``). :func:`mask_url` and :func:`error_cause`
keep passwords out of every message.
"""

from __future__ import annotations

import os
import re
import sqlite3
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url

from auditkit.errors import StoreError

#: Environment variable that names the database when no URL is given.
URL_ENV_VAR = "AUDITKIT_DB_URL"
#: Database used when neither a URL nor the environment variable is given (relative to the cwd).
DEFAULT_URL = "sqlite:///auditkit.db"

_SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$AUDITKIT_DB_URL``, else ``sqlite:///auditkit.db``.

    ``postgresql://`` and ``postgres://`` URLs are rewritten to use the psycopg 3
    driver (``postgresql+psycopg://``), which is the one auditkit installs.
    """
    chosen = url or os.environ.get(URL_ENV_VAR) or DEFAULT_URL
    for plain in ("postgresql://", "postgres://"):
        if chosen.startswith(plain):
            return "postgresql+psycopg://" + chosen[len(plain) :]
    return chosen


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def error_cause(error: BaseException, url: str) -> str:
    """A one-line reason for ``error``, without the URL's password."""
    inner = getattr(error, "orig", None) or error
    text = " ".join(str(inner).split()) or type(inner).__name__
    try:
        password = make_url(url).password
    except exc.ArgumentError:
        password = None
    return text.replace(str(password), "***") if password else text


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings: WAL, a busy timeout, foreign keys on.

    ``isolation_level = None`` stops the sqlite3 module from issuing its own
    BEGIN, so SQLAlchemy's (see :func:`_on_sqlite_begin`) is the only one and
    savepoints work.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: sa.Connection) -> None:
    """Start every SQLite transaction as a writer (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another process wrote in between; an immediate
    one waits (up to the busy timeout) and then sees the latest data.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_file(url: str) -> Path | None:
    """The file a ``sqlite:///PATH`` URL names, or None (in-memory, a ``file:`` URI, or not SQLite)."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        return None
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _readonly_creator(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connect to ``path`` in SQLite's read-only mode (``file:PATH?mode=ro``).

    A read-only file (mode 0444), a read-only directory or a WAL database whose ``-shm`` cannot be
    created still opens: when ``mode=ro`` cannot read it, the file is opened as ``immutable=1``
    (nobody can be writing it if its directory does not even let SQLite create the WAL index).
    """
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.OperationalError:
            conn.close()
            if os.access(path.parent, os.W_OK):
                raise
            conn = sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)
        return conn

    return connect


def _on_sqlite_readonly_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection settings of a read-only SQLite engine: no WAL switch (a write), query-only."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _on_sqlite_readonly_begin(connection: sa.Connection) -> None:
    """A read-only transaction is a plain deferred BEGIN (``BEGIN IMMEDIATE`` needs a write lock)."""
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    """An engine for ``url``, with the SQLite settings the store relies on.

    ``readonly=True`` opens a SQLite file in SQLite's read-only mode (see :func:`_readonly_creator`),
    for commands that only read; other databases are opened as usual. A malformed URL or a missing
    driver is a :class:`~auditkit.errors.StoreError` naming the URL (password masked) and the cause.
    """
    try:
        parsed = make_url(url)
        options: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql":
            options["connect_args"] = {"connect_timeout": 10}
        path = sqlite_file(url) if readonly else None
        if path is not None:
            options["creator"] = _readonly_creator(path)
        engine = sa.create_engine(parsed, **options)
    except (exc.ArgumentError, ImportError) as error:
        raise StoreError(
            f"cannot use the database URL {mask_url(url)}: {error_cause(error, url)}. Give a URL such as "
            "sqlite:///auditkit.db or postgresql://user:password@host/dbname (PostgreSQL needs "
            'pip install "auditkit[postgres]")'
        ) from error
    if engine.dialect.name == "sqlite" and readonly and sqlite_file(url) is not None:
        event.listen(engine, "connect", _on_sqlite_readonly_connect)
        event.listen(engine, "begin", _on_sqlite_readonly_begin)
    elif engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine
