"""The relational schema (SQLAlchemy Core). Same tables on SQLite and PostgreSQL.

Conventions: ids are the lender's external ids (text); money is integer minor units with a
currency column; every stored datetime is UTC (naive columns, UTC by contract); dates are
account-local calendar dates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Money = BigInteger  # minor units

debtors = Table(
    "debtors",
    metadata,
    Column("debtor_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("national_id", String(32), nullable=False),
    Column("date_of_birth", Date),
    Column("timezone", String(64), nullable=False),
    Column("locale", String(8), nullable=False),
    Column("jurisdiction", String(16), nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(80), primary_key=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False, unique=True),
    Column("assigned_to", String(64)),
    Column("status", String(16), nullable=False, server_default="open"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False, index=True),
    Column("product", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    # Balances by component as the loan system reported them on `balance_as_of`.
    Column("principal_minor", Money, nullable=False),
    Column("interest_minor", Money, nullable=False),
    Column("penalty_minor", Money, nullable=False),
    Column("fees_minor", Money, nullable=False),
    Column("paid_to_date_minor", Money, nullable=False),
    Column("instalment_minor", Money, nullable=False),
    Column("term_months", Integer, nullable=False),
    Column("first_due_on", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("balance_as_of", Date, nullable=False),
    Column("timezone", String(64), nullable=False),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("value", Text, nullable=False),
    Column("role", String(24), nullable=False),
    Column("timezone", String(64)),
    Column("valid", Boolean, nullable=False),
    Column("consent", Boolean, nullable=False),
    Column("opted_out", String(64), nullable=False, server_default=""),
)

payments = Table(
    "payments",
    metadata,
    Column("payment_id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("amount_minor", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("method", String(24), nullable=False),
    # pending → allocated by the cycle; reflected = already inside the imported balances
    Column("status", String(12), nullable=False, server_default="pending"),
    Column("alloc_fees_minor", Money),
    Column("alloc_penalty_minor", Money),
    Column("alloc_interest_minor", Money),
    Column("alloc_principal_minor", Money),
    Column("unapplied_minor", Money),
    Column("allocated_on", Date),
)

promises = Table(
    "promises",
    metadata,
    Column("promise_id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("amount_minor", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("promised_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(8), nullable=False, server_default="open"),
    Column("resolved_on", Date),
)

repayment_plans = Table(
    "repayment_plans",
    metadata,
    Column("plan_id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("down_payment_minor", Money, nullable=False),
    Column("discount_minor", Money, nullable=False),
    Column("status", String(12), nullable=False, server_default="active"),
    Column("created_at", DateTime, nullable=False),
)

plan_instalments = Table(
    "plan_instalments",
    metadata,
    Column("plan_id", String(64), ForeignKey("repayment_plans.plan_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("amount_minor", Money, nullable=False),
)

holds = Table(
    "holds",
    metadata,
    Column("hold_id", String(64), primary_key=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False, index=True),
    Column("account_id", String(64)),
    Column("hold_type", String(24), nullable=False),
    Column("starts_at", DateTime, nullable=False),
    Column("ends_at", DateTime),
    Column("reason", Text, nullable=False),
)

contact_attempts = Table(
    "contact_attempts",
    metadata,
    Column("attempt_id", String(64), primary_key=True),
    Column("action_id", String(96)),
    Column("debtor_id", String(64), nullable=False, index=True),
    Column("contact_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("decision", String(8), nullable=False),
    Column("rules", Text, nullable=False),
    Column("outcome", String(32)),
)

disputes = Table(
    "disputes",
    metadata,
    Column("dispute_id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("written", Boolean, nullable=False),
    Column("verified_at", DateTime),
)

complaints = Table(
    "complaints",
    metadata,
    Column("complaint_id", String(64), primary_key=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("resolved_at", DateTime),
)

account_states = Table(
    "account_states",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("bucket", String(16), nullable=False),
    Column("oldest_unpaid_due_on", Date),
    Column("fees_minor", Money, nullable=False),
    Column("penalty_minor", Money, nullable=False),
    Column("interest_minor", Money, nullable=False),
    Column("principal_minor", Money, nullable=False),
    Column("score", Integer, nullable=False),
    Column("segment", String(16), nullable=False),
    Column("score_reasons", Text, nullable=False),
)

action_plan = Table(
    "action_plan",
    metadata,
    Column("action_id", String(96), primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("contact_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("contact_role", String(24), nullable=False),
    Column("template", String(64), nullable=False),
    Column("scheduled_at", DateTime, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("bucket", String(16), nullable=False),
    Column("segment", String(16), nullable=False),
    Column("decision", String(8), nullable=False),
    Column("rules", Text, nullable=False),
    Column("next_allowed_at", DateTime),
    Column("gate_version", String(64), nullable=False),
    Index("ix_action_plan_business_date_priority", "business_date", "priority"),
)

cycle_runs = Table(
    "cycle_runs",
    metadata,
    Column("business_date", Date, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(12), nullable=False),
    Column("stats", Text, nullable=False, server_default="{}"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_id", String(128), nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
