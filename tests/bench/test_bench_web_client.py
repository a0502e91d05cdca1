"""The web bench's own load generator (`bench/bench_web.py`, `HttpConnection`): it reads
whole answers of either framing on one kept-alive connection and sends back the session
cookie the server set, as a browser does. Served by a tiny local server in the test."""

from __future__ import annotations

import asyncio
from types import ModuleType

from tests.bench_scripts import load_bench


def _bench_web() -> ModuleType:
    module = load_bench("bench_web.py")
    return module


async def _serve_and_ask(paths: list[str]) -> tuple[list[tuple[int, bytes]], list[str], int]:
    """Answer each request in turn on the connections that come; return what the client
    read, the request heads the server saw and how many connections were opened."""
    seen: list[str] = []
    connections = 0

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            except asyncio.IncompleteReadError:
                break
            seen.append(head)
            path = head.split(" ")[1]
            if path == "/chunked":
                writer.write(
                    b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                    b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                )
            elif path == "/missing":
                writer.write(b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno")
            else:
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n"
                    b"set-cookie: nextline_csrf=abc.def; HttpOnly; Path=/\r\n\r\nyes"
                )
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = _bench_web().HttpConnection("127.0.0.1", port)
    try:
        answers = [await connection.get(p) for p in paths]
    finally:
        await connection.close()
        server.close()
        await server.wait_closed()
    return answers, seen, connections


def test_the_load_generator_reads_both_framings_and_keeps_the_session_cookie() -> None:
    answers, seen, connections = asyncio.run(
        _serve_and_ask(["/people/a", "/chunked", "/missing", "/people/b"])
    )
    assert answers == [(200, b"yes"), (200, b"hello world"), (404, b"no"), (200, b"yes")]
    assert connections == 1  # one kept-alive connection, like a browser tab
    assert "cookie:" not in seen[0].lower()
    assert all("Cookie: nextline_csrf=abc.def\r\n" in head for head in seen[1:])
    assert seen[3].startswith("GET /people/b HTTP/1.1\r\nHost: 127.0.0.1:")
