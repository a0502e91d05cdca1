"""Bad input gets a clear error naming the field and the reason, and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.store import open_store
from tests.record.builders import make_file

runner = CliRunner()


def _yaml(**sections: Any) -> bytes:
    return yaml.safe_dump(make_file(**sections), sort_keys=False).encode()


def _big_file() -> bytes:
    padding = "# " + "x" * 98 + "\n"
    return _yaml() + padding.encode() * 200_000  # 20 MB


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("malformed_yaml", b"nextline: 1\npatient: {id: x\n", "malformed YAML at line 3, column 1"),
    (
        "wrong_type",
        _yaml(labs=[{"date": "2024-01-01", "test": "ANC", "value": "many", "unit": "10^9/L"}]),
        "labs[0].value: Input should be a valid number, unable to parse string as a number "
        "(got 'many')",
    ),
    ("missing_required", b"nextline: 1\ndiagnosis: {}\n", "patient: required field is missing"),
    (
        "unknown_enum",
        _yaml(metastases=[{"site": "elbow"}]),
        "metastases[0].site: Input should be 'bone', 'liver', 'lung', 'pleura', 'brain', "
        "'leptomeninges', 'lymph_nodes', 'skin', 'peritoneum' or 'other' (got 'elbow')",
    ),
    (
        "stop_before_start",
        _yaml(therapies=[{"drugs": ["letrozole"], "start": "2022-05-01", "stop": "2022-01-01"}]),
        "therapies[0].stop: stop 2022-01-01 is before start 2022-05-01",
    ),
    (
        "side_effect_over_before_it_began",
        _yaml(
            side_effects=[
                {"date": "2024-03-10", "term": "nausea", "grade": 2, "resolved": "2024-03-01"}
            ]
        ),
        "side_effects[0].resolved: 2024-03-01 is before the side effect began (2024-03-10)",
    ),
    (
        "dose_change_before_the_treatment",
        _yaml(
            therapies=[
                {
                    "drugs": ["letrozole"],
                    "start": "2024-05-01",
                    "dose_changes": [{"date": "2024-04-01", "change": "held"}],
                }
            ]
        ),
        "therapies[0].dose_changes[0].date: 2024-04-01 is before the treatment started "
        "(2024-05-01)",
    ),
    (
        "reference_range_upside_down",
        _yaml(
            labs=[
                {
                    "date": "2024-03-01",
                    "test": "bilirubin",
                    "value": 0.4,
                    "unit": "mg/dL",
                    "ref_low": 1.2,
                    "ref_high": 0.2,
                }
            ]
        ),
        "labs[0].ref_high: the upper limit of normal (0.2) is below the lower limit (1.2); "
        "check which is which on the report",
    ),
    (
        "future_date",
        _yaml(
            imaging=[
                {
                    "date": "2031-01-01",
                    "modality": "CT",
                    "lesions": [{"id": "a", "role": "target", "longest_mm": 10}],
                }
            ]
        ),
        "imaging[0].date: date 2031-01-01 is after the as-of date 2025-06-01",
    ),
    (
        "negative_size",
        _yaml(
            imaging=[
                {
                    "date": "2024-01-01",
                    "modality": "CT",
                    "lesions": [{"id": "a", "role": "target", "longest_mm": -3}],
                }
            ]
        ),
        "imaging[0].lesions[0].longest_mm: Input should be greater than or equal to 0 (got -3)",
    ),
    (
        "ecog_7",
        _yaml(performance=[{"date": "2024-01-01", "ecog": 7}]),
        "performance[0].ecog: Input should be less than or equal to 4 (got 7)",
    ),
    (
        "unknown_unit",
        _yaml(labs=[{"date": "2024-01-01", "test": "ANC", "value": 3, "unit": "bananas/L"}]),
        "labs[0].unit: unknown unit 'bananas/L' for ANC",
    ),
    (
        "non_convertible_unit",
        _yaml(labs=[{"date": "2024-01-01", "test": "hemoglobin", "value": 12, "unit": "U/mL"}]),
        "labs[0].unit: cannot convert 'U/mL' to 'g/dL' for hemoglobin",
    ),
    (
        "duplicate_lesion_ids",
        _yaml(
            imaging=[
                {
                    "date": "2024-01-01",
                    "modality": "CT",
                    "lesions": [
                        {"id": "liver-1", "role": "target", "longest_mm": 20},
                        {"id": "liver-1", "role": "target", "longest_mm": 12},
                    ],
                }
            ]
        ),
        "imaging[0].lesions[1].id: duplicate lesion id 'liver-1'",
    ),
    ("empty_file", b"", "the file is empty"),
    ("binary_file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this is a binary file"),
    (
        "non_utf8",
        "nextline: 1\npatient: {id: x, name: Jos\xe9}\n".encode("latin-1"),
        "not UTF-8 text: byte 38 on line 2 cannot be read; save as UTF-8",
    ),
    ("twenty_mb", _big_file(), "over the 10 MB limit for a patient file; nothing was stored"),
    ("unknown_field", _yaml(therapy=[]), "therapy: unknown field (not part of the patient format)"),
    ("duplicate_key", b"nextline: 1\nnextline: 1\n", "key 'nextline' appears twice (line 2)"),
    ("not_a_mapping", b"- just\n- a list\n", "a patient file is a mapping of sections"),
    (
        "female_without_menopausal_status",
        b"nextline: 1\npatient: {id: x, sex: female}\ndiagnosis: {}\n",
        "patient: menopausal_status is required when sex is female "
        "(use unknown when it is not known)",
    ),
    ("version_2", _yaml(nextline=2), "nextline: Input should be 1 (got 2)"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused_with_its_reason_and_nothing_is_stored(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    result = runner.invoke(app, ["import", str(path), "--as-of", "2025-06-01"])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert open_store().list() == []


def test_every_error_is_reported_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_bytes(
        _yaml(
            performance=[{"date": "2024-01-01", "ecog": 7}],
            therapies=[{"drugs": ["letrozole"], "start": "2022-05-01", "stop": "2022-01-01"}],
            labs=[{"date": "2024-01-01", "test": "ANC", "value": 3, "unit": "mg"}],
        )
    )
    result = runner.invoke(app, ["check", str(path), "--as-of", "2025-06-01", "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["path"], p["severity"]) for p in problems] == [
        ("performance[0].ecog", "error"),
        ("therapies[0].stop", "error"),
        ("labs[0].unit", "error"),
    ]


def test_ten_thousand_lab_rows_import(tmp_path: Path) -> None:
    labs = [
        {
            "date": f"20{10 + i % 14:02d}-0{1 + i % 9}-1{i % 9}",
            "test": "CA 15-3",
            "value": i % 200,
            "unit": "U/mL",
        }
        for i in range(10_000)
    ]
    path = tmp_path / "labs.json"
    path.write_text(json.dumps(make_file(labs=labs), default=str))
    result = runner.invoke(app, ["import", str(path), "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "test-person"
    stored = open_store().get("test-person")
    assert len(stored.labs) == 10_000
