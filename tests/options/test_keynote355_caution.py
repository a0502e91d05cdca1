"""Pembrolizumab + chemotherapy after chemotherapy that stopped working: KEYNOTE-355 was in
people with no chemotherapy for metastatic disease whose cancer came back 6 months or more
after treatment with curative intent, so the option carries a caution (cortes_keynote355_2020)."""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.options.builders import drug, options_for, tumor

CAUTION_ID = "chemotherapy_stopped_working_keynote355"
TNBC_PDL1_HIGH = tumor(er=0, pr=0, ihc="0", ultralow=False, pdl1={"cps": 30})


@pytest.mark.parametrize(
    ("therapy", "cautioned"),
    [
        # back 3 months after adjuvant capecitabine: within 6 months counts as stopped working
        (drug("Xeloda", start="2020-02-01", stop="2020-10-01", setting="adjuvant"), True),
        # back during adjuvant chemotherapy
        (drug("paclitaxel", "carboplatin", start="2020-09-01", setting="neoadjuvant"), True),
        # back 2 years after adjuvant chemotherapy: the trial's people
        (
            drug(
                "docetaxel",
                "cyclophosphamide",
                start="2018-06-01",
                stop="2018-10-01",
                setting="adjuvant",
            ),
            False,
        ),
        # chemotherapy for metastatic disease stopped for side effects only
        (drug("capecitabine", start="2021-02-01", stop="2021-04-01", reason="toxicity"), False),
    ],
)
def test_caution_after_chemotherapy_that_stopped_working(
    kb: Knowledge, therapy: dict[str, object], cautioned: bool
) -> None:
    option = options_for(kb, tumor_tests=[TNBC_PDL1_HIGH], therapies=[therapy]).option(
        "pembrolizumab_chemotherapy"
    )
    assert option.verdict == "fits"
    assert (CAUTION_ID in [c.id for c in option.cautions]) is cautioned
    if cautioned:
        (caution,) = [c for c in option.cautions if c.id == CAUTION_ID]
        assert caution.rests_on == "therapies[0]"
        assert [s.id for s in caution.sources] == ["cortes_keynote355_2020"]
