"""The event log of a recorded simulation, and its rows in the database's tables.

`huankuan simulate history` uses it: the simulated days become the portfolio's past, with the
balances as of the last simulated day and every payment `reflected` (already inside them), so
the daily cycle can run the next day and the models can learn from the history. Local times
become naive UTC with the zone's standard offset (Shanghai +8, New York −5): history only needs
the local day right.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import polars as pl

from huankuan.simulation.book import Book

UTC_OFFSET_HOURS = {True: 8, False: -5}  # chinese → +8 (Asia/Shanghai), else −5 (New York)
PAYMENT_HOUR = 12
CONTACT_SLOT = {"sms": "P1", "robot_call": "P1", "agent_call": "P1", "chat": "P1"}
SLOT_BY_CHANNEL = {"email": "E1", "letter": "L1"}


class EventLog:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._payments: list[pl.DataFrame] = []
        self._attempts: list[pl.DataFrame] = []
        self._promises: list[pl.DataFrame] = []
        self._resolutions: list[pl.DataFrame] = []
        self._complaints: list[pl.DataFrame] = []
        self._holds: list[pl.DataFrame] = []

    def _utc(self, accounts: np.ndarray, day: date, clock: time) -> list[datetime]:
        local = datetime.combine(day, clock)
        offsets = {flag: local - timedelta(hours=hours) for flag, hours in UTC_OFFSET_HOURS.items()}
        return [offsets[bool(flag)] for flag in self.book.chinese[accounts]]

    def payments(self, accounts: np.ndarray, paid: np.ndarray, day: date) -> None:
        keep = paid > 0
        accounts, paid = accounts[keep], paid[keep]
        if accounts.size:
            self._payments.append(
                pl.DataFrame(
                    {
                        "_account": accounts,
                        "amount_minor": paid,
                        "received_at": self._utc(accounts, day, time(PAYMENT_HOUR)),
                    }
                )
            )

    def attempts(self, actions: pl.DataFrame, outcome: list[str], day: date) -> None:
        if actions.height == 0:
            return
        accounts = actions["_account"].to_numpy()
        offsets = pl.Series(
            "_offset", [UTC_OFFSET_HOURS[bool(f)] for f in self.book.chinese[accounts]]
        )
        self._attempts.append(
            actions.with_columns(offsets)
            .select(
                "_account",
                "channel",
                "to_self",
                (
                    pl.lit(day).dt.combine(pl.col("send_at")) - pl.duration(hours=pl.col("_offset"))
                ).alias("at"),
            )
            .with_columns(pl.Series("outcome", outcome))
        )

    def promises(self, accounts: np.ndarray, amounts: np.ndarray, day: date, days: int) -> None:
        if accounts.size:
            self._promises.append(
                pl.DataFrame({"_account": accounts, "amount_minor": amounts}).with_columns(
                    pl.lit(day).alias("promised_on"),
                    pl.lit(day + timedelta(days=days)).alias("due_on"),
                )
            )

    def resolve_promises(self, accounts: np.ndarray, status: str, day: date) -> None:
        if accounts.size:
            self._resolutions.append(
                pl.DataFrame({"_account": accounts}).with_columns(
                    pl.lit(status).alias("status"), pl.lit(day).alias("resolved_on")
                )
            )

    def complaints(self, actions: pl.DataFrame, day: date) -> None:
        if actions.height:
            accounts = actions["_account"].to_numpy()
            self._complaints.append(
                pl.DataFrame(
                    {
                        "_account": accounts,
                        "channel": actions["channel"],
                        "opened_at": self._utc(accounts, day, time(15)),
                    }
                )
            )

    def holds(self, accounts: np.ndarray, hold_type: str, day: date, days: int) -> None:
        if accounts.size:
            self._holds.append(
                pl.DataFrame({"_account": np.unique(accounts)}).with_columns(
                    pl.lit(hold_type).alias("hold_type"),
                    pl.lit(datetime.combine(day, time())).alias("starts_at"),
                    pl.lit(datetime.combine(day + timedelta(days=days), time())).alias("ends_at"),
                )
            )

    # -- the tables ---------------------------------------------------------------------------

    def _ids(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "account_id": self.book.account_ids,
                "debtor_id": self.book.debtor_ids,
                "currency": np.where(self.book.chinese, "CNY", "USD"),
            }
        ).with_row_index("_account")

    def _with_ids(self, parts: list[pl.DataFrame]) -> pl.DataFrame | None:
        if not parts:
            return None
        frame = pl.concat(parts, how="vertical_relaxed").with_columns(
            pl.col("_account").cast(pl.UInt32)
        )
        return frame.join(self._ids(), on="_account", how="left")

    def tables(self) -> dict[str, pl.DataFrame]:
        """Rows for payments, promises, contact_attempts, complaints and holds."""
        out: dict[str, pl.DataFrame] = {}
        if (payments := self._with_ids(self._payments)) is not None:
            out["payments"] = payments.with_row_index("_n").select(
                pl.format("SP{}-{}", pl.col("account_id"), pl.col("_n")).alias("payment_id"),
                "account_id",
                "amount_minor",
                "currency",
                "received_at",
                pl.lit("simulated").alias("method"),
                pl.lit("reflected").alias("status"),
            )
        if (promises := self._promises_table()) is not None:
            out["promises"] = promises
        if (attempts := self._with_ids(self._attempts)) is not None:
            out["contact_attempts"] = _attempt_rows(attempts)
        if (complaints := self._with_ids(self._complaints)) is not None:
            out["complaints"] = complaints.with_row_index("_n").select(
                pl.format("SC{}", pl.col("_n")).alias("complaint_id"),
                "debtor_id",
                "opened_at",
                "channel",
                pl.lit("simulated complaint about contact").alias("summary"),
                pl.lit(None, pl.Datetime("us")).alias("resolved_at"),
            )
        if (holds := self._with_ids(self._holds)) is not None:
            out["holds"] = holds.with_row_index("_n").select(
                pl.format("SH{}", pl.col("_n")).alias("hold_id"),
                "debtor_id",
                pl.lit(None, pl.String).alias("account_id"),
                "hold_type",
                "starts_at",
                "ends_at",
                pl.lit("simulated").alias("reason"),
            )
        return out

    def _promises_table(self) -> pl.DataFrame | None:
        promises = self._with_ids(self._promises)
        if promises is None:
            return None
        ordered = promises.sort("_account", "promised_on").with_columns(
            pl.int_range(pl.len()).over("_account").alias("_seq")
        )
        resolutions = (
            pl.concat(self._resolutions).with_columns(pl.col("_account").cast(pl.UInt32))
            if self._resolutions
            else pl.DataFrame(
                schema={"_account": pl.UInt32, "status": pl.String, "resolved_on": pl.Date}
            )
        )
        resolutions = resolutions.sort("_account", "resolved_on").with_columns(
            pl.int_range(pl.len()).over("_account").alias("_seq")
        )
        joined = ordered.join(resolutions, on=["_account", "_seq"], how="left")
        return joined.select(
            pl.format("SPR{}-{}", pl.col("account_id"), pl.col("_seq")).alias("promise_id"),
            "account_id",
            "amount_minor",
            "currency",
            "promised_on",
            "due_on",
            pl.col("status").fill_null("open"),
            "resolved_on",
        )


def _attempt_rows(attempts: pl.DataFrame) -> pl.DataFrame:
    slot = (
        pl.when(~pl.col("to_self"))
        .then(pl.lit("K1"))
        .otherwise(pl.col("channel").replace_strict(SLOT_BY_CHANNEL, default="P1"))
    )
    return attempts.with_row_index("_n").select(
        pl.format("SA{}", pl.col("_n")).alias("attempt_id"),
        pl.lit(None, pl.String).alias("action_id"),
        "debtor_id",
        pl.format("{}-{}", pl.col("debtor_id"), slot).alias("contact_id"),
        "channel",
        "at",
        pl.lit("allow").alias("decision"),
        pl.lit("[]").alias("rules"),
        "outcome",
    )
