"""Invitations and password links work once, expire, and only for their purpose; share links
expire and can be revoked."""

from __future__ import annotations

import pytest

from nextline.accounts.errors import AccountError
from nextline.accounts.principal import Role
from nextline.accounts.store import AccountStore
from nextline.errors import NotFound
from tests.accounts.conftest import PASSWORD, Clock

NEW = "a fresh passphrase here"


def test_an_invitation_works_once(accounts: AccountStore) -> None:
    token = accounts.create_invite("maria", Role.CAREGIVER, None)
    accounts.accept_invite(token, username="sam", display_name="Sam", password=PASSWORD)
    assert accounts.invite_details(token) is None
    with pytest.raises(AccountError, match=r"^token: this invitation does not work"):
        accounts.accept_invite(token, username="eve", display_name="Eve", password=PASSWORD)
    ana = accounts.create_account("ana", "Ana", password=PASSWORD)
    with pytest.raises(AccountError, match=r"^token: "):
        accounts.accept_invite(token, account_id=ana)
    assert [m.username for m in accounts.members("maria")] == ["sam"]
    assert accounts.find_account("eve") is None


def test_an_invitation_expires(accounts: AccountStore, clock: Clock) -> None:
    token = accounts.create_invite("maria", Role.CAREGIVER, None, days=3)
    clock.advance(days=3, seconds=-1)
    assert accounts.invite_details(token) is not None
    clock.advance(seconds=1)
    assert accounts.invite_details(token) is None
    with pytest.raises(AccountError, match=r"^token: "):
        accounts.accept_invite(token, username="sam", display_name="Sam", password=PASSWORD)
    assert accounts.any_accounts() is False


def test_a_link_only_works_for_its_own_purpose(accounts: AccountStore) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    invite = accounts.create_invite("maria", Role.OWNER, None)
    reset = accounts.create_reset_link(sam, None)
    share = accounts.create_share("maria", "Dr Lee", None, 7)
    with pytest.raises(AccountError, match=r"^token: this password link does not work"):
        accounts.reset_password(invite, NEW)
    with pytest.raises(AccountError, match=r"^token: this invitation does not work"):
        accounts.accept_invite(reset, account_id=sam)
    with pytest.raises(AccountError, match=r"^token: "):
        accounts.accept_invite(share, account_id=sam)
    assert accounts.invite_details(reset) is None
    assert accounts.reset_details(invite) is None
    assert accounts.principal_for_share(invite) is None
    assert accounts.principal_for_share(reset) is None
    assert accounts.principal_for_session(reset) is None
    assert accounts.members("maria") == []
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "ok"  # nothing changed


def test_a_password_link_works_once_and_expires(accounts: AccountStore, clock: Clock) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    token = accounts.create_reset_link(sam, None)
    accounts.reset_password(token, NEW)
    with pytest.raises(AccountError, match=r"^token: "):
        accounts.reset_password(token, "yet another passphrase")
    assert accounts.sign_in("sam", NEW, "a").outcome == "ok"
    late = accounts.create_reset_link(sam, None, hours=2)
    clock.advance(hours=2)
    with pytest.raises(AccountError, match=r"^token: "):
        accounts.reset_password(late, "yet another passphrase")
    assert accounts.sign_in("sam", NEW, "a").outcome == "ok"


def test_using_a_password_link_cancels_the_others(accounts: AccountStore) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    first = accounts.create_reset_link(sam, None)
    second = accounts.create_reset_link(sam, None)
    accounts.reset_password(second, NEW)
    assert accounts.reset_details(first) is None


def test_a_weak_new_password_leaves_the_link_usable(accounts: AccountStore) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    token = accounts.create_reset_link(sam, None)
    with pytest.raises(AccountError, match=r"^password: a password needs at least 12"):
        accounts.reset_password(token, "too short")
    assert accounts.reset_password(token, NEW) == sam


@pytest.mark.parametrize("hours", [0, -1, 24 * 7 + 1])
def test_a_password_link_lasts_one_hour_to_a_week(accounts: AccountStore, hours: int) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    with pytest.raises(AccountError, match=r"^hours: "):
        accounts.create_reset_link(sam, None, hours=hours)


def test_a_share_link_stops_working_when_it_expires(accounts: AccountStore, clock: Clock) -> None:
    token = accounts.create_share("maria", "Dr Lee", None, days=2)
    clock.advance(days=2, seconds=-1)
    assert accounts.principal_for_share(token) is not None
    clock.advance(seconds=1)
    assert accounts.principal_for_share(token) is None
    assert [s.active for s in accounts.shares("maria")] == [False]


def test_a_revoked_share_link_stops_working_and_others_keep_working(
    accounts: AccountStore, clock: Clock
) -> None:
    old = accounts.create_share("maria", "Dr Lee", None, days=30)
    clock.advance(minutes=1)
    new = accounts.create_share("maria", "Dr Kim", None, days=30)
    listed = accounts.shares("maria")
    assert [s.label for s in listed] == ["Dr Kim", "Dr Lee"]
    accounts.revoke_share("maria", listed[1].id)
    assert accounts.principal_for_share(old) is None
    assert accounts.principal_for_share(new) is not None
    after = {s.label: (s.active, s.revoked_at) for s in accounts.shares("maria")}
    assert after == {"Dr Kim": (True, None), "Dr Lee": (False, clock.now)}
    accounts.revoke_share("maria", listed[1].id)  # again: no change, no error


def test_a_share_link_is_revoked_only_through_its_own_person(accounts: AccountStore) -> None:
    token = accounts.create_share("maria", "Dr Lee", None, days=30)
    (share,) = accounts.shares("maria")
    for person, share_id in (
        ("joan", share.id),
        ("maria", "0" * 12),
        ("maria", "%"),
        ("maria", share.id[:6]),
        ("maria", share.id.upper()),
    ):
        with pytest.raises(NotFound, match="no share link with id"):
            accounts.revoke_share(person, share_id)
    assert accounts.principal_for_share(token) is not None


def test_two_requests_racing_with_one_invitation_use_it_once(accounts: AccountStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ids = [accounts.create_account(f"user{i}", f"User {i}", password=None) for i in range(4)]
    token = accounts.create_invite("maria", Role.CAREGIVER, None)

    def accept(account_id: int) -> str:
        try:
            accounts.accept_invite(token, account_id=account_id)
        except AccountError as exc:
            return exc.field
        return "accepted"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(accept, ids))
    assert outcomes == ["accepted", "token", "token", "token"]
    assert len(accounts.members("maria")) == 1
