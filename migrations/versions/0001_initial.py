"""initial schema: systems, models, datasets, policies, runs, outcomes, measurements, reports, signoffs

Revision ID: 0001
Revises:
Create Date: 2026-11-25 19:15:11

Hand-checked against auditkit/store/tables.py (tests/store/test_migrations.py
compares the migrated schema with the ORM metadata on SQLite and PostgreSQL).
This file is a frozen snapshot: it imports nothing from auditkit, so later
changes to tables.py cannot change what it creates.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = "'PASS', 'FAIL', 'INCONCLUSIVE', 'ERROR', 'SKIPPED'"


def _json() -> sa.types.TypeEngine:
    """JSON, stored as JSONB on PostgreSQL."""
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamp() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the results database."""
    op.create_table(
        "systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_systems")),
        sa.UniqueConstraint("name", name=op.f("uq_systems_name")),
    )
    op.create_table(
        "models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("ref", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_models_fingerprint")),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("ref", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_datasets_fingerprint")),
    )
    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
        sa.UniqueConstraint("sha256", name=op.f("uq_policies_sha256")),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("policy_row_id", sa.Integer(), nullable=False),
        sa.Column("system_version", sa.String(length=100), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("environment", _json(), nullable=False),
        sa.Column("trigger", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("gate", sa.String(length=16), nullable=True),
        sa.Column("started_at", _timestamp(), nullable=False),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("state IN ('running', 'complete', 'failed')", name=op.f("ck_runs_state")),
        sa.CheckConstraint("gate IN ('PASS', 'FAIL', 'INCONCLUSIVE', 'ERROR')", name=op.f("ck_runs_gate")),
        sa.ForeignKeyConstraint(["system_id"], ["systems.id"], name=op.f("fk_runs_system_id_systems")),
        sa.ForeignKeyConstraint(["model_id"], ["models.id"], name=op.f("fk_runs_model_id_models")),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], name=op.f("fk_runs_dataset_id_datasets")),
        sa.ForeignKeyConstraint(
            ["policy_row_id"], ["policies.id"], name=op.f("fk_runs_policy_row_id_policies")
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
    )
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_index("ix_runs_system_id_started_at", "runs", ["system_id", "started_at"])
    op.create_table(
        "check_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("check_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("params", _json(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("started_at", _timestamp(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_check_outcomes_status")),
        sa.CheckConstraint(
            "severity IN ('blocker', 'major', 'minor', 'info')", name=op.f("ck_check_outcomes_severity")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_check_outcomes_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_outcomes")),
        sa.UniqueConstraint("run_id", "check_id", name=op.f("uq_check_outcomes_run_id_check_id")),
    )
    op.create_table(
        "measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group", sa.String(length=200), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("comparator", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("p_value", sa.Float(), nullable=True),
        sa.Column("n", sa.BigInteger(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_measurements_status")),
        sa.CheckConstraint("comparator IN ('<=', '>=')", name=op.f("ck_measurements_comparator")),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["check_outcomes.id"], name=op.f("fk_measurements_outcome_id_check_outcomes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
        sa.UniqueConstraint("outcome_id", "position", name=op.f("uq_measurements_outcome_id_position")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=250), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("html_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("html", sa.LargeBinary(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_reports_run_id_runs")),
        sa.ForeignKeyConstraint(["system_id"], ["systems.id"], name=op.f("fk_reports_system_id_systems")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("report_id", name=op.f("uq_reports_report_id")),
        sa.UniqueConstraint("system_id", "version", name=op.f("uq_reports_system_id_version")),
    )
    op.create_index("ix_reports_run_id", "reports", ["run_id"])
    op.create_table(
        "signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("function", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=50), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("signed_at", _timestamp(), nullable=False),
        sa.Column("report_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_sha256", sa.String(length=64), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_signoffs_run_id_runs")),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_signoffs_report_id_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signoffs")),
        sa.UniqueConstraint("record_sha256", name=op.f("uq_signoffs_record_sha256")),
        sa.UniqueConstraint("run_id", "prev_sha256", name=op.f("uq_signoffs_run_id_prev_sha256")),
    )
    op.create_index("ix_signoffs_report_id", "signoffs", ["report_id"])


def downgrade() -> None:
    """Drop every table, children first (indexes go with their tables)."""
    for table in (
        "signoffs",
        "reports",
        "measurements",
        "check_outcomes",
        "runs",
        "policies",
        "datasets",
        "models",
        "systems",
    ):
        op.drop_table(table)
