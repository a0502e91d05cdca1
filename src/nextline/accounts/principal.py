"""Who is asking: the one local user, a signed-in account, or a clinician's share link.

Why one small value object: every access decision (`accounts.access`) and every audit line
(`accounts.audit`) needs the same three facts — what kind of caller this is, which account
(if any), and the roles it holds per person — and nothing else. It is built once per request
by the web app (from the session cookie or the share link) and never holds health data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """A role for one person. Admin is not a role for a person: an admin manages accounts
    and sees no health data (`Principal.is_admin`)."""

    OWNER = "owner"  # the person themself
    CAREGIVER = "caregiver"  # read and edit
    NAVIGATOR = "navigator"  # read and edit, for the people assigned
    CLINICIAN = "clinician"  # read only, through a share link that expires


EDITING_ROLES = frozenset({Role.OWNER, Role.CAREGIVER, Role.NAVIGATOR})


class Kind(StrEnum):
    LOCAL = "local"  # no accounts exist: the one user of this computer
    ACCOUNT = "account"
    SHARE = "share"  # a clinician's share link
    ANONYMOUS = "anonymous"  # server mode, not signed in


@dataclass(frozen=True)
class Principal:
    kind: Kind
    label: str  # shown in the audit log: a display name, never a health fact
    account_id: int | None = None
    is_admin: bool = False
    roles: dict[str, Role] = field(default_factory=dict)  # person id -> role

    @classmethod
    def local(cls) -> Principal:
        return cls(Kind.LOCAL, "this computer")

    @classmethod
    def anonymous(cls) -> Principal:
        return cls(Kind.ANONYMOUS, "not signed in")

    def role_for(self, person_id: str) -> Role | None:
        """This caller's role for the person (the local user owns everyone)."""
        if self.kind is Kind.LOCAL:
            return Role.OWNER
        return self.roles.get(person_id)

    def can_read(self, person_id: str) -> bool:
        return self.role_for(person_id) is not None

    def can_edit(self, person_id: str) -> bool:
        return self.role_for(person_id) in EDITING_ROLES

    def is_owner(self, person_id: str) -> bool:
        return self.role_for(person_id) is Role.OWNER

    def people(self) -> frozenset[str] | None:
        """The people this caller may see; None means everyone (the local user)."""
        if self.kind is Kind.LOCAL:
            return None
        return frozenset(self.roles)
