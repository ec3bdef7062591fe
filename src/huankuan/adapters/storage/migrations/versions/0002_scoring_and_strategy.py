"""scoring models and champion/challenger assignments

Revision ID: 0002_scoring
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_scoring"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scoring_models",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("trained_at", sa.DateTime(), nullable=False),
        sa.Column("history_until", sa.Date(), nullable=False),
        sa.Column("training_rows", sa.Integer(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("artifact", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version", "kind", "target", name=op.f("pk_scoring_models")),
    )
    op.create_table(
        "strategy_assignments",
        sa.Column("experiment", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("arm", sa.String(length=32), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint("experiment", "account_id", name=op.f("pk_strategy_assignments")),
    )
    op.create_index(
        "ix_strategy_assignments_experiment_arm",
        "strategy_assignments",
        ["experiment", "arm"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_strategy_assignments_experiment_arm", table_name="strategy_assignments")
    op.drop_table("strategy_assignments")
    op.drop_table("scoring_models")
