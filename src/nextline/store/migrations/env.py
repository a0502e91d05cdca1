"""Alembic environment: runs on the connection nextline hands it (see store/engine.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import nextline.store.account_tables
import nextline.store.trial_tables  # noqa: F401  (puts the catalog's tables on Base.metadata)
from nextline.store.tables import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
