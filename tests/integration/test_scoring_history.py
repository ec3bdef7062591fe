"""From simulated history to a trained model in the daily cycle, on SQLite and PostgreSQL:
history written, models trained and stored, the cycle scoring with them, champion/challenger
arms recorded and reported, allocation keeping the plan inside capacity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import text

from huankuan.bootstrap import App
from huankuan.service_layer.cycle import run_cycle
from huankuan.service_layer.scoring import load_model_set, train_from_history
from huankuan.service_layer.simulated_history import simulate_history
from huankuan.service_layer.strategy_report import experiment_report
from huankuan.strategy.loader import load_strategy

STRATEGIES = Path(__file__).resolve().parents[2] / "src/huankuan/strategy/strategies"
DAY = date(2026, 11, 28)


def with_strategy(app: App, name: str) -> App:
    settings = app.settings.model_copy(update={"strategy_file": STRATEGIES / f"{name}.yaml"})
    return App(settings=settings, engine=app.engine, clock=app.clock)


def count(app: App, sql: str) -> int:
    with app.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def test_it_learns_from_simulated_history_and_scores_the_next_cycle_with_it(app: App) -> None:
    report = simulate_history(app, days=60, accounts=600, seed=3, until=date(2026, 11, 27))
    assert report.rows["accounts"] == 600 and report.rows["contact_attempts"] > 1000
    assert count(app, "SELECT count(*) FROM payments WHERE status = 'reflected'") > 0

    scheme = load_strategy().bucket_scheme
    with app.engine.begin() as connection:
        trained = train_from_history(connection, scheme)
    assert trained.models.version == 1 and len(trained.snapshot_dates) == 4
    assert trained.models.metrics["gbm/roll"]["auc"] > 0.7
    assert count(app, "SELECT count(*) FROM scoring_models") == 4
    with app.engine.connect() as connection:
        stored = load_model_set(connection)
    assert stored is not None and stored.metrics == trained.models.metrics

    cycle = run_cycle(app, DAY)
    assert cycle.scorer == "trained-gbm-v1" and cycle.actions_planned > 0

    experiment = run_cycle(with_strategy(app, "champion_challenger"), DAY)
    arms = experiment.strategy_extras["arms"]
    assert set(arms) == {"champion", "sms_first"} and arms["sms_first"] < arms["champion"]
    recorded = count(app, "SELECT count(*) FROM strategy_assignments")
    assert recorded == sum(arms.values())
    run_cycle(with_strategy(app, "champion_challenger"), DAY)  # a re-run keeps the arms
    assert count(app, "SELECT count(*) FROM strategy_assignments") == recorded
    with app.engine.connect() as connection:
        name, figures = experiment_report(connection, None, None)
    assert name == "sms_first_2026q4" and [f.arm for f in figures] == ["champion", "sms_first"]

    allocated = run_cycle(with_strategy(app, "allocated"), DAY)
    allocation = allocated.strategy_extras["allocation"]
    assert allocation["expected_value"] >= allocation["ladder_expected_value"]
    assert allocation["used"]["agent_minutes"] <= 3600
    with app.engine.connect() as connection:
        plan = pl.DataFrame(
            connection.execute(
                text("SELECT channel, decision FROM action_plan WHERE business_date = :d"),
                {"d": DAY},
            ).fetchall(),
            schema=["channel", "decision"],
            orient="row",
        )
    assert plan.filter(pl.col("decision") == "allow").height == allocated.allowed
