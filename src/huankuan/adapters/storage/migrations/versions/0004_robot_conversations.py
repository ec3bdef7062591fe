"""robot conversations (event-sourced), case work the robot records, users and API tokens

conversations + conversation_events (the tracker's events, replayed into the state); handoffs
(cases queued for a human), callbacks, outbound_messages (the recap SMS and later others);
users + api_tokens (hashed); contact_points.invalid_reason; repayment_plans gains kind,
down_payment_due_on and agreed_on.

Revision ID: 0004_robot
Revises: 0003_gate_proof
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_robot"
down_revision = "0003_gate_proof"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _conversations()
    _case_work()
    _users()
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invalid_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("repayment_plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), server_default="instalments", nullable=False)
        )
        batch_op.add_column(sa.Column("down_payment_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("agreed_on", sa.Date(), nullable=True))


def _conversations() -> None:
    op.create_table(
        "conversations",
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("profile", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("ended", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.Column("decision_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
            name=op.f("fk_conversations_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtors.debtor_id"], name=op.f("fk_conversations_debtor_id_debtors")
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversations")),
    )
    op.create_index(op.f("ix_conversations_account_id"), "conversations", ["account_id"])
    op.create_index(op.f("ix_conversations_debtor_id"), "conversations", ["debtor_id"])
    op.create_table(
        "conversation_events",
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.conversation_id"],
            name=op.f("fk_conversation_events_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("conversation_id", "seq", name=op.f("pk_conversation_events")),
    )


def _case_work() -> None:
    op.create_table(
        "handoffs",
        sa.Column("handoff_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=80), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("conversation_id", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("details", sa.Text(), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case_id"], name=op.f("fk_handoffs_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("handoff_id", name=op.f("pk_handoffs")),
    )
    op.create_index(op.f("ix_handoffs_case_id"), "handoffs", ["case_id"])
    op.create_index("ix_handoffs_resolved_at_priority", "handoffs", ["resolved_at", "priority"])
    op.create_table(
        "callbacks",
        sa.Column("callback_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("conversation_id", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("requested_date", sa.Date(), nullable=True),
        sa.Column("requested_time", sa.String(length=5), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="scheduled", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name=op.f("fk_callbacks_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("callback_id", name=op.f("pk_callbacks")),
    )
    op.create_index(op.f("ix_callbacks_debtor_id"), "callbacks", ["debtor_id"])
    op.create_table(
        "outbound_messages",
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("conversation_id", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_verdict", sa.String(length=12), nullable=False),
        sa.Column("content_categories", sa.Text(), server_default="[]", nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_outbound_messages")),
    )
    op.create_index(op.f("ix_outbound_messages_account_id"), "outbound_messages", ["account_id"])


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(length=24), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["username"], ["users.username"], name=op.f("fk_api_tokens_username_users")
        ),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_username"), "api_tokens", ["username"])


def downgrade() -> None:
    with op.batch_alter_table("repayment_plans", schema=None) as batch_op:
        batch_op.drop_column("agreed_on")
        batch_op.drop_column("down_payment_due_on")
        batch_op.drop_column("kind")
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.drop_column("invalid_reason")
    op.drop_index(op.f("ix_api_tokens_username"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_index(op.f("ix_outbound_messages_account_id"), table_name="outbound_messages")
    op.drop_table("outbound_messages")
    op.drop_index(op.f("ix_callbacks_debtor_id"), table_name="callbacks")
    op.drop_table("callbacks")
    op.drop_index("ix_handoffs_resolved_at_priority", table_name="handoffs")
    op.drop_index(op.f("ix_handoffs_case_id"), table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_table("conversation_events")
    op.drop_index(op.f("ix_conversations_debtor_id"), table_name="conversations")
    op.drop_index(op.f("ix_conversations_account_id"), table_name="conversations")
    op.drop_table("conversations")
