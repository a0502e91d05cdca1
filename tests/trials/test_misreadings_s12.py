"""The classes of misreading the fifth probe found (session 12), each in new words it did not
use, read as one-criterion studies for its invented people: where the disease must be,
other conditions (HIV, hepatitis B, another cancer), every stage, time since diagnosis,
'progressed after standard therapy' for someone untreated, reproductive rules for one sex,
an MMAE ADC, a one-sentence list of cancers, a window after the start of first-line
treatment; and a study that takes no one new."""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from nextline.record.build import build_record
from nextline.record.file_models import PatientFile
from nextline.trials.matching import match_trials
from tests.trials.new_people_s12 import AS_OF, PEOPLE
from tests.trials.probe_harness import Row, cases, check_reading, read_rows
from tests.trials.test_matching import make_trial

ROWS: list[Row] = [
    # where the disease must be
    (
        "Inclusion",
        "Predominantly hepatic metastatic disease",
        {"t11": "met", "t08": "unknown", "t12": "not_met"},
    ),
    (
        "Inclusion",
        "Patients must have radiographic evidence of bone metastases",
        {"t04": "met", "t02": "met", "t03": "not_met"},
    ),
    ("Exclusion", "Liver-only metastatic disease", {"t11": "met", "t08": "not_met"}),
    # other conditions
    (
        "Exclusion",
        "Known history of human immunodeficiency virus (HIV) infection",
        {"t06": "met", "t09": "unknown"},
    ),
    (
        "Exclusion",
        "Chronic or active hepatitis B infection with detectable viral load",
        {"t09": "unknown"},
    ),
    (
        "Exclusion",
        "Another invasive malignancy diagnosed within the past 2 years",
        {"t09": "met", "t02": "unknown"},
    ),
    (
        "Exclusion",
        "Prior radiotherapy for any cancer to the chest",
        {"t09": "!met"},
    ),
    # every stage
    ("Inclusion", "Women with stage 0-IV breast cancer", {"t03": "!not_met", "t12": "!not_met"}),
    # time since diagnosis
    (
        "Inclusion",
        "Breast cancer diagnosed within the past 3 months",
        {"t03": "met", "t02": "not_met"},
    ),
    (
        "Inclusion",
        "Breast cancer diagnosed more than 1 year before registration",
        {"t03": "not_met", "t02": "met"},
    ),
    # standard therapy
    (
        "Inclusion",
        "Disease that has progressed after standard therapy",
        {"t03": "not_met", "t12": "not_met", "t02": "unknown"},
    ),
    (
        "Inclusion",
        "Solid tumour for which standard treatments do not exist or are no longer effective",
        {"t03": "not_met", "t02": "not_met"},
    ),
    # reproductive rules are not a limit to one sex
    (
        "Inclusion",
        "Male participants must agree not to donate sperm during the study",
        {"t05": "!not_met", "t03": "!not_met"},
    ),
    # an MMAE ADC, not any ADC
    (
        "Exclusion",
        "Prior treatment with an MMAE-based antibody-drug conjugate",
        {"t05": "met", "t02": "not_met"},
    ),
    # a one-sentence list of cancers: the breast item only
    (
        "Inclusion",
        "Any of the following advanced cancers: ovarian cancer, HR-positive breast cancer "
        "after an aromatase inhibitor, or endometrial cancer after platinum chemotherapy",
        {"t02": "met", "t03": "not_met"},
    ),
    # a window after the start of first-line treatment
    (
        "Inclusion",
        "Enrolled within 30 days after the start of first-line endocrine therapy for "
        "metastatic disease",
        {"t07": "not_met", "t03": "met"},
    ),
]

CASES = cases(ROWS)


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> dict[str, PatientRecord]:
    wanted = {who for _, _, expected in ROWS for who in expected}
    return {who: build_record(PatientFile.model_validate(PEOPLE[who]), kb, AS_OF) for who in wanted}


@pytest.fixture(scope="module")
def readings(kb: Knowledge, people: dict[str, PatientRecord]) -> dict[tuple[int, str], str]:
    return read_rows(kb, people, ROWS, 7, AS_OF)


@pytest.mark.parametrize(("row", "who", "want"), CASES)
def test_a_new_wording_reads_as_a_nurse_would(
    readings: dict[tuple[int, str], str], row: int, who: str, want: str
) -> None:
    check_reading(readings, ROWS, row, who, want)


@pytest.mark.parametrize(
    "status", ["COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED", "ACTIVE_NOT_RECRUITING"]
)
def test_a_study_that_takes_no_one_new_is_not_for_anyone(
    kb: Knowledge, people: dict[str, PatientRecord], status: str
) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive metastatic breast cancer\n", status=status
    )
    found = match_trials(people["t02"], kb, [trial], AS_OF, include_ineligible=True)
    assert [str(m.verdict) for m in found] == ["likely_ineligible"]
    assert found[0].reasons[0].startswith("Not for you: this study")
    assert match_trials(people["t02"], kb, [trial], AS_OF) == []
    recruiting = make_trial("Inclusion Criteria:\n* HR-positive metastatic breast cancer\n")
    assert str(match_trials(people["t02"], kb, [recruiting], AS_OF)[0].verdict) != (
        "likely_ineligible"
    )
