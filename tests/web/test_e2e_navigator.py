"""End to end (headless chromium, see test_e2e.py): a navigator sees three people sorted by
need: the one who wrote an emergency note first, then the one whose treatment turned
"probably not working" at the latest scan, then the one with nothing due; each row opens the
person, and the emergency person's dashboard opens on the emergency box. The stored order is
the reverse, so the page's order is the view's own.

Twice: in local mode (everyone stored), and in server mode, where a navigator signs in
through the sign-in page and sees only the three people assigned to them, never the others
stored (Maria, now navigated by nobody, and Dana, who has her own owner)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from nextline.accounts.principal import Role
from nextline.record.validate import validate_record
from tests.web.accounts_setup import DANA, PASSWORD, server_mode
from tests.web.attention_people import base, growth
from tests.web.conftest import AS_OF, MARIA, make_app
from tests.web.test_e2e import CHROMIUM, SHOTS, chromium, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


def _note(data: dict[str, Any], text: str) -> dict[str, Any]:
    data.setdefault("symptoms", []).append({"date": "2025-05-31", "notes": text})
    return data


def _save_three(app: Any) -> None:
    state = app.state.web
    people = [
        base("a-calm", "Alma Calm"),
        growth(base("b-turned", "Bea Turned")),
        _note(base("c-urgent", "Cora Urgent"), "my legs went numb last night, I can hardly walk"),
    ]
    for data in people:
        state.store.save(validate_record(data, state.kb, AS_OF).file, "import", base=None)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    app = make_app(tmp_path_factory.mktemp("e2e-navigator") / "home", people=(), trials=False)
    _save_three(app)
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def signed_in_server(tmp_path_factory) -> Iterator[str]:
    app = make_app(
        tmp_path_factory.mktemp("e2e-navigator-server") / "home", people=(MARIA, DANA), trials=False
    )
    _save_three(app)
    setup = server_mode(app)
    navigator = setup.ids["navigator"]
    setup.accounts.revoke(navigator, MARIA)
    for person in ("a-calm", "b-turned", "c-urgent"):
        setup.accounts.grant(navigator, person, Role.NAVIGATOR)
    with serving(app) as url:
        yield url


def _check_the_view(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Who needs attention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who needs attention today")
    rows = page.locator("table.navigator tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-person") for i in range(3)] == [
        "c-urgent",
        "b-turned",
        "a-calm",
    ]
    expect(rows.nth(0).locator("li.reason")).to_have_text(
        "Emergency sign reported on 31 May 2025: weak or numb legs, trouble "
        "walking, or a bladder or bowel change (possible spinal cord compression)"
    )
    expect(rows.nth(1).locator("li.reason")).to_have_text(
        "The treatment now looks “probably not working” after the scan of 22 May 2025; "
        "before, it looked “probably working”"
    )
    expect(rows.nth(2)).to_contain_text("Nothing due today")
    expect(page.locator(".attention-count")).to_have_text("2 of 3 people need attention today.")
    # the row opens the person: the dashboard, the emergency box first
    rows.nth(0).get_by_role("link", name="Cora Urgent").click()
    expect(page).to_have_url(url + "/people/c-urgent")
    expect(page.locator("section.red-flags").first).to_contain_text("Emergency")
    page.go_back()
    rows.nth(1).get_by_role("link", name="Bea Turned").click()
    expect(page).to_have_url(url + "/people/b-turned")
    expect(page.locator("main")).to_contain_text("Probably not working")


def test_a_navigator_sees_three_people_sorted_by_need(server) -> None:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(server + "/people")
        _check_the_view(page, server)
        SHOTS.mkdir(exist_ok=True)
        page.goto(server + "/navigator")
        page.screenshot(path=str(SHOTS / "navigator.png"), full_page=True)
        assert errors == []
        context.close()


def test_a_signed_in_navigator_sees_only_their_three_people(signed_in_server) -> None:
    from playwright.sync_api import expect

    url = signed_in_server
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/navigator")
        expect(page).to_have_url(re.compile(re.escape(url) + "/sign-in"))
        page.fill("#f-username", "navigator")
        page.fill("#f-password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{url}/people")
        _check_the_view(page, url)
        page.goto(f"{url}/navigator")
        for hidden in (MARIA, DANA):
            expect(page.locator(f'tr[data-person="{hidden}"]')).to_have_count(0)
        context.close()
