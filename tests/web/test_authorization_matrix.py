"""The authorization matrix: every route of the app x every role x own or other person.

Generated from the app's own route table (`app.routes`), so a route added anywhere without an
access rule fails here. Each role is a real client: signed in through the sign-in form (the
real session cookie), holding a clinician's share link (the share cookie), or anonymous. The
expectation below is written from the rules' meaning (not by calling `web.access`), and each
cell is one real request through the middleware. For allowed cells the app answers right
after the access check (`access_probe`) so the matrix stays fast; what the allowed pages then
do is tested elsewhere (and in `test_e2e_sharing.py` through the browser).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from nextline.accounts.audit import entries
from nextline.web.access import RULES, Rule, rule_for
from tests.web.accounts_setup import DANA, ROLES, Server, client_as, server_mode
from tests.web.conftest import MARIA, csrf, make_app, make_client

KIND = {
    "owner": "account",
    "caregiver": "account",
    "navigator": "account",
    "norole": "account",
    "admin": "account",
    "clinician": "share",
    "anonymous": "anonymous",
}
EDITORS = {"owner", "caregiver", "navigator"}
READERS = EDITORS | {"clinician"}


def app_routes(app: Any) -> list[tuple[str, str]]:
    """(method, template) of every route the app serves, from its route table: included
    routers with their prefixes, plain routes, and mounts (as `{mount}/{path}`)."""
    from starlette.routing import Mount

    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            pairs = [(c.methods, c.path_format) for c in route.effective_route_contexts()]
        elif isinstance(route, Mount):
            pairs = [({"GET"}, route.path + "/{path}")]
        else:
            pairs = [(route.methods, route.path)]
        for methods, template in pairs:
            for method in set(methods) - {"HEAD"}:
                found.add((method, str(template)))
    return sorted(found)


def expected(rule: Rule, role: str, own: bool) -> int:
    """What the rule means for a role: 200 allowed, 401 sign in first, 403 refused, 404 not
    found (a person the caller has no role for is never said to exist)."""
    if rule is Rule.PUBLIC:
        return 200
    if role == "anonymous":
        return 401
    if rule is Rule.SIGNED_IN:
        return 200
    if rule is Rule.CREATE_PERSON:
        return 403 if role in ("clinician", "admin") else 200
    if rule is Rule.ADMIN:
        return 200 if role == "admin" else 403
    if not own or role not in READERS:
        return 404
    allowed = {
        Rule.PERSON_READ: READERS,
        Rule.PERSON_WRITE: EDITORS,
        Rule.PERSON_OWNER: {"owner"},
    }[rule]
    return 200 if role in allowed else 403


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    app = make_app(tmp_path_factory.mktemp("matrix") / "home", trials=False)
    return server_mode(app)


@pytest.fixture(scope="module")
def clients(server: Server) -> Iterator[dict[str, Any]]:
    made = {role: client_as(server, role) for role in ROLES}
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


def _concrete(template: str, server: Server, person: str) -> str:
    share_id = server.accounts.shares(MARIA)[0].id
    return (
        template.replace("{person_id}", person)
        .replace("{form_key}", "lab")
        .replace("{index}", "0")
        .replace("{section}", "labs")
        .replace("{version}", "1")
        .replace("{token}", "not-a-link")
        .replace("{account_id}", str(server.ids["caregiver"]))
        .replace("{share_id}", share_id)
        .replace("{path}", "app.css")
    )


def _send(client: Any, method: str, template: str, url: str) -> Any:
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if template.startswith("/api"):
        return client.post(url, json=_api_body(template), follow_redirects=False)
    return client.post(url, data=_form(client, template), follow_redirects=False)


def _form(client: Any, template: str) -> dict[str, str]:
    """A plausible, complete form for each kind of POST (with a valid CSRF token)."""
    token = csrf(client) if client.cookies.get("nextline_csrf") else "none"
    forms = {
        "/add/{form_key}": {"date": "2025-05-20", "test": "CA 15-3", "value": "40", "unit": "U/mL"},
        "/delete": {"confirm_name": "Maria (example)"},
        "/questions/add": {"text": "Is this still working?"},
        "/sharing/invite": {"role": "caregiver"},
        "/sharing/links": {"label": "Dr Lee", "days": "7"},
        "/menopausal-status": {"menopausal_status": "postmenopausal"},
        "/people/start": {"patient.name": "New Person", "patient.sex": "female"},
        "/people/examples": {"example": DANA},
        "/sign-in": {"username": "owner", "password": "wrong password here"},
    }
    body = next((v for k, v in forms.items() if template.endswith(k)), {"note": "x"})
    return {"csrf_token": token, **body}


def _api_body(template: str) -> dict[str, Any]:
    from nextline.examples import example_path
    from nextline.record import patient_file_data, read_patient_file

    if template == "/api/people":
        return json.loads(json.dumps(patient_file_data(read_patient_file(example_path(MARIA)))))
    return {"date": "2025-05-20", "test": "CA 15-3", "value": 40, "unit": "U/mL"}


def _outcome(response: Any, is_api: bool) -> int:
    """The access decision a response shows: 200 when the check let it through (the probe),
    else the refusal."""
    if response.status_code == 204 and response.headers.get("x-access") == "allowed":
        return 200
    if response.status_code == 303:
        assert not is_api
        assert response.headers["location"].startswith("/sign-in")
        return 401
    return int(response.status_code)


def test_every_route_has_an_access_rule(server: Server) -> None:
    missing = [route for route in app_routes(server.app) if rule_for(*route) is None]
    assert missing == []


def test_every_rule_names_a_route_the_app_serves(server: Server) -> None:
    assert sorted(set(RULES) - set(app_routes(server.app))) == []


def test_the_matrix_covers_every_route_and_role(server: Server) -> None:
    routes = app_routes(server.app)
    assert len(routes) == len(RULES) == 82
    person = [r for r in routes if "{person_id}" in r[1]]
    assert len(person) == 56  # each with the own and the other person, for 7 roles
    assert len(_cells(server.app)) == (82 + 56) * len(ROLES)


def _cells(server_app: Any) -> list[tuple[str, str, str, bool]]:
    cells = []
    for method, template in app_routes(server_app):
        for role in ROLES:
            cells.append((method, template, role, True))
            if "{person_id}" in template:
                cells.append((method, template, role, False))
    return cells


def test_every_cell_of_the_matrix(server: Server, clients: dict[str, Any]) -> None:
    """Every route x role x own/other person: allowed or refused as its rule says, and every
    person-scoped request is in the audit log (refusals as "refused")."""
    server.app.state.access_probe = True
    wrong: list[str] = []
    try:
        for method, template, role, own in _cells(server.app):
            rule = rule_for(method, template)
            assert rule is not None
            person = MARIA if own else DANA
            url = _concrete(template, server, person)
            response = _send(clients[role], method, template, url)
            got = _outcome(response, template.startswith("/api"))
            want = expected(rule, role, own)
            cell = f"{method} {template} as {role} ({'own' if own else 'other'})"
            if got != want:
                wrong.append(f"{cell}: {got}, expected {want}")
                continue
            if want == 404:
                assert "no person with id" in response.text, cell
            if "{person_id}" in template:
                last = entries(server.app.state.web.store.engine, person, limit=1)[0]
                action = "refused" if want != 200 else None
                if action is not None and last.action != action:
                    wrong.append(f"{cell}: audited {last.action}, expected refused")
                elif action is None and last.action not in ("read", "change", "download"):
                    wrong.append(f"{cell}: audited {last.action}")
                if last.actor_kind != KIND[role] or last.what != f"{method} {template}":
                    wrong.append(f"{cell}: audited as {last.actor_kind} {last.what}")
    finally:
        server.app.state.access_probe = False
    assert wrong == []


def _write_routes(server_app: Any) -> list[tuple[str, str]]:
    return [(m, t) for m, t in app_routes(server_app) if m == "POST"]


def _stored(server: Server) -> tuple[Any, ...]:
    """Everything a write could change: every person's versions, who may see Maria, her
    share links."""
    store = server.app.state.web.store
    people = tuple((p.id, p.versions) for p in store.list())
    members = tuple(server.accounts.members(MARIA))
    shares = tuple((s.id, s.revoked_at) for s in server.accounts.shares(MARIA))
    return people, members, shares


def test_a_post_of_every_form_by_every_role_without_access_stores_nothing(
    server: Server, clients: dict[str, Any]
) -> None:
    """The probe is off: a refused POST would run its route if the check let it through."""
    assert server.app.state.access_probe is False
    before = _stored(server)
    refused = 0
    for method, template in _write_routes(server.app):
        rule = rule_for(method, template)
        assert rule is not None
        for role in ROLES:
            for own in (True, False) if "{person_id}" in template else (True,):
                if expected(rule, role, own) == 200:
                    continue
                person = MARIA if own else DANA
                response = _send(
                    clients[role], method, template, _concrete(template, server, person)
                )
                cell = f"{method} {template} as {role} ({'own' if own else 'other'})"
                assert _outcome(response, template.startswith("/api")) in (401, 403, 404), cell
                assert _stored(server) == before, cell
                if "{person_id}" in template:
                    last = entries(server.app.state.web.store.engine, person, limit=1)[0]
                    assert (last.action, last.what) == ("refused", f"POST {template}"), cell
                refused += 1
    assert refused >= 150


def test_a_route_without_a_rule_is_refused_for_everyone(tmp_path) -> None:
    """Deny by default: a new route nobody gave a rule is refused, even to the local user
    and to the person's owner."""
    from fastapi.responses import PlainTextResponse

    app = make_app(tmp_path / "home", people=(MARIA, DANA), trials=False)

    @app.get("/people/{person_id}/brand-new")
    def brand_new(person_id: str) -> PlainTextResponse:
        return PlainTextResponse("secret")

    with make_client(app) as local:
        response = local.get(f"/people/{MARIA}/brand-new")
        assert response.status_code == 403
        assert "secret" not in response.text
    server = server_mode(app)
    owner = client_as(server, "owner")
    response = owner.get(f"/people/{MARIA}/brand-new")
    assert response.status_code == 403
    assert "secret" not in response.text
    owner.__exit__(None, None, None)


def test_in_local_mode_every_rule_but_admin_lets_the_one_user_through(tmp_path) -> None:
    """No accounts: the one user of this computer may do everything, as before."""
    app = make_app(tmp_path / "home", people=(MARIA, DANA), trials=False)
    app.state.access_probe = True
    with make_client(app) as local:
        local.get("/static/app.css")
        for method, template in app_routes(app):
            url = _concrete_local(template)
            response = _send(local, method, template, url)
            assert _outcome(response, template.startswith("/api")) == 200, template
    assert entries(app.state.web.store.engine, MARIA) == []  # local mode writes no audit


def _concrete_local(template: str) -> str:
    return (
        template.replace("{person_id}", MARIA)
        .replace("{form_key}", "lab")
        .replace("{index}", "0")
        .replace("{section}", "labs")
        .replace("{version}", "1")
        .replace("{token}", "not-a-link")
        .replace("{account_id}", "1")
        .replace("{share_id}", "0" * 12)
        .replace("{path}", "app.css")
    )


def test_lists_show_only_the_people_a_role_may_see(server: Server, clients: dict[str, Any]) -> None:
    import re

    seen = {}
    for role in ROLES:
        if role == "anonymous":
            continue
        page = clients[role].get("/people").text
        listed = re.findall(r'<li><a href="/people/([^"]+)">', page)
        api = [p["id"] for p in clients[role].get("/api/people").json()]
        assert listed == api, role
        seen[role] = listed
    assert seen == {
        "owner": [MARIA],
        "caregiver": [MARIA],
        "navigator": [MARIA],
        "clinician": [MARIA],
        "admin": [],
        "norole": [],
    }
    assert clients["anonymous"].get("/api/people").status_code == 401


def test_the_rules_follow_what_each_route_does() -> None:
    """The table itself, checked against the routes' shape (the matrix above checks what
    each rule means): a person's route always needs a role for that person, a POST on a
    person always needs more than reading, and only these are open to anyone or owner-only."""
    from nextline.web.access import PERSON_RULES

    wrong = []
    for (method, template), rule in RULES.items():
        if "{person_id}" in template and rule not in PERSON_RULES:
            wrong.append(f"{method} {template}: {rule} for a person's route")
        if "{person_id}" in template and method == "POST" and rule is Rule.PERSON_READ:
            wrong.append(f"{method} {template}: a change allowed to a reader")
    assert wrong == []
    public = sorted(t for (m, t), r in RULES.items() if r is Rule.PUBLIC)
    assert public == sorted(
        [
            "/api/docs",
            "/api/openapi.json",
            "/invite/{token}",
            "/invite/{token}",
            "/set-password/{token}",
            "/set-password/{token}",
            "/share/{token}",
            "/sign-in",
            "/sign-in",
            "/sign-out",
            "/static/{path}",
        ]
    )
    owner_only = sorted(f"{m} {t}" for (m, t), r in RULES.items() if r is Rule.PERSON_OWNER)
    assert owner_only == [
        "GET /people/{person_id}/access-log",
        "GET /people/{person_id}/access-log.csv",
        "GET /people/{person_id}/access-log.json",
        "GET /people/{person_id}/delete",
        "GET /people/{person_id}/sharing",
        "POST /people/{person_id}/delete",
        "POST /people/{person_id}/sharing/invite",
        "POST /people/{person_id}/sharing/links",
        "POST /people/{person_id}/sharing/links/{share_id}/revoke",
        "POST /people/{person_id}/sharing/members/{account_id}/remove",
    ]


def test_a_route_the_check_cannot_match_is_refused_not_let_through(tmp_path) -> None:
    """The safety net: if the flat route table ever missed a route the router serves (a new
    kind of route), the request is refused, not let through unchecked."""
    app = make_app(tmp_path / "home", people=(MARIA,), trials=False)
    with make_client(app) as local:
        assert local.get(f"/people/{MARIA}/history").status_code == 200
        app.state.route_entries = []  # as if the table knew no route
        assert local.get(f"/people/{MARIA}/history").status_code == 403
        assert local.get("/nowhere").status_code == 404  # no route at all: still not found
