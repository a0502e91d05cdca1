"""Twelve new people (`new_people_s9.py`) matched against the bundled catalog, their top 10
read by hand. This pins only what a research nurse would insist on: the plain errors found
in that reading are gone, and the trials built for them still come up.

Found before the fix (all `likely_eligible`):
- first-in-human baskets open only to people with no standard option left ("no available
  therapeutic options known to confer clinical benefit", "no standard therapeutic option",
  a summary saying "relapsed or refractory") for an untreated person with triple-negative
  cancer, and for people whose standard options are not used up;
- a capecitabine study for "Hormone Refractory" breast cancer (title) for people who never
  had hormone therapy.
"""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.trials.new_people_s9 import AS_OF, PEOPLE
from tests.trials.probe_harness import catalog_verdicts

# (person, trial, why a nurse would say no)
CANNOT_JOIN = [
    ("n02", "NCT06582017", "untreated TNBC; the study wants no therapeutic option left"),
    ("n02", "NCT06451497", "untreated TNBC; the study wants no standard option left"),
    ("n02", "NCT04787042", "untreated TNBC; the study wants progression through standard care"),
    ("n02", "NCT06242470", "untreated TNBC; the study is for relapsed or refractory tumours"),
    ("n11", "NCT06582017", "after two lines; standard options for TNBC remain"),
    ("n11", "NCT06242470", "after two lines; the study is for relapsed or refractory tumours"),
    ("n07", "NCT06582017", "ECOG 2 and standard options remain"),
    ("n05", "NCT06525766", "never had hormone therapy; the study is for hormone-refractory"),
    ("n10", "NCT06525766", "never had hormone therapy; the study is for hormone-refractory"),
]
# (person, trial, why it is built for them)
BUILT_FOR = [
    ("n06", "NCT04090567", "germline BRCA2, progressed on olaparib"),
    ("n01", "NCT06525766", "ER+, progressed on letrozole + palbociclib"),
    ("n03", "NCT06500455", "untreated (intact) brain metastases"),
    ("n05", "NCT06760637", "ER+/HER2-, no treatment yet for advanced disease"),
    ("n10", "NCT06760637", "ER+/HER2-, no treatment yet for advanced disease"),
]


@pytest.fixture(scope="module")
def verdicts(kb: Knowledge) -> dict[tuple[str, str], str]:
    """Each listed person's verdict for each listed trial, one match per person."""
    return catalog_verdicts(kb, PEOPLE, CANNOT_JOIN + BUILT_FOR, AS_OF)


def test_the_reading_covers_twelve_people() -> None:
    assert len(PEOPLE) == 12
    assert {p for p, _, _ in CANNOT_JOIN + BUILT_FOR} <= set(PEOPLE)


@pytest.mark.parametrize(("person", "nct", "why"), CANNOT_JOIN)
def test_a_trial_she_cannot_join_is_not_called_likely(
    verdicts: dict[tuple[str, str], str], person: str, nct: str, why: str
) -> None:
    assert verdicts[(person, nct)] != "likely_eligible", why


@pytest.mark.parametrize(("person", "nct", "why"), BUILT_FOR)
def test_a_trial_built_for_her_is_not_called_unlikely(
    verdicts: dict[tuple[str, str], str], person: str, nct: str, why: str
) -> None:
    assert verdicts[(person, nct)] != "likely_ineligible", why
