"""`huankuan portal link --account ID` prints a working link (stdout: the link alone) and
`huankuan portal revoke LINK_ID` stops it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from huankuan.adapters.clock import SystemClock
from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.storage.database import make_engine
from huankuan.adapters.storage.tables import audit_log, portal_links
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.domain.errors import LinkUnusable
from huankuan.entrypoints.cli.main import app
from huankuan.service_layer.portal_access import check_link
from tests.factories import add_borrower

runner = CliRunner()


@pytest.fixture
def application(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", url)
    monkeypatch.setenv("HUANKUAN_SECRET_KEY", "cli-secret")
    monkeypatch.setenv("HUANKUAN_PUBLIC_URL", "https://pay.example.cn")
    assert runner.invoke(app, ["init"]).exit_code == 0
    settings = Settings(database_url=url, secret_key="cli-secret")  # type: ignore[arg-type]
    built = App(settings, make_engine(url), SystemClock())
    with built.engine.begin() as connection:
        add_borrower(connection, 1)
    return built


def test_it_prints_a_link_that_works_and_revokes_it(application: App) -> None:
    created = runner.invoke(app, ["portal", "link", "--account", "A1"])
    assert created.exit_code == 0, created.output
    url = created.stdout.strip()
    assert url.startswith("https://pay.example.cn/p/") and "\n" not in url
    tokens = PortalTokens("cli-secret", application.clock)
    check = lambda: check_link(  # noqa: E731
        url.rsplit("/p/", 1)[1], uow=application.uow(), settings=application.settings, tokens=tokens
    )
    link_id = check()
    with application.engine.connect() as connection:
        (row,) = connection.execute(select(portal_links)).all()
        actors = connection.execute(select(audit_log.c.actor)).scalars().all()
    assert (row.link_id, row.account_id, row.created_by) == (link_id, "A1", "cli:portal")
    assert actors == ["cli:portal"]
    revoked = runner.invoke(app, ["portal", "revoke", link_id])
    assert revoked.exit_code == 0, revoked.output
    with pytest.raises(LinkUnusable):
        check()


def test_it_says_plainly_when_the_account_does_not_exist(application: App) -> None:
    missing = runner.invoke(app, ["portal", "link", "--account", "A404"])
    assert missing.exit_code == 5 and "no account 'A404'" in missing.stderr
