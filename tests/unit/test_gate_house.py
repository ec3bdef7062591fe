"""House profiles extend a base profile and may only add restrictions; an attempt to relax a
base rule is a ConfigError naming the house file, the line and the field."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from huankuan.compliance.profiles import PROFILE_DIR, ContactHoursRule, load_profiles
from huankuan.domain.errors import ConfigError
from tests.unit.gate_support import PROFILES

HEADER = """\
profile: US-test
extends: US-RegF
version: "2026.12.1"
title: A house profile under test
rules:
"""


def load_house(tmp_path: Path, rules: str, header: str = HEADER) -> dict[str, object]:
    for base in PROFILE_DIR.glob("*.yaml"):
        shutil.copy(base, tmp_path / base.name)
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "test.yaml").write_text(header + textwrap.dedent(rules), "utf-8")
    return load_profiles(tmp_path)  # type: ignore[return-value]


def refused(tmp_path: Path, rules: str, header: str = HEADER) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_house(tmp_path, rules, header)
    assert caught.value.file == str(tmp_path / "house" / "test.yaml")
    return caught.value


def test_it_loads_the_packaged_house_profiles_on_top_of_their_base() -> None:
    strict, massachusetts = PROFILES["CN-strict"], PROFILES["US-MA"]
    assert strict.label == "CN-strict@2026.12.1+CN-NIFA@2026.12.1"
    base_ids = [rule.id for rule in PROFILES["CN-NIFA"].rules]
    assert [rule.id for rule in strict.rules] == [
        *base_ids,
        "CN-STRICT-DAILY-CALLS",
        "CN-STRICT-UNANSWERED-DIALS",
    ]
    assert massachusetts.rules[-1].id == "US-MA-CALLS-2-IN-7"
    for profile in PROFILES.values():
        for rule in profile.rules:
            assert rule.citation and len(rule.explanation) > 20


def test_it_tightens_a_base_rule_restated_by_its_id(tmp_path: Path) -> None:
    profiles = load_house(
        tmp_path,
        """\
          - id: US-REGF-HOURS
            end: "20:00"
        """,
    )
    hours = profiles["US-test"].rules[0]  # type: ignore[attr-defined]
    assert isinstance(hours, ContactHoursRule) and hours.end.hour == 20
    assert hours.citation == PROFILES["US-RegF"].rules[0].citation


@pytest.mark.parametrize(
    ("rules", "field", "line", "words"),
    [
        ('  - id: US-REGF-HOURS\n    start: "07:00"\n', "rules[0].start", 7, "earlier"),
        ('  - id: US-REGF-HOURS\n    end: "21:30"\n', "rules[0].end", 7, "later"),
        (
            "  - id: US-REGF-HOURS\n    channels: [sms, email]\n",
            "rules[0].channels",
            7,
            "drops robot_call, agent_call",
        ),
        (
            "  - id: US-REGF-CALLS-7-IN-7\n    max_contacts: 8\n",
            "rules[0].max_contacts",
            7,
            "more than the base's 7",
        ),
        (
            "  - id: US-REGF-CALLS-7-IN-7\n    window_days: 6\n",
            "rules[0].window_days",
            7,
            "less than",
        ),
        ("  - id: US-REGF-CALLS-7-IN-7\n    per: number\n", "rules[0].per", 7, "fewer"),
        (
            "  - id: US-REGF-HOLD-HARDSHIP\n    blocks: [robot_call]\n",
            "rules[0].blocks",
            7,
            "drops agent_call",
        ),
        (
            "  - id: US-REGF-HOLD-DISPUTE\n    except_roles: [attorney]\n",
            "rules[0].except_roles",
            7,
            "adds attorney",
        ),
        ("  - id: US-REGF-OPT-OUT\n    kind: consent\n", "rules[0].kind", 7, "kind"),
    ],
)
def test_it_refuses_a_house_rule_that_relaxes_its_base(
    tmp_path: Path, rules: str, field: str, line: int, words: str
) -> None:
    error = refused(tmp_path, rules)
    assert (error.field, error.line) == (field, line)
    assert words in error.reason


def test_it_refuses_an_inclusive_closing_time_the_base_excludes(tmp_path: Path) -> None:
    header = HEADER.replace("US-RegF", "CN-NIFA")
    error = refused(tmp_path, "  - id: CN-NIFA-HOURS\n    end_inclusive: true\n", header)
    assert (error.field, error.line) == ("rules[0].end_inclusive", 7)


def test_it_refuses_to_remove_a_base_rule(tmp_path: Path) -> None:
    rules = "  - id: US-TEST-EXTRA\n    kind: third_party_once\n    citation: house\n"
    rules += "    explanation: an extra rule of ours\nremove: [US-REGF-CALLS-7-IN-7]\n"
    error = refused(tmp_path, rules)
    assert (error.field, error.line) == ("remove[0]", 10)
    assert "cannot remove base rule US-REGF-CALLS-7-IN-7" in error.reason


def test_it_refuses_a_second_rule_for_a_base_hold_type(tmp_path: Path) -> None:
    rules = """\
      - id: US-TEST-HOLD
        kind: hold
        hold_type: dispute
        blocks: all
        citation: house policy
        explanation: a second dispute rule
    """
    error = refused(tmp_path, rules)
    assert (error.field, error.line) == ("rules[0].hold_type", 8)


def test_it_refuses_an_unknown_base(tmp_path: Path) -> None:
    error = refused(tmp_path, "  - id: US-REGF-HOURS\n", HEADER.replace("US-RegF", "US-Nowhere"))
    assert (error.field, error.line) == ("extends", 2)


def test_it_refuses_an_added_rule_without_a_citation(tmp_path: Path) -> None:
    rules = "  - id: US-TEST-EXTRA\n    kind: third_party_once\n    explanation: no citation\n"
    error = refused(tmp_path, rules)
    assert (error.field, error.line) == ("rules[0].citation", 6)
