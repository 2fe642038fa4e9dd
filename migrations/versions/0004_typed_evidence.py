"""typed evidence: measurement role and unit, the outcome's evidence record

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 13:10:00

Adds (issue #13) ``measurements.role`` (``decisive``: the verdict's rule read it;
``diagnostic``), ``measurements.unit`` (the kind of quantity, so every rate or
ratio is formatted alike) and ``check_outcomes.evidence``: the check's typed
evidence (summary and notes as message keys with parameters, the deciding rule,
typed tables, charts, findings with their causes) as JSON with its own
``version``. All three are nullable: outcomes stored by an earlier release keep
their English summary and free ``details`` and have no evidence (version 1); the
report reads both layouts, so no data is rewritten. Like the earlier
revisions, this file imports nothing from auditkit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the role and unit of measurements and the evidence of outcomes."""
    with op.batch_alter_table("measurements") as batch:
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("unit", sa.String(length=32), nullable=True))
    with op.batch_alter_table("check_outcomes") as batch:
        batch.add_column(sa.Column("evidence", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))


def downgrade() -> None:
    """Drop them again (outcomes then render from their summary and details)."""
    with op.batch_alter_table("check_outcomes") as batch:
        batch.drop_column("evidence")
    with op.batch_alter_table("measurements") as batch:
        batch.drop_column("unit")
        batch.drop_column("role")
