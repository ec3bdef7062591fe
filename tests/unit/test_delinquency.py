"""Days past due and buckets: the domain reference and the cycle's vectorised step agree."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huankuan.domain.delinquency import (
    DEFAULT_BANDS,
    Band,
    BucketScheme,
    DueSchedule,
    add_months,
    days_past_due,
)
from huankuan.domain.errors import ConfigError
from huankuan.service_layer.cycle_steps import with_delinquency

SCHEME = BucketScheme()


def test_it_clamps_a_month_end_due_date_to_a_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)


def test_it_keeps_the_original_day_after_a_short_month() -> None:
    schedule = DueSchedule(date(2026, 1, 31), 100, 6)
    assert [schedule.due_date(i) for i in range(4)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_it_counts_days_from_the_oldest_unpaid_instalment() -> None:
    schedule = DueSchedule(date(2026, 9, 1), 100_000, 6)
    # 1.5 instalments paid: the second (2026-10-01) is the oldest unpaid.
    oldest = schedule.oldest_unpaid_due_on(150_000, date(2026, 11, 28))
    assert oldest == date(2026, 10, 1)
    assert days_past_due(oldest, date(2026, 11, 28)) == 58


def test_it_is_zero_when_paid_ahead() -> None:
    schedule = DueSchedule(date(2026, 9, 1), 100_000, 6)
    assert schedule.oldest_unpaid_due_on(400_000, date(2026, 11, 28)) is None
    assert days_past_due(None, date(2026, 11, 28)) == 0


def test_it_is_zero_on_the_due_date_itself() -> None:
    schedule = DueSchedule(date(2026, 11, 28), 100_000, 6)
    assert schedule.oldest_unpaid_due_on(0, date(2026, 11, 28)) is None


def test_it_is_zero_once_the_whole_schedule_is_paid() -> None:
    assert DueSchedule(date(2026, 1, 1), 100, 3).oldest_unpaid_due_on(300, date(2027, 1, 1)) is None


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [
        (0, "current"),
        (1, "M1"),
        (30, "M1"),
        (31, "M2"),
        (60, "M2"),
        (61, "M3"),
        (90, "M3"),
        (91, "M4+"),
        (180, "M4+"),
        (181, "write_off"),
        (4000, "write_off"),
    ],
)
def test_it_puts_days_past_due_into_the_default_buckets(dpd: int, bucket: str) -> None:
    assert SCHEME.bucket(dpd) == bucket


def test_it_splits_early_buckets_by_configuration() -> None:
    scheme = BucketScheme(
        (Band("current", 0, 0), Band("M1a", 1, 15), Band("M1b", 16, 30), *DEFAULT_BANDS[2:])
    )
    assert (scheme.bucket(15), scheme.bucket(16)) == ("M1a", "M1b")


def test_it_refuses_bands_with_a_gap() -> None:
    with pytest.raises(ConfigError, match="must start at day 31"):
        BucketScheme((Band("current", 0, 0), Band("M1", 1, 30), Band("M3", 32, None)))


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "first_due_on": pl.Date,
            "instalment_minor": pl.Int64,
            "term_months": pl.Int32,
            "paid_to_date_minor": pl.Int64,
            "applied_minor": pl.Int64,
        },
    )


def test_it_computes_the_same_days_past_due_for_a_whole_frame() -> None:
    frame = _frame(
        [
            {
                "first_due_on": date(2026, 1, 31),
                "instalment_minor": 100,
                "term_months": 12,
                "paid_to_date_minor": 100,
                "applied_minor": 0,
            },
            {
                "first_due_on": date(2026, 9, 1),
                "instalment_minor": 100_000,
                "term_months": 6,
                "paid_to_date_minor": 300_000,
                "applied_minor": 150_000,
            },
            {
                "first_due_on": date(2026, 9, 1),
                "instalment_minor": 0,
                "term_months": 6,
                "paid_to_date_minor": 0,
                "applied_minor": 0,
            },
        ]
    )
    result = with_delinquency(frame, date(2026, 11, 28), SCHEME)
    assert result["oldest_unpaid_due_on"].to_list() == [date(2026, 2, 28), None, None]
    assert result["days_past_due"].to_list() == [273, 0, 0]
    assert result["bucket"].to_list() == ["write_off", "current", "current"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "first_due_on": st.dates(date(2020, 1, 1), date(2027, 12, 31)),
                "instalment_minor": st.integers(0, 500_000),
                "term_months": st.integers(1, 60),
                "paid_to_date_minor": st.integers(0, 5_000_000),
                "applied_minor": st.integers(0, 1_000_000),
            }
        ),
        min_size=1,
        max_size=20,
    ),
    st.dates(date(2024, 1, 1), date(2028, 12, 31)),
)
def test_it_agrees_with_the_scalar_schedule(rows: list[dict[str, object]], today: date) -> None:
    result = with_delinquency(_frame(rows), today, SCHEME)
    for row, out in zip(rows, result.iter_rows(named=True), strict=True):
        schedule = DueSchedule(
            row["first_due_on"],
            row["instalment_minor"],  # type: ignore[arg-type]
            row["term_months"],
        )  # type: ignore[arg-type]
        paid = row["paid_to_date_minor"] + row["applied_minor"]  # type: ignore[operator]
        oldest = schedule.oldest_unpaid_due_on(paid, today)
        assert out["oldest_unpaid_due_on"] == oldest
        assert out["days_past_due"] == days_past_due(oldest, today)
        assert out["bucket"] == SCHEME.bucket(days_past_due(oldest, today))
