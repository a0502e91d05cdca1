"""A form posted twice (a double click, or the browser re-sending after a slow answer) stores
one entry, not two; the same entry added again from a fresh page is still stored, and a
different entry posted on the same page's version is added beside it (issue 15, third probe).
"""

from __future__ import annotations

import re

import pytest

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf

FORMS = {
    "lab": {"date": "2025-05-01", "test": "CA 15-3", "value": "64.5", "unit": "U/mL"},
    "symptoms": {"date": "2025-05-30", "esas.pain": "4", "notes": "aching hips"},
    "treatment-start": {"drugs": "elacestrant", "start": "2025-05-02", "setting": "metastatic"},
    "side-effect": {"date": "2025-05-03", "term": "nausea", "grade": "1"},
    "performance": {"date": "2025-05-04", "ecog": "1"},
}
SECTION = {
    "lab": "labs",
    "symptoms": "symptoms",
    "treatment-start": "therapies",
    "side-effect": "side_effects",
    "performance": "performance",
}


def _base(client, form: str) -> str:
    page = client.get(f"/people/{MARIA}/add/{form}").text
    found = re.search(r'name="base_version" value="(\d+)"', page)
    assert found is not None, page[:500]
    return found.group(1)


def _post(client, form: str, fields: dict[str, str], base: str):
    return client.post(
        f"/people/{MARIA}/add/{form}",
        data={"csrf_token": csrf(client), "base_version": base, **fields},
        follow_redirects=False,
    )


def _count(app, section: str) -> int:
    return len(patient_file_data(app.state.web.store.get(MARIA)).get(section) or [])


@pytest.mark.parametrize("form", list(FORMS))
def test_a_form_posted_twice_stores_one_entry(app, client, form: str) -> None:
    before = _count(app, SECTION[form])
    base = _base(client, form)
    first = _post(client, form, FORMS[form], base)
    second = _post(client, form, FORMS[form], base)  # the double click: same page, same base
    assert first.status_code == 303, first.text[:800]
    assert second.status_code == 303, second.text[:800]
    assert second.headers["location"] == first.headers["location"]
    assert _count(app, SECTION[form]) == before + 1
    assert app.state.web.store.latest_version(MARIA) == int(base) + 1


def test_the_same_entry_added_again_from_a_fresh_page_is_stored(app, client) -> None:
    """Two equal readings on one day are the person's choice when made from a new page."""
    before = _count(app, "labs")
    _post(client, "lab", FORMS["lab"], _base(client, "lab"))
    again = _post(client, "lab", FORMS["lab"], _base(client, "lab"))
    assert again.status_code == 303
    assert _count(app, "labs") == before + 2


def test_another_entry_posted_on_the_same_version_is_added_beside_it(app, client) -> None:
    before = _count(app, "labs")
    base = _base(client, "lab")
    _post(client, "lab", FORMS["lab"], base)
    other = {**FORMS["lab"], "value": "70"}
    assert _post(client, "lab", other, base).status_code == 303
    labs = patient_file_data(app.state.web.store.get(MARIA))["labs"]
    assert len(labs) == before + 2
    assert [lab["value"] for lab in labs[-2:]] == [64.5, 70.0]


def test_a_double_click_after_someone_else_saved_still_stores_one(app, client) -> None:
    """Another writer lands between the two posts: the second post still sees that its own
    entry was already added on top of its base, and adds nothing."""
    before = _count(app, "labs")
    base = _base(client, "lab")
    _post(client, "lab", FORMS["lab"], base)
    client.post(
        f"/api/people/{MARIA}/entries/side_effects",
        json={"date": "2025-05-05", "term": "fatigue", "grade": 1},
        headers={"X-CSRF-Token": csrf(client)},
    )
    _post(client, "lab", FORMS["lab"], base)
    assert _count(app, "labs") == before + 1
    assert _count(app, "side_effects") == 3


def test_a_new_person_form_posted_twice_makes_one_person(app, client) -> None:
    typed = {
        "csrf_token": csrf(client),
        "patient.name": "Rosa Double",
        "patient.birth": "1970",
        "patient.sex": "female",
        "patient.menopausal_status": "postmenopausal",
    }
    page = client.get("/people/start").text
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
    hidden.pop("csrf_token", None)
    first = client.post("/people/start", data={**hidden, **typed}, follow_redirects=False)
    second = client.post("/people/start", data={**hidden, **typed}, follow_redirects=False)
    assert first.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    rosas = [p.id for p in app.state.web.store.list() if p.name == "Rosa Double"]
    assert rosas == ["rosa-double"]


def test_an_upload_posted_twice_stores_one_version(app, client) -> None:
    from nextline.examples import example_path

    raw = example_path(MARIA).read_text(encoding="utf-8").replace("Maria (example)", "Maria B")
    page = client.get(f"/people/{MARIA}").text
    found = re.search(r'name="base_version" value="(\d+)"', page)
    base = found.group(1) if found else "1"
    fields = {"base_version": base, "replace": "yes"}
    for _ in range(2):
        client.post(
            f"/people/{MARIA}/upload",
            params={"csrf_token": csrf(client)},
            files={"file": ("maria.yaml", raw.encode(), "application/octet-stream")},
            data=fields,
            follow_redirects=False,
        )
    history = app.state.web.store.history(MARIA)
    assert [v.version for v in history] == [1, 2]
