"""One guard for numbers and text at the model layer: every bad value is refused with the
project's own clear error naming the field, nothing is cut short, and nothing crashes."""

from __future__ import annotations

import json

import pytest
import yaml

from nextline.errors import RecordInvalid
from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file
from nextline.record.parse import decode_patient_data, validate_patient_data


def _data() -> dict:
    return patient_file_data(read_patient_file(example_path("hr-positive-esr1")))


def _problems(data: object) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as caught:
        validate_patient_data(data)
    return [(p.path, p.reason) for p in caught.value.problems]


def _read(text: str, is_json: bool = False) -> RecordInvalid:
    with pytest.raises(RecordInvalid) as caught:
        validate_patient_data(decode_patient_data(text.encode("utf-8"), "t", is_json))
    return caught.value


NOT_FINITE = [float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("bad", NOT_FINITE)
@pytest.mark.parametrize(
    ("section", "field"),
    [("labs", "value"), ("labs", "ref_low"), ("labs", "ref_high")],
)
def test_lab_numbers_must_be_finite(bad: float, section: str, field: str) -> None:
    data = _data()
    data[section][0][field] = bad
    [(path, reason)] = _problems(data)
    assert path == f"{section}[0].{field}"
    assert reason.startswith("Input should be a finite number")


@pytest.mark.parametrize("bad", NOT_FINITE)
def test_pdl1_cps_and_travel_limit_must_be_finite(bad: float) -> None:
    data = _data()
    data["tumor_tests"][0]["pdl1"] = {"cps": bad}
    data["goals"] = {"travel_limit_km": bad}
    assert [p for p, _ in _problems(data)] == ["tumor_tests[0].pdl1.cps", "goals.travel_limit_km"]


@pytest.mark.parametrize(
    "text",
    [
        "value: .nan",
        "value: .inf",
        "value: -.Inf",
        "value: 1e309",
        "value: 1.0e+400",
        "value: -5",
        "value: -0.01",
        "value: 1e12",
        "value: " + "9" * 5000,  # over Python's 4,300-digit limit for int()
        "value: " + "9" * 400,
    ],
)
def test_a_yaml_lab_value_that_is_not_a_real_measurement_is_a_clear_error(text: str) -> None:
    base = yaml.safe_dump(_data(), sort_keys=False)
    line = "- {date: 2025-01-01, test: CA 15-3, unit: U/mL, " + text + "}\n"
    error = _read(base.replace("labs:\n", "labs:\n" + line, 1))
    assert [p.path for p in error.problems] == ["labs[0].value"]
    assert "nothing was stored" in str(error)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e309", "-3"])
def test_a_json_lab_value_that_is_not_a_real_measurement_is_refused(token: str) -> None:
    data = _data()
    data["labs"][0]["value"] = 12345.5
    text = json.dumps(data, default=str).replace("12345.5", token, 1)
    error = _read(text, is_json=True)
    assert [p.path for p in error.problems] == ["labs[0].value"]


def test_cps_over_100_and_absurd_sizes_are_refused() -> None:
    data = _data()
    data["tumor_tests"][0]["pdl1"] = {"cps": 101}
    data["metastases"][0]["max_size_mm"] = 5000
    data["goals"] = {"travel_limit_km": 40000}
    assert [p for p, _ in _problems(data)] == [
        "tumor_tests[0].pdl1.cps",
        "metastases[0].max_size_mm",
        "goals.travel_limit_km",
    ]


@pytest.mark.parametrize(
    ("where", "setter"),
    [
        ("patient.name", lambda d, v: d["patient"].__setitem__("name", v)),
        ("labs[0].test", lambda d, v: d["labs"][0].__setitem__("test", v)),
        ("therapies[0].notes", lambda d, v: d["therapies"][0].__setitem__("notes", v)),
        (
            "diagnosis.stage_at_first_diagnosis",
            lambda d, v: d["diagnosis"].__setitem__("stage_at_first_diagnosis", v),
        ),
    ],
)
@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("x" * 5001, "String should have at most 5000 characters"),
        ("Eve\x07", "control character U+0007"),
        ("Eve\x1b[2J", "control character U+001B"),
        ("Eve\x0c}", "control character U+000C"),
        ("Eve\x00", "control character U+0000"),
        ("Eve\x85", "control character U+0085"),
        ("Eve\x7f", "control character U+007F"),
        ("Eve\ud800", "U+D800"),
        ("\udfffEve", "U+DFFF"),
    ],
)
def test_bad_text_is_refused_at_its_field_never_cut(where, setter, value, reason) -> None:
    data = _data()
    setter(data, value)
    [(path, found)] = _problems(data)
    assert path == where
    assert reason in found
    assert len(found) < 300  # the message quotes the start of the value, not all of it


def test_text_with_line_breaks_tabs_accents_and_emoji_is_kept_whole() -> None:
    data = _data()
    note = "Line one\r\nline two\ttabbed — café, 東京, 🙂 " + "y" * 4900
    data["therapies"][0]["notes"] = note
    data["patient"]["name"] = "Zoë O'Brien-Łukasz"
    file = validate_patient_data(data)
    assert file.therapies[0].notes == note
    assert file.patient.name == "Zoë O'Brien-Łukasz"


@pytest.mark.parametrize(
    ("escape", "where"),
    [
        ('"\\x07"', "patient.name"),
        ('"\\e[31m"', "patient.name"),
        ('"\\u0085"', "patient.name"),
        # the YAML reader itself refuses a lone surrogate escape: a clear file-level error
        ('"\\ud800"', ""),
        ('"a\\udc00b"', ""),
    ],
)
def test_yaml_escapes_that_make_bad_text_are_refused(escape: str, where: str) -> None:
    base = yaml.safe_dump(_data(), sort_keys=False)
    text = base.replace("name: Maria (example)", f"name: {escape}", 1)
    assert text != base
    error = _read(text)
    assert [p.path for p in error.problems] == [where]


def test_a_json_lone_surrogate_is_refused_at_its_field() -> None:
    text = json.dumps(_data(), default=str).replace("Maria (example)", "\\ud83d", 1)
    assert [p.path for p in _read(text, is_json=True).problems] == ["patient.name"]


@pytest.mark.parametrize("day", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31"])
def test_an_unquoted_impossible_date_names_its_field(day: str) -> None:
    base = yaml.safe_dump(_data(), sort_keys=False)
    line = f"- {{date: {day}, test: CA 15-3, value: 3, unit: U/mL}}\n"
    error = _read(base.replace("labs:\n", "labs:\n" + line, 1))
    assert [p.path for p in error.problems] == ["labs[0].date"]
    assert day in error.problems[0].reason


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        "a: " + "[" * 100_000,
        "? [a, b]\n: c\n",
        "nextline: 1\n" + "x: &a [*a]\n",
    ],
)
def test_pathological_yaml_is_a_clear_error(text: str) -> None:
    with pytest.raises(RecordInvalid):
        validate_patient_data(decode_patient_data(text.encode("utf-8"), "t"))


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a": ' * 50_000 + "1"])
def test_pathological_json_is_a_clear_error(text: str) -> None:
    with pytest.raises(RecordInvalid):
        validate_patient_data(decode_patient_data(text.encode("utf-8"), "t", is_json=True))
