"""The tables of shared access (issue 14): accounts, their sessions and sign-in attempts, who
may see which person and in what role, clinician share links, one-time links (invitations and
password resets), and the audit log. Changes go through an Alembic migration (0003_accounts).

Why secrets are stored as hashes: a session token, a share link or a one-time link is a
password in all but name; a copy of the database must not let anyone sign in, so only the
SHA-256 of each token is kept (tokens are 256-bit random, so a plain hash is enough; the
account passwords themselves are argon2id, `accounts.passwords`).

Why the audit log has no foreign key to `people`: a person can be deleted, and the record of
who looked at it must outlive that (it holds no health data: who, when, which page, from
where). It is append-only: the migration adds triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nextline.store.tables import Base


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None until set by a link
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending: Mapped[str | None] = mapped_column(String(64))  # until its first code (0004)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # last accepted code's step
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column()
    disabled_at: Mapped[dt.datetime | None] = mapped_column()
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()


class AccountSession(Base):
    __tablename__ = "account_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column()
    last_seen_at: Mapped[dt.datetime] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()  # the absolute time-out
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    client: Mapped[str] = mapped_column(String(64))


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class Membership(Base):
    """One account's role for one person: owner, caregiver or navigator."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("account_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column()


class ShareLink(Base):
    """A clinician's read-only link to one person, until it expires or is revoked."""

    __tablename__ = "share_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class OneTimeLink(Base):
    """An invitation (a role for a person, for a new or existing account) or a password
    reset (for one account), used once before it expires."""

    __tablename__ = "one_time_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "invite" | "reset"
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()


class AuditEvent(Base):
    """Who read or changed a person's data, when, what, and from where. Append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    person_id: Mapped[str] = mapped_column(String(80), index=True)
    actor: Mapped[str] = mapped_column(String(200))  # a label, e.g. "daughter (caregiver)"
    actor_kind: Mapped[str] = mapped_column(String(20))  # local | account | share
    account_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # read | change | download | refused
    what: Mapped[str] = mapped_column(String(200))  # the page or route, never its content
    source: Mapped[str] = mapped_column(String(64))  # the client address
