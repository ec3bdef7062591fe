"""Synthetic debtors and their delinquent accounts, with due schedules built backwards from a
target days-past-due so that `DueSchedule` gives exactly the intended delinquency.

The schedule arithmetic: pick the days past due `d`; the oldest unpaid due date is
`as_of - d` (moved by at most three days so its day of month is at most 28, keeping the bucket);
pick `k` paid instalments; then `first_due_on` is that date minus `k` months, and
`paid_to_date_minor` is `k` instalments plus less than one instalment more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from huankuan.simulation.draws import Draws
from huankuan.simulation.personas import personas_for, trait
from huankuan.simulation.phones import CHINA_ZONE, US_ZONE_SHARES
from huankuan.simulation.pools import locale_pool, pool_size, sample

# Days-past-due buckets the sample is spread over: (name, first day, last day, share).
DPD_BUCKETS: tuple[tuple[str, int, int, float], ...] = (
    ("M1", 1, 30, 0.45),
    ("M2", 31, 60, 0.22),
    ("M3", 61, 90, 0.15),
    ("M4+", 91, 180, 0.13),
    ("write_off", 181, 540, 0.05),
)
ACCOUNTS_PER_DEBTOR = 1.12
HOLD_TYPES = {
    "dispute": 0.35,
    "cease_contact": 0.2,
    "attorney": 0.2,
    "bankruptcy": 0.15,
    "deceased": 0.1,
}
TERMS = {3: 0.08, 6: 0.18, 9: 0.1, 12: 0.3, 18: 0.12, 24: 0.14, 36: 0.08}
_CN_REGIONS = ["110101", "310104", "440106", "440305", "510104", "330106", "320102", "420102"]
_CN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@dataclass(frozen=True)
class LocaleProfile:
    currency: str
    jurisdiction: str
    balance_range: tuple[int, int]  # major units, loan amount
    log_mean: float
    log_sigma: float
    monthly_rate: tuple[float, float]
    products: dict[str, float]
    daily_penalty_per_10000: int  # of the overdue amount
    late_fee_minor: int  # per overdue instalment
    late_fee_chance: float


LOCALES: dict[str, LocaleProfile] = {
    "zh_CN": LocaleProfile(
        "CNY",
        "CN-NIFA",
        (500, 50_000),
        8.5,
        1.0,
        (0.008, 0.02),
        {"cash_loan": 0.5, "consumer_instalment": 0.35, "bnpl": 0.15},
        5,
        3000,
        0.5,
    ),
    "en_US": LocaleProfile(
        "USD",
        "US-RegF",
        (300, 15_000),
        7.6,
        0.85,
        (0.01, 0.025),
        {"personal_loan": 0.6, "retail_instalment": 0.25, "medical": 0.15},
        0,
        2900,
        1.0,
    ),
}


def _by_locale(values: dict[str, object]) -> pl.Expr:
    zh, en = values["zh_CN"], values["en_US"]
    return pl.when(pl.col("locale") == "zh_CN").then(pl.lit(zh)).otherwise(pl.lit(en))


def build_debtors(seed: int, count: int, locale: str, as_of: date) -> pl.DataFrame:
    """One row per debtor, with the debtor columns of the accounts file and the persona."""
    draws = Draws(seed, "debtors")
    chinese_share = {"zh_CN": 1.0, "en_US": 0.0}.get(locale, 0.6)
    is_chinese = draws.chance(count, chinese_share)
    frame = pl.DataFrame(
        {
            "debtor_index": pl.int_range(count, eager=True),
            "locale": pl.Series(is_chinese).replace_strict(
                {True: "zh_CN", False: "en_US"}, return_dtype=pl.String
            ),
            "us_zone": draws.choice(
                count, list(US_ZONE_SHARES), list(US_ZONE_SHARES.values()), dtype=pl.String
            ),
            "age_days": draws.integers(count, 21 * 365 + 5, 68 * 365),
            "dob_known": ~draws.chance(count, 0.02),
            "persona": personas_for(seed, count),
        }
    )
    names = {
        code: sample(
            Draws(seed, f"names:{code}"), count, locale_pool(code, seed, pool_size(count)).names
        )
        for code in LOCALES
    }
    frame = frame.with_columns(
        debtor_id=_ids("D", pl.col("debtor_index"), count),
        debtor_name=pl.when(pl.col("locale") == "zh_CN")
        .then(names["zh_CN"])
        .otherwise(names["en_US"]),
        jurisdiction=_by_locale({k: v.jurisdiction for k, v in LOCALES.items()}),
        currency=_by_locale({k: v.currency for k, v in LOCALES.items()}),
        timezone=pl.when(pl.col("locale") == "zh_CN")
        .then(pl.lit(CHINA_ZONE))
        .otherwise(pl.col("us_zone")),
        birth=pl.lit(as_of) - pl.duration(days=pl.col("age_days")),
    )
    frame = frame.with_columns(national_id=_national_ids(Draws(seed, "national_ids"), frame))
    return frame.with_columns(
        date_of_birth=pl.when(pl.col("dob_known")).then(pl.col("birth"))
    ).drop("us_zone", "age_days", "dob_known", "birth")


def _ids(prefix: str, index: pl.Expr, count: int) -> pl.Expr:
    width = max(8, len(str(count)))
    return pl.lit(prefix) + (index + 1).cast(pl.String).str.zfill(width)


def _national_ids(draws: Draws, frame: pl.DataFrame) -> pl.Series:
    """18-digit resident ids (with check digit, birth date inside) or US SSN-shaped numbers."""
    n = frame.height
    base = (
        pl.Series(values=_CN_REGIONS).gather(draws.indices(n, len(_CN_REGIONS)))
        + frame["birth"].dt.strftime("%Y%m%d")
        + draws.integers(n, 0, 999).cast(pl.String).str.zfill(3)
    )
    digits = (
        pl.DataFrame({"base": base})
        .select(
            sum(
                pl.col("base").str.slice(i, 1).cast(pl.Int64) * w
                for i, w in enumerate(_CN_ID_WEIGHTS)
            )
            % 11
        )
        .to_series()
    )
    check = digits.replace_strict({i: "10X98765432"[i] for i in range(11)}, return_dtype=pl.String)
    area = draws.integers(n, 1, 898)
    area = area + (area >= 666).cast(pl.Int64)  # 666 is never issued
    ssn = (
        area.cast(pl.String).str.zfill(3)
        + "-"
        + draws.integers(n, 1, 99).cast(pl.String).str.zfill(2)
        + "-"
        + draws.integers(n, 1, 9999).cast(pl.String).str.zfill(4)
    )
    return (
        pl.select(pl.when(pl.lit(frame["locale"]) == "zh_CN").then(base + check).otherwise(ssn))
        .to_series()
        .alias("national_id")
    )


def build_accounts(seed: int, debtors: pl.DataFrame, count: int, as_of: date) -> pl.DataFrame:
    """`count` accounts over `debtors` (the first `len(debtors)` one each, the rest shared)."""
    draws = Draws(seed, "accounts")
    debtor_count = debtors.height
    extra = count - debtor_count
    owner = pl.concat(
        [pl.int_range(debtor_count, eager=True), draws.integers(max(extra, 0), 0, debtor_count - 1)]
    ).head(count)
    frame = pl.DataFrame({"account_index": pl.int_range(count, eager=True), "debtor_index": owner})
    frame = frame.join(debtors, on="debtor_index", how="left", maintain_order="left")
    frame = frame.with_columns(account_id=_ids("A", pl.col("account_index"), count))
    frame = _with_schedule(frame, draws, as_of)
    frame = _with_balances(frame, draws)
    return _with_products_and_holds(frame, draws, as_of)


def _bucket_expr(days: pl.Expr) -> pl.Expr:
    """The bucket of `days` past due: the first band whose last day is not exceeded."""
    return pl.coalesce(
        *(
            pl.when(days <= high).then(pl.lit(name))
            for name, _low, high, _share in DPD_BUCKETS[:-1]
        ),
        pl.lit(DPD_BUCKETS[-1][0]),
    )


def _target_days_past_due(draws: Draws, n: int) -> pl.Series:
    bucket = draws.indices(n, len(DPD_BUCKETS), [b[3] for b in DPD_BUCKETS])
    low = pl.Series([b[1] for b in DPD_BUCKETS]).gather(bucket)
    high = pl.Series([b[2] for b in DPD_BUCKETS]).gather(bucket)
    return (low + (draws.uniform(n) * (high - low + 1)).floor().cast(pl.Int64)).alias("target")


def _with_schedule(frame: pl.DataFrame, draws: Draws, as_of: date) -> pl.DataFrame:
    n = frame.height
    frame = frame.with_columns(
        _target_days_past_due(draws, n),
        term_months=draws.choice(n, list(TERMS), list(TERMS.values()), dtype=pl.Int64),
        paid_fraction=draws.uniform(n),
    )
    candidate = pl.lit(as_of) - pl.duration(days=pl.col("target"))
    day, month_days = candidate.dt.day().cast(pl.Int64), candidate.dt.days_in_month().cast(pl.Int64)
    backward = pl.col("target") + (day - 28).clip(lower_bound=0)
    forward = pl.col("target") - (month_days - day + 1)
    days_past_due = (
        pl.when(day <= 28)
        .then(pl.col("target"))
        .when(_bucket_expr(backward) == _bucket_expr(pl.col("target")))
        .then(backward)
        .otherwise(forward)
    )
    frame = frame.with_columns(days_past_due=days_past_due).with_columns(
        oldest_unpaid=pl.lit(as_of) - pl.duration(days=pl.col("days_past_due")),
        paid_instalments=(pl.col("paid_fraction") * pl.col("term_months")).floor().cast(pl.Int64),
    )
    month_index = pl.col("oldest_unpaid").dt.year().cast(pl.Int64) * 12 + (
        pl.col("oldest_unpaid").dt.month().cast(pl.Int64) - 1
    )
    first_month = month_index - pl.col("paid_instalments")
    as_of_month = as_of.year * 12 + as_of.month - 1
    due_before_as_of = (as_of_month - month_index) + (
        pl.col("oldest_unpaid").dt.day() < as_of.day
    ).cast(pl.Int64)
    return frame.with_columns(
        first_due_on=pl.date(
            first_month // 12, first_month % 12 + 1, pl.col("oldest_unpaid").dt.day()
        ),
        overdue_instalments=pl.min_horizontal(
            pl.col("paid_instalments") + due_before_as_of, pl.col("term_months")
        )
        - pl.col("paid_instalments"),
        bucket=_bucket_expr(pl.col("days_past_due")),
    ).drop("target", "paid_fraction")


def _with_balances(frame: pl.DataFrame, draws: Draws) -> pl.DataFrame:
    frame = _with_partial_payments(_with_loans(frame, draws), draws)
    return _split_balances(frame).drop("loan_major", "rate")


def _per_locale(name: str, index: int | None = None) -> pl.Expr:
    """A LocaleProfile attribute (or one element of it) per row, by the row's locale."""
    values = {code: getattr(profile, name) for code, profile in LOCALES.items()}
    if index is not None:
        values = {code: value[index] for code, value in values.items()}
    return _by_locale(values)


def _with_loans(frame: pl.DataFrame, draws: Draws) -> pl.DataFrame:
    """Lognormal loan amount, flat monthly rate, scheduled interest and equal instalments."""
    n = frame.height
    log_amount = _per_locale("log_mean") + _per_locale("log_sigma") * pl.lit(draws.normal(n))
    rate_low, rate_high = _per_locale("monthly_rate", 0), _per_locale("monthly_rate", 1)
    return (
        frame.with_columns(
            loan_major=log_amount.exp()
            .clip(_per_locale("balance_range", 0), _per_locale("balance_range", 1))
            .round(0)
            .cast(pl.Int64),
            rate=rate_low + (rate_high - rate_low) * pl.lit(draws.uniform(n)),
        )
        .with_columns(loan_minor=pl.col("loan_major") * 100)
        .with_columns(
            scheduled_interest=(pl.col("loan_minor") * pl.col("rate") * pl.col("term_months"))
            .round(0)
            .cast(pl.Int64),
        )
        .with_columns(
            instalment_minor=(
                pl.col("loan_minor") + pl.col("scheduled_interest") + pl.col("term_months") - 1
            )
            // pl.col("term_months"),
        )
    )


def _with_partial_payments(frame: pl.DataFrame, draws: Draws) -> pl.DataFrame:
    """Part of the next instalment already paid (1 .. instalment-1), for some personas more."""
    n = frame.height
    pays_partially = draws.uniform(n) < trait(frame["persona"], "partial_payment")
    share = pl.lit(draws.uniform(n))
    return frame.with_columns(
        partial_minor=pl.when(pl.lit(pays_partially))
        .then((share * (pl.col("instalment_minor") - 1)).floor().cast(pl.Int64) + 1)
        .otherwise(0)
        .clip(0, pl.col("instalment_minor") - 1),
        fee_chance=pl.lit(draws.uniform(n)),
    )


def _split_balances(frame: pl.DataFrame) -> pl.DataFrame:
    total = pl.col("loan_minor") + pl.col("scheduled_interest")
    penalty_rate = _by_locale({k: v.daily_penalty_per_10000 for k, v in LOCALES.items()})
    late_fee = _by_locale({k: v.late_fee_minor for k, v in LOCALES.items()})
    fee_chance = _by_locale({k: v.late_fee_chance for k, v in LOCALES.items()})
    return (
        frame.with_columns(
            paid_to_date_minor=pl.col("paid_instalments") * pl.col("instalment_minor")
            + pl.col("partial_minor"),
        )
        .with_columns(
            principal_paid=pl.min_horizontal(
                pl.col("loan_minor"), pl.col("paid_to_date_minor") * pl.col("loan_minor") // total
            ),
        )
        .with_columns(
            principal_minor=pl.col("loan_minor") - pl.col("principal_paid"),
            interest_minor=(
                pl.col("scheduled_interest")
                - (pl.col("paid_to_date_minor") - pl.col("principal_paid"))
            ).clip(lower_bound=0),
            overdue_minor=pl.col("overdue_instalments") * pl.col("instalment_minor")
            - pl.col("partial_minor"),
        )
        .with_columns(
            penalty_minor=pl.col("overdue_minor")
            * pl.col("days_past_due").clip(upper_bound=360)
            * penalty_rate
            // 10_000,
            fees_minor=pl.when(pl.col("fee_chance") < fee_chance)
            .then(late_fee * pl.col("overdue_instalments").clip(upper_bound=6))
            .otherwise(0),
        )
        .drop("principal_paid", "fee_chance")
    )


def _with_products_and_holds(frame: pl.DataFrame, draws: Draws, as_of: date) -> pl.DataFrame:
    n = frame.height
    products = {
        code: draws.choice(n, list(p.products), list(p.products.values()), dtype=pl.String)
        for code, p in LOCALES.items()
    }
    wants_hold = draws.chance(n, trait(frame["persona"], "lender_hold"))
    hold_type = draws.choice(n, list(HOLD_TYPES), list(HOLD_TYPES.values()), dtype=pl.String)
    return frame.with_columns(
        product=pl.when(pl.col("locale") == "zh_CN")
        .then(products["zh_CN"])
        .otherwise(products["en_US"]),
        opened_on=pl.col("first_due_on") - pl.duration(days=pl.lit(draws.integers(n, 25, 45))),
        balance_as_of=pl.lit(as_of),
        holds=pl.when(wants_hold).then(
            pl.when(pl.col("persona") == "disputer").then(pl.lit("dispute")).otherwise(hold_type)
        ),
    )
