"""The symptom reader against a public table of everyday phrasings, positive and negative
(`tests/assess/data/symptom_phrasings.csv`, written for nextline in varied everyday English;
`sex` is the sex of the person with the cancer: "my husband has a cough" is someone else for
a woman)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nextline.assess.symptom_reader import (
    MAX_NOTE_CHARS,
    read_note,
    read_stools_per_day,
    read_temperature,
)
from nextline.knowledge import Knowledge

TABLE = Path(__file__).parent / "data" / "symptom_phrasings.csv"
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8")))
FEVER_C = 38.0  # red_flags.yaml: possible_febrile_neutropenia, fever min_c


def test_the_table_is_large_and_balanced() -> None:
    negatives = sum(row["expected"] == "no" for row in ROWS)
    assert len(ROWS) >= 150
    assert negatives / len(ROWS) >= 0.40


def test_every_form_sign_has_phrasings_both_ways(kb: Knowledge) -> None:
    from nextline.record.file_models import SIGNS

    missing = [
        (sign, want)
        for sign in SIGNS
        for want in ("yes", "no")
        if not any(r["concept"] == sign and r["expected"] == want for r in ROWS)
    ]
    assert missing == []


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['concept']}-{r['expected']}-{i}" for i, r in enumerate(ROWS)]
)
def test_phrasing(kb: Knowledge, row: dict[str, str]) -> None:
    assert kb.assess is not None
    reading = read_note(row["text"], kb.assess.vocabulary, row["sex"])
    found = reading.has(row["concept"]) is not None
    if row["concept"] == "fever_or_chills":
        found = found or (reading.temperature_c or 0.0) >= FEVER_C
    assert found is (row["expected"] == "yes"), (reading.findings, reading.dismissed)


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("temp 38.4", 38.4),
        ("Temperature of 101.3F", 38.5),
        ("39 °C", 39.0),
        ("fever 102", 38.9),
        ("took 2 paracetamol at 10", None),
        ("weight 72 kg, BP 120/80", None),
        ("temp 36,8", 36.8),
        ("It was 38 degrees outside today", None),
        ("the bath water was 39 °C", None),
    ],
)
def test_temperatures_are_read_and_converted(text: str, celsius: float | None) -> None:
    found = read_temperature(text)
    assert (found[0] if found else None) == celsius


@pytest.mark.parametrize(
    ("text", "stools"),
    [
        ("diarrhoea 8 times a day", 8),
        ("10 watery stools in 24 hours", 10),
        ("loose stools 5x per day", 5),
        ("8 loose stools since this morning", 8),
        ("BMs x 9 today, all watery", 9),
        ("BO x8 today", 8),
        ("diarrhoea has settled, 1 normal BM today", 1),
        ("took 2 tablets a day", None),
        ("3 times a day I take the tablets", None),
    ],
)
def test_stools_a_day_are_read_only_about_the_bowels(text: str, stools: int | None) -> None:
    assert read_stools_per_day(text) == stools


def test_a_pasted_document_is_read_in_bounded_time(kb: Knowledge) -> None:
    assert kb.assess is not None
    text = "((((((" * 20_000 + " I had a fit"
    reading = read_note(text, kb.assess.vocabulary)
    assert len(text) > MAX_NOTE_CHARS
    assert reading.has("seizure") is None  # past the part that is read


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("temp 38.6 and shivery", 38.6),
        ("chemo nurse said to ring if temp goes above 38", None),
        ("Fever last month with the flu, 38.9, fine now", None),
        ("Husband had 38.5 last night", None),
        ("I think my temp is 38.2", 38.2),
    ],
)
def test_a_temperature_in_a_note_is_judged_in_context(
    kb: Knowledge, text: str, celsius: float | None
) -> None:
    assert kb.assess is not None
    assert read_note(text, kb.assess.vocabulary, "female").temperature_c == celsius


def test_a_relative_of_the_other_sex_is_someone_else_but_mum_may_be_the_person(
    kb: Knowledge,
) -> None:
    assert kb.assess is not None
    vocab = kb.assess.vocabulary
    assert read_note("my husband has a bad cough", vocab, "female").has("new_cough") is None
    assert read_note("my husband has a bad cough", vocab, "male").has("new_cough") is not None
    assert read_note("Mum seems very confused today", vocab, "female").has("new_confusion")
