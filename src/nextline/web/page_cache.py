"""A person's dashboard page as drawn, kept in memory as bytes, with the per-request part
(the session's form token) joined in at each answer.

Why: once the dashboard's content is computed (`web.view_cache`), drawing its template was
most of what a repeat view cost (about 1 ms of CPU of 2.2 in process, more under load).
The page is a pure function of what is in its key, so it is drawn once per key and each
answer joins the kept bytes with this request's CSRF token.

The key is everything the page is drawn from, apart from the token:
- the view key (`ViewKey`: person, latest version, a digest of that stored version, the
  as-of date, the knowledge base in use), read with one indexed query on every request, so
  a save from any server process is a new key at once;
- the viewer: everything the page shows that depends on who asks (`viewer_of`): the kind of
  caller, their account id and name, whether they own or may change this person, whether
  they are a navigator. A page drawn for one account is never found for another;
- the trials box (`web.trial_changes`): found on every request (one small file) and put in
  the key as its text, so a new match or a "mark as seen" draws the page again.
A dashboard asked for with a query (a "saved" or "undone" notice) is drawn as before and
not kept.

The token: the page is drawn with a stand-in made of random hex digits, fresh in each
process, in place of the token; the kept page is the bytes between the stand-ins, and each
answer puts this session's token (hex digits too, the same after HTML escaping) where they
were. A page that does not contain the stand-in where tokens go is not kept.

Where it sits: behind the access check (`web.guard` asks here only after the check allowed
the request, in the same worker thread), and a person who is not stored is answered by the
route (404), never from here. Memory only, bounded (least recently used first out), one per
process; nothing is logged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nextline.web.view_cache import LruCache, ViewKey

if TYPE_CHECKING:
    from starlette.requests import Request

    from nextline.accounts.principal import Principal
    from nextline.web.state import WebState

# Pages per process: a dashboard is about 11 KB, so about 11 MB.
PAGE_CACHE_SIZE = 1024

# The stand-in for the CSRF token while a page is drawn to be kept: 64 hex digits, as long
# as a real token, random in each process, so no stored text can contain it.
TOKEN_STAND_IN = secrets.token_hex(32)
_STAND_IN = TOKEN_STAND_IN.encode("ascii")


@dataclass(frozen=True)
class PageKey:
    """What a kept dashboard page was drawn from (see the module docstring)."""

    view: ViewKey
    viewer: tuple[Any, ...]
    trials: str


@dataclass(frozen=True)
class KeptPage:
    """A drawn page cut where the token goes: `parts` has one more item than there are
    tokens."""

    parts: tuple[bytes, ...]

    @classmethod
    def cut(cls, body: bytes) -> KeptPage | None:
        """The page drawn with `TOKEN_STAND_IN` as its token, cut at each one (None when it
        has none: a page with no form has nothing to keep apart, but every dashboard has)."""
        parts = tuple(body.split(_STAND_IN))
        return cls(parts) if len(parts) > 1 else None

    def join(self, token: str) -> bytes:
        """The page as this session sees it."""
        if not all(c in "0123456789abcdef" for c in token):
            raise ValueError("csrf token: hex digits only (the kept page has no escaping)")
        return token.encode("ascii").join(self.parts)


def viewer_of(principal: Principal, person_id: str) -> tuple[Any, ...]:
    """Every fact about the caller that the dashboard page draws (`base.html`: the read-only
    look of a share link, the name and sign-out of an account, the navigator's list, the
    sharing and add links; `web.place_words`: server or local words)."""
    from nextline.accounts.principal import Role

    return (
        principal.kind.value,
        principal.account_id,
        principal.label,
        principal.is_owner(person_id),
        principal.can_edit(person_id),
        Role.NAVIGATOR in principal.roles.values(),
    )


def trials_text(state: WebState, person_id: str, day: Any) -> tuple[Any, str]:
    """The trials box's content for this request, and its text for the key."""
    from nextline.web.trial_changes import dashboard_changes

    changes = dashboard_changes(state, person_id, day)
    return changes, repr(changes)


def page_key(request: Request, state: WebState, view: ViewKey) -> tuple[PageKey, Any]:
    """This request's page key for this view, and the trials box's content."""
    from nextline.web.principal import principal_of

    changes, text = trials_text(state, view.person_id, view.day)
    viewer = viewer_of(principal_of(request), view.person_id)
    return PageKey(view, viewer, text), changes


def kept_answer(request: Request, person_id: str) -> bytes | None:
    """The dashboard page for this request from the kept pages, or None (not kept yet, not
    stored: the route answers). Call only after the access check allowed the request."""
    from nextline.errors import NextlineError

    state: WebState = request.app.state.web
    try:
        latest = state.latest(person_id)
    except NextlineError:
        return None
    key, _ = page_key(request, state, latest.key)
    page = state.kept_page(key)
    if page is None:
        return None
    return page.join(str(request.state.csrf_token))


def new_cache() -> LruCache[PageKey, KeptPage]:
    return LruCache(PAGE_CACHE_SIZE)


__all__ = [
    "PAGE_CACHE_SIZE",
    "TOKEN_STAND_IN",
    "KeptPage",
    "PageKey",
    "kept_answer",
    "new_cache",
    "page_key",
    "viewer_of",
]
