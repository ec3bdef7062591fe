"""`huankuan compliance check`: the JSON Lines contract of DESIGN.md §4.1, exactly."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from huankuan.entrypoints.cli.main import app

runner = CliRunner()
NEW_YORK = {"timezone": "America/New_York", "flags": []}


def check(*lines: dict[str, Any] | str) -> tuple[int, list[dict[str, Any]]]:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    result = runner.invoke(app, ["compliance", "check", "-"], input=text)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def line(
    id: object, at: str, *, history: list[dict[str, Any]] = (), **changes: Any
) -> dict[str, Any]:  # type: ignore[assignment]
    record: dict[str, Any] = {
        "id": id,
        "jurisdiction": "US-RegF",
        "debtor": dict(NEW_YORK),
        "history": list(history),
        "attempt": {"at": at, "channel": "call", "to": "debtor", "discloses_debt": True},
    }
    for key, value in changes.items():
        if key in ("flags", "timezone", "timezones"):
            record["debtor"][key] = value
        elif key in ("jurisdiction",):
            record[key] = value
        else:
            record["attempt"][key] = value
    return record


def call(at: str, **fields: Any) -> dict[str, Any]:
    return {
        "at": at,
        "channel": "call",
        "to": "debtor",
        "connected": True,
        "conversation": False,
        **fields,
    }


def test_it_answers_with_id_decision_rules_and_next_allowed_at_exactly() -> None:
    code, out = check(
        line("late", "2026-11-27T21:01:00-05:00"),
        line(7, "2026-11-27T21:00:00-05:00"),
    )
    assert code == 0
    assert out == [
        {
            "id": "late",
            "decision": "block",
            "rules": ["US-REGF-HOURS"],
            "next_allowed_at": "2026-11-28T08:00:00-05:00",
        },
        {"id": 7, "decision": "allow", "rules": [], "next_allowed_at": None},
    ]


def test_it_counts_the_history_per_debt_with_direction_and_connection() -> None:
    week = [call(f"2026-11-{day}T10:00:00-05:00", debt_ids=["A1", "A2"]) for day in range(21, 28)]
    failed = [call(f"2026-11-{day}T11:00:00-05:00", connected=False) for day in range(21, 28)]
    inbound = [call("2026-11-27T09:00:00-05:00", direction="inbound", debt_id="A3")]
    code, out = check(
        line("a1", "2026-11-27T15:00:00-05:00", history=week, debt_id="A1"),
        line("a3", "2026-11-27T15:00:00-05:00", history=week[:6] + failed, debt_id="A3"),
        line(
            "spoke",
            "2026-11-28T09:00:00-05:00",
            history=[{**inbound[0], "conversation": True}],
            debt_id="A3",
        ),
    )
    assert code == 0
    assert out[0]["rules"] == ["US-REGF-CALLS-7-IN-7"]
    assert out[0]["next_allowed_at"] == "2026-11-28T08:00:00-05:00"
    assert out[1]["decision"] == "allow"
    assert out[2]["rules"] == ["US-REGF-AFTER-CONVERSATION"]
    assert out[2]["next_allowed_at"] == "2026-12-04T08:00:00-05:00"


def test_it_applies_the_debtor_flags() -> None:
    noon = "2026-11-27T12:00:00-05:00"
    code, out = check(
        line("attorney", noon, flags=["attorney_represented"]),
        line("to-attorney", noon, flags=["attorney_represented"], to="attorney"),
        line("cease", noon, flags=["cease_requested"], channel="letter"),
        line(
            "notice",
            noon,
            flags=["cease_requested"],
            channel="letter",
            purpose="notice_termination",
        ),
        line("opted-out", noon, flags=["opted_out_sms"], channel="sms"),
        line("deceased", noon, flags=["deceased"], to="estate_representative"),
        line("oral", noon, flags=["disputed_oral", "time_barred"]),
        line("third", noon, to="emergency_contact", discloses_debt=True, purpose="location"),
    )
    assert code == 0
    decided = {row["id"]: (row["decision"], row["rules"]) for row in out}
    assert decided["attorney"] == ("block", ["US-REGF-HOLD-ATTORNEY"])
    assert decided["to-attorney"] == ("allow", ["US-REGF-HOLD-ATTORNEY"])
    assert decided["cease"] == ("block", ["US-REGF-HOLD-CEASE"])
    assert decided["notice"] == ("allow", ["US-REGF-HOLD-CEASE"])
    assert decided["opted-out"] == ("block", ["US-REGF-OPT-OUT"])
    assert decided["deceased"][0] == "allow"
    assert decided["oral"] == ("allow", [])
    assert decided["third"] == ("block", ["US-REGF-THIRD-PARTY-DISCLOSURE"])


def test_it_applies_the_cn_profile_and_a_house_profile() -> None:
    cn = {"timezone": "Asia/Shanghai", "flags": []}
    calls = [call(f"2026-11-27T0{hour}:00:00+08:00") for hour in (8, 9)]
    base = line("cn", "2026-11-27T21:59:00+08:00", history=calls, jurisdiction="CN-NIFA")
    base["debtor"] = cn
    strict = {**base, "id": "strict", "jurisdiction": "CN-strict"}
    code, out = check(base, strict)
    assert code == 0
    assert (out[0]["decision"], out[1]["rules"]) == ("allow", ["CN-STRICT-DAILY-CALLS"])


def test_it_answers_unknown_flags_and_malformed_lines_with_an_error_and_goes_on() -> None:
    code, out = check(
        line("flag", "2026-11-27T12:00:00-05:00", flags=["lawyered_up"]),
        "{not json",
        line("naive", "2026-11-27T12:00:00"),
        line("zone", "2026-11-27T12:00:00-05:00", timezone="America/Nowhere"),
        {"jurisdiction": "US-RegF"},
        line("field", "2026-11-27T12:00:00-05:00", urgency="high"),
        line("ok", "2026-11-27T12:00:00-05:00"),
    )
    assert code == 2
    assert [row["id"] for row in out] == ["flag", None, "naive", "zone", None, "field", "ok"]
    assert "unknown flag(s) ['lawyered_up']" in out[0]["error"]
    assert out[1]["error"].startswith("line 2: not JSON")
    assert "needs a UTC offset" in out[2]["error"]
    assert "IANA time zone" in out[3]["error"]
    assert "missing id" in out[4]["error"]
    assert "attempt.urgency" in out[5]["error"]
    assert out[6] == {"id": "ok", "decision": "allow", "rules": [], "next_allowed_at": None}
