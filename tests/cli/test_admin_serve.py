"""`nextline serve` in server mode: a public address starts only once an account exists
(`nextline admin init`), with TLS files and proxy addresses passed to uvicorn. uvicorn and
the app are replaced by recorders: the check is tested, no server is started."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from nextline.cli import app
from nextline.cli.web_cmds import SECRET_VARIABLE, worker_app

runner = CliRunner(env={"COLUMNS": "200"})
PASSWORD = "correct horse battery"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append((args, kwargs))
        return "the app"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Recorder]:
    import uvicorn

    import nextline.web

    recorders = {"uvicorn": Recorder(), "create_app": Recorder()}
    monkeypatch.setattr(uvicorn, "run", recorders["uvicorn"])
    monkeypatch.setattr(nextline.web, "create_app", recorders["create_app"])
    for name in ("NEXTLINE_HOST", "NEXTLINE_PORT", SECRET_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    return recorders


def _serve(*args: str) -> Result:
    return runner.invoke(app, ["serve", *args])


def _err(result: Result) -> str:
    return result.output + (result.stderr or "")


def _init() -> None:
    result = runner.invoke(app, ["admin", "init", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, _err(result)


def _home() -> Path:
    return Path(os.environ["NEXTLINE_HOME"])


@pytest.mark.parametrize("args", [("--public",), ("--host", "192.168.1.5"), ("--host", "::")])
def test_a_public_address_without_accounts_is_refused_and_says_what_to_do(
    started: dict[str, Recorder], args: tuple[str, ...]
) -> None:
    result = _serve(*args)
    assert result.exit_code == 1
    message = _err(result)
    assert "refusing to serve on" in message
    assert "Run `nextline admin init` first" in message
    assert started["uvicorn"].calls == []
    assert not (_home() / "nextline.db").exists()  # asking created no database


def test_a_public_address_is_refused_when_the_database_exists_but_has_no_account(
    started: dict[str, Recorder],
) -> None:
    assert runner.invoke(app, ["admin", "list"]).exit_code == 0  # creates the empty store
    assert (_home() / "nextline.db").exists()
    result = _serve("--public")
    assert result.exit_code == 1
    assert "nextline admin init" in _err(result)
    assert started["uvicorn"].calls == []


def test_public_starts_once_an_admin_exists(started: dict[str, Recorder]) -> None:
    _init()
    result = _serve("--public", "--port", "9000", "--forwarded-allow-ips", "10.0.0.2")
    assert result.exit_code == 0, _err(result)
    ((settings,), app_kwargs) = started["create_app"].calls[0]
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert app_kwargs["authentication"] is True
    ((target,), kwargs) = started["uvicorn"].calls[0]
    assert target == "the app"
    assert (kwargs["host"], kwargs["port"], kwargs["forwarded_allow_ips"]) == (
        "0.0.0.0",
        9000,
        "10.0.0.2",
    )
    assert (kwargs["ssl_certfile"], kwargs["ssl_keyfile"]) == (None, None)
    assert "http://0.0.0.0:9000/, server mode: everyone signs in" in result.stdout
    assert "put a reverse proxy with TLS in front" in result.stdout


def test_a_named_host_wins_over_public(started: dict[str, Recorder]) -> None:
    _init()
    result = _serve("--public", "--host", "10.1.2.3")
    assert result.exit_code == 0, _err(result)
    assert started["uvicorn"].calls[0][1]["host"] == "10.1.2.3"


def test_loopback_needs_no_account_and_is_local_mode(started: dict[str, Recorder]) -> None:
    result = _serve()
    assert result.exit_code == 0, _err(result)
    assert started["create_app"].calls[0][1]["authentication"] is False
    assert started["uvicorn"].calls[0][1]["host"] == "127.0.0.1"
    assert "server mode" not in result.stdout
    assert not (_home() / "nextline.db").exists()  # the mode check opened nothing


def test_a_certificate_and_key_serve_https(started: dict[str, Recorder], tmp_path: Path) -> None:
    _init()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("certificate")
    key.write_text("key")
    result = _serve("--public", "--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    assert result.exit_code == 0, _err(result)
    kwargs = started["uvicorn"].calls[0][1]
    assert (kwargs["ssl_certfile"], kwargs["ssl_keyfile"]) == (str(cert), str(key))
    assert "https://0.0.0.0:8321/" in result.stdout
    assert "reverse proxy" not in result.stdout


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("cert only", "--ssl-keyfile"),
        ("key only", "--ssl-certfile"),
        ("missing cert", "no file at"),
    ],
)
def test_tls_options_are_checked_before_anything_starts(
    started: dict[str, Recorder], tmp_path: Path, which: str, message: str
) -> None:
    _init()
    key = tmp_path / "key.pem"
    key.write_text("key")
    args = {
        "cert only": ["--ssl-certfile", str(key)],
        "key only": ["--ssl-keyfile", str(key)],
        "missing cert": ["--ssl-certfile", str(tmp_path / "nope.pem"), "--ssl-keyfile", str(key)],
    }[which]
    result = _serve("--public", *args)
    assert result.exit_code == 2
    assert message in _err(result)
    assert started["uvicorn"].calls == []


def test_each_worker_process_of_a_public_server_turns_sign_in_on(
    started: dict[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    _init()
    monkeypatch.setenv("NEXTLINE_HOST", "0.0.0.0")
    worker_app()
    assert started["create_app"].calls[0][1]["authentication"] is True


def test_a_worker_without_accounts_stays_local(
    started: dict[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTLINE_HOST", "127.0.0.1")
    worker_app()
    assert started["create_app"].calls[0][1]["authentication"] is False
