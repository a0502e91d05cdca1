"""Passwords: the strength rule, and argon2id hashing through argon2-cffi.

Why argon2id with the library's defaults: it is the memory-hard hash recommended for
passwords, the library is maintained, and its defaults follow RFC 9106; a stored hash made
with older parameters is re-hashed at the next successful sign-in (`needs_rehash`).

Why `verify` runs even for an unknown username (`DUMMY`): a sign-in that skipped the hash for
a name that does not exist would answer faster, and the time would tell which names exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nextline.accounts.errors import AccountError
from nextline.accounts.policy import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

if TYPE_CHECKING:
    from argon2 import PasswordHasher


def check_strength(password: str) -> None:
    """Refuse a password that is too short or one character repeated (`AccountError`)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(
            "password",
            f"a password needs at least {PASSWORD_MIN_LENGTH} characters "
            f"(this one has {len(password)}); a few unrelated words make a good one",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(
            "password", f"a password can have at most {PASSWORD_MAX_LENGTH} characters"
        )
    if len(set(password)) == 1:
        raise AccountError("password", "a password cannot be one character repeated")


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash. With no stored hash (unknown username, or
    a password never set) a dummy hash is checked, so the answer takes the same time."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > PASSWORD_MAX_LENGTH:
        password = password[:PASSWORD_MAX_LENGTH]
    target = stored if stored is not None else _dummy(hasher)
    try:
        matched = hasher.verify(target, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(matched) and stored is not None


def needs_rehash(hasher: PasswordHasher, stored: str) -> bool:
    return hasher.check_needs_rehash(stored)


_DUMMIES: dict[tuple[int, int, int], str] = {}


def _dummy(hasher: PasswordHasher) -> str:
    """A hash made with the same parameters as real ones (so it costs the same to verify)."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMIES:
        _DUMMIES[key] = hasher.hash("not a password: no account has this hash")
    return _DUMMIES[key]


__all__ = ["check_strength", "default_hasher", "hash_password", "needs_rehash", "verify_password"]
