"""Model features, set-based (Polars): account state plus windows over the contact history.

Input is one row per (account, `as_of`) snapshot with the account's state on that day, and the
history as event frames (`History`). Every windowed figure counts events strictly before
`as_of` (the snapshot is the start of the business day): per distinct snapshot date, one filter
and one group-by over the events (snapshots share a handful of dates), never a join of every
event with every snapshot.

Contact outcomes use this vocabulary (what `contact_attempts.outcome` holds): a right-party
contact is any of `RIGHT_PARTY_OUTCOMES`; a call is answered when its outcome is in
`CONNECTED_OUTCOMES`; an SMS or email got a response when it is `responded` (or a right-party
outcome). Anything else (`no_answer`, `delivered`, null…) counts as an attempt only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

RIGHT_PARTY_OUTCOMES = (
    "right_party_contact",
    "promise_to_pay",
    "plan",
    "refused",
    "hardship",
    "dispute",
    "callback",
    "complaint",
)
CONNECTED_OUTCOMES = (*RIGHT_PARTY_OUTCOMES, "wrong_party", "voicemail", "third_party")
MESSAGE_CHANNELS = ("sms", "email")
CALL_CHANNELS = ("robot_call", "agent_call")
SHORT, LONG = 30, 90
NEVER_DAYS = 180  # "days since" when there never was one (and the cap for real gaps)

# What a snapshot frame must hold (the state of each account on `as_of`).
STATE_COLUMNS = (
    "account_id",
    "debtor_id",
    "as_of",
    "days_past_due",
    "days_past_due_30d_ago",
    "outstanding_minor",
    "instalment_minor",
    "scheduled_minor",
    "paid_minor",
    "usable_self_phones",
    "locale",
)

MODEL_FEATURES = (
    "days_past_due",
    "days_past_due_change_30d",
    "log_outstanding",
    "balance_ratio",
    "paid_share",
    "payments_30d",
    "payments_90d",
    "repaid_90d_ratio",
    "days_since_payment",
    "promises_90d",
    "promises_kept_90d",
    "promises_broken_90d",
    "attempts_30d",
    "right_party_contacts_30d",
    "right_party_rate_90d",
    "days_since_contact",
    "days_since_right_party_contact",
    "complaints_90d",
    "sms_response_rate_90d",
    "call_answer_rate_90d",
    "usable_self_phones",
    "speaks_chinese",
)


@dataclass(frozen=True)
class History:
    """Events before (and possibly after) the snapshots; dates are account-local days."""

    payments: pl.DataFrame  # account_id, on (Date), amount_minor
    promises: pl.DataFrame  # account_id, promised_on, status, resolved_on
    attempts: pl.DataFrame  # debtor_id, on, channel, outcome
    complaints: pl.DataFrame  # debtor_id, on

    @classmethod
    def empty(cls) -> History:
        return cls(
            payments=pl.DataFrame(
                schema={"account_id": pl.String, "on": pl.Date, "amount_minor": pl.Int64}
            ),
            promises=pl.DataFrame(
                schema={
                    "account_id": pl.String,
                    "promised_on": pl.Date,
                    "status": pl.String,
                    "resolved_on": pl.Date,
                }
            ),
            attempts=pl.DataFrame(
                schema={
                    "debtor_id": pl.String,
                    "on": pl.Date,
                    "channel": pl.String,
                    "outcome": pl.String,
                }
            ),
            complaints=pl.DataFrame(schema={"debtor_id": pl.String, "on": pl.Date}),
        )


def build_features(states: pl.DataFrame, history: History) -> pl.DataFrame:
    """`states` plus every column of MODEL_FEATURES (Float64; null where undefined)."""
    frame = states
    for key, events, name in (
        ("account_id", _payment_events(history.payments), "payment"),
        ("account_id", _promise_events(history.promises), ""),
        ("debtor_id", _attempt_events(history.attempts), "contact"),
        ("debtor_id", _complaint_events(history.complaints), ""),
    ):
        frame = _with_windows(frame, key, events, name)
    derived = frame.with_columns(derived_features())
    return derived.with_columns(pl.col(list(MODEL_FEATURES)).cast(pl.Float64))


def derived_features() -> list[pl.Expr]:
    instalment = pl.col("instalment_minor").cast(pl.Float64)
    scheduled = pl.col("scheduled_minor").cast(pl.Float64)
    return [
        (pl.col("days_past_due") - pl.col("days_past_due_30d_ago")).alias(
            "days_past_due_change_30d"
        ),
        (pl.col("outstanding_minor").clip(0, None).cast(pl.Float64) / 100)
        .log1p()
        .alias("log_outstanding"),
        pl.when(instalment > 0)
        .then((pl.col("outstanding_minor") / instalment).clip(None, 50.0))
        .otherwise(50.0)
        .alias("balance_ratio"),
        pl.when(scheduled > 0)
        .then(pl.col("paid_minor") / scheduled)
        .otherwise(0.0)
        .alias("paid_share"),
        pl.when(instalment > 0)
        .then(pl.col("amount_minor_90d") / instalment)
        .otherwise(0.0)
        .alias("repaid_90d_ratio"),
        _rate("right_party_90d", "attempts_90d").alias("right_party_rate_90d"),
        _rate("sms_responded_90d", "sms_90d").alias("sms_response_rate_90d"),
        _rate("calls_answered_90d", "calls_90d").alias("call_answer_rate_90d"),
        pl.col("right_party_30d").alias("right_party_contacts_30d"),
        pl.col("locale").fill_null("").str.starts_with("zh").cast(pl.Int8).alias("speaks_chinese"),
    ]


def _rate(numerator: str, denominator: str) -> pl.Expr:
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator))


# -- events as count columns per key and day --------------------------------------------------


def _payment_events(payments: pl.DataFrame) -> pl.DataFrame:
    return payments.select("account_id", "on", pl.lit(1).alias("payments"), "amount_minor")


def _promise_events(promises: pl.DataFrame) -> pl.DataFrame:
    made = promises.select("account_id", pl.col("promised_on").alias("on"), promises=1)
    resolved = promises.filter(pl.col("resolved_on").is_not_null()).select(
        "account_id",
        pl.col("resolved_on").alias("on"),
        (pl.col("status") == "kept").cast(pl.Int64).alias("promises_kept"),
        (pl.col("status") == "broken").cast(pl.Int64).alias("promises_broken"),
    )
    return pl.concat([made, resolved], how="diagonal").fill_null(0)


def _attempt_events(attempts: pl.DataFrame) -> pl.DataFrame:
    outcome, channel = pl.col("outcome").fill_null(""), pl.col("channel")
    right_party = outcome.is_in(RIGHT_PARTY_OUTCOMES)
    is_message, is_call = channel.is_in(MESSAGE_CHANNELS), channel.is_in(CALL_CHANNELS)
    return attempts.select(
        "debtor_id",
        "on",
        pl.lit(1).alias("attempts"),
        right_party.cast(pl.Int64).alias("right_party"),
        is_message.cast(pl.Int64).alias("sms"),
        (is_message & ((outcome == "responded") | right_party))
        .cast(pl.Int64)
        .alias("sms_responded"),
        is_call.cast(pl.Int64).alias("calls"),
        (is_call & outcome.is_in(CONNECTED_OUTCOMES)).cast(pl.Int64).alias("calls_answered"),
    )


def _complaint_events(complaints: pl.DataFrame) -> pl.DataFrame:
    return complaints.select("debtor_id", "on", pl.lit(1).alias("complaints"))


# -- windows: one filter and one group-by per snapshot date -------------------------------------


def _with_windows(frame: pl.DataFrame, key: str, events: pl.DataFrame, name: str) -> pl.DataFrame:
    """Add `<count>_30d` and `<count>_90d` for every count column of `events` (0 without
    events), and `days_since_<name>` when a name is given (plus
    `days_since_right_party_contact` for contacts). Snapshots share few dates, so each date is
    one filter and one group-by over the events, never a join of events with snapshots."""
    counts = [c for c in events.columns if c not in (key, "on")]
    parts = [
        _windows_on(events, key, counts, name, as_of)
        for as_of in frame["as_of"].unique().sort().to_list()
    ]
    windows = pl.concat(parts, how="vertical_relaxed") if parts else None
    columns = [f"{c}_{d}d" for c in counts for d in (SHORT, LONG)]
    since = [f"days_since_{n}" for n in _since_names(name)]
    if windows is None:
        return frame.with_columns(
            [pl.lit(0).alias(c) for c in columns] + [pl.lit(NEVER_DAYS).alias(c) for c in since]
        )
    joined = frame.join(windows, on=[key, "as_of"], how="left", maintain_order="left")
    return joined.with_columns(
        pl.col(columns).fill_null(0),
        pl.col(since).fill_null(NEVER_DAYS).clip(None, NEVER_DAYS),
    )


def _since_names(name: str) -> list[str]:
    if not name:
        return []
    return [name, "right_party_contact"] if name == "contact" else [name]


def _windows_on(
    events: pl.DataFrame, key: str, counts: list[str], name: str, as_of: object
) -> pl.DataFrame:
    day = pl.lit(as_of, pl.Date)
    before = events.filter(
        (pl.col("on") < day) & (pl.col("on") >= day - pl.duration(days=max(LONG, NEVER_DAYS)))
    )
    recent = pl.col("on") >= day - pl.duration(days=SHORT)
    within = pl.col("on") >= day - pl.duration(days=LONG)
    aggregations = [
        pl.col(c).filter(window).sum().alias(f"{c}_{days}d")
        for c in counts
        for days, window in ((SHORT, recent), (LONG, within))
    ]
    for since in _since_names(name):
        last = pl.col("on")
        if since == "right_party_contact":
            last = last.filter(pl.col("right_party") > 0)
        aggregations.append((day - last.max()).dt.total_days().alias(f"days_since_{since}"))
    return before.group_by(key).agg(aggregations).with_columns(day.alias("as_of"))


def feature_matrix(features: pl.DataFrame, names: Sequence[str] = MODEL_FEATURES) -> pl.DataFrame:
    """Only the model's columns, in order, as Float64 (nulls stay null: both models take NaN)."""
    return features.select(pl.col(list(names)).cast(pl.Float64))
