"""Deleting a person (server mode) takes their roles, clinician links and invitations with
them, and keeps their audit log; other people's are untouched."""

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
    assert [e.what for e in entries(engine, "maria")] == ["GET /x"]
