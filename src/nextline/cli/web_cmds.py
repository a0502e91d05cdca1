"""`nextline serve`: the local web app, on loopback only (no sign-in exists yet).

`--workers N` runs N server processes on the one address, for a program with many people
and several staff at once. Why that stays safe: every save names the version it was built
on (the store's optimistic concurrency), SQLite runs in WAL mode with a busy timeout (or
PostgreSQL), and the schema is migrated once here before the processes start. The
processes share one session secret, made fresh at each start and passed to them in their
environment only, so a page served by one is accepted by the others.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from fastapi import FastAPI

SECRET_VARIABLE = "NEXTLINE_SERVE_SESSION_SECRET"  # set for the worker processes only


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on. Only loopback (127.0.0.1, localhost, ::1)."),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8321).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (default 1). More answer more people at once; each "
            "reads the trial catalog once.",
        ),
    ] = 1,
) -> None:
    """Start the web app on this machine and print its address."""
    from nextline.settings import Settings
    from nextline.web.security import check_bind_address

    settings = Settings()
    updates: dict[str, object] = {}
    if host is not None:
        updates["host"] = host
    if port is not None:
        if not 1 <= port <= 65535:
            raise typer.BadParameter("a port is a number from 1 to 65535", param_hint="--port")
        updates["port"] = port
    settings = settings.model_copy(update=updates)
    check_bind_address(settings.host)  # before anything opens: a clear error, exit 1

    import uvicorn

    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    target: FastAPI | str
    if workers == 1:
        from nextline.web import create_app

        target = create_app(settings, warm_up=True)
        where = ""
    else:
        import secrets

        from nextline.store import open_store

        open_store(settings).engine.dispose()  # migrate once, before the processes start
        os.environ["NEXTLINE_HOST"] = settings.host
        os.environ["NEXTLINE_PORT"] = str(settings.port)
        os.environ[SECRET_VARIABLE] = secrets.token_hex(32)
        target = "nextline.cli.web_cmds:worker_app"
        where = f" in {workers} processes"
    typer.echo(f"nextline is running at http://{shown}:{settings.port}/{where}  (Ctrl+C to stop)")
    uvicorn.run(
        target,
        host=settings.host,
        port=settings.port,
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        log_level="warning",
        # http="auto": httptools, a dependency, parses requests (about 0.6 ms less CPU a
        # request than the pure-Python parser; docs/scaling.md)
        access_log=False,  # paths carry person ids; logs never hold health data
        server_header=False,
    )


def worker_app() -> FastAPI:
    """The app one `serve --workers N` process runs (uvicorn calls this in each)."""
    from nextline.settings import Settings
    from nextline.web import create_app

    secret = os.environ.get(SECRET_VARIABLE)
    return create_app(
        Settings(), session_secret=bytes.fromhex(secret) if secret else None, warm_up=True
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
