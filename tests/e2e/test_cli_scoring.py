"""`huankuan simulate …`, `scoring …` and `strategy …` through the CLI (SQLite, small data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huankuan.entrypoints.cli.main import app

runner = CliRunner()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    monkeypatch.setenv("HUANKUAN_TODAY", "2026-11-28")
    monkeypatch.setenv("COLUMNS", "160")
    return tmp_path


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_it_simulates_history_trains_on_it_and_evaluates_the_model(sqlite_env: Path) -> None:
    output = invoke("simulate", "history", "--days", "60", "--accounts", "500", "--seed", "3")
    assert "history 2026-09-29 … 2026-11-27" in output and "contact_attempts" in output
    assert "sha256" in output  # the assumptions are stated
    output = invoke("scoring", "train", "--from-history")
    assert "model version 1" in output and "gbm/roll" in output
    report = json.loads(invoke("scoring", "evaluate", "--json").strip().splitlines()[-1])
    assert report["version"] == 1 and set(report["models"]) == {
        "gbm/pay_30d",
        "gbm/roll",
        "scorecard/pay_30d",
        "scorecard/roll",
    }
    figures = report["models"]["gbm/roll"]
    assert 0.5 < figures["auc"] <= 1 and 0 <= figures["ks"] <= 1
    assert "psi_between_periods" in figures and len(figures["reliability"]) == 10
    assert "trained at" in invoke("scoring", "models")


def test_it_refuses_to_simulate_history_into_a_database_with_accounts(sqlite_env: Path) -> None:
    invoke("simulate", "history", "--days", "31", "--accounts", "100")
    result = runner.invoke(app, ["simulate", "history", "--days", "31", "--accounts", "100"])
    assert result.exit_code == 2 and "empty database" in result.output


def test_it_asks_where_to_train_from(sqlite_env: Path) -> None:
    result = runner.invoke(app, ["scoring", "train"])
    assert result.exit_code == 2 and "--from-history" in result.output


def test_it_compares_strategies_side_by_side_with_a_plot(sqlite_env: Path) -> None:
    plot = sqlite_env / "sim.png"
    output = invoke(
        "simulate",
        "strategy",
        "--strategy",
        "allocated",
        "--days",
        "6",
        "--accounts",
        "300",
        "--plot",
        str(plot),
    )
    assert "Recovery curve" in output and "assumptions.yaml" in output
    last = json.loads(output.strip().splitlines()[-1])
    assert [row["strategy"] for row in last["strategies"]] == ["default", "allocated"]
    assert {"recovered", "cost", "contacts", "complaints"} <= set(last["strategies"][0])
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_it_checks_a_strategy_and_names_the_line_of_an_error(sqlite_env: Path) -> None:
    assert "challenger sms_first (30%)" in invoke("strategy", "check", "champion_challenger")
    broken = sqlite_env / "broken.yaml"
    broken.write_text(
        "strategy: x\nversion: '1.0'\nsegments:\n  - {name: all, min_score: 0}\n"
        "treatments: {current: {}, M1: {}, M2: {}, M3: {}, M4+: {}, write_off: {}}\n"
        "rules:\n  - {name: r, when: {buckets: [M7]}, path: p}\n"
        "paths:\n  p: [{channel: sms, template: t, priority: 5, send_at: '09:00'}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["strategy", "check", str(broken)])
    assert result.exit_code == 2
    assert "broken.yaml:7" in result.output and "unknown bucket 'M7'" in result.output


def test_it_reports_that_no_experiment_is_recorded_yet(sqlite_env: Path) -> None:
    invoke("init")
    result = runner.invoke(app, ["strategy", "report"])
    assert result.exit_code == 5 and "no champion/challenger" in result.output
