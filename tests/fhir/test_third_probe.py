"""Issue 13, third probe on files from real systems (s10): the three known gaps (gzipped
input, body temperatures the safety net must see, ICD-10-CM C79.3x / C79.5x), then 22 inputs
in shapes not tried before (`data/unseen3/cases.yaml`), each through the path `nextline
import` takes: `read_fhir`, `import_fhir`, the patient-file validation."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.errors import InputTooLarge, RecordInvalid
from nextline.fhir import ImportOptions, import_fhir, read_fhir
from nextline.fhir import reading as fhir_reading
from nextline.knowledge import Knowledge
from nextline.record import validate_record
from tests.fhir.test_unseen_exports import (
    _get,
    _notes,
    lab_lines,
    metastasis_lines,
    therapy_lines,
    tumor_lines,
)

HERE = Path(__file__).parent / "data"
PROBE = HERE / "unseen3"
TABLE = yaml.safe_load((PROBE / "cases.yaml").read_text(encoding="utf-8"))
AS_OF = dt.date.fromisoformat(TABLE["as_of"])
CASES: list[dict[str, Any]] = TABLE["cases"]
runner = CliRunner(env={"COLUMNS": "200"})


def symptom_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    for entry in data.get("symptoms", []):
        parts = [str(entry["date"])]
        if entry.get("temperature_c") is not None:
            parts.append(f"temp={entry['temperature_c']:g}")
        if entry.get("spo2_percent") is not None:
            parts.append(f"spo2={entry['spo2_percent']:g}")
        lines.append(" ".join(parts))
    return lines


def dose_lines(data: dict[str, Any], kb: Knowledge) -> list[str]:
    lines = []
    for therapy in data.get("therapies", []):
        for dose in therapy.get("doses", []):
            drug = kb.drugs[dose["drug"]].name if dose["drug"] in kb.drugs else dose["drug"]
            lines.append(f"{drug} {dose.get('dose', 0):g} {dose.get('unit', '')}".strip())
    return lines


def _options(case: dict[str, Any]) -> ImportOptions:
    raw = dict(case.get("options") or {})
    return ImportOptions(
        menopausal_status=raw.get("menopausal_status"), patient=raw.get("patient"), today=AS_OF
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["file"]))
def test_third_probe_export(case: dict[str, Any], kb: Knowledge) -> None:
    result = import_fhir(read_fhir(PROBE / case["file"]), kb, _options(case))
    data = result.data
    for path, value in (case.get("facts") or {}).items():
        assert _get(data, path) == value, path
    for path in case.get("absent") or []:
        with pytest.raises((KeyError, IndexError)):
            _get(data, path)
    for key, lines in (
        ("tumor", tumor_lines),
        ("therapies", therapy_lines),
        ("metastases", metastasis_lines),
        ("labs", lab_lines),
        ("symptoms", symptom_lines),
    ):
        if key in case:
            assert sorted(lines(data)) == sorted(case[key]), key
    if "doses" in case:
        assert sorted(dose_lines(data, kb)) == sorted(case["doses"])
    notes = _notes(result)
    for line in case.get("reported") or []:
        section, resource, words = (part.strip() for part in line.split("|"))
        found = [n for n in notes[section] if resource in n.resource and words in n.reason]
        assert found, f"{section}: nothing for {resource} saying {words!r}: {notes[section]}"
    for section, listed in notes.items():
        for note in listed:
            assert note.resource.strip() and note.reason.strip(), (section, note)
    if case.get("valid") is True:
        validate_record(data, kb, AS_OF, case["file"])


def test_the_probe_has_at_least_twenty_inputs() -> None:
    files = {case["file"] for case in CASES}
    assert len(files) >= 20
    assert all((PROBE / name).exists() for name in files)


# -- gzip ------------------------------------------------------------------------------------


def _gz(source: Path, target: Path) -> Path:
    target.write_bytes(gzip.compress(source.read_bytes()))
    return target


def _summary(path: Path, kb: Knowledge) -> dict[str, Any]:
    result = import_fhir(
        read_fhir(path), kb, ImportOptions(menopausal_status="postmenopausal", today=AS_OF)
    )
    return {
        "tumor": tumor_lines(result.data),
        "therapies": therapy_lines(result.data),
        "metastases": metastasis_lines(result.data),
        "labs": lab_lines(result.data),
        "symptoms": symptom_lines(result.data),
    }


@pytest.mark.parametrize(
    ("name", "packed"),
    [
        ("unseen/06_bulk_one_file.ndjson", "export.ndjson.gz"),
        ("unseen/25_ndjson_crlf_bom.ndjson", "portal.ndjson.gz"),
        ("unseen3/01_ips_document.json", "summary.json.gz"),
        ("unseen3/11_temperatures.json", "temps.json.gz"),
        # The name is not trusted: a gzip file is known by its first bytes.
        ("unseen3/04_synthea_many_encounters.json", "synthea.json"),
    ],
)
def test_gzipped_input_gives_the_same_record(
    name: str, packed: str, tmp_path: Path, kb: Knowledge
) -> None:
    plain = HERE / name
    archive = _gz(plain, tmp_path / packed)
    assert fhir_reading.sniff(archive) == fhir_reading.sniff(plain)
    assert _summary(archive, kb) == _summary(plain, kb)


def test_a_gzipped_bulk_export_folder_is_read(tmp_path: Path, kb: Knowledge) -> None:
    folder = tmp_path / "bulk"
    folder.mkdir()
    for file in (HERE / "unseen" / "26_bulk_folder").iterdir():
        if file.suffix == ".ndjson":
            _gz(file, folder / (file.name + ".gz"))
    options = ImportOptions(menopausal_status="postmenopausal", patient="reg-002", today=AS_OF)
    packed = import_fhir(read_fhir(folder), kb, options)
    plain = import_fhir(read_fhir(HERE / "unseen" / "26_bulk_folder"), kb, options)
    assert packed.data == plain.data
    assert packed.data["patient"]["id"] == "reg-002"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_cut_short_archive_is_a_clear_error(cut: float, tmp_path: Path, kb: Knowledge) -> None:
    """A download cut short, or a damaged archive, stops the import with the file named and
    the reason; nothing is read, so nothing half-read can be stored."""
    body = (HERE / "unseen" / "06_bulk_one_file.ndjson").read_bytes() * 40
    whole = gzip.compress(body)
    path = tmp_path / "export.ndjson.gz"
    path.write_bytes(whole[: int(len(whole) * cut)])
    with pytest.raises(RecordInvalid) as refused:
        import_fhir(read_fhir(path), kb, ImportOptions(today=AS_OF))
    assert "gzip archive is damaged or cut short" in str(refused.value)
    assert "export.ndjson.gz" in str(refused.value)


def test_a_corrupt_gzip_bundle_through_the_command_stores_nothing(tmp_path: Path) -> None:
    archive = gzip.compress((PROBE / "01_ips_document.json").read_bytes())
    damaged = bytearray(archive)
    damaged[len(damaged) // 2 : len(damaged) // 2 + 40] = b"\x00" * 40
    path = tmp_path / "summary.json.gz"
    path.write_bytes(bytes(damaged))
    result = runner.invoke(app, ["import", str(path), "--as-of", TABLE["as_of"]])
    assert result.exit_code == 1
    assert "gzip archive is damaged" in result.stderr
    assert "Traceback" not in result.stderr
    listed = runner.invoke(app, ["list", "--json"])
    assert json.loads(listed.stdout) == []


def test_a_gzip_that_holds_no_fhir_is_named_as_such(tmp_path: Path, kb: Knowledge) -> None:
    path = tmp_path / "notes.json.gz"
    path.write_bytes(gzip.compress(b"patient: {id: x}\n"))
    with pytest.raises(RecordInvalid) as refused:
        read_fhir(path)
    assert "inside the gzip archive" in str(refused.value)


def test_a_gzip_bundle_is_limited_by_what_it_unpacks_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _gz(PROBE / "04_synthea_many_encounters.json", tmp_path / "big.json.gz")
    assert path.stat().st_size < 20_000
    monkeypatch.setattr(fhir_reading, "MAX_BUNDLE_BYTES", 20_000)
    with pytest.raises(InputTooLarge) as refused:
        read_fhir(path)
    assert "once unpacked" in str(refused.value)


# -- temperatures reach the safety net ------------------------------------------------------


def test_a_fever_imported_on_chemotherapy_raises_the_neutropenic_fever_flag() -> None:
    args = ["import", str(PROBE / "12_fever_on_chemotherapy.json")]
    imported = runner.invoke(
        app, [*args, "--menopausal-status", "postmenopausal", "--as-of", "2026-12-06"]
    )
    assert imported.exit_code == 0, imported.stderr
    person = imported.stdout.strip()
    status = runner.invoke(app, ["status", person, "--as-of", "2026-12-06", "--json"])
    assert status.exit_code == 0, status.output
    flags = json.loads(status.stdout)["red_flags"]
    fever = [f for f in flags if f["kind"] == "possible_febrile_neutropenia"]
    assert len(fever) == 1, flags
    assert fever[0]["urgency"] == "emergency"
    assert "38.5" in json.dumps(fever[0])


def test_a_normal_temperature_on_chemotherapy_raises_no_fever_flag(tmp_path: Path) -> None:
    data = json.loads((PROBE / "12_fever_on_chemotherapy.json").read_text(encoding="utf-8"))
    for entry in data["entry"]:
        if entry["resource"]["id"] == "f12-temp":
            entry["resource"]["valueQuantity"] = {
                "value": 99.1,
                "unit": "degF",
                "system": "http://unitsofmeasure.org",
                "code": "[degF]",
            }
    path = tmp_path / "normal.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    imported = runner.invoke(
        app, ["import", str(path), "--menopausal-status", "postmenopausal", "--as-of", "2026-12-06"]
    )
    assert imported.exit_code == 0, imported.stderr
    status = runner.invoke(
        app, ["status", imported.stdout.strip(), "--as-of", "2026-12-06", "--json"]
    )
    kinds = [f["kind"] for f in json.loads(status.stdout)["red_flags"]]
    assert "possible_febrile_neutropenia" not in kinds


def test_an_old_fever_is_kept_but_raises_nothing_today(kb: Knowledge) -> None:
    result = import_fhir(
        read_fhir(HERE / "unseen" / "07_labs_comparators_units.json"),
        kb,
        ImportOptions(menopausal_status="postmenopausal", today=AS_OF),
    )
    assert [s["temperature_c"] for s in result.data["symptoms"]] == [38.4, 38.4]


def test_the_probe_folder_is_not_touched(tmp_path: Path) -> None:
    """The gzip tests write only under tmp_path (the inputs are kept as they are)."""
    copy = tmp_path / "copy"
    shutil.copytree(PROBE, copy)
    assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in PROBE.iterdir())


def test_gzipped_ndjson_on_standard_input_is_imported() -> None:
    packed = gzip.compress((HERE / "unseen" / "06_bulk_one_file.ndjson").read_bytes())
    result = runner.invoke(
        app,
        ["import", "-", "--menopausal-status", "postmenopausal", "--as-of", TABLE["as_of"]],
        input=packed,
    )
    assert result.exit_code == 0, result.stderr
    shown = runner.invoke(app, ["export", result.stdout.strip(), "--format", "json"])
    data = json.loads(shown.stdout)
    assert [m["site"] for m in data["metastases"]] == ["lung"]
    assert data["therapies"][0]["drugs"] == ["capecitabine"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("C79.3", "Secondary malignant neoplasm of brain and cerebral meninges"),
        ("C795", "Secondary malignant neoplasm of bone and bone marrow"),
        ("C79", "Secondary malignant neoplasm of other and unspecified sites"),
        ("C79.9", "Secondary malignant neoplasm of other and unspecified sites"),
        ("C78", "Secondary malignant neoplasm of respiratory and digestive organs"),
    ],
)
def test_a_secondary_code_that_names_no_one_site_is_reported_by_name(
    code: str, words: str, kb: Knowledge
) -> None:
    data = json.loads((PROBE / "15_icd10_c79_subcodes.json").read_text(encoding="utf-8"))
    data["entry"] = [
        e for e in data["entry"] if e["resource"]["id"] in ("icd-15", "i15-breast", "i15-bone")
    ]
    data["entry"].append(
        {
            "resource": {
                "resourceType": "Condition",
                "id": "wide",
                "subject": {"reference": "Patient/icd-15"},
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]},
                "onsetDateTime": "2024-01-01",
            }
        }
    )
    result = import_fhir(
        fhir_reading.fhir_from_data(data, "wide.json"),
        kb,
        ImportOptions(menopausal_status="postmenopausal", today=AS_OF),
    )
    assert metastasis_lines(result.data) == ["bone 2023-03-03"]
    said = [n.reason for n in result.report.not_mapped if n.resource == "Condition/wide"]
    assert len(said) == 1 and words in said[0] and code in said[0], said


def test_importing_the_same_temperatures_again_changes_nothing() -> None:
    args = ["import", str(PROBE / "11_temperatures.json"), "--as-of", TABLE["as_of"]]
    first = runner.invoke(app, [*args, "--menopausal-status", "postmenopausal"])
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.stderr
    assert "(version 2)" not in again.stderr
    shown = runner.invoke(app, ["export", "tmp-11", "--format", "json"])
    assert len(json.loads(shown.stdout)["symptoms"]) == 5


def test_a_low_oxygen_imported_from_a_vital_signs_panel_is_an_emergency() -> None:
    args = ["import", str(PROBE / "20_vitals_components.json"), "--as-of", TABLE["as_of"]]
    imported = runner.invoke(app, [*args, "--menopausal-status", "postmenopausal"])
    assert imported.exit_code == 0, imported.stderr
    status = runner.invoke(app, ["status", "comp-20", "--as-of", TABLE["as_of"], "--json"])
    flags = json.loads(status.stdout)["red_flags"]
    low = [f for f in flags if f["kind"] == "severe_breathlessness"]
    assert len(low) == 1 and low[0]["urgency"] == "emergency", flags
    assert "86" in json.dumps(low[0]["because"])
    # 37.9 °C that day is under the 38.0 °C a fever needs (and no treatment is on record).
    assert "possible_febrile_neutropenia" not in [f["kind"] for f in flags]
