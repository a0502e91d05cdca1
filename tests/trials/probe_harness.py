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
from nextline.trials.eligibility import PARSER_VERSION, ParsedEligibility
from nextline.trials.eligibility.cache import parsed_criteria
from nextline.trials.kind import classify
from nextline.trials.matching import match_trials
from nextline.trials.models import Trial
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
    kb: Knowledge,
    people: Mapping[str, PatientRecord],
    rows: Sequence[Row],
    series: int,
    as_of: dt.date = AS_OF,
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
        for found in match_trials(record, kb, prepared, as_of, include_ineligible=True):
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


# --- the labelled catalog probes (sessions 11 and 12) --------------------------------------
# (trial, the deciding criteria in a few words, "label: people; label: people"): "no" she
# cannot join (`likely_ineligible`), "open" she can or only the study team can say (anything
# but `likely_ineligible`), "ask" the deciding criterion is not in her record
# (`possibly_eligible`)
Label = tuple[str, str, str]
_WANT = {"no": "likely_ineligible", "ask": "possibly_eligible"}


def label_cases(labels: Sequence[Label]) -> list[tuple[str, str, str, str]]:
    """(person, trial, label, why) for every person a label names."""
    out = []
    for nct, why, named in labels:
        for part in named.split(";"):
            label, people = part.split(":")
            for person in people.split():
                out.append((person, nct, label.strip(), why))
    return out


def label_params(
    cases: Sequence[tuple[str, str, str, str]], known: Mapping[tuple[str, str], str]
) -> list[Any]:
    """One pytest case per (person, trial), strict xfail where still read wrong."""
    return [
        pytest.param(
            *case,
            id=f"{case[0]}-{case[1]}-{case[2]}",
            marks=[pytest.mark.xfail(strict=True, reason=known[case[:2]])]
            if case[:2] in known
            else [],
        )
        for case in cases
    ]


def verdict_is_right(got: str, label: str) -> bool:
    if label == "open":
        return got != "likely_ineligible"
    return got == _WANT[label]


def labelled_matches(
    kb: Knowledge,
    people: Mapping[str, dict[str, Any]],
    trials: Sequence[Trial],
    as_of: dt.date,
    unread: Sequence[Trial] = (),
) -> dict[str, list[tuple[str, str, bool]]]:
    """Each person's (trial, verdict, is a treatment study), best first. The bundled trials
    are read from the shipped seed (the current parser's output, checked by
    test_criteria_seed) and prepared once for everyone: parsing them again would cost some
    20 s of CPU. `unread` trials keep their criteria unread (closed studies: their status
    alone decides, and parsing them would cost seconds)."""
    every = [*trials, *unread]
    treatment = {t.nct_id: classify(t).purpose == "treatment" for t in every}
    parsed = parsed_criteria(trials, kb, None)
    parsed.update({t.nct_id: ParsedEligibility(version=PARSER_VERSION) for t in unread})
    prepared = prepare_catalog(every, kb, parsed)
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for person, data in people.items():
        record = build_record(PatientFile.model_validate(data), kb, as_of)
        found = match_trials(record, kb, prepared, as_of, include_ineligible=True)
        out[person] = [(m.trial.nct_id, str(m.verdict), treatment[m.trial.nct_id]) for m in found]
    return out


def check_order(
    matches: Mapping[str, list[tuple[str, str, bool]]],
    cases: Sequence[tuple[str, str, str, str]],
    known: Mapping[tuple[str, str], str],
    person: str,
    treatment: bool,
) -> None:
    """Within one section of the list (treatment studies, then the others), every trial she
    can join ranks above every trial she cannot; pairs still read wrong are left out (their
    own cases say so)."""
    labels = {nct: label for p, nct, label, _ in cases if p == person and (p, nct) not in known}
    order = [nct for nct, _, kind in matches[person] if nct in labels and kind == treatment]
    last_open = max((i for i, nct in enumerate(order) if labels[nct] != "no"), default=-1)
    first_no = min((i for i, nct in enumerate(order) if labels[nct] == "no"), default=10**6)
    assert last_open < first_no, [(nct, labels[nct]) for nct in order]
