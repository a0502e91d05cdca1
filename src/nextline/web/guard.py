"""The guard every request passes first: the Host check, the session cookie and its CSRF
token, the access check (`web.access_check`), the API's JSON-only writes, and the security
headers on every answer, refusals included.

Why a raw ASGI middleware: Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`)
runs the rest of the app in a task of its own and passes the answer back through a memory
stream; that plumbing cost about 0.5 to 1 ms of CPU a request (a cached dashboard went from
about 3 ms to about 2 ms in process without it). Here the answer goes straight through, and
the headers are added to its first message as it passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nextline.web.gate import ASGIApp, Message, Receive, Scope, Send
from nextline.web.security import CSRF_COOKIE, HSTS, SECURITY_HEADERS, CsrfSigner

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from nextline.web.access import Decision

# Methods that carry a body: an API write must send it as JSON.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

Draw = Callable[["Request", dict[str, Any]], "Response"]


class Guard:
    """See the module docstring. `draw` renders the one error shape; `unexpected` the answer
    to an exception no handler took (both from `web.app`)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        signer: CsrfSigner,
        base_url: str | None,
        public: bool,
        draw: Draw,
        unexpected: Callable[[Request, Exception], Response],
        payload: Callable[..., dict[str, Any]],
    ) -> None:
        self.app = app
        self.signer = signer
        self.base_url = base_url
        self.public = public
        self.draw = draw
        self.unexpected = unexpected
        self.payload = payload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request

        from nextline.web.security import served_host_allowed

        request = Request(scope, receive)
        secure = self.public or scope.get("scheme") == "https"
        static = str(scope["path"]).startswith("/static/")
        if not served_host_allowed(request.headers.get("host", ""), self.base_url, self.public):
            from starlette.responses import PlainTextResponse

            refused = PlainTextResponse(
                "This address is not served. Open nextline at http://127.0.0.1.", 421
            )
            await refused(scope, receive, _with_headers(send, secure, static, None))
            return
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = not self.signer.session_valid(cookie)
        session = self.signer.new_session() if fresh else str(cookie)
        request.state.session = session
        request.state.csrf_token = self.signer.token(session)
        set_cookie = _session_cookie(session, secure) if fresh else None
        sending = _with_headers(send, secure, static, set_cookie)
        answer = await self._before_route(request)
        if answer is not None:
            await answer(scope, receive, sending)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await sending(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:  # drawn here so it still gets the headers
            if started:
                raise
            await self.unexpected(request, exc)(scope, receive, sending)

    async def _before_route(self, request: Request) -> Response | None:
        """The answer given instead of the route's: a refusal, the access probe's 204, or
        the API's 415 for a write that is not JSON; None to run the route."""
        from starlette.concurrency import run_in_threadpool

        from nextline.web.access_check import refusal

        state = request.app.state
        decision, kept = await run_in_threadpool(
            _check_then_look, request, state.caller_source, state.web.store.engine
        )
        if kept is not None:
            from starlette.responses import HTMLResponse

            return HTMLResponse(kept)
        if decision is not None and not decision.allowed:
            return refusal(request, decision, self.draw)
        if decision is not None and state.access_probe:
            from starlette.responses import Response as PlainResponse

            return PlainResponse(status_code=204, headers={"x-access": "allowed"})
        if (
            request.method in BODY_METHODS
            and request.url.path.startswith("/api/")
            and _route_accepts(request)
            and _sends_non_json(request)
        ):
            # A page elsewhere can post a form here without asking; it cannot send JSON
            # without the browser first asking this server, which never agrees.
            return self.draw(
                request,
                self.payload(415, "unsupported_media_type", "send JSON (application/json)"),
            )
        return None


# The route whose page may be answered from the kept pages (`web.page_cache`).
DASHBOARD = "/people/{person_id}"


def _check_then_look(
    request: Request, source: Any, engine: Any
) -> tuple[Decision | None, bytes | None]:
    """The access check (`web.access_check.check`: the decision, and the audit line), then,
    only when it allowed a plain GET of a dashboard, that dashboard's kept page for this
    request (`web.page_cache.kept_answer`; None: the route draws it). One trip to a worker
    thread for both: each trip cost CPU, and more with many requests at once."""
    from nextline.web.access_check import check

    decision = check(request, source, engine)
    if (
        decision is None
        or not decision.allowed
        or decision.person_id is None
        or request.method != "GET"
        or request.scope.get("query_string")
        or getattr(request.state, "route_template", None) != DASHBOARD
        or request.app.state.access_probe
    ):
        return decision, None
    from nextline.web.page_cache import kept_answer

    return decision, kept_answer(request, decision.person_id)


def _session_cookie(session: str, secure: bool) -> str:
    """The `Set-Cookie` value of a fresh session, as Starlette writes it."""
    from starlette.responses import Response

    holder = Response()
    holder.set_cookie(
        CSRF_COOKIE, session, httponly=True, samesite="strict", secure=secure, path="/"
    )
    return holder.headers["set-cookie"]


def _with_headers(send: Send, secure: bool, static: bool, set_cookie: str | None) -> Send:
    """`send`, adding the security headers (unless the answer set its own), HSTS where the
    connection is or must be TLS, and a fresh session's cookie to the answer's first message."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            from starlette.datastructures import MutableHeaders

            headers = MutableHeaders(scope=message)
            if set_cookie is not None:
                headers.append("set-cookie", set_cookie)
            if secure:
                headers.setdefault("strict-transport-security", HSTS)
            for name, value in SECURITY_HEADERS.items():
                if name == "cache-control" and static:
                    continue
                headers.setdefault(name, value)
        await send(message)

    return sending


def _sends_non_json(request: Request) -> bool:
    """A body (or a declared content type) that is not JSON. A write without a body, like
    undo, needs none; a browser form always declares its type, so it is still refused."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind:
        return kind != "application/json"
    length = request.headers.get("content-length", "0")
    return length != "0" or "transfer-encoding" in request.headers


def _route_accepts(request: Request) -> bool:
    """Whether a route answers this method at this path (otherwise the router says 405 or
    404, which comes before what the body should be)."""
    from starlette.routing import Match

    scope = request.scope
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


__all__ = ["BODY_METHODS", "Guard"]
