"""Export then import gives back the same record, byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.record import (
    PatientFile,
    build_record,
    dump_patient_file,
    read_patient_file,
    validate_patient_data,
)
from nextline.record.parse import decode_patient_data
from tests.record.builders import make_file

runner = CliRunner()


@pytest.mark.parametrize("example_id", EXAMPLE_IDS)
def test_example_imports_shows_exports_and_reimports_identically(
    tmp_path: Path, example_id: str
) -> None:
    original = read_patient_file(example_path(example_id))
    imported = runner.invoke(app, ["import", str(example_path(example_id))])
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.strip() == example_id

    shown = runner.invoke(app, ["show", example_id])
    assert shown.exit_code == 0
    assert "Line 1:" in shown.stdout

    first = tmp_path / "first.yaml"
    assert runner.invoke(app, ["export", example_id, "-o", str(first)]).exit_code == 0
    assert read_patient_file(first) == original

    # re-import of the export is the same record: no new version is made
    again = runner.invoke(app, ["import", str(first)])
    assert again.exit_code == 0
    history = runner.invoke(app, ["history", example_id, "--json"])
    assert history.stdout.count('"version"') == 1

    second = tmp_path / "second.yaml"
    assert runner.invoke(app, ["export", example_id, "-o", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_format_round_trips(fmt: str) -> None:
    original = read_patient_file(example_path("hr-positive-esr1"))
    text = dump_patient_file(original, fmt)
    again = validate_patient_data(decode_patient_data(text.encode(), is_json=fmt == "json"))
    assert again == original
    assert dump_patient_file(again, fmt) == text


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2025, 1, 1))
names = st.sampled_from(["letrozole", "Ibrance", "Herceptin", "capecitabine", "Mystery Drug"])
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
)


@st.composite
def patient_files(draw: st.DrawFn) -> PatientFile:
    labs = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": dates,
                    "test": st.sampled_from(["ANC", "CA 15-3", "hemoglobin", "platelets"]),
                    "value": st.floats(min_value=0, max_value=1e6, allow_nan=False),
                }
            ),
            max_size=5,
        )
    )
    units = {"ANC": "/uL", "CA 15-3": "U/mL", "hemoglobin": "g/dL", "platelets": "10^9/L"}
    for lab in labs:
        lab["unit"] = units[lab["test"]]
    therapies = []
    for start in draw(st.lists(dates, max_size=4)):
        therapy = {
            "setting": "metastatic",
            "drugs": draw(st.lists(names, min_size=1, max_size=3)),
            "start": start,
        }
        if draw(st.booleans()):
            therapy["stop"] = start + dt.timedelta(days=draw(st.integers(0, 900)))
            therapy["stop_reason"] = draw(st.sampled_from(["progression", "toxicity", "break"]))
        if draw(st.booleans()):
            therapy["notes"] = draw(text)
        therapies.append(therapy)
    data = make_file(
        labs=labs,
        therapies=therapies,
        symptoms=[{"date": d, "notes": draw(text)} for d in draw(st.lists(dates, max_size=3))],
    )
    data["patient"]["name"] = draw(text)
    return validate_patient_data(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=patient_files(), fmt=st.sampled_from(["yaml", "json"]))
def test_any_valid_file_round_trips_through_export(file: PatientFile, fmt: str) -> None:
    text_out = dump_patient_file(file, fmt)
    again = validate_patient_data(decode_patient_data(text_out.encode(), is_json=fmt == "json"))
    assert again == file
    assert dump_patient_file(again, fmt) == text_out


@settings(max_examples=40, deadline=None)
@given(file=patient_files())
def test_line_numbers_are_consecutive_from_one(file: PatientFile, kb: Knowledge) -> None:
    record = build_record(file, kb, dt.date(2030, 1, 1))
    assert [line.number for line in record.lines] == list(range(1, len(record.lines) + 1))
    starts = [line.start for line in record.lines]
    assert starts == sorted(starts)


def test_an_empty_required_section_survives_export() -> None:
    file = validate_patient_data(
        {"nextline": 1, "patient": {"id": "x", "sex": "male"}, "diagnosis": {}}
    )
    text_out = dump_patient_file(file)
    assert text_out == "nextline: 1\npatient:\n  id: x\n  sex: male\ndiagnosis: {}\n"
    assert validate_patient_data(decode_patient_data(text_out.encode())) == file
