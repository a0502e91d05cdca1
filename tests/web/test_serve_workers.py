"""`nextline serve --workers N`: the processes share one session secret (a page from one is
accepted by another), writes through several of them lose nothing, and the trial catalog
is read in the background from start-up so the first trials page does not wait for it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nextline.cli import app as cli_app
from nextline.cli import web_cmds
from nextline.settings import Settings
from nextline.web import create_app
from tests.web.conftest import AS_OF, MARIA, make_app, make_client

SECRET = bytes(range(32))


def _processes(home: Path, count: int, secret: bytes | None = SECRET) -> list[Any]:
    """`count` apps over one store holding Maria, as `serve --workers` runs them (one per
    process); `secret=None`: each makes its own, as separate servers would."""
    make_app(home, people=(MARIA,), trials=False)
    return [
        create_app(Settings(home=home), as_of=AS_OF, session_secret=secret) for _ in range(count)
    ]


def test_a_session_from_one_process_is_accepted_by_another(tmp_path: Path) -> None:
    one, two = _processes(tmp_path / "home", 2)
    first = make_client(one)
    first.get("/people")
    cookie = first.cookies.get("nextline_csrf")
    assert cookie is not None
    second = make_client(two, cookies={"nextline_csrf": cookie})
    page = second.get("/people")
    assert page.status_code == 200
    assert "set-cookie" not in page.headers  # the session stands: no fresh cookie
    token = one.state.csrf.token(cookie)
    added = second.post(
        f"/people/{MARIA}/questions/add",
        data={"csrf_token": token, "text": "Asked through the second process?"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "Asked through the second process?" in first.get(f"/people/{MARIA}/questions").text


def test_without_a_shared_secret_another_process_starts_a_new_session(tmp_path: Path) -> None:
    """Why the secret is shared: otherwise every other request would lose its session."""
    one, two = _processes(tmp_path / "home", 2, secret=None)
    first = make_client(one)
    first.get("/people")
    second = make_client(two, cookies={"nextline_csrf": first.cookies["nextline_csrf"]})
    assert "set-cookie" in second.get("/people").headers


def test_writers_spread_over_three_processes_lose_nothing(tmp_path: Path) -> None:
    apps = _processes(tmp_path / "home", 3)
    written: list[int] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        client = make_client(apps[number % 3])
        for round_ in range(3):
            value = 2000 + number * 10 + round_
            response = client.post(
                f"/api/people/{MARIA}/entries/labs",
                json={"date": "2025-01-02", "test": "CA 15-3", "value": value, "unit": "U/mL"},
            )
            with lock:
                statuses.append(response.status_code)
                if response.status_code == 201:
                    written.append(value)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 18  # added entries cannot conflict: all land
    stored = apps[1].state.web.store.get(MARIA)
    values = [lab.value for lab in stored.labs if str(lab.date) == "2025-01-02"]
    assert sorted(values) == sorted(written)


def test_the_catalog_is_read_from_start_up_without_any_request(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", people=(MARIA,))
    warm = create_app(Settings(home=tmp_path / "home"), as_of=AS_OF, warm_up=True)
    assert app.state.web.trials_ready() is False  # without warm-up, nothing is read yet
    deadline = time.monotonic() + 120  # a bound for a busy machine, not a speed test
    while not warm.state.web.trials_ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert warm.state.web.trials_ready() is True
    page = make_client(warm).get(f"/people/{MARIA}/trials")
    assert page.status_code == 200
    assert warm.state.web.trial_catalog(warm.state.web.kb)["trials"] == 4
    titles = [p.title for p in warm.state.web.trial_data(warm.state.web.kb).everything.plans]
    assert len(titles) == 4
    assert any(title in page.text for title in titles)


def test_serve_with_workers_runs_the_app_factory_with_one_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    from nextline.web.state import WebState

    warmed: list[WebState] = []
    monkeypatch.setattr(WebState, "warm_up", lambda self: warmed.append(self))
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    # set here so the test's teardown takes them away again
    monkeypatch.setenv("NEXTLINE_HOST", "127.0.0.1")
    monkeypatch.setenv("NEXTLINE_PORT", "8321")
    monkeypatch.setenv(web_cmds.SECRET_VARIABLE, "00")
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "3", "--port", "8400"])
    assert result.exit_code == 0, result.output
    assert "in 3 processes" in result.output
    target, options = calls[0]
    assert target == "nextline.cli.web_cmds:worker_app"
    assert options["factory"] is True
    assert options["workers"] == 3
    assert options["port"] == 8400
    assert options["access_log"] is False
    # the schema was migrated before the processes start
    assert (Path(str(Settings().data_dir)) / "nextline.db").exists()
    one, two = web_cmds.worker_app(), web_cmds.worker_app()
    assert one.state.web.settings.port == 8400
    cookie = one.state.csrf.new_session()
    assert two.state.csrf.session_valid(cookie) is True
    assert warmed == [one.state.web, two.state.web]  # each process reads the catalog early


def test_serve_refuses_zero_workers() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_a_page_asked_while_the_catalog_is_read_answers_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up holds the catalog lock while it reads; asking whether it is ready must
    not wait on that lock (it did: the first trials page waited for the whole read)."""
    from nextline.web import state as state_module

    release = threading.Event()
    real = state_module._read_trials

    def slow_read(settings: Settings, kb: Any) -> Any:
        release.wait(timeout=120)
        return real(settings, kb)

    monkeypatch.setattr(state_module, "_read_trials", slow_read)
    make_app(tmp_path / "home", people=(MARIA,))
    app = create_app(Settings(home=tmp_path / "home"), as_of=AS_OF, warm_up=True)
    answers: list[str] = []

    def ask() -> None:
        answers.append(make_client(app).get(f"/people/{MARIA}/trials/results").text)

    asking = threading.Thread(target=ask)
    asking.start()
    asking.join(timeout=60)  # a hang, not a speed, is what this catches
    finished = not asking.is_alive()
    release.set()
    asking.join()
    assert finished is True
    assert "Reading the trial catalog" in answers[0]
    deadline = time.monotonic() + 120
    while not app.state.web.trials_ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (
        "Reading the trial catalog"
        not in make_client(app).get(f"/people/{MARIA}/trials/results").text
    )
