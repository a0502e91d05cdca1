"""End to end from an EMPTY store, through forms only, in headless chromium (see test_e2e.py):
a 61-year-old woman with HR+/HER2-low cancer in the liver and bones, a growing liver lesion,
back pain and numb legs, and her daughter's wedding coming up. The dashboard must then say
"probably not working" with the growing lesion, show the cord-compression emergency first,
offer the bone options, and ask about timing treatment around the wedding."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import make_app
from tests.web.test_e2e import CHROMIUM, _shot, chromium, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory) -> Iterator[str]:
    app = make_app(tmp_path_factory.mktemp("story") / "home", people=(), trials=False)
    with serving(app) as url:
        yield url


@pytest.fixture
def story_page(empty_server) -> Iterator[object]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        yield context.new_page()


def _save(page) -> None:
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()


def test_the_whole_story_from_an_empty_store(story_page, empty_server) -> None:
    from playwright.sync_api import expect

    page = story_page
    base = empty_server

    # A new person, with no id asked.
    page.goto(f"{base}/people/start")
    page.fill("#f-patient-name", "Rosa (test)")
    page.fill("#f-patient-birth", "1964-03-10")
    page.select_option("#f-patient-sex", "female")
    page.select_option("#f-patient-menopausal_status", "postmenopausal")
    page.fill("#f-diagnosis-first_diagnosed", "2019-02-01")
    page.fill("#f-diagnosis-metastatic_since", "2024-09-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    person = page.url.rstrip("/").split("/people/")[1].split("?")[0]
    expect(page.locator("h1")).to_contain_text("Rosa (test)")

    def add(key: str) -> None:
        page.goto(f"{base}/people/{person}/add/{key}")

    # The tumor test: HR-positive, HER2-low.
    add("tumor-test")
    page.fill("#f-date", "2024-09-10")
    page.select_option("#f-er-result", "positive")
    page.fill("#f-er-percent", "90")
    page.fill("#f-pr-percent", "40")
    page.select_option("#f-her2-ihc", "1+")
    _save(page)

    # The treatment: letrozole + ribociclib.
    add("treatment-start")
    page.fill("#f-drugs", "letrozole, ribociclib")
    page.fill("#f-start", "2024-10-01")
    _save(page)

    # The baseline scan and the one that shows growth.
    add("scan")
    page.fill("#f-date", "2024-09-20")
    page.select_option("#f-modality", "CT")
    page.fill("#f-lesions-0-id", "liver-1")
    page.fill("#f-lesions-0-organ", "liver")
    page.select_option("#f-lesions-0-role", "target")
    page.fill("#f-lesions-0-size_mm", "20")
    page.fill("#f-lesions-1-id", "bone-1")
    page.fill("#f-lesions-1-organ", "T12 vertebra")
    page.select_option("#f-lesions-1-role", "non_target")
    page.select_option("#f-lesions-1-status", "present")
    _save(page)
    add("scan")
    page.fill("#f-date", "2025-05-20")
    page.select_option("#f-modality", "CT")
    page.fill("#f-impression", "the liver lesion is larger")
    page.fill("#f-lesions-0-longest_mm", "31")
    page.select_option("#f-lesions-1-status", "present")
    _save(page)

    # Where it has spread, from the sites the scans show.
    for site in ("liver", "bone"):
        add("metastasis")
        page.select_option("#f-site", site)
        page.fill("#f-since", "2024-09-01")
        _save(page)

    # A lab, a symptom report with ticked signs, and the wedding.
    add("lab")
    page.fill("#f-date", "2025-05-28")
    page.select_option("#f-test", "calcium")
    page.fill("#f-value", "9.6")
    page.select_option("#f-unit", "mg/dL")
    _save(page)
    add("symptoms")
    page.fill("#f-date", "2025-05-30")
    page.get_by_label("New or worse back or neck pain").check()
    page.get_by_label("Weak, numb or tingling legs or feet").check()
    page.fill("#f-notes", "back pain since Sunday and my legs feel numb")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    add("upcoming-event")
    page.locator('input[name^="upcoming_events"][name$=".date"]').fill("2025-07-12")
    page.locator('input[name^="upcoming_events"][name$=".what"]').fill("my daughter's wedding")
    _save(page)

    # The dashboard: the emergency first, then "probably not working" with the growing lesion.
    page.goto(f"{base}/people/{person}")
    expect(page.locator("main h2").first).to_have_text("Act now")
    expect(page.locator('.red-flag[data-kind="possible_spinal_cord_compression"]')).to_be_visible()
    verdict = page.locator(".verdict")
    expect(verdict).to_have_attribute("data-overall", "not_working")
    expect(page.locator(".headline")).to_contain_text("growing")
    _shot(page, "20-story-dashboard")

    # The bone options, and a question about timing treatment around the wedding.
    page.goto(f"{base}/people/{person}/options")
    expect(page.locator("#option-bone_modifying_agent")).to_have_count(1)
    expect(page.locator("#option-palliative_radiation_bone")).to_have_count(1)
    expect(page.locator("#option-spinal_cord_compression_urgent")).to_have_count(1)
    page.goto(f"{base}/people/{person}/questions")
    expect(page.locator("main")).to_contain_text(
        "I have something important on 12 July 2025: my daughter's wedding"
    )
