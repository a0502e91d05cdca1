"""Sharing, end to end in Debian's headless chromium: an owner invites a caregiver, who makes
an account, signs in and adds a lab; a clinician's link shows the summary read-only and stops
working when revoked and when expired; nobody sees a person they were not given.

A real server (uvicorn on 127.0.0.1) over a fresh store in server mode (`accounts_setup`):
Maria's owner, Dana and her owner. Each scenario is one browser session with a context per
person (separate cookies, as separate computers). Skipped, saying so, without /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.accounts_setup import DANA, PASSWORD, Server, server_mode
from tests.web.conftest import MARIA, make_app
from tests.web.test_e2e import CHROMIUM, chromium, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[Server, str]]:
    app = make_app(tmp_path_factory.mktemp("e2e-sharing") / "home", people=(MARIA, DANA))
    setup = server_mode(app)
    with serving(app) as url:
        yield setup, url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _sign_in(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/sign-in")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.get_by_role("button", name="Sign in").click()


def _labs(setup: Server) -> list[Any]:
    return list(setup.app.state.web.store.get(MARIA).labs)


def test_an_owner_invites_a_caregiver_who_signs_in_and_adds_a_lab(server, browser) -> None:
    from playwright.sync_api import expect

    setup, url = server
    owner = browser.new_context().new_page()
    _sign_in(owner, url, "owner")
    expect(owner.locator("h1")).to_have_text("People")
    owner.goto(f"{url}/people/{MARIA}")
    owner.get_by_role("link", name="Sharing").click()
    owner.select_option("#f-role", "caregiver")
    owner.get_by_role("button", name="Make an invitation link").click()
    link = owner.locator("#made-link").inner_text()
    assert link.startswith(f"{url}/invite/")

    carer = browser.new_context().new_page()
    carer.goto(link)
    expect(carer.locator("h1")).to_have_text("You are invited")
    carer.fill("#f-username", "sam.carer")
    carer.fill("#f-display_name", "Sam")
    carer.fill("#f-password", "a long family password")
    carer.fill("#f-password_again", "a long family password")
    carer.get_by_role("button", name="Make my account").click()
    expect(carer.locator(".notice")).to_contain_text("Your account is ready")
    carer.fill("#f-username", "sam.carer")
    carer.fill("#f-password", "a long family password")
    carer.get_by_role("button", name="Sign in").click()
    assert carer.url == f"{url}/people/{MARIA}"

    labs_before = len(_labs(setup))
    carer.goto(f"{url}/people/{MARIA}/add/lab")
    carer.fill("#f-date", "2025-05-20")
    carer.select_option("#f-test", "CA 15-3")
    carer.fill("#f-value", "52")
    carer.select_option("#f-unit", "U/mL")
    carer.get_by_role("button", name="Save").click()
    expect(carer.locator(".notice")).to_contain_text("Saved as version")
    labs = _labs(setup)
    assert len(labs) == labs_before + 1
    assert (str(labs[-1].date), labs[-1].value) == ("2025-05-20", 52)

    # the owner sees the new helper in the list of who can see the record
    owner.goto(f"{url}/people/{MARIA}/sharing")
    expect(owner.locator(".members")).to_contain_text("Sam")
    expect(owner.locator(".members")).to_contain_text("caregiver")
    owner.context.close()
    carer.context.close()


def test_a_clinician_link_is_read_only_and_stops_when_revoked_or_expired(server, browser) -> None:
    from playwright.sync_api import expect

    setup, url = server
    owner = browser.new_context().new_page()
    _sign_in(owner, url, "owner")
    owner.goto(f"{url}/people/{MARIA}/sharing")
    owner.fill("#f-label", "Dr Okafor, oncology")
    owner.fill("#f-days", "7")
    owner.get_by_role("button", name="Make a link").click()
    link = owner.locator("#made-link").inner_text()
    assert link.startswith(f"{url}/share/")

    doctor = browser.new_context().new_page()
    doctor.goto(link)
    assert doctor.url == f"{url}/people/{MARIA}/summary"
    expect(doctor.locator(".signed-in")).to_have_text("Shared with you to read")
    nav = doctor.get_by_role("navigation", name="This person's record")
    expect(nav.get_by_role("link", name="Summary")).to_be_visible()
    expect(nav.get_by_role("link", name="Add to the record")).to_have_count(0)
    # no button that would change the record is offered, on any page read
    for path in ("", "/questions", "/history"):
        doctor.goto(f"{url}/people/{MARIA}{path}")
        expect(doctor.locator("main form[method=post]").first).to_be_hidden()
        assert doctor.locator("main button:visible").count() == 0, path
    # read-only: a form reached by its address is not offered, and sending it anyway (with
    # the page's own token, from this browser's cookies) is refused and stores nothing
    versions = len(setup.app.state.web.store.history(MARIA))
    doctor.goto(f"{url}/people/{MARIA}/add/lab")
    expect(doctor.get_by_role("button", name="Save")).to_be_hidden()
    token = doctor.locator("input[name=csrf_token]").first.get_attribute("value")
    sent = doctor.context.request.post(
        f"{url}/people/{MARIA}/add/lab",
        form={
            "csrf_token": token or "",
            "date": "2025-05-21",
            "test": "CA 15-3",
            "value": "60",
            "unit": "U/mL",
        },
        max_redirects=0,
    )
    assert sent.status == 403
    assert "You can read this record but not change it." in sent.text()
    assert len(setup.app.state.web.store.history(MARIA)) == versions
    # and another person is not found
    doctor.goto(f"{url}/people/{DANA}/summary")
    expect(doctor.locator(".error-page")).to_have_attribute("data-status", "404")

    # revoked by the owner: the next page says the link no longer works
    owner.goto(f"{url}/people/{MARIA}/sharing")
    owner.get_by_role(
        "button", name="Turn off the link for Dr Okafor, oncology", exact=True
    ).click()
    expect(owner.locator(".share-links")).to_contain_text("turned off")
    doctor.goto(f"{url}/people/{MARIA}/summary")
    expect(doctor.locator("h1")).to_have_text("This link does not work any more")
    doctor.goto(link)
    expect(doctor.locator("h1")).to_have_text("This link does not work any more")

    # a second link, which expires: a day later it opens nothing
    second = setup.accounts.create_share(MARIA, "Dr Lee", setup.ids["owner"], days=1)
    doctor.goto(f"{url}/share/{second}")
    assert doctor.url == f"{url}/people/{MARIA}/summary"
    setup.clock.advance(days=1, seconds=1)
    doctor.goto(f"{url}/people/{MARIA}/summary")
    expect(doctor.locator("h1")).to_have_text("This link does not work any more")
    owner.context.close()
    doctor.context.close()


def test_nobody_sees_a_person_they_were_not_given(server, browser) -> None:
    from playwright.sync_api import expect

    _, url = server
    page = browser.new_context().new_page()
    _sign_in(page, url, "caregiver")
    expect(page.locator(".people-list a").first).to_have_text("Maria (example)")
    listed = page.locator(".people-list > li > a").all_inner_texts()
    assert len(listed) == 1
    for path in ("", "/summary", "/record.yaml", "/sharing"):
        page.goto(f"{url}/people/{DANA}{path}")
        expect(page.locator(".error-page")).to_have_attribute("data-status", "404")
        expect(page.locator(".error-message")).to_have_text(f"no person with id '{DANA}'")
    # the caregiver is not the owner: Maria's sharing page is refused, not hidden
    page.goto(f"{url}/people/{MARIA}/sharing")
    expect(page.locator(".error-page")).to_have_attribute("data-status", "403")
    page.context.close()
