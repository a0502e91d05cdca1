"""Local-mode safety: loopback only, loopback Host names only, CSP and friends on every
response, a CSRF token on every form post, JSON only for API writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app as cli_app
from nextline.errors import ConfigError
from nextline.settings import Settings
from nextline.web import check_bind_address, create_app, is_loopback
from nextline.web.security import CONTENT_SECURITY_POLICY, CsrfSigner, host_allowed
from tests.web.conftest import MARIA, all_routes, csrf, versions


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_addresses_are_accepted(host: str) -> None:
    assert is_loopback(host) is True
    check_bind_address(host)  # no error


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org", ""])
def test_public_addresses_are_refused_without_sign_in(host: str) -> None:
    assert is_loopback(host) is False
    with pytest.raises(ConfigError) as caught:
        check_bind_address(host)
    assert str(caught.value).startswith(f"refusing to serve on {host!r}: nextline has no sign-in")


def test_create_app_refuses_a_public_host(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"refusing to serve on '0\.0\.0\.0'"):
        create_app(Settings(home=tmp_path, host="0.0.0.0"))
    assert not (tmp_path / "nextline.db").exists()  # refused before the store was opened


def test_create_app_reads_the_host_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTLINE_HOST", "10.0.0.1")
    with pytest.raises(ConfigError, match=r"refusing to serve on '10\.0\.0\.1'"):
        create_app(Settings(home=tmp_path))


def test_serve_refuses_a_public_host_with_a_clear_error() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "refusing to serve on '0.0.0.0'" in result.output + (result.stderr or "")


def test_serve_refuses_an_impossible_port() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "a port is a number from 1 to 65535" in result.output + (result.stderr or "")


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:8321", True),
        ("localhost:8321", True),
        ("[::1]:8321", True),
        ("localhost", True),
        ("127.0.0.2:80", True),
        ("LOCALHOST:8321", True),
        ("evil.example:8321", False),
        ("192.168.0.3:8321", False),
        ("", False),
        ("testserver", False),
        ("[::1]x", False),
        ("[::1]:8321x", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("localhost:", False),
        ("localhost:99999", False),
        ("127.0.0.1:8321 ", False),
        ("::1", False),
        ("user@localhost", False),
        ("127.0.0.300", False),
    ],
)
def test_only_loopback_host_headers_are_answered(host: str, allowed: bool) -> None:
    assert host_allowed(host) is allowed


def test_a_rebound_host_name_gets_no_page(client) -> None:
    response = client.get("/people", headers={"host": "evil.example:8321"})
    assert response.status_code == 421
    assert "Maria" not in response.text


@pytest.mark.parametrize(
    "path", ["/people", f"/people/{MARIA}", "/people/nobody", "/api/people", "/static/app.css"]
)
def test_every_response_carries_the_security_headers(client, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_policy_allows_no_inline_script_or_style_and_nothing_from_elsewhere() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script_or_style(client) -> None:
    html = client.get(f"/people/{MARIA}").text
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert html.count("<script ") == 1
    assert '<script src="/static/htmx.min.js" defer></script>' in html


def test_pages_are_served_without_a_cache(client) -> None:
    assert client.get(f"/people/{MARIA}").headers["cache-control"] == "no-store"


def test_the_csrf_cookie_is_strict_and_hidden_from_scripts(app) -> None:
    from tests.web.conftest import make_client

    with make_client(app) as fresh:
        cookie = fresh.get("/people").headers["set-cookie"]
    assert cookie.startswith("nextline_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_csrf_tokens_are_signed_and_bound_to_the_session() -> None:
    signer = CsrfSigner(b"k" * 32)
    session = signer.new_session()
    token = signer.token(session)
    assert signer.check(session, token) is True
    other = signer.new_session()
    assert signer.check(other, token) is False  # another session's token
    assert signer.check(session, signer.token(other)) is False
    assert signer.check(session, None) is False
    assert signer.check(None, token) is False
    chosen = "a" * 43  # the old rule let any long cookie with a matching field through
    assert signer.check(chosen, chosen) is False
    assert CsrfSigner(b"z" * 32).check(session, token) is False  # another server's secret
    forged = session.split(".")[0] + "." + "0" * 64
    assert signer.session_valid(forged) is False


@pytest.mark.parametrize("cookie", ["a" * 43, "x" * 129, "y" * 5000, "a.b", "..", ""])
def test_a_cookie_the_server_did_not_sign_is_replaced(app, cookie: str) -> None:
    from tests.web.conftest import make_client

    with make_client(app) as fresh:
        fresh.cookies.set("nextline_csrf", cookie)
        response = fresh.get("/people")
        issued = response.cookies.get("nextline_csrf")
        assert issued is not None and issued != cookie
        assert app.state.csrf.session_valid(issued) is True


def test_a_chosen_cookie_with_a_matching_field_is_refused(app, client) -> None:
    chosen = "c" * 43
    client.cookies.set("nextline_csrf", chosen)
    response = client.post(
        f"/people/{MARIA}/add/care-team", data={"csrf_token": chosen, "role": "nurse"}
    )
    assert response.status_code == 403
    assert versions(app) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://127.0.0.1:9999"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "http://127.0.0.1:8321", "sec-fetch-site": "cross-site"},
    ],
)
def test_a_write_from_another_site_is_refused_before_its_body_is_read(app, client, headers) -> None:
    form = client.post(
        f"/people/{MARIA}/add/care-team",
        data={"csrf_token": csrf(client), "role": "nurse"},
        headers=headers,
    )
    assert form.status_code == 403
    api = client.post(
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-01-02", "test": "CA 15-3", "value": 3, "unit": "U/mL"},
        headers=headers,
    )
    assert api.status_code == 403
    assert api.json()["error"]["kind"] == "forbidden"
    assert versions(app) == 1


def test_a_write_from_this_site_passes(app, client) -> None:
    response = client.post(
        f"/people/{MARIA}/add/care-team",
        data={"csrf_token": csrf(client), "role": "nurse"},
        headers={"origin": "http://127.0.0.1:8321", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    # with `Referrer-Policy: no-referrer` a browser's same-origin form says `Origin: null`
    again = client.post(
        f"/people/{MARIA}/add/care-team",
        data={"csrf_token": csrf(client), "role": "oncologist"},
        headers={"origin": "null", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert versions(app) == 3


def test_a_huge_body_is_refused_before_it_is_parsed(app, client) -> None:
    declared = client.post(
        f"/people/{MARIA}/add/care-team",
        content=b"role=nurse&name=" + b"x" * 1_100_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert declared.status_code == 413
    assert "nothing was stored" in declared.text

    def chunks():
        for _ in range(200):
            yield b"x" * 100_000

    streamed = client.post(
        f"/api/people/{MARIA}/entries/labs",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"]["kind"] == "too_large"
    assert versions(app) == 1


def test_a_form_without_a_session_is_refused_before_its_body_is_read(app) -> None:
    from tests.web.conftest import make_client

    with make_client(app) as fresh:
        response = fresh.post(
            f"/people/{MARIA}/add/care-team", data={"role": "nurse", "name": "x" * 500_000}
        )
    assert response.status_code == 403
    assert "did not come from this page" in response.text


def _post_routes() -> list[str]:
    return sorted(
        path.replace("{person_id}", MARIA)
        .replace("{form_key}", "lab")
        .replace("{index}", "0")
        .replace("{version}", "1")
        for method, path in all_routes()
        if method == "POST" and not path.startswith("/api")
    )


def test_every_form_post_without_the_token_is_refused_and_stores_nothing(app, client) -> None:
    paths = _post_routes()
    assert len(paths) >= 4
    before = versions(app)
    for path in paths:
        response = client.post(path, data={"date": "2025-05-01"})
        assert response.status_code == 403, path
        assert "did not come from this page" in response.text, path
        wrong = client.post(path, data={"csrf_token": "x" * 43})
        assert wrong.status_code == 403, path
    assert versions(app) == before


def test_the_token_may_come_in_the_htmx_header(app, client) -> None:
    response = client.post(
        f"/people/{MARIA}/add/care-team",
        data={"role": "nurse", "name": "R. Okafor"},
        headers={"X-CSRF-Token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert versions(app) == 2


def test_api_writes_must_be_json(app, client) -> None:
    response = client.post("/api/people", data={"nextline": "1"})
    assert response.status_code == 415
    assert response.json()["error"]["kind"] == "unsupported_media_type"
    assert versions(app) == 1
