"""End to end in headless chromium (see test_e2e.py): a site seen on a scan is confirmed from
the dashboard, an implausible lab value is asked about and kept only when confirmed, and
axe-core finds nothing serious on the new pages. Skipped, saying so, without chromium."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import MARIA
from tests.web.test_e2e import CHROMIUM, PERSON, browser, page, run_axe, server

__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_e2e.py

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)

NEW_PAGES = [
    "/people",
    "/people/start",
    f"/people/{MARIA}/delete",
] + [
    f"/people/{MARIA}/add/{key}"
    for key in (
        "metastasis",
        "diagnosis",
        "performance",
        "side-effect",
        "surgery",
        "radiation",
        "assessment",
        "appointment",
        "upcoming-event",
        "palliative-care",
    )
]


def test_a_site_seen_on_a_scan_is_confirmed_from_the_dashboard(page, server) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/people/{PERSON}")
    ask = page.locator("#ask-sites")
    expect(ask).to_contain_text("shows something in the lymph nodes")
    ask.get_by_role("button", name="Yes, the cancer has spread to the lymph nodes").click()
    expect(page.locator("#ask-sites")).to_have_count(0)
    page.goto(f"{server}/people/{PERSON}/add/metastasis")
    expect(page.locator("main")).to_contain_text("Already on the list: bones, liver, lymph nodes")


def test_an_implausible_lab_value_is_kept_only_when_confirmed(page, server) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/people/{PERSON}/add/lab")
    page.select_option("#f-test", "WBC")
    page.fill("#f-value", "5200")
    page.select_option("#f-unit", "10^9/L")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#f-value-error")).to_contain_text("Did you mean 5200 /µL = 5.2 ×10^9/L?")
    page.check("#f-confirm")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(server)}/people/{PERSON}\?saved=\d+$"))


def test_axe_finds_no_serious_or_critical_violation_on_the_new_pages(browser, server) -> None:
    assert run_axe(browser, server, NEW_PAGES) == []


def test_no_new_page_scrolls_sideways_on_a_phone(browser, server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide = []
    for path in [*NEW_PAGES, f"/people/{PERSON}/add/treatment-start"]:
        page.goto(server + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width}px")
    context.close()
    assert wide == []
