from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huankuan.domain.errors import InvalidMoney
from huankuan.domain.money import Money


def test_it_keeps_amounts_exact_in_minor_units() -> None:
    assert Money.from_major("0.10", "CNY") + Money.from_major("0.20", "CNY") == Money(30, "CNY")


def test_it_refuses_unknown_currencies() -> None:
    with pytest.raises(InvalidMoney, match="unknown currency 'XYZ'"):
        Money(100, "XYZ")


def test_it_refuses_mixing_currencies() -> None:
    with pytest.raises(InvalidMoney, match="cannot combine"):
        Money(1, "CNY") + Money(1, "USD")


def test_it_refuses_sub_minor_precision() -> None:
    with pytest.raises(InvalidMoney, match="decimal places"):
        Money.from_major("1.005", "USD")


def test_it_refuses_floats_as_minor_units() -> None:
    with pytest.raises(InvalidMoney):
        Money(1.5, "USD")  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_it_round_trips_through_major_units(minor: int) -> None:
    money = Money(minor, "USD")
    assert Money.from_major(money.major, "USD") == money
    assert money.major == Decimal(minor) / 100
