"""Scoring services: labelled snapshots from the database's own history, training, evaluation,
and the scorer the daily cycle uses (the latest trained version, else the rule scorecard).

A snapshot of an account on day t is its state at the start of t, rebuilt from today's data:
the payments settled on or after t are taken back out (paid less, owed more), and days past
due and bucket follow the cycle's own rule (`cycle_steps.with_delinquency`). Labels come from
the payments: `pays_30d` = any payment on days t … t+29; `rolls` = a worse bucket on t+30.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta

import polars as pl
from sqlalchemy import Connection

from huankuan.adapters.storage.scoring_store import ScoringStore
from huankuan.domain.delinquency import BucketScheme
from huankuan.domain.errors import InvalidInput, NotFound
from huankuan.scoring.features import History, build_features
from huankuan.scoring.gbm import GradientBoosted
from huankuan.scoring.models import ModelSet, TargetModels, TrainedScorer
from huankuan.scoring.training import NotEnoughHistory, evaluate, train_model_set
from huankuan.scoring.woe import WoeScorecard
from huankuan.service_layer.cycle_steps import with_delinquency

HORIZON = 30
SNAPSHOT_EVERY = 7
FIRST_SNAPSHOT_AFTER = 7  # days of history before the first snapshot


@dataclass(frozen=True)
class HistoryData:
    accounts: pl.DataFrame
    payments: pl.DataFrame  # settled, with local day `on`
    history: History
    first_day: date | None
    last_day: date | None


def load_history_data(connection: Connection) -> HistoryData:
    store = ScoringStore(connection)
    accounts = store.accounts()
    payments = store.settled_payments(accounts)
    history = store.history(accounts, payments)
    days = [
        value
        for frame, column in ((payments, "on"), (history.attempts, "on"))
        for value in (frame[column].min(), frame[column].max())
        if isinstance(value, date)
    ]
    last = accounts["balance_as_of"].max()
    return HistoryData(
        accounts,
        payments,
        history,
        min(days) if days else None,
        last if isinstance(last, date) else None,
    )


def states_on(data: HistoryData, day: date, scheme: BucketScheme) -> pl.DataFrame:
    """Every account's state at the start of `day` (see the module docstring)."""
    later = (
        data.payments.filter(pl.col("on") >= day)
        .group_by("account_id")
        .agg(pl.col("amount_minor").sum().alias("_later"))
    )
    frame = (
        data.accounts.join(later, on="account_id", how="left")
        .with_columns(pl.col("_later").fill_null(0))
        .with_columns(
            (pl.col("paid_to_date_minor") + pl.col("allocated_minor") - pl.col("_later")).alias(
                "paid_to_date_minor"
            ),
            (pl.col("outstanding_minor") + pl.col("_later")).alias("outstanding_minor"),
            pl.lit(0, pl.Int64).alias("applied_minor"),
        )
    )
    return with_delinquency(frame, day, scheme).with_columns(
        (pl.col("instalment_minor") * pl.col("term_months")).alias("scheduled_minor")
    )


def snapshot(data: HistoryData, day: date, scheme: BucketScheme) -> pl.DataFrame:
    """Feature rows of every account on `day` (all accounts; callers filter)."""
    now = states_on(data, day, scheme)
    before = states_on(data, day - timedelta(days=HORIZON), scheme).select(
        "account_id", pl.col("days_past_due").alias("days_past_due_30d_ago")
    )
    states = now.join(before, on="account_id", how="left").with_columns(pl.lit(day).alias("as_of"))
    return build_features(states, data.history)


def labelled_snapshots(
    data: HistoryData, scheme: BucketScheme, dates: Sequence[date] | None = None
) -> pl.DataFrame:
    """Overdue accounts on each snapshot date, with their features and 30-day outcomes."""
    days = list(dates) if dates is not None else snapshot_dates(data)
    order = {band.name: index for index, band in enumerate(scheme.bands)}
    frames = []
    for day in days:
        features = snapshot(data, day, scheme).filter(pl.col("days_past_due") > 0)
        ahead = states_on(data, day + timedelta(days=HORIZON), scheme).select(
            "account_id", pl.col("bucket").alias("_bucket_ahead")
        )
        paid = (
            data.payments.filter(
                (pl.col("on") >= day) & (pl.col("on") < day + timedelta(days=HORIZON))
            )
            .group_by("account_id")
            .agg(pl.len().alias("_paid"))
        )
        frames.append(
            features.join(ahead, on="account_id", how="left")
            .join(paid, on="account_id", how="left")
            .with_columns(
                (pl.col("_paid").fill_null(0) > 0).alias("pays_30d"),
                (
                    pl.col("_bucket_ahead").replace_strict(order, return_dtype=pl.Int32)
                    > pl.col("bucket").replace_strict(order, return_dtype=pl.Int32)
                ).alias("rolls"),
            )
            .drop("_paid", "_bucket_ahead")
        )
    if not frames:
        raise NotEnoughHistory("no snapshot date has 30 days of outcomes after it")
    return pl.concat(frames, how="vertical_relaxed")


def snapshot_dates(data: HistoryData) -> list[date]:
    """Every 7 days back from the last day whose 30-day outcome is known."""
    if data.first_day is None or data.last_day is None:
        return []
    last = data.last_day - timedelta(days=HORIZON - 1)
    first = data.first_day + timedelta(days=FIRST_SNAPSHOT_AFTER)
    days, day = [], last
    while day >= first:
        days.append(day)
        day -= timedelta(days=SNAPSHOT_EVERY)
    return sorted(days)


@dataclass(frozen=True)
class TrainingReport:
    models: ModelSet
    rows: int
    snapshot_dates: list[date]
    history_until: date


def train_from_history(connection: Connection, scheme: BucketScheme) -> TrainingReport:
    data = load_history_data(connection)
    if data.last_day is None:
        raise InvalidInput("no accounts are stored: import or simulate history first")
    dates = snapshot_dates(data)
    labelled = _labelled_or_error(data, scheme, dates)
    store = ScoringStore(connection)
    models = train_model_set(labelled, store.next_model_version())
    save_model_set(store, models, history_until=data.last_day, rows=labelled.height)
    return TrainingReport(models, labelled.height, dates, data.last_day)


def _labelled_or_error(data: HistoryData, scheme: BucketScheme, dates: list[date]) -> pl.DataFrame:
    try:
        return labelled_snapshots(data, scheme, dates)
    except NotEnoughHistory as error:
        raise InvalidInput(f"cannot train from this history: {error}") from None


def save_model_set(
    store: ScoringStore, models: ModelSet, *, history_until: date, rows: int
) -> None:
    from datetime import datetime

    trained_at = datetime.now(UTC).replace(tzinfo=None)
    for target, pair in models.targets.items():
        for kind, artifact in (
            ("scorecard", pair.scorecard.to_json()),
            ("gbm", pair.gbm.model_text),
        ):
            store.save_model(
                version=models.version,
                kind=kind,
                target=target,
                trained_at=trained_at,
                history_until=history_until,
                training_rows=rows,
                features=list(models.features),
                metrics=models.metrics[f"{kind}/{target}"],
                artifact=artifact,
            )


def load_model_set(connection: Connection, version: int | None = None) -> ModelSet | None:
    import json

    rows = ScoringStore(connection).model_rows(version)
    if rows.is_empty():
        if version is not None:
            raise NotFound(f"no model version {version} is stored")
        return None
    by_key = {(row["kind"], row["target"]): row for row in rows.iter_rows(named=True)}
    features = tuple(json.loads(rows["features"][0]))
    targets = {}
    for target in ("pay_30d", "roll"):
        targets[target] = TargetModels(
            scorecard=WoeScorecard.from_json(by_key[("scorecard", target)]["artifact"]),
            gbm=GradientBoosted.from_text(target, features, by_key[("gbm", target)]["artifact"]),
        )
    figures = {
        f"{kind}/{target}": json.loads(row["metrics"]) for (kind, target), row in by_key.items()
    }
    return ModelSet(int(rows["version"][0]), features, targets, figures)


def evaluate_latest(connection: Connection, scheme: BucketScheme, version: int | None = None):  # type: ignore[no-untyped-def]
    models = load_model_set(connection, version)
    if models is None:
        raise NotFound("no trained model is stored: run `huankuan scoring train --from-history`")
    data = load_history_data(connection)
    labelled = _labelled_or_error(data, scheme, snapshot_dates(data))
    try:
        return models, evaluate(models, labelled)
    except NotEnoughHistory as error:
        raise InvalidInput(f"cannot evaluate on this history: {error}") from None


def trained_scorer(
    connection: Connection,
    cutoffs: Sequence[tuple[str, int]],
    business_date: date,
    scheme: BucketScheme,
) -> TrainedScorer | None:
    """The cycle's scorer from the latest stored version, with each account's history
    features on the business date; None when no model is stored (the rule scorecard stays)."""
    models = load_model_set(connection)
    if models is None:
        return None
    data = load_history_data(connection)
    history = snapshot(data, business_date, scheme).select(
        "account_id", "locale", "days_past_due_30d_ago", *_history_columns(data)
    )
    return TrainedScorer(models, cutoffs, history)


def _history_columns(data: HistoryData) -> list[str]:
    from huankuan.scoring.models import DAYS_SINCE_COLUMNS, WINDOW_COLUMNS

    return [*WINDOW_COLUMNS, *DAYS_SINCE_COLUMNS]
