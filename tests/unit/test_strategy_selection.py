"""Treatment selection: which actions each account gets, to which contact points, and when."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from huankuan.localtime import with_utc_from_local
from huankuan.strategy.loader import load_strategy
from huankuan.strategy.selection import plan_treatments, treatment_frame

DAY = date(2026, 11, 28)
STRATEGY = load_strategy()


def accounts(*rows: dict[str, object]) -> pl.DataFrame:
    defaults = {
        "debtor_timezone": "Asia/Shanghai",
        "jurisdiction": "CN-NIFA",
        "debtor_unreachable": False,
        "hold_types": [],
    }
    return pl.DataFrame(
        [{**defaults, **row} for row in rows],
        schema={
            "account_id": pl.String,
            "debtor_id": pl.String,
            "bucket": pl.String,
            "segment": pl.String,
            "debtor_timezone": pl.String,
            "jurisdiction": pl.String,
            "debtor_unreachable": pl.Boolean,
            "hold_types": pl.List(pl.String),
        },
    )


def contacts(*rows: dict[str, object]) -> pl.DataFrame:
    defaults = {
        "kind": "phone",
        "role": "self",
        "timezone": None,
        "valid": True,
        "consent": True,
        "opted_out": "",
    }
    return pl.DataFrame(
        [{**defaults, **row} for row in rows],
        schema={
            "contact_id": pl.String,
            "debtor_id": pl.String,
            "kind": pl.String,
            "role": pl.String,
            "timezone": pl.String,
            "valid": pl.Boolean,
            "consent": pl.Boolean,
            "opted_out": pl.String,
        },
    )


PHONES = contacts(
    {"contact_id": "C1", "debtor_id": "D1"},
    {"contact_id": "C2", "debtor_id": "D1"},
    {"contact_id": "E1", "debtor_id": "D1", "kind": "email"},
    {"contact_id": "L1", "debtor_id": "D1", "kind": "address"},
    {"contact_id": "K1", "debtor_id": "D1", "role": "emergency_contact"},
)


def plan(account: dict[str, object], points: pl.DataFrame = PHONES) -> list[dict[str, object]]:
    row = {"account_id": "A1", "debtor_id": "D1", **account}
    return plan_treatments(accounts(row), points, STRATEGY, DAY).to_dicts()


def test_it_plans_nothing_for_a_current_account() -> None:
    assert plan({"bucket": "current", "segment": "high"}) == []


def test_it_numbers_actions_by_priority_with_deterministic_ids() -> None:
    actions = plan({"bucket": "M1", "segment": "low"})
    summary = [
        (a["action_id"], a["channel"], a["template"], a["contact_id"], a["priority"])
        for a in actions
    ]
    assert summary == [
        ("20261128-A1-1", "robot_call", "reminder_robot", "C1", 55),
        ("20261128-A1-2", "robot_call", "reminder_robot", "C2", 55),
        ("20261128-A1-3", "robot_call", "reminder_robot_evening", "C1", 58),
        ("20261128-A1-4", "sms", "reminder_firm", "C1", 60),
    ]


def test_it_schedules_the_local_send_time_in_utc() -> None:
    actions = {a["template"]: a for a in plan({"bucket": "M1", "segment": "low"})}
    assert actions["reminder_firm"]["scheduled_at"] == datetime(2026, 11, 28, 1, 30)
    assert actions["reminder_robot_evening"]["scheduled_at"] == datetime(2026, 11, 28, 13, 30)
    assert actions["reminder_firm"]["timezone"] == "Asia/Shanghai"


def test_it_schedules_in_the_debtors_own_zone() -> None:
    actions = plan(
        {
            "bucket": "M1",
            "segment": "high",
            "debtor_timezone": "America/New_York",
            "jurisdiction": "US-RegF",
        }
    )
    sms = next(a for a in actions if a["channel"] == "sms")
    assert sms["scheduled_at"] == datetime(2026, 11, 28, 14, 30)  # 09:30 EST


def test_it_prefers_usable_contact_points() -> None:
    points = contacts(
        {"contact_id": "C1", "debtor_id": "D1", "valid": False},
        {"contact_id": "C2", "debtor_id": "D1", "opted_out": "sms"},
        {"contact_id": "C3", "debtor_id": "D1"},
    )
    actions = plan({"bucket": "M1", "segment": "low"}, points)
    robot = [a["contact_id"] for a in actions if a["template"] == "reminder_robot"]
    sms = [a["contact_id"] for a in actions if a["channel"] == "sms"]
    assert robot == ["C2", "C3"]  # usable first (opted out of SMS only), then by id
    assert sms == ["C3"]


def test_it_still_plans_an_unusable_contact_point_so_the_gate_records_why() -> None:
    points = contacts({"contact_id": "C1", "debtor_id": "D1", "consent": False})
    actions = plan({"bucket": "M1", "segment": "high"}, points)
    assert [a["contact_id"] for a in actions] == ["C1"]  # the SMS; no email address on file
    assert actions[0]["contact_consent"] is False


def test_it_plans_the_location_call_only_for_an_unreachable_debtor() -> None:
    reachable = plan({"bucket": "M3", "segment": "high"})
    unreachable = plan({"bucket": "M3", "segment": "high", "debtor_unreachable": True})
    assert all(a["contact_role"] == "self" for a in reachable)
    location = [a for a in unreachable if a["contact_role"] == "emergency_contact"]
    assert [(a["contact_id"], a["template"], a["discloses_debt"]) for a in location] == [
        ("K1", "location_inquiry", False)
    ]


def test_it_sends_a_letter_only_after_write_off() -> None:
    actions = plan({"bucket": "write_off", "segment": "high"})
    assert [(a["channel"], a["contact_id"]) for a in actions] == [("letter", "L1")]


def test_it_expands_the_any_segment_to_every_segment() -> None:
    frame = treatment_frame(STRATEGY).filter(pl.col("template") == "write_off_notice")
    assert sorted(frame["segment"].to_list()) == ["high", "low", "medium"]


def test_it_carries_what_the_gate_needs() -> None:
    action = plan({"bucket": "M2", "segment": "high", "hold_types": ["hardship_plan"]})[0]
    for column in (
        "jurisdiction",
        "debtor_timezone",
        "contact_timezone",
        "discloses_debt",
        "contact_valid",
        "contact_consent",
        "contact_opted_out",
        "hold_types",
        "debtor_unreachable",
        "business_date",
        "bucket",
        "segment",
    ):
        assert column in action
    assert action["hold_types"] == ["hardship_plan"] and action["business_date"] == DAY


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 7, 30)),  # in the gap: moved forward
        (datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 5, 30)),  # in the fold: first one
        (datetime(2026, 7, 1, 9, 30), datetime(2026, 7, 1, 13, 30)),  # EDT
    ],
)
def test_it_resolves_dst_gaps_and_folds(local: datetime, expected: datetime) -> None:
    frame = pl.DataFrame({"zone": ["America/New_York"], "local": [local]})
    converted = with_utc_from_local(frame, zone_col="zone", local_col="local", out="utc")
    assert converted["utc"].to_list() == [expected]
