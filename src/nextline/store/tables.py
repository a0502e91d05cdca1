"""The database tables (SQLAlchemy 2). Changes go through an Alembic migration.

A person's record is stored as versions: an edit adds a row, never overwrites one, so every
earlier state stays readable and an undo is just a new version with older content.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column()
    latest_version: Mapped[int] = mapped_column(Integer)
    # the name as the people search compares it (`store.engine.fold_text`: any case, no
    # accents), written with the name, so both databases search it with a plain LIKE
    search_name: Mapped[str] = mapped_column(Text, default="", server_default="")


class RecordVersion(Base):
    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column()
    note: Mapped[str] = mapped_column(String(500))
    content: Mapped[str] = mapped_column(Text)


class DashboardViewRow(Base):
    """A person's dashboard as last computed, with what it was computed from (`store.views`):
    one row per person, replaced when a newer one is computed."""

    __tablename__ = "dashboard_views"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class DashboardPageRow(Base):
    """A person's dashboard page as last drawn for one viewer, with what it was drawn from
    (`store.views.PageRows`): one row per person and viewer, replaced when redrawn."""

    __tablename__ = "dashboard_pages"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    viewer: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(64))
    trials: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    page: Mapped[bytes] = mapped_column(LargeBinary)


class WriteToken(Base):
    """A submission already stored (`store.records.Once`): a form page's token or an API
    client's `Idempotency-Key`, what it sent (`digest`) and the version it made. Kept a few
    days, so a post sent again (a double click, a retry after a timeout) stores nothing new."""

    __tablename__ = "write_tokens"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column()
