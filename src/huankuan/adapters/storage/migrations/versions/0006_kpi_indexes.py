"""indexes for the supervisor's KPIs: contacts, payments, promises and complaints by date

Revision ID: 0006_kpi_indexes
Revises: 0005_web
Create Date: 2026-11-29 04:40:49.738291
"""

from __future__ import annotations

from alembic import op

revision = "0006_kpi_indexes"
down_revision = "0005_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_opened_at", ["opened_at"], unique=False)

    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_contact_attempts_at", ["at"], unique=False)

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_received_at", ["received_at"], unique=False)

    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index("ix_promises_promised_on", ["promised_on"], unique=False)
        batch_op.create_index("ix_promises_resolved_on", ["resolved_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index("ix_promises_resolved_on")
        batch_op.drop_index("ix_promises_promised_on")

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_received_at")

    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_attempts_at")

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_opened_at")
