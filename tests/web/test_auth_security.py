"""Security of signing in, through the web app's own forms and cookies: password guessing is
slowed and locked out, a planted session cookie is never promoted, a signed-out cookie opens
nothing, every write still needs the CSRF token, cookies carry the right flags, and no log
line holds health data, a password or a token."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from nextline.accounts.policy import CLIENT_FAILURES, USERNAME_FAILURES
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.web import create_app
from nextline.web.account_pages import NO_MATCH
from tests.web.accounts_setup import (
    DANA,
    PASSWORD,
    Server,
    client_as,
    csrf_of,
    server_mode,
    sign_in,
)
from tests.web.conftest import MARIA, csrf, make_app, make_client, versions


@pytest.fixture
def server(tmp_path) -> Server:
    return server_mode(make_app(tmp_path / "home", people=(MARIA, DANA), trials=False))


def _said(response: Any) -> str:
    return response.text.replace("&#39;", "'")


# -- password guessing ------------------------------------------------------------------------


def test_guessing_a_password_is_slowed_then_locked_even_for_the_right_password(server) -> None:
    with make_client(server.app) as browser:
        for _ in range(USERNAME_FAILURES):
            response = sign_in(browser, "owner", "not the password at all")
            assert response.status_code == 401
            assert NO_MATCH in _said(response)
        # every failure waited before answering, longer each time
        assert len(server.waits) == USERNAME_FAILURES
        assert server.waits == sorted(server.waits) and server.waits[0] > 0
        locked = sign_in(browser, "owner", PASSWORD)
        assert locked.status_code == 429
        assert "Too many tries. Try again in 15 minutes." in _said(locked)
        assert "nextline_session" not in locked.headers.get("set-cookie", "")
        server.clock.advance(minutes=15, seconds=1)
        assert sign_in(browser, "owner", PASSWORD).status_code == 303


def test_an_unknown_username_gets_the_same_words_as_a_wrong_password(server) -> None:
    with make_client(server.app) as browser:
        unknown = sign_in(browser, "nobody-by-that-name", PASSWORD)
        wrong = sign_in(browser, "owner", "wrong but long enough")
    assert unknown.status_code == wrong.status_code == 401
    assert NO_MATCH in _said(unknown) and NO_MATCH in _said(wrong)
    assert "nobody-by-that-name" in unknown.text  # the username typed is kept in its field
    assert PASSWORD not in unknown.text and "wrong but long enough" not in wrong.text


def test_one_machine_trying_many_usernames_is_locked_out(server) -> None:
    with make_client(server.app) as browser:
        for number in range(CLIENT_FAILURES):
            assert sign_in(browser, f"guess{number}", "some password here").status_code == 401
        locked = sign_in(browser, "caregiver", PASSWORD)
    assert locked.status_code == 429
    assert "Too many tries." in _said(locked)


# -- sessions ---------------------------------------------------------------------------------


def test_a_session_cookie_planted_before_sign_in_is_never_promoted(server) -> None:
    # The attacker signs in with their own account and plants that cookie in the victim's
    # browser; or plants a token of their own making.
    attacker = client_as(server, "norole")
    planted = attacker.cookies.get("nextline_session")
    assert planted
    for fixed in (planted, "a" * 43):
        with make_client(server.app) as victim:
            victim.cookies.set("nextline_session", fixed, domain="127.0.0.1")
            assert sign_in(victim, "owner").status_code == 303
            fresh = victim.cookies.get("nextline_session")
            assert fresh and fresh != fixed
            assert victim.get(f"/people/{MARIA}").status_code == 200
        # the planted cookie still opens nothing of the owner's
        with make_client(server.app) as other:
            other.cookies.set("nextline_session", fixed, domain="127.0.0.1")
            response = other.get(f"/people/{MARIA}", follow_redirects=False)
            assert response.status_code in (303, 404)
    attacker.__exit__(None, None, None)


def test_a_cookie_reused_after_signing_out_opens_nothing(server) -> None:
    browser = client_as(server, "owner")
    cookie = browser.cookies.get("nextline_session")
    assert browser.get(f"/people/{MARIA}").status_code == 200
    out = browser.post("/sign-out", data={"csrf_token": csrf(browser)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/sign-in?done=out"
    browser.__exit__(None, None, None)
    with make_client(server.app) as thief:
        thief.cookies.set("nextline_session", cookie, domain="127.0.0.1")
        page = thief.get(f"/people/{MARIA}", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == f"/sign-in?next=/people/{MARIA}"
        api = thief.get(f"/api/people/{MARIA}/record")
        assert api.status_code == 401
        assert api.json()["error"]["kind"] == "unauthorized"


def test_an_idle_session_ends(server) -> None:
    browser = client_as(server, "caregiver")
    assert browser.get(f"/people/{MARIA}").status_code == 200
    server.clock.advance(minutes=31)
    assert browser.get(f"/people/{MARIA}", follow_redirects=False).status_code == 303
    browser.__exit__(None, None, None)


def test_sign_in_goes_back_only_to_this_site(server) -> None:
    for asked, lands in (
        (f"/people/{MARIA}/timeline", f"/people/{MARIA}/timeline"),
        ("//evil.example/steal", "/people"),
        ("https://evil.example/", "/people"),
        ("/\\evil.example", "/people"),
    ):
        with make_client(server.app) as browser:
            response = sign_in(browser, "owner", next=asked)
            assert response.headers["location"] == lands


# -- CSRF -------------------------------------------------------------------------------------


def _stored(server: Server) -> tuple[Any, ...]:
    people = tuple((p.id, p.versions) for p in server.app.state.web.store.list())
    return people, tuple(server.accounts.members(MARIA)), tuple(server.accounts.shares(MARIA))


def test_every_form_still_needs_the_csrf_token_when_signed_in(server) -> None:
    """The owner may do every one of these; without the page's token, none is done."""
    from tests.web.test_authorization_matrix import app_routes

    owner = client_as(server, "owner")
    before = _stored(server)
    checked = 0
    for method, template in app_routes(server.app):
        if method != "POST" or template.startswith("/api"):
            continue
        url = (
            template.replace("{person_id}", MARIA)
            .replace("{form_key}", "lab")
            .replace("{index}", "0")
            .replace("{section}", "labs")
            .replace("{version}", "1")
            .replace("{token}", "not-a-link")
            .replace("{account_id}", str(server.ids["caregiver"]))
            .replace("{share_id}", server.accounts.shares(MARIA)[0].id)
        )
        for sent in ({}, {"csrf_token": "forged" * 8}):
            response = owner.post(url, data={**sent, "confirm_name": "x"}, follow_redirects=False)
            assert response.status_code == 403, template
            assert "did not come from this page" in response.text, template
            assert _stored(server) == before, template
            checked += 1
    assert checked >= 2 * 25
    # and the session is still signed in: refusing a forged form signs nobody out
    assert owner.get(f"/people/{MARIA}").status_code == 200
    owner.__exit__(None, None, None)


# -- cookies ----------------------------------------------------------------------------------


def _set_cookies(response: Any) -> dict[str, str]:
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        found[name] = header.lower()
    return found


def test_the_session_cookie_is_httponly_and_lax_on_this_machine(server) -> None:
    with make_client(server.app) as browser:
        response = sign_in(browser, "owner")
    cookie = _set_cookies(response)["nextline_session"]
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie
    assert "strict-transport-security" not in response.headers


def test_served_beyond_this_machine_cookies_are_secure_and_hsts_is_sent(tmp_path) -> None:
    settings = Settings(home=tmp_path / "home", host="10.1.2.3")
    app = create_app(settings, authentication=True)
    app.state.web.store.save(read_patient_file(example_path(MARIA)), "import", base=None)
    server = server_mode_for(app)
    # through TLS (a proxy in front, in real life): a browser sends Secure cookies only so
    with make_client(server.app, base_url="https://127.0.0.1:8321") as browser:
        page = browser.get("/sign-in")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "secure" in _set_cookies(page)["nextline_csrf"]
        response = sign_in(browser, "owner")
        assert response.status_code == 303
        assert "secure" in _set_cookies(response)["nextline_session"]
        share = browser.get(f"/share/{server.share_token}", follow_redirects=False)
        assert "secure" in _set_cookies(share)["nextline_share"]


def server_mode_for(app: Any) -> Server:
    from nextline.accounts.principal import Role
    from nextline.accounts.store import AccountStore
    from tests.web.accounts_setup import Clock, cheap_hasher

    accounts = AccountStore(app.state.web.store.engine, clock=Clock(), hasher=cheap_hasher())
    app.state.accounts = accounts
    server = Server(app, accounts, Clock())
    server.ids["owner"] = accounts.create_account("owner", "Owner", password=PASSWORD)
    accounts.grant(server.ids["owner"], MARIA, Role.OWNER)
    server.share_token = accounts.create_share(MARIA, "Dr Lee", server.ids["owner"], days=3)
    return server


# -- logs -------------------------------------------------------------------------------------


def _health_words() -> list[str]:
    """Words from Maria's record that must never reach a log: her name, her drugs, her test
    values, and the values the test types."""
    from nextline.record import patient_file_data

    data = patient_file_data(read_patient_file(example_path(MARIA)))
    words = [str(data["patient"]["name"])]
    for therapy in data.get("therapies", []):
        words.extend(str(d) for d in therapy.get("drugs", []))
    for lab in data.get("labs", []):
        words.append(str(lab.get("test")))
    return [w for w in words if len(w) >= 4] + ["87.5", "U/mL", "Sam Carer"]


def test_no_log_line_holds_health_data_a_password_or_a_token(server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    caregiver = client_as(server, "caregiver")
    for path in ("", "/timeline", "/summary", "/entries", "/questions", "/history"):
        assert caregiver.get(f"/people/{MARIA}{path}").status_code == 200
    assert caregiver.get(f"/api/people/{MARIA}/status").status_code == 200
    before = versions(server.app)
    added = caregiver.post(
        f"/people/{MARIA}/add/lab",
        data={
            "csrf_token": csrf(caregiver),
            "date": "2025-05-20",
            "test": "CA 15-3",
            "value": "87.5",
            "unit": "U/mL",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    assert versions(server.app) == before + 1
    caregiver.get(f"/people/{DANA}")  # refused: a person not given
    caregiver.post("/sign-out", data={"csrf_token": csrf(caregiver)})
    with make_client(server.app) as stranger:
        sign_in(stranger, "caregiver", "a wrong password!")
        token = csrf_of(stranger)
        stranger.post(
            "/invite/" + server.share_token,
            data={
                "csrf_token": token,
                "username": "sam",
                "display_name": "Sam Carer",
                "password": "another long one",
                "password_again": "another long one",
            },
        )
    server_lines = [
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    ]
    secrets = [PASSWORD, "a wrong password!", "another long one", server.share_token]
    cookies = [c for c in (caregiver.cookies.get("nextline_session"),) if c]
    leaked = [
        (word, line)
        for line in server_lines
        for word in _health_words() + secrets + cookies
        if word.lower() in line.lower()
    ]
    assert leaked == []
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("nextline")]
    assert "refused GET /people/{person_id} (404)" in ours
    assert "sign-in: bad" in ours and "sign-in: ok" in ours
    # the one audit trail holds who and which page, not what it showed
    from nextline.accounts.audit import entries

    trail = entries(server.app.state.web.store.engine, MARIA)
    assert {e.action for e in trail} == {"read", "change"}
    assert all(re.fullmatch(r"(GET|POST) /[a-z/{}_.-]*", e.what) for e in trail)
    caregiver.__exit__(None, None, None)


def test_behind_a_tls_proxy_the_configured_host_is_served_with_secure_cookies(tmp_path) -> None:
    """nextline on loopback, a proxy in front forwarding the Host and saying HTTPS: the
    configured address is served (any other host is not), its cookies are Secure."""
    settings = Settings(home=tmp_path / "home", base_url="https://nextline.example.org")
    app = create_app(settings)
    app.state.web.store.save(read_patient_file(example_path(MARIA)), "import", base=None)
    server = server_mode_for(app)
    with make_client(app, base_url="https://nextline.example.org") as browser:
        page = browser.get("/sign-in")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "secure" in _set_cookies(page)["nextline_csrf"]
        response = sign_in(browser, "owner")
        assert response.status_code == 303
        assert "secure" in _set_cookies(response)["nextline_session"]
        assert browser.get(f"/people/{MARIA}").status_code == 200
    with make_client(app, base_url="https://elsewhere.example") as stranger:
        assert stranger.get("/sign-in").status_code == 421
    assert server.ids["owner"] > 0


def test_listening_publicly_without_a_configured_address_answers_any_host(tmp_path) -> None:
    app = create_app(Settings(home=tmp_path / "home", host="0.0.0.0"), authentication=True)
    app.state.web.store.save(read_patient_file(example_path(MARIA)), "import", base=None)
    server_mode_for(app)
    with make_client(app, base_url="https://clinic.example") as browser:
        assert browser.get("/sign-in").status_code == 200
        page = browser.get(f"/people/{MARIA}", follow_redirects=False)
        assert page.status_code == 303  # sign-in guards it


def test_under_a_path_prefix_every_request_is_still_checked(server) -> None:
    """A proxy may serve the app under a prefix (`root_path`): the check matches the route
    the router will reach, not the raw path."""
    with make_client(server.app, root_path="/nextline") as browser:
        token = csrf_of(browser)
        signed = browser.post(
            "/nextline/sign-in",
            data={"csrf_token": token, "username": "caregiver", "password": PASSWORD},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        assert browser.get(f"/nextline/people/{MARIA}").status_code == 200
        refused = browser.get(f"/nextline/people/{DANA}")
        assert refused.status_code == 404
        assert f"no person with id '{DANA}'" in _said(refused)


def test_signing_in_again_ends_the_session_the_browser_had(server) -> None:
    browser = client_as(server, "caregiver")
    first = browser.cookies.get("nextline_session")
    assert sign_in(browser, "navigator").status_code == 303
    assert browser.cookies.get("nextline_session") != first
    with make_client(server.app) as thief:
        thief.cookies.set("nextline_session", first, domain="127.0.0.1")
        assert thief.get(f"/people/{MARIA}", follow_redirects=False).status_code == 303
    browser.__exit__(None, None, None)
