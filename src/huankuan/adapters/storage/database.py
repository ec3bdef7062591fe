"""Engines for SQLite (WAL) and PostgreSQL, and checks that the database exists and is current."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from huankuan.domain.errors import DatabaseMissing


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, *, create_dir: bool = False) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database)
            if create_dir:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise DatabaseMissing(
                    f"no database at {path}: run `huankuan init` first "
                    f"(HUANKUAN_DATABASE_URL={url})"
                )
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def require_schema(engine: Engine) -> None:
    """Fail plainly when the database is unreachable or was never initialised."""
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
    except OperationalError as error:
        raise DatabaseMissing(f"cannot open the database: {error.orig}") from error
    if "alembic_version" not in tables or "accounts" not in tables:
        raise DatabaseMissing(
            f"the database at {engine.url.render_as_string(hide_password=True)} is not "
            "initialised: run `huankuan init` first"
        )
