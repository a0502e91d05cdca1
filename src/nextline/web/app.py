"""`create_app(settings)`: the FastAPI app behind `nextline serve`. Built when called, never on
import, so tests and the server each get their own store and settings.

Who may do what: each request's caller (the local user, a signed-in account, a clinician's
share link, or anonymous) is checked against its route's rule before the route runs
(`web.access`, `web.access_check`); person-scoped requests are audited in server mode.

Every error, on every route, is drawn one way: an HTML page `error.html` (or, under `/api`,
the JSON `{"error": {"status", "kind", "message", "problems"}}`). Health data never goes to
the log; only the method, the route template and the status do.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline.errors import (
    ConfigError,
    Conflict,
    InputTooLarge,
    KnowledgeInvalid,
    NextlineError,
    NotFound,
    RecordInvalid,
    StoreError,
)
from nextline.web.security import CsrfSigner, check_bind_address, served_publicly

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from starlette.responses import Response

    from nextline.settings import Settings

WEB_DIR = Path(__file__).parent
log = logging.getLogger("nextline.web")

_KIND_STATUS: dict[type[NextlineError], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    RecordInvalid: (422, "record_invalid"),
    InputTooLarge: (413, "too_large"),
    KnowledgeInvalid: (500, "knowledge_invalid"),
    StoreError: (503, "store_error"),  # a full disk, a read-only or busy database: not now
    ConfigError: (500, "config_error"),
}

_TITLES = {
    400: "That request could not be read",
    403: "That was refused",
    404: "Not found",
    405: "That action is not allowed here",
    409: "This record changed meanwhile",
    413: "That is too large",
    415: "That kind of content is not accepted",
    422: "Some of what was sent is not right",
    500: "Something went wrong",
    503: "This cannot be saved right now",
}


def error_payload(
    status: int, kind: str, message: str, problems: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The one error shape (JSON), also given to `error.html`."""
    return {
        "error": {
            "status": status,
            "kind": kind,
            "message": message,
            "problems": problems or [],
        }
    }


def _render_error(request: Request, payload: dict[str, Any]) -> Response:
    from starlette.responses import JSONResponse

    status = int(payload["error"]["status"])
    if request.url.path.startswith("/api"):
        return JSONResponse(payload, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"error": payload["error"], "title": _TITLES.get(status, "Something went wrong")},
        status_code=status,
    )


def _unexpected_error(request: Request, exc: Exception) -> Response:
    # The route template, never the path or the data: logs hold no health data.
    route = request.scope.get("route")
    where = getattr(route, "path", "?")
    from sqlalchemy.exc import InternalError, OperationalError

    if isinstance(exc, (OperationalError, InternalError)):
        # A read the store module does not wrap met a locked, full, read-only or vanished
        # database: the same 503 in the store's words as a refused write, never a 500.
        from nextline.store.engine import write_failure

        log.error("store unavailable (%s) on %s %s", type(exc.orig).__name__, request.method, where)
        said = write_failure(str(exc.orig)).replace("could not be written", "could not be read")
        return _render_error(request, error_payload(503, "store_error", said))
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, where)
    return _render_error(
        request,
        error_payload(500, "internal", "Something went wrong on this page. Nothing was changed."),
    )


def create_app(
    settings: Settings | None = None,
    *,
    as_of: dt.date | None = None,
    authentication: bool = False,
    session_secret: bytes | None = None,
    warm_up: bool = False,
) -> FastAPI:
    """The web app for these settings. A non-loopback `settings.host` is refused
    (`ConfigError`) unless `authentication` says sign-in is on (an account exists).

    Every request is checked before its route runs (`web.access_check`): its caller comes
    from the cookies (`web.signed_in`: the one local user until an account exists), its
    route's rule from `web.access.RULES`, and a route without a rule is refused.

    `session_secret` signs the session cookies: server processes that share one (`nextline
    serve --workers N`) accept each other's sessions; by default each app makes its own.
    `warm_up` reads the knowledge base and the trial catalog in the background from the
    start, so the first trials page does not wait for them (the server sets it; tests and
    scripts that never show trials need not). Dashboards are kept ahead by the server's
    keeper process (`web.keeper`), not here."""
    from fastapi import FastAPI
    from fastapi.exceptions import RequestValidationError
    from fastapi.staticfiles import StaticFiles
    from fastapi.templating import Jinja2Templates
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from nextline.settings import Settings
    from nextline.store import open_store
    from nextline.web import (
        account_pages,
        api,
        api_docs,
        audit_pages,
        editing,
        entry_edits,
        menopause,
        navigator,
        pages,
        people_admin,
        questions,
        sharing,
        trial_changes,
        upload,
    )
    from nextline.web.rendering import install_filters
    from nextline.web.state import WebState

    settings = settings or Settings()
    check_bind_address(settings.host, authentication)

    app = FastAPI(
        title="nextline",
        summary="Keep the record, see whether the treatment is working, prepare for the visit.",
        description=(
            "The JSON API of the nextline web app. The same contracts as the command line's "
            "`--json`. nextline informs a conversation with the care team; it never decides."
        ),
        version=_version(),
        # Swagger UI loads its script from a CDN, which the CSP (rightly) blocks: the docs
        # page is drawn from the OpenAPI document instead (`web.api_docs`).
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        swagger_ui_parameters={"defaultModelsExpandDepth": 0},
    )
    app.state.web = WebState(settings=settings, store=open_store(settings), as_of=as_of)
    from nextline.web.flag_banner import person_red_flags
    from nextline.web.place_words import place_words

    templates = Jinja2Templates(
        directory=str(WEB_DIR / "templates"), context_processors=[person_red_flags, place_words]
    )
    install_filters(templates.env)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    signer = CsrfSigner(session_secret)
    app.state.csrf = signer

    async def _refuse(scope: Any, status: int, kind: str, message: str) -> Response:
        from starlette.requests import Request as StarletteRequest

        return _render_error(StarletteRequest(scope), error_payload(status, kind, message))

    from nextline.web.gate import RequestGate

    # Added before `Guard`, so it runs inside it: the host is checked and the security
    # headers are added to the gate's refusals too.
    app.add_middleware(RequestGate, signer=signer, refuse=_refuse)

    from nextline.accounts.store import AccountStore
    from nextline.web.signed_in import caller

    # Who is asking (`web.signed_in`): the one local user until accounts exist.
    app.state.accounts = AccountStore(app.state.web.store.engine)
    app.state.caller_source = caller
    # Tests only (the authorization matrix): answer 204 once the access check allows a
    # request, instead of running its route. Never set from a request.
    app.state.access_probe = False

    from nextline.web.guard import Guard

    # Added last, so it runs first (`web.guard`): the host, the session, the access check,
    # and the security headers on every answer.
    app.add_middleware(
        Guard,
        signer=signer,
        base_url=settings.base_url,
        public=served_publicly(settings.host),
        draw=_render_error,
        unexpected=_unexpected_error,
        payload=error_payload,
    )

    @app.exception_handler(NextlineError)
    async def _nextline_error(request: Request, exc: NextlineError) -> Response:
        status, kind = next(
            (v for k, v in _KIND_STATUS.items() if isinstance(exc, k)), (400, "invalid")
        )
        problems = [vars(p) for p in exc.problems] if isinstance(exc, RecordInvalid) else []
        message = str(exc).splitlines()[0] if isinstance(exc, RecordInvalid) else str(exc)
        return _render_error(request, error_payload(status, kind, message, problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        kind = {
            404: "not_found",
            403: "forbidden",
            405: "method_not_allowed",
            409: "conflict",
        }.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        return _render_error(request, error_payload(exc.status_code, kind, message))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "path": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path")),
                "reason": str(e["msg"]),
                "severity": "error",
            }
            for e in exc.errors()
        ]
        return _render_error(
            request,
            error_payload(422, "request_invalid", "some of what was sent is not right", problems),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return _unexpected_error(request, exc)

    app.include_router(api_docs.router)
    app.include_router(editing.router)  # first: `/people/new` before `/people/{person_id}`
    app.include_router(people_admin.router)  # before `/people/{person_id}` too
    app.include_router(upload.router)  # `/people/upload` before `/people/{person_id}` too
    app.include_router(entry_edits.router)
    app.include_router(pages.router)
    app.include_router(menopause.router)
    app.include_router(trial_changes.router)
    app.include_router(questions.router)
    app.include_router(account_pages.router)
    app.include_router(sharing.router)
    app.include_router(audit_pages.router)
    app.include_router(navigator.router)
    app.include_router(api.router, prefix="/api")
    if warm_up:
        app.state.web.warm_up()
        from nextline.web.first_request import prepare_in_background

        prepare_in_background(app)  # the route table and the first dashboard's reads
        from nextline.web.gc_freeze import freeze_when

        # once the catalog is read: out of full collections
        freeze_when(app.state.web.trials_ready)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nextline")
    except PackageNotFoundError:
        return "0"
