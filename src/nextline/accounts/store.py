"""`AccountStore`: accounts, sign-in, sessions, roles per person, invitations, password
resets, clinician share links and the TOTP second factor, in the record store's database.

The numbers (time-outs, lock-outs, password rules) live in `accounts.policy` and its
docstring explains them: a session ends after 30 minutes idle or 12 hours in all; 5 failed
sign-ins for a username within 15 minutes lock it for 15 minutes; 20 from one client address
lock that address; every failure waits a little before answering.

Why these choices:
- Secrets are never stored: passwords as argon2id hashes (`accounts.passwords`), every token
  (session, share link, one-time link) as its SHA-256 (`accounts.tokens`). The raw token is
  returned once, by the call that made it.
- One answer ("bad") for an unknown username, a wrong password and a wrong code, and the hash
  is verified even for an unknown username, so neither the words nor the time tell which
  usernames exist. The lock-out counts attempts per username whether or not it exists.
- Sessions live in the database, so any worker process (or a restart) sees a sign-out, a
  revocation, a password reset or a disabled account at once.
- A one-time link is marked used by a conditional UPDATE, so two requests racing with one
  link cannot both use it.
- An admin account manages accounts and holds no role for any person (no health data).

All times are naive UTC; `clock` is injectable so tests can move time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nextline.accounts import passwords, policy, tokens, totp
from nextline.accounts.errors import AccountError
from nextline.accounts.models import (
    AccountInfo,
    InviteInfo,
    Member,
    Outcome,
    ShareInfo,
    SignInResult,
)
from nextline.accounts.principal import EDITING_ROLES, Kind, Principal, Role
from nextline.errors import NotFound
from nextline.store.account_tables import (
    Account,
    AccountSession,
    LoginAttempt,
    Membership,
    OneTimeLink,
    ShareLink,
)
from nextline.store.engine import write_transaction
from nextline.store.tables import Person

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Engine

INVITE = "invite"
RESET = "reset"

# Lower-case letters, digits and . _ - @, starting with a letter or digit: readable in a
# list, safe in a URL, and the same name whatever the case it is typed in.
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")
_SHARE_ID = re.compile(f"[0-9a-f]{{{tokens.SHARE_ID_LENGTH}}}")
_ROLE_ORDER = {Role.OWNER: 0, Role.CAREGIVER: 1, Role.NAVIGATOR: 2, Role.CLINICIAN: 3}


def utcnow() -> dt.datetime:
    """Now, naive UTC (as every time in the store)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def normal_username(username: str) -> str:
    """The stored form of a username: trimmed and lower-case."""
    return username.strip().lower()


def check_username(username: str) -> str:
    """The normal form of a valid username, or `AccountError` saying what is wrong."""
    name = normal_username(username)
    if not _USERNAME.fullmatch(name):
        raise AccountError(
            "username",
            "a username has 2 to 80 characters: letters, digits and . _ - @, starting "
            f"with a letter or digit (got {username!r})",
        )
    return name


def check_display_name(display_name: str) -> str:
    name = " ".join(display_name.split())
    if not name:
        raise AccountError("display_name", "a name to show is needed (for example 'Sam')")
    if len(name) > policy.DISPLAY_NAME_MAX_LENGTH:
        raise AccountError(
            "display_name",
            f"a name to show has at most {policy.DISPLAY_NAME_MAX_LENGTH} characters",
        )
    if any(not ch.isprintable() for ch in name):
        raise AccountError("display_name", "a name to show cannot hold control characters")
    return name


def _person_role(role: Role | str, field: str = "role") -> Role:
    """An account's role for a person: owner, caregiver or navigator (a clinician gets a
    share link, never an account role)."""
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in EDITING_ROLES or value is None:
        raise AccountError(
            field,
            f"{str(role)!r} is not a role an account can hold: use owner, caregiver or navigator "
            "(a clinician gets a read-only share link)",
        )
    return value


class AccountStore:
    """Accounts and everything that lets someone in, on one database engine."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        hasher: PasswordHasher | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`hasher` is argon2id with the library's defaults unless a test passes a cheaper
        one; `sleep` is how a failed sign-in waits (tests pass one that only records)."""
        self.engine = engine
        self._clock = clock
        self._hasher = hasher if hasher is not None else passwords.default_hasher()
        self._sleep = sleep

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One write transaction. SQLite: `BEGIN IMMEDIATE`, so two writers queue on the
        busy timeout instead of both reading a one-time link as unused (PostgreSQL: the
        conditional UPDATEs decide)."""
        with write_transaction(self.engine, expire_on_commit=False) as session:
            yield session

    def _now(self) -> dt.datetime:
        return self._clock()

    @staticmethod
    def _account(session: Session, account_id: int) -> Account:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFound("account", str(account_id))
        return account

    @staticmethod
    def _person(session: Session, person_id: str) -> None:
        if session.get(Person, person_id) is None:
            raise NotFound("person", person_id)

    # -- accounts --------------------------------------------------------------------------

    def any_accounts(self) -> bool:
        """Whether server mode is on (at least one account exists)."""
        with Session(self.engine) as session:
            return session.scalars(select(Account.id).limit(1)).first() is not None

    def any_admin(self) -> bool:
        """Whether an admin account exists (`nextline admin init` was run)."""
        with Session(self.engine) as session:
            query = select(Account.id).where(Account.is_admin.is_(True)).limit(1)
            return session.scalars(query).first() is not None

    def create_account(
        self, username: str, display_name: str, *, password: str | None, is_admin: bool = False
    ) -> int:
        """A new account; with `password=None` it cannot sign in until a reset link sets
        one (how `nextline admin add` works). Returns its id."""
        name = check_username(username)
        shown = check_display_name(display_name)
        hashed = None
        if password is not None:
            passwords.check_strength(password)
            hashed = passwords.hash_password(self._hasher, password)
        try:
            with self._tx() as session:
                return self._insert_account(session, name, shown, hashed, is_admin)
        except IntegrityError as exc:  # the same name created at the same moment
            raise _taken(name) from exc

    def _insert_account(
        self, session: Session, name: str, shown: str, hashed: str | None, is_admin: bool
    ) -> int:
        if session.scalars(select(Account.id).where(Account.username == name)).first():
            raise _taken(name)
        account = Account(
            username=name,
            display_name=shown,
            password_hash=hashed,
            is_admin=is_admin,
            created_at=self._now(),
            failed_logins=0,
        )
        session.add(account)
        session.flush()
        return account.id

    def find_account(self, username: str) -> AccountInfo | None:
        """The account with this username (any case), or None."""
        name = normal_username(username)
        with Session(self.engine) as session:
            account = session.scalars(select(Account).where(Account.username == name)).first()
            return None if account is None else self._info(session, account)

    def account(self, account_id: int) -> AccountInfo | None:
        with Session(self.engine) as session:
            account = session.get(Account, account_id)
            return None if account is None else self._info(session, account)

    def accounts(self) -> list[AccountInfo]:
        """Every account with its roles by person id, for the admin (no health data)."""
        with Session(self.engine) as session:
            rows = session.scalars(select(Account).order_by(Account.username)).all()
            roles: dict[int, dict[str, Role]] = {}
            for member in session.scalars(select(Membership)):
                roles.setdefault(member.account_id, {})[member.person_id] = Role(member.role)
            return [self._info(session, a, roles.get(a.id, {})) for a in rows]

    @staticmethod
    def _info(
        session: Session, account: Account, roles: dict[str, Role] | None = None
    ) -> AccountInfo:
        if roles is None:
            query = select(Membership).where(Membership.account_id == account.id)
            roles = {m.person_id: Role(m.role) for m in session.scalars(query)}
        return AccountInfo(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            is_admin=account.is_admin,
            created_at=account.created_at,
            disabled_at=account.disabled_at,
            has_password=account.password_hash is not None,
            totp_enabled=account.totp_secret is not None,
            roles=dict(sorted(roles.items())),
        )

    def disable(self, account_id: int) -> None:
        """Stop an account for good: it cannot sign in and its sessions end now. The last
        admin cannot be disabled (nobody could manage accounts any more)."""
        now = self._now()
        with self._tx() as session:
            account = self._account(session, account_id)
            if account.disabled_at is not None:
                return
            if account.is_admin:
                others = select(func.count()).where(
                    Account.is_admin.is_(True),
                    Account.disabled_at.is_(None),
                    Account.id != account_id,
                )
                if session.scalar(others) == 0:
                    raise AccountError(
                        "account",
                        f"{account.username!r} is the only admin account; add another admin "
                        "before disabling it",
                    )
            account.disabled_at = now
            self._end_sessions(session, account_id, now)
            self._end_invitations(session, account_id, now)

    # -- sign-in ---------------------------------------------------------------------------

    def sign_in(
        self, username: str, password: str, client: str, totp_code: str | None = None
    ) -> SignInResult:
        """Check a username and password (and a TOTP code when the account has one).

        The client address and the username are each limited (`accounts.policy`); a locked
        username is refused even with the right password, with the seconds to wait."""
        now = self._now()
        name = normal_username(username)[: policy.USERNAME_MAX_LENGTH]
        key = _attempt_key(name)
        client = client[:64]
        with Session(self.engine) as session:
            until = self._lock(session, now, client=client)
            if until is None:
                until = self._lock(session, now, username=key)
            if until is not None:
                return SignInResult(None, "locked", _seconds(until - now))
            account = session.scalars(select(Account).where(Account.username == name)).first()
            stored = account.password_hash if account is not None else None
        if not passwords.verify_password(self._hasher, stored, password) or account is None:
            return self._failed(key, client, now)
        if account.disabled_at is not None:
            return SignInResult(None, "disabled")
        if account.totp_secret is not None:
            if not totp_code:
                return SignInResult(None, "totp_needed")
            if not self._use_code(account.id, account.totp_secret, totp_code, now):
                return self._failed(key, client, now)
        with self._tx() as session:
            session.add(LoginAttempt(username=key, client=client, at=now, succeeded=True))
            if stored is not None and passwords.needs_rehash(self._hasher, stored):
                fresh = passwords.hash_password(self._hasher, password)
                session.execute(
                    update(Account).where(Account.id == account.id).values(password_hash=fresh)
                )
        return SignInResult(account.id, "ok")

    def _lock(
        self,
        session: Session,
        now: dt.datetime,
        *,
        username: str | None = None,
        client: str | None = None,
    ) -> dt.datetime | None:
        """When the lock on this username (or client address) ends, if it is locked now."""
        if username is not None:
            limit, window, lock = (
                policy.USERNAME_FAILURES,
                policy.USERNAME_WINDOW,
                policy.USERNAME_LOCK,
            )
            which = LoginAttempt.username == username
        else:
            limit, window, lock = policy.CLIENT_FAILURES, policy.CLIENT_WINDOW, policy.CLIENT_LOCK
            which = LoginAttempt.client == (client or "")
        query = select(LoginAttempt.id, LoginAttempt.at, LoginAttempt.succeeded).where(
            which, LoginAttempt.at >= now - window - lock, LoginAttempt.at <= now
        )
        rows = session.execute(query).all()
        # A success clears a username's failures (not a client's). Attempts are ordered by
        # their id, not their time: two can share a time.
        last = max((i for i, _, ok in rows if ok), default=0) if username is not None else 0
        failures = [at for i, at, ok in rows if not ok and i > last]
        until = policy.locked_until(failures, limit, window, lock)
        return until if until is not None and until > now else None

    def _failed(self, key: str, client: str, now: dt.datetime) -> SignInResult:
        """Record a failure, forget attempts too old to matter, and wait a little."""
        with self._tx() as session:
            session.add(LoginAttempt(username=key, client=client, at=now, succeeded=False))
            session.execute(
                delete(LoginAttempt).where(LoginAttempt.at < now - policy.ATTEMPTS_KEPT)
            )
            recent = session.scalar(
                select(func.count()).where(
                    LoginAttempt.username == key,
                    LoginAttempt.succeeded.is_(False),
                    LoginAttempt.at >= now - policy.USERNAME_WINDOW,
                )
            )
        self._sleep(policy.failure_delay(int(recent or 0)))
        return SignInResult(None, "bad")

    def _use_code(self, account_id: int, secret: str, code: str, now: dt.datetime) -> bool:
        """Accept a TOTP code once: its step must be later than the last accepted one, and
        the conditional UPDATE makes two requests with one code race to a single winner."""
        with self._tx() as session:
            last = session.scalar(select(Account.totp_last_step).where(Account.id == account_id))
            step = totp.matching_step(secret, code, now, after=last)
            if step is None:
                return False
            result = session.execute(
                update(Account)
                .where(
                    Account.id == account_id,
                    or_(Account.totp_last_step.is_(None), Account.totp_last_step < step),
                )
                .values(totp_last_step=step)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    # -- sessions --------------------------------------------------------------------------

    def start_session(self, account_id: int, client: str) -> str:
        """A new server-side session; returns the raw token (the cookie's value). Always a
        fresh token, so a token planted before sign-in is never promoted (fixation)."""
        now = self._now()
        token = tokens.new_token()
        with self._tx() as session:
            account = self._account(session, account_id)
            if account.disabled_at is not None:
                raise AccountError("account", "this account is disabled")
            session.add(
                AccountSession(
                    token_hash=tokens.token_hash(token),
                    account_id=account_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + policy.SESSION_ABSOLUTE,
                    client=client[:64],
                )
            )
        return token

    def principal_for_session(self, token: str | None) -> Principal | None:
        """Who holds this session token, or None when it is unknown, ended, idle too long,
        past its absolute time-out, or its account is disabled."""
        if token is None or not tokens.plausible(token):
            return None
        now = self._now()
        hashed = tokens.token_hash(token)
        # One query (one round trip per request): the session, its account, and one row per
        # role the account holds.
        query = (
            select(
                AccountSession.last_seen_at,
                AccountSession.expires_at,
                AccountSession.revoked_at,
                Account.id,
                Account.display_name,
                Account.is_admin,
                Account.disabled_at,
                Membership.person_id,
                Membership.role,
            )
            .join(Account, Account.id == AccountSession.account_id)
            .outerjoin(Membership, Membership.account_id == Account.id)
            .where(AccountSession.token_hash == hashed)
        )
        with Session(self.engine) as session:
            rows = session.execute(query).all()
        if not rows:
            return None
        last_seen, expires_at, revoked_at, account_id, label, is_admin, disabled_at = rows[0][:7]
        if (
            revoked_at is not None
            or disabled_at is not None
            or now >= expires_at
            or now - last_seen >= policy.SESSION_IDLE
        ):
            return None
        roles: dict[str, Role] = {}
        if not is_admin:
            roles = {row[7]: Role(row[8]) for row in rows if row[7] is not None}
        principal = Principal(
            Kind.ACCOUNT, label, account_id=account_id, is_admin=is_admin, roles=roles
        )
        touch = now - last_seen >= policy.SESSION_TOUCH
        if touch:
            with self._tx() as session:
                session.execute(
                    update(AccountSession)
                    .where(AccountSession.token_hash == hashed)
                    .values(last_seen_at=now)
                )
        return principal

    def end_session(self, token: str) -> None:
        """Sign out: the token stops working at once (unknown tokens are ignored)."""
        if not tokens.plausible(token):
            return
        with self._tx() as session:
            session.execute(
                update(AccountSession)
                .where(
                    AccountSession.token_hash == tokens.token_hash(token),
                    AccountSession.revoked_at.is_(None),
                )
                .values(revoked_at=self._now())
            )

    def end_all_sessions(self, account_id: int) -> None:
        """Sign an account out everywhere."""
        with self._tx() as session:
            self._end_sessions(session, account_id, self._now())

    @staticmethod
    def _end_sessions(session: Session, account_id: int, now: dt.datetime) -> None:
        session.execute(
            update(AccountSession)
            .where(AccountSession.account_id == account_id, AccountSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    @staticmethod
    def _end_invitations(session: Session, account_id: int, now: dt.datetime) -> None:
        """End the invitations this account made that nobody has used yet. A password is
        reset, or an account disabled, because someone else may have used it: an invitation
        they made would let them back in through a new account. The owner can invite again.
        (A clinician's share link stays: it is listed on the sharing page, where the owner
        sees it and can turn it off.)"""
        session.execute(
            update(OneTimeLink)
            .where(
                OneTimeLink.created_by == account_id,
                OneTimeLink.purpose == INVITE,
                OneTimeLink.used_at.is_(None),
            )
            .values(used_at=now)
        )

    # -- roles per person ------------------------------------------------------------------

    def grant(self, account_id: int, person_id: str, role: Role) -> None:
        """Give an account a role for a person (replaces the role it had for that person)."""
        value = _person_role(role)
        with self._tx() as session:
            self._grant(session, account_id, person_id, value)

    def _grant(
        self,
        session: Session,
        account_id: int,
        person_id: str,
        role: Role,
        *,
        keep_owner: bool = False,
    ) -> None:
        account = self._account(session, account_id)
        if account.is_admin:
            raise AccountError(
                "account",
                f"{account.username!r} is an admin account: it manages accounts and holds no "
                "role for a person. Use a separate, personal account.",
            )
        if account.disabled_at is not None:
            raise AccountError("account", f"{account.username!r} is disabled")
        self._person(session, person_id)
        query = select(Membership).where(
            Membership.account_id == account_id, Membership.person_id == person_id
        )
        member = session.scalars(query).first()
        if member is None:
            session.add(
                Membership(
                    account_id=account_id,
                    person_id=person_id,
                    role=role.value,
                    created_at=self._now(),
                )
            )
        elif not (keep_owner and member.role == Role.OWNER.value):
            member.role = role.value

    def revoke(self, account_id: int, person_id: str) -> None:
        """Take away an account's role for a person (effective on its next request)."""
        with self._tx() as session:
            session.execute(
                delete(Membership).where(
                    Membership.account_id == account_id, Membership.person_id == person_id
                )
            )

    def members(self, person_id: str) -> list[Member]:
        """The accounts that hold a role for this person, owners first."""
        with Session(self.engine) as session:
            query = (
                select(Membership, Account)
                .join(Account, Account.id == Membership.account_id)
                .where(Membership.person_id == person_id, Account.disabled_at.is_(None))
            )
            found = [
                Member(a.id, a.username, a.display_name, Role(m.role))
                for m, a in session.execute(query)
            ]
        return sorted(found, key=lambda m: (_ROLE_ORDER[m.role], m.username))

    # -- invitations and password resets ---------------------------------------------------

    def create_invite(
        self, person_id: str, role: Role, created_by: int | None, days: int = policy.INVITE_DAYS
    ) -> str:
        """A one-time link that gives its holder `role` for the person; returns the token."""
        value = _person_role(role)
        if not 1 <= days <= policy.INVITE_MAX_DAYS:
            raise AccountError(
                "days", f"an invitation lasts from 1 to {policy.INVITE_MAX_DAYS} days"
            )
        now = self._now()
        token = tokens.new_token()
        with self._tx() as session:
            self._person(session, person_id)
            session.add(
                OneTimeLink(
                    token_hash=tokens.token_hash(token),
                    purpose=INVITE,
                    person_id=person_id,
                    role=value.value,
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + dt.timedelta(days=days),
                )
            )
        return token

    def _link(self, session: Session, token: str | None, purpose: str) -> OneTimeLink | None:
        """The unused, unexpired link of this purpose for the token, or None."""
        if token is None or not tokens.plausible(token):
            return None
        link = session.get(OneTimeLink, tokens.token_hash(token))
        if (
            link is None
            or link.purpose != purpose
            or link.used_at is not None
            or self._now() >= link.expires_at
        ):
            return None
        return link

    def invite_details(self, token: str) -> InviteInfo | None:
        """What a valid invitation gives (for the page that accepts it), else None."""
        with Session(self.engine) as session:
            link = self._link(session, token, INVITE)
            if link is None or link.person_id is None or link.role is None:
                return None
            return InviteInfo(link.person_id, Role(link.role), link.expires_at)

    def _use_link(self, session: Session, link: OneTimeLink) -> None:
        """Mark a link used, or fail if another request used it first."""
        result = session.execute(
            update(OneTimeLink)
            .where(OneTimeLink.token_hash == link.token_hash, OneTimeLink.used_at.is_(None))
            .values(used_at=self._now())
        )
        if getattr(result, "rowcount", 0) != 1:
            raise _bad_link("invitation" if link.purpose == INVITE else "password link")

    def accept_invite(
        self,
        token: str,
        *,
        account_id: int | None = None,
        username: str | None = None,
        display_name: str | None = None,
        password: str | None = None,
    ) -> int:
        """Use an invitation: for a signed-in account (`account_id`), or by making a new
        account (username, display name and password). Returns the account id. An owner
        who accepts a lesser role for their own person stays owner."""
        hashed = name = shown = None
        if account_id is None:
            if username is None or display_name is None or password is None:
                raise AccountError(
                    "username", "a new account needs a username, a name to show and a password"
                )
            name = check_username(username)
            shown = check_display_name(display_name)
            passwords.check_strength(password)
            hashed = passwords.hash_password(self._hasher, password)
        try:
            with self._tx() as session:
                link = self._link(session, token, INVITE)
                if link is None or link.person_id is None or link.role is None:
                    raise _bad_link("invitation")
                self._use_link(session, link)
                if account_id is None:
                    assert name is not None and shown is not None
                    account_id = self._insert_account(session, name, shown, hashed, False)
                self._grant(session, account_id, link.person_id, Role(link.role), keep_owner=True)
                return account_id
        except IntegrityError as exc:  # a race with another request
            if name is not None:
                raise _taken(name) from exc
            raise AccountError("token", "this invitation was used at the same moment") from exc

    def create_reset_link(
        self, account_id: int, created_by: int | None, hours: int = policy.RESET_HOURS
    ) -> str:
        """A one-time link to set this account's password (no e-mail needed: the admin
        hands it over). Returns the token."""
        if not 1 <= hours <= policy.RESET_MAX_HOURS:
            raise AccountError(
                "hours", f"a password link lasts from 1 to {policy.RESET_MAX_HOURS} hours"
            )
        now = self._now()
        token = tokens.new_token()
        with self._tx() as session:
            account = self._account(session, account_id)
            if account.disabled_at is not None:
                raise AccountError("account", f"{account.username!r} is disabled")
            session.add(
                OneTimeLink(
                    token_hash=tokens.token_hash(token),
                    purpose=RESET,
                    account_id=account_id,
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + dt.timedelta(hours=hours),
                )
            )
        return token

    def reset_details(self, token: str) -> AccountInfo | None:
        """The account a valid password link is for (for the page that uses it), else None."""
        with Session(self.engine) as session:
            link = self._link(session, token, RESET)
            if link is None or link.account_id is None:
                return None
            account = session.get(Account, link.account_id)
            return None if account is None else self._info(session, account)

    def reset_password(self, token: str, new_password: str) -> int:
        """Set a password through a reset link; ends every session of that account and
        every other open password link for it. Returns the account id."""
        passwords.check_strength(new_password)
        hashed = passwords.hash_password(self._hasher, new_password)
        now = self._now()
        with self._tx() as session:
            link = self._link(session, token, RESET)
            if link is None or link.account_id is None:
                raise _bad_link("password link")
            account = self._account(session, link.account_id)
            if account.disabled_at is not None:
                raise AccountError("account", "this account is disabled")
            self._use_link(session, link)
            session.execute(
                update(OneTimeLink)
                .where(
                    OneTimeLink.account_id == account.id,
                    OneTimeLink.purpose == RESET,
                    OneTimeLink.used_at.is_(None),
                )
                .values(used_at=now)
            )
            account.password_hash = hashed
            self._end_sessions(session, account.id, now)
            self._end_invitations(session, account.id, now)
            return account.id

    # -- clinician share links -------------------------------------------------------------

    def create_share(self, person_id: str, label: str, created_by: int | None, days: int) -> str:
        """A read-only link to one person for a clinician, for `days` days; returns the token."""
        shown = " ".join(label.split())
        if not shown:
            raise AccountError("label", "say who the link is for (for example 'Dr Lee, oncology')")
        if len(shown) > policy.DISPLAY_NAME_MAX_LENGTH:
            raise AccountError(
                "label", f"a label has at most {policy.DISPLAY_NAME_MAX_LENGTH} characters"
            )
        if not 1 <= days <= policy.SHARE_MAX_DAYS:
            raise AccountError("days", f"a share link lasts from 1 to {policy.SHARE_MAX_DAYS} days")
        now = self._now()
        token = tokens.new_token()
        with self._tx() as session:
            self._person(session, person_id)
            session.add(
                ShareLink(
                    token_hash=tokens.token_hash(token),
                    person_id=person_id,
                    label=shown,
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + dt.timedelta(days=days),
                )
            )
        return token

    def principal_for_share(self, token: str | None) -> Principal | None:
        """A clinician's read-only principal for the one person of a live share link."""
        if token is None or not tokens.plausible(token):
            return None
        with Session(self.engine) as session:
            link = session.get(ShareLink, tokens.token_hash(token))
            if link is None or link.revoked_at is not None or self._now() >= link.expires_at:
                return None
            return Principal(
                Kind.SHARE, f"{link.label} (share link)", roles={link.person_id: Role.CLINICIAN}
            )

    def shares(self, person_id: str) -> list[ShareInfo]:
        """A person's share links, newest first (live or not)."""
        now = self._now()
        with Session(self.engine) as session:
            query = (
                select(ShareLink)
                .where(ShareLink.person_id == person_id)
                .order_by(ShareLink.created_at.desc(), ShareLink.token_hash)
            )
            return [
                ShareInfo(
                    id=link.token_hash[: tokens.SHARE_ID_LENGTH],
                    label=link.label,
                    created_at=link.created_at,
                    expires_at=link.expires_at,
                    revoked_at=link.revoked_at,
                    active=link.revoked_at is None and now < link.expires_at,
                )
                for link in session.scalars(query)
            ]

    def revoke_share(self, person_id: str, share_id: str) -> None:
        """Stop a share link now (`share_id` from `shares`)."""
        if not _SHARE_ID.fullmatch(share_id):
            raise NotFound("share link", share_id)
        with self._tx() as session:
            query = select(ShareLink).where(
                ShareLink.person_id == person_id,
                ShareLink.token_hash.startswith(share_id, autoescape=True),
            )
            found = session.scalars(query).all()
            if len(found) != 1:
                raise NotFound("share link", share_id)
            if found[0].revoked_at is None:
                found[0].revoked_at = self._now()

    # -- TOTP ------------------------------------------------------------------------------

    def totp_begin(self, account_id: int) -> str:
        """A new secret for an authenticator app; it takes effect once `totp_confirm`
        receives a code made from it (until then sign-in is unchanged)."""
        secret = totp.new_secret()
        with self._tx() as session:
            self._account(session, account_id).totp_pending = secret
        return secret

    def totp_confirm(self, account_id: int, code: str) -> bool:
        """Turn the second factor on if `code` comes from the secret `totp_begin` gave."""
        now = self._now()
        with self._tx() as session:
            account = self._account(session, account_id)
            if account.totp_pending is None:
                return False
            step = totp.matching_step(account.totp_pending, code, now)
            if step is None:
                return False
            account.totp_secret = account.totp_pending
            account.totp_pending = None
            account.totp_last_step = step
            return True

    def totp_disable(self, account_id: int) -> None:
        """Turn the second factor off (a lost phone: an admin does this, then the person
        sets it up again)."""
        with self._tx() as session:
            account = self._account(session, account_id)
            account.totp_secret = None
            account.totp_pending = None
            account.totp_last_step = None


def _attempt_key(name: str) -> str:
    """What a sign-in attempt records instead of the username typed: its SHA-256. People
    sometimes type their password into the username field; the attempts table must not keep
    it, and the lock-out only needs to tell one name from another."""
    return tokens.token_hash(name)


def _seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _taken(name: str) -> AccountError:
    return AccountError("username", f"the username {name!r} is taken; choose another")


def _bad_link(what: str) -> AccountError:
    return AccountError(
        "token",
        f"this {what} does not work: it was already used, has expired, or was never issued. "
        "Ask for a new one.",
    )


__all__ = [
    "AccountInfo",
    "AccountStore",
    "InviteInfo",
    "Member",
    "Outcome",
    "ShareInfo",
    "SignInResult",
    "check_username",
    "normal_username",
    "utcnow",
]
