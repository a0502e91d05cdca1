"""On a phone (390 px), in headless chromium (see test_e2e.py): the record's menu stays small,
charts keep readable labels without widening the page, the trials page shows ten studies at a
time with "show more" (in place with htmx, as a plain link without JavaScript), and the
progress notes for the PDF and the trial check show on the small screen too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nextline.examples import EXAMPLE_IDS
from tests.web.conftest import AS_OF, MARIA, make_app
from tests.web.test_e2e import CHROMIUM, browser, serving
from tests.web.test_e2e_every_page import PHONE

__all__ = ["browser"]  # the fixture, shared with test_e2e.py

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)

CATALOG_SIZE = 23  # more than two pages of ten
TRIALS = f"/people/{MARIA}/trials?include_ineligible=true"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    from nextline.trials.catalog import load_default_catalog
    from nextline.trials.store import open_trial_store

    app = make_app(tmp_path_factory.mktemp("phone") / "home", people=EXAMPLE_IDS, trials=False)
    state = app.state.web
    trials = sorted(load_default_catalog(breast_only=True).trials, key=lambda t: t.nct_id)
    open_trial_store(state.settings).save_trials(tuple(trials[:CATALOG_SIZE]), "test", AS_OF)
    state.trial_catalog(state.kb)
    with serving(app) as url:
        yield url


@pytest.fixture
def phone(browser) -> Iterator[object]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _page_width(page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def test_the_record_menu_takes_three_short_rows_at_most(phone, server) -> None:
    for person in EXAMPLE_IDS:
        phone.goto(f"{server}/people/{person}/timeline")
        boxes = phone.evaluate(
            """() => [...document.querySelectorAll('.person-nav a')].map(a => {
                 const r = a.getBoundingClientRect(); return [Math.round(r.top), r.height]; })"""
        )
        assert len(boxes) == 9
        assert len({top for top, _ in boxes}) <= 3
        assert min(height for _, height in boxes) >= 24  # WCAG 2.2 target size (2.5.8)


def test_charts_keep_their_size_and_scroll_inside_their_own_box(phone, server) -> None:
    phone.goto(f"{server}/people/{MARIA}/timeline")
    charts = phone.evaluate(
        """() => [...document.querySelectorAll('.chart')].map(img => {
             const box = img.parentElement;
             const name = document.getElementById(box.getAttribute('aria-labelledby'));
             return {img: img.getBoundingClientRect().width, box: box.clientWidth,
                     scroll: box.scrollWidth, role: box.getAttribute('role'),
                     tab: box.tabIndex, name: name ? name.textContent : null}; })"""
    )
    assert len(charts) >= 2
    for chart in charts:
        assert chart["img"] >= 680  # drawn size (7.2 in): labels as large as on paper
        assert chart["box"] <= 390 < chart["scroll"]
        assert (chart["role"], chart["tab"]) == ("region", 0)
        assert chart["name"]
    phone.locator(".chart-scroll").first.evaluate("box => box.scrollLeft = 1000")
    assert _page_width(phone) <= 390
    assert phone.evaluate("() => window.scrollX") == 0


def test_show_more_loads_the_next_studies_in_place(phone, server) -> None:
    from playwright.sync_api import expect

    phone.goto(server + TRIALS)
    articles = phone.locator("article.trial")
    expect(articles).to_have_count(10)
    first_ten = articles.evaluate_all("all => all.map(a => a.id)")
    phone.get_by_role("link", name="Show 10 more studies").click()
    expect(articles).to_have_count(20)
    assert articles.evaluate_all("all => all.map(a => a.id)")[:10] == first_ten
    assert phone.url == server + TRIALS  # the same page, grown
    eleventh = articles.nth(10).locator("h2")
    expect(eleventh).to_be_focused()
    phone.get_by_role("link", name="Show 3 more studies").click()
    expect(articles).to_have_count(CATALOG_SIZE)
    ids = articles.evaluate_all("all => all.map(a => a.id)")
    assert len(set(ids)) == CATALOG_SIZE
    expect(phone.locator(".trial-pages")).to_contain_text("Studies 1 to 23 of 23 shown.")
    expect(phone.get_by_role("link", name="Show 3 more studies")).to_have_count(0)
    assert _page_width(phone) <= 390


def test_show_more_is_a_plain_link_without_javascript(browser, server) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + TRIALS)
    first = page.locator("article.trial").evaluate_all("all => all.map(a => a.id)")
    page.get_by_role("link", name="Show 10 more studies").click()
    page.wait_for_url(f"{server}{TRIALS}&page=2")
    second = page.locator("article.trial").evaluate_all("all => all.map(a => a.id)")
    assert len(first) == len(second) == 10
    assert set(first).isdisjoint(second)
    expect(page.get_by_role("link", name="Show the studies before these")).to_be_visible()
    assert _page_width(page) <= 390
    context.close()


def test_progress_notes_show_on_a_phone(phone, server) -> None:
    from playwright.sync_api import expect

    # The PDF: the note shows while the link has focus (no script needed).
    phone.goto(f"{server}/people/{MARIA}/summary")
    building = phone.locator(".building")
    expect(building).to_be_hidden()
    phone.get_by_role("link", name="Download the summary (PDF)").focus()
    expect(building).to_be_visible()
    box = building.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

    # The trial check: the busy note shows while the request runs (held here until seen).
    held = []
    phone.goto(server + TRIALS)
    phone.route("**/trials/results**", lambda route: held.append(route))
    busy = phone.locator("#trials-busy")
    expect(busy).to_be_hidden()
    phone.select_option("#phase", "PHASE2")
    expect(busy).to_be_visible()
    box = busy.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert len(held) == 1
    held[0].continue_()
    expect(busy).to_be_hidden()
    expect(phone.locator(".trial-count")).to_contain_text("studies")
    assert _page_width(phone) <= 390


def test_axe_finds_nothing_serious_on_the_paged_trials(browser, server) -> None:
    from tests.web.test_e2e_every_page import AXE, Findings, _axe

    # axe is injected as a script, which the app's CSP rightly forbids; this context only.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    findings = Findings()
    for path in (TRIALS, TRIALS + "&page=2", TRIALS + "&page=3"):
        page.goto(server + path)
        assert page.locator(".trial-pages").count() == 1
        _axe(page, path, "390px", findings)
    page.goto(server + TRIALS)
    page.get_by_role("link", name="Show 10 more studies").click()
    page.locator("article.trial").nth(19).wait_for()
    _axe(page, TRIALS + " after show more", "390px", findings)
    context.close()
    assert findings.axe == []
