"""Session 12's unseen vignettes (bench/vignettes/s12_unseen.yaml), one test per person.

Written before any fix, for the class of error "an option listed, ranked or worded against
what the guidelines or FDA labels say, for people outside the HR-positive/HER2-negative
centre": HER2-positive lines and brain metastases, HER2-low and -ultralow, triple-negative,
organ function and fitness, serious earlier side effects, pregnancy, treatment breaks,
hospice, and periods stopped by chemotherapy. What is still wrong is a strict xfail with
its reason.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.options import list_options
from tests.bench_scripts import BENCH, load_bench
from tests.options.test_vignettes_s11 import vignette_params, vignette_violations

_FILE = BENCH / "vignettes" / "s12_unseen.yaml"
_RUNNER: ModuleType = load_bench("vignettes/run.py", "nextline_vignettes")

# Left open, with the reason (strict: a fix makes the test fail until the mark goes).
_OPEN = {
    "s12-her2-tdxd-grade-1-pneumonitis-resolved-while-responding": (
        "any stop for side effects rules the drug out (regimens.yaml conventions); the T-DXd "
        "label lets it restart after grade 1 lung inflammation that cleared (interrupt until "
        "grade 0), and stops it for good from grade 2. Telling the two apart needs each "
        "label's 'permanently discontinue' grades as data, read against the side effect's "
        "grade and whether it cleared: not built in session 12"
    ),
}


def test_the_file_has_at_least_100_people_across_subtypes(kb: Knowledge) -> None:
    people = _RUNNER.load_vignettes(_FILE)
    assert len(people) >= 100
    assert len({v["id"] for v in people}) == len(people)
    assert set(_OPEN) <= {v["id"] for v in people}


@pytest.mark.parametrize("vignette", vignette_params(_FILE, _OPEN))
def test_vignette_holds(vignette: dict[str, Any], kb: Knowledge) -> None:
    assert vignette_violations(vignette, kb) == []


@pytest.mark.parametrize(
    ("assessments", "who", "which"),
    [
        (
            [{"date": "2026-10-01", "by": "oncologist", "disease_status": "worsened"}],
            "your care team's latest assessment says",
            "your team's decision after their latest assessment",
        ),
        ([], None, None),
    ],
)
def test_who_says_the_treatment_stopped_working_is_named(
    kb: Knowledge, assessments: list[dict[str, Any]], who: str | None, which: str | None
) -> None:
    """The team's own reading is named as theirs, in the reason and in what the option needs
    (one rule, `rules.by_team`, not a test of how a sentence begins)."""
    spec = {
        "tumor_tests": [{"er": 0, "pr": 0, "ihc": "3+"}],
        "therapies": [
            {
                "setting": "metastatic",
                "drugs": ["docetaxel", "trastuzumab", "pertuzumab"],
                "start": "2025-06-10",
                "stop": "2026-02-01",
                "stop_reason": "progression",
            },
            {"setting": "metastatic", "drugs": ["Enhertu"], "start": "2026-02-15"},
        ],
        "assessments": assessments,
    }
    as_of = _RUNNER.DEFAULT_AS_OF
    result = list_options(_RUNNER.person(spec, kb, as_of), kb, as_of)
    option = result.option("continue_current_treatment")
    texts = [r.text for r in option.reasons]
    if who is None or which is None:
        assert option.verdict == "fits"
        assert not any("assessment" in t for t in [*texts, *option.needs, *result.notes])
    else:
        assert option.verdict == "may_fit"
        assert any(t.startswith(who) for t in texts), texts
        assert any(n.startswith(which) for n in option.needs), option.needs
        assert any(n.startswith("Your care team's latest assessment") for n in result.notes)


def test_a_liver_caution_kept_for_one_person_is_not_given_to_the_next(kb: Knowledge) -> None:
    """The engine keeps caution answers by what the conditions read: a result given as a
    multiple of the upper limit of normal is part of that key (two people, same but for it)."""
    as_of = _RUNNER.DEFAULT_AS_OF

    def docetaxel_cautions(times_uln: float) -> set[str]:
        lab = {"date": "2026-10-20", "test": "bilirubin", "value": times_uln, "unit": "xULN"}
        spec = {"tumor_tests": [{"er": 0, "pr": 0, "ihc": "0"}], "labs": [lab]}
        result = list_options(_RUNNER.person(spec, kb, as_of), kb, as_of)
        return {c.id for c in result.option("docetaxel").cautions}

    assert "liver_tests_high" in docetaxel_cautions(3)
    assert "liver_tests_high" not in docetaxel_cautions(0.5)
    assert "liver_tests_high" in docetaxel_cautions(3)
