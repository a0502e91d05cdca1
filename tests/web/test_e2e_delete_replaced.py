"""End to end in headless chromium (see test_e2e.py): a new medicine entered as replacing the
running one, then deleted because it never happened. The delete page asks whether the old
one stopped anyway; unanswered, nothing is deleted; "still going" gives back the record as it
was (tests/web/test_s11_linked_facts.py has the cases). Skipped without chromium."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.web.test_e2e import CHROMIUM, PERSON, browser, page, run_axe, server

__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_e2e.py

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


def _therapies(server: str, version: int) -> list[dict]:
    url = f"{server}/api/people/{PERSON}/record?version={version}"
    with urllib.request.urlopen(url) as response:  # the local test server only
        found: list[dict] = json.load(response).get("therapies", [])
        return found


def test_deleting_a_replacing_medicine_asks_about_the_one_it_stopped(page, browser, server):
    from playwright.sync_api import expect

    before = _therapies(server, 1)
    page.goto(f"{server}/people/{PERSON}/add/treatment-start")
    page.fill("#f-drugs", "eribulin")
    page.fill("#f-start", "2025-05-20")
    page.check("#f-running-replace")
    page.select_option("#f-replace_reason", "progression")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Saved as version 2.")
    capecitabine = next(t for t in _therapies(server, 2) if t.get("drugs") == ["capecitabine"])
    assert capecitabine["stop"] == "2025-05-20"

    page.goto(f"{server}/people/{PERSON}/entries")
    page.get_by_role("link", name=re.compile(r"^Delete your eribulin")).click()
    expect(page.locator("#f-replaced")).to_contain_text("capecitabine, marked as stopped")
    delete_page = page.url.removeprefix(server)
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".error-summary")).to_contain_text("the treatment it replaced")
    page.check("#f-replaced-running")
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("main")).to_contain_text("Saved as version 3.")
    assert _therapies(server, 3) == before
    # The one refused delete is a 422 page, which chromium logs; nothing else.
    errors = page.console_errors  # type: ignore[attr-defined]
    assert [e for e in errors if "status of 422" not in e] == []
    # The question itself: no serious accessibility problem (checked before it was answered).
    assert delete_page.endswith("/delete")
    page.goto(f"{server}/people/{PERSON}/history")
    page.get_by_role("button", name="Undo (back to version 2)").click()
    assert run_axe(browser, server, [delete_page]) == []
