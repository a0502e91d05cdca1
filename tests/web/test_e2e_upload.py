"""In the browser (Debian chromium, Playwright): from an empty store, upload a patient file
and land on the new person's dashboard; upload FHIR data and see the import report and the
question about what it lacks; a refused file keeps the store empty. axe-core on the pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nextline.examples import example_path
from tests.fhir.helpers import MBC1
from tests.web.conftest import make_app
from tests.web.test_e2e import CHROMIUM, chromium, run_axe, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory) -> Iterator[tuple[str, object]]:
    app = make_app(tmp_path_factory.mktemp("e2e-upload") / "home", people=(), trials=False)
    with serving(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def _upload_from_people(page, server: str, path) -> None:
    page.goto(f"{server}/people")
    page.get_by_text("Or start from a file").click()
    page.set_input_files("#upload-file", str(path))
    page.get_by_role("button", name="Upload").click()


def test_upload_from_an_empty_store_lands_on_the_dashboard(browser, empty_server) -> None:
    server, app = empty_server
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.goto(f"{server}/people")
    assert "No one is stored yet" in page.inner_text("main")

    _upload_from_people(page, server, example_path("her2-positive-brain"))
    assert "was saved as" in page.inner_text("main")
    page.get_by_role("link", name="Open Aisha (example)'s dashboard").click()
    page.wait_for_url(f"{server}/people/her2-positive-brain")
    assert page.inner_text("h1") == "Aisha (example)"
    assert [p.id for p in app.state.web.store.list()] == ["her2-positive-brain"]


def test_fhir_upload_shows_the_report_and_asks_what_it_lacks(browser, empty_server) -> None:
    server, _ = empty_server
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    _upload_from_people(page, server, MBC1)
    main = page.inner_text("main")
    assert "What was read from the file" in main
    assert "18 resources read" in main
    assert "menopausal status is not in the bundle" in main
    page.get_by_role("link", name="Open Patient B TrialMatching's dashboard").click()
    page.wait_for_url(f"{server}/people/mcodetrialmatchingpatientexample01")
    assert page.locator("#ask-menopause").is_visible()


def test_a_refused_file_stores_nothing_and_says_why(browser, empty_server, tmp_path) -> None:
    server, app = empty_server
    before = [p.id for p in app.state.web.store.list()]
    bad = tmp_path / "notes.yaml"
    bad.write_text("patient: [unclosed\n", encoding="utf-8")
    page = browser.new_context().new_page()
    _upload_from_people(page, server, bad)
    assert "Nothing was stored" in page.inner_text("main")
    assert "malformed YAML" in page.inner_text("main")
    assert [p.id for p in app.state.web.store.list()] == before


def test_axe_on_the_upload_pages(browser, empty_server) -> None:
    server, _ = empty_server
    assert run_axe(browser, server, ["/people/upload", "/people"]) == []
