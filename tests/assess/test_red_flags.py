"""Red flags: every kind, from ticked signs, numbers and the words of notes, with and without
the site or medicine that raises the concern; and what must never raise one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record, therapy

D = dt.date
AS_OF = D(2024, 3, 10)


def hits(kb: Knowledge, *reports: dict[str, Any], **sections: Any) -> list[tuple[str, str]]:
    record = make_record(kb, symptoms=list(reports), **sections)
    return [(f.kind, f.urgency) for f in assess_status(record, kb, AS_OF).red_flags]


def kinds(kb: Knowledge, *reports: dict[str, Any], **sections: Any) -> set[str]:
    return {kind for kind, _ in hits(kb, *reports, **sections)}


def report(date: str = "2024-03-09", **fields: Any) -> dict[str, Any]:
    return {"date": date, **fields}


def on(*drugs: str) -> dict[str, Any]:
    return {"therapies": [therapy(list(drugs))]}


BONE = {"metastases": [{"site": "bone", "since": "2024-01-01"}]}
BRAIN = {"metastases": [{"site": "brain", "since": "2024-01-01"}]}
FN = [("possible_febrile_neutropenia", "emergency")]
MSCC = ("possible_spinal_cord_compression", "emergency")


# --- fever --------------------------------------------------------------------------------
def test_fever_of_38_on_chemotherapy_is_possible_febrile_neutropenia(kb: Knowledge) -> None:
    assert hits(kb, report(temperature_c=38.0), **on("paclitaxel")) == FN


def test_fever_of_37_9_on_chemotherapy_is_not_a_red_flag(kb: Knowledge) -> None:
    assert hits(kb, report(temperature_c=37.9), **on("paclitaxel")) == []


def test_fever_written_in_the_note_with_low_neutrophils_is_febrile_neutropenia(
    kb: Knowledge,
) -> None:
    labs = [{"date": "2024-03-08", "test": "ANC", "value": 0.4, "unit": "10^9/L"}]
    note = report(notes="fever 39.1 and shaking chills")
    assert hits(kb, note, labs=labs, **on("paclitaxel")) == FN


@pytest.mark.parametrize("words", ["temp 101.3 F tonight", "38.5°C this evening"])
def test_a_temperature_in_the_note_is_converted_and_counts(kb: Knowledge, words: str) -> None:
    assert hits(kb, report(notes=words), **on("docetaxel")) == FN


def test_a_ticked_fever_on_an_antibody_drug_conjugate_is_an_emergency(kb: Knowledge) -> None:
    assert hits(kb, report(signs=["fever_or_chills"]), **on("sacituzumab govitecan")) == FN


def test_fever_with_low_neutrophils_off_chemotherapy_is_a_red_flag(kb: Knowledge) -> None:
    labs = [{"date": "2024-03-01", "test": "ANC", "value": 800, "unit": "/uL"}]
    assert hits(kb, report(temperature_c=38.5), labs=labs) == FN


def test_fever_with_neutrophils_of_1_0_off_chemotherapy_is_not(kb: Knowledge) -> None:
    """Not the emergency; a fever with cancer is still a call now (Cancer.Net)."""
    labs = [{"date": "2024-03-01", "test": "ANC", "value": 1.0, "unit": "10^9/L"}]
    assert hits(kb, report(temperature_c=38.5), labs=labs) == [
        ("possible_febrile_neutropenia", "call_now")
    ]


def test_chemotherapy_stopped_within_four_weeks_still_counts(kb: Knowledge) -> None:
    chemo = [therapy(["docetaxel"], "2023-12-01", "2024-02-15", "completed")]
    assert hits(kb, report(temperature_c=38.2), therapies=chemo) == FN


@pytest.mark.parametrize(
    "note", ["no fever", "fever last year", "what do I do if I get a fever?", "husband has a fever"]
)
def test_fever_words_that_do_not_mean_a_fever_now_never_flag(kb: Knowledge, note: str) -> None:
    assert hits(kb, report(notes=note), **on("paclitaxel")) == []


# --- spinal cord --------------------------------------------------------------------------
def test_back_pain_with_weak_legs_needs_no_bone_site_on_record(kb: Knowledge) -> None:
    note = report(notes="My back is killing me and my legs have gone to jelly")
    assert hits(kb, note) == [MSCC]


def test_ticked_signs_alone_raise_cord_compression(kb: Knowledge) -> None:
    ticked = report(signs=["back_or_neck_pain", "leg_weakness_or_numbness"])
    assert hits(kb, ticked) == [MSCC]


def test_a_known_bone_site_is_named_in_the_evidence(kb: Knowledge) -> None:
    record = make_record(kb, symptoms=[report(notes="back pain and weak legs")], **BONE)
    flag = assess_status(record, kb, AS_OF).red_flags[0]
    assert (flag.kind, flag.supported_by) == (MSCC[0], ("known cancer in the bone",))
    assert "metastases[0]" in flag.paths


def test_a_spine_lesion_on_a_scan_raises_weak_legs_alone_to_an_emergency(kb: Knowledge) -> None:
    scan = {
        "date": "2024-03-01",
        "modality": "MRI",
        "lesions": [{"id": "t10", "organ": "spine T10", "role": "new"}],
    }
    assert hits(kb, report(notes="legs feel weak"), imaging=[scan]) == [MSCC]
    assert hits(kb, report(notes="legs feel weak")) == [
        ("possible_spinal_cord_compression", "call_now")
    ]


def test_cord_compression_in_a_scan_impression_is_an_emergency(kb: Knowledge) -> None:
    scan = {
        "date": "2024-03-08",
        "modality": "MRI",
        "impression": "Epidural extension at T10 with cord compression.",
    }
    assert hits(kb, imaging=[scan]) == [MSCC]
    calm = {**scan, "impression": "No evidence of cord compression."}
    assert hits(kb, imaging=[calm]) == []


@pytest.mark.parametrize(
    "note",
    [
        "back pain, no weakness or numbness",
        "Back pain. Denies numbness, weakness or bladder problems.",
        "numb fingers from the paclitaxel",
        "back pain and weak legs last year, fine now",
    ],
)
def test_back_pain_without_affirmed_nerve_signs_is_not_cord_compression(
    kb: Knowledge, note: str
) -> None:
    assert "possible_spinal_cord_compression" not in kinds(kb, report(notes=note), **BONE)


# --- nerves, confusion, calcium -------------------------------------------------------------
def test_a_seizure_is_an_emergency_without_a_brain_site(kb: Knowledge) -> None:
    assert hits(kb, report(notes="had a fit this morning")) == [
        ("neurological_change", "emergency")
    ]


def test_a_new_severe_headache_is_call_now_and_names_a_brain_site(kb: Knowledge) -> None:
    record = make_record(kb, symptoms=[report(notes="worst headache ever")], **BRAIN)
    flag = assess_status(record, kb, AS_OF).red_flags[0]
    assert (flag.kind, flag.urgency, flag.supported_by) == (
        "neurological_change",
        "call_now",
        ("known cancer in the brain",),
    )


def test_someone_elses_seizure_is_not_a_red_flag(kb: Knowledge) -> None:
    assert hits(kb, report(notes="my sister had a seizure last week")) == []


def test_new_confusion_is_an_emergency_without_a_calcium_result(kb: Knowledge) -> None:
    assert hits(kb, report(notes="husband says she is confused")) == [
        ("new_confusion", "emergency")
    ]


def test_confused_about_something_is_not_confusion(kb: Knowledge) -> None:
    assert hits(kb, report(notes="confused about the new appointment times")) == []


@pytest.mark.parametrize(
    ("lab", "expected"),
    [
        ({"value": 12.1, "unit": "mg/dL"}, "emergency"),
        ({"value": 3.05, "unit": "mmol/L"}, "emergency"),
        ({"value": 10.9, "unit": "mg/dL", "ref_high": 10.5}, "emergency"),
        ({"value": 9.8, "unit": "mg/dL"}, None),
    ],
)
def test_confusion_with_high_calcium_is_possible_hypercalcemia(
    kb: Knowledge, lab: dict[str, Any], expected: str | None
) -> None:
    labs = [{"date": "2024-03-08", "test": "calcium", **lab}]
    found = dict(hits(kb, report(notes="husband says she is confused"), labs=labs))
    assert found.get("possible_hypercalcemia") == expected
    assert found["new_confusion"] == "emergency"


def test_thirst_and_constipation_ask_for_calcium_with_or_without_a_bone_site(kb: Knowledge) -> None:
    """Before a site is on record too (fourth probe): the bone site is a support."""
    note = report(notes="so thirsty all the time and constipated for 4 days")
    assert ("possible_hypercalcemia", "call_now") in hits(kb, note, **BONE)
    assert ("possible_hypercalcemia", "call_now") in hits(kb, note)


# --- drug-aware flags ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "drug",
    ["trastuzumab deruxtecan", "datopotamab deruxtecan", "everolimus", "abemaciclib", "Keytruda"],
)
def test_cough_or_breathlessness_on_a_lung_toxic_drug_is_possible_pneumonitis(
    kb: Knowledge, drug: str
) -> None:
    note = report(notes="new dry cough and breathless on the stairs")
    assert "possible_pneumonitis" in kinds(kb, note, **on(drug))


def test_cough_on_letrozole_alone_is_not_pneumonitis(kb: Knowledge) -> None:
    assert hits(kb, report(notes="new dry cough"), **on("letrozole")) == []


def test_one_swollen_leg_is_a_possible_clot_and_with_breathlessness_an_emergency(
    kb: Knowledge,
) -> None:
    assert hits(kb, report(notes="left calf swollen and hot")) == [
        ("possible_blood_clot", "call_now")
    ]
    both = report(signs=["one_swollen_leg", "breathlessness"])
    assert ("possible_blood_clot", "emergency") in hits(kb, both)
    assert hits(kb, report(notes="no swelling in my legs")) == []


def test_chest_pain_is_an_emergency(kb: Knowledge) -> None:
    assert hits(kb, report(signs=["chest_pain"])) == [("possible_blood_clot", "emergency")]


@pytest.mark.parametrize(
    ("fields", "drug", "expected"),
    [
        ({"stools_per_day": 8}, "letrozole", True),
        ({"notes": "diarrhoea 7 times a day"}, "letrozole", True),
        ({"notes": "diarrhoea since yesterday"}, "abemaciclib", True),
        ({"signs": ["diarrhea"]}, "capivasertib", True),
        ({"notes": "loose stools"}, "neratinib", True),
        ({"notes": "diarrhoea twice"}, "letrozole", False),
        ({"notes": "no diarrhoea"}, "abemaciclib", False),
    ],
)
def test_severe_diarrhea(kb: Knowledge, fields: dict[str, Any], drug: str, expected: bool) -> None:
    assert ("severe_diarrhea" in kinds(kb, report(**fields), **on(drug))) is expected


@pytest.mark.parametrize(("drug", "expected"), [("alpelisib", True), ("letrozole", False)])
def test_thirst_on_a_sugar_raising_drug_is_high_blood_sugar(
    kb: Knowledge, drug: str, expected: bool
) -> None:
    note = report(notes="always thirsty and peeing a lot")
    assert ("high_blood_sugar" in kinds(kb, note, **on("fulvestrant", drug))) is expected


@pytest.mark.parametrize(("drug", "expected"), [("ribociclib", True), ("palbociclib", False)])
def test_fainting_on_ribociclib_is_a_heart_rhythm_flag(
    kb: Knowledge, drug: str, expected: bool
) -> None:
    note = report(notes="I fainted in the kitchen")
    assert ("heart_rhythm" in kinds(kb, note, **on("letrozole", drug))) is expected


def test_breathless_at_rest_is_severe_breathlessness(kb: Knowledge) -> None:
    assert hits(kb, report(notes="short of breath even sitting still")) == [
        ("severe_breathlessness", "emergency")
    ]
    assert hits(kb, report(esas={"shortness_of_breath": 6}, notes="out of breath on stairs")) == []


def test_pain_scored_8_or_not_controlled_is_uncontrolled_pain(kb: Knowledge) -> None:
    assert hits(kb, report(esas={"pain": 8})) == [("uncontrolled_pain", "call_now")]
    assert hits(kb, report(notes="painkillers not working")) == [("uncontrolled_pain", "call_now")]
    assert hits(kb, report(notes="pain well controlled")) == []


def test_bleeding_with_platelets_under_50_is_an_emergency(kb: Knowledge) -> None:
    labs = [{"date": "2024-03-05", "test": "platelets", "value": 32, "unit": "10^9/L"}]
    note = report(notes="nosebleed that wouldn't stop")
    assert hits(kb, note, labs=labs) == [("bleeding_with_low_platelets", "emergency")]
    assert hits(kb, report(notes="no bleeding or bruising"), labs=labs) == []


@pytest.mark.parametrize(("drug", "expected"), [("denosumab", True), ("tamoxifen", False)])
def test_jaw_pain_on_bone_medicine_is_possible_osteonecrosis(
    kb: Knowledge, drug: str, expected: bool
) -> None:
    note = report(notes="my jaw aches and a tooth is loose")
    assert ("possible_jaw_osteonecrosis" in kinds(kb, note, **on("letrozole", drug))) is expected


@pytest.mark.parametrize(
    ("drug", "expected"), [("datopotamab deruxtecan", True), ("capecitabine", False)]
)
def test_sore_gritty_eyes_on_dato_dxd_is_an_eye_problem(
    kb: Knowledge, drug: str, expected: bool
) -> None:
    note = report(notes="eyes sore and gritty")
    assert ("eye_problem" in kinds(kb, note, **on(drug))) is expected


def test_rash_months_after_pembrolizumab_is_an_immune_side_effect(kb: Knowledge) -> None:
    pembro = [therapy(["pembrolizumab", "paclitaxel"], "2023-06-01", "2023-12-01", "completed")]
    assert hits(kb, report(notes="itchy rash on my arms"), therapies=pembro) == [
        ("immune_side_effect", "call_now")
    ]
    assert hits(kb, report(notes="itchy rash on my arms"), **on("letrozole")) == []


# --- window and order ---------------------------------------------------------------------
def test_red_flags_older_than_14_days_are_not_shown(kb: Knowledge) -> None:
    assert hits(kb, report("2024-02-24", esas={"pain": 9})) == []
    assert hits(kb, report("2024-02-25", esas={"pain": 9})) == [("uncontrolled_pain", "call_now")]


def test_red_flags_are_ordered_emergency_first(kb: Knowledge) -> None:
    found = hits(kb, report(esas={"pain": 9, "shortness_of_breath": 8}))
    assert found == [("severe_breathlessness", "emergency"), ("uncontrolled_pain", "call_now")]


def test_the_most_urgent_report_of_a_kind_is_kept(kb: Knowledge) -> None:
    earlier = report("2024-03-05", notes="back pain and can't pee")
    later = report("2024-03-09", notes="legs a bit numb")
    record = make_record(kb, symptoms=[earlier, later])
    flag = assess_status(record, kb, AS_OF).red_flags[0]
    assert (flag.kind, flag.urgency, flag.date) == (MSCC[0], "emergency", D(2024, 3, 5))


def test_an_oxygen_level_under_88_is_severe_breathlessness(kb: Knowledge) -> None:
    assert hits(kb, report(spo2_percent=86, notes="breathless")) == [
        ("severe_breathlessness", "emergency")
    ]
    assert hits(kb, report(spo2_percent=95)) == []


def test_fever_on_a_cdk46_inhibitor_is_a_call_now(kb: Knowledge) -> None:
    note = report(notes="temp 38.7 this evening")
    assert hits(kb, note, **on("letrozole", "palbociclib")) == [
        ("possible_febrile_neutropenia", "call_now")
    ]
    # letrozole alone: a fever with cancer is a call now too (Cancer.Net), never silence
    assert hits(kb, note, **on("letrozole")) == [("possible_febrile_neutropenia", "call_now")]
    assert hits(kb, report(notes="temp 37.6 this evening"), **on("letrozole")) == []


def test_a_negation_stops_at_but(kb: Knowledge) -> None:
    note = report(notes="no weakness in the legs but I can't pass urine since this morning")
    assert hits(kb, note) == [("possible_spinal_cord_compression", "call_now")]


def test_an_unrecognised_medicine_is_named_in_the_warnings(kb: Knowledge) -> None:
    record = make_record(kb, therapies=[therapy(["letrozole", "Prolla"])])
    warnings = assess_status(record, kb, AS_OF).warnings
    assert any("medicine name not recognised: Prolla" in w for w in warnings)
