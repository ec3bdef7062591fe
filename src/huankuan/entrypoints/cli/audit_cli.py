"""`huankuan audit ...`: inspect and verify the tamper-evident audit log."""

from __future__ import annotations

import typer

from huankuan.entrypoints.cli.main import app, console, err_console, handles_errors

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@handles_errors
def verify() -> None:
    """Recompute the hash chain; exit 1 and name the first bad row if any was edited or deleted."""
    from huankuan.adapters.storage.audit import verify_chain
    from huankuan.bootstrap import bootstrap

    application = bootstrap()
    with application.engine.connect() as connection:
        report = verify_chain(connection)
    if report.ok:
        console.print(f"audit chain intact: {report.rows:,} rows verified")
        return
    err_console.print(
        f"[bold red]audit chain broken[/] at row {report.first_bad_seq}: "
        f"{report.problem} ({report.rows:,} rows read)"
    )
    raise typer.Exit(1)
