"""Jurisdiction profiles: versioned data, validated on load with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from huankuan.compliance.profiles import PROFILE_DIR, HoldRule, load_profile, load_profiles
from huankuan.domain.errors import ConfigError
from huankuan.domain.model import HoldType

US_FILE = PROFILE_DIR / "US-RegF.yaml"
US_RULE_IDS = [
    "US-REGF-HOURS",
    "US-REGF-HOURS-CONTACT-ZONE",
    "US-REGF-HOLD-DISPUTE",
    "US-REGF-HOLD-CEASE",
    "US-REGF-HOLD-ATTORNEY",
    "US-REGF-HOLD-BANKRUPTCY",
    "US-REGF-HOLD-DECEASED",
    "US-REGF-HOLD-WELFARE",
    "US-REGF-HOLD-COMPLAINT",
    "US-REGF-HOLD-HARDSHIP",
    "US-REGF-HOLD-UNRECOGNISED",
    "US-REGF-OPT-OUT",
    "US-REGF-NO-CONSENT",
    "US-REGF-INVALID-CONTACT",
    "US-REGF-THIRD-PARTY-ROLES",
    "US-REGF-THIRD-PARTY-PURPOSE",
    "US-REGF-THIRD-PARTY-DISCLOSURE",
    "US-REGF-CALLS-7-IN-7",
    "US-REGF-AFTER-CONVERSATION",
    "US-REGF-THIRD-PARTY-ONCE",
    "US-REGF-CONTACT-REFUSED",
]
CN_RULE_IDS = [
    "CN-NIFA-HOURS",
    "CN-NIFA-HOURS-CONTACT-ZONE",
    "CN-NIFA-HOLD-DISPUTE",
    "CN-NIFA-HOLD-CEASE",
    "CN-NIFA-HOLD-ATTORNEY",
    "CN-NIFA-HOLD-BANKRUPTCY",
    "CN-NIFA-HOLD-DECEASED",
    "CN-NIFA-HOLD-WELFARE",
    "CN-NIFA-HOLD-COMPLAINT",
    "CN-NIFA-HOLD-HARDSHIP",
    "CN-NIFA-HOLD-UNRECOGNISED",
    "CN-NIFA-OPT-OUT",
    "CN-NIFA-NO-CONSENT",
    "CN-NIFA-INVALID-CONTACT",
    "CN-NIFA-THIRD-PARTY-ROLES",
    "CN-NIFA-EMERGENCY-ONLY-IF-UNREACHABLE",
    "CN-NIFA-THIRD-PARTY-PURPOSE",
    "CN-NIFA-NO-DISCLOSURE",
    "CN-NIFA-DAILY-CALLS",
    "CN-NIFA-CONTACT-REFUSED",
]


def test_it_loads_both_packaged_profiles_with_stable_rule_ids() -> None:
    profiles = load_profiles()
    assert set(profiles) == {"US-RegF", "CN-NIFA", "CN-strict", "US-MA"}
    assert [rule.id for rule in profiles["US-RegF"].rules] == US_RULE_IDS
    assert [rule.id for rule in profiles["CN-NIFA"].rules] == CN_RULE_IDS
    assert profiles["US-RegF"].label == "US-RegF@2026.12.1"


@pytest.mark.parametrize("name", ["US-RegF", "CN-NIFA", "CN-strict", "US-MA"])
def test_it_gives_every_hold_type_a_rule(name: str) -> None:
    profile = load_profiles()[name]
    covered = {rule.hold_type for rule in profile.rules if isinstance(rule, HoldRule)}
    assert covered == set(HoldType)


def broken(tmp_path: Path, old: str, new: str) -> ConfigError:
    text = US_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "US-RegF.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    assert caught.value.file == str(path)
    return caught.value


def line_of(fragment: str) -> int:
    lines = US_FILE.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


def test_it_names_an_unknown_rule_kind(tmp_path: Path) -> None:
    error = broken(tmp_path, "kind: opt_out", "kind: opt_in")
    assert (error.line, error.field) == (line_of("kind: opt_out"), "rules[11].kind")


def test_it_names_a_rule_without_a_citation(tmp_path: Path) -> None:
    error = broken(tmp_path, "    citation: 12 CFR 1006.6(e)\n", "")
    assert (error.line, error.field) == (line_of("id: US-REGF-OPT-OUT"), "rules[11].citation")


def test_it_names_a_badly_written_rule_id(tmp_path: Path) -> None:
    error = broken(tmp_path, "id: US-REGF-OPT-OUT", "id: us opt out")
    assert (error.line, error.field) == (line_of("id: US-REGF-OPT-OUT"), "rules[11].id")


def test_it_refuses_a_duplicate_rule_id(tmp_path: Path) -> None:
    error = broken(tmp_path, "id: US-REGF-NO-CONSENT", "id: US-REGF-OPT-OUT")
    assert (error.line, error.field) == (line_of("id: US-REGF-NO-CONSENT"), "rules[12].id")


def test_it_refuses_contact_hours_that_end_before_they_start(tmp_path: Path) -> None:
    error = broken(
        tmp_path,
        'end: "21:00"\n    end_inclusive: true  #',
        'end: "07:00"\n    end_inclusive: true  #',
    )
    assert (error.line, error.field) == (line_of('end: "21:00"'), "rules[0].end")


def test_it_refuses_an_impossible_clock_time(tmp_path: Path) -> None:
    error = broken(tmp_path, 'start: "08:00"', 'start: "8 am"')
    assert (error.line, error.field) == (line_of('start: "08:00"'), "rules[0].start")


def test_it_refuses_a_profile_that_forgets_a_hold_type(tmp_path: Path) -> None:
    error = broken(tmp_path, "hold_type: welfare", "hold_type: dispute")
    assert error.field in ("rules[7].hold_type", "rules")
    assert "dispute" in error.reason or "welfare" in error.reason


def test_it_refuses_an_unknown_channel_in_a_hold(tmp_path: Path) -> None:
    error = broken(tmp_path, "blocks: [robot_call, agent_call]", "blocks: [robot_call, fax]")
    assert (error.line, error.field) == (
        line_of("blocks: [robot_call, agent_call]"),
        "rules[9].blocks[1]",
    )


def test_it_refuses_an_unversioned_profile(tmp_path: Path) -> None:
    error = broken(tmp_path, 'version: "2026.12.1"', 'version: "latest"')
    assert (error.line, error.field) == (line_of('version: "2026.12.1"'), "version")
