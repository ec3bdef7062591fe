"""The compliance gate over a whole plan (the ComplianceGate port): every row judged by its
debtor's profile, against its debtor's earlier contacts, exactly as `engine.evaluate` would.

Each rule's verdicts become one bit of a blocking and an applied mask (per row, under the row's
profile); the few distinct (profile, masks) triples are turned into decisions and rule lists
once, in Python, and joined back. The rules that read the history see per-row counters: the plan
rows are joined once to their debtor's contacts (loaded set-based from contact_attempts), and
each counter is one sum over that join (batch_history.py).

`next_allowed_at` for the rows that only time blocks follows the scalar search, vectorised: jump
to the latest release of the blocking history rules, then to the next instant the contact hours
allow (one scalar search per distinct profile, channel, zones and instant), judge the rows again
there, and repeat for those still waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import polars as pl

from huankuan.compliance.batch_history import (
    counters_of,
    prepare_history,
    release_days_of,
    with_history_columns,
    with_local_day,
    with_local_midnight,
)
from huankuan.compliance.engine import (
    ENGINE_VERSION,
    MAX_WAIT_STEPS,
    NO_PROFILE_RULE,
    gate_version,
    next_allowed_at,
)
from huankuan.compliance.facts import ACTION_SCHEMA, OPTIONAL_ACTION_COLUMNS, Attempt, GateDebtor
from huankuan.compliance.profiles import PROFILE_DIR, Profile, load_profiles
from huankuan.compliance.rows import aware
from huankuan.compliance.rules import history_release_days, vector_verdicts, waits_out
from huankuan.domain.model import Channel, ContactRole
from huankuan.localtime import with_local_micros

MAX_RULES = 62
DECISION_COLUMNS: dict[str, pl.DataType] = {
    "decision": pl.String(),
    "rules": pl.List(pl.String()),
    "next_allowed_at": pl.Datetime("us"),
    "gate_version": pl.String(),
}
_OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "decision": pl.String(),
    "rules": pl.List(pl.String()),
    "_waiting": pl.Boolean(),
    "gate_version": pl.String(),
}
_NEXT_SCHEMA: dict[str, pl.DataType] = {"_row": pl.UInt32(), "next_allowed_at": pl.Datetime("us")}
_HOURS_KEYS = ["jurisdiction", "channel", "debtor_timezone", "contact_timezone", "_candidate"]


class ProfileGate:
    """The batch gate: each row is judged by the profile its `jurisdiction` names."""

    def __init__(self, profiles: Mapping[str, Profile]) -> None:
        too_long = [name for name, profile in profiles.items() if len(profile.rules) > MAX_RULES]
        if too_long:  # each rule is one bit of a 64-bit mask in evaluate_plan
            raise ValueError(f"profiles with more than {MAX_RULES} rules: {too_long}")
        self.profiles = dict(profiles)
        self.version = ";".join(sorted(profile.label for profile in self.profiles.values()))
        rules = [rule for profile in self.profiles.values() for rule in profile.rules]
        self._counters = {name: counted.sum() for name, counted in counters_of(rules).items()}
        self._releases = release_days_of(rules)

    @classmethod
    def from_directory(cls, directory: Path = PROFILE_DIR) -> ProfileGate:
        return cls(load_profiles(directory))

    def evaluate_plan(
        self, actions: pl.DataFrame, history: pl.DataFrame | None = None
    ) -> pl.DataFrame:
        """Add `decision`, `rules` (list of ids), `next_allowed_at` and `gate_version`.

        `history`: earlier contacts (HISTORY_SCHEMA) of the plan's debtors; none = no contacts.
        """
        missing = [name for name in ACTION_SCHEMA if name not in actions.columns]
        if missing:
            raise ValueError(f"evaluate_plan needs columns {missing}")
        events = prepare_history(history)
        prepared = _prepare(actions).with_row_index("_row")
        decided = self._decide(_with_clock(prepared), events)
        waiting = decided.filter(pl.col("_waiting"))
        found = self._next_allowed(waiting, events, prepared.columns)
        decided = decided.join(found, on="_row", how="left", maintain_order="left")
        return actions.with_columns(decided.select(*DECISION_COLUMNS).get_columns())

    def _decide(self, frame: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
        """Adds `_blocking` and `_applied` (rule bits), `decision`, `rules`, `_waiting` (only
        time blocks) and `gate_version`."""
        frame = with_history_columns(frame, events, self._counters, fill=0)
        blocking, applied = pl.lit(-1, pl.Int64), pl.lit(-1, pl.Int64)
        for name, profile in self.profiles.items():
            mine = pl.col("jurisdiction") == name
            blocks, applies = _masks(profile)
            blocking = pl.when(mine).then(blocks).otherwise(blocking)
            applied = pl.when(mine).then(applies).otherwise(applied)
        keys = ["jurisdiction", "_blocking", "_applied"]
        # Lazily, so that each rule's expression is shared between the two masks.
        masked = (
            frame.lazy()
            .with_columns(blocking.alias("_blocking"), applied.alias("_applied"))
            .collect()
        )
        triples = masked.select(keys).unique()
        outcomes = [self._outcome(*row) for row in triples.iter_rows()]
        lookup = triples.with_columns(
            pl.DataFrame(outcomes, schema=_OUTCOME_SCHEMA, orient="row").get_columns()
        )
        return masked.join(lookup, on=keys, how="left", nulls_equal=True, maintain_order="left")

    def _outcome(
        self, jurisdiction: str | None, blocked: int, applied: int
    ) -> tuple[str, list[str], bool, str]:
        """(decision, rule ids, whether only time blocks, gate version) for one triple."""
        profile = self.profiles.get(jurisdiction or "")
        if profile is None:  # fail closed: no profile, no contact
            return "block", [NO_PROFILE_RULE], False, f"{ENGINE_VERSION}:none"
        version = gate_version(profile)
        blocking = [rule for bit, rule in enumerate(profile.rules) if blocked >> bit & 1]
        if not blocking:
            ids = [rule.id for bit, rule in enumerate(profile.rules) if applied >> bit & 1]
            return "allow", ids, False, version
        return (
            "block",
            [rule.id for rule in blocking],
            all(waits_out(rule) for rule in blocking),
            version,
        )

    def _next_allowed(
        self, waiting: pl.DataFrame, events: pl.DataFrame, columns: list[str]
    ) -> pl.DataFrame:
        """(_row, next_allowed_at) for the rows blocked only until some later time; `columns`
        are the prepared action columns (judged again at each candidate instant)."""
        found = []
        for _ in range(MAX_WAIT_STEPS):
            if waiting.is_empty():
                break
            jumped = self._jump(waiting, events, columns)
            found.append(_never(jumped.filter(pl.col("_candidate").is_null())))
            later = jumped.filter(pl.col("_candidate").is_not_null()).select(
                *[name for name in columns if name != "scheduled_at"],
                pl.col("_candidate").alias("scheduled_at"),
            )
            judged = self._decide(_with_clock(later), events)
            allowed = judged.filter(pl.col("decision") == "allow")
            found.append(allowed.select("_row", pl.col("scheduled_at").alias("next_allowed_at")))
            found.append(
                _never(judged.filter((pl.col("decision") == "block") & ~pl.col("_waiting")))
            )
            waiting = judged.filter(pl.col("_waiting"))
        found.append(_never(waiting))
        return pl.concat([frame.cast(_NEXT_SCHEMA) for frame in found])  # type: ignore[arg-type]

    def _jump(
        self, waiting: pl.DataFrame, events: pl.DataFrame, columns: list[str]
    ) -> pl.DataFrame:
        """`_candidate`: the next instant the contact hours allow from the latest release of the
        row's blocking history rules (or from now, when only the hours block); null: never."""
        frame = with_history_columns(waiting.select(columns), events, self._releases, fill=None)
        frame = frame.join(waiting.select("_row", "_blocking"), on="_row", maintain_order="left")
        frame = with_local_day(frame, instant_col="scheduled_at", out="_day")
        offset = pl.lit(None, pl.Int64)
        for name, profile in self.profiles.items():
            offset = (
                pl.when(pl.col("jurisdiction") == name)
                .then(_release_days(profile))
                .otherwise(offset)
            )
        frame = frame.with_columns(
            pl.col("_day")
            .dt.offset_by(pl.format("{}d", offset.fill_null(0)))
            .alias("_release_day"),
            offset.is_not_null().alias("_released"),
        )
        frame = with_local_midnight(frame, day_col="_release_day", out="_release")
        start = pl.when(pl.col("_released")).then(pl.max_horizontal("scheduled_at", "_release"))
        frame = frame.with_columns(start.otherwise(pl.col("scheduled_at")).alias("_candidate"))
        return self._hours_next(frame)

    def _hours_next(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Move `_candidate` to the first instant from it that every contact-hours rule allows:
        one scalar search per distinct key (the other rules do not depend on the time)."""
        distinct = frame.select(_HOURS_KEYS).unique()

        def search(
            jurisdiction: str, channel: str, debtor_zone: str, zone: str | None, at: datetime
        ) -> datetime | None:
            attempt = Attempt(
                Channel(channel), contact_role=ContactRole.SELF, contact_timezone=zone
            )
            found = next_allowed_at(
                attempt, (), GateDebtor(debtor_zone), self.profiles[jurisdiction], aware(at)
            )
            return None if found is None else found.replace(tzinfo=None)

        values = [search(*row) for row in distinct.iter_rows()]
        lookup = distinct.with_columns(pl.Series("_next", values, dtype=pl.Datetime("us")))
        moved = frame.join(
            lookup, on=_HOURS_KEYS, how="left", nulls_equal=True, maintain_order="left"
        )
        return moved.with_columns(pl.col("_next").alias("_candidate")).drop("_next")


def _release_days(profile: Profile) -> pl.Expr:
    """The latest release (in days after the row's day) among the profile's blocking history
    rules; null when none of them blocks."""
    days = [
        pl.when(pl.col("_blocking").and_(pl.lit(1 << bit, pl.Int64)) != 0).then(pl.col(release[0]))
        for bit, rule in enumerate(profile.rules)
        if (release := history_release_days(rule)) is not None
    ]
    return pl.max_horizontal(days) if days else pl.lit(None, pl.Int64)


def _masks(profile: Profile) -> tuple[pl.Expr, pl.Expr]:
    """Bit i of (blocking, applied) = rule i of the profile blocks / applies."""
    verdicts = [vector_verdicts(rule) for rule in profile.rules]
    return (
        pl.sum_horizontal(
            [blocks.cast(pl.Int64) * (1 << bit) for bit, (blocks, _) in enumerate(verdicts)]
        ),
        pl.sum_horizontal(
            [applies.cast(pl.Int64) * (1 << bit) for bit, (_, applies) in enumerate(verdicts)]
        ),
    )


def _prepare(actions: pl.DataFrame) -> pl.DataFrame:
    """Derive the time-independent columns the rule mechanisms read (parsed lists, defaults)."""
    frame = actions.with_columns(
        pl.lit(default, dtype).alias(name)
        for name, (dtype, default) in OPTIONAL_ACTION_COLUMNS.items()
        if name not in actions.columns
    )
    return frame.with_columns(
        (
            pl.col("contact_timezone").is_not_null()
            & (pl.col("contact_timezone") != pl.col("debtor_timezone"))
        ).alias("contact_zone_differs"),
        pl.col("contact_opted_out").fill_null("").str.split(";").alias("opted_out"),
        pl.col("hold_types").fill_null([]),
        pl.col("contact_valid").fill_null(False),
        pl.col("contact_consent").fill_null(False),
        pl.col("discloses_debt").fill_null(True),
        pl.col("debtor_unreachable").fill_null(False),
        pl.col("purpose").fill_null("collection"),
        pl.col("contact_refused").fill_null(False),
    )


def _with_clock(frame: pl.DataFrame) -> pl.DataFrame:
    """The local clock times of `scheduled_at` in the debtor's and the contact point's zones."""
    frame = with_local_micros(
        frame, zone_col="debtor_timezone", instant_col="scheduled_at", out="debtor_micros"
    )
    return with_local_micros(
        frame, zone_col="contact_timezone", instant_col="scheduled_at", out="contact_micros"
    )


def _never(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("_row", pl.lit(None, pl.Datetime("us")).alias("next_allowed_at"))
