"""What a server process prepares at start (`web.first_request`): the access check's route
table, the first pages' templates and the reads of a kept dashboard, without computing,
drawing or writing anything, and a request answered after it is answered as before."""

from __future__ import annotations

from pathlib import Path

from nextline.store.tables import DashboardPageRow, DashboardViewRow
from nextline.web import keep_views as keeping
from nextline.web.access_check import route_entries
from nextline.web.first_request import FIRST_PAGES, prepare
from tests.web.conftest import MARIA, make_app, make_client
from tests.web.kept_helpers import app_at, kept_rows


def test_prepare_builds_the_route_table_and_only_reads(
    tmp_path: Path, work: dict[str, list[str]]
) -> None:
    home = tmp_path / "home"
    keeping.keep_views(make_app(home, trials=False), [MARIA])
    rows = kept_rows(app_at(home), DashboardViewRow), kept_rows(app_at(home), DashboardPageRow)
    work["built"].clear()
    work["drawn"].clear()
    app = app_at(home)
    assert getattr(app.state, "route_entries", None) is None
    prepare(app)
    table = app.state.route_entries
    assert [(e.methods, e.template) for e in table] == [
        (e.methods, e.template) for e in route_entries(app.routes)
    ]
    assert any(e.template == "/people/{person_id}" for e in table)
    env = app.state.templates.env
    assert all(env.cache is not None and any(k[1] == p for k in env.cache) for p in FIRST_PAGES)
    assert work == {"built": [], "drawn": []}  # read, never computed or drawn
    assert (kept_rows(app, DashboardViewRow), kept_rows(app, DashboardPageRow)) == rows
    with make_client(app) as client:
        assert client.get(f"/people/{MARIA}").status_code == 200
        assert client.get("/people/nobody-here").status_code == 404
    assert work == {"built": [], "drawn": []}


def test_prepare_on_an_empty_store_builds_the_table_and_reads_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", people=(), trials=False)
    prepare(app)
    assert app.state.route_entries
    with make_client(app) as client:
        assert client.get("/people").status_code == 200
