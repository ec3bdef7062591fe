"""Business dates the cycle refuses, leaving the database exactly as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from huankuan.adapters.storage.tables import metadata
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.domain.errors import CycleDateError
from huankuan.service_layer.cycle import run_cycle
from tests.factories import add_borrower, add_payment, add_promise

TABLES = (
    "accounts",
    "payments",
    "promises",
    "action_plan",
    "account_states",
    "cycle_runs",
    "audit_log",
)


def snapshot(app: App) -> dict[str, list[tuple[object, ...]]]:
    with app.engine.connect() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(select(metadata.tables[name])))
            for name in TABLES
        }


@pytest.fixture
def stored(app: App) -> App:
    with app.engine.begin() as connection:
        add_borrower(connection, 1, balance_as_of=date(2026, 11, 27))
        add_payment(
            connection, "P1", amount_minor=1_000, received_at=datetime(2026, 11, 27, 3, tzinfo=UTC)
        )
        add_promise(
            connection,
            "PTP1",
            amount_minor=1_000,
            promised_on=date(2026, 11, 1),
            due_on=date(2026, 11, 5),
        )
    return app


def test_it_refuses_a_date_in_the_future(stored: App) -> None:
    before = snapshot(stored)
    expected = r"2026-11-29 is in the future \(today is 2026-11-28\)"
    with pytest.raises(CycleDateError, match=expected):
        run_cycle(stored, date(2026, 11, 29))
    assert snapshot(stored) == before


def test_it_takes_today_from_the_clock_when_not_configured(stored: App) -> None:
    stored.settings = Settings(database_url=stored.settings.database_url)
    with pytest.raises(CycleDateError, match=r"today is 2026-11-28"):
        run_cycle(stored, date(2026, 12, 1))


def test_it_refuses_a_date_before_the_data(stored: App) -> None:
    before = snapshot(stored)
    with pytest.raises(CycleDateError, match="balances are as of 2026-11-27"):
        run_cycle(stored, date(2026, 11, 26))
    assert snapshot(stored) == before


def test_it_asks_for_accounts_first_when_none_are_stored(app: App) -> None:
    with pytest.raises(CycleDateError, match="import accounts first"):
        run_cycle(app, date(2026, 11, 28))


def test_it_refuses_to_go_back_before_a_completed_cycle(stored: App) -> None:
    run_cycle(stored, date(2026, 11, 28))
    stored.settings = Settings(database_url=stored.settings.database_url, today="2026-11-28")
    before = snapshot(stored)
    with pytest.raises(CycleDateError, match="before the last completed cycle"):
        run_cycle(stored, date(2026, 11, 27))
    assert snapshot(stored) == before


def test_it_accepts_the_balance_date_itself(stored: App) -> None:
    assert run_cycle(stored, date(2026, 11, 27)).accounts == 1
