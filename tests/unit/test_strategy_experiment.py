"""Champion/challenger: stable-hash arms, traffic shares, and challenger validation."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from huankuan.domain.errors import ConfigError
from huankuan.strategy.experiment import assign_arms, load_arms, stable_units

ROOT = Path(__file__).resolve().parents[2] / "src/huankuan/strategy/strategies"


def test_it_hashes_the_same_account_to_the_same_number_everywhere() -> None:
    units = stable_units(["A1", "A2", "A1"], "exp")
    assert units[0] == units[2] and units[0] != units[1]
    assert units.min() >= 0 and units.max() < 1
    # BLAKE2b is fixed: this value does not depend on the machine or the Python version.
    pinned = float(stable_units(["A0000001"], "sms_first_2026q4")[0])
    assert pinned == pytest.approx(0.49836304389251446, abs=1e-15)
    assert stable_units(["A1"], "other")[0] != units[0]


def test_it_splits_the_traffic_by_the_declared_shares() -> None:
    arms = load_arms(ROOT / "champion_challenger.yaml")
    assert [(arm.name, round(arm.share, 2)) for arm in arms] == [
        ("champion", 0.7),
        ("sms_first", 0.3),
    ]
    ids = pl.Series([f"A{i:07d}" for i in range(20_000)])
    assigned = assign_arms(ids, "sms_first_2026q4", arms)
    share = (assigned == "sms_first").mean()
    assert 0.28 < share < 0.32  # type: ignore[operator]
    assert assign_arms(ids, "sms_first_2026q4", arms).equals(assigned)


def test_it_runs_without_an_experiment_as_one_champion_arm() -> None:
    arms = load_arms(ROOT / "default.yaml")
    assert [(arm.name, arm.share) for arm in arms] == [("champion", 1.0)]


def champion_text(share: float, challenger: str = "sms_first.yaml") -> str:
    base = (ROOT / "default.yaml").read_text(encoding="utf-8")
    return base + (
        "\nexperiment:\n  name: test_exp\n  challengers:\n"
        f"    - {{arm: other, strategy: {challenger}, share: {share}}}\n"
    )


def test_it_leaves_the_champion_some_traffic(tmp_path: Path) -> None:
    (tmp_path / "sms_first.yaml").write_text(
        (ROOT / "sms_first.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    path = tmp_path / "champion.yaml"
    path.write_text(champion_text(0.99), encoding="utf-8")
    assert len(load_arms(path)) == 2
    path.write_text(champion_text(1.0), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_arms(path)
    assert caught.value.field.startswith("experiment.challengers[0].share")


def test_it_requires_challengers_to_share_buckets_and_segments(tmp_path: Path) -> None:
    other = (ROOT / "sms_first.yaml").read_text(encoding="utf-8")
    (tmp_path / "odd.yaml").write_text(
        other.replace("{name: medium, min_score: 400}", "{name: medium, min_score: 450}"),
        encoding="utf-8",
    )
    path = tmp_path / "champion.yaml"
    path.write_text(champion_text(0.2, "odd.yaml"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_arms(path)
    assert caught.value.field == "experiment.challengers[0].strategy"
    assert "same accounts" in caught.value.reason


def test_it_reports_a_missing_challenger_file_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "champion.yaml"
    path.write_text(champion_text(0.2, "missing.yaml"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_arms(path)
    assert "no strategy file" in caught.value.reason and caught.value.line is not None
