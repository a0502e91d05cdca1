"""In the browser (Debian chromium, Playwright): a patient file uploaded onto a stored person
shows what it would change and is stored only after "Replace"; a FHIR file of several people
offers them as a list, and the file chosen once is kept for the pick (an empty file input is
sent as an empty part, which only a real browser does). axe-core on the new pages."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import yaml

from nextline.examples import example_path
from tests.fhir.helpers import PATIENT, bundle
from tests.web.conftest import MARIA, make_app
from tests.web.test_e2e import AXE, CHROMIUM, chromium, run_axe, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, object]]:
    app = make_app(tmp_path_factory.mktemp("e2e-replace") / "home", people=(MARIA,), trials=False)
    with serving(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_replace_is_asked_with_the_changes_and_stored_only_then(browser, served, tmp_path):
    server, app = served
    store = app.state.web.store
    data = yaml.safe_load(example_path(MARIA).read_text(encoding="utf-8"))
    data["symptoms"] = []
    mine = tmp_path / "maria-updated.yaml"
    mine.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    # bypass_csp: only so axe can be injected into the page under test
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{server}/people/{MARIA}/upload")
    page.set_input_files("#upload-file", str(mine))
    page.get_by_role("button", name="Upload").click()
    assert page.inner_text("h1") == "Replace the record with this file?"
    changes = page.inner_text("section.card")
    assert "How you felt" in changes and "Removed: your symptom report" in changes
    assert len(store.history(MARIA)) == 1
    assert _serious(page) == []
    page.get_by_role("button", name="Replace the record with this file").click()
    assert "was saved as" in page.inner_text("main")
    assert store.get(MARIA).symptoms == []
    assert len(store.history(MARIA)) == 2


def test_a_file_of_several_people_is_picked_from_a_list(browser, served, tmp_path) -> None:
    server, app = served
    registry = tmp_path / "registry.json"
    two = [PATIENT, {**PATIENT, "id": "p2", "birthDate": "1971-02-03"}]
    registry.write_text(json.dumps(bundle(*two)), encoding="utf-8")
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{server}/people/upload")
    page.set_input_files("#upload-file", str(registry))
    page.get_by_role("button", name="Upload").click()
    assert "Which person in the file to add" in page.inner_text("main")
    assert _serious(page) == []
    page.get_by_label("female, born 1971").check()
    page.get_by_role("button", name="Upload").click()  # the file is not chosen again
    assert "was saved as" in page.inner_text("main")
    assert "p2" in [p.id for p in app.state.web.store.list()]


def test_axe_on_correction_forms_of_a_scan_a_site_and_radiation(browser, served) -> None:
    server, _ = served
    pages = [
        f"/people/{MARIA}/entries/{e}/correct" for e in ("imaging/1", "metastases/0", "therapies/1")
    ]
    assert run_axe(browser, server, pages) == []
