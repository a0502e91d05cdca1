"""The dashboard as last computed is kept in the database (`store.views`): a second server
process on the same store reads it instead of computing it, and anything that changes what
the page would show (a save from any process, another date, new code or knowledge) is
computed afresh. A kept view never reaches a caller the access check refuses."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.store.tables import DashboardPageRow, DashboardViewRow
from nextline.web import dashboard_view as dashboard_module
from tests.web.accounts_setup import DANA, Server, client_as, server_mode
from tests.web.conftest import AS_OF, MARIA, csrf, make_app, make_client
from tests.web.kept_helpers import app_at, heading, kept_rows, renamed


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The people whose dashboard was computed (not read back), in order."""
    built: list[str] = []
    real = dashboard_module.build_dashboard

    def counting(record, kb, day, last_change):
        built.append(record.file.patient.id)
        return real(record, kb, day, last_change)

    monkeypatch.setattr(dashboard_module, "build_dashboard", counting)
    return built


def test_a_second_process_reads_the_kept_dashboard_and_shows_the_same_page(
    tmp_path: Path, builds: list[str]
) -> None:
    first = make_app(tmp_path / "home", trials=False)
    with make_client(first) as one:
        page_one = one.get(f"/people/{MARIA}").text
    assert builds == [MARIA]
    assert kept_rows(first, DashboardViewRow) == [(MARIA, 1, AS_OF)]
    other = app_at(tmp_path / "home")
    with make_client(other) as two:
        page_two = two.get(f"/people/{MARIA}").text
        token_two = csrf(two)
    assert builds == [MARIA]  # read back, not computed again
    assert page_two.replace(token_two, "T") == page_one.replace(
        re.search(r'name="csrf_token" value="([^"]+)"', page_one).group(1),
        "T",  # type: ignore[union-attr]
    )


def test_a_save_from_another_process_is_computed_afresh_everywhere(
    tmp_path: Path, builds: list[str]
) -> None:
    first = make_app(tmp_path / "home", trials=False)
    other = app_at(tmp_path / "home")
    with make_client(first) as one, make_client(other) as two:
        one.get(f"/people/{MARIA}")
        two.get(f"/people/{MARIA}")
        assert builds == [MARIA]
        other.state.web.store.update(MARIA, renamed("Maria Again"), "renamed")
        assert heading(one.get(f"/people/{MARIA}").text) == "Maria Again"
        assert heading(two.get(f"/people/{MARIA}").text) == "Maria Again"
    assert builds == [MARIA, MARIA]  # the new version once, by the first to show it
    assert kept_rows(first, DashboardViewRow) == [
        (MARIA, 2, AS_OF)
    ]  # one row per person: the newest


def test_another_date_is_computed_afresh_and_replaces_the_kept_row(
    tmp_path: Path, builds: list[str]
) -> None:
    first = make_app(tmp_path / "home", trials=False)
    with make_client(first) as one:
        one.get(f"/people/{MARIA}")
    later = dt.date(2025, 9, 15)
    with make_client(app_at(tmp_path / "home", later)) as two:
        assert "as of 15 Sep 2025" in two.get(f"/people/{MARIA}").text
    assert builds == [MARIA, MARIA]
    assert kept_rows(first, DashboardViewRow) == [(MARIA, 1, later)]


def test_new_code_or_knowledge_computes_afresh(tmp_path: Path, builds: list[str]) -> None:
    first = make_app(tmp_path / "home", trials=False)
    with make_client(first) as one:
        one.get(f"/people/{MARIA}")
    other = app_at(tmp_path / "home")
    other.state.web.view_code = "another release"
    with make_client(other) as two:
        assert two.get(f"/people/{MARIA}").status_code == 200
    assert builds == [MARIA, MARIA]
    again = app_at(tmp_path / "home")
    again.state.web.view_code = "another release"
    with make_client(again) as three:
        three.get(f"/people/{MARIA}")
    assert builds == [MARIA, MARIA]  # the new code's view is kept for the next process


@pytest.mark.parametrize("damage", ["payload", "mac", "secret"])
def test_a_kept_row_that_does_not_verify_is_never_unpickled(
    tmp_path: Path, builds: list[str], damage: str, monkeypatch
) -> None:
    import pickle
    import zlib

    home = tmp_path / "home"
    first = make_app(home, trials=False)
    with make_client(first) as one:
        one.get(f"/people/{MARIA}")
    loaded: list[bytes] = []
    real_loads = pickle.loads
    monkeypatch.setattr(
        pickle, "loads", lambda data, **kw: loaded.append(data) or real_loads(data, **kw)
    )
    changes = {
        "payload": {"payload": zlib.compress(pickle.dumps({"not": "a view"}))},
        "mac": {"mac": "0" * 64},
    }
    with first.state.web.store.engine.begin() as connection:
        # the drawn page is kept too (`web.page_cache`), signed on its own: without it, the
        # next process must read the view row
        connection.execute(delete(DashboardPageRow))
        if damage in changes:
            connection.execute(update(DashboardViewRow).values(**changes[damage]))
    if damage == "secret":
        secret = first.state.web.settings.data_dir / "view-secret"
        secret.write_bytes(b"x" * 32)  # another secret: the row was signed with the old one
    other = app_at(home)
    with make_client(other) as two:
        assert (
            heading(two.get(f"/people/{MARIA}").text)
            == read_patient_file(example_path(MARIA)).patient.name
        )
    assert builds == [MARIA, MARIA]
    assert loaded == []  # nothing from the row was unpickled


def test_a_secret_readable_by_others_is_not_trusted_and_nothing_is_kept(tmp_path: Path) -> None:
    from nextline.store.views import view_secret

    folder = tmp_path / "data"
    first = view_secret(folder)
    assert first is not None and len(first) == 32
    assert view_secret(folder) == first  # made once, read after
    (folder / "view-secret").chmod(0o644)
    assert view_secret(folder) is None


def test_a_deleted_person_takes_the_kept_view_along(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    with make_client(app) as one:
        one.get(f"/people/{MARIA}")
    assert [r[0] for r in kept_rows(app, DashboardViewRow)] == [MARIA]
    app.state.web.store.delete(MARIA)
    assert kept_rows(app, DashboardViewRow) == []


def test_a_kept_view_never_reaches_a_caller_who_may_not_read_the_person(
    tmp_path: Path, builds: list[str]
) -> None:
    app = make_app(tmp_path / "home", trials=False)
    dana_name = read_patient_file(example_path(DANA)).patient.name
    assert dana_name
    with make_client(app) as local:
        assert dana_name in local.get(f"/people/{DANA}").text  # computed and kept
    assert DANA in [r[0] for r in kept_rows(app, DashboardViewRow)]
    server = server_mode(app)
    maria_owner = client_as(server, "owner")
    refused = maria_owner.get(f"/people/{DANA}")
    assert refused.status_code == 404
    assert dana_name not in refused.text
    other = app_at(tmp_path / "home")
    # the second process on the same database: its accounts are the same accounts
    server_other = Server(other, other.state.accounts, server.clock)
    refused_other = client_as(server_other, "owner").get(f"/people/{DANA}")
    assert refused_other.status_code in (403, 404)
    assert dana_name not in refused_other.text
    dana_owner = client_as(server, "dana")
    assert dana_name in dana_owner.get(f"/people/{DANA}").text
    assert builds == [DANA]


def test_keeping_dashboards_ahead_computes_each_once_and_the_next_process_only_reads(
    tmp_path: Path, builds: list[str]
) -> None:
    from nextline.examples import EXAMPLE_IDS

    first = make_app(tmp_path / "home", trials=False)
    assert first.state.web.keep_dashboards(EXAMPLE_IDS) == len(EXAMPLE_IDS)
    assert first.state.web.keep_dashboards(EXAMPLE_IDS) == 0
    assert sorted(builds) == sorted(EXAMPLE_IDS)
    other = app_at(tmp_path / "home")
    assert other.state.web.keep_dashboards(EXAMPLE_IDS) == 0
    with make_client(other) as two:
        for person in EXAMPLE_IDS:
            assert two.get(f"/people/{person}").status_code == 200
    assert len(builds) == len(EXAMPLE_IDS)  # nothing computed again
