"""Who a request comes from, read from its cookies: the web side of accounts.

Why here and not in the accounts core: the core knows tokens, the web app knows cookies. This
module turns the session cookie (an account) or the share cookie (a clinician's link) into a
`Principal`, sets and clears those cookies with the right flags, and makes the creator of a
new record its owner.

Modes: while no account exists the app is in local mode and every request is the one local
user (`Principal.local()`), exactly as before accounts existed; once one exists (server mode,
`nextline admin init`), it stays so for the life of the app, and a request with no valid
cookie is anonymous (sent to the sign-in page).

Cookies: both are `HttpOnly` (no script reads them) and `SameSite=Lax`, so an invitation or a
share link opened from an e-mail arrives signed in; every write still needs the CSRF token
(`web.gate`, `web.editing.read_form`). They are `Secure` whenever the app is served beyond
this machine (`web.security.served_publicly`). The session token is always a fresh one made
at sign-in: a cookie planted before sign-in is never promoted (session fixation).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from nextline.accounts.principal import Kind, Principal, Role
from nextline.web.access_check import Caller
from nextline.web.security import served_publicly

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from starlette.requests import Request
    from starlette.responses import Response

    from nextline.accounts.store import AccountStore

SESSION_COOKIE = "nextline_session"
SHARE_COOKIE = "nextline_share"


def account_store(request: Request) -> AccountStore:
    """The app's accounts (`create_app` makes it on the record store's database)."""
    store: AccountStore = request.app.state.accounts
    return store


def server_mode(request: Request) -> bool:
    """Whether accounts exist. Once true it stays true for this app (accounts are disabled,
    never deleted), so only local mode asks the database on every request."""
    state = request.app.state
    if not getattr(state, "server_mode", False):
        state.server_mode = _accounts_exist(account_store(request).engine)
    return bool(state.server_mode)


def _accounts_exist(engine: Engine) -> bool:
    """`AccountStore.any_accounts`, asked on every local-mode request: one prepared
    statement on a plain connection (about a quarter of the ORM session's cost)."""
    with engine.connect() as connection:
        return connection.execute(_any_account()).first() is not None


@functools.cache
def _any_account() -> Any:
    from sqlalchemy import select

    from nextline.store.account_tables import Account

    return select(Account.id).limit(1)


def caller(request: Request) -> Caller:
    """The caller of this request: local, an account, a share link, or anonymous."""
    if not server_mode(request):
        return Caller(Principal.local(), server_mode=False)
    accounts = account_store(request)
    principal = accounts.principal_for_session(request.cookies.get(SESSION_COOKIE))
    if principal is None:
        principal = accounts.principal_for_share(request.cookies.get(SHARE_COOKIE))
    return Caller(principal or Principal.anonymous(), server_mode=True)


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def _secure(request: Request) -> bool:
    """HTTPS only beyond this machine, or whenever the request came over HTTPS (a TLS proxy
    in front says so in `X-Forwarded-Proto`, which uvicorn trusts from the proxy only)."""
    return served_publicly(request.app.state.web.settings.host) or request.url.scheme == "https"


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def principal(request: Request) -> Principal:
    """The request's principal (`web.principal.principal_of`)."""
    from nextline.web.principal import principal_of

    return principal_of(request)


def claim(request: Request, person_id: str) -> None:
    """Make the signed-in account that just created this person its owner (the local user
    owns everyone already)."""
    who = principal(request)
    if who.kind is Kind.ACCOUNT and who.account_id is not None and who.role_for(person_id) is None:
        account_store(request).grant(who.account_id, person_id, Role.OWNER)


def new_person_id(request: Request, wanted: str) -> str:
    """The id a new record gets when its file or form names `wanted`: that id, unless it is
    stored for someone this caller may not change — then a fresh one (`wanted-2`, ...), so a
    record made by one account never lands on, or reveals, another's."""
    from nextline.web.people_admin import derive_id

    store = request.app.state.web.store
    if not store.exists(wanted) or may_change(request, wanted):
        return wanted
    return derive_id(wanted, store.exists)


def may_change(request: Request, person_id: str) -> bool:
    """Whether this caller may change an already stored person."""
    return principal(request).can_edit(person_id)


__all__ = [
    "SESSION_COOKIE",
    "SHARE_COOKIE",
    "account_store",
    "caller",
    "claim",
    "clear_cookie",
    "client_address",
    "may_change",
    "new_person_id",
    "principal",
    "server_mode",
    "set_cookie",
]
