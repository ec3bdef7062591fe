"""`huankuan chat`: talk to the collection robot in the terminal about a stored account, and
`huankuan serve`: the HTTP API (OpenAPI docs at /docs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from huankuan.domain.errors import NotFound
from huankuan.entrypoints.cli.main import app, console, handles_errors

if TYPE_CHECKING:
    from huankuan.bootstrap import App

ACTOR = "cli:chat"


@app.command()
@handles_errors
def chat(
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    account: Annotated[
        str | None, typer.Option(help="The account to talk about (default: a sample one).")
    ] = None,
    channel: Annotated[str, typer.Option(help="chat, voice or sms.")] = "chat",
) -> None:
    """Talk to the collection robot in the terminal (you are the borrower).

    The conversation runs against the database and records its outcomes on the case, like the
    API. An empty line is silence; end of input (Ctrl-D) leaves the conversation open."""
    from huankuan.bootstrap import bootstrap
    from huankuan.domain import commands
    from huankuan.service_layer.conversations import handle_message, start_conversation

    application = bootstrap()
    account_id = account or _sample_account(application, lang)
    with console.status("loading the robot (language model and content guard)..."):
        robot = application.robot()
    turn = start_conversation(
        commands.StartConversation(account_id=account_id, lang=lang, channel=channel, actor=ACTOR),
        uow=application.uow(),
        robot=robot,
    )
    console.print(f"conversation {turn.conversation_id} on account {account_id}", style="dim")
    _show(turn.texts, turn.outcomes)
    while not turn.ended:
        try:
            text = input("> ")
        except EOFError:
            console.print("(left open)", style="dim")
            return
        turn = handle_message(
            commands.SendMessage(str(turn.conversation_id), text, actor=ACTOR),
            uow=application.uow(),
            robot=robot,
        )
        _show(turn.texts, turn.outcomes)
    console.print(f"(ended: {turn.state})", style="dim")


def _show(texts: list[str], outcomes: Sequence[Mapping[str, object]]) -> None:
    for text in texts:
        console.print(f"robot: {text}", markup=False, highlight=False)
    for outcome in outcomes:
        details = ", ".join(f"{k}={v}" for k, v in outcome.items() if k not in ("type", "text"))
        console.print(f"  [outcome] {outcome['type']} {details}", markup=False, highlight=False)


def _sample_account(application: App, lang: str) -> str:
    with application.uow() as uow:
        found = uow.robot_reads.sample_account("zh" if lang == "zh" else "en")
    if found is None:
        raise NotFound(
            f"no account of a {lang} debtor with a usable phone: import some (`huankuan demo`)"
        )
    return found


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(help="On an empty database, load the demo data and users first."),
    ] = True,
) -> None:
    """Run the pages and the HTTP API (uvicorn) on the configured database; docs at /docs.
    With --demo (the default) it first adds what the demo lacks: on an empty database a sample
    portfolio and the day's cycle; one user per role (passwords printed once); agent work."""
    import uvicorn

    from huankuan.bootstrap import bootstrap
    from huankuan.entrypoints.api.app import create_app
    from huankuan.entrypoints.api.log_masking import uvicorn_log_config

    application = bootstrap(require_initialised=not demo)
    if demo:
        _load_demo(application)
    application = bootstrap()
    if "public_url" not in application.settings.model_fields_set:
        application.settings.public_url = f"http://{host}:{port}"
    api = create_app(application, preload_robot=True, freeze_startup=True)
    console.print(f"huankuan on http://{host}:{port}/ (API docs: /docs)")
    uvicorn.run(api, host=host, port=port, log_config=uvicorn_log_config())


DEMO_CONVERSATIONS = 36


def _load_demo(application: App) -> None:
    from pathlib import Path

    from huankuan.adapters.secrets import load_or_create
    from huankuan.service_layer.demo_data import DEMO_USERS, seed_demo

    on = datetime.now(UTC).date()
    settings = application.settings
    data = seed_demo(
        application,
        accounts=2_000,
        seed=42,
        on=on,
        workdir=Path("var"),
        step=lambda text: console.print(f"demo: {text}"),
        password_for=lambda name: load_or_create(
            settings.secrets_dir, f"demo-password-{name}", nbytes=12
        ),
    )
    if data.cycle is not None:
        _demo_activity(application, data.business_date)
    console.print(
        f"demo: business date {data.business_date}; agent work assigned: "
        + ", ".join(f"{agent} {len(ids)} cases" for agent, ids in data.assigned.items())
    )
    console.print(
        "demo users (passwords are kept in "
        f"{settings.secrets_dir}/demo-password-<user>, mode 0600):"
    )
    for username, role in DEMO_USERS:
        console.print(
            f"  {username:12} {role:11} {data.passwords.get(username, '(existing user)')}"
        )


def _demo_activity(application: App, on: date) -> None:
    """A day's worth of activity for the dashboards: the plan's due actions dispatched through
    the fake channels (gate and guard applied), and simulated borrowers of every persona
    talking to the robot through the API (self-harm escalations and flags included)."""
    from huankuan.compliance.content import build_guard
    from huankuan.entrypoints.cli.dispatch_cli import DEFAULT_MODEL_CACHE
    from huankuan.entrypoints.cli.simulate_conversations_cli import api_lines
    from huankuan.service_layer.dispatch import dispatch
    from huankuan.simulation.conversations import simulate

    result = dispatch(application, on, guard=build_guard(DEFAULT_MODEL_CACHE))
    console.print(
        f"demo: dispatched {result.report.sent:,} due actions "
        f"({result.report.blocked_by_gate:,} blocked by the gate at send time)"
    )
    with api_lines(application.settings.database_url) as lines:
        report = simulate(DEMO_CONVERSATIONS, seed=11, lines=lines)
    console.print(
        f"demo: {DEMO_CONVERSATIONS} simulated robot conversations; safety checks "
        + ("hold" if report.safe else "FAILED")
    )
