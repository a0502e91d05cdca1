"""Where the record lives, in the words every page uses.

Why a context processor: "this computer" is true of the single-user app and false in server
mode, where the record is on a server and the people it is shared with can read it. Pages
that promise where data stays take the words from here, so no page promises more than is
true in the mode it is served in.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request


def place_words(request: Request) -> dict[str, Any]:
    principal = getattr(request.state, "principal", None)
    kind = getattr(getattr(principal, "kind", None), "value", "local")
    server = kind != "local"
    return {"server_mode": server, "here": "this nextline server" if server else "this computer"}
