"""Strategy rules, paths, timing windows and retries: routing and line-precise errors."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import polars as pl
import pytest

from huankuan.domain.errors import ConfigError
from huankuan.strategy.loader import Strategy, load_strategy
from huankuan.strategy.segmentation import PATH_KEY, with_paths
from huankuan.strategy.selection import treatment_frame

BASE = """\
strategy: rules
version: "1.0"
segments:
  - {name: high, min_score: 600}
  - {name: low, min_score: 0}
treatments:
  current: {}
  M1:
    any:
      - {channel: sms, template: reminder, priority: 50, send_at: "09:30"}
  M2: {}
  M3: {}
  M4+: {}
  write_off: {}
rules:
  - name: hardship
    when: {holds: [hardship_plan]}
    path: gentle
  - name: big_low_early
    when: {buckets: [M1], segments: [low], balance: {min: 5000}, languages: [zh]}
    path: agent_early
  - name: broke_a_promise
    when: {previous_outcomes: [promise_broken]}
    path: firm
paths:
  gentle:
    - {channel: sms, template: hardship_support, priority: 70, send_at: "10:00"}
  agent_early:
    - {channel: agent_call, template: agent_early, priority: 40, send_at: "10:00",
       until: "18:00", retries: 2, retry_every_minutes: 240}
  firm:
    - {channel: robot_call, template: firm_robot, priority: 35, send_at: "11:00"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "strategy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def strategy(tmp_path: Path) -> Strategy:
    return load_strategy(write(tmp_path, BASE))


def broken(tmp_path: Path, old: str, new: str) -> ConfigError:
    assert old in BASE
    with pytest.raises(ConfigError) as caught:
        load_strategy(write(tmp_path, BASE.replace(old, new, 1)))
    return caught.value


def accounts(**overrides: object) -> pl.DataFrame:
    row = {
        "account_id": "A1",
        "bucket": "M1",
        "segment": "low",
        "score": 300,
        "outstanding_minor": 900_000,
        "jurisdiction": "CN-NIFA",
        "hold_types": [],
        "broken_promises": 0,
        "recent_payments": 0,
        "debtor_unreachable": False,
        **overrides,
    }
    return pl.DataFrame([row])


def test_it_routes_the_first_matching_rule_to_its_path(tmp_path: Path) -> None:
    loaded = strategy(tmp_path)
    assert with_paths(accounts(), loaded)[PATH_KEY][0] == "path/agent_early"
    held = accounts(hold_types=["hardship_plan"], broken_promises=2)
    assert with_paths(held, loaded)[PATH_KEY][0] == "path/gentle"  # first rule wins
    assert with_paths(accounts(broken_promises=1, jurisdiction="US-RegF"), loaded)[PATH_KEY][0] == (
        "path/firm"
    )


def test_it_keeps_the_bucket_and_segment_table_for_accounts_no_rule_matches(
    tmp_path: Path,
) -> None:
    routed = with_paths(accounts(outstanding_minor=100_000), strategy(tmp_path))
    assert routed[PATH_KEY][0] == "table/M1/low"
    assert routed.columns == [*accounts().columns, PATH_KEY]


def test_it_plans_each_retry_inside_the_timing_window_as_its_own_row(tmp_path: Path) -> None:
    frame = treatment_frame(strategy(tmp_path)).filter(pl.col(PATH_KEY) == "path/agent_early")
    assert frame["send_at"].to_list() == [time(10), time(14), time(18)]
    assert frame["treatment"].n_unique() == 3


def test_it_names_the_line_of_a_rule_that_points_to_an_unknown_path(tmp_path: Path) -> None:
    error = broken(tmp_path, "    path: firm", "    path: furm")
    assert error.line == 24 and error.field == "rules[2].path"
    assert "unknown path 'furm'" in error.reason


def test_it_refuses_retries_that_end_after_the_window(tmp_path: Path) -> None:
    error = broken(tmp_path, 'until: "18:00"', 'until: "17:00"')
    assert error.field == "paths.agent_early[0].retries"
    assert "end at 18:00, after the window closes at 17:00" in error.reason


def test_it_refuses_retries_without_a_window(tmp_path: Path) -> None:
    error = broken(tmp_path, 'until: "18:00", ', "")
    assert "give `until`" in error.reason


def test_it_refuses_unknown_buckets_segments_and_outcomes_in_conditions(tmp_path: Path) -> None:
    assert "unknown bucket 'M9'" in broken(tmp_path, "buckets: [M1]", "buckets: [M9]").reason
    error = broken(tmp_path, "segments: [low]", "segments: [lo]")
    assert error.field == "rules[1].when.segments[0]"
    error = broken(tmp_path, "[promise_broken]", "[promise_brokn]")
    assert error.field.startswith("rules[2].when.previous_outcomes")


def test_it_refuses_an_empty_or_inverted_balance_range(tmp_path: Path) -> None:
    error = broken(tmp_path, "balance: {min: 5000}", "balance: {min: 5000, max: 10}")
    assert error.field == "rules[1].when.balance.max"


def test_it_refuses_a_path_no_rule_uses(tmp_path: Path) -> None:
    error = broken(tmp_path, "    path: gentle\n", "    path: firm\n")
    assert error.field == "paths.gentle" and "not used" in error.reason


def test_it_still_loads_the_packaged_strategies_with_rules_and_allocation() -> None:
    root = Path(__file__).resolve().parents[2] / "src/huankuan/strategy/strategies"
    allocated = load_strategy(root / "allocated.yaml")
    assert len(allocated.rules) == 3 and allocated.allocation is not None
    assert allocated.allocation.solver == "lagrangian"
    assert load_strategy(root / "ladder.yaml").allocation.solver == "ladder"  # type: ignore[union-attr]
