"""Ten new people (`new_people_s10.py`) matched against the bundled catalog, their top 10
read by hand (session 10). This pins only what a research nurse would insist on: the plain
errors found in that reading are gone, and the trials built for them still come up.

Found before the fix:
- `likely_eligible` for a study she cannot join: a hormone-refractory study for a woman
  whose first hormone therapy is still working (m10); a study whose ways in are "relapse
  within 12 months of adjuvant hormone therapy with no treatment for advanced disease" or
  "relapse after more than 12 months, then one line" for a woman who relapsed on adjuvant
  tamoxifen and has had a line for advanced disease (m02); a study for germline BRCA
  carriers for a woman whose BRCA2 change is in the tumour only (m07);
- `likely_ineligible` for a study built for her: the germline-BRCA study after a PARP
  inhibitor for a carrier of 39, shut out by "family history of sudden death under 40
  years of age" read as her own age limit (m05);
- "possibly" for studies that need growth on hormone therapy + a CDK4/6 inhibitor, for the
  woman whose first line is still working (m10).
"""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.trials.new_people_s10 import AS_OF, PEOPLE
from tests.trials.probe_harness import catalog_verdicts

# (person, trial, why a nurse would say she cannot join now)
CANNOT_JOIN = [
    (
        "m10",
        "NCT06525766",
        "first hormone therapy still working; the study is for hormone-refractory",
    ),
    (
        "m10",
        "NCT06312176",
        "needs growth on hormone therapy with a CDK4/6 inhibitor; it still works",
    ),
    (
        "m10",
        "NCT06726148",
        "needs growth on hormone therapy with a CDK4/6 inhibitor; it still works",
    ),
    (
        "m02",
        "NCT05870579",
        "relapsed on adjuvant tamoxifen and already treated for advanced disease",
    ),
    (
        "m07",
        "NCT04090567",
        "the study is for germline BRCA carriers; her BRCA2 change is tumour-only",
    ),
]
# (person, trial, why it is built for her)
BUILT_FOR = [
    ("m05", "NCT04090567", "germline BRCA1, HER2-negative, after a PARP inhibitor"),
    (
        "m02",
        "NCT06016738",
        "ER+/HER2-, after hormone therapy with a CDK4/6 inhibitor for advanced disease",
    ),
    ("m09", "NCT06686394", "HER2-positive, fewer than 5 lines of anti-HER2 therapy (arm 2)"),
]


@pytest.fixture(scope="module")
def verdicts(kb: Knowledge) -> dict[tuple[str, str], str]:
    """Each listed person's verdict for each listed trial, one match per person."""
    return catalog_verdicts(kb, PEOPLE, CANNOT_JOIN + BUILT_FOR, AS_OF)


def test_the_reading_covers_ten_people() -> None:
    assert len(PEOPLE) == 10
    assert {p for p, _, _ in CANNOT_JOIN + BUILT_FOR} <= set(PEOPLE)


@pytest.mark.parametrize(("person", "nct", "why"), CANNOT_JOIN)
def test_a_trial_she_cannot_join_is_called_unlikely(
    verdicts: dict[tuple[str, str], str], person: str, nct: str, why: str
) -> None:
    assert verdicts[(person, nct)] == "likely_ineligible", why


@pytest.mark.parametrize(("person", "nct", "why"), BUILT_FOR)
def test_a_trial_built_for_her_is_not_called_unlikely(
    verdicts: dict[tuple[str, str], str], person: str, nct: str, why: str
) -> None:
    assert verdicts[(person, nct)] != "likely_ineligible", why
