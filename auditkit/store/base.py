"""What every repository of :class:`~auditkit.store.Store` shares: engine, sessions, errors and run lookup.

:class:`Database` owns the engine and its session factory, turns connection
and data errors into a :class:`~auditkit.errors.StoreError` that names the
database (password masked), and finds runs by full id or unique prefix. The
repositories of the store (:mod:`auditkit.store.runs`,
:mod:`auditkit.store.reports`, :mod:`auditkit.store.signoffs`,
:mod:`auditkit.store.locks`) each hold the one :class:`Database` of their
store; none imports another's module, nor the store that composes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from auditkit.errors import StoreError
from auditkit.results import RunState
from auditkit.store.engine import error_cause
from auditkit.store.tables import RunRow, SystemRow

#: How often a write that lost a race for a unique number (report version, sign-off) is retried.
MAX_ATTEMPTS = 10

_MIN_PREFIX = 6


class Database:
    """The engine, transactions and run lookup that the store's repositories share.

    One per :class:`~auditkit.store.Store`, handed to each of its
    repositories; :meth:`session` is how they reach the database.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        """The database URL with its password masked (for messages and logs)."""
        return self.engine.url.render_as_string(hide_password=True)

    # ----------------------------------------------------------------- plumbing

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn the database's errors into a StoreError naming it and the fix (never a traceback).

        Unique-constraint races (IntegrityError) pass through: callers retry them.
        """
        try:
            yield
        except exc.IntegrityError:
            raise
        except exc.DataError as error:
            raise StoreError(f"the database {self.display_url} refused a value ({self._cause(error)})") from error
        except (exc.DatabaseError, exc.InterfaceError) as error:
            raise StoreError(self._explain(error)) from error

    def _explain(self, error: BaseException) -> str:
        """The message for a database error: what is wrong with which database, and how to fix it."""
        cause, where = self._cause(error), self.display_url
        low = cause.lower()
        if "file is not a database" in low or "malformed" in low or "not a database" in low:
            return (f"the results database {where} is not a usable SQLite database ({cause}): the file is corrupt, "
                    "truncated or not an auditkit database; restore it from a backup, or give --db (or "
                    "AUDITKIT_DB_URL) another file")
        if "readonly database" in low or "read-only" in low:
            return (f"the results database {where} is read-only ({cause}) and this command writes to it; make the "
                    "file and its directory writable, or use a read-only command (runs, show, gate, diff, verify)")
        if "permission denied" in low or "insufficientprivilege" in low or "must be owner" in low:
            return (f"the database user may not do this in {where} ({cause}); grant it SELECT, INSERT, UPDATE and "
                    "DELETE on auditkit's tables (and CREATE for `auditkit db upgrade`), or use another user")
        missing = "does not exist" in low and ("relation " in low or "column " in low)
        if missing or "no such table" in low or "no such column" in low:
            return (f"the results database {where} does not have the schema this auditkit expects ({cause}); "
                    "run `auditkit db upgrade` (with the same --db or AUDITKIT_DB_URL)")
        return (f"cannot use the results database {where} ({cause}); check that it is reachable and that the URL "
                "(--db or AUDITKIT_DB_URL) is right")

    def _cause(self, error: BaseException) -> str:
        return error_cause(error, self.engine.url.render_as_string(hide_password=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A new ORM session whose database errors become StoreErrors (see :meth:`errors`)."""
        with self.errors(), self._sessions() as session:
            yield session

    def find_run(self, session: Session, run_id: str, *, lock: bool = False) -> RunRow:
        """The run with id ``run_id`` or with that unique prefix (≥ 6 characters)."""
        key = str(run_id).strip()
        query = sa.select(RunRow)
        if lock:
            query = query.with_for_update(of=RunRow)
        row = session.scalars(query.where(RunRow.run_id == key)).unique().one_or_none()
        if row is not None:
            return row
        if len(key) < _MIN_PREFIX:
            raise StoreError(
                f"no run {key!r} in {self.display_url}; give the full run id or a prefix of at least "
                f"{_MIN_PREFIX} characters (list runs with `auditkit runs`)"
            )
        matches = session.scalars(
            sa.select(RunRow.run_id)
            .where(RunRow.run_id.startswith(key, autoescape=True))
            .order_by(RunRow.run_id)
            .limit(6)
        ).all()
        if not matches:
            raise StoreError(f"no run {key!r} in {self.display_url}; list the stored runs with `auditkit runs`")
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise StoreError(f"run id prefix {key!r} is ambiguous: it matches {shown}; give more characters")
        return self.find_run(session, matches[0], lock=lock)

    @staticmethod
    def require_running(run: RunRow, action: str) -> None:
        """Raise StoreError unless ``run`` is still RUNNING (a finished run is never modified)."""
        if run.state != RunState.RUNNING:
            raise StoreError(
                f"cannot {action}: run {run.run_id} is already {run.state} "
                f"(finished at {run.finished_at}); a finished run is never modified, start a new run"
            )

    @staticmethod
    def system_id(name: str) -> sa.ScalarSelect[int]:
        """The id of system ``name``, as a subquery for a WHERE clause."""
        return sa.select(SystemRow.id).where(SystemRow.name == name).scalar_subquery()

    def close(self) -> None:
        """Release every pooled connection of the engine."""
        self.engine.dispose()
