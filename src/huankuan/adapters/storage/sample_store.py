"""One sample borrower written straight into the tables (a debtor, one account whose whole
balance is due, one phone of their own): what simulated conversations over the API talk about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, insert

from huankuan.adapters.storage.tables import accounts, contact_points, debtors


@dataclass(frozen=True, slots=True)
class SampleBorrower:
    debtor_id: str
    account_id: str
    name: str
    jurisdiction: str  # "CN-NIFA" | "US-RegF"
    timezone: str
    locale: str
    currency: str
    amount_due_minor: int
    due_on: date  # the oldest unpaid due date
    balance_as_of: date
    phone: str


def add_sample_borrower(connection: Connection, borrower: SampleBorrower) -> str:
    """Returns the contact id of the borrower's phone."""
    connection.execute(
        insert(debtors).values(
            debtor_id=borrower.debtor_id,
            name=borrower.name,
            national_id=f"SIM{borrower.debtor_id}",
            date_of_birth=None,
            timezone=borrower.timezone,
            locale=borrower.locale,
            jurisdiction=borrower.jurisdiction,
        )
    )
    connection.execute(
        insert(accounts).values(
            account_id=borrower.account_id,
            debtor_id=borrower.debtor_id,
            product="cash_loan",
            currency=borrower.currency,
            principal_minor=borrower.amount_due_minor,
            interest_minor=0,
            penalty_minor=0,
            fees_minor=0,
            paid_to_date_minor=0,
            instalment_minor=borrower.amount_due_minor,
            term_months=1,
            first_due_on=borrower.due_on,
            opened_on=borrower.due_on - timedelta(days=30),
            balance_as_of=borrower.balance_as_of,
            timezone=borrower.timezone,
        )
    )
    contact_id = f"{borrower.debtor_id}-P1"
    connection.execute(
        insert(contact_points).values(
            contact_id=contact_id,
            debtor_id=borrower.debtor_id,
            kind="phone",
            value=borrower.phone,
            role="self",
            timezone=None,
            valid=True,
            consent=True,
            opted_out="",
        )
    )
    return contact_id
