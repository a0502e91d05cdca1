"""Deleting a person (server mode) takes their roles, clinician links and invitations with
them, and keeps their audit log (shown to nobody under that id again); other people's are
untouched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from nextline.accounts.audit import AuditEntry, entries, record
from nextline.accounts.principal import Role
from nextline.accounts.store import AccountStore
from nextline.store import RecordStore
from tests.accounts.conftest import PASSWORD


def test_deleting_a_person_removes_their_roles_and_links_and_keeps_the_audit_log(
    accounts: AccountStore, engine: Engine
) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    accounts.grant(sam, "joan", Role.CAREGIVER)
    share = accounts.create_share("maria", "Dr Lee", sam, 7)
    invite = accounts.create_invite("maria", Role.NAVIGATOR, sam)
    kept_share = accounts.create_share("joan", "Dr Kim", sam, 7)
    at = dt.datetime(2026, 12, 6, 9, 0)
    record(engine, AuditEntry(at, "maria", "Sam", "account", sam, "read", "GET /x", "a"))
    RecordStore(engine).delete("maria")
    assert accounts.members("maria") == []
    assert accounts.principal_for_share(share) is None
    assert accounts.invite_details(invite) is None
    assert accounts.shares("maria") == []
    principal = accounts.principal_for_session(accounts.start_session(sam, "a"))
    assert principal is not None
    assert principal.roles == {"joan": Role.CAREGIVER}
    assert accounts.principal_for_share(kept_share) is not None
    # the log is kept (append-only: every row is still stored, with a line saying the record
    # was deleted), but a later record under the id "maria" is shown only what came after
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from nextline.store.account_tables import AuditEvent

    with Session(engine) as session:
        kept = session.execute(
            select(AuditEvent.what, AuditEvent.action)
            .where(AuditEvent.person_id == "maria")
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in kept] == [
        ("GET /x", "read"),
        ("the record was deleted", "deleted"),
    ]
    assert entries(engine, "maria") == []
