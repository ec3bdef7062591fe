"""gate proof: stored gate decisions with their inputs, and richer contact attempts

contact_attempts gains what the gate counts (role, direction, connected, conversation, debts)
and a link to the decision; gate_decisions holds every decision on a real attempt with the
canonical inputs it saw and their sha256.

Revision ID: 0003_gate_proof
Revises: 0002_scoring
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_gate_proof"
down_revision = "0002_scoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_role", sa.String(length=24), nullable=True))
        batch_op.add_column(
            sa.Column("direction", sa.String(length=8), server_default="outbound", nullable=False)
        )
        batch_op.add_column(sa.Column("connected", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("conversation", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("debt_ids", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("decision_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contact_attempts_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "gate_decisions",
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("action_id", sa.String(length=96), nullable=True),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("profile", sa.String(length=80), nullable=False),
        sa.Column("profile_hash", sa.String(length=64), nullable=False),
        sa.Column("gate_version", sa.String(length=96), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(), nullable=True),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_gate_decisions")),
    )
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_decisions_action_id"), ["action_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_decisions_action_id"))
    op.drop_table("gate_decisions")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_attempts_action_id"))
        batch_op.drop_column("decision_id")
        batch_op.drop_column("debt_ids")
        batch_op.drop_column("conversation")
        batch_op.drop_column("connected")
        batch_op.drop_column("direction")
        batch_op.drop_column("contact_role")
