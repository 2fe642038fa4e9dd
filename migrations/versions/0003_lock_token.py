"""run lock token: the holder's random per-process token

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 07:40:00

Adds ``run_locks.token`` (issue #12): the random per-process token of the
lock's holder. A lock is taken over before it expires only when the process
owning that token is provably gone (its token file is no longer locked, see
``auditkit.store.locks.token_gone``); a host name and a PID alone no longer
suffice, because containers sharing a host name have their own PID namespaces.

The column is nullable: a lock row written by an older auditkit has no token
and is taken over only once it has expired. ``batch_alter_table`` (which
``env.py`` enables for SQLite) is a plain ``ALTER TABLE`` on PostgreSQL. Like
0001 and 0002, this file imports nothing from auditkit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the holder's token to the run lock table."""
    with op.batch_alter_table("run_locks") as batch:
        batch.add_column(sa.Column("token", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop the token column (locks then fall back to expiry only)."""
    with op.batch_alter_table("run_locks") as batch:
        batch.drop_column("token")
