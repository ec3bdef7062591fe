"""The `huankuan` command line. Errors from the domain become exit codes here and only here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from huankuan.domain.errors import (
    CycleDateError,
    DatabaseMissing,
    HuankuanError,
    InvalidInput,
    NotFound,
)

app = typer.Typer(
    name="huankuan",
    help="huankuan (还款): compliance-first debt collection.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

EXIT_CODES: list[tuple[type[HuankuanError], int]] = [
    (InvalidInput, 2),
    (DatabaseMissing, 3),
    (CycleDateError, 4),
    (NotFound, 5),
    (HuankuanError, 1),
]

F = TypeVar("F", bound=Callable[..., Any])


@app.callback()
def root() -> None:
    """huankuan (还款): compliance-first debt collection."""


def handles_errors(function: F) -> F:
    """Turn huankuan errors into a one-line message on stderr and a specific exit code."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except HuankuanError as error:
            code = next(code for kind, code in EXIT_CODES if isinstance(error, kind))
            err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(code) from error

    return wrapper  # type: ignore[return-value]


@app.command()
@handles_errors
def init() -> None:
    """Create or migrate the database at HUANKUAN_DATABASE_URL (Alembic)."""
    from huankuan.adapters.storage.migrate import upgrade
    from huankuan.bootstrap import bootstrap

    application = bootstrap(require_initialised=False)
    upgrade(application.engine)
    console.print(f"database ready: {application.engine.url.render_as_string(hide_password=True)}")


def _register_subcommands() -> None:
    """Commands live in their own modules; each registers itself on `app`."""
    from huankuan.entrypoints.cli import commands  # noqa: F401


_register_subcommands()


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
