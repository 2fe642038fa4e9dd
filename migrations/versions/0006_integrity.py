"""integrity: content digests of outcomes, runs and report versions; anchored sign-off chain head

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 17:00:00

Adds the columns that make the store tamper-evident (issue #15, items 3 and 4):

* ``check_outcomes.digest``: SHA-256 of the outcome's canonical JSON (its fields,
  measurements and evidence), written in the same INSERT as the outcome;
* ``runs.digest``: the run digest written when the run finishes (a hash over the
  ordered outcome digests, the run's provenance and the policy text hash);
* ``reports.signoff_head``: the ``record_sha256`` of the last sign-off the report
  version was rendered with (64 zeros: none), so deleting the last sign-off row
  is detected;
* ``reports.digest``: SHA-256 over the report version's identity, its HTML and PDF
  hashes, its sign-off head and the run digest it was rendered from.

All nullable: rows stored before this revision have NULL, which ``auditkit db
check`` reports as "not recorded", never as tampering. Like the earlier
revisions, this file imports nothing from auditkit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the digest columns."""
    with op.batch_alter_table("check_outcomes") as batch:
        batch.add_column(sa.Column("digest", sa.String(64), nullable=True))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("digest", sa.String(64), nullable=True))
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("signoff_head", sa.String(64), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop them again (every row then reads as "digest not recorded")."""
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("digest")
        batch.drop_column("signoff_head")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("digest")
    with op.batch_alter_table("check_outcomes") as batch:
        batch.drop_column("digest")
