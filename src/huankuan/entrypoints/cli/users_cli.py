"""`huankuan user add` and `huankuan token create`: the people who use the platform and the API
tokens their scripts use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from huankuan.domain.errors import InvalidInput
from huankuan.entrypoints.cli.main import app, console, err_console, handles_errors

user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for the REST API.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


@user_app.command("add")
@handles_errors
def add(
    username: Annotated[str, typer.Option(help="Lower-case letters, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option(help="agent, supervisor, compliance or admin.")],
    password_file: Annotated[
        Path | None,
        typer.Option(help="Read the password from this file (its first line); else a prompt."),
    ] = None,
) -> None:
    """Add a user; the password is stored as an Argon2id hash."""
    from huankuan.bootstrap import bootstrap
    from huankuan.domain import commands
    from huankuan.service_layer.auth import add_user

    password = _read_password(password_file) if password_file else _prompt_password()
    application = bootstrap()
    add_user(
        commands.AddUser(username=username, role=role, password=password, actor="cli"),
        uow=application.uow(),
    )
    console.print(f"user {username} added with the role {role}")


@token_app.command("create")
@handles_errors
def create(username: Annotated[str, typer.Option(help="Whose token it is.")]) -> None:
    """Create an API token and print it, once: only its hash is kept."""
    from huankuan.bootstrap import bootstrap
    from huankuan.domain import commands
    from huankuan.service_layer.auth import create_token

    application = bootstrap()
    token = create_token(
        commands.CreateApiToken(username=username, actor="cli"), uow=application.uow()
    )
    err_console.print("the token is shown only now; keep it secret:", highlight=False)
    typer.echo(token)


def _read_password(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InvalidInput(f"cannot read the password file {path}: {error.strerror}") from error
    if not lines or not lines[0]:
        raise InvalidInput(f"the password file {path} is empty")
    return lines[0]


def _prompt_password() -> str:
    password: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return password
