"""`nextline serve` parses HTTP with httptools (a locked dependency): about 0.6 ms less CPU a
request than uvicorn's pure-Python parser, a quarter of what a dashboard shown again costs
(docs/scaling.md); and it turns Nagle's algorithm off on every connection, without which
every answer with `--workers 2` came about 48 ms late (`web/no_delay.py`)."""

from __future__ import annotations

from uvicorn.config import Config


def test_the_server_parses_http_with_httptools():
    config = Config("nextline.cli.web_cmds:worker_app", factory=True)
    assert config.http == "auto"
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"


def _accepted_no_delay(turn_off: bool) -> int:
    """TCP_NODELAY of a connection accepted on a listening socket made as uvicorn makes the
    one its worker processes share (`socket.socket(family)`: protocol number 0)."""
    import asyncio
    import socket

    from nextline.web.no_delay import no_delay

    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            if turn_off:
                no_delay(transport)
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def run() -> None:
        listening = socket.socket(socket.AF_INET)
        listening.bind(("127.0.0.1", 0))
        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    return seen[0]


def test_connections_on_a_shared_socket_keep_nagle_unless_the_protocol_turns_it_off():
    # why `serve --workers N` answered about 48 ms late: asyncio leaves Nagle on here
    assert _accepted_no_delay(turn_off=False) == 0
    assert _accepted_no_delay(turn_off=True) != 0


def test_serve_uses_httptools_with_nagle_off(monkeypatch):
    import uvicorn
    from typer.testing import CliRunner
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from nextline.cli import app as cli_app
    from nextline.cli import web_cmds
    from nextline.web.no_delay import NoDelayHttpTools
    from nextline.web.state import WebState

    monkeypatch.setattr(WebState, "warm_up", lambda self: None)
    # set here so the test's teardown takes them away again (`serve --workers 2` sets them)
    monkeypatch.setenv("NEXTLINE_HOST", "127.0.0.1")
    monkeypatch.setenv("NEXTLINE_PORT", "8321")
    monkeypatch.setenv(web_cmds.SECRET_VARIABLE, "00")
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append(kw))
    for workers in ("1", "2"):
        result = CliRunner().invoke(cli_app, ["serve", "--workers", workers])
        assert result.exit_code == 0, result.output
    assert [c["http"] for c in calls] == [NoDelayHttpTools, NoDelayHttpTools]
    assert issubclass(NoDelayHttpTools, HttpToolsProtocol)
