"""Normalisation on the way in: drug names, receptors, units, lines, derived views."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord, her2_category, receptor_status
from nextline.record.file_models import Her2Result, ReceptorResult
from tests.record.builders import make_record


def test_anc_in_per_microlitre_equals_the_same_count_in_10e9_per_litre(kb: Knowledge) -> None:
    record = make_record(
        kb,
        labs=[
            {"date": "2024-03-20", "test": "ANC", "value": 3100, "unit": "/uL"},
            {"date": "2024-03-21", "test": "ANC", "value": 3.1, "unit": "10^9/L"},
            {"date": "2024-03-22", "test": "neutrophils", "value": 3100, "unit": "cells/mm3"},
            {"date": "2024-03-23", "test": "ANC", "value": 3.1, "unit": "K/uL"},
        ],
    )
    values = [lab.canonical_value for lab in record.labs_of("anc")]
    assert values == [3.1, 3.1, 3.1, 3.1]
    assert {lab.canonical_unit for lab in record.labs} == {"10^9/L"}


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        ("hemoglobin", 121, "g/L", 12.1),
        ("creatinine", 88.4, "umol/L", 1.0),
        ("CA 15-3", 41, "kU/L", 41.0),
        ("platelets", 210000, "/uL", 210.0),
        ("bilirubin", 17.1, "µmol/L", 1.0),
        ("calcium", 2.5, "mmol/L", 10.02),
    ],
)
def test_lab_units_are_converted_to_the_canonical_unit(
    kb: Knowledge, test: str, value: float, unit: str, expected: float
) -> None:
    record = make_record(
        kb, labs=[{"date": "2024-01-01", "test": test, "value": value, "unit": unit}]
    )
    assert record.labs[0].canonical_value == pytest.approx(expected, abs=0.01)


def test_a_lab_given_by_loinc_code_is_recognised(kb: Knowledge) -> None:
    record = make_record(
        kb, labs=[{"date": "2024-01-01", "test": {"loinc": "6875-9"}, "value": 30, "unit": "U/mL"}]
    )
    assert record.labs[0].test_id == "ca_15_3"
    assert record.labs[0].name == "CA 15-3"


def test_brand_name_ibrance_is_palbociclib_a_cdk46_inhibitor(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[
            {"setting": "metastatic", "drugs": ["Ibrance", "letrozole"], "start": "2021-06-15"}
        ],
    )
    ibrance = record.therapies[0].drugs[0]
    assert (ibrance.written, ibrance.drug_id, ibrance.name) == (
        "Ibrance",
        "palbociclib",
        "palbociclib",
    )
    assert "cdk46_inhibitor" in ibrance.classes
    assert record.warnings == ()


@pytest.mark.parametrize(
    ("written", "drug_id"),
    [
        ("Herceptin", "trastuzumab"),
        ("Enhertu", "trastuzumab_deruxtecan"),
        ("T-DXd", "trastuzumab_deruxtecan"),
        ("Taxol", "paclitaxel"),
        ("Lynparza", "olaparib"),
        ("Perjeta", "pertuzumab"),
        ("Kanjinti", "trastuzumab"),
        ("taxol", "paclitaxel"),
    ],
)
def test_brand_and_biosimilar_names_resolve_to_one_generic(
    kb: Knowledge, written: str, drug_id: str
) -> None:
    drug = kb.find_drug(written)
    assert drug is not None
    assert drug.id == drug_id


def test_unknown_drug_is_kept_as_written_and_reported(kb: Knowledge) -> None:
    record = make_record(
        kb, therapies=[{"setting": "metastatic", "drugs": ["Wonderdrug X"], "start": "2022-01-01"}]
    )
    drug = record.therapies[0].drugs[0]
    assert (drug.written, drug.drug_id, drug.name) == ("Wonderdrug X", None, "Wonderdrug X")
    assert [(w.path, w.severity) for w in record.warnings] == [("therapies[0].drugs[0]", "warning")]
    assert "unknown drug 'Wonderdrug X'" in record.warnings[0].reason
    assert record.lines[0].drug_names == ["Wonderdrug X"]


@pytest.mark.parametrize(
    ("her2", "category"),
    [
        ({"ihc": "3+"}, "positive"),
        ({"ihc": "2+", "ish": "amplified"}, "positive"),
        ({"ihc": "2+", "ish": "not_amplified"}, "low"),
        ({"ihc": "2+"}, "equivocal"),
        ({"ihc": "1+"}, "low"),
        ({"ihc": "1+", "ish": "amplified"}, "positive"),
        ({"ihc": "0", "ultralow": True}, "ultralow"),
        ({"ihc": "0", "ultralow": False}, "zero"),
        ({"ihc": "0"}, "zero_or_ultralow"),
        ({"result": "negative"}, "negative_unspecified"),
        ({"result": "positive"}, "positive"),
        ({"ish": "not_amplified"}, "negative_unspecified"),
        ({}, "not_tested"),
    ],
)
def test_her2_category_follows_asco_cap(her2: dict[str, object], category: str) -> None:
    assert her2_category(Her2Result.model_validate(her2)) == category


def test_unquoted_ihc_zero_from_yaml_is_the_score_zero() -> None:
    assert Her2Result.model_validate({"ihc": 0}).ihc == "0"


@pytest.mark.parametrize(
    ("receptor", "status"),
    [
        ({"result": "positive", "percent": 90}, "positive"),
        ({"percent": 5}, "low"),
        ({"percent": 10}, "low"),
        ({"percent": 11}, "positive"),
        ({"percent": 0.5}, "negative"),
        ({"result": "low"}, "low"),
        ({"result": "negative"}, "negative"),
        ({}, "not_tested"),
    ],
)
def test_er_low_is_one_to_ten_percent(receptor: dict[str, object], status: str) -> None:
    assert receptor_status(ReceptorResult.model_validate(receptor)) == status


def test_receptor_result_that_disagrees_with_percent_is_a_warning(kb: Knowledge) -> None:
    record = make_record(
        kb, tumor_tests=[{"date": "2021-01-05", "er": {"result": "positive", "percent": 5}}]
    )
    assert [w.path for w in record.warnings] == ["tumor_tests[0].er"]
    assert record.er(dt.date(2022, 1, 1)).status == "low"


def test_not_tested_is_different_from_negative(kb: Knowledge) -> None:
    record = make_record(
        kb,
        tumor_tests=[
            {
                "date": "2024-04-10",
                "specimen": "blood",
                "variants": [{"gene": "ESR1", "alteration": "Y537S", "origin": "somatic"}],
                "not_detected": ["PIK3CA"],
            }
        ],
    )
    day = dt.date(2025, 1, 1)
    assert record.gene_status("ESR1", day) == ("detected", "tumor_tests[0]")
    assert record.gene_status("PIK3CA", day) == ("not_detected", "tumor_tests[0]")
    assert record.gene_status("BRCA1", day) == ("not_tested", None)
    assert record.gene_status("ESR1", dt.date(2024, 1, 1)) == ("not_tested", None)
    assert record.her2(day).status == "not_tested"


def test_germline_vus_is_not_a_detection(kb: Knowledge) -> None:
    record = make_record(
        kb,
        germline_tests=[
            {
                "date": "2021-02-01",
                "genes_tested": ["BRCA1", "BRCA2"],
                "variants": [{"gene": "BRCA2", "classification": "vus"}],
            }
        ],
    )
    day = dt.date(2025, 1, 1)
    assert record.gene_status("BRCA2", day) == ("not_detected", "germline_tests[0]")
    assert record.germline_detected("BRCA2", day) is False


def test_newest_receptor_result_counts(examples: dict[str, PatientRecord]) -> None:
    record = examples["triple-negative-brca"]
    assert record.her2(dt.date(2022, 1, 1)).status == "zero_or_ultralow"
    reading = record.her2(dt.date(2024, 1, 1))
    assert (reading.status, reading.date, reading.test_index) == ("zero", dt.date(2023, 1, 20), 1)


def test_her2_example_first_line_stays_line_1_when_docetaxel_stops(
    examples: dict[str, PatientRecord],
) -> None:
    record = examples["her2-positive-brain"]
    assert [e.line for e in record.therapies] == [1, 1, None, 2]
    first, second = record.lines
    assert first.drug_names == ["docetaxel", "trastuzumab", "pertuzumab"]
    assert (first.start, first.stop, first.stop_reason) == (
        dt.date(2022, 3, 1),
        dt.date(2023, 11, 20),
        "progression",
    )
    assert second.drug_names == ["trastuzumab deruxtecan"]
    running = record.current_line(dt.date(2024, 6, 1))
    assert running is not None
    # as seen on 2024-06-01 the line had not stopped yet: no later facts leak in
    assert (running.number, running.stop, running.stop_reason) == (2, None, None)
    assert record.current_line(dt.date(2025, 3, 1)) is None
    assert record.last_line(dt.date(2025, 3, 1)) == second


def test_example_lines_are_numbered(examples: dict[str, PatientRecord]) -> None:
    assert [line.drug_names for line in examples["hr-positive-esr1"].lines] == [
        ["letrozole", "palbociclib"]
    ]
    assert [line.drug_names for line in examples["triple-negative-brca"].lines] == [
        ["pembrolizumab", "paclitaxel"],
        ["olaparib"],
    ]
    # early-stage treatment is recorded but never counted as a metastatic line
    assert [t.line for t in examples["triple-negative-brca"].therapies][:2] == [None, None]


def _drug(
    drugs: list[str], start: str, stop: str | None = None, reason: str | None = None
) -> dict[str, object]:
    entry: dict[str, object] = {"setting": "metastatic", "drugs": drugs, "start": start}
    if stop:
        entry["stop"] = stop
    if reason:
        entry["stop_reason"] = reason
    return entry


@pytest.mark.parametrize(
    ("therapies", "lines"),
    [
        # a drug dropped from a running combination: same line
        (
            [
                _drug(["paclitaxel", "trastuzumab"], "2022-01-01", "2022-04-01", "completed"),
                _drug(["trastuzumab"], "2022-04-02"),
            ],
            [1, 1],
        ),
        # a drug added while the first is running: same line
        ([_drug(["letrozole"], "2022-01-01"), _drug(["goserelin"], "2022-02-01")], [1, 1]),
        # a switch after progression: new line
        (
            [
                _drug(["letrozole"], "2022-01-01", "2023-01-01", "progression"),
                _drug(["fulvestrant"], "2023-01-10"),
            ],
            [1, 2],
        ),
        # the same drug restarted after progression is still a new line
        (
            [
                _drug(["capecitabine"], "2022-01-01", "2022-06-01", "progression"),
                _drug(["capecitabine"], "2022-06-10"),
            ],
            [1, 2],
        ),
        # same class swapped after side effects: intolerance is not progression
        (
            [
                _drug(["letrozole"], "2022-01-01", "2022-03-01", "toxicity"),
                _drug(["anastrozole"], "2022-03-05"),
            ],
            [1, 1],
        ),
        # different class after side effects: new line
        (
            [
                _drug(["paclitaxel"], "2022-01-01", "2022-03-01", "toxicity"),
                _drug(["capecitabine"], "2022-03-05"),
            ],
            [1, 2],
        ),
        # replaced on the very day it stopped for side effects (the web's "it replaces
        # it"): a different class is a new line, the same class is not
        (
            [
                _drug(["olaparib"], "2023-02-01", "2024-06-01", "toxicity"),
                _drug(["sacituzumab govitecan"], "2024-06-01"),
            ],
            [1, 2],
        ),
        (
            [
                _drug(["palbociclib", "letrozole"], "2023-02-01", "2023-05-01", "toxicity"),
                _drug(["ribociclib", "letrozole"], "2023-05-01"),
            ],
            [1, 1],
        ),
        # a drug of the combination dropped on the day the combination stopped: same line
        (
            [
                _drug(["paclitaxel", "bevacizumab"], "2022-01-01", "2022-05-01", "toxicity"),
                _drug(["bevacizumab"], "2022-05-01"),
            ],
            [1, 1],
        ),
        # a different drug the day a planned break began is a switch, not a restart
        (
            [
                _drug(["capecitabine"], "2022-01-01", "2022-03-01", "patient_choice"),
                _drug(["eribulin"], "2022-03-01"),
            ],
            [1, 2],
        ),
        # same drugs after a planned break, however long: same line
        (
            [
                _drug(["capecitabine"], "2022-01-01", "2022-03-01", "break"),
                _drug(["capecitabine"], "2022-09-01"),
            ],
            [1, 1],
        ),
        # same drugs long after a completed course: new line
        (
            [
                _drug(["capecitabine"], "2022-01-01", "2022-03-01", "completed"),
                _drug(["capecitabine"], "2022-09-01"),
            ],
            [1, 2],
        ),
        # numbered by start date, not file order
        (
            [
                _drug(["eribulin"], "2023-01-10"),
                _drug(["letrozole"], "2022-01-01", "2023-01-01", "progression"),
            ],
            [2, 1],
        ),
    ],
)
def test_lines_of_therapy(
    kb: Knowledge, therapies: list[dict[str, object]], lines: list[int]
) -> None:
    record = make_record(kb, therapies=therapies)
    assert [t.line for t in record.therapies] == lines


def test_supportive_drugs_are_never_a_line(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[
            {"setting": "supportive", "drugs": ["zoledronic acid"], "start": "2021-02-01"},
            {"drugs": ["denosumab"], "start": "2021-03-01"},
            {"drugs": ["letrozole"], "start": "2021-03-01"},
        ],
    )
    assert [t.line for t in record.therapies] == [None, None, 1]
    assert [t.setting for t in record.therapies] == ["supportive", "supportive", "metastatic"]


def test_age_on_a_date(kb: Knowledge, examples: dict[str, PatientRecord]) -> None:
    aisha = examples["her2-positive-brain"]  # born 1980-09-14
    assert aisha.age_on(dt.date(2025, 9, 13)) == 44
    assert aisha.age_on(dt.date(2025, 9, 14)) == 45
    maria = examples["hr-positive-esr1"]  # birth year 1962 only: the lower age
    assert maria.age_on(dt.date(2025, 12, 31)) == 62


def test_metastatic_sites_as_of_a_date(kb: Knowledge) -> None:
    record = make_record(
        kb,
        metastases=[
            {"site": "bone", "since": "2021-01-01"},
            {"site": "liver", "since": "2022-06-01", "resolved": "2023-06-01"},
            {"site": "brain", "since": "2024-01-01"},
        ],
    )

    def sites(day: str) -> list[str]:
        return [m.site for m in record.metastatic_sites(dt.date.fromisoformat(day))]

    assert sites("2021-06-01") == ["bone"]
    assert sites("2022-12-01") == ["bone", "liver"]
    assert sites("2024-02-01") == ["bone", "brain"]


def test_latest_result_of_each_kind(examples: dict[str, PatientRecord]) -> None:
    record = examples["hr-positive-esr1"]
    latest = record.latest_labs(dt.date(2024, 3, 21))
    assert latest["anc"].value == 3100
    assert latest["anc"].canonical_value == 3.1
    assert latest["ca_15_3"].date == dt.date(2024, 3, 20)
    assert record.latest_lab("ca_15_3", dt.date(2023, 1, 1)).value == 28  # type: ignore[union-attr]


def _every_date(node: object, path: str) -> list[str]:
    from pydantic import BaseModel

    if isinstance(node, dt.date):
        return [path]
    if isinstance(node, BaseModel):
        return [
            p
            for name in type(node).model_fields
            for p in _every_date(getattr(node, name), f"{path}.{name}" if path else name)
        ]
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in _every_date(item, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize(
    "example_id", ["hr-positive-esr1", "her2-positive-brain", "triple-negative-brca"]
)
def test_the_future_date_check_sees_every_history_date(
    examples: dict[str, PatientRecord], example_id: str
) -> None:
    from nextline.record.build import _walk_dates

    file = examples[example_id].file
    plans = ("appointments", "goals", "questions")
    expected = sorted(p for p in _every_date(file, "") if not p.startswith(plans))
    assert sorted(path for path, _ in _walk_dates(file)) == expected
