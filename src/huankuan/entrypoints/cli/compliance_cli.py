"""`huankuan compliance …`: the JSON Lines contracts of DESIGN.md §4 for scripts and auditors.

Every command here reads JSON Lines from a file or stdin, answers one line per input line (keeping
its `id`), turns a malformed line into `{"id", "error"}` and carries on, and exits non-zero at the
end when any line failed. `_json_lines` and `_emit` are shared by the commands of this sub-app.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from huankuan.domain.errors import InvalidInput
from huankuan.entrypoints.cli.main import EXIT_CODES, app, console, handles_errors

compliance_app = typer.Typer(
    help="The compliance gate: contact checks and content screening (JSON Lines).",
    no_args_is_help=True,
)
app.add_typer(compliance_app, name="compliance")

INVALID_LINE_EXIT = next(code for kind, code in EXIT_CODES if kind is InvalidInput)
DEFAULT_MODEL_CACHE = Path("var/cache")

Source = Annotated[str, typer.Argument(help="JSON Lines file, or - for stdin.")]
ModelCache = Annotated[
    Path | None,
    typer.Option(
        "--model-cache",
        help="Directory caching the trained screening model "
        "(keyed by a hash of the corpus). Default: var/cache.",
    ),
]
NoModelCache = Annotated[
    bool, typer.Option("--no-model-cache", help="Train the screening model in memory only.")
]


# ------------------------------------------------------------------------------ shared helpers
def _open(source: str) -> TextIO:
    if source == "-":
        return sys.stdin
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(f"no such file: {source}")
    return path.open(encoding="utf-8")


def _json_lines(source: str) -> Iterator[tuple[int, dict[str, Any] | InvalidInput]]:
    """(line number, object) per non-blank line; a line that is not a JSON object yields the
    error instead, so that the caller can answer it and go on."""
    handle = _open(source)
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, InvalidInput(f"line {number}: not JSON ({error.msg})")
                continue
            if not isinstance(record, dict):
                yield number, InvalidInput(f"line {number}: expected a JSON object")
                continue
            yield number, record
    finally:
        if handle is not sys.stdin:
            handle.close()


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _error_line(record: dict[str, Any] | None, error: Exception) -> dict[str, Any]:
    return {"id": record.get("id") if record else None, "error": str(error)}


def _answer_lines(source: str, answer: Callable[[Any, int], dict[str, Any]]) -> None:
    """Answer each JSON line; a bad line gets an error object, and the exit code says so."""
    failed = 0
    for number, record in _json_lines(source):
        if isinstance(record, InvalidInput):
            failed += 1
            _emit(_error_line(None, record))
            continue
        try:
            _emit(answer(record, number))
        except InvalidInput as error:
            failed += 1
            _emit(_error_line(record, error))
    if failed:
        raise typer.Exit(INVALID_LINE_EXIT)


# ------------------------------------------------------------------------------ check
@compliance_app.command("check")
@handles_errors
def check_command(
    source: Source = "-",
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the plain-language explanation to each line.")
    ] = False,
) -> None:
    """Check contact attempts against a jurisdiction profile (DESIGN.md §4.1):
    {"id", "jurisdiction", "debtor", "history", "attempt"} → {"id", "decision", "rules",
    "next_allowed_at"}.

    Exits 2 at the end when any line was malformed or named an unknown flag (each gets an
    {"id", "error"} line).
    """
    from huankuan.compliance.profiles import load_profiles

    profiles = load_profiles()
    _answer_lines(source, lambda record, number: _check_line(profiles, record, number, explain))


def _check_line(
    profiles: dict[str, Any], record: dict[str, Any], number: int, explain: bool
) -> dict[str, Any]:
    from huankuan.compliance.contract import decision_line, parse_check
    from huankuan.compliance.engine import evaluate

    if "id" not in record:
        raise InvalidInput(f"line {number}: missing id")
    try:
        request = parse_check(record, profiles)
    except InvalidInput as error:
        raise InvalidInput(f"line {number}: {error}") from error
    attempt = request.attempt
    assert attempt.at is not None
    profile = profiles[request.jurisdiction]
    decision = evaluate(attempt, request.history, request.debtor, profile, attempt.at)
    line = decision_line(record["id"], decision, request.debtor.timezone)
    if explain:
        line["explanation"] = decision.explanation
    return line


# ------------------------------------------------------------------------------ replay
@compliance_app.command("replay")
@handles_errors
def replay_command(
    action_id: Annotated[str, typer.Argument(help="The action id of a dispatched plan row.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per stored decision instead.")
    ] = False,
) -> None:
    """Re-decide every stored gate decision on an action from the inputs stored with it.

    Exits 0 when every replay gives the same answer from untampered inputs; 1 when an input
    hash does not match (tampered), the profile changed, or the answer differs.
    """
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.proof import replay_action

    application = bootstrap()
    try:
        replayed = replay_action(application, action_id)
    finally:
        application.engine.dispose()
    for item in replayed:
        if as_json:
            _emit(_replay_json(item))
        else:
            _print_replay(item)
    if not all(item.ok for item in replayed):
        raise typer.Exit(1)


def _replay_json(item: Any) -> dict[str, Any]:
    stored, again = item.stored, item.replay.decision
    return {
        "action_id": stored.action_id,
        "decision_id": stored.decision_id,
        "decided_at": stored.decided_at.isoformat() + "+00:00",
        "profile": stored.profile,
        "inputs_hash": stored.inputs_hash,
        "inputs_intact": item.replay.hash_ok,
        "stored": {"decision": stored.decision, "rules": list(stored.rules)},
        "replayed": None
        if again is None
        else {"decision": again.decision, "rules": list(again.rules)},
        "same": item.same,
        "problem": item.replay.problem,
    }


def _print_replay(item: Any) -> None:
    stored, again = item.stored, item.replay.decision
    lines = [
        f"action {stored.action_id} — decision {stored.decision_id} at "
        f"{stored.decided_at:%Y-%m-%d %H:%M:%S} UTC under {stored.profile} ({stored.gate_version})",
        f"  inputs sha256 {stored.inputs_hash}: "
        + ("intact" if item.replay.hash_ok else "MISMATCH — the stored inputs were altered"),
        f"  stored:   {stored.decision} {list(stored.rules)}",
    ]
    if again is not None:
        lines.append(f"  replayed: {again.decision} {list(again.rules)}")
    if item.ok:
        lines.append("  same answer: the stored decision is reproduced from its stored inputs")
    else:
        lines.append(f"  NOT REPRODUCED: {item.replay.problem or 'the replayed answer differs'}")
    console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)


# ------------------------------------------------------------------------------ screen
@compliance_app.command("screen")
@handles_errors
def screen_command(
    source: Source = "-",
    model_cache: ModelCache = None,
    no_model_cache: NoModelCache = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the hits (rule id, words, why) to each line.")
    ] = False,
) -> None:
    """Screen outgoing texts: {"id", "lang", "text", "context"?} → {"id", "verdict", "categories"}.

    Exits 2 at the end when any line was malformed (each gets an {"id", "error"} line).
    """
    from huankuan.compliance.content import build_guard

    guard = build_guard(None if no_model_cache else model_cache or DEFAULT_MODEL_CACHE)
    _answer_lines(source, lambda record, number: _screen_line(guard, record, number, explain))


def _screen_line(guard: Any, record: dict[str, Any], number: int, explain: bool) -> dict[str, Any]:
    if "id" not in record:
        raise InvalidInput(f"line {number}: missing id")
    text, lang = record.get("text"), record.get("lang")
    if not isinstance(text, str):
        raise InvalidInput(f"line {number}: text must be a string")
    if lang is not None and not isinstance(lang, str):
        raise InvalidInput(f'line {number}: lang must be "zh" or "en"')
    try:
        screening = guard.screen(text, lang, record.get("context"))
    except InvalidInput as error:
        raise InvalidInput(f"line {number}: {error}") from error
    result: dict[str, Any] = {
        "id": record["id"],
        "verdict": screening.verdict,
        "categories": list(screening.categories),
    }
    if explain:
        result["hits"] = [
            {
                "category": hit.category,
                "rule": hit.rule_id,
                "span": hit.span,
                "explanation": hit.explanation,
            }
            for hit in screening.hits
        ]
    return result


# ------------------------------------------------------------------------------ screen-eval
@compliance_app.command("screen-eval")
@handles_errors
def screen_eval_command(
    file: Annotated[
        Path, typer.Argument(help="Labelled JSON Lines: id, lang, text, categories, context?")
    ],
    model_cache: ModelCache = None,
    no_model_cache: NoModelCache = False,
    show: Annotated[
        int, typer.Option(help="List up to N misses and false alarms per language.")
    ] = 0,
) -> None:
    """Per-category recall and false-positive rate of the content guard on a labelled file."""
    from huankuan.compliance.content import build_guard
    from huankuan.compliance.content.corpus import read_labelled
    from huankuan.compliance.content.evaluation import evaluate, format_report

    if not file.is_file():
        raise InvalidInput(f"no such file: {file}")
    guard = build_guard(None if no_model_cache else model_cache or DEFAULT_MODEL_CACHE)
    reports = evaluate(guard, read_labelled(file))
    console.print(format_report(reports), highlight=False, markup=False, soft_wrap=True)
    for lang, report in reports.items():
        for example, found in report.misses[:show]:
            console.print(
                f"miss [{lang}] {example.id} expected {list(example.categories)} "
                f"got {list(found)}: {example.text}",
                highlight=False,
                markup=False,
            )
        for example, found in report.false_alarms[:show]:
            console.print(
                f"false alarm [{lang}] {example.id} got {list(found)}: {example.text}",
                highlight=False,
                markup=False,
            )
