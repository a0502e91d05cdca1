"""The accounts core, call by call: accounts, sign-in, sessions, roles, invitations, resets,
share links, TOTP and disabling (each on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.accounts import totp
from nextline.accounts.errors import AccountError
from nextline.accounts.principal import Kind, Role
from nextline.accounts.store import AccountStore
from nextline.errors import NotFound
from tests.accounts.conftest import PASSWORD, Clock


def test_a_new_database_has_no_accounts_and_one_account_turns_server_mode_on(
    accounts: AccountStore,
) -> None:
    assert accounts.any_accounts() is False
    assert accounts.any_admin() is False
    admin = accounts.create_account("Admin", "The admin", password=PASSWORD, is_admin=True)
    assert accounts.any_accounts() is True
    assert accounts.any_admin() is True
    info = accounts.find_account("ADMIN")
    assert info is not None
    assert (info.id, info.username, info.display_name, info.is_admin) == (
        admin,
        "admin",
        "The admin",
        True,
    )


@pytest.mark.parametrize(
    ("username", "display_name", "password", "field"),
    [
        ("a", "Sam", PASSWORD, "username"),
        ("sam smith", "Sam", PASSWORD, "username"),
        ("-sam", "Sam", PASSWORD, "username"),
        ("x" * 81, "Sam", PASSWORD, "username"),
        ("sam", "   ", PASSWORD, "display_name"),
        ("sam", "Sam\x07", PASSWORD, "display_name"),
        ("sam", "Sam", "short pass", "password"),
        ("sam", "Sam", "a" * 20, "password"),
        ("sam", "Sam", "", "password"),
    ],
)
def test_an_invalid_account_is_refused_naming_the_field_and_nothing_is_stored(
    accounts: AccountStore, username: str, display_name: str, password: str, field: str
) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.create_account(username, display_name, password=password)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert accounts.any_accounts() is False


def test_a_taken_username_is_refused_whatever_its_case(accounts: AccountStore) -> None:
    accounts.create_account("sam.lee", "Sam", password=PASSWORD)
    with pytest.raises(AccountError, match=r"username: the username 'sam.lee' is taken"):
        accounts.create_account(" Sam.Lee ", "Another Sam", password=PASSWORD)
    assert [a.display_name for a in accounts.accounts()] == ["Sam"]


def test_sign_in_then_session_gives_the_accounts_roles(accounts: AccountStore) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    accounts.grant(sam, "joan", Role.NAVIGATOR)
    result = accounts.sign_in("SAM", PASSWORD, "203.0.113.9")
    assert (result.account_id, result.outcome, result.retry_after_seconds) == (sam, "ok", 0)
    token = accounts.start_session(sam, "203.0.113.9")
    principal = accounts.principal_for_session(token)
    assert principal is not None
    assert (principal.kind, principal.label, principal.account_id, principal.is_admin) == (
        Kind.ACCOUNT,
        "Sam",
        sam,
        False,
    )
    assert principal.roles == {"maria": Role.CAREGIVER, "joan": Role.NAVIGATOR}
    assert principal.can_edit("maria") is True
    assert principal.can_read("ada") is False


def test_a_session_sees_a_revoked_role_at_its_next_request(accounts: AccountStore) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    token = accounts.start_session(sam, "c")
    accounts.revoke(sam, "maria")
    principal = accounts.principal_for_session(token)
    assert principal is not None
    assert principal.roles == {}


def test_grant_replaces_the_role_and_refuses_what_cannot_be_granted(
    accounts: AccountStore,
) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    admin = accounts.create_account("boss", "Admin", password=PASSWORD, is_admin=True)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    accounts.grant(sam, "maria", Role.OWNER)
    assert [(m.username, m.role) for m in accounts.members("maria")] == [("sam", Role.OWNER)]
    with pytest.raises(AccountError, match="role: 'clinician' is not a role an account"):
        accounts.grant(sam, "joan", Role.CLINICIAN)
    with pytest.raises(AccountError, match="account: 'boss' is an admin account"):
        accounts.grant(admin, "joan", Role.OWNER)
    with pytest.raises(NotFound, match="no person with id 'nobody'"):
        accounts.grant(sam, "nobody", Role.OWNER)
    with pytest.raises(NotFound, match="no account with id '999'"):
        accounts.grant(999, "joan", Role.OWNER)
    assert accounts.members("joan") == []


def test_members_lists_owners_first_then_by_username(accounts: AccountStore) -> None:
    ids = {n: accounts.create_account(n, n.title(), password=PASSWORD) for n in ("zoe", "bo", "al")}
    accounts.grant(ids["al"], "maria", Role.NAVIGATOR)
    accounts.grant(ids["zoe"], "maria", Role.OWNER)
    accounts.grant(ids["bo"], "maria", Role.CAREGIVER)
    assert [(m.username, m.display_name, m.role) for m in accounts.members("maria")] == [
        ("zoe", "Zoe", Role.OWNER),
        ("bo", "Bo", Role.CAREGIVER),
        ("al", "Al", Role.NAVIGATOR),
    ]


def test_an_admin_session_holds_no_role_for_anyone(accounts: AccountStore) -> None:
    admin = accounts.create_account("boss", "Admin", password=PASSWORD, is_admin=True)
    principal = accounts.principal_for_session(accounts.start_session(admin, "c"))
    assert principal is not None
    assert (principal.is_admin, principal.roles, principal.people()) == (True, {}, frozenset())


def test_an_invitation_makes_a_new_account_with_the_role(accounts: AccountStore) -> None:
    owner = accounts.create_account("maria", "Maria", password=PASSWORD)
    token = accounts.create_invite("maria", Role.CAREGIVER, owner)
    info = accounts.invite_details(token)
    assert info is not None
    assert (info.person_id, info.role, info.expires_at) == (
        "maria",
        Role.CAREGIVER,
        dt.datetime(2026, 12, 13, 9, 0),
    )
    sam = accounts.accept_invite(token, username="sam", display_name="Sam", password=PASSWORD)
    assert accounts.sign_in("sam", PASSWORD, "c").account_id == sam
    assert [(m.account_id, m.role) for m in accounts.members("maria")] == [(sam, Role.CAREGIVER)]


def test_an_invitation_for_an_existing_account_adds_the_role(accounts: AccountStore) -> None:
    nav = accounts.create_account("nurse", "Nurse Ana", password=PASSWORD)
    accounts.grant(nav, "joan", Role.NAVIGATOR)
    token = accounts.create_invite("maria", Role.NAVIGATOR, None, days=2)
    assert accounts.accept_invite(token, account_id=nav) == nav
    info = accounts.account(nav)
    assert info is not None
    assert info.roles == {"joan": Role.NAVIGATOR, "maria": Role.NAVIGATOR}


def test_an_owner_accepting_a_lesser_invitation_stays_owner(accounts: AccountStore) -> None:
    me = accounts.create_account("maria", "Maria", password=PASSWORD)
    accounts.grant(me, "maria", Role.OWNER)
    accounts.accept_invite(accounts.create_invite("maria", Role.CAREGIVER, None), account_id=me)
    assert [m.role for m in accounts.members("maria")] == [Role.OWNER]


def test_an_invitation_with_a_bad_new_account_is_not_used_up(accounts: AccountStore) -> None:
    token = accounts.create_invite("maria", Role.CAREGIVER, None)
    with pytest.raises(AccountError, match=r"^password: "):
        accounts.accept_invite(token, username="sam", display_name="Sam", password="short")
    with pytest.raises(AccountError, match=r"^username: a new account needs"):
        accounts.accept_invite(token, username="sam")
    assert accounts.invite_details(token) is not None
    assert accounts.any_accounts() is False


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (30, True), (31, False)])
def test_an_invitation_lasts_between_one_and_thirty_days(
    accounts: AccountStore, days: int, ok: bool
) -> None:
    if ok:
        assert len(accounts.create_invite("maria", Role.OWNER, None, days=days)) == 43
    else:
        with pytest.raises(AccountError, match=r"^days: "):
            accounts.create_invite("maria", Role.OWNER, None, days=days)


def test_a_reset_link_sets_the_password_and_ends_every_session(accounts: AccountStore) -> None:
    sam = accounts.create_account("sam", "Sam", password=None)
    assert accounts.sign_in("sam", "", "c").outcome == "bad"
    before = accounts.start_session(sam, "c")
    token = accounts.create_reset_link(sam, None)
    details = accounts.reset_details(token)
    assert details is not None
    assert details.username == "sam"
    assert accounts.reset_password(token, "a brand new passphrase") == sam
    assert accounts.principal_for_session(before) is None
    assert accounts.sign_in("sam", "a brand new passphrase", "c").outcome == "ok"
    info = accounts.account(sam)
    assert info is not None
    assert info.has_password is True


def test_a_share_link_is_read_only_for_one_person(accounts: AccountStore) -> None:
    token = accounts.create_share("maria", "  Dr Lee,   oncology ", None, days=14)
    principal = accounts.principal_for_share(token)
    assert principal is not None
    assert (principal.kind, principal.label, principal.roles) == (
        Kind.SHARE,
        "Dr Lee, oncology (share link)",
        {"maria": Role.CLINICIAN},
    )
    assert principal.can_read("maria") is True
    assert principal.can_edit("maria") is False
    assert principal.can_read("joan") is False
    assert principal.people() == frozenset({"maria"})
    (share,) = accounts.shares("maria")
    assert (share.label, share.expires_at, share.revoked_at, share.active) == (
        "Dr Lee, oncology",
        dt.datetime(2026, 12, 20, 9, 0),
        None,
        True,
    )
    assert len(share.id) == 12
    assert accounts.shares("joan") == []


@pytest.mark.parametrize(
    ("label", "days", "field"),
    [
        ("", 7, "label"),
        ("   ", 7, "label"),
        ("x" * 201, 7, "label"),
        ("Dr Lee", 0, "days"),
        ("Dr Lee", 91, "days"),
    ],
)
def test_an_invalid_share_link_is_refused_naming_the_field(
    accounts: AccountStore, label: str, days: int, field: str
) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.create_share("maria", label, None, days)
    assert caught.value.field == field
    assert accounts.shares("maria") == []


def test_a_share_link_for_an_unknown_person_is_refused(accounts: AccountStore) -> None:
    with pytest.raises(NotFound, match="no person with id 'nobody'"):
        accounts.create_share("nobody", "Dr Lee", None, 7)


def test_totp_turns_on_only_after_a_code_from_the_new_secret(
    accounts: AccountStore, clock: Clock
) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    secret = accounts.totp_begin(sam)
    assert accounts.sign_in("sam", PASSWORD, "c").outcome == "ok"  # not on yet
    assert (
        accounts.totp_confirm(
            sam, "000000" if totp.code_at(secret, clock.now) != "000000" else "111111"
        )
        is False
    )
    assert accounts.totp_confirm(sam, totp.code_at(secret, clock.now)) is True
    info = accounts.account(sam)
    assert info is not None
    assert info.totp_enabled is True
    assert accounts.sign_in("sam", PASSWORD, "c").outcome == "totp_needed"
    clock.advance(seconds=30)
    result = accounts.sign_in("sam", PASSWORD, "c", totp.code_at(secret, clock.now))
    assert (result.account_id, result.outcome) == (sam, "ok")


def test_totp_disable_turns_the_second_factor_off(accounts: AccountStore, clock: Clock) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    secret = accounts.totp_begin(sam)
    assert accounts.totp_confirm(sam, totp.code_at(secret, clock.now)) is True
    accounts.totp_disable(sam)
    assert accounts.sign_in("sam", PASSWORD, "c").outcome == "ok"


def test_accounts_lists_every_account_with_roles_by_person_id(accounts: AccountStore) -> None:
    admin = accounts.create_account("boss", "Admin", password=PASSWORD, is_admin=True)
    sam = accounts.create_account("sam", "Sam", password=None)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    listed = accounts.accounts()
    assert [(a.id, a.username, a.is_admin, a.has_password, a.roles) for a in listed] == [
        (admin, "boss", True, True, {}),
        (sam, "sam", False, False, {"maria": Role.CAREGIVER}),
    ]


def test_disable_stops_sign_in_and_every_session_but_never_the_last_admin(
    accounts: AccountStore,
) -> None:
    admin = accounts.create_account("boss", "Admin", password=PASSWORD, is_admin=True)
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    token = accounts.start_session(sam, "c")
    accounts.disable(sam)
    assert accounts.principal_for_session(token) is None
    assert accounts.sign_in("sam", PASSWORD, "c").outcome == "disabled"
    assert accounts.sign_in("sam", "wrong password!!", "c").outcome == "bad"
    assert accounts.members("maria") == []
    with pytest.raises(AccountError, match=r"^account: 'boss' is the only admin account"):
        accounts.disable(admin)
    with pytest.raises(AccountError, match=r"^account: this account is disabled"):
        accounts.start_session(sam, "c")
    second = accounts.create_account("boss2", "Admin 2", password=PASSWORD, is_admin=True)
    accounts.disable(admin)
    assert accounts.sign_in("boss", PASSWORD, "c").outcome == "disabled"
    assert accounts.sign_in("boss2", PASSWORD, "c").account_id == second
