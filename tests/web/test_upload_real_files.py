"""The web upload gets the same clear refusals as `nextline import` for files as people make
them (`tests/store/test_import_real_files.py`): the page names the field or line and the
reason, and the person's record keeps its old version, whole."""

from __future__ import annotations

import html

import pytest

from nextline.record import patient_file_data
from tests.store.test_import_real_files import IMPORTS, REFUSED
from tests.web.conftest import MARIA, csrf

# One of each kind: encoding, tabs, dates, numbers, keys twice, empty.
SHOWN = [
    "cp1252 accent in the name",
    "Notepad 'Unicode' (UTF-16 LE with a BOM)",
    "a tab indents a list item",
    "06/12/2026 could be June or December",
    "a thousands comma",
    "a thousands comma unquoted",
    "a unit in the value",
    "a JSON key twice",
    "two YAML documents in one file",
]


def _upload(client, name: str, raw: bytes):
    return client.post(
        f"/people/{MARIA}/upload",
        params={"csrf_token": csrf(client)},
        files={"file": (name, raw, "application/octet-stream")},
        data={"base_version": "1"},
        follow_redirects=False,
    )


@pytest.mark.parametrize("case", [REFUSED[k] for k in SHOWN], ids=SHOWN)
def test_an_uploaded_real_file_is_refused_by_name_and_the_record_kept(app, client, case) -> None:
    before = patient_file_data(app.state.web.store.get(MARIA))
    response = _upload(client, case.name, case.raw)
    assert response.status_code == 422, response.text[:500]
    page = html.unescape(response.text).lower()
    assert "nothing was stored" in page
    # the line numbers of a file uploaded onto a page are the file's own
    missing = [part for part in case.says if part not in page]
    assert missing == []
    assert app.state.web.store.latest_version(MARIA) == 1
    assert patient_file_data(app.state.web.store.get(MARIA)) == before


@pytest.mark.parametrize(
    "key", ["JSON in a file named .yaml", "YAML in a file named .json", "CRLF line ends and a BOM"]
)
def test_an_uploaded_file_from_another_system_is_read_as_it_says(app, client, key) -> None:
    case = IMPORTS[key]
    response = _upload(client, case.name, case.raw)
    assert response.status_code == 200, response.text[:500]  # shows what would change
    page = " ".join(html.unescape(response.text).split())
    assert "Changed: About the person: name" in page
    assert page.count("Changed:") == 1  # the only change the file makes
    assert app.state.web.store.latest_version(MARIA) == 1  # nothing stored until confirmed


def _gzipped(text: str) -> bytes:
    import gzip

    return gzip.compress(text.encode())


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        # cut short: the archive's end is missing
        ("export.ndjson.gz", _gzipped('{"resourceType": "Patient"}\n' * 200)[:60], "gzip"),
        # the gzip signature, then nothing that unpacks
        ("bundle.json.gz", b"\x1f\x8b" + b"not really an archive" * 5, "gzip"),
        # a whole archive that holds no FHIR
        ("notes.json.gz", _gzipped("just some words, not FHIR"), "gzip"),
    ],
    ids=["cut short", "not an archive after all", "no FHIR inside"],
)
def test_an_uploaded_broken_gzip_says_so_and_keeps_the_record(
    app, client, name: str, raw: bytes, says: str
) -> None:
    """A damaged or empty-of-FHIR gzip archive gets the import's own words (it was read as a
    patient file and refused as one, which did not say what was wrong)."""
    before = patient_file_data(app.state.web.store.get(MARIA))
    response = _upload(client, name, raw)
    assert response.status_code == 422, response.text[:500]
    page = html.unescape(response.text).lower()
    assert says in page
    assert "nothing was stored" in page
    assert app.state.web.store.latest_version(MARIA) == 1
    assert patient_file_data(app.state.web.store.get(MARIA)) == before
