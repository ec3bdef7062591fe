"""Strategy YAML: the packaged default loads; every kind of breakage names file, line, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from huankuan.domain.errors import ConfigError
from huankuan.domain.model import Channel, ContactRole
from huankuan.strategy.loader import DEFAULT_STRATEGY, load_strategy

BASE = """\
strategy: test
version: "1.0"
segments:
  - {name: high, min_score: 600}
  - {name: low, min_score: 0}
treatments:
  current: {}
  M1:
    high:
      - channel: sms
        template: reminder
        priority: 50
        send_at: "09:30"
    low: []
  M2: {}
  M3: {}
  M4+: {}
  write_off: {}
"""


def broken(tmp_path: Path, old: str, new: str) -> ConfigError:
    assert old in BASE
    path = tmp_path / "strategy.yaml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_strategy(path)
    assert caught.value.file == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_it_loads_the_packaged_default_strategy() -> None:
    strategy = load_strategy()
    assert strategy.label == "default@2026.11.1"
    assert [band.name for band in strategy.buckets] == [
        "current",
        "M1",
        "M2",
        "M3",
        "M4+",
        "write_off",
    ]
    assert strategy.treatments["current"] == {}


def test_it_gives_the_default_an_evening_robot_slot_and_a_location_call() -> None:
    treatments = [
        t
        for by_segment in load_strategy().treatments.values()
        for ts in by_segment.values()
        for t in ts
    ]
    assert any(
        t.channel is Channel.ROBOT_CALL and t.send_at.isoformat() == "21:30:00" for t in treatments
    )
    location = [t for t in treatments if t.contact_role is ContactRole.EMERGENCY_CONTACT]
    assert location and all(
        t.template == "location_inquiry" and not t.disclosure and t.only_if == "unreachable"
        for t in location
    )


def test_it_loads_a_minimal_strategy(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(BASE, encoding="utf-8")
    strategy = load_strategy(path)
    assert strategy.treatments["M1"]["high"][0].priority == 50


def test_it_names_the_line_of_an_unknown_channel(tmp_path: Path) -> None:
    error = broken(tmp_path, "channel: sms", "channel: fax")
    assert (error.line, error.field) == (10, "treatments.M1.high[0].channel")
    assert "'sms'" in error.reason


def test_it_names_the_line_of_a_priority_out_of_range(tmp_path: Path) -> None:
    error = broken(tmp_path, "priority: 50", "priority: 0")
    assert (error.line, error.field) == (12, "treatments.M1.high[0].priority")
    assert "greater than or equal to 1" in error.reason


def test_it_names_the_line_of_an_impossible_send_time(tmp_path: Path) -> None:
    error = broken(tmp_path, 'send_at: "09:30"', 'send_at: "25:00"')
    assert (error.line, error.field) == (13, "treatments.M1.high[0].send_at")
    assert "HH:MM" in error.reason


def test_it_accepts_an_unquoted_clock_time(tmp_path: Path) -> None:
    path = tmp_path / "unquoted.yaml"
    path.write_text(BASE.replace('send_at: "09:30"', "send_at: 21:30"), encoding="utf-8")
    assert load_strategy(path).treatments["M1"]["high"][0].send_at.isoformat() == "21:30:00"


def test_it_names_a_missing_field_at_its_treatment(tmp_path: Path) -> None:
    error = broken(tmp_path, "        template: reminder\n", "")
    assert (error.line, error.field) == (10, "treatments.M1.high[0].template")
    assert error.reason == "is required"


def test_it_names_a_misspelt_field(tmp_path: Path) -> None:
    error = broken(tmp_path, "priority: 50", "prority: 50")
    assert (error.line, error.field) == (12, "treatments.M1.high[0].prority")
    assert error.reason == "is not a known field (did you mean 'priority'?)"


def test_it_names_an_unknown_bucket(tmp_path: Path) -> None:
    error = broken(tmp_path, "  M2: {}", "  M9: {}")
    assert (error.line, error.field) == (15, "treatments.M9")
    assert "unknown bucket" in error.reason


def test_it_names_an_unknown_segment(tmp_path: Path) -> None:
    error = broken(tmp_path, "    low: []", "    lowest: []")
    assert (error.line, error.field) == (14, "treatments.M1.lowest")


def test_it_names_the_line_of_a_yaml_syntax_error(tmp_path: Path) -> None:
    error = broken(tmp_path, "        priority: 50", "        priority: [50")
    assert error.field == "(syntax)" and error.line in (12, 13)


def test_it_refuses_a_duplicate_key(tmp_path: Path) -> None:
    twice = "        priority: 50\n        priority: 40\n"
    error = broken(tmp_path, "        priority: 50\n", twice)
    assert (error.line, error.field) == (13, "priority")
    assert "first defined on line 12" in error.reason


def test_it_refuses_segments_out_of_order(tmp_path: Path) -> None:
    error = broken(tmp_path, "{name: low, min_score: 0}", "{name: low, min_score: 700}")
    assert (error.line, error.field) == (5, "segments[1].min_score")


def test_it_refuses_a_gap_between_buckets(tmp_path: Path) -> None:
    text = BASE.replace(
        "segments:",
        "buckets:\n  - {name: current, min_days: 0, max_days: 0}\n"
        "  - {name: M1, min_days: 2}\nsegments:",
    )
    path = tmp_path / "gap.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_strategy(path)
    assert (caught.value.line, caught.value.field) == (5, "buckets[1].min_days")
    assert "must start at day 1" in caught.value.reason


def test_it_refuses_treatments_for_current_accounts(tmp_path: Path) -> None:
    error = broken(
        tmp_path,
        "  current: {}",
        "  current:\n    high: [{channel: sms, template: hi, priority: 9, send_at: '09:00'}]",
    )
    assert (error.line, error.field) == (7, "treatments.current")


def test_it_refuses_disclosure_to_an_emergency_contact(tmp_path: Path) -> None:
    error = broken(
        tmp_path,
        "      - channel: sms\n",
        "      - channel: sms\n        contact_role: emergency_contact\n"
        "        discloses_debt: true\n",
    )
    assert (error.line, error.field) == (12, "treatments.M1.high[0].discloses_debt")


def test_it_requires_every_bucket_to_be_listed(tmp_path: Path) -> None:
    error = broken(tmp_path, "  M3: {}\n", "")
    assert error.field == "treatments" and "M3" in error.reason


def test_it_requires_a_version(tmp_path: Path) -> None:
    error = broken(tmp_path, 'version: "1.0"\n', "")
    assert (error.line, error.field) == (1, "version")


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        load_strategy(path)


def test_it_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_strategy(tmp_path / "absent.yaml")


def test_the_packaged_default_is_where_the_loader_looks() -> None:
    assert DEFAULT_STRATEGY.exists() and DEFAULT_STRATEGY.suffix == ".yaml"
