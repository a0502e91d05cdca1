"""The access check every request passes before its route runs: find the route it will reach,
decide with its rule (`web.access`), write the audit entry, and draw the refusal.

Why in the middleware rather than a dependency on each router: one place sees every route —
pages, forms, the API, the OpenAPI document and static files alike — so a route added
anywhere, by any router, is checked (and refused until it has a rule). The route is found the
way Starlette's router will find it (the first route that matches the method and path fully);
a request no route matches fully is left to the router, which answers 404 or 405.

Cost: one pass over the route table (regular expressions, microseconds) and, in server mode,
one insert into the audit log per person-scoped request. Nothing here logs health data: a
refusal is logged with the route template, never the path or the person.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from nextline.accounts.principal import Principal
from nextline.web.access import Decision, decide

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from starlette.requests import Request
    from starlette.responses import Response

log = logging.getLogger("nextline.web")


@dataclass(frozen=True)
class Caller:
    """Who is asking, and whether the app is in server mode (accounts exist)."""

    principal: Principal
    server_mode: bool


# Builds the caller of a request (reads cookies, and the store in server mode).
CallerSource = Callable[["Request"], Caller]


def local_caller(_request: Request) -> Caller:
    """Local mode: the one user of this computer."""
    return Caller(Principal.local(), server_mode=False)


@dataclass(frozen=True)
class RouteEntry:
    """One route as the router will match it: its methods (None: any, a mount), its path
    template, and the template's regular expression."""

    methods: frozenset[str] | None
    template: str
    pattern: Any  # re.Pattern[str]


def route_entries(routes: Iterable[Any]) -> list[RouteEntry]:
    """Every route of the app, flat, in the router's order: the included routers' routes
    with their prefixes, plain routes, and mounts (as `{mount}/{path}`)."""
    from starlette.routing import Mount, compile_path

    found: list[RouteEntry] = []
    for route in routes:
        if hasattr(route, "effective_route_contexts"):  # an included FastAPI router
            for context in route.effective_route_contexts():
                found.append(_entry(context.methods, str(context.path_format)))
        elif isinstance(route, Mount):
            template = route.path + "/{path:path}"
            found.append(RouteEntry(None, route.path + "/{path}", compile_path(template)[0]))
        else:
            found.append(_entry(getattr(route, "methods", None), str(route.path)))
    return found


def _entry(methods: Iterable[str] | None, template: str) -> RouteEntry:
    from starlette.routing import compile_path

    allowed = None if methods is None else frozenset(methods)
    return RouteEntry(allowed, template, compile_path(template)[0])


def matched_route(entries: list[RouteEntry], method: str, path: str) -> RouteEntry | None:
    """The route this request will reach: the first whose path and method both match, as the
    router chooses (None: the router answers 404 or 405)."""
    wanted = "GET" if method == "HEAD" else method
    for entry in entries:
        if entry.methods is not None and wanted not in entry.methods:
            continue
        if entry.pattern.match(path):
            return entry
    return None


def _router_matches(request: Request) -> bool:
    """Whether the router itself would answer this request with a route (the safety net
    under `matched_route`: deny by default even if the flat table missed a route)."""
    from starlette.routing import Match

    scope = dict(request.scope)
    return any(r.matches(scope)[0] is Match.FULL for r in request.app.router.routes)


def route_path(scope: Any) -> str:
    """The path the router matches: without the `root_path` a proxy serving the app under a
    prefix adds (as Starlette's router does), so a prefixed request is checked too."""
    path = str(scope["path"])
    root = str(scope.get("root_path", ""))
    if root and path.startswith(root):
        rest = path[len(root) :]
        if rest == "" or rest.startswith("/"):
            return rest
    return path


def _params(entry: RouteEntry, path: str) -> dict[str, str]:
    match = entry.pattern.match(path)
    return {k: str(v) for k, v in match.groupdict().items()} if match else {}


def check(request: Request, source: CallerSource, engine: Engine) -> Decision | None:
    """Decide this request (None: no route matches it; the router answers). Runs in a worker
    thread: it may read the store and append to the audit log."""
    entries = getattr(request.app.state, "route_entries", None)
    if entries is None:  # built at the first request, once every router is included
        entries = request.app.state.route_entries = route_entries(request.app.routes)
    path = route_path(request.scope)
    found = matched_route(entries, request.method, path)
    caller = source(request)
    request.state.principal = caller.principal
    request.state.server_mode = caller.server_mode
    if found is None:
        if _router_matches(request):
            # a route this table did not see (a kind of route it does not know): refused
            log.error("refused %s: a route the access check could not match", request.method)
            return Decision(403, None)
        return None
    template = found.template
    request.state.route_template = template  # the dashboard's kept page (`web.guard`)
    decision = decide(caller.principal, request.method, template, _params(found, path))
    if decision.rule is None:
        log.error("refused %s %s: the route has no access rule", request.method, template)
    elif not decision.allowed:
        # the route template and the answer: never the path, the person or the caller
        log.info("refused %s %s (%d)", request.method, template, decision.status)
    if decision.audit is not None and caller.server_mode:
        from nextline.accounts.audit import AuditEntry, record

        assert decision.person_id is not None
        record(
            engine,
            AuditEntry(
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
                person_id=decision.person_id,
                actor=caller.principal.label,
                actor_kind=caller.principal.kind.value,
                account_id=caller.principal.account_id,
                action=decision.audit,
                what=f"{request.method} {template}",
                source=request.client.host if request.client else "",
            ),
        )
    return decision


def refusal(
    request: Request, decision: Decision, draw: Callable[[Request, dict[str, Any]], Response]
) -> Response:
    """The answer to a refused request: sign in first (a page goes to the sign-in page, the
    API says 401), not found (the same words as a person who is not stored), or 403."""
    from starlette.responses import RedirectResponse

    from nextline.web.app import error_payload

    is_api = request.url.path.startswith("/api")
    if decision.status == 401:
        from nextline.web.signed_in import SESSION_COOKIE, SHARE_COOKIE, clear_cookie

        if (
            not is_api
            and request.cookies.get(SHARE_COOKIE)
            and not request.cookies.get(SESSION_COOKIE)
        ):
            # a clinician whose link was turned off or expired: say so, not "sign in"
            from nextline.web.account_pages import link_gone

            gone = link_gone(request)
            clear_cookie(request, gone, SHARE_COOKIE)
            return gone
        if not is_api:
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            target = "/sign-in" if back in ("/", "/people") else f"/sign-in?next={quote(back)}"
            return RedirectResponse(target, status_code=303)
        return draw(request, error_payload(401, "unauthorized", "Sign in first."))
    if decision.status == 404:
        who = decision.person_id or ""
        return draw(request, error_payload(404, "not_found", f"no person with id {who!r}"))
    message = _forbidden_words(decision)
    return draw(request, error_payload(403, "forbidden", message))


def _forbidden_words(decision: Decision) -> str:
    from nextline.web.access import Rule

    if decision.rule is Rule.PERSON_WRITE:
        return "You can read this record but not change it."
    if decision.rule is Rule.PERSON_OWNER:
        return "Only the person this record is about can do this."
    if decision.rule is Rule.CREATE_PERSON:
        return "This account cannot add people."
    if decision.rule is Rule.ADMIN:
        return "Only an administrator can do this."
    return "That was refused."


__all__ = [
    "Caller",
    "CallerSource",
    "check",
    "local_caller",
    "matched_route",
    "refusal",
    "route_entries",
]
