"""Fuzzing every trial loader (API v2 JSON, legacy XML, snapshot JSONL, HINT rows): each
mutated file ends in `TrialDataInvalid` naming the problem, or trials; never another
exception and never a hang. A study with a non-text status, a list where an object
belongs, or a 1 MB title is one of these clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nextline.errors import InputTooLarge, TrialDataInvalid
from nextline.trials.loaders import parse_trials
from tests.fuzz.conftest import COUNTS, fuzz_settings
from tests.fuzz.test_fuzz_patient_file import HOSTILE_VALUES, _paths, _set

FIXTURES = Path(__file__).parent.parent / "trials" / "fixtures"
API_V2 = (FIXTURES / "api_v2_NCT05696626.json").read_text(encoding="utf-8")
XML = (FIXTURES / "legacy_NCT05382364.xml").read_text(encoding="utf-8")
SNAPSHOT = (FIXTURES / "snapshot_3.jsonl").read_text(encoding="utf-8")
HINT = json.dumps(
    {
        "nctid": "NCT01234567",
        "status": "recruiting",
        "phase": "phase 2",
        "diseases": "['breast cancer']",
        "drugs": "['drug a']",
        "criteria": "Inclusion Criteria: adults",
    }
)
SEEDS = {"api v2": API_V2, "legacy xml": XML, "snapshot": SNAPSHOT, "hint": HINT}
JSON_SEEDS = {
    "api v2": [json.loads(API_V2)],
    "snapshot": [json.loads(line) for line in SNAPSHOT.splitlines() if line.strip()],
    "hint": [json.loads(HINT)],
}
HOSTILE_TEXT = [
    "<!DOCTYPE a [<!ENTITY x 'xxxxxxxxxx'><!ENTITY y '&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;'>]>",
    "<!ENTITY e SYSTEM 'file:///etc/passwd'>",
    "&e;",
    "]]>",
    "<![CDATA[",
    "</clinical_study>",
    '"overallStatus": 5,',
    '"studies": {},',
    "null",
    "[" * 5000,
    "\ud800",
    "\x00",
    "x" * 1_100_000,
    "(" * 50_000,
    '"nctId": "NCT0",',
]
STRUCTURE_VALUES: list[Any] = [*HOSTILE_VALUES, "(" * 60_000, "x" * 1_100_000, 5, ["RECRUITING"]]


@st.composite
def text_mutants(draw: st.DrawFn, seed: str) -> str:
    text = SEEDS[seed]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE_TEXT)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 300)) :]
        elif kind == "replace":
            text = text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at + 1 :]
        else:
            text = text[:at] + text[at : at + draw(st.integers(1, 500))] * 2 + text[at:]
    return text


@st.composite
def value_mutants(draw: st.DrawFn, seed: str) -> str:
    rows: list[Any] = list(JSON_SEEDS[seed])
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(rows) - 1))
        paths = _paths(rows[index])
        path = draw(st.sampled_from(paths))
        rows[index] = _set(rows[index], path, draw(st.sampled_from(STRUCTURE_VALUES)))
    if seed == "snapshot" or draw(st.booleans()):
        return "\n".join(json.dumps(row, default=str) for row in rows)
    return json.dumps({"studies": rows}, default=str)


def _outcome(text: str) -> str:
    try:
        trials = parse_trials(text, "fuzz")
    except InputTooLarge:
        return "too large"
    except TrialDataInvalid:
        return "clear error"
    for trial in trials:  # what the store and the matcher read is within the caps
        assert len(trial.title) <= 1_000 and len(trial.eligibility_text) <= 40_000
    return "trials"


def _target(seed: str, kind: str) -> str:
    return f"trial file: {seed} ({kind})"


@fuzz_settings("trial")
@given(st.sampled_from(list(SEEDS)).flatmap(lambda s: st.tuples(st.just(s), text_mutants(s))))
def test_mutated_trial_file_text_ends_clearly(mutant: tuple[str, str]) -> None:
    seed, text = mutant
    COUNTS[_target(seed, "text"), _outcome(text)] += 1


@fuzz_settings("trial")
@given(st.sampled_from(list(JSON_SEEDS)).flatmap(lambda s: st.tuples(st.just(s), value_mutants(s))))
def test_mutated_trial_values_end_clearly(mutant: tuple[str, str]) -> None:
    seed, text = mutant
    COUNTS[_target(seed, "values"), _outcome(text)] += 1
