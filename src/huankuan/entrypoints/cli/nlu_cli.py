"""`huankuan nlu`: borrower-utterance understanding on JSON Lines (DESIGN.md §4.3), its evaluation
on a labelled file, and (re)training of the cached classifier."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.table import Table

from huankuan.entrypoints.cli.main import app, console, err_console, handles_errors

nlu_app = typer.Typer(
    help="Understand borrower utterances (intents, amounts, dates; zh and en).",
    no_args_is_help=True,
)
app.add_typer(nlu_app, name="nlu")

SourceArg = Annotated[
    str, typer.Argument(metavar="[FILE|-]", help="JSON Lines input; - for stdin.")
]
LabelledFileArg = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help="Labelled JSON Lines (text, lang, intent; optional amount, date, today).",
    ),
]
TodayOpt = Annotated[
    str | None, typer.Option(help="Reference date for relative dates (YYYY-MM-DD).")
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(help="Where the trained classifier is cached (default: ~/.cache/huankuan/nlu)."),
]


def _reference_date(today: str | None) -> date:
    if today:
        try:
            return date.fromisoformat(today)
        except ValueError as error:
            raise typer.BadParameter(f"--today must be YYYY-MM-DD, got {today!r}") from error
    from huankuan.config import load_settings

    configured = load_settings().today
    return date.fromisoformat(configured) if configured else date.today()


def _load_pipeline(cache_dir: Path | None) -> Any:
    from huankuan.dialogue.nlu import NluPipeline

    return NluPipeline.load() if cache_dir is None else NluPipeline.load(cache_dir=cache_dir)


def _lines(source: str) -> Iterator[tuple[int, str]]:
    if source == "-":
        yield from enumerate(sys.stdin, 1)
        return
    path = Path(source)
    if not path.exists():
        from huankuan.domain.errors import InvalidInput

        raise InvalidInput(f"{source}: no such file")
    with path.open(encoding="utf-8") as handle:
        yield from enumerate(handle, 1)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def predict_line(pipeline: Any, line: str, number: int, today: date) -> dict[str, Any]:
    """One output object for one input line: the parse, or an error naming the line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"line {number}: not JSON ({error.msg})"}
    if not isinstance(item, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object"}
    ident = item.get("id")
    text, lang, balance = item.get("text"), item.get("lang"), item.get("balance_minor")
    if not isinstance(text, str):
        return {"id": ident, "error": f"line {number}: 'text' must be a string"}
    if lang is not None and lang not in ("zh", "en"):
        return {"id": ident, "error": f"line {number}: 'lang' must be zh or en, got {lang!r}"}
    if balance is not None and (isinstance(balance, bool) or not isinstance(balance, int)):
        return {"id": ident, "error": f"line {number}: 'balance_minor' must be an integer"}
    parse = pipeline.parse(text, lang=lang, today=today, balance_minor=balance)
    return {
        "id": ident,
        "intent": parse.intent,
        "confidence": parse.confidence,
        "amount": _number(parse.amount),
        "date": parse.date.isoformat() if parse.date else None,
    }


@nlu_app.command("predict")
@handles_errors
def predict(
    source: SourceArg = "-",
    today: TodayOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Intent, confidence, amount and date for each {"id", "text", "lang"?} line."""
    reference = _reference_date(today)
    pipeline = _load_pipeline(cache_dir)
    failed = 0
    out: IO[str] = sys.stdout
    for number, line in _lines(source):
        if not line.strip():
            continue
        result = predict_line(pipeline, line, number, reference)
        failed += "error" in result
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    if failed:
        err_console.print(
            f"[bold red]error:[/] {failed} line(s) could not be read", highlight=False
        )
        raise typer.Exit(2)


@nlu_app.command("eval")
@handles_errors
def evaluate_file(
    source: LabelledFileArg,
    cache_dir: CacheDirOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as one JSON object.")
    ] = False,
    show_mistakes: Annotated[
        int, typer.Option("--mistakes", help="Also list this many mistakes.")
    ] = 0,
) -> None:
    """Per-intent precision/recall/F1, macro-F1 per language, confusion matrix, extraction."""
    from huankuan.dialogue.nlu.corpus import load_corpus
    from huankuan.dialogue.nlu.evaluation import evaluate
    from huankuan.domain.errors import InvalidInput

    try:
        examples = load_corpus(source)
    except (OSError, ValueError) as error:
        raise InvalidInput(str(error)) from error
    report = evaluate(_load_pipeline(cache_dir), examples)
    if as_json:
        console.print_json(json.dumps(report.as_json(), ensure_ascii=False))
        return
    _print_report(report, show_mistakes)


def _print_report(report: Any, show_mistakes: int) -> None:
    table = Table(title=f"Intents ({report.examples} examples)")
    for column in ("intent", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "intent" else "right")
    for intent, score in report.per_intent.items():
        table.add_row(
            intent,
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            str(score.support),
        )
    console.print(table)
    for lang, value in report.macro_f1_by_lang.items():
        console.print(f"macro-F1 {lang}: {value:.3f}")
    console.print(f"macro-F1 all: {report.macro_f1:.3f}")
    if report.self_harm_recall is not None:
        console.print(f"self_harm recall: {report.self_harm_recall:.3f}")
    if report.amount_accuracy is not None:
        console.print(f"amount accuracy: {report.amount_accuracy:.3f} ({report.amount_cases})")
    if report.date_accuracy is not None:
        console.print(f"date accuracy: {report.date_accuracy:.3f} ({report.date_cases})")
    labels = list(report.per_intent)
    matrix = Table(title="Confusion (rows: gold, columns: predicted)")
    matrix.add_column("gold")
    for label in labels:
        matrix.add_column(label[:6], justify="right")
    for gold in labels:
        row = report.confusion.get(gold, {})
        matrix.add_row(gold, *(str(row.get(p, "")) for p in labels))
    console.print(matrix)
    for example, parse in report.mistakes[:show_mistakes]:
        console.print(
            f"{example.intent} → {parse.intent} ({parse.confidence:.2f}): {example.text}",
            highlight=False,
        )


@nlu_app.command("train")
@handles_errors
def train(cache_dir: CacheDirOpt = None) -> None:
    """Retrain the classifier from the corpus and cache it."""
    from huankuan.dialogue.nlu.corpus import TRAIN_FILE, load_corpus
    from huankuan.dialogue.nlu.model_store import DEFAULT_CACHE_DIR, load_or_train

    started = time.perf_counter()
    examples = load_corpus(TRAIN_FILE)
    _, path = load_or_train(examples, cache_dir or DEFAULT_CACHE_DIR, retrain=True)
    console.print(
        f"trained on {len(examples)} examples in {time.perf_counter() - started:.1f} s: {path}",
        highlight=False,
    )
