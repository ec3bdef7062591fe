"""The batch gate (Polars) must decide every row exactly as the scalar `evaluate` does."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huankuan.compliance.batch import ProfileGate
from huankuan.compliance.engine import NO_PROFILE_RULE, evaluate
from huankuan.compliance.facts import ACTION_SCHEMA, Attempt, GateDebtor
from huankuan.domain.model import Channel, ContactRole, HoldType
from tests.unit.gate_support import PROFILES

GATE = ProfileGate(PROFILES)
ZONES = [
    "America/New_York",
    "America/Phoenix",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Mars/Olympus",
]
BOUNDARIES = [
    time(7, 59),
    time(7, 59, 59),
    time(8, 0),
    time(12, 0),
    time(21, 0),
    time(21, 0, 1),
    time(21, 1),
    time(21, 59),
    time(22, 0),
    time(23, 59),
    time(0, 0),
    time(2, 30),
]
OPT_OUTS = ["sms", "email", "robot_call", "agent_call", "letter", "call", "all"]
HOLDS = [hold.value for hold in HoldType] + ["litigation"]


@st.composite
def instants(draw: st.DrawFn, zone: str) -> datetime:
    """Any instant, or a boundary wall-clock time in the debtor's zone (DST dates included)."""
    day = draw(
        st.dates(min_value=datetime(2026, 1, 1).date(), max_value=datetime(2027, 12, 31).date())
    )
    if zone in ZONES[:-1] and draw(st.booleans()):
        wall = datetime.combine(day, draw(st.sampled_from(BOUNDARIES)))
        return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    seconds = draw(st.integers(0, 86_399))
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    zone = draw(st.sampled_from(ZONES))
    return {
        "jurisdiction": draw(st.sampled_from(["US-RegF", "CN-NIFA"])),
        "debtor": GateDebtor(
            timezone=zone,
            hold_types=frozenset(draw(st.sets(st.sampled_from(HOLDS), max_size=2))),
            unreachable=draw(st.booleans()),
        ),
        "attempt": Attempt(
            channel=draw(st.sampled_from(list(Channel))),
            at=draw(instants(zone)),
            contact_role=draw(st.sampled_from(list(ContactRole))),
            template=draw(st.sampled_from(["location_inquiry", "reminder_due", "demand_letter"])),
            discloses_debt=draw(st.booleans()),
            contact_timezone=draw(st.one_of(st.none(), st.sampled_from(ZONES))),
            contact_valid=draw(st.booleans()),
            contact_consent=draw(st.booleans()),
            contact_opted_out=frozenset(draw(st.sets(st.sampled_from(OPT_OUTS), max_size=2))),
        ),
    }


def _frame(batch: list[dict[str, object]]) -> pl.DataFrame:
    rows = []
    for index, case in enumerate(batch):
        attempt, debtor = case["attempt"], case["debtor"]
        assert isinstance(attempt, Attempt) and isinstance(debtor, GateDebtor)
        assert attempt.at is not None
        rows.append(
            {
                "action_id": str(index),
                "jurisdiction": case["jurisdiction"],
                "debtor_id": f"D{index}",
                "account_id": f"A{index}",
                "contact_id": f"C{index}",
                "debtor_timezone": debtor.timezone,
                "contact_timezone": attempt.contact_timezone,
                "scheduled_at": attempt.at.astimezone(UTC).replace(tzinfo=None),
                "channel": attempt.channel.value,
                "contact_role": attempt.contact_role.value,
                "template": attempt.template,
                "discloses_debt": attempt.discloses_debt,
                "contact_valid": attempt.contact_valid,
                "contact_consent": attempt.contact_consent,
                "contact_opted_out": ";".join(sorted(attempt.contact_opted_out)),
                "hold_types": sorted(debtor.hold_types),
                "debtor_unreachable": debtor.unreachable,
            }
        )
    return pl.DataFrame(rows, schema=ACTION_SCHEMA)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(cases(), min_size=1, max_size=25))
def test_it_decides_a_batch_exactly_as_one_by_one(batch: list[dict[str, object]]) -> None:
    decided = GATE.evaluate_plan(_frame(batch))
    for case, row in zip(batch, decided.iter_rows(named=True), strict=True):
        profile = PROFILES[str(case["jurisdiction"])]
        attempt = case["attempt"]
        assert isinstance(attempt, Attempt) and attempt.at is not None
        expected = evaluate(attempt, (), case["debtor"], profile, attempt.at)  # type: ignore[arg-type]
        expected_next = (
            None
            if expected.next_allowed_at is None
            else expected.next_allowed_at.replace(tzinfo=None)
        )
        assert (row["decision"], tuple(row["rules"]), row["next_allowed_at"]) == (
            expected.decision,
            expected.rules,
            expected_next,
        ), case
        assert row["gate_version"] == expected.gate_version


def test_it_keeps_the_input_order_and_columns() -> None:
    frame = _frame(
        [
            {
                "jurisdiction": jurisdiction,
                "debtor": GateDebtor("Asia/Shanghai"),
                "attempt": Attempt(Channel.SMS, datetime(2026, 11, 28, 1 + n, tzinfo=UTC)),
            }
            for n, jurisdiction in enumerate(["US-RegF", "CN-NIFA", "US-RegF", "CN-NIFA"])
        ]
    )
    decided = GATE.evaluate_plan(frame)
    assert decided["action_id"].to_list() == ["0", "1", "2", "3"]
    assert decided.columns == [
        *ACTION_SCHEMA,
        "decision",
        "rules",
        "next_allowed_at",
        "gate_version",
    ]


def test_it_blocks_a_debtor_whose_jurisdiction_has_no_profile() -> None:
    frame = _frame(
        [
            {
                "jurisdiction": "EU-GDPR",
                "debtor": GateDebtor("Europe/Paris"),
                "attempt": Attempt(Channel.SMS, datetime(2026, 11, 28, 11, tzinfo=UTC)),
            }
        ]
    )
    row = GATE.evaluate_plan(frame).row(0, named=True)
    assert (row["decision"], row["rules"]) == ("block", [NO_PROFILE_RULE])


def test_it_accepts_an_empty_plan() -> None:
    decided = GATE.evaluate_plan(pl.DataFrame(schema=ACTION_SCHEMA))
    assert decided.height == 0 and "decision" in decided.columns
