"""The table of every field of the patient file (the shared spec beside the repository,
`PatientFile`): how the web app captures it, corrects it and deletes it, one test per field
(the fifth probe of issue 16, worked from the spec outwards).

- capture: an input on an "add" form (or the person's start form) sets it;
- correct: an input on the correction form of an entry holding it (or on the whole-part
  form: the person, diagnosis, goals, important dates, palliative care) changes it;
- delete: an entry of a list is deleted from the entries page; a field of a whole part is
  emptied on its form (checked by `test_emptied_on_its_form_the_field_is_gone`); a field
  the format requires is changed, not emptied (`REQUIRED`, each with its reason).

The precision of each route (every choice, "no" and "not stated", decimals, several items,
the person's order) is checked by tests/web/test_s12_every_value.py. The record the table is
read from fills every field (tests/web/every_field.py), so a field added to the format without
a route fails here by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from nextline.record import patient_file_data
from nextline.record.validate import validate_record
from tests.web.browser_form import form_fields
from tests.web.conftest import make_app, make_client
from tests.web.every_field import EVERY_FIELD, leaf_paths
from tests.web.test_every_field_form import NOT_TYPED, SINGLE_FORMS, _paths

PERSON = EVERY_FIELD["patient"]["id"]
LIST_PARTS = {k for k, v in EVERY_FIELD.items() if isinstance(v, list)}
# Fields of whole parts the format requires: changed on their form, never emptied.
REQUIRED = {
    "patient.sex": "required by the format; female or male, changed on the person form",
    "patient.menopausal_status": "required for a woman; 'not sure' is one of its choices",
    "palliative_care.involved": "the part is the answer to this question; yes or no",
    "goals.upcoming_events.date": "an important date is taken off by emptying both boxes",
    "goals.upcoming_events.what": "an important date is taken off by emptying both boxes",
}
FIELDS = sorted(leaf_paths() - set(NOT_TYPED))


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """One app; the record that fills every field stored under each id asked for."""
    app = make_app(tmp_path_factory.mktemp("field-table") / "home", people=(), trials=False)
    with make_client(app) as client:
        client.get("/people")
        yield app, client


def _store(app: Any, person: str) -> Any:
    state = app.state.web
    data = {**EVERY_FIELD, "patient": {**EVERY_FIELD["patient"], "id": person}}
    file = validate_record(data, state.kb, state.today()).file
    state.store.save(file, "import", base=None)
    return file


@pytest.fixture(scope="module")
def table(opened) -> dict[str, dict[str, Any]]:
    from nextline.web.editing import FORMS
    from nextline.web.entry_edits import form_for, list_sections

    app, client = opened
    file = _store(app, PERSON)
    rows: dict[str, dict[str, Any]] = {p: {"add": [], "correct": [], "delete": []} for p in FIELDS}

    def note(paths: set[str], how: str, route: str) -> None:
        for path in paths & set(rows):
            rows[path][how].append(route)

    start = client.get("/people/start").text
    note(_paths("", start).union(_start_paths(start)), "add", "/people/start")
    for key, spec in FORMS.items():
        if spec.correct_only:
            continue
        prefix = "therapies.dose_changes" if key == "dose-change" else spec.section
        note(_paths(prefix, client.get(f"/people/{PERSON}/add/{key}").text), "add", key)
    questions = client.get(f"/people/{PERSON}/questions").text
    if re.search(r'<textarea[^>]*name="text"|<input[^>]*name="text"', questions):
        note({"questions.text"}, "add", "questions page")
    entries = client.get(f"/people/{PERSON}/entries").text
    drawn: set[str] = set()
    for section in list_sections():
        for i in range(len(getattr(file, section))):
            url = f"/people/{PERSON}/entries/{section}/{i}"
            if f'href="{url}/delete"' in entries:
                note({p for p in rows if p.split(".")[0] == section}, "delete", url + "/delete")
            spec = form_for(file, section, i)
            if spec is None or spec.key in drawn:
                continue  # a form shows the same inputs for every entry it corrects
            drawn.add(spec.key)
            page = client.get(url + "/correct")
            if page.status_code == 200:
                note(_paths(section, page.text), "correct", url + "/correct")
                if section == "questions":  # answered once kept, on its own form
                    note(_paths(section, page.text), "add", url + "/correct")
    for key, part in SINGLE_FORMS.items():
        html = client.get(f"/people/{PERSON}/add/{key}").text
        shown = _paths(part, html)
        note(shown, "correct", key)
        optional = shown - {p for p in shown if _required(html, p, part)}
        note(optional - set(REQUIRED), "delete", f"{key} (emptied)")
    return rows


def _start_paths(html: str) -> set[str]:
    """The start form names its inputs by their full path (`patient.birth`)."""
    start = html.index('class="entry-form"')
    form = html[start : html.index("</form>", start)]
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', form))
    out = {n for n in names if n.split(".")[0] in ("patient", "diagnosis")}
    if "patient.birth" in out:
        out |= {"patient.birth_date", "patient.birth_year"}
    return out


def _required(html: str, path: str, part: str) -> bool:
    name = path[len(part) + 1 :]
    name = {"birth_date": "birth", "birth_year": "birth"}.get(name, name)
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\sname="{re.escape(name)}"[^>]*>', html)
    return bool(tag and re.search(r"\srequired\b", tag.group(0)))


@pytest.mark.parametrize("path", FIELDS)
def test_every_field_can_be_captured_corrected_and_deleted(table, path: str) -> None:
    row = table[path]
    assert row["add"], f"{path}: no form captures it"
    assert row["correct"], f"{path}: no form corrects it"
    assert row["delete"] or path in REQUIRED, f"{path}: no way to delete it"


def test_the_required_fields_are_those_the_format_requires() -> None:
    from nextline.record.file_models import Goals, PalliativeCare, Patient, UpcomingEvent

    models = {
        "patient": Patient,
        "palliative_care": PalliativeCare,
        "goals.upcoming_events": UpcomingEvent,
        "goals": Goals,
    }
    for path in REQUIRED:
        part, name = path.rsplit(".", 1)
        if path == "patient.menopausal_status":
            continue  # required for a woman only (checked by the importer)
        assert models[part].model_fields[name].is_required(), path


EMPTIED = {
    # form: (inputs left out or emptied, fields that must then be gone)
    "person": (
        {"name", "birth", "location.country", "location.postal_code", "location.city"},
        {"name", "birth_date", "birth_year", "location"},
    ),
    "diagnosis": (
        {
            "first_diagnosed",
            "laterality",
            "stage_at_first_diagnosis",
            "metastatic_since",
            "presentation",
            "histology",
            "pathologic_response",
        },
        {
            "first_diagnosed",
            "laterality",
            "stage_at_first_diagnosis",
            "metastatic_since",
            "presentation",
            "histology",
            "pathologic_response",
        },
    ),
    "palliative-care": ({"since"}, {"since"}),
}


@pytest.mark.parametrize("key", list(EMPTIED))
def test_emptied_on_its_form_the_field_is_gone(opened, key: str) -> None:
    app, client = opened
    person = f"emptied-{key}"
    _store(app, person)
    emptied, gone = EMPTIED[key]
    part = SINGLE_FORMS[key]
    url = f"/people/{person}/add/{key}"
    sent = [
        (f.name, "" if f.name in emptied else f.value) for f in form_fields(client.get(url).text)
    ]
    response = client.post(
        url,
        content=urlencode(sent),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    stored = patient_file_data(app.state.web.store.get(person)).get(part, {})
    assert gone & set(stored) == set()
