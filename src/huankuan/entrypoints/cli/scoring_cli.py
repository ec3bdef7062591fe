"""`huankuan scoring …`: train on the database's history, evaluate, list models, benchmark."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.table import Table

from huankuan.domain.errors import InvalidInput
from huankuan.entrypoints.cli.main import app, console, handles_errors

scoring_app = typer.Typer(
    help="Propensity models: train from history, evaluate, benchmark.", no_args_is_help=True
)
app.add_typer(scoring_app, name="scoring")


@scoring_app.command("train")
@handles_errors
def train(
    from_history: Annotated[
        bool, typer.Option("--from-history", help="Learn from the database's own history.")
    ] = False,
) -> None:
    """Train a new model version (WOE scorecard + LightGBM, pay-in-30-days and roll)."""
    if not from_history:
        raise InvalidInput("say where to learn from: --from-history (the database's payments)")
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.scoring import train_from_history
    from huankuan.strategy.loader import load_strategy

    application = bootstrap()
    scheme = load_strategy(application.settings.strategy_file).bucket_scheme
    try:
        with application.uow() as uow, console.status("training…"):
            report = train_from_history(uow.connection, scheme)
            uow.commit()
    finally:
        application.engine.dispose()
    console.print(
        f"model version {report.models.version}: {report.rows:,} labelled snapshots on "
        f"{len(report.snapshot_dates)} dates, history until {report.history_until}; "
        f"figures on the held-out (latest) period:"
    )
    console.print(_figures_table(report.models.metrics))


@scoring_app.command("evaluate")
@handles_errors
def evaluate(
    version: Annotated[int | None, typer.Option(help="Model version (default: latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead.")] = False,
) -> None:
    """AUC, KS, Gini, calibration (reliability) and PSI between periods, on the history."""
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.scoring import evaluate_latest
    from huankuan.strategy.loader import load_strategy

    application = bootstrap()
    scheme = load_strategy(application.settings.strategy_file).bucket_scheme
    try:
        with application.uow() as uow:
            models, evaluation = evaluate_latest(uow.connection, scheme, version)
    finally:
        application.engine.dispose()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "version": models.version,
                    "rows": evaluation.rows,
                    "periods": evaluation.periods,
                    "models": evaluation.figures,
                }
            )
        )
        return
    console.print(
        f"model version {models.version} on {evaluation.rows:,} labelled snapshots; "
        f"PSI compares {evaluation.periods[0]} with {evaluation.periods[1]}"
    )
    console.print(_figures_table(evaluation.figures))
    for key, figures in evaluation.figures.items():
        console.print(_reliability_table(key, figures["reliability"]))


@scoring_app.command("models")
@handles_errors
def models() -> None:
    """The stored model versions with their held-out figures."""
    from huankuan.adapters.storage.scoring_store import ScoringStore
    from huankuan.bootstrap import bootstrap

    application = bootstrap()
    try:
        with application.uow() as uow:
            rows = ScoringStore(uow.connection).model_versions()
    finally:
        application.engine.dispose()
    table = Table(title="Stored models")
    for column in ("version", "kind", "target", "trained at", "history until", "rows", "AUC"):
        table.add_column(column)
    for row in rows.iter_rows(named=True):
        table.add_row(
            str(row["version"]),
            row["kind"],
            row["target"],
            str(row["trained_at"])[:19],
            str(row["history_until"]),
            f"{row['training_rows']:,}",
            str(json.loads(row["metrics"]).get("auc")),
        )
    console.print(table)


@scoring_app.command("benchmark")
@handles_errors
def benchmark(
    dataset: Annotated[str, typer.Option(help="Public dataset: germancredit.")] = "germancredit",
    folds: Annotated[int, typer.Option(min=2, max=10, help="Stratified CV folds.")] = 5,
) -> None:
    """Both model kinds on a public dataset, stratified k-fold CV; last line is JSON."""
    from huankuan.scoring.benchmark import run_benchmark

    with console.status(f"{folds}-fold CV on {dataset}…"):
        result = run_benchmark(dataset, folds=folds)
    console.print(
        f"{result.dataset}: {result.rows:,} rows, event rate {result.event_rate}; AUC per fold "
        f"scorecard {list(result.scorecard_fold_aucs)}, LightGBM {list(result.gbm_fold_aucs)}"
    )
    typer.echo(json.dumps(result.line()))


def _figures_table(figures: Mapping[str, Mapping[str, Any]]) -> Table:
    table = Table(title="Model figures")
    columns = ("auc", "ks", "gini", "base_rate", "mean_predicted", "calibration_error")
    table.add_column("model / target")
    for column in (*columns, "PSI"):
        table.add_column(column, justify="right")
    for key, row in sorted(figures.items()):
        psi = row.get("psi_between_periods", row.get("psi_vs_training"))
        table.add_row(key, *[str(row.get(c)) for c in columns], str(psi))
    return table


def _reliability_table(key: str, rows: list[list[float]]) -> Table:
    table = Table(title=f"Reliability — {key}")
    for column in ("bin", "mean predicted", "observed rate", "rows"):
        table.add_column(column, justify="right")
    for index, (predicted, observed, count) in enumerate(rows, start=1):
        table.add_row(str(index), f"{predicted:.3f}", f"{observed:.3f}", f"{int(count):,}")
    return table
