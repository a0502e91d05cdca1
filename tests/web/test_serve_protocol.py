"""`nextline serve` parses HTTP with httptools (a locked dependency), which uvicorn picks by
itself when it is installed: about 0.6 ms less CPU a request than its pure-Python parser,
a quarter of what a dashboard shown again costs (docs/scaling.md)."""

from __future__ import annotations

from uvicorn.config import Config


def test_the_server_parses_http_with_httptools():
    config = Config("nextline.cli.web_cmds:worker_app", factory=True)
    assert config.http == "auto"
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
