"""The relational schema (SQLAlchemy Core). Same tables on SQLite and PostgreSQL.

Conventions: ids are the lender's external ids (text); money is integer minor units with a
currency column; every stored datetime is UTC (naive columns, UTC by contract); dates are
account-local calendar dates.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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
    false,
    true,
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
    Column("invalid_reason", Text),  # why `valid` was set false (e.g. a wrong party answered)
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
    Index("ix_payments_received_at", "received_at"),
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
    Index("ix_promises_promised_on", "promised_on"),
    Index("ix_promises_resolved_on", "resolved_on"),
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
    Column("kind", String(12), nullable=False, server_default="instalments"),  # or settlement
    Column("down_payment_due_on", Date),
    Column("agreed_on", Date),
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

# One row per contact tried or made, inbound ones included. Only rows with decision 'allow'
# are contacts that happened; they are the history the gate counts (frequency, conversations,
# third parties reached). `decision_id` points at the gate decision that approved or refused it.
contact_attempts = Table(
    "contact_attempts",
    metadata,
    Column("attempt_id", String(64), primary_key=True),
    Column("action_id", String(96), index=True),
    Column("debtor_id", String(64), nullable=False, index=True),
    Column("contact_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("decision", String(8), nullable=False),
    Column("rules", Text, nullable=False),
    Column("outcome", String(32)),
    Column("contact_role", String(24)),  # null on old rows: read from contact_points
    Column("direction", String(8), nullable=False, server_default="outbound"),
    Column("connected", Boolean),  # null: unknown, counted as connected
    Column("conversation", Boolean, nullable=False, server_default=false()),
    Column("debt_ids", Text, nullable=False, server_default="[]"),  # JSON list of account ids
    Column("decision_id", String(64)),
    Column("actor", String(80)),  # who made it: "robot", "user:<name>", "system"; null on old rows
    # The supervisor's KPIs read contacts, payments, promises and complaints by date window.
    Index("ix_contact_attempts_at", "at"),
)

# The proof: every gate decision on a real attempt (at dispatch), with the canonical JSON of
# the inputs it saw (attempt, debtor facts, history), their sha256, and the profile by label and
# content hash. `huankuan compliance replay ACTION_ID` re-decides from `inputs`.
gate_decisions = Table(
    "gate_decisions",
    metadata,
    Column("decision_id", String(64), primary_key=True),
    Column("action_id", String(96), index=True),
    Column("debtor_id", String(64), nullable=False),
    Column("decided_at", DateTime, nullable=False),
    Column("stage", String(16), nullable=False),
    Column("profile", String(80), nullable=False),
    Column("profile_hash", String(64), nullable=False),
    Column("gate_version", String(96), nullable=False),
    Column("decision", String(8), nullable=False),
    Column("rules", Text, nullable=False),
    Column("next_allowed_at", DateTime),
    Column("inputs_hash", String(64), nullable=False),
    Column("inputs", Text, nullable=False),
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
    Index("ix_complaints_opened_at", "opened_at"),
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

# -- scoring and strategy (issue 6) -----------------------------------------------------------

scoring_models = Table(
    "scoring_models",
    metadata,
    # One trained version holds a model per (kind, target): kind "scorecard" (WOE, optbinning)
    # or "gbm" (LightGBM); target "pay_30d" or "roll". The artifact is the model as JSON text
    # (scorecard bins and points; LightGBM's own text format), never a pickle.
    Column("version", Integer, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("target", String(16), primary_key=True),
    Column("trained_at", DateTime, nullable=False),
    Column("history_until", Date, nullable=False),
    Column("training_rows", Integer, nullable=False),
    Column("features", Text, nullable=False),
    Column("metrics", Text, nullable=False),
    Column("artifact", Text, nullable=False),
)

strategy_assignments = Table(
    "strategy_assignments",
    metadata,
    # Champion/challenger: each account's arm in an experiment, fixed at first assignment
    # (stable hashing makes it reproducible; the row makes it auditable and lets the report
    # measure recovery against the balance at assignment).
    Column("experiment", String(64), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("arm", String(32), nullable=False),
    Column("assigned_on", Date, nullable=False),
    Column("balance_minor", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Index("ix_strategy_assignments_experiment_arm", "experiment", "arm"),
)

# -- robot conversations, case work and users (issue 4) ---------------------------------------

# A robot conversation; its state is what replaying its events gives (dialogue/tracker.py), and
# `state`, `ended` and `end_reason` are kept here only as a summary for listings.
conversations = Table(
    "conversations",
    metadata,
    Column("conversation_id", String(40), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False, index=True),
    Column("contact_id", String(64)),
    Column("lang", String(2), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("profile", String(16), nullable=False),
    Column("state", String(32), nullable=False),
    Column("ended", Boolean, nullable=False, server_default=false()),
    Column("end_reason", String(32)),
    Column("decision_id", String(64)),  # the gate decision that allowed the contact
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

conversation_events = Table(
    "conversation_events",
    metadata,
    Column(
        "conversation_id",
        String(40),
        ForeignKey("conversations.conversation_id"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("type", String(24), nullable=False),
    Column("payload", JSON, nullable=False),
)

# Cases queued for a human: "urgent" (self-harm: a trained colleague, at once) or "normal".
handoffs = Table(
    "handoffs",
    metadata,
    Column("handoff_id", String(40), primary_key=True),
    Column("case_id", String(80), ForeignKey("cases.case_id"), nullable=False, index=True),
    Column("account_id", String(64)),
    Column("conversation_id", String(40)),
    Column("reason", String(32), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("details", Text, nullable=False, server_default="{}"),
    Column("created_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Index("ix_handoffs_resolved_at_priority", "resolved_at", "priority"),
)

callbacks = Table(
    "callbacks",
    metadata,
    Column("callback_id", String(40), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("debtor_id", String(64), nullable=False, index=True),
    Column("contact_id", String(64)),
    Column("conversation_id", String(40)),
    Column("channel", String(16), nullable=False),
    Column("requested_date", Date),
    Column("requested_time", String(5)),  # HH:MM, the debtor's local time
    Column("scheduled_at", DateTime),  # the first instant the gate allows; null: none found
    Column("status", String(12), nullable=False, server_default="scheduled"),
    Column("created_at", DateTime, nullable=False),
)

# Messages the platform means to send (the robot's recap SMS, …), with the content guard's
# verdict and the gate decision; `status`: queued (allowed, not yet sent), sent, deferred (the
# gate says later: next_allowed_at), blocked (the gate or the guard refused it).
outbound_messages = Table(
    "outbound_messages",
    metadata,
    Column("message_id", String(40), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("debtor_id", String(64), nullable=False),
    Column("contact_id", String(64)),
    Column("conversation_id", String(40)),
    Column("channel", String(16), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("template", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("content_verdict", String(12), nullable=False),
    Column("content_categories", Text, nullable=False, server_default="[]"),
    Column("decision_id", String(64)),
    Column("status", String(12), nullable=False),
    Column("next_allowed_at", DateTime),
    Column("provider_id", String(64)),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("created_by", String(80)),  # "robot", "user:<name>"; null on old rows
)

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text),  # argon2id; null: API tokens only
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_at", DateTime, nullable=False),
)

# API tokens: only the sha256 of the token is stored; the token itself is shown once.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(24), primary_key=True),
    Column("username", String(64), ForeignKey("users.username"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

# -- the pages: agent workbench, supervisor, compliance, borrower portal (issue 5) -------------

# Free-text notes on a case (agents, supervisors).
case_notes = Table(
    "case_notes",
    metadata,
    Column("note_id", String(40), primary_key=True),
    Column("case_id", String(80), ForeignKey("cases.case_id"), nullable=False, index=True),
    Column("author", String(80), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Signed-in page sessions. The cookie carries a random token; only its sha256 is stored, so a
# leaked table does not let anyone sign in. Logging out (or an admin) revokes a session.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("username", String(64), ForeignKey("users.username"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("lang", String(2), nullable=False, server_default="zh"),
)

# Every sign-in attempt, for throttling (per username and per client address) and review.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("attempt_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_client_at", "client", "at"),
)

# Borrower-portal links (sent by SMS): the URL carries a signed, expiring token naming the link;
# the borrower proves who they are with a second factor, with a limit on failed tries.
portal_links = Table(
    "portal_links",
    metadata,
    Column("link_id", String(40), primary_key=True),
    Column("debtor_id", String(64), ForeignKey("debtors.debtor_id"), nullable=False, index=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_at", DateTime),
    Column("verified_at", DateTime),
    Column("revoked_at", DateTime),
)

# Payments started through the payment-provider port (the portal's "pay"); the provider's signed
# webhook settles them, and a settled intent becomes a row in `payments`.
payment_intents = Table(
    "payment_intents",
    metadata,
    Column("intent_id", String(40), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("debtor_id", String(64), nullable=False),
    Column("amount_minor", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("provider_ref", String(80), unique=True),
    Column("status", String(12), nullable=False),  # pending | succeeded | failed
    Column("created_at", DateTime, nullable=False),
    Column("settled_at", DateTime),
    Column("payment_id", String(64)),
    Column("link_id", String(40)),
)

# The supervisor's review of flagged conversations and messages (content-guard hits, self-harm
# escalations): one row per flag, opened when the flag is found, closed with a resolution.
flag_reviews = Table(
    "flag_reviews",
    metadata,
    Column("flag_id", String(40), primary_key=True),
    Column("kind", String(24), nullable=False),  # content_guard | self_harm | handoff
    Column("source_type", String(24), nullable=False),  # conversation | message | handoff
    Column("source_id", String(64), nullable=False),
    Column("case_id", String(80), nullable=False, index=True),
    Column("summary", Text, nullable=False),
    Column("status", String(12), nullable=False, server_default="open"),  # open | resolved
    Column("opened_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Column("resolved_by", String(80)),
    Column("resolution", String(24)),
    Column("resolution_note", Text),
    Index("uq_flag_reviews_source", "source_type", "source_id", "kind", unique=True),
)
