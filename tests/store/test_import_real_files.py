"""Patient files as real people make them, imported over a person already stored.

Each file is one a person could plausibly hand to `nextline import`: saved by Word or Notepad
on Windows, typed with tabs, dates and numbers written the way people write them. Every file
either imports as exactly what it says (a byte-order mark, CRLF line ends, JSON in a file
named `.yaml`) or is refused with a clear message that names the field or the line and the
reason, without a traceback; and the person's stored record is then still the old version,
whole (issue 15, third probe).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path
from nextline.record import patient_file_data, validate_patient_data
from nextline.store import open_store

runner = CliRunner()
MARIA = "hr-positive-esr1"
ORIGINAL = example_path(MARIA).read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    """The 1-based line on which `needle` first appears in `text`."""
    return text[: text.index(needle)].count("\n") + 1


def _swap(old: str, new: str) -> str:
    assert old in ORIGINAL, old
    return ORIGINAL.replace(old, new, 1)


NAME = "  name: Maria (example)"
FIRST_LAB = "{date: 2021-05-25, test: CA 15-3, value: 96, unit: U/mL}"
ANC_LAB = "{date: 2024-03-20, test: ANC, value: 3100, unit: /uL}"
WEDDING = "daughter's wedding"


@dataclass(frozen=True)
class Refused:
    """A file that must be refused: the bytes, the file name, and what the message must say
    (lower case): the field or line, and the reason."""

    raw: bytes
    says: tuple[str, ...]
    name: str = "maria.yaml"


@dataclass(frozen=True)
class Imports:
    """A file that must import as exactly what `expected` (plain data) says."""

    raw: bytes
    expected: Callable[[], dict]
    name: str = "maria.yaml"


def _renamed_data() -> dict:
    data = yaml.safe_load(ORIGINAL)
    data["patient"]["name"] = "Maria Renamed"
    return data


RENAMED = _swap(NAME, "  name: Maria Renamed")
JSON_TEXT = json.dumps(_renamed_data(), indent=2, default=str)
NAME_LINE = _line_of(ORIGINAL, NAME)
LAB_LINE = _line_of(ORIGINAL, FIRST_LAB)
WEDDING_LINE = _line_of(ORIGINAL, WEDDING)
ANC_INDEX = 7  # labs[7] is the ANC of 2024-03-20


def _lab(value: str) -> str:
    return _swap(ANC_LAB, f"{{date: 2024-03-20, test: ANC, value: {value}, unit: /uL}}")


def _first_lab_date(value: str) -> str:
    return _swap(FIRST_LAB, f"{{date: {value}, test: CA 15-3, value: 96, unit: U/mL}}")


REFUSED: dict[str, Refused] = {
    # Windows text: Word and Notepad save in Windows-1252 (or Latin-1) unless told otherwise
    "cp1252 accent in the name": Refused(
        _swap(NAME, "  name: Maria Café").encode("cp1252"),
        (f"line {NAME_LINE}", "utf-8", "name: maria caf"),
    ),
    "cp1252 curly apostrophe from Word": Refused(
        _swap(WEDDING, "daughter\u2019s wedding").encode("cp1252"),
        (f"line {WEDDING_LINE}", "utf-8", "wedding"),
    ),
    "latin-1 umlaut in the city": Refused(
        _swap("city: Philadelphia", "city: München").encode("latin-1"),
        (f"line {_line_of(ORIGINAL, 'city: Philadelphia')}", "utf-8", "m"),
    ),
    "cp1252 en dash in a note": Refused(
        _swap("100 mg in July", "100 mg \u2013 July").encode("cp1252"),
        (f"line {_line_of(ORIGINAL, '100 mg in July')}", "utf-8"),
    ),
    "Notepad 'Unicode' (UTF-16 LE with a BOM)": Refused(
        ORIGINAL.encode("utf-16"), ("utf-16", "utf-8")
    ),
    "UTF-16 BE with a BOM": Refused(
        b"\xfe\xff" + ORIGINAL.encode("utf-16-be"), ("utf-16", "utf-8")
    ),
    # tabs
    "a tab indents a field": Refused(
        _swap(NAME, "\tname: Maria (example)").encode(),
        (f"line {NAME_LINE}", "tab", "spaces"),
    ),
    "a tab indents a list item": Refused(
        _swap("  - " + FIRST_LAB, "\t- " + FIRST_LAB).encode(),
        (f"line {LAB_LINE}", "tab", "spaces"),
    ),
    "tab and spaces mixed in a block": Refused(
        _swap(
            "  menopausal_status: postmenopausal", "  \tmenopausal_status: postmenopausal"
        ).encode(),
        (f"line {_line_of(ORIGINAL, 'menopausal_status')}", "tab"),
    ),
    # dates people write: day and month can swap, so a slash date is asked about, never guessed
    "06/12/2026 could be June or December": Refused(
        _first_lab_date("06/12/2026").encode(),
        ("labs[0].date", "06/12/2026", "yyyy-mm-dd", "2026-06-12", "2026-12-06"),
    ),
    "12/06/2026 could be December or June": Refused(
        _first_lab_date("12/06/2026").encode(),
        ("labs[0].date", "12/06/2026", "yyyy-mm-dd", "2026-12-06", "2026-06-12"),
    ),
    "01.02.2024 with dots": Refused(
        _first_lab_date("01.02.2024").encode(),
        ("labs[0].date", "yyyy-mm-dd", "2024-01-02", "2024-02-01"),
    ),
    "13/06/2024 can only be 13 June": Refused(
        _first_lab_date("13/06/2024").encode(),
        ("labs[0].date", "yyyy-mm-dd", "2024-06-13"),
    ),
    "2024/06/13 with slashes": Refused(
        _first_lab_date("2024/06/13").encode(),
        ("labs[0].date", "yyyy-mm-dd", "2024-06-13"),
    ),
    "a date in words": Refused(
        _first_lab_date('"June 13, 2024"').encode(), ("labs[0].date", "yyyy-mm-dd")
    ),
    "a date without leading zeros": Refused(
        _first_lab_date("2024-6-3").encode(), ("labs[0].date", "yyyy-mm-dd")
    ),
    "a slash date in the diagnosis": Refused(
        _swap("first_diagnosed: 2014-05-02", "first_diagnosed: 05/02/2014").encode(),
        ("diagnosis.first_diagnosed", "2014-05-02", "2014-02-05"),
    ),
    "a date in Word's curly quotes": Refused(
        _first_lab_date("\u201c2021-05-25\u201d").encode(), ("labs[0].date", "2021-05-25")
    ),
    # numbers people write
    "a thousands comma": Refused(
        _lab('"3,100"').encode(), (f"labs[{ANC_INDEX}].value", "3,100", "comma", "3100")
    ),
    "a thousands comma unquoted": Refused(
        _lab("3,100").encode(), (f"line {_line_of(ORIGINAL, ANC_LAB)}", "value", "comma", "3100")
    ),
    "a thousands comma and decimals": Refused(
        _lab('"1,500.5"').encode(), (f"labs[{ANC_INDEX}].value", "comma", "1500.5")
    ),
    "a decimal comma": Refused(
        _lab('"3,1"').encode(), (f"labs[{ANC_INDEX}].value", "comma", "3.1")
    ),
    "a space between thousands": Refused(
        _lab('"3 100"').encode(), (f"labs[{ANC_INDEX}].value", "3 100")
    ),
    "a unit in the value": Refused(
        _lab('"3.1 mmol/L"').encode(), (f"labs[{ANC_INDEX}].value", "unit", "3.1")
    ),
    "a unit in the value without a space": Refused(
        _lab("3.1mmol/L").encode(), (f"labs[{ANC_INDEX}].value", "unit", "3.1")
    ),
    "a per cent sign in a percentage": Refused(
        _swap(
            "er: {result: positive, percent: 90}", 'er: {result: positive, percent: "90%"}'
        ).encode(),
        ("tumor_tests[0].er.percent", "%"),
    ),
    "a lab value below the limit": Refused(
        _lab('"<0.5"').encode(), (f"labs[{ANC_INDEX}].value", "<0.5")
    ),
    "a lab value N/A": Refused(_lab("N/A").encode(), (f"labs[{ANC_INDEX}].value", "n/a")),
    # keys written twice: never a silent overwrite
    "a YAML key twice": Refused(
        _swap(NAME, NAME + "\n  name: Maria Again").encode(),
        ("name", "twice", f"line {NAME_LINE + 1}"),
    ),
    "a YAML key twice in a flow mapping": Refused(
        _swap(
            FIRST_LAB, "{date: 2021-05-25, test: CA 15-3, value: 96, value: 69, unit: U/mL}"
        ).encode(),
        ("value", "twice", f"line {LAB_LINE}"),
    ),
    "a YAML section twice": Refused(
        (ORIGINAL + "\npalliative_care: {involved: true}\n").encode(),
        ("palliative_care", "twice"),
    ),
    "a YAML key twice with CRLF line ends": Refused(
        _swap(NAME, NAME + "\n  name: Maria Again").replace("\n", "\r\n").encode(),
        ("name", "twice", f"line {NAME_LINE + 1}"),
    ),
    "a JSON key twice": Refused(
        JSON_TEXT.replace('"name": "Maria Renamed"', '"name": "A", "name": "B"', 1).encode(),
        ("name", "twice"),
        "maria.json",
    ),
    "a JSON key twice in a file named .yaml": Refused(
        JSON_TEXT.replace('"sex": "female"', '"sex": "female", "sex": "male"', 1).encode(),
        ("sex", "twice"),
    ),
    # empty and too large
    "an empty file": Refused(b"", ("empty",)),
    "a file of blank lines": Refused(b"\n\n  \r\n\t\n", ("empty",)),
    "a file holding only a BOM": Refused(b"\xef\xbb\xbf", ("empty",)),
    "a file of only comments": Refused(b"# nothing yet\n# to do\n", ("empty",)),
    "two YAML documents in one file": Refused(
        (ORIGINAL + "\n---\n" + ORIGINAL).encode(), ("line", "one")
    ),
}


IMPORTS: dict[str, Imports] = {
    "a UTF-8 BOM (Notepad's 'UTF-8 with BOM')": Imports(
        b"\xef\xbb\xbf" + RENAMED.encode(), _renamed_data
    ),
    "CRLF line ends": Imports(RENAMED.replace("\n", "\r\n").encode(), _renamed_data),
    "CRLF line ends and a BOM": Imports(
        b"\xef\xbb\xbf" + RENAMED.replace("\n", "\r\n").encode(), _renamed_data
    ),
    "old Mac CR line ends": Imports(RENAMED.replace("\n", "\r").encode(), _renamed_data),
    "JSON in a file named .yaml": Imports(JSON_TEXT.encode(), _renamed_data),
    "JSON indented with tabs in a file named .yaml": Imports(
        json.dumps(_renamed_data(), indent="\t", default=str).encode(), _renamed_data
    ),
    "JSON with a BOM in a file named .yml": Imports(
        b"\xef\xbb\xbf" + JSON_TEXT.encode(), _renamed_data, "maria.yml"
    ),
    "YAML in a file named .json": Imports(RENAMED.encode(), _renamed_data, "maria.json"),
    "Word's curly quotes inside a name": Imports(
        _swap(NAME, "  name: \u201cMaria\u201d Renamed").encode(),
        lambda: _with_name("\u201cMaria\u201d Renamed"),
    ),
    "a tab between a key and its value": Imports(
        _swap(NAME, "  name:\tMaria Renamed").encode(), _renamed_data
    ),
}


def _with_name(name: str) -> dict:
    data = yaml.safe_load(ORIGINAL)
    data["patient"]["name"] = name
    return data


@pytest.fixture
def stored() -> dict:
    """Maria stored once (version 1), as the old version every refused import must keep."""
    result = runner.invoke(app, ["import", str(example_path(MARIA))])
    assert result.exit_code == 0, result.output
    return patient_file_data(open_store().get(MARIA))


def _import(tmp_path: Path, raw: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(raw)
    return runner.invoke(app, ["import", str(path), "--as-of", "2026-12-06"])


@pytest.mark.parametrize("case", REFUSED.values(), ids=list(REFUSED))
def test_a_refused_file_names_the_place_and_reason_and_keeps_the_old_version(
    tmp_path: Path, stored: dict, case: Refused
) -> None:
    result = _import(tmp_path, case.raw, case.name)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    message = result.stderr.lower()
    assert "nothing was stored" in message, message
    missing = [part for part in case.says if part not in message]
    assert missing == [], message
    store = open_store()
    assert store.latest_version(MARIA) == 1
    assert patient_file_data(store.get(MARIA)) == stored


@pytest.mark.parametrize("case", IMPORTS.values(), ids=list(IMPORTS))
def test_a_file_as_saved_on_another_system_imports_as_what_it_says(
    tmp_path: Path, stored: dict, case: Imports
) -> None:
    result = _import(tmp_path, case.raw, case.name)
    assert result.exit_code == 0, result.output
    store = open_store()
    assert store.latest_version(MARIA) == 2
    expected = patient_file_data(
        validate_patient_data(json.loads(json.dumps(case.expected(), default=str)))
    )
    assert patient_file_data(store.get(MARIA)) == expected
    assert patient_file_data(store.get(MARIA, 1)) == stored


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path, stored: dict) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(ORIGINAL.encode())
        handle.truncate(50 * 1024 * 1024)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "52.4 mb, over the 10 mb limit" in result.stderr.lower()
    assert open_store().latest_version(MARIA) == 1


# --- FHIR files as people's systems and editors save them -----------------------------------

FHIR_OPTIONS = ["--menopausal-status", "postmenopausal"]


def _fhir_text() -> str:
    from tests.fhir.helpers import MBC1

    return json.dumps(json.loads(MBC1.read_text(encoding="utf-8")), indent=2, ensure_ascii=False)


FHIR_REFUSED: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "a Windows-1252 accent in the family name": (
        _fhir_text().replace('"family": "', '"family": "Café', 1).encode("cp1252"),
        ("utf-8", "line ", "caf"),
    ),
    "a JSON key twice (the first value would be lost)": (
        _fhir_text()
        .replace('"gender": "female"', '"gender": "male", "gender": "female"', 1)
        .encode(),
        ("gender", "twice"),
    ),
    "UTF-16 from Notepad": (_fhir_text().encode("utf-16"), ("utf-16", "utf-8")),
}


@pytest.fixture
def fhir_stored(tmp_path: Path) -> tuple[str, dict]:
    path = tmp_path / "clean.json"
    path.write_text(_fhir_text(), encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), *FHIR_OPTIONS])
    assert result.exit_code == 0, result.output
    person_id = result.stdout.strip().splitlines()[-1]
    return person_id, patient_file_data(open_store().get(person_id))


@pytest.mark.parametrize("key", list(FHIR_REFUSED))
def test_a_refused_fhir_file_names_the_reason_and_keeps_the_old_version(
    tmp_path: Path, fhir_stored: tuple[str, dict], key: str
) -> None:
    person_id, before = fhir_stored
    raw, says = FHIR_REFUSED[key]
    path = tmp_path / "export.json"
    path.write_bytes(raw)
    result = runner.invoke(app, ["import", str(path), *FHIR_OPTIONS])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    message = result.stderr.lower()
    assert "nothing was stored" in message
    assert [part for part in says if part not in message] == []
    store = open_store()
    assert store.latest_version(person_id) == 1
    assert patient_file_data(store.get(person_id)) == before


@pytest.mark.parametrize("edit", ["bom", "crlf"])
def test_a_fhir_file_with_a_bom_or_crlf_imports_as_the_clean_file_does(
    tmp_path: Path, fhir_stored: tuple[str, dict], edit: str
) -> None:
    person_id, before = fhir_stored
    text = _fhir_text()
    raw = b"\xef\xbb\xbf" + text.encode() if edit == "bom" else text.replace("\n", "\r\n").encode()
    path = tmp_path / "export.json"
    path.write_bytes(raw)
    result = runner.invoke(app, ["import", str(path), *FHIR_OPTIONS])
    assert result.exit_code == 0, result.output
    assert patient_file_data(open_store().get(person_id)) == before  # the same record
