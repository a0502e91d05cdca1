"""One error shape on every route: an HTML page (`error.html`) for pages and forms, the JSON
`{"error": {status, kind, message, problems}}` under `/api`; never a traceback."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.conftest import MARIA, all_routes, csrf, make_client

NOBODY = "nobody-here"
ERROR_KEYS = ["status", "kind", "message", "problems"]


def _concrete(path: str) -> str:
    return (
        path.replace("{person_id}", NOBODY)
        .replace("{form_key}", "lab")
        .replace("{index}", "0")
        .replace("{section}", "labs")
        .replace("{version}", "1")
        .replace("{token}", "not-a-link")
        .replace("{account_id}", "1")
        .replace("{share_id}", "0123456789ab")
    )


def _assert_html_error(response, status: int, kind: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert (
        len(
            re.findall(
                r'<section class="error-page" data-status="(\d+)" data-kind="([a-z_]+)"', html
            )
        )
        == 1
    )
    assert f'<section class="error-page" data-status="{status}" data-kind="{kind}"' in html
    assert '<p class="error-message">' in html
    assert "Traceback" not in html
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def _assert_json_error(response, status: int, kind: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert body["error"]["kind"] == kind
    return body["error"]


def test_every_route_is_covered_by_this_file() -> None:
    routes = all_routes()
    assert len(routes) == 79
    assert all("{" not in _concrete(path) for _, path in routes)


@pytest.mark.parametrize(("method", "path"), [r for r in all_routes() if "{person_id}" in r[1]])
def test_an_unknown_person_is_the_one_404_shape_on_every_route(
    client, method: str, path: str
) -> None:
    url = _concrete(path)
    if method == "GET":
        response = client.get(url)
    elif path.startswith("/api"):
        response = client.post(url, json={"date": "2025-01-01"})
    else:
        response = client.post(url, data={"csrf_token": csrf(client)})
    if path.startswith("/api"):
        error = _assert_json_error(response, 404, "not_found")
        assert error["message"] == f"no person with id {NOBODY!r}"
    else:
        _assert_html_error(response, 404, "not_found")
        assert f"no person with id &#39;{NOBODY}&#39;" in response.text


@pytest.mark.parametrize(("method", "path"), [r for r in all_routes() if "{person_id}" not in r[1]])
def test_routes_without_a_person_give_the_one_shape_for_bad_input(
    client, method: str, path: str
) -> None:
    url = _concrete(path)
    if method == "GET" and ("{token}" in path or path == "/account"):
        # a link that is not one (or, with no accounts, no account page): the one 404 shape
        _assert_html_error(client.get(url), 404, "not_found")
        return
    if method == "GET":  # these take no input that can be wrong: they simply answer
        assert client.get(url, follow_redirects=False).status_code in (200, 303)
        return
    if path.startswith("/api"):
        response = client.post(url, content=b"{", headers={"content-type": "application/json"})
        _assert_json_error(response, 422, "request_invalid")
    else:
        response = client.post(url, data={"csrf_token": "wrong" * 10})
        _assert_html_error(response, 403, "forbidden")


def test_an_unknown_address(client) -> None:
    _assert_html_error(client.get("/nowhere"), 404, "not_found")
    error = _assert_json_error(client.get("/api/nowhere"), 404, "not_found")
    assert error["message"] == "There is no page at this address."


def test_a_wrong_method(client) -> None:
    _assert_html_error(client.delete("/people"), 405, "method_not_allowed")
    _assert_json_error(client.put("/api/people", json={}), 405, "method_not_allowed")


def test_an_unexpected_failure_is_a_calm_500_without_details(app, monkeypatch) -> None:
    from nextline.web import engines

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail: Maria's liver")

    monkeypatch.setattr(engines, "status", broken)
    with make_client(app, raise_server_exceptions=False) as failing:
        page = failing.get(f"/people/{MARIA}")
        api = failing.get(f"/api/people/{MARIA}/status")
    _assert_html_error(page, 500, "internal")
    assert "Something went wrong on this page. Nothing was changed." in page.text
    assert "secret detail" not in page.text
    error = _assert_json_error(api, 500, "internal")
    assert "secret detail" not in json.dumps(error)


def test_a_failure_is_logged_without_health_data(app, monkeypatch, caplog) -> None:
    from nextline.web import engines

    monkeypatch.setattr(engines, "status", lambda *a, **k: 1 / 0)
    with make_client(app, raise_server_exceptions=False) as failing:
        failing.get(f"/people/{MARIA}")
    logged = [r.getMessage() for r in caplog.records if r.name == "nextline.web"]
    assert logged == ["unexpected ZeroDivisionError on GET /people/{person_id}"]
