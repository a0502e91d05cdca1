"""ClinicalTrials.gov API v2 study JSON becomes a `Trial` with every field in place."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from nextline.errors import TrialDataInvalid
from nextline.trials.loaders import parse_trials, read_trials
from nextline.trials.models import Site

from .conftest import FIXTURES
from .ctgov_server import make_study

STUDY = FIXTURES / "api_v2_NCT05696626.json"


def _study() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(STUDY.read_text())
    return data


def test_api_v2_study_fields_are_read_in_api_spelling() -> None:
    [trial] = read_trials(STUDY)
    assert trial.nct_id == "NCT05696626"
    assert trial.title == (
        "Lasofoxifene and abemaciclib versus fulvestrant and abemaciclib in ER+/HER2- "
        "metastatic breast cancer with an ESR1 mutation"
    )
    assert trial.official_title is not None
    assert trial.official_title.startswith("An Open Label, Randomized, Multicenter Study")
    assert trial.status == "RECRUITING"
    assert trial.phases == ["PHASE3"]
    assert trial.conditions == ["Metastatic Breast Cancer"]
    assert trial.keywords == ["ESR1 mutation", "ER+/HER2-"]
    assert trial.interventions == [
        "Lasofoxifene in combination with abemaciclib",
        "Fulvestrant in combination with abemaciclib",
    ]
    assert trial.minimum_age_years == 18.0
    assert trial.maximum_age_years is None
    assert trial.sex == "ALL"
    assert trial.accepts_healthy_volunteers is False
    assert trial.last_update == dt.date(2025, 11, 20)
    assert trial.start_date == dt.date(2023, 3, 1)  # "2023-03": the month's first day
    assert trial.completion_date == dt.date(2027, 12, 1)
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.sponsor == "Sermonix Pharmaceuticals Inc."
    assert trial.enrollment == 500
    assert trial.source == "api_v2_NCT05696626.json"
    assert trial.url == "https://clinicaltrials.gov/study/NCT05696626"


def test_api_v2_sites_keep_facility_city_country_and_coordinates() -> None:
    [trial] = read_trials(STUDY)
    assert trial.sites == [
        Site(
            facility="Example Cancer Center",
            city="Boston",
            state="Massachusetts",
            country="United States",
            postal_code="02115",
            status="RECRUITING",
            latitude=42.3584,
            longitude=-71.0598,
        ),
        Site(
            facility="Example Hospital Oncology",
            city="Lyon",
            country="France",
            status="NOT_YET_RECRUITING",
            latitude=45.7485,
            longitude=4.8467,
        ),
        Site(facility="Example Clinic", city="Toronto", country="Canada"),
    ]
    assert trial.countries == ["United States", "France", "Canada"]


def test_api_v2_markdown_escapes_in_criteria_are_undone() -> None:
    raw = _study()["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    assert "stable for \\>3 months" in raw
    [trial] = read_trials(STUDY)
    assert "Central nervous system disease stable for >3 months" in trial.eligibility_text
    assert "\\" not in trial.eligibility_text
    assert trial.eligibility_text.startswith("Inclusion Criteria:\n\n1. Pre- or postmenopausal")


def test_api_v2_page_list_and_jsonl_give_the_same_trials(tmp_path: Path) -> None:
    studies = [make_study("NCT90000001", "One"), make_study("NCT90000002", "Two")]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies, "nextPageToken": "abc"}))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(studies))
    lines = tmp_path / "studies.jsonl"
    lines.write_text("\n".join(json.dumps(s) for s in studies) + "\n")
    expected = [("NCT90000001", "One"), ("NCT90000002", "Two")]
    for path in (page, listed, lines):
        assert [(t.nct_id, t.title) for t in read_trials(path)] == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s["protocolSection"]["identificationModule"].update(nctId="NCT123"),
            "studies[0].protocolSection.identificationModule.nctId: not an NCT id "
            "(NCT + 8 digits): 'NCT123'",
        ),
        (
            lambda s: s["protocolSection"]["statusModule"].update(overallStatus="OPEN"),
            "studies[0].protocolSection.statusModule.overallStatus: unknown recruitment "
            "status 'OPEN'",
        ),
        (
            lambda s: s["protocolSection"]["eligibilityModule"].update(minimumAge="adult"),
            "studies[0].protocolSection.eligibilityModule.minimumAge: cannot read age "
            "'adult' (expected e.g. '18 Years')",
        ),
        (
            lambda s: s["protocolSection"]["designModule"].update(phases=["PHASE9"]),
            "studies[0].protocolSection.designModule.phases[0]: unknown phase 'PHASE9'",
        ),
        (
            lambda s: s["protocolSection"]["statusModule"].update(
                lastUpdatePostDateStruct={"date": "20/11/2025"}
            ),
            "studies[0].protocolSection.statusModule.lastUpdatePostDateStruct.date: "
            "cannot read date '20/11/2025'",
        ),
        (
            lambda s: s["protocolSection"].update(
                contactsLocationsModule={"locations": [{"geoPoint": {"lat": 95.0, "lon": 0}}]}
            ),
            "studies[0].protocolSection.contactsLocationsModule.locations[0].geoPoint.lat: "
            "95.0 is outside -90..90",
        ),
    ],
)
def test_api_v2_bad_field_is_named_and_nothing_is_returned(change: Any, message: str) -> None:
    good = make_study("NCT90000001", "Good")
    bad = make_study("NCT90000002", "Bad")
    change(bad)
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials(json.dumps({"studies": [bad, good]}), "page.json")
    assert [str(p) for p in caught.value.problems] == [f"error: {message}"]
    assert str(caught.value).startswith("page.json: 1 problem; nothing was stored")


def test_api_v2_study_without_title_is_refused() -> None:
    study = make_study("NCT90000001", "x")
    del study["protocolSection"]["identificationModule"]["briefTitle"]
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials(json.dumps(study), "one.json")
    assert [str(p) for p in caught.value.problems] == [
        "error: protocolSection.identificationModule.briefTitle: missing"
    ]


def test_the_same_nct_id_twice_in_one_file_is_refused() -> None:
    study = make_study("NCT90000001", "x")
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials(json.dumps([study, study]), "twice.json")
    assert [str(p) for p in caught.value.problems] == [
        "error: NCT90000001: the same NCT id appears twice"
    ]


def test_a_trial_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nextline.trials.loaders as loaders
    from nextline.errors import InputTooLarge

    monkeypatch.setattr(loaders, "MAX_TRIAL_FILE_BYTES", 1_000)
    big = tmp_path / "big.json"
    big.write_text("[" + ",".join(["{}"] * 1_000) + "]")
    with pytest.raises(InputTooLarge, match="over the 0 MB limit for a trial file"):
        loaders.read_trials(big)


def test_a_gzip_file_that_expands_over_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    import nextline.trials.loaders as loaders
    from nextline.errors import InputTooLarge

    monkeypatch.setattr(loaders, "MAX_TRIAL_FILE_BYTES", 1_000)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * 100_000))
    assert bomb.stat().st_size < 1_000
    with pytest.raises(InputTooLarge, match=r"\(unzipped\): file is 0.0 MB"):
        loaders.read_trials(bomb)
