"""The legacy `<clinical_study>` XML of the TREC corpora becomes a `Trial`."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from nextline.errors import TrialDataInvalid
from nextline.trials.loaders import parse_trials, read_trials
from nextline.trials.models import Site

from .conftest import FIXTURES

XML = FIXTURES / "legacy_NCT05382364.xml"


def test_legacy_xml_fields_become_api_v2_spellings() -> None:
    [trial] = read_trials(XML)
    assert trial.nct_id == "NCT05382364"
    assert trial.title == (
        "Safety and Pharmacokinetics of Tucatinib (MK-7119) in Chinese Participants With "
        "Cancer (MK-7119-002)"
    )
    assert trial.status == "ACTIVE_NOT_RECRUITING"  # "Active, not recruiting"
    assert trial.phases == ["PHASE1"]
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.conditions == [
        "Metastatic HER2+ Advanced Breast Cancer",
        "Breast Neoplasms",
        "Gastric or Gastroesophageal Junction Adenocarcinoma (GEC)",
        "Colorectal Cancer",
    ]
    assert trial.interventions == ["Tucatinib"]
    assert trial.minimum_age_years == 18.0
    assert trial.maximum_age_years is None  # "N/A"
    assert trial.sex == "ALL"
    assert trial.accepts_healthy_volunteers is False
    assert trial.last_update == dt.date(2023, 2, 22)  # "February 22, 2023"
    assert trial.start_date == dt.date(2022, 6, 29)
    assert trial.sponsor == "Merck Sharp & Dohme LLC"
    assert trial.enrollment == 25


def test_legacy_xml_sites_have_facility_city_and_country_but_no_coordinates() -> None:
    [trial] = read_trials(XML)
    assert len(trial.sites) == 5
    assert trial.sites[0] == Site(
        facility="Harbin Medical University Cancer Hospital-oncology of department ( Site 0010)",
        city="Harbin",
        state="Heilongjiang",
        postal_code="150000",
        country="China",
    )
    assert trial.countries == ["China"]


def test_legacy_textblock_indent_and_carriage_returns_are_removed() -> None:
    [trial] = read_trials(XML)
    assert trial.summary == (
        "The primary purpose of this study is to characterize the safety and tolerability "
        "of tucatinib\n(MK-7119) in Chinese participants with human epidermal growth factor "
        "receptor 2 positive\n(HER2+) advanced breast cancer, gastric or gastroesophageal "
        "junction adenocarcinoma (GEC),\nand colorectal cancer."
    )
    assert trial.eligibility_text.startswith(
        "Inclusion Criteria:\n\n  -  Histologically or cytologically confirmed HER2+ advanced "
        "breast cancer, gastric or\n     GEC, and colorectal cancer\n"
    )
    assert "\r" not in trial.eligibility_text


def test_trec_jsonl_rows_wrapping_the_xml_are_read(tmp_path: Path) -> None:
    path = tmp_path / "trec.jsonl.gz"
    row = {"nct_id": "NCT05382364", "source_path": "x.xml", "xml": XML.read_text()}
    path.write_bytes(gzip.compress((json.dumps(row) + "\n").encode()))
    assert [t.nct_id for t in read_trials(path)] == ["NCT05382364"]


def test_broken_xml_names_the_reason() -> None:
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials("<clinical_study><id_info>", "broken.xml")
    [problem] = caught.value.problems
    assert problem.reason.startswith("not well-formed XML: no element found")


def test_xml_that_is_not_a_study_is_refused() -> None:
    with pytest.raises(TrialDataInvalid) as caught:
        parse_trials("<html><body/></html>", "page.xml")
    assert [p.reason for p in caught.value.problems] == ["expected <clinical_study>, found <html>"]


def test_a_folder_of_xml_files_is_read_whole(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "NCT0538xxxx"
    corpus.mkdir(parents=True)
    (corpus / "NCT05382364.xml").write_text(XML.read_text())
    (corpus / "notes.txt").write_text("not a study")
    [trial] = read_trials(tmp_path / "corpus")
    assert (trial.nct_id, trial.source) == ("NCT05382364", "corpus")


def test_a_folder_with_one_bad_file_stores_nothing_and_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(XML.read_text())
    (tmp_path / "b.xml").write_text("<clinical_study><id_info>")
    with pytest.raises(TrialDataInvalid) as caught:
        read_trials(tmp_path)
    [problem] = caught.value.problems
    assert problem.path == "b.xml"
    assert problem.reason.startswith("not well-formed XML")


def test_an_empty_folder_says_what_it_looked_for(tmp_path: Path) -> None:
    with pytest.raises(TrialDataInvalid) as caught:
        read_trials(tmp_path)
    assert [p.reason for p in caught.value.problems] == [
        "no .xml, .json or .jsonl files in this folder"
    ]
