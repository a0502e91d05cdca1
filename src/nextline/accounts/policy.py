"""The numbers of shared access, in one place: time-outs, sign-in limits, password rules.

- A session ends after 30 minutes without a request (idle) and 12 hours after sign-in
  (absolute), whichever comes first: a shared or lost computer does not stay signed in.
- Sign-in: 5 failures for one username within 15 minutes lock that username for 15 minutes
  (whether or not the account exists, so the lock tells nothing); 20 failures from one client
  address within 15 minutes lock that address for 15 minutes (one machine trying many
  usernames). Every failure also waits a little before answering, longer after each one.
- Passwords: at least 12 characters and not one character repeated; argon2id with
  argon2-cffi's defaults (`accounts.passwords`).
- Links: an invitation lasts 7 days, a password reset 24 hours, a clinician's share link as
  many days as the owner chose (at most 90). Each one-time link works once.
- TOTP: 30-second steps, a code from the step before or after is accepted (clocks drift),
  and a code is accepted once (a code seen over someone's shoulder cannot be reused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_ABSOLUTE = dt.timedelta(hours=12)
# A session's last-seen time is written at most this often (a write per request would make
# every page a database write).
SESSION_TOUCH = dt.timedelta(minutes=1)

USERNAME_FAILURES = 5
USERNAME_WINDOW = dt.timedelta(minutes=15)
USERNAME_LOCK = dt.timedelta(minutes=15)
CLIENT_FAILURES = 20
CLIENT_WINDOW = dt.timedelta(minutes=15)
CLIENT_LOCK = dt.timedelta(minutes=15)
# Sign-in attempts older than this are forgotten (they can no longer lock anything).
ATTEMPTS_KEPT = dt.timedelta(days=1)

FAILURE_DELAY_STEP = 0.25  # seconds per recent failure of this username
FAILURE_DELAY_MAX = 2.0

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024  # argon2 takes any length; a bound keeps a request cheap
USERNAME_MAX_LENGTH = 80
DISPLAY_NAME_MAX_LENGTH = 200

INVITE_DAYS = 7
INVITE_MAX_DAYS = 30
RESET_HOURS = 24
RESET_MAX_HOURS = 24 * 7
SHARE_MAX_DAYS = 90

TOTP_STEP_SECONDS = 30
TOTP_WINDOW = 1  # steps either side

TOKEN_MAX_LENGTH = 100  # a longer token is not one this server issued


def locked_until(
    failures: Sequence[dt.datetime], limit: int, window: dt.timedelta, lock: dt.timedelta
) -> dt.datetime | None:
    """When the lock made by these failures ends, or None if they make none.

    `failures` are the times of failed attempts (any order) since the last success. The
    `limit`-th failure within `window` starts a lock of `lock`; attempts refused during a
    lock are not counted as failures, so after it ends the count starts afresh.
    """
    until: dt.datetime | None = None
    counted: list[dt.datetime] = []  # failures in the window since the last lock ended
    for at in sorted(failures):
        if until is not None and at < until:
            continue  # recorded during a lock (two requests at once): it starts nothing
        counted = [t for t in counted if at - t <= window]
        counted.append(at)
        if len(counted) >= limit:
            until = at + lock
            counted = []
    return until


def failure_delay(recent_failures: int) -> float:
    """Seconds to wait before answering a failed sign-in (slows guessing, not people)."""
    return min(FAILURE_DELAY_MAX, FAILURE_DELAY_STEP * max(1, recent_failures))
