"""The trial catalog: studies, catalog metadata, sync progress, and the full-text index.

Revision ID: 0002_trials
Revises: 0001_people

The index differs by database. SQLite: an external-content FTS5 table `trials_fts` over
title, conditions, interventions, summary and criteria (porter stemming), ranked with BM25.
Triggers keep it in step when a row of `trials` is updated or deleted; new rows are indexed
by `TrialStore` with one INSERT ... SELECT per batch (about three times faster than a
trigger firing per row; see bench/bench_trials_load.py).

PostgreSQL: a stored generated `tsvector` column `search` (English configuration, weighted
A title, B conditions and interventions, C summary, D criteria) with a GIN index.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_trials"
down_revision = "0001_people"
branch_labels = None
depends_on = None

_FTS_COLUMNS = "title, conditions, interventions, summary, criteria"
_NEW = "new.title, new.conditions, new.interventions, new.summary, new.criteria"
_OLD = "old.title, old.conditions, old.interventions, old.summary, old.criteria"

_SQLITE = [
    f"CREATE VIRTUAL TABLE trials_fts USING fts5({_FTS_COLUMNS}, content='trials', "
    "content_rowid='id', tokenize='porter unicode61')",
    f"CREATE TRIGGER trials_fts_ad AFTER DELETE ON trials BEGIN "
    f"INSERT INTO trials_fts(trials_fts, rowid, {_FTS_COLUMNS}) "
    f"VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER trials_fts_au AFTER UPDATE ON trials BEGIN "
    f"INSERT INTO trials_fts(trials_fts, rowid, {_FTS_COLUMNS}) "
    f"VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO trials_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END",
]

_POSTGRES = [
    "ALTER TABLE trials ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(conditions, '') || ' ' || "
    "coalesce(interventions, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce(criteria, '')), 'D')) STORED",
    "CREATE INDEX ix_trials_search ON trials USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("nct_id", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(40)),
        sa.Column("last_update", sa.Date()),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("interventions", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("source", sa.String(200)),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
    )
    op.create_index("ix_trials_status", "trials", ["status"])
    op.create_table(
        "trial_catalog",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("updated", sa.Date()),
    )
    op.create_table(
        "trial_sync",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("page_token", sa.Text()),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("studies_done", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date()),
        sa.Column("completed_on", sa.Date()),
    )
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRES}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("trials_fts_ad", "trials_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS trials_fts")
    op.drop_table("trial_sync")
    op.drop_table("trial_catalog")
    op.drop_index("ix_trials_status", "trials")
    op.drop_table("trials")
