"""Session 11's unseen vignettes (bench/vignettes/s11_unseen.yaml), one test per person.

Written before any fix, for the class of error "an option listed, ranked or worded against
what the guidelines say, for a person nextline has not seen": endocrine resistance, counting
lines and regimens, menopause and suppression, visceral crisis, the care team's own reading,
new approvals and label cautions. The first 107 were written blind: 10 were wrong on the
code before session 11's fixes; the 124 now in the file, 15 (each rule fixed, not the
person). What is still wrong is a strict xfail with its reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.options import list_options
from tests.bench_scripts import BENCH, load_bench

_FILE = BENCH / "vignettes" / "s11_unseen.yaml"
_RUNNER: ModuleType = load_bench("vignettes/run.py", "nextline_vignettes")

# Left open, with the reason (strict: a fix makes the test fail until the mark goes).
# Session 12 fixed the two chemotherapy-amenorrhoea people by rule (regimens.yaml
# menopause_after_chemotherapy, NHS Highland): nothing is left open.
_OPEN: dict[str, str] = {}


def vignette_params(path: Path, open_cases: dict[str, str]) -> list[Any]:
    """One test case per person of a vignette file; those left open are strict xfails."""
    return [
        pytest.param(
            v, id=v["id"], marks=pytest.mark.xfail(strict=True, reason=open_cases[v["id"]])
        )
        if v["id"] in open_cases
        else pytest.param(v, id=v["id"])
        for v in _RUNNER.load_vignettes(path)
    ]


def vignette_violations(vignette: dict[str, Any], kb: Knowledge) -> list[Any]:
    """What the options engine gets wrong for one vignette, judged as bench/vignettes does."""
    as_of = dt.date.fromisoformat(str(vignette.get("as_of", _RUNNER.DEFAULT_AS_OF)))
    record = _RUNNER.person(vignette["person"], kb, as_of)
    violations: list[Any] = _RUNNER.judge(vignette, list_options(record, kb, as_of), kb).violations
    return violations


def test_the_file_has_at_least_100_people_across_subtypes(kb: Knowledge) -> None:
    people = _RUNNER.load_vignettes(_FILE)
    assert len(people) >= 100
    assert len({v["id"] for v in people}) == len(people)
    assert set(_OPEN) <= {v["id"] for v in people}


@pytest.mark.parametrize("vignette", vignette_params(_FILE, _OPEN))
def test_vignette_holds(vignette: dict[str, Any], kb: Knowledge) -> None:
    assert vignette_violations(vignette, kb) == []


def test_now_is_checked(kb: Knowledge) -> None:
    """`now` fails for an option that is only 'for later' (the runner can fail on it)."""
    running = {"setting": "metastatic", "drugs": ["letrozole", "palbociclib"]}
    vignette = {
        "id": "wrong",
        "person": {
            "tumor_tests": [{"er": 90, "pr": 60, "ihc": "0"}],
            "therapies": [{**running, "start": "2025-06-10"}],
        },
        "now": ["fulvestrant_abemaciclib"],
        "sources": {"fulvestrant_abemaciclib": "fda_label_abemaciclib"},
    }
    as_of = _RUNNER.DEFAULT_AS_OF
    result = list_options(_RUNNER.person(vignette["person"], kb, as_of), kb, as_of)
    assert _RUNNER.judge(vignette, result, kb).violations == [
        "fulvestrant_abemaciclib: expected on the table now, not 'for later, if your current "
        "treatment stops working'"
    ]
