"""The dashboard page as drawn is kept (`web.page_cache`) and answered again with only the
session's form token joined in: the same bytes as a page drawn afresh, never another
user's page, never for a caller the access check refuses, and drawn again whenever what it
shows could change (a save from another app instance, another date, the trials box, who is
looking)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import read_patient_file
from nextline.web.page_cache import TOKEN_STAND_IN, KeptPage
from nextline.web.view_cache import LruCache
from tests.web.accounts_setup import DANA, client_as, server_mode
from tests.web.conftest import MARIA, csrf, make_app, make_client
from tests.web.kept_helpers import app_at, heading, renamed

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _tokens(html: str) -> set[str]:
    return set(TOKEN.findall(html)) | set(re.findall(r'"X-CSRF-Token": "([0-9a-f]+)"', html))


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_a_kept_page_is_byte_for_byte_the_page_drawn_afresh(tmp_path: Path, person: str) -> None:
    kept = make_app(tmp_path / "a", trials=False)
    fresh = make_app(tmp_path / "b", trials=False)
    fresh.state.web.pages = LruCache(0)
    fresh.state.web.views = LruCache(0)
    with make_client(kept) as one, make_client(fresh) as other:
        one.get("/people")
        other.get("/people")
        drawn = one.get(f"/people/{person}")
        again = one.get(f"/people/{person}")
        plain = other.get(f"/people/{person}")
        token_one, token_other = csrf(one), csrf(other)
    assert kept.state.web.pages.hits >= 1  # the second answer came from the kept page
    assert again.content == drawn.content
    assert _tokens(again.text) == {token_one}
    assert TOKEN_STAND_IN not in again.text
    assert again.text.replace(token_one, "T") == plain.text.replace(token_other, "T")
    # the same headers (the security headers, the type, the length) either way
    for name in ("content-type", "content-length", "content-security-policy", "cache-control"):
        assert again.headers.get(name) == drawn.headers.get(name), name


def test_each_session_gets_its_own_token_from_one_kept_page(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    with make_client(app) as one, make_client(app) as two:
        one.get("/people")
        two.get("/people")
        first = one.get(f"/people/{MARIA}").text
        second = two.get(f"/people/{MARIA}").text
        token_one, token_two = csrf(one), csrf(two)
    assert token_one != token_two
    assert app.state.web.pages.hits >= 1
    assert _tokens(first) == {token_one}
    assert _tokens(second) == {token_two}


def test_no_page_drawn_for_one_account_is_answered_to_another(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    server = server_mode(app)
    seen: dict[str, str] = {}
    clients = {role: client_as(server, role) for role in ("owner", "caregiver", "navigator")}
    for _ in range(2):  # the second round is answered from the kept pages
        for role, client in clients.items():
            page = client.get(f"/people/{MARIA}")
            assert page.status_code == 200
            seen[role] = page.text
    assert app.state.web.pages.hits >= 3
    for role, client in clients.items():
        html = seen[role]
        assert _tokens(html) == {csrf(client)}
        assert f">{role.title()}</a>" in html  # the signed-in name is this account's
        for other in clients:
            if other != role:
                assert f">{other.title()}</a>" not in html
    # what each may do differs, and so do their pages
    assert f'href="/people/{MARIA}/sharing"' in seen["owner"]
    assert f'href="/people/{MARIA}/sharing"' not in seen["caregiver"]
    shared = client_as(server, "clinician")
    page = shared.get(f"/people/{MARIA}").text
    assert 'class="read-only"' in page
    assert "Signed in as" not in page
    for client in (*clients.values(), shared):
        client.__exit__(None, None, None)


@pytest.mark.parametrize("role", ["norole", "dana", "anonymous", "admin"])
def test_a_caller_refused_by_the_access_check_never_gets_a_kept_page(
    tmp_path: Path, role: str
) -> None:
    app = make_app(tmp_path / "home", trials=False)
    server = server_mode(app)
    owner = client_as(server, "owner")
    name = read_patient_file(example_path(MARIA)).patient.name
    assert name
    for _ in range(2):
        assert name in owner.get(f"/people/{MARIA}").text
    hits = app.state.web.pages.hits
    assert hits >= 1
    stranger = client_as(server, role)
    refused = stranger.get(f"/people/{MARIA}", follow_redirects=False)
    assert refused.status_code in (303, 401, 403, 404)
    assert name not in refused.text
    assert app.state.web.pages.hits == hits  # not even looked up
    if role == "dana":  # her own person is answered, and kept, as usual
        assert stranger.get(f"/people/{DANA}").status_code == 200
    owner.__exit__(None, None, None)
    stranger.__exit__(None, None, None)


def test_a_save_from_another_app_instance_draws_the_page_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = make_app(home, trials=False)
    other = app_at(home)  # a second process, one database
    with make_client(first) as one:
        for _ in range(2):
            before = one.get(f"/people/{MARIA}").text
        assert first.state.web.pages.hits >= 1
        other.state.web.store.update(MARIA, renamed("Maria Elsewhere"), "renamed there")
        after = one.get(f"/people/{MARIA}").text
    assert heading(before) != "Maria Elsewhere"
    assert heading(after) == "Maria Elsewhere"
    assert "Last change: renamed there" in after


def test_another_date_draws_the_page_again(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    with make_client(app) as client:
        client.get(f"/people/{MARIA}")
        assert "as of 1 Jun 2025" in client.get(f"/people/{MARIA}").text
        app.state.web.as_of = dt.date(2025, 9, 15)
        later = client.get(f"/people/{MARIA}").text
    assert "as of 15 Sep 2025" in later
    assert "as of 1 Jun 2025" not in later


def test_the_trials_box_appearing_draws_the_page_again(tmp_path: Path) -> None:
    from nextline.trials.history import Snapshot, save_snapshot

    app = make_app(tmp_path / "home", trials=False)
    with make_client(app) as client:
        for _ in range(2):
            assert "Trials were last checked" not in client.get(f"/people/{MARIA}").text
        save_snapshot(app.state.web.settings.data_dir, MARIA, Snapshot("2025-05-20", None, {}))
        shown = client.get(f"/people/{MARIA}").text
    assert "Trials were last checked on 20 May 2025" in shown
    assert _tokens(shown) == {csrf(client)}


def test_a_notice_in_the_query_is_drawn_afresh_and_not_kept(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    with make_client(app) as client:
        noticed = client.get(f"/people/{MARIA}?saved=1").text
        plain = client.get(f"/people/{MARIA}").text
        again = client.get(f"/people/{MARIA}?saved=1").text
    assert "Saved as version 1." in noticed
    assert "Saved as version 1." in again
    assert "Saved as version" not in plain


def test_a_kept_page_joins_hex_tokens_only() -> None:
    page = KeptPage.cut(f"<a>{TOKEN_STAND_IN}</a><b>{TOKEN_STAND_IN}</b>".encode())
    assert page is not None
    assert page.join("00ff") == b"<a>00ff</a><b>00ff</b>"
    with pytest.raises(ValueError, match="csrf token"):
        page.join('"><script>')
    assert KeptPage.cut(b"<p>no form here</p>") is None
