"""End to end in headless chromium (see test_e2e.py): a caregiver brings a treatment's dose
up to date and corrects the person's details. Each form first gets one thing wrong (a dose
change with no "what changed", a birth date written day/month/year): the error is shown at
that field, nothing is stored, and the fix is saved. Skipped, saying so, without chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from nextline.record import patient_file_data
from nextline.record.validate import validate_record
from tests.web.conftest import make_app
from tests.web.test_e2e import CHROMIUM, chromium, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)

PERSON = "june-hale"
RECORD: dict[str, Any] = {
    "nextline": 1,
    "patient": {
        "id": PERSON,
        "name": "June Hale",
        "birth_year": 1964,
        "sex": "female",
        "menopausal_status": "unknown",
    },
    "diagnosis": {"first_diagnosed": "2021-02-01", "metastatic_since": "2024-09-01"},
    "tumor_tests": [{"date": "2024-09-05", "er": {"result": "positive"}, "her2": {"ihc": "1+"}}],
    "therapies": [
        {
            "kind": "drug",
            "setting": "metastatic",
            "drugs": ["letrozole", "ribociclib"],
            "start": "2024-10-01",
        }
    ],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Any]]:
    app = make_app(tmp_path_factory.mktemp("caregiver") / "home", people=(), trials=False)
    state = app.state.web
    state.store.save(validate_record(RECORD, state.kb, state.today()).file, "import", base=None)
    with serving(app) as url:
        yield url, app


@pytest.fixture
def page(served) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        yield context.new_page()
        context.close()


def _stored(app: Any) -> tuple[int, dict[str, Any]]:
    file, version = app.state.web.store.get_latest(PERSON)
    return version, patient_file_data(file)


def test_a_caregiver_updates_the_dose_and_corrects_the_person(page, served) -> None:
    from playwright.sync_api import expect

    base, app = served
    saved = re.compile(rf"/people/{PERSON}(/entries)?\?saved=\d+$")

    # The dose as prescribed, on the treatment's correction form (from the entries page).
    page.goto(f"{base}/people/{PERSON}/entries")
    page.locator(f'a[href="/people/{PERSON}/entries/therapies/0/correct"]').click()
    page.fill("#f-doses-0-drug", "ribociclib")
    page.fill("#f-doses-0-dose", "600")
    page.fill("#f-doses-0-unit", "mg")
    page.fill("#f-doses-0-route", "by mouth")
    page.fill("#f-doses-0-schedule", "3 weeks on, 1 week off")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(saved)
    version, data = _stored(app)
    assert data["therapies"][0]["doses"] == [
        {
            "drug": "ribociclib",
            "dose": 600.0,
            "unit": "mg",
            "route": "by mouth",
            "schedule": "3 weeks on, 1 week off",
        }
    ]

    # A dose change, first saved without saying what changed.
    page.goto(f"{base}/people/{PERSON}/add/dose-change")
    page.select_option("#f-therapy", "0")
    page.fill("#f-date", "2024-12-03")
    page.fill("#f-drug", "ribociclib")
    page.fill("#f-reason", "low neutrophils")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#f-change-error")).to_contain_text("say what changed")
    expect(page.locator("#f-reason")).to_have_value("low neutrophils")  # the typing is kept
    assert _stored(app) == (version, data)  # nothing stored
    page.select_option("#f-change", "reduced")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(saved)
    version, data = _stored(app)
    assert data["therapies"][0]["dose_changes"] == [
        {
            "date": "2024-12-03",
            "drug": "ribociclib",
            "change": "reduced",
            "reason": "low neutrophils",
        }
    ]
    assert data["therapies"][0]["doses"][0]["dose"] == 600.0  # the dose is kept

    # About the person: the birth date as written on a card (day/month/year), then fixed.
    page.goto(f"{base}/people/{PERSON}/add/person")
    expect(page.locator("#f-birth")).to_have_value("1964")
    page.fill("#f-birth", "12/03/1964")
    page.select_option("#f-menopausal_status", "postmenopausal")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#f-birth-error")).to_contain_text("1964-03-12")
    assert _stored(app) == (version, data)  # nothing stored, the menopause answer neither
    expect(page.locator("#f-menopausal_status")).to_have_value("postmenopausal")
    page.fill("#f-birth", "1964-03-12")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(saved)
    version, data = _stored(app)
    assert data["patient"]["birth_date"] == "1964-03-12"
    assert data["patient"]["menopausal_status"] == "postmenopausal"
    assert data["patient"]["id"] == PERSON and data["patient"]["name"] == "June Hale"
    assert data["therapies"][0]["dose_changes"][0]["change"] == "reduced"  # nothing else lost

    # The history names each change in one line.
    page.goto(f"{base}/people/{PERSON}/history")
    history = page.locator("main")
    for note in ("recorded a dose change", "updated the person's details"):
        expect(history).to_contain_text(note)
