"""The second factor: a wrong code fails (and counts as a failure), a code is accepted once,
and codes one step either side of now are accepted, not further."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.accounts import totp
from nextline.accounts.store import AccountStore
from tests.accounts.conftest import PASSWORD, Clock


def _with_totp(accounts: AccountStore, clock: Clock) -> tuple[int, str]:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    secret = accounts.totp_begin(sam)
    assert accounts.totp_confirm(sam, totp.code_at(secret, clock.now)) is True
    clock.advance(seconds=60)  # past the step of the confirming code
    return sam, secret


def _other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_wrong_code_fails_like_a_wrong_password_and_counts_towards_the_lock(
    accounts: AccountStore, clock: Clock
) -> None:
    _, secret = _with_totp(accounts, clock)
    wrong = _other_code(totp.code_at(secret, clock.now))
    for bad in ("", "12345", "abcdef", "1234567", wrong, _other_code(wrong)):
        result = accounts.sign_in("sam", PASSWORD, "a", bad or None)
        assert result.outcome == ("totp_needed" if bad == "" else "bad"), bad
    result = accounts.sign_in("sam", PASSWORD, "a", totp.code_at(secret, clock.now))
    assert result.outcome == "locked"


def test_a_code_is_accepted_once(accounts: AccountStore, clock: Clock) -> None:
    sam, secret = _with_totp(accounts, clock)
    code = totp.code_at(secret, clock.now)
    assert accounts.sign_in("sam", PASSWORD, "a", code).account_id == sam
    clock.advance(seconds=5)
    assert accounts.sign_in("sam", PASSWORD, "b", code).outcome == "bad"
    clock.advance(seconds=30)
    assert accounts.sign_in("sam", PASSWORD, "b", code).outcome == "bad"  # an older step now
    assert accounts.sign_in("sam", PASSWORD, "b", totp.code_at(secret, clock.now)).outcome == "ok"


def test_the_code_that_turned_totp_on_cannot_sign_in(accounts: AccountStore, clock: Clock) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    secret = accounts.totp_begin(sam)
    code = totp.code_at(secret, clock.now)
    assert accounts.totp_confirm(sam, code) is True
    assert accounts.sign_in("sam", PASSWORD, "a", code).outcome == "bad"


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_one_step_either_side_are_accepted(
    accounts: AccountStore, clock: Clock, offset: int, accepted: bool
) -> None:
    _, secret = _with_totp(accounts, clock)
    code = totp.code_at(secret, clock.now + dt.timedelta(seconds=30 * offset))
    # a code that happens to equal the current one would be accepted anyway
    if not accepted and code in {
        totp.code_at(secret, clock.now + dt.timedelta(seconds=30 * s)) for s in (-1, 0, 1)
    }:
        pytest.skip("this secret repeats a code within the window")
    outcome = accounts.sign_in("sam", PASSWORD, "a", code).outcome
    assert outcome == ("ok" if accepted else "bad")


def test_a_code_with_spaces_is_read(accounts: AccountStore, clock: Clock) -> None:
    sam, secret = _with_totp(accounts, clock)
    code = totp.code_at(secret, clock.now)
    assert accounts.sign_in("sam", PASSWORD, "a", f" {code[:3]} {code[3:]} ").account_id == sam


def test_a_new_secret_waits_for_its_code_and_the_old_one_keeps_working(
    accounts: AccountStore, clock: Clock
) -> None:
    sam, old = _with_totp(accounts, clock)
    new = accounts.totp_begin(sam)
    assert accounts.sign_in("sam", PASSWORD, "a", totp.code_at(old, clock.now)).account_id == sam
    clock.advance(seconds=30)
    assert accounts.totp_confirm(sam, totp.code_at(new, clock.now)) is True
    clock.advance(seconds=30)
    assert accounts.sign_in("sam", PASSWORD, "a", totp.code_at(old, clock.now)).outcome == "bad"
    clock.advance(seconds=30)
    assert accounts.sign_in("sam", PASSWORD, "a", totp.code_at(new, clock.now)).outcome == "ok"


def test_confirm_without_begin_is_false(accounts: AccountStore, clock: Clock) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    assert accounts.totp_confirm(sam, "123456") is False
    info = accounts.account(sam)
    assert info is not None
    assert info.totp_enabled is False


def test_provisioning_uri_names_the_issuer_and_the_account() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "sam")
    assert uri.startswith("otpauth://totp/nextline:sam?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert "issuer=nextline" in uri


def test_one_code_sent_twice_at_the_same_moment_signs_in_once(
    accounts: AccountStore, clock: Clock
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, secret = _with_totp(accounts, clock)
    code = totp.code_at(secret, clock.now)
    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = sorted(
            pool.map(lambda c: accounts.sign_in("sam", PASSWORD, c, code).outcome, "abc")
        )
    assert outcomes == ["bad", "bad", "ok"]
