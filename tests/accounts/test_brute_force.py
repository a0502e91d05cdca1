"""Password guessing is slowed and locked out, per username and per client address, and the
answers tell nothing about which usernames exist."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from nextline.accounts.store import AccountStore
from tests.accounts.conftest import PASSWORD, Clock


class CountingHasher(PasswordHasher):
    """argon2id that counts how many hashes it verified."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def _fail(accounts: AccountStore, username: str, times: int, client: str = "198.51.100.7") -> None:
    for _ in range(times):
        assert accounts.sign_in(username, "not the password", client).outcome == "bad"


def test_five_wrong_passwords_lock_the_username_even_for_the_right_password(
    accounts: AccountStore, clock: Clock
) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    for minute in range(5):
        clock.advance(minutes=1 if minute else 0)
        assert accounts.sign_in("sam", f"guess number {minute}", "a").outcome == "bad"
    result = accounts.sign_in("sam", PASSWORD, "a")
    assert (result.account_id, result.outcome, result.retry_after_seconds) == (None, "locked", 900)
    clock.advance(minutes=10)
    assert accounts.sign_in("SAM", PASSWORD, "b").retry_after_seconds == 300
    clock.advance(minutes=5)
    result = accounts.sign_in("sam", PASSWORD, "a")
    assert (result.account_id, result.outcome) == (sam, "ok")


def test_attempts_refused_during_a_lock_do_not_extend_it(
    accounts: AccountStore, clock: Clock
) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    _fail(accounts, "sam", 5)
    for _ in range(10):
        clock.advance(minutes=1)
        assert accounts.sign_in("sam", "still guessing", "a").outcome == "locked"
    clock.advance(minutes=5)
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "ok"


def test_four_failures_then_a_success_start_the_count_again(
    accounts: AccountStore, clock: Clock
) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    _fail(accounts, "sam", 4)
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "ok"
    _fail(accounts, "sam", 4)
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "ok"


def test_failures_older_than_the_window_do_not_count(accounts: AccountStore, clock: Clock) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    _fail(accounts, "sam", 4)
    clock.advance(minutes=15, seconds=1)
    _fail(accounts, "sam", 4)
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "ok"
    _fail(accounts, "sam", 5)
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "locked"


def test_one_client_trying_many_usernames_is_locked_out(
    accounts: AccountStore, clock: Clock
) -> None:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    for index in range(20):  # five usernames, four failures each: none is locked by name
        _fail(accounts, f"user{index % 5}", 1, client="198.51.100.7")
    locked = accounts.sign_in("sam", PASSWORD, "198.51.100.7")
    assert (locked.outcome, locked.retry_after_seconds) == ("locked", 900)
    other = accounts.sign_in("sam", PASSWORD, "203.0.113.9")
    assert (other.account_id, other.outcome) == (sam, "ok")
    clock.advance(minutes=15)
    assert accounts.sign_in("sam", PASSWORD, "198.51.100.7").outcome == "ok"


def test_nineteen_failures_from_one_client_do_not_lock_it(accounts: AccountStore) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    for index in range(19):
        _fail(accounts, f"user{index}", 1, client="198.51.100.7")
    assert accounts.sign_in("sam", PASSWORD, "198.51.100.7").outcome == "ok"


def test_an_unknown_username_answers_like_a_wrong_password_and_still_hashes(
    engine: Engine, clock: Clock, waits: list[float]
) -> None:
    hasher = CountingHasher()
    accounts = AccountStore(engine, clock=clock, hasher=hasher, sleep=waits.append)
    accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.create_account("newcomer", "New", password=None)  # no password set yet
    answers = []
    for username in ("sam", "nobody", "newcomer", "not a valid name!", "x" * 500):
        before = hasher.verified
        answers.append(accounts.sign_in(username, "wrong password here", "a"))
        assert hasher.verified == before + 1, username
    assert {(a.account_id, a.outcome, a.retry_after_seconds) for a in answers} == {(None, "bad", 0)}


def test_an_unknown_username_is_locked_like_a_real_one(accounts: AccountStore) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    _fail(accounts, "sam", 5)
    _fail(accounts, "nobody", 5)
    real = accounts.sign_in("sam", "x", "a")
    unknown = accounts.sign_in("nobody", "x", "a")
    assert (real.outcome, real.retry_after_seconds) == ("locked", 900)
    assert (unknown.outcome, unknown.retry_after_seconds) == ("locked", 900)


def test_every_failure_waits_a_little_longer_and_a_success_does_not_wait(
    accounts: AccountStore, waits: list[float]
) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    assert accounts.sign_in("sam", PASSWORD, "a").outcome == "ok"
    assert waits == []
    _fail(accounts, "sam", 4)
    assert waits == [0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize("password", ["", "correct horse batter", PASSWORD.upper(), PASSWORD + " "])
def test_a_near_miss_password_is_wrong(accounts: AccountStore, password: str) -> None:
    accounts.create_account("sam", "Sam", password=PASSWORD)
    assert accounts.sign_in("sam", password, "a").outcome == "bad"


def test_the_attempts_table_never_keeps_what_was_typed_as_a_username(
    accounts: AccountStore, engine: Engine
) -> None:
    from sqlalchemy import select

    from nextline.store.account_tables import LoginAttempt

    accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.sign_in("my secret passphrase", "oops", "a")  # the password in the wrong box
    accounts.sign_in("sam", PASSWORD, "a")
    with engine.connect() as connection:
        typed = [row[0] for row in connection.execute(select(LoginAttempt.username))]
    assert len(typed) == 2
    assert not any("secret" in t or t == "sam" for t in typed)
