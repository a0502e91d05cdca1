"""`web.access.decide` on its own (pure): the audit action of each kind of request, HEAD as
GET, and deny by default."""

from __future__ import annotations

import pytest

from nextline.accounts.principal import Kind, Principal, Role
from nextline.web.access import decide, visible

CAREGIVER = Principal(Kind.ACCOUNT, "Sam", account_id=2, roles={"ana": Role.CAREGIVER})


@pytest.mark.parametrize(
    ("method", "template", "action"),
    [
        ("GET", "/people/{person_id}", "read"),
        ("HEAD", "/people/{person_id}/timeline", "read"),
        ("GET", "/people/{person_id}/record.yaml", "download"),
        ("GET", "/people/{person_id}/summary.pdf", "download"),
        ("GET", "/people/{person_id}/summary.html", "download"),
        ("GET", "/api/people/{person_id}/summary.pdf", "download"),
        ("GET", "/api/people/{person_id}/record", "download"),
        ("GET", "/api/people/{person_id}/status", "read"),
        ("POST", "/people/{person_id}/add/{form_key}", "change"),
        ("POST", "/api/people/{person_id}/entries/{section}", "change"),
        ("POST", "/people/{person_id}/delete", "refused"),  # owner only
        ("GET", "/people/{person_id}/sharing", "refused"),
    ],
)
def test_each_person_request_has_its_audit_action(method: str, template: str, action: str) -> None:
    decision = decide(CAREGIVER, method, template, {"person_id": "ana"})
    assert decision.audit == action
    assert decision.person_id == "ana"
    assert decision.status == (403 if action == "refused" else 200)


def test_another_person_is_not_found_and_audited_as_refused() -> None:
    decision = decide(CAREGIVER, "GET", "/people/{person_id}/summary", {"person_id": "bea"})
    assert (decision.status, decision.audit, decision.person_id) == (404, "refused", "bea")


def test_a_route_without_a_rule_is_refused_even_for_the_local_user() -> None:
    decision = decide(Principal.local(), "GET", "/people/{person_id}/secret", {"person_id": "a"})
    assert (decision.status, decision.rule, decision.audit) == (403, None, None)
    assert decide(Principal.local(), "DELETE", "/people", {}).status == 403


def test_requests_that_touch_no_person_are_not_audited() -> None:
    for template in ("/people", "/sign-in", "/people/start"):
        assert decide(CAREGIVER, "GET", template, {}).audit is None


def test_visible_keeps_order_and_shows_an_admin_nobody() -> None:
    class Row:
        def __init__(self, id: str) -> None:
            self.id = id

    rows = [Row("ana"), Row("bea"), Row("cy")]
    assert [r.id for r in visible(CAREGIVER, rows)] == ["ana"]
    assert [r.id for r in visible(Principal.local(), rows)] == ["ana", "bea", "cy"]
    admin = Principal(Kind.ACCOUNT, "root", account_id=1, is_admin=True, roles={"ana": Role.OWNER})
    assert visible(admin, rows) == []
    assert visible(Principal.anonymous(), rows) == []
