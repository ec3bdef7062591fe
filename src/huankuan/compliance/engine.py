"""The compliance gate: one decision (`evaluate`) and a whole plan at once (`ProfileGate`).

Both run the same rules of a jurisdiction profile, in the profile's order. A decision blocks
when any rule blocks; its `rules` are the blocking rule ids, or for an allowed attempt the ids of
the rules that conditioned it (a hold that still permits SMS, a third-party contact allowed
for location only). `next_allowed_at` is the earliest instant the same attempt would pass, when
only the clock stands in the way (contact hours); it is null when a hold, an opt-out, a missing
consent, an invalid contact point or a third-party rule blocks, since waiting would not help.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from huankuan.compliance.facts import ACTION_SCHEMA, Attempt, Decision, GateDebtor
from huankuan.compliance.profiles import PROFILE_DIR, ContactHoursRule, Profile, load_profiles
from huankuan.compliance.rules import scalar_outcome, vector_verdicts, waits_out
from huankuan.compliance.rules.base import Facts
from huankuan.domain.model import Channel, ContactRole
from huankuan.localtime import (
    local_to_utc,
    micros_of_day,
    utc_to_local,
    with_local_micros,
    zone,
)

ENGINE_VERSION = "gate-1"
NO_PROFILE_RULE = "GATE-NO-PROFILE"
MAX_RULES = 62
DECISION_COLUMNS: dict[str, pl.DataType] = {
    "decision": pl.String(),
    "rules": pl.List(pl.String()),
    "next_allowed_at": pl.Datetime("us"),
    "gate_version": pl.String(),
}


def evaluate(attempt: Attempt, debtor: GateDebtor, profile: Profile, now: datetime) -> Decision:
    """Decide one attempt under `profile`; `now` is the attempt's time when it has none."""
    at = (attempt.at or now).astimezone(UTC)
    facts = _facts(attempt, debtor, at)
    blocking, applied = [], []
    for rule in profile.rules:
        outcome = scalar_outcome(rule, facts)
        if outcome == "block":
            blocking.append(rule)
        elif outcome == "apply":
            applied.append(rule)
    if not blocking:
        notes = " ".join(rule.explanation for rule in applied)
        return Decision(
            "allow",
            tuple(rule.id for rule in applied),
            f"Allowed. {notes}".strip(),
            None,
            f"{ENGINE_VERSION}/{profile.label}",
        )
    next_allowed = (
        next_allowed_at(attempt, debtor, profile, at)
        if all(waits_out(rule) for rule in blocking)
        else None
    )
    explanation = "Blocked: " + " ".join(rule.explanation for rule in blocking)
    return Decision(
        "block",
        tuple(rule.id for rule in blocking),
        explanation,
        next_allowed,
        f"{ENGINE_VERSION}/{profile.label}",
    )


def _facts(attempt: Attempt, debtor: GateDebtor, at: datetime) -> Facts:
    naive = at.replace(tzinfo=None)
    debtor_local = utc_to_local(naive, debtor.timezone)
    differs = attempt.contact_timezone is not None and attempt.contact_timezone != debtor.timezone
    contact_local = (
        utc_to_local(naive, attempt.contact_timezone)
        if (differs and attempt.contact_timezone is not None)
        else None
    )
    return Facts(
        attempt=attempt,
        debtor=debtor,
        at=at,
        debtor_micros=None if debtor_local is None else micros_of_day(debtor_local),
        contact_micros=None if contact_local is None else micros_of_day(contact_local),
        contact_zone_differs=differs,
    )


def next_allowed_at(
    attempt: Attempt, debtor: GateDebtor, profile: Profile, at: datetime
) -> datetime | None:
    """The earliest instant ≥ `at` at which every contact-hours rule lets the attempt through.

    The intersection of daily windows starts either at `at` or at some window's start, so
    those are the only candidates; two windows of 13 hours or more always overlap within a day.
    """
    hours = [
        rule
        for rule in profile.rules
        if isinstance(rule, ContactHoursRule) and attempt.channel in rule.channels
    ]
    candidates = {at}
    for rule in hours:
        zone_name = attempt.contact_timezone if rule.zone == "contact_point" else debtor.timezone
        if zone_name is None or zone(zone_name) is None:
            continue
        local = utc_to_local(at.replace(tzinfo=None), zone_name)
        assert local is not None
        for offset in range(-1, 3):
            day = local.date() + timedelta(days=offset)
            start = local_to_utc(datetime.combine(day, rule.start), zone_name)
            if start is not None and start.replace(tzinfo=UTC) >= at:
                candidates.add(start.replace(tzinfo=UTC))
    for candidate in sorted(candidates):
        facts = _facts(attempt, debtor, candidate)
        if all(scalar_outcome(rule, facts) is None for rule in hours):
            return candidate
    return None


class ProfileGate:
    """The batch gate (the ComplianceGate port): each row is judged by its debtor's profile."""

    def __init__(self, profiles: Mapping[str, Profile]) -> None:
        too_long = [name for name, profile in profiles.items() if len(profile.rules) > MAX_RULES]
        if too_long:  # each rule is one bit of a 64-bit mask in evaluate_plan
            raise ValueError(f"profiles with more than {MAX_RULES} rules: {too_long}")
        self.profiles = dict(profiles)
        self.version = ";".join(sorted(profile.label for profile in self.profiles.values()))

    @classmethod
    def from_directory(cls, directory: Path = PROFILE_DIR) -> ProfileGate:
        return cls(load_profiles(directory))

    def evaluate_plan(self, actions: pl.DataFrame) -> pl.DataFrame:
        """Add `decision`, `rules` (list of ids), `next_allowed_at` and `gate_version`.

        Every rule's verdicts become one bit of a blocking and an applied mask (per row, under
        the row's profile); the few distinct (profile, masks) triples are turned into decisions
        and rule lists once, in Python, and joined back.
        """
        missing = [name for name in ACTION_SCHEMA if name not in actions.columns]
        if missing:
            raise ValueError(f"evaluate_plan needs columns {missing}")
        frame = _prepare(actions)
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
        decided = masked.join(lookup, on=keys, how="left", nulls_equal=True, maintain_order="left")
        decided = self._with_next_allowed(decided)
        return actions.with_columns(decided.select(*DECISION_COLUMNS).get_columns())

    def _outcome(
        self, jurisdiction: str | None, blocked: int, applied: int
    ) -> tuple[str, list[str], bool, str]:
        """(decision, rule ids, whether only the clock blocks, gate version) for one triple."""
        profile = self.profiles.get(jurisdiction or "")
        if profile is None:  # fail closed: no profile, no contact
            return "block", [NO_PROFILE_RULE], False, f"{ENGINE_VERSION}:none"
        version = f"{ENGINE_VERSION}/{profile.label}"
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

    def _with_next_allowed(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Worked out with the scalar search, once per distinct (profile, channel, zones,
        instant) among the rows that only the clock blocks."""
        keys = ["jurisdiction", "channel", "debtor_timezone", "contact_timezone", "scheduled_at"]
        distinct = frame.filter(pl.col("_waiting")).select(keys).unique()

        def search(
            jurisdiction: str,
            channel: str,
            debtor_zone: str,
            contact_zone: str | None,
            instant: datetime,
        ) -> datetime | None:
            attempt = Attempt(
                channel=Channel(channel),
                contact_role=ContactRole.SELF,
                contact_timezone=contact_zone,
            )
            found = next_allowed_at(
                attempt,
                GateDebtor(timezone=debtor_zone),
                self.profiles[jurisdiction],
                instant.replace(tzinfo=UTC),
            )
            return None if found is None else found.replace(tzinfo=None)

        values = [search(*row) for row in distinct.iter_rows()]
        lookup = distinct.with_columns(
            pl.Series("next_allowed_at", values, dtype=pl.Datetime("us")),
            pl.lit(True).alias("_waiting"),
        )
        return frame.join(
            lookup, on=[*keys, "_waiting"], how="left", nulls_equal=True, maintain_order="left"
        )


_OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "decision": pl.String(),
    "rules": pl.List(pl.String()),
    "_waiting": pl.Boolean(),
    "gate_version": pl.String(),
}


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


def _prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Derive the columns the rule mechanisms read (local clock times, parsed lists)."""
    frame = frame.with_columns(
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
    )
    frame = with_local_micros(
        frame, zone_col="debtor_timezone", instant_col="scheduled_at", out="debtor_micros"
    )
    return with_local_micros(
        frame, zone_col="contact_timezone", instant_col="scheduled_at", out="contact_micros"
    )
