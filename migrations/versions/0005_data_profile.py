"""data profile: what the audit data held, stored with each run

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 16:20:00

Adds ``runs.data_profile`` (issue #14, item 5): the run's data profile as JSON
(``auditkit.data.profile.DataProfile.to_json``, with its own ``version``): per
model input and protected attribute column its kind, range or categories,
missing share, unit and per-group distribution, and the label's base rate per
group with a Wilson interval. It lives on the run, not on the data set: the same
file profiled under another policy (other features, units, attributes or
confidence) gives another profile. Nullable: runs stored before this revision
have no profile, and the report says so. Like the earlier revisions, this file
imports nothing from auditkit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the data profile of runs."""
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("data_profile", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))


def downgrade() -> None:
    """Drop it again (the report then says the profile was not recorded)."""
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("data_profile")
