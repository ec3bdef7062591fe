"""The import schema: the columns of the accounts, contacts and payments files and their rules.

docs/import-schema.md documents the same thing for people; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from huankuan.domain.model import Channel, ContactKind, ContactRole, HoldType, Jurisdiction


@dataclass(frozen=True)
class Column:
    name: str
    rule: str  # see ingest_validation.RULES
    required: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class FileSchema:
    kind: str
    id_column: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_names(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


LOCALES = ("zh_CN", "en_US")
JURISDICTIONS = tuple(j.value for j in Jurisdiction)
HOLD_TYPES = tuple(h.value for h in HoldType)
CONTACT_KINDS = tuple(k.value for k in ContactKind)
CONTACT_ROLES = tuple(r.value for r in ContactRole)
CHANNELS = tuple(c.value for c in Channel)  # also the canonical order of stored opt-outs
# hold_id is f"IMP-{account_id}-{type}" in a 64-character column.
ACCOUNT_ID_MAX = 40
MINOR_UNITS_MAX_DIGITS = 15

ACCOUNTS = FileSchema(
    "accounts",
    "account_id",
    (
        Column("account_id", "id", max_length=ACCOUNT_ID_MAX),
        Column("debtor_id", "id", max_length=64),
        Column("debtor_name", "text", max_length=200),
        Column("national_id", "text", max_length=32),
        Column("date_of_birth", "date", required=False),
        Column("locale", "choice", choices=LOCALES),
        Column("jurisdiction", "choice", choices=JURISDICTIONS),
        Column("product", "text", max_length=32),
        Column("currency", "currency"),
        Column("principal_minor", "money"),
        Column("interest_minor", "money"),
        Column("penalty_minor", "money"),
        Column("fees_minor", "money"),
        Column("paid_to_date_minor", "money"),
        Column("instalment_minor", "positive_money"),
        Column("term_months", "integer", low=1, high=600),
        Column("first_due_on", "date"),
        Column("opened_on", "date"),
        Column("balance_as_of", "date"),
        Column("timezone", "timezone"),
        Column("holds", "choice_list", required=False, choices=HOLD_TYPES),
    ),
)

CONTACTS = FileSchema(
    "contacts",
    "contact_id",
    (
        Column("contact_id", "id", max_length=64),
        Column("debtor_id", "id", max_length=64),
        Column("kind", "choice", choices=CONTACT_KINDS),
        Column("value", "contact_value", max_length=500),
        Column("role", "choice", choices=CONTACT_ROLES),
        Column("timezone", "timezone", required=False),
        Column("valid", "boolean", required=False),
        Column("consent", "boolean", required=False),
        Column("opted_out", "choice_list", required=False, choices=CHANNELS),
    ),
)

PAYMENTS = FileSchema(
    "payments",
    "payment_id",
    (
        Column("payment_id", "id", max_length=64),
        Column("account_id", "id", max_length=ACCOUNT_ID_MAX),
        Column("amount_minor", "positive_money"),
        Column("currency", "currency"),
        Column("received_at", "timestamp"),
        Column("method", "text", max_length=24),
    ),
)

SCHEMAS: dict[str, FileSchema] = {s.kind: s for s in (ACCOUNTS, CONTACTS, PAYMENTS)}
DEBTOR_COLUMNS = (
    "debtor_name",
    "national_id",
    "date_of_birth",
    "locale",
    "jurisdiction",
    "timezone",
)
