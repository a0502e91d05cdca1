"""Every field of the patient file that a person or caregiver enters by hand can be set by a
form and corrected by a form, and a correction saved unchanged gives back the very same file.

The record walked (`tests/web/every_field.py`) fills every field of the format at least once,
so a field added to the format without a form, or a form that loses a value it does not show,
fails here. What the browser sends is read from the page's HTML (`browser_form`), not from
what the server meant to fill in.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from nextline.record import PatientFile
from nextline.record.validate import validate_record
from tests.web.browser_form import form_fields, pairs
from tests.web.conftest import make_app, make_client
from tests.web.every_field import EVERY_FIELD, filled_paths, leaf_paths

PERSON = EVERY_FIELD["patient"]["id"]

# Fields no form asks for, each for a reason a person would agree with.
NOT_TYPED = {
    "nextline": "the file format's version",
    "patient.id": "derived from the name; never asked (issue 16)",
    "therapies.kind": "set by the form used: medicine, operation or radiation",
    "labs.loinc": "a code sent by lab systems; a person chooses the test by its name",
    "questions.order": "set by moving a question up or down on the questions page",
    "questions.added": "the day the question was kept, set when it is kept",
    "questions.source_id": "the suggested question it came from, set when it is kept",
}

# The record sections each single-part form edits, and the add forms' sections.
SINGLE_FORMS = {
    "person": "patient",
    "diagnosis": "diagnosis",
    "goals": "goals",
    "upcoming-event": "goals",
    "palliative-care": "palliative_care",
}
# Inputs that steer a form rather than hold a field, and inputs that stand for fields.
STEERING = {"csrf_token", "base_version", "next", "events_shown", "confirm", "confirm_drugs"}
STEERING |= {"running", "replace_reason"}
# The treatment a dose change or a stop is about (a side effect's `therapy` is a field).
PICKERS = {"therapies": {"therapy"}, "therapies.dose_changes": {"therapy"}}
ALIASES = {
    "patient.birth": ("patient.birth_date", "patient.birth_year"),
    "imaging.lesions.size_mm": ("imaging.lesions.longest_mm", "imaging.lesions.short_axis_mm"),
    "therapies.why": ("therapies.notes",),
}


def _send(client, url: str, sent: list[tuple[str, str]]):
    return client.post(
        url,
        content=urlencode(sent),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _paths(prefix: str, html: str) -> set[str]:
    """The patient-file fields a form page has an input for."""
    start = html.index('class="entry-form"')
    form = html[start : html.index("</form>", start)]
    out: set[str] = set()
    for name in re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', form):
        if name in STEERING or name in PICKERS.get(prefix, set()):
            continue
        plain = re.sub(r"\[\d+\]", "", name).removesuffix("_other")
        path = f"{prefix}.{plain}"
        out.update(ALIASES.get(path, (path,)))
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("every-field") / "home"
    app = make_app(home, people=(), trials=False)
    state = app.state.web
    file = validate_record(EVERY_FIELD, state.kb, state.today()).file
    state.store.save(file, "import", base=None)
    with make_client(app) as client:
        client.get("/people")
        yield app, client


def _entries(file: PatientFile) -> list[tuple[str, int]]:
    from nextline.web.entry_edits import list_sections

    return [(s, i) for s in list_sections() for i in range(len(getattr(file, s)))]


def test_the_record_fills_every_field_of_the_format() -> None:
    file = PatientFile.model_validate(EVERY_FIELD)
    assert leaf_paths() - filled_paths(file) == set()


def test_every_typed_field_has_a_form_that_sets_it_and_one_that_corrects_it(full) -> None:
    from nextline.web.editing import FORMS

    app, client = full
    file = app.state.web.store.get(PERSON)
    settable: set[str] = set()
    for key, spec in FORMS.items():
        if spec.correct_only:
            continue
        page = client.get(f"/people/{PERSON}/add/{key}")
        assert page.status_code == 200, key
        prefix = "therapies.dose_changes" if key == "dose-change" else spec.section
        settable |= _paths(prefix, page.text)
    correctable: set[str] = set()
    for section, index in _entries(file):
        page = client.get(f"/people/{PERSON}/entries/{section}/{index}/correct")
        assert page.status_code == 200, (section, index)
        correctable |= _paths(section, page.text)
    for key, section in SINGLE_FORMS.items():
        correctable |= _paths(section, client.get(f"/people/{PERSON}/add/{key}").text)
    typed = leaf_paths() - set(NOT_TYPED)
    assert typed - correctable == set()
    # Kept questions are added on the questions page, from a suggestion or typed.
    assert {p for p in typed - settable if not p.startswith("questions.")} == set()


def test_each_form_saved_unchanged_gives_back_the_same_file(full) -> None:
    app, client = full
    store = app.state.web.store
    exported = client.get(f"/people/{PERSON}/record.yaml").text
    start = store.latest_version(PERSON)
    entries = client.get(f"/people/{PERSON}/entries").text
    for section, index in _entries(store.get(PERSON)):
        url = f"/people/{PERSON}/entries/{section}/{index}/correct"
        assert f'href="{url}"' in entries, url  # offered for correction
        response = _send(client, url, pairs(form_fields(client.get(url).text)))
        assert response.status_code == 303, (url, response.text[:600])
        assert store.latest_version(PERSON) == start, url
    for key in SINGLE_FORMS:
        url = f"/people/{PERSON}/add/{key}"
        response = _send(client, url, pairs(form_fields(client.get(url).text)))
        if key == "upcoming-event":
            # Its blank row is for adding one: sent blank, it asks what the event is.
            assert response.status_code == 422, response.text[:600]
        else:
            assert response.status_code == 303, (url, response.text[:600])
        assert store.latest_version(PERSON) == start, url
    assert client.get(f"/people/{PERSON}/record.yaml").text == exported
