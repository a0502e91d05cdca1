"""Every value a field of the patient file can take survives its correction form (the fifth
probe of issue 16, worked from the spec outwards).

`tests/web/test_every_field_form.py` proves each field has an input, with the one value
`tests/web/every_field.py` gives it. A form can still lose a value it has no choice for (a
select without "equivocal", a yes/no without "no", a whole number where a decimal was
written, two medicines where three were given, an order the person chose). So the record is
varied here: variant k gives every choice field (`Literal`) its k-th value; variants 1, 2
and 3 give every yes/no field "no", "not stated" and "yes"; the last variant also writes
every decimal field with a fraction and several items into each list. Each variant is
stored, then every entry's correction form and every whole-part form holding a value not
sent back before is sent back exactly as a browser would; nothing may change.

Before the fixes 13 of the 85 forms sent back changed the record or could not be opened: a
brain site no longer seen could not be corrected beside the same site seen again ("already
on the list", 6 variants); a tumor test whose ER or PR result disagrees with its percent, or
that says ultralow beside IHC 1+ to 3+, could not be opened for correction (6); saving the
goals unchanged put the person's priorities in the page's order (1).
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import BaseModel

from nextline.record import PatientFile, patient_file_data
from nextline.record.validate import validate_record
from tests.web.browser_form import form_fields, pairs
from tests.web.conftest import make_app, make_client
from tests.web.every_field import EVERY_FIELD

SINGLE_FORMS = {
    "person": "patient",
    "diagnosis": "diagnosis",
    "goals": "goals",
    "palliative-care": "palliative_care",
}
NOT_A_CHOICE = {"nextline", "therapies.kind"}  # the format's version; set by the form used


def _choices(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [c for arg in typing.get_args(annotation) for c in _choices(arg)]


def _model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in typing.get_args(annotation) if (m := _model(a))), None)


def _vary(data: dict[str, Any], model: type[BaseModel], k: int, path: str = "") -> None:
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        where, annotation = f"{path}{name}", info.annotation
        inner = _model(annotation)
        if inner is not None:
            items = data[name] if isinstance(data[name], list) else [data[name]]
            for item in items:
                _vary(item, inner, k, where + ".")
            continue
        if typing.get_origin(annotation) is list or where in NOT_A_CHOICE:
            continue
        choices = _choices(annotation)
        value = data[name]
        decimal = "float" in str(annotation) and not isinstance(value, bool)
        if k == LAST and decimal and isinstance(value, float | int):
            data[name] = value + 0.25
        elif choices:
            data[name] = choices[k % len(choices)]
        elif isinstance(value, bool) and k in (1, 2, 3):
            if k == 3:
                data[name] = True
            elif k == 1 or info.is_required() or info.default is False:
                data[name] = False
            else:
                data.pop(name)


LAST = 5  # the modality has the most choices (6): variants 0-5 give each one


def variant(k: int) -> dict[str, Any]:
    data = copy.deepcopy(EVERY_FIELD)
    _vary(data, PatientFile, k)
    data["patient"]["id"] = f"every-value-{k}"
    if data["patient"]["sex"] == "male":
        data["patient"].pop("menopausal_status")
    # The receptor results are varied with their percents kept: "negative" beside 95 % and
    # ultralow beside IHC 3+ are contradictions a report (or an imported file) may hold.
    if k == LAST:
        line = data["therapies"][1]
        line["drugs"] = ["letrozole", "ribociclib", "goserelin"]
        line["doses"] += [
            {"drug": "letrozole", "dose": 2.5, "unit": "mg"},
            {"drug": "goserelin", "dose": 3.6, "unit": "mg", "schedule": "every 28 days"},
        ]
        line["dose_changes"] += [
            {"date": "2024-01-05", "drug": "ribociclib", "change": "held"},
            {"date": "2024-01-20", "drug": "ribociclib", "change": "resumed"},
        ]
        goals = data["goals"]
        goals["priorities"] += ["work", "live_longer"]  # the person's order, not the page's
        goals["upcoming_events"] += [{"date": "2025-09-01", "what": "trip to Porto"}]
        data["care_team"] += [{"role": "nurse", "name": "Ana"}, {"role": "genetic_counselor"}]
    return data


def _send(client: Any, url: str, sent: list[tuple[str, str]]) -> Any:
    return client.post(
        url,
        content=urlencode(sent),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def test_the_variants_give_every_choice_its_turn() -> None:
    seen: dict[str, set[Any]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value:
                walk(inner, path)
        elif not isinstance(value, list):
            seen.setdefault(path, set()).add(value)

    for k in range(LAST + 1):
        walk(variant(k), "")
    assert {"equivocal", "positive", "negative"} <= seen["tumor_tests.her2.result"]
    assert len(seen["imaging.modality"]) == 6
    assert {True, False} <= seen["assessments.visceral_crisis"]
    assert {"male", "female"} <= seen["patient.sex"]
    assert 31.25 in seen["imaging.lesions.longest_mm"]


def fresh(k: int) -> set[tuple[str, int]]:
    """The entries (and whole parts, index -1) of variant k that no earlier variant holds as
    they are: only those have a value not yet sent back."""
    import json

    def spots(data: dict[str, Any]) -> dict[tuple[str, int], str]:
        out = {}
        for section, value in data.items():
            items = value if isinstance(value, list) else [value]
            first = -1 if not isinstance(value, list) else 0
            for i, item in enumerate(items, start=first if first < 0 else 0):
                out[(section, i)] = json.dumps(item, sort_keys=True)
        return out

    earlier = [spots(variant(j)) for j in range(k)]
    return {
        spot
        for spot, text in spots(variant(k)).items()
        if all(e.get(spot) != text for e in earlier)
    }


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    app = make_app(tmp_path_factory.mktemp("every-value") / "home", people=(), trials=False)
    state = app.state.web
    for k in range(LAST + 1):
        file = validate_record(variant(k), state.kb, state.today()).file
        state.store.save(file, "import", base=None)
    with make_client(app) as client:
        client.get("/people")
        yield app, client


@pytest.mark.parametrize("k", range(LAST + 1))
def test_every_form_sent_back_unchanged_keeps_the_record(stored, k: int) -> None:
    from nextline.web.entry_edits import list_sections

    app, client = stored
    store, person = app.state.web.store, f"every-value-{k}"
    file, start = store.get_latest(person)
    new = fresh(k)
    urls = [
        f"/people/{person}/entries/{section}/{i}/correct"
        for section in list_sections()
        for i in range(len(getattr(file, section)))
        if (section, i) in new
    ] + [f"/people/{person}/add/{key}" for key, part in SINGLE_FORMS.items() if (part, -1) in new]
    assert urls
    wrong = []
    for url in urls:
        page = client.get(url)
        if page.status_code != 200:
            wrong.append(f"{url}: cannot be opened ({page.status_code})")
            continue
        sent = pairs(form_fields(page.text))
        response = _send(client, url, sent)
        boxes = re.findall(r'type="checkbox" id="f-(confirm\w*)"', response.text)
        if response.status_code == 422 and boxes:
            # Asked again about what the report says (answered when it was stored): yes.
            response = _send(client, url, [*sent, *((box, "yes") for box in boxes)])
        if response.status_code != 303 or store.latest_version(person) != start:
            wrong.append(f"{url}: {response.status_code}, version {store.latest_version(person)}")
    assert wrong == []
    assert patient_file_data(store.get(person)) == patient_file_data(file)
