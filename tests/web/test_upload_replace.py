"""A patient file uploaded onto a stored person: first what it would change (per part of the
record: entries added, removed, changed, in plain words) and an explicit choice; nothing
stored until the person chooses to replace; a page that showed an older version is refused.
And a FHIR file of several people offers them as a list to pick from."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml

from nextline.examples import EXAMPLE_IDS, example_path
from tests.fhir.helpers import PATIENT, bundle
from tests.web.conftest import csrf, make_app, make_client

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _upload(client, url: str, content: bytes | None, name: str = "mine.yaml", **fields: str):
    files = {"file": (name, content, "application/octet-stream")} if content is not None else None
    return client.post(
        url,
        params={"csrf_token": csrf(client)},
        files=files,
        data=fields,
        follow_redirects=False,
    )


def _data(person: str) -> dict:
    return yaml.safe_load(example_path(person).read_text(encoding="utf-8"))


def _raw(data: dict) -> bytes:
    return yaml.safe_dump(data, sort_keys=False).encode()


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _items(html: str) -> list[str]:
    section = html[html.index('id="changes-title"') : html.index("</section>")]
    return [re.sub(r"\s+", " ", i).strip() for i in re.findall(r"<li>(.*?)</li>", section, re.S)]


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_the_changes_are_shown_per_part_and_nothing_is_stored(app, client, person) -> None:
    store = app.state.web.store
    data = _data(person)
    removed_lab = data["labs"].pop(0)
    data["labs"].reverse()  # the same entries in another order change nothing
    data["labs"][0] = {**data["labs"][0], "value": data["labs"][0]["value"] + 1}
    data["comorbidities"] = [{"condition": "type 2 diabetes", "since": "2019-03-01"}]
    data["patient"]["name"] = "Someone Renamed"
    response = _upload(client, f"/people/{person}/upload", _raw(data), base_version="1")
    assert response.status_code == 200, response.text
    html = response.text
    assert "Replace the record with this file?" in html
    items = _items(html)
    assert "Changed: About the person: name" in items
    assert "Added: your other health condition of 1 Mar 2019" in items
    removed = [i for i in items if i.startswith("Removed: ")]
    changed = [i for i in items if i.startswith("Changed: ") and "About the person" not in i]
    assert len(removed) == 1 and removed_lab["test"] in removed[0]
    assert len(changed) == 1 and str(data["labs"][0]["test"]) in changed[0]
    assert len(items) == 4  # the reordered labs are not listed
    assert ">Blood tests</h3>" in html and ">Other health conditions</h3>" in html
    assert len(store.history(person)) == 1
    assert store.get(person).patient.name != "Someone Renamed"


def test_replacing_is_an_explicit_choice_and_one_new_version(app, client) -> None:
    person = "her2-positive-brain"
    store = app.state.web.store
    data = _data(person)
    data["symptoms"] = []
    asked = _upload(client, f"/people/{person}/upload", _raw(data), base_version="1")
    hidden = _hidden(asked.text)
    assert hidden["replace"] == "yes" and hidden["base_version"] == "1"
    assert base64.b64decode(hidden["carried"]) == _raw(data)
    assert 'type="file"' not in asked.text  # the file is carried: not chosen twice
    done = _upload(client, f"/people/{person}/upload", None, **hidden)
    assert done.status_code == 200, done.text
    assert store.get(person).symptoms == []
    assert [v.note for v in store.history(person)][1:] == ["uploaded mine.yaml in the web app"]


def test_a_stale_confirmation_is_refused_and_stores_nothing(app, client) -> None:
    person = "triple-negative-brca"
    store = app.state.web.store
    data = _data(person)
    data["labs"] = data["labs"][:1]
    hidden = _hidden(_upload(client, f"/people/{person}/upload", _raw(data), base_version="1").text)
    store.update(person, lambda f: f.model_copy(update={"symptoms": []}), "another tab")
    refused = _upload(client, f"/people/{person}/upload", None, **hidden)
    assert refused.status_code == 409
    assert "this record changed since you opened this page; nothing was stored" in refused.text
    assert [v.note for v in store.history(person)] == ["import", "another tab"]
    assert len(store.get(person).labs) == 4


def test_the_same_file_again_has_nothing_to_replace(app, client) -> None:
    person = "hr-positive-esr1"
    raw = example_path(person).read_bytes()
    response = _upload(client, f"/people/{person}/upload", raw, base_version="1")
    assert response.status_code == 200
    assert "There is nothing to replace, and nothing was stored." in response.text
    assert 'name="replace"' not in response.text
    assert len(app.state.web.store.history(person)) == 1


@pytest.mark.parametrize(
    ("content", "field", "said"),
    [
        (b"patient: [unclosed\n", None, "malformed YAML at line 2"),
        (b"", "file", "the file is empty"),
        (b"nextline: 1\npatient: {sex: sometimes}\n", "patient.sex", ""),
    ],
)
def test_a_bad_file_is_refused_before_any_question(app, client, content, field, said) -> None:
    person = "hr-positive-esr1"
    response = _upload(client, f"/people/{person}/upload", content, base_version="1")
    assert response.status_code == 422
    if field is not None:
        assert f"<code>{field}</code>" in response.text
    assert said in response.text
    assert "The file was not added. Nothing was stored." in response.text
    assert "Replace the record" not in response.text
    assert len(app.state.web.store.history(person)) == 1


def test_a_tampered_carried_file_is_refused(app, client) -> None:
    person = "hr-positive-esr1"
    response = _upload(
        client,
        f"/people/{person}/upload",
        None,
        base_version="1",
        replace="yes",
        carried="not base64 at all!",
        carried_name="x.yaml",
    )
    assert response.status_code == 422
    assert "the file is empty" in response.text
    assert len(app.state.web.store.history(person)) == 1


@pytest.fixture
def empty_client(tmp_path: Path):
    app = make_app(tmp_path / "home", people=(), trials=False)
    with make_client(app) as c:
        c.get("/people")
        yield app, c


def test_a_file_of_several_people_offers_them_to_pick(empty_client) -> None:
    app, client = empty_client
    people = [
        PATIENT,
        {**PATIENT, "id": "p2", "birthDate": "1971-02-03"},
        {**PATIENT, "id": "p3", "birthDate": "1948-11-30"},
    ]
    raw = json.dumps(bundle(*people)).encode()
    asked = _upload(client, "/people/upload", raw, name="registry.json")
    assert asked.status_code == 422
    radios = re.findall(
        r'<input type="radio" id="upload-patient-\d+" name="patient" value="([^"]+)"', asked.text
    )
    assert radios == [p["id"] for p in people]
    assert "born 1971" in asked.text and "born 1948" in asked.text
    assert 'type="text" id="upload-patient"' not in asked.text
    assert app.state.web.store.list() == []
    hidden = _hidden(asked.text)
    assert base64.b64decode(hidden["carried"]) == raw
    chosen = _upload(client, "/people/upload", None, patient="p3", **hidden)
    assert chosen.status_code == 200, chosen.text
    assert [p.id for p in app.state.web.store.list()] == ["p3"]
    assert app.state.web.store.get("p3").patient.birth_date.year == 1948


def test_picking_someone_not_in_the_file_lists_them_again(empty_client) -> None:
    app, client = empty_client
    raw = json.dumps(bundle(PATIENT, {**PATIENT, "id": "p2"})).encode()
    response = _upload(client, "/people/upload", raw, name="registry.json", patient="nobody")
    assert response.status_code == 422
    assert "no Patient with id &#39;nobody&#39;" in response.text
    assert 'name="patient" value="p2"' in response.text
    assert app.state.web.store.list() == []
