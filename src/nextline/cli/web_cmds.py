"""`nextline serve`: the local web app, on loopback only (no sign-in exists yet)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on. Only loopback (127.0.0.1, localhost, ::1)."),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8321).")] = None,
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

    from nextline.web import create_app

    app = create_app(settings)
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    typer.echo(f"nextline is running at http://{shown}:{settings.port}/  (Ctrl+C to stop)")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,  # paths carry person ids; logs never hold health data
        server_header=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
