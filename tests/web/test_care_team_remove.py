"""The care team's "remove" button carries the version its page showed; a stale one removes
nobody (the list may have moved under it, so the index could name someone else)."""

from __future__ import annotations

import re

import pytest

from nextline.examples import EXAMPLE_IDS
from tests.web.conftest import MARIA, csrf

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _remove(client, person: str, index: int, base: str | None):
    data = {"csrf_token": csrf(client)}
    if base is not None:
        data["base_version"] = base
    return client.post(
        f"/people/{person}/care-team/{index}/remove", data=data, follow_redirects=False
    )


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_each_remove_button_carries_the_version_the_page_showed(app, client, person) -> None:
    store = app.state.web.store
    store.update(person, lambda f: f.model_copy(update={"symptoms": []}), "other change")
    html = client.get(f"/people/{person}/add").text
    forms = re.findall(
        r'<form method="post" action="/people/[^"]+/care-team/\d+/remove".*?</form>',
        html,
        flags=re.S,
    )
    assert len(forms) == len(store.get(person).care_team)
    for form in forms:
        assert '<input type="hidden" name="base_version" value="2">' in form


def test_a_remove_on_the_shown_version_removes_that_member(app, client) -> None:
    store = app.state.web.store
    before = store.get(MARIA).care_team
    response = _remove(client, MARIA, 1, "1")
    assert response.status_code == 303
    assert store.get(MARIA).care_team == before[:1]
    assert store.history(MARIA)[-1].note == "removed a care team member"


@pytest.mark.parametrize("base", ["1", None, "", "abc", "99"])
def test_a_stale_or_missing_version_removes_nobody(app, client, base) -> None:
    store = app.state.web.store
    # Another tab removed the first member: index 1 now points past the list or at someone else.
    store.update(
        MARIA, lambda f: f.model_copy(update={"care_team": f.care_team[1:]}), "removed one"
    )
    team = store.get(MARIA).care_team
    response = _remove(client, MARIA, 0, base)
    assert response.status_code == 409
    assert "This record changed since you opened it, so nobody was removed." in response.text
    assert store.get(MARIA).care_team == team
    assert store.latest_version(MARIA) == 2
