"""Valid, time-zone-consistent phone numbers for synthetic debtors, generated vectorised.

Numbers are built from pools of prefixes that phonenumbers itself confirms: a US pool holds
area code + exchange pairs whose `time_zones_for_number` names the wanted zone, a Chinese pool
holds mobile and landline prefixes. Only the subscriber digits are random.
"""

from __future__ import annotations

from functools import cache

import phonenumbers
import polars as pl
from phonenumbers import timezone as phone_timezones
from phonenumbers.tzdata import TIMEZONE_DATA

from huankuan.simulation.draws import Draws

CHINA_ZONE = "Asia/Shanghai"

# Where US debtors live (roughly by population); every zone must have a prefix pool.
US_ZONE_SHARES: dict[str, float] = {
    "America/New_York": 0.45,
    "America/Chicago": 0.28,
    "America/Denver": 0.05,
    "America/Phoenix": 0.03,
    "America/Los_Angeles": 0.17,
    "America/Anchorage": 0.01,
    "Pacific/Honolulu": 0.01,
}

# phonenumbers maps no Alaskan prefix to Anchorage alone: the general 907 prefix gives
# (America/Adak, America/Anchorage). Those numbers still contain the debtor's zone.
_ZONE_SETS_FOR_PREFIX: dict[str, tuple[str, ...]] = {
    "America/Anchorage": ("America/Adak", "America/Anchorage"),
}

_EXCHANGES = [f"{nxx:03d}" for nxx in range(203, 990, 41) if nxx % 100 != 55 and nxx != 555]
_AREA_CODES_PER_ZONE = 30
_CN_MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + [f"18{d}" for d in range(10)]
)
# Beijing, Shanghai, Guangzhou, Shenzhen, Chengdu, Hangzhou: area code + first local digit.
_CN_TAIL_DIGITS = {"mobile": 8, "landline": 7}
_CN_LANDLINE_PREFIXES = [
    f"{area}{first}" for area in ("10", "21", "20", "755", "28", "571") for first in "2345678"
]


def zone_set_for(zone: str) -> tuple[str, ...]:
    """The `time_zones_for_number` answer a generated number of `zone` carries."""
    return _ZONE_SETS_FOR_PREFIX.get(zone, (zone,))


def _is_good(number: str, zones: tuple[str, ...]) -> bool:
    parsed = phonenumbers.parse(number, None)
    return (
        phonenumbers.is_valid_number(parsed)
        and phone_timezones.time_zones_for_number(parsed) == zones
    )


def _area_codes(zone: str) -> list[str]:
    """Area codes whose whole prefix maps to `zone` (no finer prefix says otherwise)."""
    wanted = zone_set_for(zone)
    us_prefixes = {key: value for key, value in TIMEZONE_DATA.items() if key.startswith("1")}
    area_codes = []
    for key, value in sorted(us_prefixes.items()):
        if len(key) != 4 or value != wanted:
            continue
        finer = [other for other in us_prefixes if other.startswith(key) and other != key]
        if zone in _ZONE_SETS_FOR_PREFIX or not finer:
            area_codes.append(key[1:])
    step = max(1, len(area_codes) // _AREA_CODES_PER_ZONE)
    return area_codes[::step][:_AREA_CODES_PER_ZONE]


@cache
def us_exchange_pool(zone: str) -> tuple[str, ...]:
    """Six-digit area code + exchange prefixes valid in phonenumbers and mapped to `zone`."""
    wanted = zone_set_for(zone)
    pool = tuple(
        area + exchange
        for area in _area_codes(zone)
        for exchange in _EXCHANGES
        if all(_is_good(f"+1{area}{exchange}{line}", wanted) for line in ("0123", "9876"))
    )
    if not pool:
        raise RuntimeError(f"no valid US phone prefixes map to {zone} in this phonenumbers")
    return pool


@cache
def china_pool(kind: str) -> tuple[str, ...]:
    """National-number prefixes for "mobile" (3 digits + 8) or "landline" (area + 8 digits)."""
    candidates = _CN_MOBILE_PREFIXES if kind == "mobile" else _CN_LANDLINE_PREFIXES
    return tuple(
        prefix
        for prefix in candidates
        if all(
            _is_good(f"+86{_complete_cn(prefix, kind, fill)}", (CHINA_ZONE,))
            for fill in ("0", "5", "9")
        )
    )


def _complete_cn(prefix: str, kind: str, fill: str) -> str:
    return prefix + fill * _CN_TAIL_DIGITS[kind]


def _from_pool(draws: Draws, n: int, pool: tuple[str, ...]) -> pl.Series:
    return pl.Series(values=list(pool), dtype=pl.String).gather(draws.indices(n, len(pool)))


def _digits(draws: Draws, n: int, width: int) -> pl.Series:
    return draws.integers(n, 0, 10**width - 1).cast(pl.String).str.zfill(width)


def china_numbers(draws: Draws, n: int, kind: str = "mobile") -> pl.Series:
    """E.164 Chinese mobile or landline numbers."""
    prefixes = _from_pool(draws, n, china_pool(kind))
    return ("+86" + prefixes + _digits(draws, n, _CN_TAIL_DIGITS[kind])).alias("value")


def us_numbers(draws: Draws, zones: pl.Series) -> pl.Series:
    """E.164 US numbers, each in an exchange that phonenumbers places in its row's zone."""
    n = zones.len()
    prefixes: list[str] = []
    bounds = []
    for zone in US_ZONE_SHARES:
        pool = us_exchange_pool(zone)
        bounds.append((zone, len(prefixes), len(pool)))
        prefixes.extend(pool)
    ranges = pl.DataFrame(
        bounds, schema={"zone": pl.String, "start": pl.Int64, "size": pl.Int64}, orient="row"
    )
    frame = pl.DataFrame({"zone": zones, "pick": draws.uniform(n)}).join(
        ranges, on="zone", how="left", maintain_order="left"
    )
    if frame["size"].null_count():
        raise ValueError("a zone without a US phone pool was asked for")
    index = frame.select(
        pl.col("start")
        + (pl.col("pick") * pl.col("size")).floor().cast(pl.Int64).clip(0, pl.col("size") - 1)
    ).to_series()
    chosen = pl.Series(values=prefixes, dtype=pl.String).gather(index)
    return ("+1" + chosen + _digits(draws, n, 4)).alias("value")
