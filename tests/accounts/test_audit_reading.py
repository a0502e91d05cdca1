"""Reading the audit log a page at a time, and appending many entries at once."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.accounts.audit import AuditEntry, entries, page, record, record_many
from nextline.settings import Settings
from nextline.store import open_engine


def _entry(minute: int, person: str = "maria", action: str = "read") -> AuditEntry:
    return AuditEntry(
        at=dt.datetime(2026, 12, 6, 9, minute),
        person_id=person,
        actor=f"helper {minute}",
        actor_kind="account",
        account_id=minute,
        action=action,
        what="GET /people/{person_id}",
        source="203.0.113.9",
    )


def test_a_page_and_the_count(tmp_path: object) -> None:
    engine = open_engine(Settings(home=tmp_path))  # type: ignore[arg-type]
    for minute in range(7):
        record(engine, _entry(minute))
    record(engine, _entry(30, person="anna"))
    got, total = page(engine, "maria", offset=2, limit=3)
    assert total == 7
    assert [e.account_id for e in got] == [4, 3, 2]
    assert page(engine, "maria", offset=7, limit=3) == ([], 7)
    assert page(engine, "nobody", offset=0, limit=50) == ([], 0)
    with pytest.raises(ValueError, match="offset"):
        page(engine, "maria", offset=-1, limit=3)
    with pytest.raises(ValueError, match="limit"):
        page(engine, "maria", offset=0, limit=0)


def test_many_entries_are_kept_together_or_not_at_all(tmp_path: object) -> None:
    engine = open_engine(Settings(home=tmp_path))  # type: ignore[arg-type]
    record_many(engine, [_entry(1, "maria"), _entry(2, "anna"), _entry(3, "maria")])
    assert [e.account_id for e in entries(engine, "maria")] == [3, 1]
    assert [e.account_id for e in entries(engine, "anna")] == [2]
    with pytest.raises(ValueError, match="unknown audit action"):
        record_many(engine, [_entry(4, "anna"), _entry(5, "anna", action="peeked")])
    assert [e.account_id for e in entries(engine, "anna")] == [2]
