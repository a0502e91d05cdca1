"""Issue 13: FHIR from hospitals, registries and bulk exports, each point on hand-written
bundles that the importer got wrong before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.fhir import ImportOptions
from nextline.fhir._people import MultiplePeople
from nextline.fhir.export import dump_bundle, export_bundle
from nextline.knowledge import Knowledge
from nextline.record import build_record, patient_file_data
from tests.fhir.helpers import PATIENT, POST, SUBJECT, bundle, import_data, med, reasons

runner = CliRunner(env={"COLUMNS": "200"})
SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"
AJCC = "http://cancerstaging.org"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def concept(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def condition(rid: str, code: str, display: str, onset: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": rid,
        "code": concept(SCT, code, display),
        "subject": SUBJECT,
        "onsetDateTime": onset,
        **extra,
    }


BREAST = condition("bc", "254837009", "Malignant neoplasm of breast", "2015-03-01")


def observation(rid: str, code: str, day: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": concept(LOINC, code),
        "subject": SUBJECT,
        "effectiveDateTime": day,
        **value,
    }


def answer(code: str) -> dict[str, Any]:
    return {"valueCodeableConcept": concept(LOINC, code)}


POS, NEG = answer("LA6576-8"), answer("LA6577-6")


# -- stage groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "display", "stage"),
    [
        (AJCC, "c3A", "", "IIIA"),
        (AJCC, "c3C", "", "IIIC"),
        (AJCC, "p2A", "", "IIA"),
        (AJCC, "yc2B", "", "IIB"),
        (AJCC, "4", "", "IV"),
        (AJCC, "3C", "IIIC", "IIIC"),
        (AJCC, "cIIIB", "", "IIIB"),
        (AJCC, "whatever", "Stage IIA", "IIA"),
        (AJCC, "x", "stage iib", "IIB"),
        (AJCC, "x", "AJCC Stage 4", "IV"),
        (AJCC, "0", "", "0"),
        (SCT, "1222806003", "American Joint Committee on Cancer stage IIIC", "IIIC"),
    ],
)
def test_stage_groups_in_every_spelling(
    system: str, code: str, display: str, stage: str, kb: Knowledge
) -> None:
    obs = observation(
        "stage", "21908-9", "2015-03-02", valueCodeableConcept=concept(system, code, display)
    )
    result = import_data(bundle(PATIENT, BREAST, obs), kb)
    assert result.data["diagnosis"]["stage_at_first_diagnosis"] == stage


@pytest.mark.parametrize("code", ["5", "c5A", "T2N1", "IIIZ", ""])
def test_what_is_not_a_stage_group_is_reported_not_guessed(code: str, kb: Knowledge) -> None:
    obs = observation("stage", "21908-9", "2015-03-02", valueCodeableConcept=concept(AJCC, code))
    result = import_data(bundle(PATIENT, BREAST, obs), kb)
    assert "stage_at_first_diagnosis" not in result.data["diagnosis"]
    assert "Observation/stage" in reasons(result)


def test_the_snomed_stage_observation_code_is_read(kb: Knowledge) -> None:
    obs = observation("stage", "x", "2015-03-02", valueCodeableConcept=concept(SCT, "1222806003"))
    obs["code"] = concept(SCT, "399537006", "Clinical TNM stage grouping")
    result = import_data(bundle(PATIENT, BREAST, obs), kb)
    assert result.data["diagnosis"]["stage_at_first_diagnosis"] == "IIIC"


# -- receptors --------------------------------------------------------------------------------


def test_er_and_pr_interpretation_codes_make_the_newest_result(kb: Knowledge) -> None:
    resources = [
        PATIENT,
        BREAST,
        observation("er-old", "85337-4", "2015-03-02", **POS),
        observation("pr-old", "85339-0", "2015-03-02", **POS),
        observation("er-new", "16112-5", "2021-06-01", **NEG),
        observation("pr-new", "16113-3", "2021-06-01", **NEG),
        observation("her2-new", "48676-1", "2021-06-01", **NEG),
    ]
    result = import_data(bundle(*resources), kb)
    assert result.file is not None
    newest = result.data["tumor_tests"][-1]
    assert newest == {
        "date": "2021-06-01",
        "er": {"result": "negative"},
        "pr": {"result": "negative"},
        "her2": {"result": "negative"},
    }
    record = build_record(result.file, kb, dt.date(2022, 1, 1))
    assert record.er(dt.date(2022, 1, 1)).status == "negative"


# -- the lenient second pass ----------------------------------------------------------------


def test_two_values_that_agree_keep_the_fact_and_name_the_defect(kb: Knowledge) -> None:
    her2 = observation("her2", "48676-1", "2020-01-02", **POS, valueString="HER2 positive (3+)")
    result = import_data(bundle(PATIENT, BREAST, her2), kb)
    assert result.data["tumor_tests"] == [{"date": "2020-01-02", "her2": {"result": "positive"}}]
    defects = [n.reason for n in result.report.inconsistent]
    assert any("more than one value" in d and "valueString left out" in d for d in defects)


def test_two_values_that_disagree_are_not_read(kb: Knowledge) -> None:
    er = observation("er", "85337-4", "2020-01-02", **POS, valueString="negative")
    result = import_data(bundle(PATIENT, BREAST, er), kb)
    assert "tumor_tests" not in result.data
    assert "values that disagree" in reasons(result)["entry[2] Observation/er"]


@pytest.mark.parametrize(
    ("field", "bad"),
    [("category", {"text": "laboratory"}), ("issued", "yesterday"), ("note", "free text")],
)
def test_one_broken_field_is_left_out_and_the_fact_kept(
    field: str, bad: Any, kb: Knowledge
) -> None:
    er = observation("er", "16112-5", "2020-01-02", **POS)
    er[field] = bad
    result = import_data(bundle(PATIENT, BREAST, er), kb)
    assert result.data["tumor_tests"] == [{"date": "2020-01-02", "er": {"result": "positive"}}]
    assert any(
        n.reason.startswith(f"not valid FHIR R4, read leniently: {field}")
        for n in result.report.inconsistent
    )


@pytest.mark.parametrize("subject", ["Patient/p1", {"reference": 5}, {"reference": ["Patient/p1"]}])
def test_a_broken_subject_is_never_repaired(subject: Any, kb: Knowledge) -> None:
    er = observation("er", "16112-5", "2020-01-02", **POS)
    er["subject"] = subject
    result = import_data(bundle(PATIENT, BREAST, er), kb)
    assert "tumor_tests" not in result.data
    assert "subject is not valid" in reasons(result)["entry[2] Observation/er"]


# -- which cancer -----------------------------------------------------------------------------


def test_generic_cancer_code_with_a_breast_site_is_the_breast_cancer(kb: Knowledge) -> None:
    left = concept(SCT, "80248007", "Left breast structure (body structure)")
    primary = condition(
        "c", "363346000", "Malignant neoplastic disease", "2016-02-01", bodySite=[left]
    )
    result = import_data(bundle(PATIENT, primary), kb)
    assert result.data["diagnosis"]["first_diagnosed"] == "2016-02-01"
    assert result.data["diagnosis"]["laterality"] == "left"


def test_laterality_is_kept_and_both_sides_are_bilateral(kb: Knowledge) -> None:
    left = concept(SCT, "80248007", "Left breast structure (body structure)")
    right = concept(SCT, "73056007", "Right breast structure (body structure)")
    both = condition(
        "c", "363346000", "Malignant neoplastic disease", "2016-02-01", bodySite=[left, right]
    )
    assert import_data(bundle(PATIENT, both), kb).data["diagnosis"]["laterality"] == "bilateral"
    one = condition("c", "372137005", "Primary malignant neoplasm of breast", "2016-02-01")
    assert "laterality" not in import_data(bundle(PATIENT, one), kb).data["diagnosis"]


def test_primary_malignant_neoplasm_of_breast_is_read(kb: Knowledge) -> None:
    primary = condition("c", "372137005", "Primary malignant neoplasm of breast", "2016-02-01")
    result = import_data(bundle(PATIENT, primary), kb)
    assert result.data["diagnosis"]["first_diagnosed"] == "2016-02-01"


def test_generic_cancer_code_elsewhere_is_another_cancer(kb: Knowledge) -> None:
    lung = concept(SCT, "39607008", "Lung structure (body structure)")
    other = condition(
        "c", "363346000", "Malignant neoplastic disease", "1984-02-01", bodySite=[lung]
    )
    result = import_data(bundle(PATIENT, BREAST, other), kb)
    assert result.data["diagnosis"]["first_diagnosed"] == "2015-03-01"
    assert reasons(result)["Condition/c"].startswith("other cancer: not imported")


def test_a_lung_metastasis_is_read(kb: Knowledge) -> None:
    met = condition("m", "94391008", "Secondary malignant neoplasm of lung", "2019-01-05")
    result = import_data(bundle(PATIENT, BREAST, met), kb)
    assert result.data["metastases"] == [{"site": "lung", "since": "2019-01-05"}]
    assert result.data["diagnosis"]["metastatic_since"] == "2019-01-05"


def test_another_cancers_stage_does_not_become_the_breast_stage(kb: Knowledge) -> None:
    prostate = condition("pc", "399068003", "Malignant tumor of prostate", "2010-01-01")
    stage = observation("st", "21908-9", "2010-02-01", valueCodeableConcept=concept(AJCC, "2"))
    stage["focus"] = [{"reference": "Condition/pc"}]
    loose = observation("st2", "21908-9", "2015-03-05", valueCodeableConcept=concept(AJCC, "3A"))
    result = import_data(bundle(PATIENT, BREAST, prostate, stage, loose), kb)
    assert "stage_at_first_diagnosis" not in result.data["diagnosis"]
    got = reasons(result)
    assert got["Condition/pc"].startswith("other cancer: not imported")
    assert got["Observation/st"].startswith(
        "other cancer: not imported (tied to Malignant tumor of prostate"
    )
    assert got["Observation/st2"].startswith("other cancer: not imported (stage IIIA is not tied")
    tied = observation("st3", "21908-9", "2015-03-05", valueCodeableConcept=concept(AJCC, "3A"))
    tied["focus"] = [{"reference": "Condition/bc"}]
    result = import_data(bundle(PATIENT, BREAST, prostate, tied), kb)
    assert result.data["diagnosis"]["stage_at_first_diagnosis"] == "IIIA"


def _paclitaxel(rid: str, day: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "completed",
        "intent": "order",
        "medicationCodeableConcept": concept(RX, "56946", "PACLitaxel"),
        "subject": SUBJECT,
        "authoredOn": day,
        **extra,
    }


def test_treatments_for_another_cancer_stay_out(kb: Knowledge) -> None:
    lung = condition("lc", "254637007", "Non-small cell lung cancer", "1984-05-01")
    linked = [
        _paclitaxel(f"old{i}", f"1985-0{i + 1}-01", reasonReference=[{"reference": "Condition/lc"}])
        for i in range(3)
    ]
    dated = [_paclitaxel(f"dated{i}", f"1986-0{i + 1}-01") for i in range(3)]
    mine = _paclitaxel("mine", "2016-01-10")
    result = import_data(bundle(PATIENT, BREAST, lung, *linked, *dated, mine), kb)
    drugs = [(t["drugs"], t["start"]) for t in result.data["therapies"]]
    assert drugs == [(["paclitaxel"], "2016-01-10")]
    got = reasons(result)
    for rid in ("old0", "old2", "dated0", "dated2"):
        assert got[f"MedicationRequest/{rid}"].startswith("other cancer: not imported")
    assert "before the breast cancer was found" in got["MedicationRequest/dated1"]


def test_radiation_to_another_cancers_site_stays_out_but_not_to_a_breast_metastasis(
    kb: Knowledge,
) -> None:
    lung_site = [concept(SCT, "39607008", "Lung structure (body structure)")]
    bone_site = [concept(SCT, "719537008", "Bone structure of right acetabulum (body structure)")]
    lung = condition(
        "lc", "254637007", "Non-small cell lung cancer", "2012-05-01", bodySite=lung_site
    )
    bone_met = condition("bm", "94222008", "Secondary malignant neoplasm of bone", "2019-01-01")

    def radiation(rid: str, day: str, site: list[Any]) -> dict[str, Any]:
        return {
            "resourceType": "Procedure",
            "id": rid,
            "status": "completed",
            "code": concept(SCT, "53438000", "Radiation therapy procedure or service"),
            "subject": SUBJECT,
            "performedDateTime": day,
            "bodySite": site,
        }

    result = import_data(
        bundle(
            PATIENT,
            BREAST,
            lung,
            bone_met,
            radiation("r1", "2019-02-01", lung_site),
            radiation("r2", "2019-02-01", bone_site),
        ),
        kb,
    )
    assert [t["date"] for t in result.data["therapies"]] == ["2019-02-01"]
    assert result.data["therapies"][0]["site"].startswith("Bone")
    assert reasons(result)["Procedure/r1"].startswith(
        "other cancer: not imported (its body site (lung)"
    )


# -- sequential courses -----------------------------------------------------------------------


def test_completed_courses_without_stops_are_sequential_lines(kb: Knowledge) -> None:
    courses = [
        ("a", "84857", "anastrozole", "2019-01-01"),
        ("b", "3002", "cyclophosphamide", "2019-04-01"),
        ("c", "3639", "doxorubicin", "2019-04-01"),
        ("d", "56946", "paclitaxel", "2019-09-01"),
        ("e", "2555", "cisplatin", "2020-02-01"),
    ]
    meds = [med(rid, code, name, day, status="completed") for rid, code, name, day in courses]
    options = ImportOptions(
        menopausal_status="postmenopausal", metastatic_since=dt.date(2018, 12, 1)
    )
    result = import_data(bundle(PATIENT, BREAST, *meds), kb, options)
    assert result.file is not None
    got = [(t["drugs"], t["start"], t.get("stop")) for t in result.data["therapies"]]
    assert got == [
        (["anastrozole"], "2019-01-01", "2019-03-31"),
        (["cyclophosphamide", "doxorubicin"], "2019-04-01", "2019-08-31"),
        (["paclitaxel"], "2019-09-01", "2020-01-31"),
        (["cisplatin"], "2020-02-01", None),
    ]
    record = build_record(result.file, kb, dt.date(2021, 1, 1))
    assert [line.drug_names for line in record.lines] == [
        ["anastrozole"],
        ["cyclophosphamide", "doxorubicin"],
        ["paclitaxel"],
        ["cisplatin"],
    ]
    asked = [n.reason for n in result.report.needs if "marked completed" in n.reason]
    assert len(asked) == 5
    assert asked[-1].startswith("cisplatin is marked completed with no stop date and no later")


# -- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("with_site", [False, True])
def test_metastatic_since_survives_the_round_trip(with_site: bool, kb: Knowledge) -> None:
    resources: list[dict[str, Any]] = [PATIENT, BREAST]
    if with_site:
        resources.append(
            condition("m", "94222008", "Secondary malignant neoplasm of bone", "2020-01-01")
        )
    options = ImportOptions(
        menopausal_status="postmenopausal", metastatic_since=dt.date(2019, 6, 1)
    )
    first = import_data(bundle(*resources), kb, options)
    assert first.file is not None
    assert first.data["diagnosis"]["metastatic_since"] == "2019-06-01"
    text = dump_bundle(export_bundle(first.file, kb))
    second = import_data(json.loads(text), kb, ImportOptions())
    assert second.file is not None
    assert patient_file_data(second.file) == patient_file_data(first.file)
    assert dump_bundle(export_bundle(second.file, kb)) == text


# -- several people, folders and standard input -----------------------------------------------


def _person(pid: str, gender: str = "female") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": "1970-01-01"}


def _about(resource: dict[str, Any], pid: str) -> dict[str, Any]:
    return {**resource, "id": f"{resource['id']}-{pid}", "subject": {"reference": f"Patient/{pid}"}}


def _bulk(folder: Path, people: list[str]) -> None:
    lines: dict[str, list[dict[str, Any]]] = {"Patient": [], "Condition": [], "Observation": []}
    for pid in people:
        lines["Patient"].append(_person(pid))
        lines["Condition"].append(_about(BREAST, pid))
        lines["Observation"].append(_about(observation("er", "16112-5", "2015-03-02", **POS), pid))
    for kind, items in lines.items():
        (folder / f"{kind}.ndjson").write_text("".join(json.dumps(i) + "\n" for i in items))


def test_several_people_need_a_choice_and_nothing_is_stored(kb: Knowledge) -> None:
    data = bundle(_person("ann"), _person("bea"), _about(BREAST, "ann"), _about(BREAST, "bea"))
    with pytest.raises(MultiplePeople, match=r"holds 2 people.*ann \(female, born 1970\); bea"):
        import_data(data, kb)
    result = import_data(data, kb, ImportOptions(patient="bea", menopausal_status="unknown"))
    assert result.data["patient"]["id"] == "bea"
    assert result.data["diagnosis"]["first_diagnosed"] == "2015-03-01"
    assert (
        reasons(result)["(input)"]
        == "2 resource(s) about the 1 other people in the input: not imported"
    )


def test_an_unknown_patient_choice_is_a_clear_error(kb: Knowledge) -> None:
    from nextline.errors import RecordInvalid

    with pytest.raises(RecordInvalid, match="no Patient with id 'zoe'"):
        import_data(bundle(_person("ann")), kb, ImportOptions(patient="zoe"))


def test_cli_imports_a_bulk_export_folder(tmp_path: Path) -> None:
    _bulk(tmp_path, ["ann", "bea", "cat"])
    listed = runner.invoke(app, ["import", str(tmp_path)])
    assert listed.exit_code == 1
    assert "holds 3 people" in listed.stderr and "cat (female, born 1970)" in listed.stderr
    assert "Traceback" not in listed.stderr
    assert runner.invoke(app, ["list", "--json"]).stdout.strip() == "[]"
    stored = runner.invoke(app, ["import", str(tmp_path), "--patient", "bea"])
    assert stored.exit_code == 0, stored.stderr
    assert stored.stdout == "bea\n"
    assert "6 resource(s) about the 2 other people" in stored.stderr
    shown = json.loads(runner.invoke(app, ["export", "bea", "--format", "json"]).stdout)
    assert shown["tumor_tests"] == [{"date": "2015-03-02", "er": {"result": "positive"}}]


def test_cli_a_folder_without_ndjson_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = runner.invoke(app, ["import", str(tmp_path)])
    assert result.exit_code == 1
    assert "no .ndjson files" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reads_standard_input() -> None:
    data = bundle(PATIENT, BREAST)
    result = runner.invoke(
        app, ["import", "-", "--menopausal-status", "postmenopausal"], input=json.dumps(data)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "p1\n"
    history = json.loads(runner.invoke(app, ["history", "p1", "--json"]).stdout)
    assert history[0]["note"].startswith("import from standard input")


def test_cli_multi_person_ndjson_file_lists_the_people(tmp_path: Path) -> None:
    path = tmp_path / "export.ndjson"
    rows = [_person("ann"), _person("bob", "male"), _about(BREAST, "ann")]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "ann (female, born 1970); bob (male, born 1970)" in result.stderr


def test_post_is_the_default_helper(kb: Knowledge) -> None:
    assert POST.menopausal_status == "postmenopausal"


def test_a_bulk_folder_parses_only_the_chosen_persons_lines(
    tmp_path: Path, kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in for "constant memory" in a fast test: the other people's lines are
    passed over unparsed and not kept, so what the import holds does not grow with them."""
    from nextline.fhir import reading

    _bulk(tmp_path, [f"person-{n:03d}" for n in range(150)])
    parsed: list[int] = []
    real = reading.loads

    def counting(text: str | bytes) -> Any:
        parsed.append(1)
        return real(text)

    monkeypatch.setattr(reading, "loads", counting)
    options = ImportOptions(patient="person-077", menopausal_status="unknown")
    result = import_fhir_folder(tmp_path, kb, options)
    assert result.data["patient"]["id"] == "person-077"
    assert result.report.resources_read == 150 * 3
    # pass 1: the 150 Patient lines; pass 2: the person's own 3 lines
    assert len(parsed) == 150 + 3
    assert reasons(result)["(input)"] == (
        "447 resource(s) about the 149 other people in the input: not imported"
    )


def import_fhir_folder(folder: Path, kb: Knowledge, options: ImportOptions) -> Any:
    from nextline.fhir import import_fhir, read_fhir

    return import_fhir(read_fhir(folder), kb, options)


# Every JSON file under data/, but the one that holds no resource at all (a server's
# transaction-response, refused with the reason in tests/fhir/test_fourth_probe.py).
PUBLIC = sorted(
    p
    for p in (Path(__file__).parent / "data").rglob("*.json")
    if p.name not in ("package.json", "23_transaction_response.json")
)


@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.name)
@pytest.mark.parametrize("as_ndjson", [False, True])
def test_every_public_file_imports_or_says_why(
    path: Path, as_ndjson: bool, tmp_path: Path, kb: Knowledge
) -> None:
    from nextline.errors import NextlineError
    from nextline.fhir import import_fhir, read_fhir

    source = path
    if as_ndjson:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data.get("entry", [data]) if data.get("resourceType") == "Bundle" else [data]
        source = tmp_path / "export.ndjson"
        source.write_text("".join(json.dumps(e.get("resource", e)) + "\n" for e in entries))
    try:
        result = import_fhir(read_fhir(source), kb, ImportOptions())
    except MultiplePeople as exc:
        assert "choose one with --patient ID" in str(exc)
        return
    except NextlineError as exc:  # pragma: no cover - the public files are all FHIR
        pytest.fail(f"{path.name}: {exc}")
    report = result.report
    accounted = len(report.mapped) + len(report.not_mapped) + len(report.inconsistent)
    assert accounted > 0
    assert report.resources_read >= 1


def test_a_receptor_test_dated_before_the_diagnosis_is_still_the_breast_cancers(
    kb: Knowledge,
) -> None:
    lung = condition("lc", "254637007", "Non-small cell lung cancer", "1984-05-01")
    er = observation("er", "16112-5", "2015-02-20", **POS)  # the biopsy, before the diagnosis
    result = import_data(bundle(PATIENT, BREAST, lung, er), kb)
    assert result.data["tumor_tests"] == [{"date": "2015-02-20", "er": {"result": "positive"}}]


@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.name)
def test_every_public_person_that_imports_round_trips(path: Path, kb: Knowledge) -> None:
    from nextline.fhir import import_fhir, read_fhir

    options = ImportOptions(
        menopausal_status="postmenopausal",
        metastatic_since=dt.date(2019, 4, 1),
        undated_tests_on=dt.date(2019, 3, 15),
    )
    try:
        first = import_fhir(read_fhir(path), kb, options)
    except MultiplePeople:
        first = import_fhir(
            read_fhir(path),
            kb,
            ImportOptions(**{**vars(options), "patient": "mCODEPatientExample02"}),
        )
    if first.file is None:  # a test file with no Patient, or one with no sex: said why
        assert "error: patient.sex: required field is missing" in first.problems
        assert any("sex" in n.reason for n in first.report.needs)
        return
    text = dump_bundle(export_bundle(first.file, kb))
    second = import_data(json.loads(text), kb, ImportOptions())
    assert second.file is not None
    assert patient_file_data(second.file) == patient_file_data(first.file)
    assert dump_bundle(export_bundle(second.file, kb)) == text


@pytest.mark.parametrize(
    ("code", "value", "field", "result"),
    [
        ("16112-5", "416053008", "er", "positive"),
        ("16113-3", "416561008", "pr", "positive"),
        ("85339-0", "441118006", "pr", "negative"),
        ("48676-1", "427685000", "her2", "positive"),
        ("48676-1", "431396003", "her2", "negative"),
    ],
)
def test_receptor_status_findings_as_values(
    code: str, value: str, field: str, result: str, kb: Knowledge
) -> None:
    obs = observation("t", code, "2020-01-02", valueCodeableConcept=concept(SCT, value))
    got = import_data(bundle(PATIENT, BREAST, obs), kb)
    assert got.data["tumor_tests"] == [{"date": "2020-01-02", field: {"result": result}}]


def test_the_snomed_er_status_observation_is_read(kb: Knowledge) -> None:
    obs = observation("t", "x", "2020-01-02", valueCodeableConcept=concept(SCT, "416053008"))
    obs["code"] = concept(SCT, "445028008", "Status of estrogen receptors of neoplasm")
    got = import_data(bundle(PATIENT, BREAST, obs), kb)
    assert got.data["tumor_tests"] == [{"date": "2020-01-02", "er": {"result": "positive"}}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"valueCodeableConcept": {"text": "Positive"}}, {"result": "positive"}),
        ({"valueCodeableConcept": {"text": " negative. "}}, {"result": "negative"}),
        ({"valueString": "POSITIVE"}, {"result": "positive"}),
        (
            {
                "valueCodeableConcept": {
                    "coding": [{"system": "urn:lab", "code": "P", "display": "Positive"}]
                }
            },
            {"result": "positive"},
        ),
        ({"valueString": "ER-low positive"}, None),
        ({"valueString": "weakly positive"}, None),
        ({"valueCodeableConcept": {"text": "equivocal"}}, None),
    ],
)
def test_a_result_written_as_one_plain_word_is_read_and_nothing_more(
    value: dict[str, Any], expected: dict[str, str] | None, kb: Knowledge
) -> None:
    obs = observation("er", "16112-5", "2020-01-02", **value)
    result = import_data(bundle(PATIENT, BREAST, obs), kb)
    if expected is None:
        assert "tumor_tests" not in result.data
        assert "Observation/er" in reasons(result)
    else:
        assert result.data["tumor_tests"] == [{"date": "2020-01-02", "er": expected}]


def test_weekly_orders_are_one_course_and_the_next_treatment_a_new_line(kb: Knowledge) -> None:
    weeks = [dt.date(2019, 1, 7) + dt.timedelta(weeks=w) for w in range(12)]
    orders = [_paclitaxel(f"p{w}", day.isoformat()) for w, day in enumerate(weeks)]
    carbo = [
        {
            **_paclitaxel(f"c{w}", day.isoformat()),
            "medicationCodeableConcept": concept(
                RX, "597195", "Carboplatin 10 MG/ML Injectable Solution"
            ),
        }
        for w, day in enumerate(weeks[::3])
    ]
    cape = med("cape", "1158877", "capecitabine Oral Product", "2019-06-01", status="completed")
    options = ImportOptions(
        menopausal_status="postmenopausal", metastatic_since=dt.date(2018, 12, 1)
    )
    result = import_data(bundle(PATIENT, BREAST, *orders, *carbo, cape), kb, options)
    assert result.file is not None
    got = [(t["drugs"], t["start"], t.get("stop")) for t in result.data["therapies"]]
    assert got == [
        (["paclitaxel"], "2019-01-07", "2019-03-25"),
        (["carboplatin"], "2019-01-07", "2019-03-11"),
        (["capecitabine"], "2019-06-01", None),
    ]
    record = build_record(result.file, kb, dt.date(2020, 1, 1))
    assert [line.drug_names for line in record.lines] == [
        ["paclitaxel", "carboplatin"],
        ["capecitabine"],
    ]
    asked = [n.reason for n in result.report.needs if "completed" in n.reason]
    assert asked[0].startswith("paclitaxel: 12 orders from 2019-01-07 to 2019-03-25")
    assert len(asked) == 3


def test_a_breast_metastasis_where_another_cancer_was_is_still_a_metastasis(
    kb: Knowledge,
) -> None:
    lung_site = [concept(SCT, "39607008", "Lung structure (body structure)")]
    lung = condition(
        "lc", "254637007", "Non-small cell lung cancer", "2005-05-01", bodySite=lung_site
    )
    met = condition(
        "m", "94391008", "Secondary malignant neoplasm of lung", "2019-01-05", bodySite=lung_site
    )
    result = import_data(bundle(PATIENT, BREAST, lung, met), kb)
    assert result.data["metastases"] == [{"site": "lung", "since": "2019-01-05"}]
    tied = {
        **met,
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/condition-related",
                "valueReference": {"reference": "Condition/lc"},
            }
        ],
    }
    result = import_data(bundle(PATIENT, BREAST, lung, tied), kb)
    assert "metastases" not in result.data
    assert reasons(result)["Condition/m"].startswith("other cancer: not imported (tied to")
