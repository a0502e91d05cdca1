"""`nextline serve`: the web app, on loopback (local mode), or on a public address in server
mode once accounts exist (`nextline admin init`; see docs/server.md).

A public address (`--public`, or any `--host` that is not loopback) is refused before
anything starts unless an account exists: without sign-in, anyone who could reach the port
could read and change every record. TLS comes from a reverse proxy (its address goes in
`--forwarded-allow-ips`) or from uvicorn itself (`--ssl-certfile` and `--ssl-keyfile`).

`--workers N` runs N server processes on the one address, for a program with many people
and several staff at once. Why that stays safe: every save names the version it was built
on (the store's optimistic concurrency), SQLite runs in WAL mode with a busy timeout (or
PostgreSQL), and the schema is migrated once here before the processes start. The
processes share one session secret, made fresh at each start and passed to them in their
environment only, so a page served by one is accepted by the others.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from fastapi import FastAPI


SECRET_VARIABLE = "NEXTLINE_SERVE_SESSION_SECRET"  # set for the worker processes only


def serve(
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on. Loopback (127.0.0.1, localhost, ::1) unless accounts "
            "exist (server mode: `nextline admin init`)."
        ),
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
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Listen on every address (0.0.0.0) unless --host names one. Needs server "
            "mode: run `nextline admin init` first. See docs/server.md.",
        ),
    ] = False,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option(help="TLS certificate (PEM) to serve HTTPS directly; with --ssl-keyfile."),
    ] = None,
    ssl_keyfile: Annotated[
        Path | None,
        typer.Option(help="The TLS certificate's private key (PEM); with --ssl-certfile."),
    ] = None,
    keep_at_start: Annotated[
        int | None,
        typer.Option(
            min=0,
            show_default=False,
            help="Keep the dashboards of this many people, the most recently changed, ready "
            "at start, in a background process at the lowest priority, so their first view "
            "is quick (default: everyone; 0: none).",
        ),
    ] = None,
    follow: Annotated[
        bool,
        typer.Option(
            help="While serving, keep each person's dashboard ready as soon as their record "
            "changes (from the web app or any command), and everyone's again when the date "
            "turns.",
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of a reverse proxy (such as Caddy) whose X-Forwarded-For and "
            "X-Forwarded-Proto headers are trusted, comma-separated (default: 127.0.0.1)."
        ),
    ] = None,
) -> None:
    """Start the web app and print its address."""
    from nextline.settings import Settings
    from nextline.web.security import check_bind_address, is_loopback, sign_in_on

    settings = Settings()
    updates: dict[str, object] = {}
    if host is not None:
        updates["host"] = host
    elif public:
        updates["host"] = "0.0.0.0"
    if port is not None:
        if not 1 <= port <= 65535:
            raise typer.BadParameter("a port is a number from 1 to 65535", param_hint="--port")
        updates["port"] = port
    settings = settings.model_copy(update=updates)
    tls = tls_files(ssl_certfile, ssl_keyfile)
    authentication = sign_in_on(settings)
    check_bind_address(settings.host, authentication)  # before anything opens: exit 1

    import uvicorn

    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    target: FastAPI | str
    if workers == 1:
        from nextline.web import create_app

        target = create_app(settings, authentication=authentication, warm_up=True)
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
    scheme = "https" if tls else "http"
    mode = "" if is_loopback(settings.host) else ", server mode: everyone signs in"
    typer.echo(
        f"nextline is running at {scheme}://{shown}:{settings.port}/{where}{mode}  (Ctrl+C to stop)"
    )
    if not tls and not is_loopback(settings.host):
        typer.echo(
            "No certificate given: put a reverse proxy with TLS in front (docs/server.md), "
            "never open this address to people directly over plain HTTP."
        )
    from nextline.web import keeper
    from nextline.web.no_delay import NoDelayHttpTools

    # dashboards kept ready in a process of its own at the lowest priority (web/keeper.py)
    keeping = keeper.start(settings, at_start=keep_at_start, follow=follow)
    try:
        uvicorn.run(
            target,
            host=settings.host,
            port=settings.port,
            factory=workers > 1,
            workers=workers if workers > 1 else None,
            log_level="warning",
            # httptools, a dependency, parses requests (about 0.6 ms less CPU a request than the
            # pure-Python parser), with Nagle's algorithm off on every connection: with several
            # workers, every answer otherwise waited about 40 ms (web/no_delay.py)
            http=NoDelayHttpTools,
            access_log=False,  # paths carry person ids; logs never hold health data
            server_header=False,
            ssl_certfile=str(tls[0]) if tls else None,
            ssl_keyfile=str(tls[1]) if tls else None,
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    finally:
        keeper.stop(keeping)


def tls_files(certfile: Path | None, keyfile: Path | None) -> tuple[Path, Path] | None:
    """The certificate and key to serve HTTPS with, both or neither, each a readable file."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        missing = "--ssl-certfile" if certfile is None else "--ssl-keyfile"
        raise typer.BadParameter(
            "a certificate and its key go together: give --ssl-certfile and --ssl-keyfile",
            param_hint=missing,
        )
    for hint, path in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
        if not path.is_file():
            raise typer.BadParameter(f"no file at {str(path)!r}", param_hint=hint)
    return certfile, keyfile


def worker_app() -> FastAPI:
    """The app one `serve --workers N` process runs (uvicorn calls this in each)."""
    from nextline.settings import Settings
    from nextline.web import create_app
    from nextline.web.security import sign_in_on

    settings = Settings()
    secret = os.environ.get(SECRET_VARIABLE)
    return create_app(
        settings,
        authentication=sign_in_on(settings),
        session_secret=bytes.fromhex(secret) if secret else None,
        warm_up=True,
    )


web_app = typer.Typer(
    name="web",
    help="Prepare the web app's pages ahead of use.",
    no_args_is_help=True,
)


@web_app.command("keep-views")
def keep_views(
    recent: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Only the N people changed most recently (default: everyone stored).",
        ),
    ] = None,
) -> None:
    """Compute and keep today's dashboards, so each one's first view in the web app is a
    read, not a computation. Run it after `nextline trials rematch` in the nightly job;
    people kept already for their latest version and today are passed over."""
    import time

    from nextline.settings import Settings
    from nextline.web import create_app
    from nextline.web import keep_views as keeping

    began = time.perf_counter()
    app = create_app(Settings())
    state = app.state.web
    if state.kept_views() is None:
        typer.echo(
            "nextline: the data folder cannot hold the views' key; nothing was kept", err=True
        )
        raise typer.Exit(1)
    kept = keeping.keep_views(app, keeping.recently_changed(state.store, recent))
    typer.echo(
        f"Kept the dashboards of {kept.people} {'person' if kept.people == 1 else 'people'} "
        f"for {state.today().isoformat()}: "
        f"{kept.computed} computed, {kept.people - kept.computed} already kept, "
        f"{kept.drawn} pages drawn ({time.perf_counter() - began:.1f} s)."
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(web_app)
