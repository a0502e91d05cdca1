"""The dashboard's computed view is kept per record version, date and knowledge base
(`web.view_cache`): a repeat view is a lookup, and anything that changes what the page would
show (a save here or in another server process, an undo, tomorrow, a person deleted and
stored again) is computed afresh. The page is the same with or without the cache."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.web import create_app
from nextline.web.view_cache import LruCache, version_digest
from tests.web.conftest import AS_OF, MARIA, csrf, make_app, make_client

NO_SCAN = re.compile(r"Latest scan</dt>\s*<dd>none recorded</dd>")


def _renamed(name: str):
    return lambda f: f.model_copy(update={"patient": f.patient.model_copy(update={"name": name})})


def _no_scans(f):
    return f.model_copy(update={"imaging": []})


def _heading(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html)
    assert found is not None
    return found.group(1)


def _dashboard(client, person: str = MARIA) -> str:
    response = client.get(f"/people/{person}")
    assert response.status_code == 200
    return response.text


# --- the cache itself ---------------------------------------------------------------------


def test_lru_cache_drops_the_least_recently_used_entry_first():
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)
    assert (cache.hits, cache.misses) == (3, 1)


def test_lru_cache_of_size_zero_keeps_nothing_and_a_negative_size_is_refused():
    cache: LruCache[str, int] = LruCache(0)
    cache.put("a", 1)
    assert (cache.get("a"), len(cache)) == (None, 0)
    with pytest.raises(ValueError, match="size: 0 or more"):
        LruCache(-1)


def test_version_digest_changes_with_content_note_or_time():
    when = dt.datetime(2025, 6, 1, 9, 30)
    base = version_digest('{"a": 1}', "import", when)
    assert version_digest('{"a": 1}', "import", when) == base
    assert version_digest('{"a": 2}', "import", when) != base
    assert version_digest('{"a": 1}', "undo: version 1", when) != base
    assert version_digest('{"a": 1}', "import", when + dt.timedelta(seconds=1)) != base


# --- the dashboard ------------------------------------------------------------------------


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_dashboard_is_the_same_page_with_and_without_the_cache(tmp_path: Path, person: str):
    cached = make_app(tmp_path / "a", trials=False)
    uncached = make_app(tmp_path / "b", trials=False)
    uncached.state.web.views = LruCache(0)
    uncached.state.web.pages = LruCache(0)
    with make_client(cached) as one, make_client(uncached) as other:
        first = _dashboard(one, person)
        again = _dashboard(one, person)
        plain = _dashboard(other, person)
    token_one, token_other = csrf(one), csrf(other)
    assert again == first
    assert first.replace(token_one, "T") == plain.replace(token_other, "T")
    # the second view was the drawn page kept (`web.page_cache`), or at least the view
    assert cached.state.web.pages.hits + cached.state.web.views.hits >= 1
    assert uncached.state.web.views.hits == 0
    assert uncached.state.web.pages.hits == 0


def test_repeat_view_is_a_lookup_and_the_banner_shares_the_record(app, client):
    state = app.state.web
    _dashboard(client)
    misses = state.views.misses
    _dashboard(client)
    # the page and its red-flag banner each looked, and both found it
    assert state.views.misses == misses
    assert len(state.views) == 1


def test_a_save_shows_at_once(app, client):
    assert _heading(_dashboard(client)) != "Maria Renamed"
    app.state.web.store.update(MARIA, _renamed("Maria Renamed"), "renamed")
    html = _dashboard(client)
    assert _heading(html) == "Maria Renamed"
    assert "Last change: renamed" in html


def test_a_save_in_another_server_process_shows_at_once(tmp_path: Path):
    home = tmp_path / "home"
    first = make_app(home, trials=False)
    other = create_app(Settings(home=home), as_of=AS_OF)  # a second process on one database
    with make_client(first) as one, make_client(other) as two:
        assert not NO_SCAN.search(_dashboard(one))
        assert not NO_SCAN.search(_dashboard(two))
        other.state.web.store.update(MARIA, _no_scans, "scans removed")
        seen = _dashboard(one)
    assert NO_SCAN.search(seen)
    assert "Last change: scans removed" in seen


def test_an_undo_back_to_earlier_content_is_a_new_view(app, client):
    state = app.state.web
    state.store.update(MARIA, _renamed("Maria Renamed"), "renamed")
    assert _heading(_dashboard(client)) == "Maria Renamed"
    state.store.undo(MARIA)
    html = _dashboard(client)
    assert _heading(html) != "Maria Renamed"
    assert "Undo one more change" in html  # the undo box follows the newest version


def test_another_date_is_computed_afresh(app, client):
    state = app.state.web
    assert "as of 1 Jun 2025" in _dashboard(client)
    state.as_of = dt.date(2025, 9, 15)
    assert "as of 15 Sep 2025" in _dashboard(client)
    assert len(state.views) == 2


def test_a_person_deleted_and_stored_again_under_the_same_id_is_not_the_old_view(app, client):
    state = app.state.web
    _dashboard(client)
    state.store.delete(MARIA)
    assert client.get(f"/people/{MARIA}").status_code == 404
    original = read_patient_file(example_path(MARIA))
    state.store.save(_renamed("Someone Else")(original), "import", base=None)
    assert state.store.latest_version(MARIA) == 1  # the same version number as before
    assert _heading(_dashboard(client)) == "Someone Else"


def test_people_with_equal_records_each_see_their_own_dashboard(app, client):
    original = read_patient_file(example_path(MARIA))
    twin = original.model_copy(
        update={"patient": original.patient.model_copy(update={"id": "twin", "name": "Twin"})}
    )
    app.state.web.store.save(twin, "import", base=None)
    assert _heading(_dashboard(client)) == original.patient.name
    assert _heading(_dashboard(client, "twin")) == "Twin"
    assert _heading(_dashboard(client)) == original.patient.name


def test_a_refused_request_gets_nothing_from_the_cache(tmp_path: Path):
    """The cache sits behind any access check: a request refused before the route (here a
    stand-in check in front of the app) gets the refusal, even with the view cached."""
    from starlette.responses import PlainTextResponse

    app = make_app(tmp_path / "home", trials=False)

    @app.middleware("http")
    async def _only_allowed(request, call_next):
        if request.headers.get("x-test-person") != "allowed":
            return PlainTextResponse("refused", 403)
        return await call_next(request)

    name = read_patient_file(example_path(MARIA)).patient.name
    assert name
    with make_client(app) as allowed:
        allowed.headers["x-test-person"] = "allowed"
        allowed.get("/people")
        assert name in _dashboard(allowed)
    assert len(app.state.web.views) == 1
    with make_client(app) as stranger:
        refused = stranger.get(f"/people/{MARIA}")
    assert refused.status_code == 403
    assert name not in refused.text
