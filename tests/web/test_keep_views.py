"""Dashboards kept before anyone asks (`web.keep_views`: `nextline web keep-views`, and the
server's keeper, `tests/web/test_keeper.py`): a first view in another app instance is then a
read of the kept page, neither computed nor drawn; anything that changes what the page would
show (a new version from another instance, another date, new code or knowledge) is drawn
afresh; a kept page that does not verify is never answered, and never reaches a caller the
access check refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import read_patient_file
from nextline.store.tables import DashboardPageRow
from nextline.store.views import pack_parts, unpack_parts
from nextline.web import keep_views as keeping
from tests.web.accounts_setup import DANA, Server, client_as, server_mode
from tests.web.conftest import AS_OF, MARIA, csrf, make_app, make_client
from tests.web.kept_helpers import app_at, heading, kept_rows, renamed


def test_kept_ahead_a_first_view_elsewhere_is_neither_computed_nor_drawn(
    tmp_path: Path, work: dict[str, list[str]]
) -> None:
    home = tmp_path / "home"
    nightly = make_app(home, trials=False)
    kept = keeping.keep_views(nightly, EXAMPLE_IDS)
    assert kept == keeping.Kept(len(EXAMPLE_IDS), len(EXAMPLE_IDS), len(EXAMPLE_IDS))
    assert keeping.keep_views(nightly, EXAMPLE_IDS) == keeping.Kept(len(EXAMPLE_IDS), 0, 0)
    assert sorted(work["built"]) == sorted(EXAMPLE_IDS)
    assert [p for p, _, _ in kept_rows(nightly, DashboardPageRow)] == sorted(EXAMPLE_IDS)
    server = app_at(home)
    fresh = app_at(tmp_path / "other")  # the same people drawn afresh, to compare
    for person in EXAMPLE_IDS:
        fresh.state.web.store.save(read_patient_file(example_path(person)), "import", base=None)
    with make_client(server) as client, make_client(fresh) as other:
        for person in EXAMPLE_IDS:
            answer = client.get(f"/people/{person}")
            assert answer.status_code == 200
            plain = other.get(f"/people/{person}").text
            assert answer.text.replace(csrf(client), "T") == plain.replace(csrf(other), "T")
    # the server computed nothing and drew nothing: `fresh` did, once per person
    assert len(work["built"]) == 2 * len(EXAMPLE_IDS)
    assert len(work["drawn"]) == 2 * len(EXAMPLE_IDS)


def test_a_new_version_from_another_instance_is_drawn_afresh(
    tmp_path: Path, work: dict[str, list[str]]
) -> None:
    home = tmp_path / "home"
    nightly = make_app(home, trials=False)
    keeping.keep_views(nightly, [MARIA])
    app_at(home).state.web.store.update(MARIA, renamed("Maria Since"), "renamed")
    server = app_at(home)
    with make_client(server) as client:
        page = client.get(f"/people/{MARIA}").text
    assert heading(page) == "Maria Since"
    assert "Last change: renamed" in page
    assert work["drawn"] == [MARIA, MARIA]
    assert kept_rows(server, DashboardPageRow) == [
        (MARIA, 2, AS_OF)
    ]  # one row per viewer: the newest


def test_another_date_is_drawn_afresh(tmp_path: Path, work: dict[str, list[str]]) -> None:
    home = tmp_path / "home"
    keeping.keep_views(make_app(home, trials=False), [MARIA])
    later = dt.date(2025, 9, 15)
    with make_client(app_at(home, later)) as client:
        assert "as of 15 Sep 2025" in client.get(f"/people/{MARIA}").text
    assert work["drawn"] == [MARIA, MARIA]


def test_new_code_or_knowledge_is_drawn_afresh(tmp_path: Path, work: dict[str, list[str]]) -> None:
    home = tmp_path / "home"
    keeping.keep_views(make_app(home, trials=False), [MARIA])
    server = app_at(home)
    server.state.web.view_code = "another release"
    with make_client(server) as client:
        assert client.get(f"/people/{MARIA}").status_code == 200
    assert work["built"] == [MARIA, MARIA]
    assert work["drawn"] == [MARIA, MARIA]


@pytest.mark.parametrize("damage", ["page", "mac", "secret"])
def test_a_kept_page_that_does_not_verify_is_never_answered(
    tmp_path: Path, work: dict[str, list[str]], damage: str
) -> None:
    import zlib

    home = tmp_path / "home"
    nightly = make_app(home, trials=False)
    keeping.keep_views(nightly, [MARIA])
    planted = zlib.compress(pack_parts((b"<p>planted ", b"</p>")))
    with nightly.state.web.store.engine.begin() as connection:
        if damage == "page":
            connection.execute(update(DashboardPageRow).values(page=planted))
        if damage == "mac":
            connection.execute(update(DashboardPageRow).values(mac="0" * 64))
    if damage == "secret":
        (nightly.state.web.settings.data_dir / "view-secret").write_bytes(b"y" * 32)
    with make_client(app_at(home)) as client:
        page = client.get(f"/people/{MARIA}").text
    assert "planted" not in page
    assert heading(page) == read_patient_file(example_path(MARIA)).patient.name
    assert work["drawn"] == [MARIA, MARIA]


def test_a_kept_page_never_reaches_a_caller_who_may_not_read_the_person(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = make_app(home, trials=False)
    server = server_mode(app)
    dana_name = read_patient_file(example_path(DANA)).patient.name
    assert dana_name
    owner = client_as(server, "dana")
    assert dana_name in owner.get(f"/people/{DANA}").text  # drawn and kept in the database
    assert DANA in [p for p, _, _ in kept_rows(app, DashboardPageRow)]
    other = app_at(home)  # another process: an empty memory, the kept page in the database
    server_other = Server(other, other.state.accounts, server.clock)
    for role in ("owner", "norole", "anonymous"):
        refused = client_as(server_other, role).get(f"/people/{DANA}", follow_redirects=False)
        assert refused.status_code in (303, 401, 403, 404)
        assert dana_name not in refused.text
    assert other.state.web.pages.hits == 0
    assert dana_name in client_as(server_other, "dana").get(f"/people/{DANA}").text


def test_a_deleted_person_takes_the_kept_pages_along(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    keeping.keep_views(app, [MARIA, DANA])
    assert [p for p, _, _ in kept_rows(app, DashboardPageRow)] == sorted([MARIA, DANA])
    app.state.web.store.delete(MARIA)
    assert [p for p, _, _ in kept_rows(app, DashboardPageRow)] == [DANA]
    assert keeping.keep_views(app, [MARIA]).computed == 0  # no longer stored: passed over


def test_recently_changed_puts_the_last_changed_first(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    store = app.state.web.store
    store.update(DANA, renamed("Dana Now"), "renamed")
    assert keeping.recently_changed(store, 1) == [DANA]
    assert keeping.recently_changed(store, None)[0] == DANA
    assert sorted(keeping.recently_changed(store, None)) == sorted(EXAMPLE_IDS)


def test_only_one_process_keeps_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with keeping.only_one(folder) as first:
        assert first
        with keeping.only_one(folder) as second:
            assert not second  # another holder (a second worker) does nothing
    with keeping.only_one(folder) as again:
        assert again  # released when the first one finished


def test_the_keep_views_command_keeps_and_then_passes_over(tmp_path: Path, monkeypatch) -> None:
    from nextline.cli import app as cli

    home = tmp_path / "home"
    make_app(home, trials=False)
    monkeypatch.setenv("NEXTLINE_HOME", str(home))
    runner = CliRunner(env={"COLUMNS": "200"})
    first = runner.invoke(cli, ["web", "keep-views", "--recent", "2"])
    assert first.exit_code == 0, first.output
    assert "Kept the dashboards of 2 people" in first.output
    assert "2 computed, 0 already kept, 2 pages drawn" in first.output
    again = runner.invoke(cli, ["web", "keep-views"])
    assert again.exit_code == 0, again.output
    assert f"{len(EXAMPLE_IDS)} people" in again.output
    assert f"{len(EXAMPLE_IDS) - 2} computed, 2 already kept" in again.output
    refused = runner.invoke(cli, ["web", "keep-views", "--recent", "0"])
    assert refused.exit_code != 0
    assert "--recent" in refused.output


def test_packed_parts_read_back_and_a_cut_short_value_is_refused() -> None:
    parts = (b"<a>", b"", b"</a>\x00\xff")
    assert unpack_parts(pack_parts(parts)) == parts
    with pytest.raises(ValueError, match="cut short"):
        unpack_parts(pack_parts(parts)[:-1])
