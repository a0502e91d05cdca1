"""What the trial-reading probes share (the ninth and tenth waves' re-checks of issue 18):
each row is one criterion sentence with the verdict a research nurse expects for each
invented person, read as a one-criterion study; and each hand-read top ten pins only the
verdicts a nurse would insist on for (person, trial) pairs of the bundled catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from nextline.record.build import build_record
from nextline.record.file_models import PatientFile
from nextline.trials.catalog import load_default_catalog
from nextline.trials.matching import match_trials
from nextline.trials.prepared import prepare_catalog
from tests.trials.test_matching import AS_OF, make_trial

# (section, criterion sentence, {person: expected verdict, or "!verdict" for "anything but"})
Row = tuple[str, str, dict[str, str]]


def cases(rows: Sequence[Row]) -> list[Any]:
    """One pytest case per row and person."""
    return [
        pytest.param(row, who, want, id=f"{who}:{text[:48]}")
        for row, (_, text, expected) in enumerate(rows)
        for who, want in expected.items()
    ]


def read_rows(
    kb: Knowledge, people: Mapping[str, PatientRecord], rows: Sequence[Row], series: int
) -> dict[tuple[int, str], str]:
    """Every row's verdict for every person: each row is one study of one criterion, read
    once and matched for all the people together (`series`, one digit, keeps each probe's
    made-up NCT ids apart)."""
    trials = [
        make_trial(f"{section} Criteria:\n\n* {text}\n", nct_id=f"NCT{series}{index:07d}")
        for index, (section, text, _) in enumerate(rows)
    ]
    prepared = prepare_catalog(trials, kb)
    out: dict[tuple[int, str], str] = {}
    for who, record in people.items():
        for found in match_trials(record, kb, prepared, AS_OF, include_ineligible=True):
            # the study record's own criteria come first; the text's one criterion is last
            out[(int(found.trial.nct_id[4:]), who)] = str(found.criteria[-1].verdict)
    return out


def check_reading(
    readings: Mapping[tuple[int, str], str], rows: Sequence[Row], row: int, who: str, want: str
) -> None:
    section, text, _ = rows[row]
    got = readings[(row, who)]
    if want.startswith("!"):
        assert got != want[1:], f"{section}: {text!r} for {who}: {got}"
    else:
        assert got == want, f"{section}: {text!r} for {who}: {got}"


def catalog_verdicts(
    kb: Knowledge,
    people: Mapping[str, dict[str, Any]],
    pairs: Iterable[tuple[str, str, str]],
    as_of: dt.date,
) -> dict[tuple[str, str], str]:
    """Each listed person's verdict for each listed trial of the bundled catalog, one match
    per person; `pairs` are (person, NCT id, why)."""
    pairs = list(pairs)
    wanted = {nct for _, nct, _ in pairs}
    trials = [t for t in load_default_catalog().trials if t.nct_id in wanted]
    assert len(trials) == len(wanted)
    out: dict[tuple[str, str], str] = {}
    for person in sorted({p for p, _, _ in pairs}):
        record = build_record(PatientFile.model_validate(people[person]), kb, as_of)
        for found in match_trials(record, kb, trials, as_of, include_ineligible=True):
            out[(person, found.trial.nct_id)] = str(found.verdict)
    return out
