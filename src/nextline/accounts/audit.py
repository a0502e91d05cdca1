"""The audit log: who read or changed a person's data, when, what, and from where.

Why here and append-only: the person must be able to see everyone who has looked at their
record ("who has looked at my record"), and nobody — not an admin, not a bug — may edit that
history afterwards. Rows are only ever inserted (the migration's triggers refuse UPDATE and
DELETE in SQLite and PostgreSQL alike). An entry names the page or route, never what it
showed: the log itself holds no health data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine, Select

    from nextline.store.account_tables import AuditEvent

ACTIONS = ("read", "change", "download", "refused")
# Written by the store when a person is deleted (`RecordStore.delete`), in the same
# transaction. The readers below show only what came after a person's last one: a new record
# that later takes the same id never shows who followed the deleted person.
DELETED = "deleted"


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime  # UTC, naive (as every time in the store)
    person_id: str
    actor: str  # a label such as "Sam (caregiver)" or "this computer"
    actor_kind: str  # local | account | share | anonymous
    account_id: int | None
    action: str  # one of ACTIONS
    what: str  # the page or route, e.g. "GET /people/{person_id}/summary"
    source: str  # the client address


def record(engine: Engine, entry: AuditEntry) -> None:
    """Append one entry (its own short transaction)."""
    record_many(engine, [entry])


def entries(engine: Engine, person_id: str, *, limit: int | None = None) -> list[AuditEntry]:
    """A person's entries, newest first."""
    from sqlalchemy.orm import Session

    query = _newest_first(person_id)
    if limit is not None:
        query = query.limit(limit)
    with Session(engine) as session:
        return [_entry(row) for row in session.scalars(query)]


def page(
    engine: Engine, person_id: str, *, offset: int, limit: int
) -> tuple[list[AuditEntry], int]:
    """One page of a person's entries, newest first, and how many entries there are in all
    (for "who has looked at my record", 50 a page, without reading the whole log)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from nextline.store.account_tables import AuditEvent

    if offset < 0 or limit < 1:
        raise ValueError("offset: 0 or more; limit: 1 or more")
    with Session(engine) as session:
        total = session.scalar(
            select(func.count()).select_from(AuditEvent).where(*_of_person(person_id))
        )
        rows = session.scalars(_newest_first(person_id).offset(offset).limit(limit))
        return [_entry(row) for row in rows], int(total or 0)


def _of_person(person_id: str) -> list[Any]:
    """The conditions for a person's entries: theirs, and after the last deletion of a
    person under this id (`DELETED`), so a record that reuses an id starts with an empty log."""
    from sqlalchemy import func, select

    from nextline.store.account_tables import AuditEvent

    last_deleted = (
        select(func.coalesce(func.max(AuditEvent.id), 0))
        .where(AuditEvent.person_id == person_id, AuditEvent.action == DELETED)
        .scalar_subquery()
    )
    return [AuditEvent.person_id == person_id, AuditEvent.id > last_deleted]


def _newest_first(person_id: str) -> Select[AuditEvent]:
    """A person's entries, newest first (the order both readers above show)."""
    from sqlalchemy import select

    from nextline.store.account_tables import AuditEvent

    return (
        select(AuditEvent)
        .where(*_of_person(person_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _entry(row: AuditEvent) -> AuditEntry:
    return AuditEntry(
        at=row.at,
        person_id=row.person_id,
        actor=row.actor,
        actor_kind=row.actor_kind,
        account_id=row.account_id,
        action=row.action,
        what=row.what,
        source=row.source,
    )


def record_many(engine: Engine, found: list[AuditEntry]) -> None:
    """Append several entries in one transaction (a page that shows many people at once, like
    the navigator's list, reads each of them): all of them or none."""
    from nextline.store.account_tables import AuditEvent
    from nextline.store.engine import write_transaction

    for entry in found:
        if entry.action not in ACTIONS:
            raise ValueError(f"unknown audit action {entry.action!r}")
    with write_transaction(engine) as session:  # through the restore gate, like every write
        session.add_all(
            AuditEvent(
                at=entry.at,
                person_id=entry.person_id,
                actor=entry.actor[:200],
                actor_kind=entry.actor_kind,
                account_id=entry.account_id,
                action=entry.action,
                what=entry.what[:200],
                source=entry.source[:64],
            )
            for entry in found
        )
