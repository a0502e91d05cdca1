"""Where a one-time password link lands, in one place for the web route that serves it and
the `nextline admin` commands that print it (they once disagreed, and the printed link was a
"not found")."""

from __future__ import annotations

SET_PASSWORD_ROUTE = "/set-password/{token}"


def set_password_link(base_url: str, token: str) -> str:
    """The full link an admin hands to a person: the server's address and the route."""
    return base_url.rstrip("/") + SET_PASSWORD_ROUTE.format(token=token)
