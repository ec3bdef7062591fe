"""Payment allocation by the waterfall: the scalar reference and the set-based step agree."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huankuan.config import Settings
from huankuan.domain.errors import ConfigError
from huankuan.domain.waterfall import COMPONENTS, DEFAULT_WATERFALL, allocate, check_waterfall
from huankuan.service_layer.cycle_steps import allocate_payments

BALANCES = {"fees": 1_000, "penalty": 5_000, "interest": 20_000, "principal": 500_000}
DAY = date(2026, 11, 28)


def test_it_pays_fees_then_penalty_then_interest_then_principal_by_default() -> None:
    allocation = allocate(30_000, BALANCES, DEFAULT_WATERFALL)
    assert allocation.parts == {
        "fees": 1_000,
        "penalty": 5_000,
        "interest": 20_000,
        "principal": 4_000,
    }
    assert allocation.unapplied == 0


def test_it_follows_a_configured_order() -> None:
    allocation = allocate(30_000, BALANCES, ("principal", "interest", "penalty", "fees"))
    assert allocation.parts["principal"] == 30_000 and allocation.parts["fees"] == 0


def test_it_leaves_what_exceeds_the_balance_unapplied() -> None:
    allocation = allocate(600_000, BALANCES, DEFAULT_WATERFALL)
    assert allocation.applied == 526_000 and allocation.unapplied == 74_000


def test_it_never_allocates_to_a_negative_balance() -> None:
    allocation = allocate(
        100, {"fees": -50, "penalty": 0, "interest": 0, "principal": 80}, DEFAULT_WATERFALL
    )
    assert allocation.parts == {"fees": 0, "penalty": 0, "interest": 0, "principal": 80}
    assert allocation.unapplied == 20


def test_it_refuses_a_waterfall_missing_a_component() -> None:
    with pytest.raises(ConfigError, match="each of"):
        check_waterfall(["fees", "interest", "principal"])


def test_it_reads_the_waterfall_from_settings() -> None:
    settings = Settings(waterfall="principal, interest, penalty, fees")  # type: ignore[arg-type]
    assert settings.waterfall == ("principal", "interest", "penalty", "fees")


def _run(payments: list[int], balances: dict[str, int], order: tuple[str, ...]) -> pl.DataFrame:
    start = datetime(2026, 11, 1)
    frame = pl.DataFrame(
        {
            "payment_id": [f"P{i:03d}" for i in range(len(payments))],
            "account_id": ["A1"] * len(payments),
            "amount_minor": payments,
            "currency": ["CNY"] * len(payments),
            "_currency": ["CNY"] * len(payments),
            # received out of id order on purpose: allocation follows the received time
            "received_at": [start - timedelta(hours=i) for i in range(len(payments))],
        },
        schema_overrides={"amount_minor": pl.Int64},
    )
    account = pl.DataFrame(
        {"account_id": ["A1"], **{f"{c}_minor": [balances[c]] for c in COMPONENTS}}
    )
    return allocate_payments(frame, account, order, DAY)


def test_it_allocates_payments_in_received_order_against_what_is_left() -> None:
    # P001 was received before P000: it pays fees and penalty first.
    result = _run([30_000, 4_000], BALANCES, DEFAULT_WATERFALL).sort("payment_id")
    first, second = result.row(1, named=True), result.row(0, named=True)
    assert (
        first["alloc_fees_minor"],
        first["alloc_penalty_minor"],
        first["alloc_interest_minor"],
    ) == (1_000, 3_000, 0)
    assert (
        second["alloc_penalty_minor"],
        second["alloc_interest_minor"],
        second["alloc_principal_minor"],
    ) == (2_000, 20_000, 8_000)
    assert result["allocated_on"].to_list() == [DAY, DAY]


def test_it_leaves_payments_in_another_currency_pending() -> None:
    frame = pl.DataFrame(
        {
            "payment_id": ["P1"],
            "account_id": ["A1"],
            "amount_minor": [100],
            "currency": ["USD"],
            "_currency": ["CNY"],
            "received_at": [datetime(2026, 11, 1)],
        }
    )
    account = pl.DataFrame({"account_id": ["A1"], **{f"{c}_minor": [10] for c in COMPONENTS}})
    assert allocate_payments(frame, account, DEFAULT_WATERFALL, DAY).height == 0


balances_strategy = st.fixed_dictionaries({c: st.integers(-1_000, 50_000) for c in COMPONENTS})


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(0, 40_000), min_size=1, max_size=8),
    balances_strategy,
    st.permutations(COMPONENTS),
)
def test_it_agrees_with_allocating_one_payment_at_a_time(
    payments: list[int], balances: dict[str, int], order: list[str]
) -> None:
    result = _run(payments, balances, tuple(order))
    remaining = dict(balances)
    # the frame's rows come in received order: the last listed payment was received first
    for row, amount in zip(result.iter_rows(named=True), reversed(payments), strict=True):
        expected = allocate(amount, remaining, order)
        assert {c: row[f"alloc_{c}_minor"] for c in COMPONENTS} == dict(expected.parts)
        assert row["unapplied_minor"] == expected.unapplied
        for component, part in expected.parts.items():
            remaining[component] -= part
