"""Alembic environment: runs against the connection handed over by `huankuan init`."""

from __future__ import annotations

from alembic import context

from huankuan.adapters.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through huankuan.adapters.storage.migrate.upgrade()")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
