"""End to end, in Debian's headless chromium driven by Playwright: a person's dashboard, a
scan that shows growth changes the answer, a fever brings the call-now notice, a question is
ticked, the summary PDF downloads; axe-core finds nothing serious on any page.

The server is real (uvicorn on 127.0.0.1, a free port) over a fresh store. The browser comes
from Debian (`scripts/install-browser`); these tests are skipped, saying so, only when
/usr/bin/chromium is missing. Screenshots go to tests/web/screenshots/ (not committed).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file
from nextline.record.validate import validate_record
from tests.web.conftest import AS_OF, MARIA, make_app

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "assets" / "axe.min.js"
SHOTS = Path(__file__).parent / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PERSON = "e2e"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


def _e2e_person(kb) -> object:
    """Maria's record, renamed, with capecitabine running since April 2024 and a scan in
    July 2024 that shows it working (RECIST stable disease)."""
    data = patient_file_data(read_patient_file(example_path(MARIA)))
    data["patient"].update(id=PERSON, name="Sam (test)")
    data["therapies"].append(
        {"setting": "metastatic", "drugs": ["capecitabine"], "start": "2024-04-15"}
    )
    data["imaging"].append(
        {
            "date": "2024-07-01",
            "modality": "CT",
            "lesions": [
                {"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": 22},
                {"id": "liver-2", "organ": "liver", "role": "target", "longest_mm": 13},
                {
                    "id": "node-1",
                    "organ": "lymph node",
                    "node": True,
                    "role": "target",
                    "short_axis_mm": 9,
                },
                {"id": "bone-1", "organ": "bone", "role": "non_target", "status": "present"},
                {"id": "liver-3", "organ": "liver", "role": "target", "longest_mm": 10},
            ],
        }
    )
    return validate_record(data, kb, AS_OF).file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 at a free port, in a thread, for one block:
    every browser test's real server."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium, headless, through Playwright, for one block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    app = make_app(tmp_path_factory.mktemp("e2e") / "home")
    state = app.state.web
    state.store.save(_e2e_person(state.kb), "import", base=None)
    state.trial_catalog(state.kb)  # read the small catalog before the browser arrives
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_whole_visit(page, server) -> None:
    from playwright.sync_api import expect

    # 1. The dashboard of a person whose treatment is working.
    page.goto(f"{server}/people/{PERSON}")
    verdict = page.locator(".verdict")
    expect(verdict).to_have_attribute("data-overall", "working")
    expect(verdict).to_have_text("Probably working")
    expect(page.locator(".red-flags")).to_have_count(0)
    _shot(page, "01-dashboard-working")

    # 2. A scan that shows growth: the lesion ids come from the last scan.
    page.get_by_role("link", name="A scan").click()
    expect(page.locator("#f-lesions-0-id")).to_have_value("liver-1")
    expect(page.locator("#f-lesions-2-id")).to_have_value("node-1")
    page.fill("#f-date", "2025-05-20")
    page.select_option("#f-modality", "CT")
    page.fill("#f-impression", "liver lesions larger")
    page.fill("#f-lesions-0-longest_mm", "31")
    page.fill("#f-lesions-1-longest_mm", "19")
    page.fill("#f-lesions-2-short_axis_mm", "12")
    page.select_option("#f-lesions-3-status", "present")
    page.fill("#f-lesions-4-longest_mm", "15")
    _shot(page, "02-scan-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_have_text("Saved as version 2.")
    expect(verdict).to_have_attribute("data-overall", "not_working")
    expect(verdict).to_have_text("Probably not working")
    expect(page.locator(".headline")).to_contain_text("the cancer is growing on capecitabine")
    _shot(page, "03-dashboard-growth")

    # 3. A fever: the call-now notice comes first.
    page.get_by_role("link", name="How are you feeling?").click()
    page.select_option("#f-esas-tiredness", "6")
    page.fill("#f-temperature_c", "38.6")
    page.fill("#f-notes", "shivering since last night")
    page.get_by_role("button", name="Save").click()
    flag = page.locator('.red-flag[data-kind="possible_febrile_neutropenia"]')
    expect(flag).to_be_visible()
    expect(flag.locator(".urgency")).to_have_text("Emergency: call now")
    first_heading = page.locator("main h2").first
    expect(first_heading).to_have_text("Act now")
    _shot(page, "04-dashboard-fever")

    # 4. A question kept, then ticked (htmx swaps only that question).
    page.get_by_role("navigation", name="This person's record").get_by_role(
        "link", name="Questions"
    ).click()
    page.locator("form", has=page.locator('input[name="source_id"]')).first.get_by_role(
        "button"
    ).click()
    tick = page.locator("#tick-0")
    expect(tick).to_have_attribute("aria-pressed", "false")
    tick.click()
    expect(page.locator("#tick-0")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#q-0")).to_have_class("question done")
    page.reload()
    expect(page.locator("#tick-0")).to_have_attribute("aria-pressed", "true")
    _shot(page, "05-questions-ticked")

    # 5. The summary downloads as a PDF.
    page.get_by_role("navigation", name="This person's record").get_by_role(
        "link", name="Summary"
    ).click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the summary (PDF)").click()
    download = info.value
    assert download.suggested_filename == "nextline-e2e-2025-06-01.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    _shot(page, "06-summary")

    # The strict Content Security Policy broke nothing on the way.
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_a_bad_entry_shows_the_error_at_the_field(page, server) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/people/{PERSON}/add/lab")
    page.select_option("#f-test", "CA 15-3")
    page.fill("#f-value", "50")
    page.select_option("#f-unit", "g/dL")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#f-unit-error")).to_contain_text("cannot convert 'g/dL' to 'U/mL'")
    expect(page.locator("#f-unit")).to_have_attribute("aria-invalid", "true")
    _shot(page, "07-lab-error")


def test_the_dashboard_on_a_phone(browser, server) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(f"{server}/people/{MARIA}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    _shot(page, "08-dashboard-phone")
    page.goto(f"{server}/people/{MARIA}/add/scan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "09-scan-form-phone")
    context.close()


def test_text_scales_to_200_percent(browser, server) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/people/{MARIA}")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert size == 56.0  # 1.75rem of a 32 px root: sizes are in rem, so text follows
    _shot(page, "10-dashboard-200-percent-text")
    context.close()


def test_keyboard_reaches_the_skip_link_first(page, server) -> None:
    page.goto(f"{server}/people/{MARIA}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to the main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def run_axe(browser, server: str, paths: list[str]) -> list[str]:
    """The serious or critical axe-core violations on each page (and a screenshot of it)."""
    # axe is injected as a script, which the app's CSP rightly forbids; this context only.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    SHOTS.mkdir(exist_ok=True)
    found = []
    for path in paths:
        page.goto(server + path)
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(SHOTS / f"page-{name}.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"]][:3]
                found.append(f"{path}: {violation['id']} ({violation['impact']}) {targets}")
    context.close()
    return found


def test_ticked_warning_signs_bring_the_emergency_first_on_every_page(page, server) -> None:
    from playwright.sync_api import expect

    person = "triple-negative-brca"  # no bone metastases on record
    page.goto(f"{server}/people/{person}/add/symptoms")
    page.get_by_label("New or worse back or neck pain").check()
    page.get_by_label("Weak, numb or tingling legs or feet").check()
    page.fill("#f-notes", "since Sunday")
    page.get_by_role("button", name="Save").click()
    flag = page.locator('.red-flag[data-kind="possible_spinal_cord_compression"]')
    expect(flag).to_be_visible()
    expect(flag.locator(".urgency")).to_have_text("Emergency: call now")
    expect(page.locator("main h2").first).to_have_text("Act now")
    _shot(page, "08-dashboard-cord-compression")
    page.get_by_role("navigation", name="This person's record").get_by_role(
        "link", name="Options"
    ).click()
    expect(page.locator("main section").first).to_have_class("red-flags banner")
    expect(page.locator('.banner [data-kind="possible_spinal_cord_compression"]')).to_be_visible()


def test_a_negated_note_raises_no_warning(page, server) -> None:
    from playwright.sync_api import expect

    person = "her2-positive-brain"
    page.goto(f"{server}/people/{person}/add/symptoms")
    page.fill("#f-notes", "No fever. No numbness or weakness in my legs, no seizures.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".verdict")).to_be_visible()
    expect(page.locator(".red-flag")).to_have_count(0)
