"""Payments and promises in the cycle: allocation by waterfall, once; promises kept or broken."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from huankuan.adapters.storage.tables import account_states, payments, promises
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.service_layer.cycle import run_cycle
from tests.factories import add_borrower, add_payment, add_promise

DAY = date(2026, 11, 28)


@pytest.fixture
def borrower(app: App) -> App:
    """A1 in Shanghai (UTC+8): fees 1,000, penalty 5,000, interest 20,000, principal 500,000."""
    with app.engine.begin() as connection:
        add_borrower(connection, 1)
    return app


def payment_rows(app: App) -> dict[str, object]:
    with app.engine.connect() as connection:
        return {row.payment_id: row for row in connection.execute(select(payments))}


def test_it_allocates_a_pending_payment_by_the_waterfall(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P1",
            amount_minor=30_000,
            received_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        )
    report = run_cycle(borrower, DAY)
    row = payment_rows(borrower)["P1"]
    assert (row.status, row.allocated_on) == ("allocated", DAY)  # type: ignore[attr-defined]
    assert (
        row.alloc_fees_minor,
        row.alloc_penalty_minor,
        row.alloc_interest_minor,  # type: ignore[attr-defined]
        row.alloc_principal_minor,
        row.unapplied_minor,
    ) == (1_000, 5_000, 20_000, 4_000, 0)  # type: ignore[attr-defined]
    assert (report.payments_allocated, report.amount_allocated) == (1, {"CNY": 30_000})
    with borrower.engine.connect() as connection:
        state = connection.execute(select(account_states)).one()
    assert (state.fees_minor, state.penalty_minor, state.interest_minor, state.principal_minor) == (
        0,
        0,
        0,
        496_000,
    )


def test_it_lets_later_payments_see_what_earlier_ones_left(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P-late",
            amount_minor=10_000,
            received_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        )
        add_payment(
            connection,
            "P-early",
            amount_minor=4_000,
            received_at=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    rows = payment_rows(borrower)
    early, late = rows["P-early"], rows["P-late"]
    assert (early.alloc_fees_minor, early.alloc_penalty_minor) == (1_000, 3_000)  # type: ignore[attr-defined]
    assert (late.alloc_penalty_minor, late.alloc_interest_minor) == (2_000, 8_000)  # type: ignore[attr-defined]


def test_it_follows_the_configured_waterfall(borrower: App) -> None:
    borrower.settings = Settings(
        database_url=borrower.settings.database_url,
        today="2026-11-28",
        waterfall="principal,interest,penalty,fees",
    )  # type: ignore[arg-type]
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P1",
            amount_minor=30_000,
            received_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    assert payment_rows(borrower)["P1"].alloc_principal_minor == 30_000  # type: ignore[attr-defined]


def test_it_leaves_payments_received_after_the_business_date_pending(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        # 23:59 on the 28th in Shanghai, and 00:30 on the 29th there
        add_payment(
            connection,
            "P-today",
            amount_minor=1_000,
            received_at=datetime(2026, 11, 28, 15, 59, tzinfo=UTC),
        )
        add_payment(
            connection,
            "P-tomorrow",
            amount_minor=1_000,
            received_at=datetime(2026, 11, 28, 16, 30, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    rows = payment_rows(borrower)
    assert rows["P-today"].status == "allocated"  # type: ignore[attr-defined]
    assert rows["P-tomorrow"].status == "pending"  # type: ignore[attr-defined]
    assert rows["P-tomorrow"].alloc_fees_minor is None  # type: ignore[attr-defined]


def test_it_never_allocates_a_reflected_payment(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P0",
            amount_minor=50_000,
            status="reflected",
            received_at=datetime(2026, 11, 20, tzinfo=UTC),
        )
    assert run_cycle(borrower, DAY).payments_allocated == 0
    assert payment_rows(borrower)["P0"].status == "reflected"  # type: ignore[attr-defined]


def test_it_does_not_allocate_twice_when_the_day_is_run_again(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P1",
            amount_minor=30_000,
            received_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    before = payment_rows(borrower)
    again = run_cycle(borrower, DAY)
    assert again.payments_allocated == 0 and payment_rows(borrower) == before
    with borrower.engine.connect() as connection:
        assert connection.execute(select(account_states.c.principal_minor)).scalar() == 496_000


def test_it_allocates_a_new_payment_on_the_next_day_against_the_remaining_balance(
    borrower: App,
) -> None:
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P1",
            amount_minor=30_000,
            received_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    with borrower.engine.begin() as connection:
        add_payment(
            connection,
            "P2",
            amount_minor=1_000,
            received_at=datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
        )
    borrower.settings = Settings(database_url=borrower.settings.database_url, today="2026-11-29")
    run_cycle(borrower, date(2026, 11, 29))
    assert payment_rows(borrower)["P2"].alloc_principal_minor == 1_000  # type: ignore[attr-defined]


def promise_states(app: App) -> dict[str, tuple[str, date | None]]:
    with app.engine.connect() as connection:
        return {
            row.promise_id: (row.status, row.resolved_on)
            for row in connection.execute(select(promises))
        }


def test_it_keeps_and_breaks_promises_with_the_grace_period(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        # kept: a reflected payment inside the window covers it
        add_promise(
            connection,
            "kept",
            amount_minor=50_000,
            promised_on=date(2026, 11, 20),
            due_on=date(2026, 11, 24),
        )
        add_payment(
            connection,
            "P0",
            amount_minor=60_000,
            status="reflected",
            received_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        )
        # broken: due the 25th, grace 2 days, nothing paid, and today is the 28th
        add_promise(
            connection,
            "broken",
            amount_minor=10_000,
            promised_on=date(2026, 11, 24),
            due_on=date(2026, 11, 25),
        )
        # still open: due the 26th, grace runs through the 28th
        add_promise(
            connection,
            "in-grace",
            amount_minor=10_000,
            promised_on=date(2026, 11, 25),
            due_on=date(2026, 11, 26),
        )
    report = run_cycle(borrower, DAY)
    assert promise_states(borrower) == {
        "kept": ("kept", DAY),
        "broken": ("broken", DAY),
        "in-grace": ("open", None),
    }
    assert (report.promises_kept, report.promises_broken) == (1, 1)


def test_it_counts_a_payment_made_in_the_grace_period(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_promise(
            connection,
            "late-but-kept",
            amount_minor=20_000,
            promised_on=date(2026, 11, 20),
            due_on=date(2026, 11, 25),
        )
        add_payment(
            connection,
            "P1",
            amount_minor=20_000,  # the 27th local: within grace
            received_at=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    assert promise_states(borrower) == {"late-but-kept": ("kept", DAY)}


def test_it_ignores_payments_made_before_the_promise(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_promise(
            connection,
            "paid-before",
            amount_minor=5_000,
            promised_on=date(2026, 11, 25),
            due_on=date(2026, 11, 25),
        )
        add_payment(
            connection,
            "P0",
            amount_minor=5_000,
            status="reflected",
            received_at=datetime(2026, 11, 24, 1, 0, tzinfo=UTC),
        )
    run_cycle(borrower, DAY)
    assert promise_states(borrower) == {"paid-before": ("broken", DAY)}


def test_it_uses_the_configured_grace(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_promise(
            connection,
            "due-26th",
            amount_minor=5_000,
            promised_on=date(2026, 11, 20),
            due_on=date(2026, 11, 26),
        )
    borrower.settings = Settings(
        database_url=borrower.settings.database_url, today="2026-11-28", promise_grace_days=1
    )
    run_cycle(borrower, DAY)
    assert promise_states(borrower) == {"due-26th": ("broken", DAY)}


def test_it_resolves_a_promise_only_once(borrower: App) -> None:
    with borrower.engine.begin() as connection:
        add_promise(
            connection,
            "broken",
            amount_minor=10_000,
            promised_on=date(2026, 11, 1),
            due_on=date(2026, 11, 5),
        )
    run_cycle(borrower, DAY)
    again = run_cycle(borrower, DAY)
    assert (again.promises_kept, again.promises_broken) == (0, 0)
    assert promise_states(borrower)["broken"] == ("broken", DAY)
