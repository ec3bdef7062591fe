"""The amount due of an account as SQL: the latest cycle's state (balances by component after
the waterfall) when there is one, else the balances the loan system reported at import."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func

from huankuan.adapters.storage.tables import account_states, accounts

STATE_TOTAL: ColumnElement[int] = (
    account_states.c.fees_minor
    + account_states.c.penalty_minor
    + account_states.c.interest_minor
    + account_states.c.principal_minor
)
IMPORTED_TOTAL: ColumnElement[int] = (
    accounts.c.fees_minor
    + accounts.c.penalty_minor
    + accounts.c.interest_minor
    + accounts.c.principal_minor
)
# Needs `account_states` outer-joined to `accounts`.
BALANCE_DUE: ColumnElement[int] = func.coalesce(STATE_TOTAL, IMPORTED_TOTAL)
