"""The safety net on whole records it has never seen: the emergency lives in structured
fields, drug names as people write them, lab units, dates and the sites on record (or none).

Each case of `data/unseen_records.yaml` is a patient file read through the contract,
`nextline status FILE --as-of ... --json`, and must raise exactly the red-flag kinds it
lists, each with its urgency: a missing kind is a missed emergency, a wrong urgency is a
wrong answer, and any other kind is a false alarm. The cases were written before the fixes;
how many failed then is in the CHANGELOG."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app

runner = CliRunner()
TABLE = yaml.safe_load(
    (Path(__file__).parent / "data" / "unseen_records.yaml").read_text(encoding="utf-8")
)
AS_OF: str = TABLE["as_of"]
CASES: list[dict[str, Any]] = TABLE["cases"]
URGENCIES = {"emergency", "call_now"}


def patient_file(case: dict[str, Any]) -> dict[str, Any]:
    """The case as a patient file: the table's defaults, then the case's own sections."""
    data: dict[str, Any] = {"nextline": 1, **copy.deepcopy(TABLE["defaults"])}
    for key, section in case.items():
        if key in ("id", "expect", "expect_date", "error"):
            continue
        data[key] = copy.deepcopy(section)
    data["patient"] = {"id": case["id"], **data["patient"]}
    return data


def run_status(tmp_path: Path, case: dict[str, Any]) -> Any:
    path = tmp_path / f"{case['id']}.yaml"
    path.write_text(yaml.safe_dump(patient_file(case), sort_keys=False), encoding="utf-8")
    return runner.invoke(app, ["status", str(path), "--as-of", AS_OF, "--json"])


def test_the_table_is_varied_enough() -> None:
    """At least 40 people; every urgency and 'nothing at all' are expected somewhere."""
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)
    expected = [c["expect"] for c in CASES if "expect" in c]
    assert {u for e in expected for u in e.values()} == URGENCIES
    assert sum(1 for e in expected if not e) >= 8


@pytest.mark.parametrize("case", [c for c in CASES if "expect" in c], ids=lambda c: c["id"])
def test_unseen_record_raises_exactly_its_flags(tmp_path: Path, case: dict[str, Any]) -> None:
    result = run_status(tmp_path, case)
    assert result.exit_code == 0, result.output
    flags = json.loads(result.stdout)["red_flags"]
    got = {f["kind"]: f["urgency"] for f in flags}
    assert got == case["expect"]
    for flag in flags:
        assert flag["because"] and flag["sources"], flag
        assert flag["date"] <= AS_OF
    for kind, day in case.get("expect_date", {}).items():
        assert next(f["date"] for f in flags if f["kind"] == kind) == day


@pytest.mark.parametrize("case", [c for c in CASES if "error" in c], ids=lambda c: c["id"])
def test_unseen_record_with_a_missing_field_names_it(tmp_path: Path, case: dict[str, Any]) -> None:
    result = run_status(tmp_path, case)
    assert result.exit_code != 0
    assert case["error"] in result.output
