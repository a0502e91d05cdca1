"""The trial catalog's tables (SQLAlchemy 2). Changes go through an Alembic migration
(`0002_trials`).

`trials` holds one row per study: the searchable text in plain columns (the full-text index
reads them) and the whole `Trial` as JSON in `content`. The full-text index itself is not
declared here because it differs by database: an FTS5 table `trials_fts` on SQLite (new rows
indexed by `TrialStore`, updates and deletes by triggers), a generated `tsvector` column
`search` with a GIN index on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nextline.store.tables import Base


class TrialRow(Base):
    __tablename__ = "trials"

    # An integer key so the SQLite FTS5 index can point at rows by rowid.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nct_id: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(40), index=True)
    last_update: Mapped[dt.date | None] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text)  # one per line
    interventions: Mapped[str] = mapped_column(Text)  # one per line
    summary: Mapped[str] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    stored_at: Mapped[dt.datetime] = mapped_column()
    content: Mapped[str] = mapped_column(Text)  # the `Trial` as JSON


class CatalogMeta(Base):
    """One row: what the stored catalog is and when it was last brought up to date."""

    __tablename__ = "trial_catalog"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    updated: Mapped[dt.date | None] = mapped_column(Date)


class SyncState(Base):
    """Progress of `nextline trials sync`, saved after every page so a run can resume."""

    __tablename__ = "trial_sync"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    query: Mapped[str] = mapped_column(Text)  # the request parameters of the run, as JSON
    page_token: Mapped[str | None] = mapped_column(Text)  # next page; None when not running
    pages_done: Mapped[int] = mapped_column(Integer)
    studies_done: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[dt.date | None] = mapped_column(Date)  # the running sync's start date
    completed_on: Mapped[dt.date | None] = mapped_column(Date)  # start date of the last full run
