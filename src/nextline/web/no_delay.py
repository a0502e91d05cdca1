"""uvicorn's HTTP protocol with Nagle's algorithm off on every connection (`TCP_NODELAY`).

Why: with `nextline serve --workers N` (N > 1) every answer took about 48 ms, even a static
file or a trivial app (measured: 0.3 ms with one process, 48 ms with two, uvicorn 0.54).
uvicorn binds the shared socket itself as `socket.socket(family)`, whose protocol number is
0, and asyncio turns Nagle off only for sockets that say `IPPROTO_TCP`; so the accepted
connections kept Nagle on. uvicorn writes an answer's head and body separately: the body
then waits for the client to acknowledge the head, and the client delays that
acknowledgement by about 40 ms. Setting `TCP_NODELAY` when a connection is made sends both
at once, in every mode.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off on a TCP connection (nothing to do on a Unix socket)."""
    sock: Any = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHttpTools(HttpToolsProtocol):
    """httptools' protocol (uvicorn's fastest) with `no_delay` on each connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)


__all__ = ["NoDelayHttpTools", "no_delay"]
