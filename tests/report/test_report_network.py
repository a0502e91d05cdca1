"""Rendering a report never makes a request, whatever a person's name or notes hold: no text
from a record enters CSS, and WeasyPrint's URL fetcher refuses all but bundled files."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import build_report, render_html, render_pdf
from nextline.report.render import _bundled_only_fetcher

DAY = dt.date(2024, 8, 21)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _hostile(base: str) -> list[str]:
    return [
        f'Eve"; }} @page {{ background: url({base}/quote) }} x {{ content: "',
        f"Eve\r}} body {{ background-image: url({base}/cr) }} x{{",
        f"Eve\f}} body {{ background: url('{base}/ff') }}",
        f'Eve\\" }} @import url({base}/import); x {{',
        f'</style><link rel="stylesheet" href="{base}/link"><style>',
        f'<img src="{base}/img"> Eve',
        f"Eve\n}} h1 {{ background: url({base}/newline) }}",
    ]


@pytest.mark.parametrize("index", range(7))
def test_a_hostile_name_never_reaches_the_style_block_or_the_network(
    kb: Knowledge, server: str, index: int
) -> None:
    name = _hostile(server)[index]
    record = load_record(example_path("triple-negative-brca"), kb, DAY)
    context = build_report(record, kb, DAY, charts=index == 0)
    context.name = name
    html = render_html(context, kb)
    style = html[html.index("<style>") : html.index("</style>")]
    assert "127.0.0.1" not in style
    assert "Eve" not in style
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert _Counter.hits == []


def test_the_fetcher_serves_bundled_and_data_only(server: str) -> None:
    fetcher = _bundled_only_fetcher()
    for url in (f"{server}/x", "file:///etc/passwd", "ftp://127.0.0.1/x", "file:///tmp"):
        with pytest.raises(ValueError, match="only what is bundled"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert _Counter.hits == []


def test_even_a_page_that_asks_for_remote_files_fetches_nothing(server: str) -> None:
    html = (
        f'<html><head><link rel="stylesheet" href="{server}/link">'
        f"<style>@import url({server}/import); body {{ background: url({server}/bg) }}</style>"
        f'</head><body><img src="{server}/img"><p>text</p></body></html>'
    )
    assert render_pdf(html).startswith(b"%PDF")
    assert _Counter.hits == []
