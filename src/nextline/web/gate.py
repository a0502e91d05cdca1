"""The gate every write passes before any of its body is read.

Why a raw ASGI middleware: a form is parsed by the route, so a check in the route comes
after the whole body is in memory (a 200 MB post without a token grew the server by 191 MB
before its 403). Here, in order: the browser's own word on where the write comes from
(`Origin`, `Sec-Fetch-Site`), the session cookie the CSRF token is bound to (forms), the
declared size; then the body is read, bounded, and handed to the app. The token in the body
is compared by the route (`editing.read_form`) against this same session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from nextline.web.security import CSRF_COOKIE, SAFE_METHODS, CsrfSigner, origin_allowed

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_LIMIT = 1_000_000  # bytes: the longest form (every field at its limit) is far smaller
API_LIMIT = 10_000_000  # bytes: a patient file may be this large (`record.parse`)
UPLOAD_LIMIT = API_LIMIT + 100_000  # a file upload from the web app: the file and its form

Refuse = Callable[[Scope, int, str, str], Awaitable[Any]]


class RequestGate:
    """Refuse a write from elsewhere, without a signed session, or over the size limit,
    before its body is read; then read the body (bounded) and pass it on."""

    def __init__(self, app: ASGIApp, signer: CsrfSigner, refuse: Refuse) -> None:
        self.app = app
        self.signer = signer
        self.refuse = refuse  # draws the one error shape: (scope, status, kind, message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        is_api = str(scope["path"]).startswith("/api/")
        limit = API_LIMIT if is_api else _form_limit(str(scope["path"]))
        refusal = self._refusal(headers, is_api, limit)
        if refusal is not None:
            response = await self.refuse(scope, *refusal)
            await response(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > limit:
                response = await self.refuse(scope, 413, "too_large", _too_large(limit))
                await response(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _refusal(
        self, headers: dict[str, str], is_api: bool, limit: int
    ) -> tuple[int, str, str] | None:
        if not origin_allowed(
            headers.get("origin"), headers.get("sec-fetch-site"), headers.get("host", "")
        ):
            return 403, "forbidden", "This request came from another site and was refused."
        if not is_api and not self.signer.session_valid(_cookie(headers.get("cookie", ""))):
            return (
                403,
                "forbidden",
                "This form was refused because it did not come from this page. "
                "Reload the page and try again.",
            )
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return 413, "too_large", _too_large(limit)
        return None


def _form_limit(path: str) -> int:
    """A file upload (`web.upload`) may carry a whole patient file; other forms are small."""
    return UPLOAD_LIMIT if path.startswith("/people/") and path.endswith("/upload") else FORM_LIMIT


def _too_large(limit: int) -> str:
    return f"what was sent is over the {limit / 1_000_000:g} MB limit; nothing was stored"


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == CSRF_COOKIE:
            return value
    return None
