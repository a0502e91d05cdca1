"""The values the accounts core hands out: a sign-in's outcome, a person's members, an
invitation, a share link, an account as the admin sees it. None holds a secret or a health
fact: tokens leave the core only once, as the return value of the call that made them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from nextline.accounts.principal import Role

Outcome = Literal["ok", "bad", "locked", "totp_needed", "disabled"]


@dataclass(frozen=True)
class SignInResult:
    """`account_id` is set only when `outcome` is "ok". "bad" is the one answer for an
    unknown username, a wrong password and a wrong code (it tells nothing about which);
    "locked" comes with the seconds to wait."""

    account_id: int | None
    outcome: Outcome
    retry_after_seconds: int = 0


@dataclass(frozen=True)
class Member:
    account_id: int
    username: str
    display_name: str
    role: Role


@dataclass(frozen=True)
class InviteInfo:
    person_id: str
    role: Role
    expires_at: dt.datetime


@dataclass(frozen=True)
class ShareInfo:
    id: str  # the first characters of the link's hash: names it, cannot open it
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool  # neither expired nor revoked, at the time it was listed


@dataclass(frozen=True)
class AccountInfo:
    """An account as the admin sees it: names and roles by person id, no health data."""

    id: int
    username: str
    display_name: str
    is_admin: bool
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    has_password: bool
    totp_enabled: bool
    roles: dict[str, Role] = field(default_factory=dict)  # person id -> role
