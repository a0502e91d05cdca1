"""Who may use which route: one rule for every (method, path template) the app serves, and the
pure decision of a rule for a principal (`decide`).

Why a table and deny by default: every page, form, API route and download must check access
to the person it shows or changes, and a route added later must not slip through unchecked.
So the web app looks up the matched route's rule before the route runs (`web.app`), and a
route with no rule here is refused (403) — the authorization matrix test
(`tests/web/test_authorization_matrix.py`) reads the app's own route table and fails the build
for a route missing from this table.

The rules:
- `public`: sign-in, set-password, invitation and share landing pages, static files, the API's
  own documentation; nobody needs to be signed in.
- `signed_in`: anyone signed in (an account, a clinician's share link, or the one local user);
  lists show only the people that caller may see (`visible`).
- `person_read`: a page or API read of one person (`{person_id}`): any role for that person.
- `person_write`: a change to one person: owner, caregiver or navigator; never a share link.
- `person_owner`: delete the person, manage who may see them.
- `create_person`: start a new record (a form, an example, an upload, an API import): any
  signed-in account that is not an admin (the creator becomes its owner) or the local user.
- `admin`: account management (admins see no health data, so they get no person rule).

Refusals say as little as they must: a person the caller has no role for is "not found"
(404, the same words as a person that does not exist), a person the caller knows but may not
change is 403; anonymous callers are asked to sign in (401). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from nextline.accounts.principal import Kind, Principal


class Rule(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    PERSON_READ = "person_read"
    PERSON_WRITE = "person_write"
    PERSON_OWNER = "person_owner"
    CREATE_PERSON = "create_person"
    ADMIN = "admin"


_P = "/people/{person_id}"
_ENTRY = _P + "/entries/{section}/{index}"
_Q = _P + "/questions"
_API = "/api/people/{person_id}"

R = Rule
RULES: dict[tuple[str, str], Rule] = {
    # open to anyone
    ("GET", "/static/{path}"): R.PUBLIC,
    ("GET", "/api/docs"): R.PUBLIC,
    ("GET", "/api/openapi.json"): R.PUBLIC,
    ("GET", "/sign-in"): R.PUBLIC,
    ("POST", "/sign-in"): R.PUBLIC,
    ("POST", "/sign-out"): R.PUBLIC,  # ends the caller's own session, if any
    ("GET", "/set-password/{token}"): R.PUBLIC,
    ("POST", "/set-password/{token}"): R.PUBLIC,
    ("GET", "/invite/{token}"): R.PUBLIC,
    ("POST", "/invite/{token}"): R.PUBLIC,  # a new account from the invitation
    ("GET", "/share/{token}"): R.PUBLIC,
    # anyone signed in
    ("GET", "/"): R.SIGNED_IN,
    ("GET", "/people"): R.SIGNED_IN,
    ("GET", "/api/people"): R.SIGNED_IN,
    ("POST", "/invite/{token}/accept"): R.SIGNED_IN,
    ("GET", "/account"): R.SIGNED_IN,
    ("POST", "/account/totp"): R.SIGNED_IN,
    ("POST", "/account/totp/confirm"): R.SIGNED_IN,
    # the people the caller follows as a navigator (`web.navigator` lists only those)
    ("GET", "/navigator"): R.SIGNED_IN,
    # a new person (the creator becomes the owner)
    ("GET", "/people/new"): R.CREATE_PERSON,
    ("GET", "/people/start"): R.CREATE_PERSON,
    ("POST", "/people/start"): R.CREATE_PERSON,
    ("POST", "/people/examples"): R.CREATE_PERSON,
    ("GET", "/people/upload"): R.CREATE_PERSON,
    ("POST", "/people/upload"): R.CREATE_PERSON,
    ("POST", "/api/people"): R.CREATE_PERSON,
    # one person: reading
    ("GET", _P): R.PERSON_READ,
    ("GET", _P + "/timeline"): R.PERSON_READ,
    ("GET", _P + "/add"): R.PERSON_READ,
    ("GET", _P + "/add/{form_key}"): R.PERSON_READ,
    ("GET", _P + "/history"): R.PERSON_READ,
    ("GET", _P + "/record.yaml"): R.PERSON_READ,
    ("GET", _P + "/options"): R.PERSON_READ,
    ("GET", _P + "/trials"): R.PERSON_READ,
    ("GET", _P + "/trials/results"): R.PERSON_READ,
    ("GET", _P + "/supportive-care"): R.PERSON_READ,
    ("GET", _P + "/summary"): R.PERSON_READ,
    ("GET", _P + "/summary.pdf"): R.PERSON_READ,
    ("GET", _P + "/summary.html"): R.PERSON_READ,
    ("GET", _P + "/entries"): R.PERSON_READ,
    ("GET", _ENTRY + "/correct"): R.PERSON_READ,
    ("GET", _ENTRY + "/delete"): R.PERSON_READ,
    ("GET", _P + "/upload"): R.PERSON_READ,
    ("GET", _Q): R.PERSON_READ,
    ("GET", _API): R.PERSON_READ,
    ("GET", _API + "/record"): R.PERSON_READ,
    ("GET", _API + "/history"): R.PERSON_READ,
    ("GET", _API + "/status"): R.PERSON_READ,
    ("GET", _API + "/options"): R.PERSON_READ,
    ("GET", _API + "/questions"): R.PERSON_READ,
    ("GET", _API + "/brief"): R.PERSON_READ,
    ("GET", _API + "/trials"): R.PERSON_READ,
    ("GET", _API + "/summary.pdf"): R.PERSON_READ,
    # one person: changing
    ("POST", _P + "/add/{form_key}"): R.PERSON_WRITE,
    ("POST", _P + "/care-team/{index}/remove"): R.PERSON_WRITE,
    ("POST", _P + "/undo"): R.PERSON_WRITE,
    ("POST", _P + "/redo"): R.PERSON_WRITE,
    ("POST", _P + "/restore/{version}"): R.PERSON_WRITE,
    ("POST", _P + "/menopausal-status"): R.PERSON_WRITE,
    ("POST", _P + "/trials/changes/seen"): R.PERSON_WRITE,
    ("POST", _P + "/upload"): R.PERSON_WRITE,
    ("POST", _ENTRY + "/correct"): R.PERSON_WRITE,
    ("POST", _ENTRY + "/delete"): R.PERSON_WRITE,
    ("POST", _Q + "/add"): R.PERSON_WRITE,
    ("POST", _Q + "/{index}/tick"): R.PERSON_WRITE,
    ("POST", _Q + "/{index}/answer"): R.PERSON_WRITE,
    ("POST", _Q + "/{index}/move"): R.PERSON_WRITE,
    ("POST", _Q + "/{index}/remove"): R.PERSON_WRITE,
    ("POST", _API + "/undo"): R.PERSON_WRITE,
    ("POST", _API + "/redo"): R.PERSON_WRITE,
    ("POST", _API + "/restore/{version}"): R.PERSON_WRITE,
    ("POST", _API + "/entries/{section}"): R.PERSON_WRITE,
    # one person: only its owner
    ("GET", _P + "/delete"): R.PERSON_OWNER,
    ("POST", _P + "/delete"): R.PERSON_OWNER,
    ("GET", _P + "/sharing"): R.PERSON_OWNER,
    ("POST", _P + "/sharing/invite"): R.PERSON_OWNER,
    ("POST", _P + "/sharing/members/{account_id}/remove"): R.PERSON_OWNER,
    ("POST", _P + "/sharing/links"): R.PERSON_OWNER,
    ("POST", _P + "/sharing/links/{share_id}/revoke"): R.PERSON_OWNER,
    # "who has looked at my record": it names the others who follow the person
    ("GET", _P + "/access-log"): R.PERSON_OWNER,
    ("GET", _P + "/access-log.csv"): R.PERSON_OWNER,
    ("GET", _P + "/access-log.json"): R.PERSON_OWNER,
}

# What a person-scoped request is, for the audit log: these hand over the record or the
# summary as a file; any other GET is a read and any other method a change.
DOWNLOADS = frozenset(
    {
        _P + "/record.yaml",
        _P + "/summary.pdf",
        _P + "/summary.html",
        _API + "/record",
        _API + "/summary.pdf",
        _P + "/access-log.csv",
        _P + "/access-log.json",
    }
)

PERSON_RULES = frozenset({Rule.PERSON_READ, Rule.PERSON_WRITE, Rule.PERSON_OWNER})


@dataclass(frozen=True)
class Decision:
    """The answer for one request. `status` is 200 when allowed, else 401 (sign in first),
    403 (refused) or 404 (no such person, as far as this caller may know). `audit` is the
    audit action for a person-scoped request (read, change, download or refused), or None
    for a request that touches no one person."""

    status: int
    rule: Rule | None
    person_id: str | None = None
    audit: str | None = None

    @property
    def allowed(self) -> bool:
        return self.status == 200


def rule_for(method: str, template: str) -> Rule | None:
    """The rule for a route; HEAD is answered as its GET. None: no rule (refused)."""
    return RULES.get(("GET" if method == "HEAD" else method, template))


def decide(principal: Principal, method: str, template: str, params: Mapping[str, str]) -> Decision:
    """Whether `principal` may make this request (the route matched at `template`)."""
    rule = rule_for(method, template)
    person_id = params.get("person_id") if rule in PERSON_RULES else None
    status = _status(principal, rule, person_id)
    audit = None
    if person_id is not None:
        audit = _action(method, template) if status == 200 else "refused"
    return Decision(status, rule, person_id, audit)


def _status(principal: Principal, rule: Rule | None, person_id: str | None) -> int:
    if rule is None:
        return 403  # deny by default: a route nobody gave a rule
    if rule is Rule.PUBLIC:
        return 200
    if principal.kind is Kind.ANONYMOUS:
        return 401
    if rule is Rule.SIGNED_IN:
        return 200
    if rule is Rule.ADMIN:
        return 200 if principal.is_admin else 403
    if rule is Rule.CREATE_PERSON:
        return 200 if may_create(principal) else 403
    assert person_id is not None
    if principal.is_admin or not principal.can_read(person_id):
        return 404  # never say whether that person exists
    allowed = {
        Rule.PERSON_READ: True,
        Rule.PERSON_WRITE: principal.can_edit(person_id),
        Rule.PERSON_OWNER: principal.is_owner(person_id),
    }[rule]
    return 200 if allowed else 403


def may_create(principal: Principal) -> bool:
    """The local user, or a signed-in account that is not an admin (never a share link)."""
    if principal.kind is Kind.LOCAL:
        return True
    return principal.kind is Kind.ACCOUNT and not principal.is_admin


def _action(method: str, template: str) -> str:
    if method in ("GET", "HEAD"):
        return "download" if template in DOWNLOADS else "read"
    return "change"


T = TypeVar("T")


def readable_people(principal: Principal) -> frozenset[str] | None:
    """The ids of the people this principal may see; None means everyone (the local user),
    and an admin or an anonymous caller sees nobody. A paged list asks the store for these
    only (`RecordStore.list_page`)."""
    if principal.is_admin or principal.kind is Kind.ANONYMOUS:
        return frozenset()
    return principal.people()


def visible(principal: Principal, people: Iterable[T], person_id: str = "id") -> list[T]:
    """The people (anything with an `id`) this principal may see, in order: everyone for the
    local user, nobody for an admin or an anonymous caller."""
    allowed = readable_people(principal)
    if allowed is not None and not allowed:
        return []
    items = list(people)
    if allowed is None:
        return items
    return [p for p in items if getattr(p, person_id) in allowed]


__all__ = [
    "DOWNLOADS",
    "RULES",
    "Decision",
    "Rule",
    "decide",
    "may_create",
    "readable_people",
    "rule_for",
    "visible",
]
