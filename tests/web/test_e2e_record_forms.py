"""End to end in headless chromium (see test_e2e.py): a site seen on a scan is confirmed
from the dashboard, and an implausible lab value is asked about and kept only when confirmed.
axe-core and the phone width of every page are checked in test_e2e_every_page.py. Skipped,
saying so, without chromium."""

from __future__ import annotations

import re

import pytest

from tests.web.test_e2e import CHROMIUM, PERSON, browser, page, server

__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_e2e.py

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


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
