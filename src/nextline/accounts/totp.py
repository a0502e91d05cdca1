"""TOTP second factor (RFC 6238, the codes of an authenticator app), through pyotp.

Why the step is returned: a code may be used once. The caller stores the step of the last
accepted code and refuses any code from that step or an earlier one, so a code seen over
someone's shoulder (or replayed from a captured request) does not sign anyone in.
"""

from __future__ import annotations

import datetime as dt
import hmac

from nextline.accounts.policy import TOTP_STEP_SECONDS, TOTP_WINDOW


def new_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    import pyotp

    return pyotp.random_base32()


def step_at(at: dt.datetime) -> int:
    """The 30-second step that contains `at` (naive UTC)."""
    return int(at.replace(tzinfo=dt.UTC).timestamp()) // TOTP_STEP_SECONDS


def code_at(secret: str, at: dt.datetime) -> str:
    """The code an authenticator shows at `at` (for tests and for setting up)."""
    import pyotp

    return str(pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS).generate_otp(step_at(at)))


def matching_step(
    secret: str, code: str, at: dt.datetime, *, after: int | None = None
) -> int | None:
    """The step whose code is `code`, within one step of `at`, and later than `after` (the
    step of the last accepted code); None when no step matches."""
    import pyotp

    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    now = step_at(at)
    for step in range(now - TOTP_WINDOW, now + TOTP_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(str(totp.generate_otp(step)), code):
            return step
    return None


def provisioning_uri(secret: str, username: str, issuer: str = "nextline") -> str:
    """The `otpauth://` address an authenticator app reads (as a QR code or typed)."""
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer))
