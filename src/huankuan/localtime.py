"""Local-time conversions for whole frames, done once per distinct (zone, value) pair.

Polars handles one time zone per expression, and Python's zoneinfo is the reference the scalar
code uses; so frames are reduced to their distinct (zone, value) pairs, converted in Python with
zoneinfo, and joined back. A plan of a million rows has a few hundred such pairs.

Conventions: instants are naive UTC (as stored); local wall times in a DST gap are read with
fold=0, i.e. moved forward by the gap (02:30 on a spring-forward night is 03:30 local); in a
fold (autumn) the first occurrence is meant. Unknown zone names give null, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

MICROS_PER_DAY = 86_400_000_000


@lru_cache(maxsize=4096)
def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_to_utc(local: datetime, zone_name: str) -> datetime | None:
    """A naive local wall time in `zone_name` → the naive UTC instant (None: unknown zone)."""
    tz = zone(zone_name)
    if tz is None:
        return None
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(instant: datetime, zone_name: str) -> datetime | None:
    """A naive UTC instant → the aware local time in `zone_name` (None: unknown zone)."""
    tz = zone(zone_name)
    if tz is None:
        return None
    return instant.replace(tzinfo=UTC).astimezone(tz)


def micros_of_day(moment: datetime | time) -> int:
    seconds = (moment.hour * 60 + moment.minute) * 60 + moment.second
    return seconds * 1_000_000 + moment.microsecond


def _map_pairs(
    frame: pl.DataFrame, keys: list[str], out: str, dtype: pl.DataType, function: Callable[..., Any]
) -> pl.DataFrame:
    """Add `out` = function(*keys) computed once per distinct non-null key tuple."""
    pairs = frame.select(keys).unique().drop_nulls()
    values = [function(*row) for row in pairs.iter_rows()]
    lookup = pairs.with_columns(pl.Series(out, values, dtype=dtype))
    return frame.join(lookup, on=keys, how="left", maintain_order="left")


def with_local_micros(
    frame: pl.DataFrame, *, zone_col: str, instant_col: str, out: str
) -> pl.DataFrame:
    """`out` = microseconds since local midnight of the UTC instant in the row's zone."""

    def local_micros(zone_name: str, instant: datetime) -> int | None:
        local = utc_to_local(instant, zone_name)
        return None if local is None else micros_of_day(local)

    return _map_pairs(frame, [zone_col, instant_col], out, pl.Int64(), local_micros)


def with_local_date(
    frame: pl.DataFrame, *, zone_col: str, instant_col: str, out: str
) -> pl.DataFrame:
    """`out` = the local calendar date of the UTC instant in the row's zone.

    Worked out per distinct (zone, UTC day), not per instant: the local date at the UTC day's
    start, plus one from the next local midnight on (every zone's offset is under a day, so
    one UTC day contains at most one local midnight after its start). Exact for every zone
    except one that turns its clocks back across midnight, where the repeated hour keeps the
    later date.
    """

    def boundary(zone_name: str, utc_day: date) -> dict[str, Any] | None:
        local = utc_to_local(datetime.combine(utc_day, time()), zone_name)
        if local is None:
            return None
        next_midnight = datetime.combine(date.fromordinal(local.toordinal() + 1), time())
        return {"base": local.date(), "change": local_to_utc(next_midnight, zone_name)}

    keyed = frame.with_columns(pl.col(instant_col).dt.date().alias("_utc_day"))
    dtype = pl.Struct({"base": pl.Date(), "change": pl.Datetime("us")})
    keyed = _map_pairs(keyed, [zone_col, "_utc_day"], "_boundary", dtype, boundary)
    return keyed.with_columns(
        pl.col("_boundary")
        .struct.field("base")
        .dt.offset_by(
            pl.when(pl.col(instant_col) >= pl.col("_boundary").struct.field("change"))
            .then(pl.lit("1d"))
            .otherwise(pl.lit("0d"))
        )
        .alias(out)
    ).drop("_utc_day", "_boundary")


def with_utc_from_local(
    frame: pl.DataFrame, *, zone_col: str, local_col: str, out: str
) -> pl.DataFrame:
    """`out` = the naive UTC instant of the naive local wall time in the row's zone."""
    return _map_pairs(
        frame,
        [zone_col, local_col],
        out,
        pl.Datetime("us"),
        lambda zone_name, local: local_to_utc(local, zone_name),
    )


def with_local_iso(
    frame: pl.DataFrame, *, zone_col: str, instant_col: str, out: str
) -> pl.DataFrame:
    """`out` = the local ISO-8601 text with offset, e.g. `2026-11-28T09:30:00+08:00`."""

    def iso(zone_name: str, instant: datetime) -> str | None:
        local = utc_to_local(instant, zone_name)
        return None if local is None else local.isoformat()

    return _map_pairs(frame, [zone_col, instant_col], out, pl.String(), iso)


def day_bounds_utc(zone_name: str, day: date) -> tuple[datetime, datetime] | None:
    """The naive UTC instants of local midnight starting `day` and the next day."""
    start = local_to_utc(datetime.combine(day, time()), zone_name)
    end = local_to_utc(datetime.combine(date.fromordinal(day.toordinal() + 1), time()), zone_name)
    return None if start is None or end is None else (start, end)
