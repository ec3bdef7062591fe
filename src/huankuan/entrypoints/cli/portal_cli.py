"""`huankuan portal link --account ID`: a borrower-portal link to send (by SMS, in the demo by
hand), and `huankuan portal revoke LINK_ID`. The link alone is printed on stdout, so scripts
(and the SMS template) can take it as it is."""

from __future__ import annotations

from typing import Annotated

import typer

from huankuan.entrypoints.cli.main import app, console, err_console, handles_errors

portal_app = typer.Typer(help="Borrower-portal links.", no_args_is_help=True)
app.add_typer(portal_app, name="portal")
ACTOR = "cli:portal"


@portal_app.command("link")
@handles_errors
def link(
    account: Annotated[str, typer.Option(help="The account the link is about.")],
) -> None:
    """Create a signed, expiring portal link for the account's debtor and print it."""
    from huankuan.adapters.portal_tokens import PortalTokens
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.portal_access import create_link

    application = bootstrap()
    issued = create_link(
        account,
        uow=application.uow(),
        settings=application.settings,
        tokens=PortalTokens(application.secret("secret_key"), application.clock),
        actor=ACTOR,
    )
    err_console.print(
        f"link {issued.link.link_id}, valid until {issued.link.expires_at.isoformat()}",
        highlight=False,
    )
    typer.echo(issued.url)


@portal_app.command("revoke")
@handles_errors
def revoke(link_id: Annotated[str, typer.Argument(help="The link's id (PL-…).")]) -> None:
    """Revoke a portal link: it and every session opened with it stop working."""
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.portal_access import revoke_link

    application = bootstrap()
    revoke_link(link_id, uow=application.uow(), actor=ACTOR)
    console.print(f"link {link_id} revoked")
