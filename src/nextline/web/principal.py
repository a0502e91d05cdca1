"""`principal_of(request)`: who is asking, for a page that must decide what to show.

Why a helper and not `request.state.principal` everywhere: in server mode the access
middleware (`web/access.py`) puts the signed-in account's principal on the request; in local
mode, and for any request it has not seen, there is none, and the one user of this computer
owns everyone (`Principal.local()`). Every page asks through this one function, so the rule
"no principal on the request means local" is written once.
"""

from __future__ import annotations

from starlette.requests import Request

from nextline.accounts.principal import Principal


def principal_of(request: Request) -> Principal:
    """The request's principal, or the local user when none was set."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else Principal.local()


__all__ = ["principal_of"]
