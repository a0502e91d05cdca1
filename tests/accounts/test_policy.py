"""The lock-out rule and the password rule as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.accounts.errors import AccountError
from nextline.accounts.passwords import check_strength
from nextline.accounts.policy import failure_delay, locked_until

T0 = dt.datetime(2026, 12, 6, 9, 0)
W = dt.timedelta(minutes=15)


def _at(*minutes: float) -> list[dt.datetime]:
    return [T0 + dt.timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(
    ("minutes", "until"),
    [
        ((), None),
        ((0, 1, 2, 3), None),
        ((0, 1, 2, 3, 4), 19),
        ((4, 3, 2, 1, 0), 19),  # any order
        ((0, 0, 0, 0, 0), 15),  # at one instant
        ((0, 1, 2, 3, 15), 30),  # exactly 15 minutes apart still counts
        ((0, 1, 2, 3, 15.5), None),
        ((0, 16, 17, 18, 19, 20), 35),  # the first falls out, the next five lock
        ((0, 1, 17, 18, 19, 20), None),
        ((0, 1, 2, 3, 4, 20, 21, 22, 23), 19),  # after the lock, four are not enough
        ((0, 1, 2, 3, 4, 20, 21, 22, 23, 24), 39),
        ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 19),  # failures during a lock start nothing
    ],
)
def test_five_failures_within_fifteen_minutes_lock_for_fifteen(
    minutes: tuple[float, ...], until: float | None
) -> None:
    expected = None if until is None else T0 + dt.timedelta(minutes=until)
    assert locked_until(_at(*minutes), 5, W, W) == expected


def test_failure_delay_grows_then_stops_at_two_seconds() -> None:
    assert [failure_delay(n) for n in (0, 1, 2, 4, 8, 100)] == [0.25, 0.25, 0.5, 1.0, 2.0, 2.0]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "at least 12 characters (this one has 0)"),
        ("elevenchars", "at least 12 characters (this one has 11)"),
        ("zzzzzzzzzzzzzzzz", "one character repeated"),
        ("x" * 1025, "at most 1024"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(AccountError) as caught:
        check_strength(password)
    assert caught.value.field == "password"
    assert reason in caught.value.reason


@pytest.mark.parametrize("password", ["twelve chars", "ÅÄÖ åäö ÆØ æø", "xy" * 512])
def test_a_long_enough_password_is_accepted(password: str) -> None:
    check_strength(password)
