"""The import, end to end, as a property: any mutation of an example file, including the
ways real people's files differ (a BOM, CRLF, Windows-1252, tabs, day/month dates, commas in
numbers, units in values), either imports as exactly what it says or is refused with a
message naming the field or line, and the store is never touched by a refusal: every person
keeps their latest version, whole. Never a traceback (issue 15, third probe).

`make test` runs a short profile; `make fuzz` (NEXTLINE_FUZZ=long) a long one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import patient_file_data
from nextline.record.parse import decode_patient_data, validate_patient_data
from nextline.store import RecordStore, open_store
from tests.fuzz.conftest import COUNTS, fuzz_settings
from tests.fuzz.test_fuzz_patient_file import SEEDS, text_mutants, value_mutants

runner = CliRunner()

# Reasons about the file as a whole: there is no one field or line to name.
WHOLE_FILE = (
    "the file is empty",
    "binary file",
    "utf-16",
    "over the",
    "a patient file is a mapping",
    "nested too deeply",
    "cannot be read as",
    "malformed yaml: ",
)


def _people_edit(draw: st.DrawFn, text: str) -> bytes:
    """One change of the kind a real person's editor or habits make."""
    kind = draw(
        st.sampled_from(
            ["bom", "crlf", "cp1252", "tab", "slash date", "comma", "unit", "quotes", "json"]
        )
    )
    if kind == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "cp1252":
        at = draw(st.integers(0, len(text)))
        word = draw(st.sampled_from(["café", "naïve", "don\u2019t", "\u201cok\u201d", "5\u20136"]))
        return (text[:at] + word + text[at:]).encode("cp1252", errors="replace")
    if kind == "tab":
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = re.sub(r"^ {2}", "\t", lines[at])
        return "\n".join(lines).encode()
    if kind == "slash date":
        dates = list(re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text))
        if not dates:
            return text.encode()
        found = draw(st.sampled_from(dates))
        year, month, day = found.groups()
        written = draw(st.sampled_from([f"{day}/{month}/{year}", f"{month}/{day}/{year}"]))
        return (text[: found.start()] + written + text[found.end() :]).encode()
    if kind in ("comma", "unit"):
        values = list(re.finditer(r"value: (\d+(?:\.\d+)?)", text))
        if not values:
            return text.encode()
        found = draw(st.sampled_from(values))
        number = found.group(1)
        written = f'"1,{number}"' if kind == "comma" else f'"{number} mmol/L"'
        return (text[: found.start(1)] + written + text[found.end(1) :]).encode()
    if kind == "quotes":
        return text.replace('"', "\u201c", 2).encode()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:  # an earlier edit broke the YAML: keep it as it is
        return text.encode()
    return json.dumps(data, default=str, indent=draw(st.sampled_from([None, 2, "\t"]))).encode()


@st.composite
def people_mutants(draw: st.DrawFn) -> tuple[bytes, str]:
    """A file as a person might hand it over, and the name it is saved under."""
    name = draw(st.sampled_from(["person.yaml", "person.yml", "person.json"]))
    source = draw(st.sampled_from(["people", "people", "text", "values"]))
    if source == "text":
        return draw(text_mutants()), name
    if source == "values":
        raw, _ = draw(value_mutants())
        return raw, name
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        raw = _people_edit(draw, text)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw, name
    return text.encode(), name


def _snapshot(store: RecordStore) -> dict[str, tuple[int, dict[str, Any]]]:
    return {p.id: (p.versions, patient_file_data(store.get(p.id))) for p in store.list()}


@pytest.fixture
def stored_store() -> RecordStore:
    for person_id in EXAMPLE_IDS:
        assert runner.invoke(app, ["import", str(example_path(person_id))]).exit_code == 0
    return open_store()


def _named(line: str) -> bool:
    """A refusal line names a field (`labs[2].value`) or a line, or is about the whole file."""
    said = line.strip()
    if not said.startswith("error: "):
        return True
    where = said[len("error: ") :]
    if not where.startswith("(file):"):
        return True
    lowered = where.lower()
    return "line " in lowered or any(reason in lowered for reason in WHOLE_FILE)


@fuzz_settings("import into the store")
@given(mutant=people_mutants())
def test_any_mutation_imports_as_it_says_or_is_refused_by_name_and_stores_nothing(
    tmp_path_factory: pytest.TempPathFactory, stored_store: RecordStore, mutant: tuple[bytes, str]
) -> None:
    raw, name = mutant
    path: Path = tmp_path_factory.mktemp("mutant") / name
    path.write_bytes(raw)
    before = _snapshot(stored_store)
    result = runner.invoke(app, ["import", str(path), "--as-of", "2030-01-01"])
    assert isinstance(result.exception, SystemExit | None), result.exception  # no traceback
    after = _snapshot(stored_store)
    if result.exit_code != 0:
        COUNTS["import into the store", "refused by name"] += 1
        assert "nothing was stored" in result.stderr
        unnamed = [line for line in result.stderr.splitlines()[1:] if not _named(line)]
        assert unnamed == [], result.stderr
        assert after == before  # every person's latest version, whole
        return
    COUNTS["import into the store", "imported"] += 1
    person_id = result.stdout.strip().splitlines()[-1]
    expected = patient_file_data(
        validate_patient_data(decode_patient_data(raw, name, name.endswith(".json")))
    )
    assert after[person_id][1] == expected  # as exactly what the file says
    others = {k: v for k, v in after.items() if k != person_id}
    assert others == {k: v for k, v in before.items() if k != person_id}


@pytest.fixture
def web(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.web.conftest import make_app, make_client

    app_ = make_app(tmp_path_factory.mktemp("web") / "home", trials=False)
    with make_client(app_) as client:
        client.get("/people")
        yield app_, client


@fuzz_settings("import through the web upload")
@given(mutant=people_mutants())
def test_any_mutation_uploaded_from_a_page_is_shown_or_refused_never_a_500(
    web: Any, mutant: tuple[bytes, str]
) -> None:
    """Uploaded onto a person's page: a preview of the change (nothing stored until the
    person chooses) or a refusal naming the field or line; never a server error."""
    from tests.web.conftest import MARIA, csrf

    app_, client = web
    raw, name = mutant
    store = app_.state.web.store
    before = _snapshot(store)
    response = client.post(
        f"/people/{MARIA}/upload",
        params={"csrf_token": csrf(client)},
        files={"file": (name, raw, "application/octet-stream")},
        data={"base_version": str(store.latest_version(MARIA))},
        follow_redirects=False,
    )
    assert response.status_code in (200, 413, 422), response.text[:2000]
    if response.status_code == 200:
        COUNTS["import through the web upload", "previewed"] += 1
    else:
        COUNTS["import through the web upload", "refused"] += 1
        assert "Nothing was stored" in response.text
    assert _snapshot(store) == before  # a preview or a refusal stores nothing
