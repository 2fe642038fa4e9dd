"""operations: run lock table; commit, heartbeat and resume time of runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:05:00

Adds what scheduled, concurrent and resumed runs need (issue #7):

* ``runs.commit``: the version-control commit a CI run audited;
* ``runs.heartbeat_at``: renewed while a run's process is alive, so a run left
  RUNNING by a killed process is recognised as interrupted;
* ``runs.resumed_at``: when an interrupted run was last resumed;
* ``run_locks``: one row per (system, policy id) being audited, with its
  holder and an expiry renewed by a heartbeat.

All new columns are nullable, so existing rows need no backfill. SQLite cannot
add columns with constraints in place in general; ``batch_alter_table`` (which
``env.py`` enables for SQLite) copies the table where needed and is a plain
``ALTER TABLE`` on PostgreSQL. Like 0001, this file imports nothing from
auditkit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the run columns and the run lock table."""
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("commit", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", _timestamp(), nullable=True))
        batch.add_column(sa.Column("resumed_at", _timestamp(), nullable=True))
    op.create_table(
        "run_locks",
        sa.Column("system_name", sa.String(length=200), nullable=False),
        sa.Column("policy_id", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("acquired_at", _timestamp(), nullable=False),
        sa.Column("heartbeat_at", _timestamp(), nullable=False),
        sa.Column("expires_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("system_name", "policy_id", name=op.f("pk_run_locks")),
    )


def downgrade() -> None:
    """Drop the run lock table and the run columns (their values are lost)."""
    op.drop_table("run_locks")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("resumed_at")
        batch.drop_column("heartbeat_at")
        batch.drop_column("commit")
