"""The results database: runs, check outcomes, reports and sign-offs, in SQLite or PostgreSQL.

Open it with :func:`open_store`; every read and write goes through
:class:`Store`, which speaks the records of :mod:`auditkit.results`. The schema
lives in :mod:`auditkit.store.tables` and changes only through the Alembic
migrations in ``migrations/``.
"""

from auditkit.store.engine import resolve_url
from auditkit.store.repository import Store, open_store

__all__ = ["Store", "open_store", "resolve_url"]
