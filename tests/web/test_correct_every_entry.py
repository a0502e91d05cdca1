"""Every entry of every list section of the three example people can be corrected through
the page a browser shows: saved unchanged it changes nothing; with one field changed, exactly
that field changes (one new version, a one-line note naming the entry); with a required field
emptied, the field gets its error and nothing is stored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from nextline.examples import EXAMPLE_IDS
from nextline.record import patient_file_data
from nextline.web.entry_words import entry_words
from tests.web.browser_form import Field, form_fields, pairs
from tests.web.conftest import field_errors

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _send(client, url: str, sent: list[tuple[str, str]]):
    return client.post(
        url,
        content=urlencode(sent),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    """`{"lesions": [{"id": "L1"}]}` as `{"lesions[0].id": "L1"}` (empty lists kept as [])."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_flat(inner, f"{path}.{key}" if path else key))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, inner in enumerate(value):
            out.update(_flat(inner, f"{path}[{i}]"))
        return out
    return {path: value}


# An entry for each list section the examples leave empty, so every section is walked.
EXTRA = {
    "assessments": {
        "date": "2025-04-02",
        "by": "Dr. Lee",
        "disease_status": "stable",
        "visceral_crisis": False,
        "notes": "no change on the scan",
    },
    "comorbidities": {"condition": "type 2 diabetes", "since": "2018-05-01", "notes": "tablets"},
    "appointments": {"date": "2025-06-20", "what": "oncology visit", "notes": "bring the CD"},
    "questions": {
        "text": "Can I travel in July?",
        "order": 0,
        "answered": True,
        "answer": "yes, between cycles",
        "added": "2025-05-01",
    },
}


def _entries(app, person: str) -> list[tuple[str, int]]:
    """Every entry of every list section, after filling the sections the example leaves
    empty (stored as the person's version 2)."""
    from nextline.record.validate import validate_record
    from nextline.web.entry_edits import list_sections

    store = app.state.web.store
    data = patient_file_data(store.get(person))
    for section, entry in EXTRA.items():
        data.setdefault(section, []).append(entry)
    state = app.state.web
    store.save(validate_record(data, state.kb, state.today()).file, "filled", base=1)
    empty = [s for s in list_sections() if not data.get(s)]
    assert empty == [], f"no entry to walk in {empty}"
    return [(s, i) for s in list_sections() for i in range(len(data.get(s, [])))]


def _changed(f: Field) -> str:
    """One field's value changed the way a person fixing a typo would."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.value):
        return (dt.date.fromisoformat(f.value) - dt.timedelta(days=1)).isoformat()
    if re.fullmatch(r"\d+(\.\d+)?", f.value):
        return f"{float(f.value) + 1:g}"
    return f.value + " (checked)"


def _pick(fields: list[Field]) -> Field:
    """A date the form shows, else a measured size or score, else free text."""
    shown = [f for f in fields if f.kind not in ("hidden", "select", "checkbox", "radio")]
    for wanted in (
        lambda f: f.kind == "date" and f.value,
        lambda f: re.fullmatch(r"\d+(\.\d+)?", f.value) is not None,
        lambda f: f.value and "," not in f.value,
    ):
        found = [f for f in shown if wanted(f)]
        if found:
            return found[0]
    raise AssertionError(f"no field to change among {[f.name for f in fields]}")


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_every_entry_of_every_list_section_round_trips_through_its_form(
    app, client, person
) -> None:
    store = app.state.web.store
    entries = _entries(app, person)
    sections = {s for s, _ in entries}
    assert {"metastases", "therapies", "imaging", "labs"} <= sections
    entries_page = client.get(f"/people/{person}/entries").text
    for section, index in entries:
        url = f"/people/{person}/entries/{section}/{index}/correct"
        assert f'href="{url}"' in entries_page, url
        before, version = store.get_latest(person)
        page = client.get(url)
        assert page.status_code == 200, (url, page.text[:300])
        fields = form_fields(page.text)
        response = _send(client, url, pairs(fields))
        assert response.status_code == 303, (url, response.text[:500])
        assert store.latest_version(person) == version, url  # identical content: no version
        assert store.get(person) == before, url


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_one_changed_field_changes_exactly_that_field(app, client, person) -> None:
    store = app.state.web.store
    for section, index in _entries(app, person):
        url = f"/people/{person}/entries/{section}/{index}/correct"
        before_file, version = store.get_latest(person)
        before = patient_file_data(before_file)
        fields = form_fields(client.get(url).text)
        target = _pick(fields)
        new_value = _changed(target)
        sent = [(f.name, new_value if f is target else f.value) for f in fields]
        response = _send(client, url, sent)
        assert response.status_code == 303, (url, target.name, response.text[:500])
        after = patient_file_data(store.get(person))
        assert store.latest_version(person) == version + 1
        old_entry, new_entry = _flat(before[section][index]), _flat(after[section][index])
        differs = {
            k for k in old_entry.keys() | new_entry.keys() if old_entry.get(k) != new_entry.get(k)
        }
        assert differs == {target.name}, (url, target.name, differs)
        stored = new_entry[target.name]
        assert (f"{stored:g}" if isinstance(stored, float) else str(stored)) == new_value
        others = {k: v for k, v in after.items() if k != section}
        assert others == {k: v for k, v in before.items() if k != section}
        assert [e for i, e in enumerate(after[section]) if i != index] == [
            e for i, e in enumerate(before[section]) if i != index
        ]
        words = entry_words(before_file, section, index)
        assert store.history(person)[-1].note == f"corrected {words}"


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_emptying_a_required_field_is_a_field_error_and_stores_nothing(app, client, person) -> None:
    store = app.state.web.store
    seen: set[str] = set()
    for section, index in _entries(app, person):
        key = (
            section
            if section != "therapies"
            else f"therapies:{store.get(person).therapies[index].kind}"
        )
        if key in seen:
            continue
        seen.add(key)
        url = f"/people/{person}/entries/{section}/{index}/correct"
        before, version = store.get_latest(person)
        fields = form_fields(client.get(url).text)
        required = [f for f in fields if f.required]
        assert required, url
        target = required[0]
        response = _send(client, url, [(f.name, "" if f is target else f.value) for f in fields])
        assert response.status_code == 422, (url, target.name)
        errors = field_errors(response.text)
        input_id = target.name.replace("[", "-").replace("]", "").replace(".", "-")
        assert input_id in errors, (url, target.name, errors)
        assert store.latest_version(person) == version
        assert store.get(person) == before


# Entries richer than the examples': more gene changes and lesions than the add forms show,
# details no form asks for (doses, dose changes, assay names, brain-site details), a single
# radiation session kept as a `date`, a stopped line with its best response.
RICH = {
    "tumor_tests": {
        "date": "2024-02-01",
        "specimen": "liver biopsy",
        "er": {"result": "positive", "percent": 90},
        "her2": {"ihc": "1+", "ultralow": False},
        "pdl1": {"assay": "22C3", "cps": 5},
        "msi": "stable",
        "tmb_mut_per_mb": 4.2,
        "variants": [
            {"gene": g, "alteration": a, "origin": "somatic"}
            for g, a in [
                ("PIK3CA", "H1047R"),
                ("ESR1", "D538G"),
                ("TP53", "R175H"),
                ("GATA3", "fs"),
                ("CDH1", "Q706*"),
            ]
        ],
        "not_detected": ["AKT1", "PTEN"],
    },
    "metastases": {
        "site": "brain",
        "since": "2024-01-05",
        "lesions": 3,
        "max_size_mm": 9,
        "symptomatic": False,
        "treated": "SRS",
        "stable": True,
        "mass_effect": False,
        "on_steroids": False,
        "location": "left frontal",
    },
    "therapies": {
        "kind": "drug",
        "setting": "metastatic",
        "drugs": ["capecitabine"],
        "doses": [{"drug": "capecitabine", "dose": 1000, "unit": "mg/m2", "schedule": "d1-14"}],
        "start": "2019-01-10",
        "stop": "2019-06-01",
        "stop_reason": "toxicity",
        "best_response": "SD",
        "dose_changes": [{"date": "2019-03-01", "change": "reduced", "reason": "hand-foot"}],
        "notes": "twice a day",
    },
    "imaging": {
        "date": "2019-02-01",
        "modality": "MRI",
        "impression": "many small spots",
        "assessment": "stable",
        "lesions": [
            {"id": f"liver-{n}", "organ": "liver", "role": "target", "longest_mm": 10 + n}
            for n in range(1, 6)
        ]
        + [
            {"id": "lung-1", "organ": "lung", "role": "non_target", "status": "present"},
            {"id": "lung-2", "organ": "lung", "role": "target", "too_small_to_measure": True},
        ],
    },
    "side_effects": {
        "date": "2019-03-01",
        "term": "hand-foot syndrome",
        "grade": 2,
        "therapy": "capecitabine",
        "resolved": "2019-05-01",
        "notes": "creams helped",
    },
    "symptoms": {
        "date": "2019-03-02",
        "esas": {"pain": 3, "tiredness": 5},
        "temperature_c": 37.2,
        "signs": ["back_or_neck_pain"],
        "stools_per_day": 2,
        "notes": "ok",
    },
}


def test_rich_entries_round_trip_and_change_one_field_at_a_time(tmp_path) -> None:
    from nextline.record.validate import validate_record
    from tests.web.conftest import make_app, make_client

    person = "triple-negative-brca"
    app = make_app(tmp_path / "home", people=(person,), trials=False)
    store, state = app.state.web.store, app.state.web
    data = patient_file_data(store.get(person))
    for section, entry in RICH.items():
        data[section] = [*data.get(section, []), entry]
    store.save(validate_record(data, state.kb, state.today()).file, "rich", base=1)
    with make_client(app) as client:
        client.get("/people")
        for section in RICH:
            index = len(getattr(store.get(person), section)) - 1
            url = f"/people/{person}/entries/{section}/{index}/correct"
            before, version = store.get_latest(person)
            fields = form_fields(client.get(url).text)
            assert _send(client, url, pairs(fields)).status_code == 303, url
            assert (store.latest_version(person), store.get(person)) == (version, before), url
            target = _pick(fields)
            sent = [(f.name, _changed(f) if f is target else f.value) for f in fields]
            response = _send(client, url, sent)
            assert response.status_code == 303, (url, response.text[:400])
            old = _flat(patient_file_data(before)[section][index])
            new = _flat(patient_file_data(store.get(person))[section][index])
            assert {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)} == {
                target.name
            }, url


def test_an_entry_kept_as_typed_after_a_question_can_still_be_corrected(tmp_path) -> None:
    """A lab value outside the plausible range, or a medicine name the knowledge base does not
    know, was kept after "is this right?"; its correction form is still offered, and saving it
    unchanged stores nothing new (after the question again, where the knowledge asks one)."""
    from nextline.record.validate import validate_record
    from tests.web.conftest import make_app, make_client

    person = "hr-positive-esr1"
    app = make_app(tmp_path / "home", people=(person,), trials=False)
    store, state = app.state.web.store, app.state.web
    data = patient_file_data(store.get(person))
    data["labs"].append(
        {"date": "2025-05-02", "test": "platelets", "value": 16000, "unit": "10^9/L"}
    )
    data["therapies"].append(
        {"kind": "drug", "setting": "supportive", "drugs": ["elacestrent"], "start": "2025-05-03"}
    )
    store.save(validate_record(data, state.kb, state.today()).file, "kept as typed", base=1)
    with make_client(app) as client:
        client.get("/people")
        page = client.get(f"/people/{person}/entries").text
        for section in ("labs", "therapies"):
            index = len(data[section]) - 1
            url = f"/people/{person}/entries/{section}/{index}/correct"
            assert f'href="{url}"' in page, url
            sent = pairs(form_fields(client.get(url).text))
            response = _send(client, url, sent)
            if section == "therapies":
                assert response.status_code == 422
                assert "Did you mean elacestrant?" in response.text
                response = _send(client, url, [*sent, ("confirm_drugs", "yes")])
            else:  # platelets have a sourced plausible range: asked again, then kept
                assert response.status_code == 422
                assert "Did you mean 16000 /µL = 16 ×10^9/L?" in response.text
                response = _send(client, url, [*sent, ("confirm", "yes")])
            assert response.status_code == 303, (url, response.text[:300])
            assert store.latest_version(person) == 2
