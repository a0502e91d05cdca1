"""The harness the whole-record probes share (issue 11, third and fourth probes): a table
of invented people (`as_of`, `defaults`, `cases`), each read through
`nextline status FILE --as-of ... --json`, must raise exactly the red-flag kinds it lists."""

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


def read_table(name: str) -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load(
        (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")
    )
    return table


def patient_file(table: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """The case as a patient file: the table's defaults, then the case's own sections (a
    case's `patient` adds to the default one)."""
    data: dict[str, Any] = {"nextline": 1, **copy.deepcopy(table["defaults"])}
    for key, section in case.items():
        if key in ("id", "expect", "expect_date", "open"):
            continue
        if key == "patient":
            data[key] = {**data[key], **section}
        else:
            data[key] = copy.deepcopy(section)
    data["patient"] = {"id": case["id"], **data["patient"]}
    return data


def params(cases: list[dict[str, Any]]) -> list[Any]:
    """A case still read wrong carries `open` (why): a strict xfail until it is fixed."""
    return [
        pytest.param(
            c,
            marks=[pytest.mark.xfail(strict=True, reason=c["open"])] if "open" in c else [],
            id=c["id"],
        )
        for c in cases
    ]


def check_record(tmp_path: Path, table: dict[str, Any], case: dict[str, Any]) -> None:
    """The case's flags through the CLI are exactly its `expect`, each with a reason and a
    source, dated within the look-back (and on `expect_date` where it gives one)."""
    path = tmp_path / f"{case['id']}.yaml"
    path.write_text(yaml.safe_dump(patient_file(table, case), sort_keys=False), encoding="utf-8")
    as_of = table["as_of"]
    result = runner.invoke(app, ["status", str(path), "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    flags = json.loads(result.stdout)["red_flags"]
    assert {f["kind"]: f["urgency"] for f in flags} == case["expect"]
    for flag in flags:
        assert flag["because"] and flag["sources"], flag
        assert flag["date"] <= as_of
    for kind, day in case.get("expect_date", {}).items():
        assert next(f["date"] for f in flags if f["kind"] == kind) == day


def assert_people(cases: list[dict[str, Any]], at_least: int) -> None:
    """At least `at_least` distinct people, four or more of whom must raise nothing."""
    assert len(cases) >= at_least
    assert len({c["id"] for c in cases}) == len(cases)
    assert sum(1 for c in cases if not c["expect"]) >= 4
