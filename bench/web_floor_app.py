"""The floor of the web bench: the least any answer can cost on this machine.

A trivial ASGI app, served by uvicorn with the settings `nextline serve --workers N` uses
(httptools with Nagle off, no access log, no server header, N processes), that answers every
GET with a fixed page as long as a dashboard (11 KB). `bench/bench_web.py --floor` times it
with the same load generator and clients as the dashboard: if the floor alone misses the
aim on a machine, no work the app saves can meet it there.

Run: `python bench/web_floor_app.py PORT WORKERS` (the bench starts it).
"""

from __future__ import annotations

import sys
from typing import Any

PAGE = b"<!doctype html><title>floor</title>" + b"<p>" + b"x" * 11_000 + b"</p>"
HEAD = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(PAGE)).encode("ascii")),
    ],
}
BODY = {"type": "http.response.body", "body": PAGE, "more_body": False}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Every HTTP request: the fixed page, nothing read, nothing computed."""
    if scope["type"] != "http":
        return
    await send(HEAD)
    await send(BODY)


def main() -> None:
    import uvicorn

    from nextline.web.no_delay import NoDelayHttpTools

    port, workers = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(
        "web_floor_app:app",
        app_dir=str(__import__("pathlib").Path(__file__).parent),
        host="127.0.0.1",
        port=port,
        workers=workers if workers > 1 else None,
        log_level="warning",
        http=NoDelayHttpTools,
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
