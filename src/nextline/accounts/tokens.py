"""Tokens for sessions, share links and one-time links: 256 random bits, stored as SHA-256.

Why a plain hash is enough here (unlike passwords): a token is 32 random bytes, so nobody
can guess it from its hash; storing only the hash means a copy of the database lets nobody
sign in or open a shared record.
"""

from __future__ import annotations

import hashlib
import secrets

from nextline.accounts.policy import TOKEN_MAX_LENGTH

SHARE_ID_LENGTH = 12  # the hash prefix that names a share link on the owner's page


def new_token() -> str:
    """A fresh URL-safe token (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as 64 hex digits (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str | None) -> bool:
    """Whether a token could be one this server issued (cheap check before the database)."""
    return token is not None and 0 < len(token) <= TOKEN_MAX_LENGTH
