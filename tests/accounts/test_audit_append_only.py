"""The audit log keeps every entry in order and refuses any change or removal."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from nextline.accounts.audit import AuditEntry, entries, record
from nextline.settings import Settings
from nextline.store import open_engine


def _entry(minute: int, action: str = "read") -> AuditEntry:
    return AuditEntry(
        at=dt.datetime(2026, 12, 6, 9, minute),
        person_id="maria",
        actor="Sam (caregiver)",
        actor_kind="account",
        account_id=3,
        action=action,
        what="GET /people/{person_id}",
        source="203.0.113.9",
    )


def test_entries_come_back_newest_first_and_cannot_be_changed(tmp_path: object) -> None:
    engine = open_engine(Settings(home=tmp_path))  # type: ignore[arg-type]
    record(engine, _entry(1))
    record(engine, _entry(2, "change"))
    got = entries(engine, "maria")
    assert [e.action for e in got] == ["change", "read"]
    assert got[1] == _entry(1)
    assert entries(engine, "someone-else") == []
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert len(entries(engine, "maria")) == 2


def test_an_unknown_action_is_refused(tmp_path: object) -> None:
    engine = open_engine(Settings(home=tmp_path))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown audit action"):
        record(engine, _entry(1, "deleted"))
    assert entries(engine, "maria") == []
