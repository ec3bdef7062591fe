"""Frame-wide local-time conversions agree with zoneinfo row by row."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from huankuan.localtime import micros_of_day, with_local_date, with_local_iso, with_local_micros

ZONES = [
    "America/New_York",
    "Europe/London",
    "Asia/Shanghai",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/St_Johns",
]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.sampled_from(ZONES), st.datetimes(datetime(2025, 1, 1), datetime(2028, 1, 1))),
        min_size=1,
        max_size=40,
    )
)
def test_it_agrees_with_zoneinfo(rows: list[tuple[str, datetime]]) -> None:
    frame = pl.DataFrame(rows, schema={"zone": pl.String, "at": pl.Datetime("us")}, orient="row")
    frame = with_local_date(frame, zone_col="zone", instant_col="at", out="day")
    frame = with_local_micros(frame, zone_col="zone", instant_col="at", out="micros")
    for zone, at, day, micros in frame.iter_rows():
        local = at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        assert (day, micros) == (local.date(), micros_of_day(local))


def test_it_writes_local_iso_with_the_offset() -> None:
    frame = pl.DataFrame(
        {
            "zone": ["Asia/Shanghai", "America/New_York", "Nowhere/Land"],
            "at": [datetime(2026, 11, 28, 1, 30)] * 3,
        }
    )
    out = with_local_iso(frame, zone_col="zone", instant_col="at", out="local")["local"]
    assert out.to_list() == ["2026-11-28T09:30:00+08:00", "2026-11-27T20:30:00-05:00", None]
