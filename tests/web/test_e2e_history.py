"""End to end in headless chromium (see test_e2e.py): correct a wrong lab, delete an entry,
undo twice and redo once, and check what each version holds. Skipped without chromium."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.web.test_e2e import CHROMIUM, PERSON, browser, page, server

__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_e2e.py

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


def _version(server: str, number: int) -> dict:
    url = f"{server}/api/people/{PERSON}/record?version={number}"
    with urllib.request.urlopen(url) as response:  # the local test server only
        data: dict = json.load(response)
        return data


def _ca153(record: dict) -> list[float]:
    return [lab["value"] for lab in record.get("labs", []) if lab["test"] == "CA 15-3"]


def test_correct_delete_undo_twice_redo_once(page, server) -> None:
    from playwright.sync_api import expect

    first = _version(server, 1)
    labs = _ca153(first)
    page.goto(f"{server}/people/{PERSON}/timeline")
    page.get_by_role("link", name="Correct or delete an entry").click()
    page.get_by_role("link", name=re.compile(r"^Correct your CA 15-3 result")).first.click()
    expect(page.locator("h1")).to_contain_text("Correct your CA 15-3 result")
    page.fill("#f-value", "123")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Saved as version 2.")
    assert _ca153(_version(server, 2)) == [123.0, *labs[1:]]

    symptoms = len(first.get("symptoms", []))
    assert symptoms >= 1
    page.get_by_role("link", name=re.compile(r"^Delete your symptom report")).first.click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("main")).to_contain_text("Saved as version 3.")
    assert len(_version(server, 3).get("symptoms", [])) == symptoms - 1

    page.goto(f"{server}/people/{PERSON}/history")
    page.get_by_role("button", name="Undo (back to version 2)").click()
    expect(page.locator("main")).to_contain_text("now version 4")
    page.get_by_role("button", name="Undo (back to version 1)").click()
    expect(page.locator("main")).to_contain_text("now version 5")
    page.get_by_role("button", name="Redo (forward to version 2)").click()
    expect(page.locator("main")).to_contain_text("now version 6")
    expect(page.locator("ol.versions")).to_contain_text("redo: forward to version 2")

    assert _version(server, 4)["labs"] == _version(server, 2)["labs"]
    assert _version(server, 4).get("symptoms") == first.get("symptoms")
    assert _version(server, 5) == first
    assert _version(server, 6) == _version(server, 2)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_axe_finds_no_serious_violation_on_the_history_and_entry_pages(browser, server) -> None:
    from tests.web.test_e2e import run_axe

    paths = [
        f"/people/{PERSON}/history",
        f"/people/{PERSON}/entries",
        f"/people/{PERSON}/entries/labs/0/correct",
        f"/people/{PERSON}/entries/symptoms/0/delete",
    ]
    assert run_axe(browser, server, paths) == []
