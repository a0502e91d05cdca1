"""The snapshot rows of `shared/data/ctgov/` (and the bundled catalog) become `Trial`s."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from nextline.errors import TrialDataInvalid
from nextline.trials.loaders import parse_trials, read_trials
from nextline.trials.models import Site

from .conftest import FIXTURES

SNAPSHOT = FIXTURES / "snapshot_3.jsonl"


def test_snapshot_rows_are_read_with_display_spellings_converted() -> None:
    trials = {t.nct_id: t for t in read_trials(SNAPSHOT)}
    assert sorted(trials) == ["NCT00001238", "NCT05696626", "NCT06732336"]
    laso = trials["NCT05696626"]
    assert laso.status == "RECRUITING"  # "Recruiting"
    assert laso.phases == ["PHASE3"]  # "Phase 3"
    assert laso.conditions == ["Metastatic Breast Cancer"]
    assert laso.sex == "ALL"
    assert laso.minimum_age_years == 18.0
    assert laso.sponsor == "Sermonix Pharmaceuticals Inc."
    assert laso.last_update is None  # the snapshot has no last-update date
    pet = trials["NCT06732336"]
    assert pet.phases == ["PHASE1", "PHASE2"]  # "Phase 1/Phase 2"
    assert pet.sites == [Site(country="Canada")]
    vhl = trials["NCT00001238"]
    assert vhl.phases == []  # no phase given
    assert vhl.minimum_age_years == 2.0
    assert vhl.study_type == "OBSERVATIONAL"
    assert vhl.accepts_healthy_volunteers is True


def test_snapshot_eligibility_text_is_kept_whole_with_markdown_escapes_undone() -> None:
    raw = {
        json.loads(line)["nct_id"]: json.loads(line)["eligibility"]["raw_text"]
        for line in SNAPSHOT.read_text().splitlines()
    }
    trials = {t.nct_id: t for t in read_trials(SNAPSHOT)}
    assert trials["NCT00001238"].eligibility_text == raw["NCT00001238"].strip()
    assert "\\>3 months" in raw["NCT05696626"]
    assert ">3 months" in trials["NCT05696626"].eligibility_text
    assert len(trials["NCT05696626"].eligibility_text) == len(raw["NCT05696626"].strip()) - 6


@pytest.mark.parametrize(
    ("value", "years"),
    [("18 Years", 18.0), ("6 Months", 0.5), ("1 Year", 1.0), ("N/A", None), (None, None)],
)
def test_ages_are_converted_to_years(value: str | None, years: float | None) -> None:
    row = json.loads(SNAPSHOT.read_text().splitlines()[0])
    row["eligibility"]["minimum_age"] = value
    [trial] = parse_trials(json.dumps(row), "row.json")
    assert trial.minimum_age_years == years


def test_a_bad_snapshot_row_is_named_by_line_and_field_and_nothing_is_returned(
    tmp_path: Path,
) -> None:
    lines = SNAPSHOT.read_text().splitlines()
    row = json.loads(lines[1])
    row["status"] = "Open"
    row["eligibility"]["sex"] = "Women"
    lines[1] = json.dumps(row)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines))
    with pytest.raises(TrialDataInvalid) as caught:
        read_trials(path)
    assert [str(p) for p in caught.value.problems] == [
        "error: line 2.status: unknown recruitment status 'Open'",
        "error: line 2.eligibility.sex: unknown sex 'Women' (expected ALL, FEMALE or MALE)",
    ]


def test_a_broken_jsonl_line_is_named() -> None:
    text = SNAPSHOT.read_text().splitlines()[0] + "\n{not json\n"
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials(text, "x.jsonl")
    assert [str(p) for p in caught.value.problems] == [
        "error: line 2: not valid JSON: Expecting property name enclosed in double quotes "
        "at column 2"
    ]


def test_an_unknown_row_shape_says_what_was_expected() -> None:
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials('{"id": 1}', "x.json")
    [problem] = caught.value.problems
    assert problem.reason.startswith("not a known study shape (expected an API v2 study")


def test_empty_and_non_json_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    with pytest.raises(TrialDataInvalid) as caught:
        read_trials(empty)
    assert [p.reason for p in caught.value.problems] == ["the file is empty"]
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials("hello", "x.txt")
    assert [p.reason for p in caught.value.problems] == ["neither JSON, JSON Lines nor XML"]


def test_broken_gzip_and_missing_files_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "x.jsonl.gz"
    broken.write_bytes(gzip.compress(b'{"a": 1}\n')[:15])
    with pytest.raises(TrialDataInvalid) as caught:
        read_trials(broken)
    assert caught.value.problems[0].reason.startswith("broken gzip data")
    with pytest.raises(TrialDataInvalid) as caught:
        read_trials(tmp_path / "missing.json")
    assert [p.reason for p in caught.value.problems] == [
        "cannot read the file: No such file or directory"
    ]


def test_hint_benchmark_rows_are_read_without_title() -> None:
    row = {
        "nctid": "NCT00000378",
        "status": "completed",
        "phase": "phase 4",
        "diseases": "['depression', 'melancholia']",
        "drugs": "['sertraline', 'nortriptyline']",
        "criteria": "\n  Inclusion Criteria:\n  - Unipolar major depression\n",
    }
    [trial] = parse_trials(json.dumps(row), "hint.jsonl")
    assert (trial.nct_id, trial.title, trial.status, trial.phases) == (
        "NCT00000378",
        "",
        "COMPLETED",
        ["PHASE4"],
    )
    assert trial.conditions == ["depression", "melancholia"]
    assert trial.interventions == ["sertraline", "nortriptyline"]
    assert trial.eligibility_text == "Inclusion Criteria:\n  - Unipolar major depression"
