"""Fixtures for the web app: an app over a fresh store holding the three example people,
pinned to the examples' as-of date, and a client that carries the CSRF cookie."""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.web import create_app

AS_OF = dt.date(2025, 6, 1)
MARIA = "hr-positive-esr1"
BASE_URL = "http://127.0.0.1:8321"  # the app answers loopback names only


def make_client(app, **kwargs) -> TestClient:
    """A test client that talks to the app as a browser on this machine would."""
    return TestClient(app, **{"base_url": BASE_URL, **kwargs})


TRIAL_PHASES = ("PHASE1", "PHASE2", "PHASE3")


@functools.cache
def small_catalog() -> tuple:
    """A few metastatic breast cancer trials from the bundled snapshot, one per phase (and
    the first phase 1/2), so matching in tests takes seconds, not minutes."""
    from nextline.trials.catalog import load_default_catalog

    trials = sorted(load_default_catalog(breast_only=True).trials, key=lambda t: t.nct_id)
    picked = []
    for phases in (["PHASE1"], ["PHASE2"], ["PHASE3"], ["PHASE1", "PHASE2"]):
        picked.append(next(t for t in trials if t.phases == phases and "etastatic" in t.title))
    return tuple(picked)


def make_app(
    home: Path,
    as_of: dt.date = AS_OF,
    people: tuple[str, ...] = EXAMPLE_IDS,
    trials: bool = True,
):
    settings = Settings(home=home)
    app = create_app(settings, as_of=as_of)
    for person_id in people:
        app.state.web.store.save(read_patient_file(example_path(person_id)), "import", base=None)
    if trials:
        from nextline.trials.store import open_trial_store

        open_trial_store(settings).save_trials(small_catalog(), "test snapshot", AS_OF)
    return app


@pytest.fixture
def app(tmp_path: Path):
    return make_app(tmp_path / "home")


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with make_client(app) as test_client:
        test_client.get("/people")  # receive the CSRF cookie
        yield test_client


def csrf(client: TestClient) -> str:
    """The CSRF token the pages of this client's session carry."""
    session = client.cookies.get("nextline_csrf")
    assert session is not None
    return str(client.app.state.csrf.token(session))


def field_errors(html: str) -> dict[str, str]:
    """Input id -> the error text shown at that input."""
    found = re.findall(
        r'<p class="field-error" id="f-([^"]*)-error"><span class="visually-hidden">Error: '
        r"</span>(.*?)</p>",
        html,
        flags=re.S,
    )
    return {name: text.replace("&#39;", "'").replace("&#34;", '"') for name, text in found}


def versions(app, person_id: str = MARIA) -> int:
    return len(app.state.web.store.history(person_id))


def all_routes() -> list[tuple[str, str]]:
    """(method, path) of every page, form and API route the app serves."""
    from nextline.web import (
        account_pages,
        api,
        audit_pages,
        editing,
        entry_edits,
        menopause,
        navigator,
        pages,
        people_admin,
        questions,
        sharing,
        trial_changes,
        upload,
    )

    found = []
    routers = (
        ("", editing.router),
        ("", entry_edits.router),
        ("", menopause.router),
        ("", pages.router),
        ("", people_admin.router),
        ("", questions.router),
        ("", trial_changes.router),
        ("", upload.router),
        ("", account_pages.router),
        ("", sharing.router),
        ("", audit_pages.router),
        ("", navigator.router),
        ("/api", api.router),
    )
    for prefix, router in routers:
        for route in router.routes:
            for method in sorted(getattr(route, "methods", set()) - {"HEAD"}):
                found.append((method, prefix + route.path))  # type: ignore[attr-defined]
    return found


@pytest.fixture
def work(monkeypatch) -> dict[str, list[str]]:
    """The people whose dashboard was computed, and whose page was drawn, in order (kept
    dashboards: `test_keep_views`, `test_keeper`)."""
    done: dict[str, list[str]] = {"built": [], "drawn": []}
    from nextline.web import dashboard_view as dashboard_module
    from nextline.web import pages as pages_module

    build, draw = dashboard_module.build_dashboard, pages_module._draw_dashboard

    def building(record, kb, day, last_change):
        done["built"].append(record.file.patient.id)
        return build(record, kb, day, last_change)

    def drawing(request, view, changes):
        done["drawn"].append(view.record.file.patient.id)
        return draw(request, view, changes)

    monkeypatch.setattr(dashboard_module, "build_dashboard", building)
    monkeypatch.setattr(pages_module, "_draw_dashboard", drawing)
    return done
