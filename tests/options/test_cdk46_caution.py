"""A second CDK4/6 inhibitor after the cancer grew on one: still `fits` (the labels allow it),
with a caution that the trials of it disagree (postMONARCH, MAINTAIN, PACE)."""

from __future__ import annotations

import datetime as dt

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.options import list_options
from nextline.record import load_record
from tests.options.builders import drug, options_for

CAUTION_ID = "grew_on_cdk46_inhibitor"
CAUTION_TEXT = (
    "You already had a drug of this kind (a CDK4/6 inhibitor) and the cancer grew. Studies of "
    "a second drug of this kind after that give mixed results: ask your team what the evidence "
    "says for you."
)
CAUTION_SOURCES = ["postmonarch_kalinsky_2025", "maintain_kalinsky_2023", "pace_mayer_2024"]
SECOND_CDK46 = ("fulvestrant_ribociclib", "fulvestrant_abemaciclib")


def test_caution_on_a_second_cdk46_inhibitor_for_hr_positive_esr1(kb: Knowledge) -> None:
    as_of = dt.date(2025, 10, 15)
    record = load_record(example_path("hr-positive-esr1"), kb, as_of)
    result = list_options(record, kb, as_of)
    for option_id in SECOND_CDK46:
        option = result.option(option_id)
        assert option.verdict == "fits"
        assert [(c.id, c.text, c.rests_on) for c in option.cautions if c.rests_on] == [
            (CAUTION_ID, CAUTION_TEXT, "therapies[4]")
        ]
        assert [s.id for s in option.cautions[0].sources] == CAUTION_SOURCES
    # no caution of this kind on options without a CDK4/6 inhibitor
    assert result.option("elacestrant").cautions == ()


def test_no_caution_without_a_cdk46_inhibitor_before(kb: Knowledge) -> None:
    result = options_for(
        kb,
        therapies=[drug("letrozole", start="2021-02-01", stop="2023-03-01", reason="progression")],
    )
    option = result.option("fulvestrant_abemaciclib")
    assert option.verdict == "fits"
    assert option.cautions == ()


def test_no_caution_when_the_cdk46_inhibitor_stopped_for_side_effects_only(
    kb: Knowledge,
) -> None:
    result = options_for(
        kb,
        therapies=[
            drug(
                "letrozole", "palbociclib", start="2021-02-01", stop="2021-05-01", reason="toxicity"
            ),
            drug("letrozole", start="2021-05-02", stop="2023-03-01", reason="progression"),
        ],
    )
    option = result.option("fulvestrant_abemaciclib")
    assert option.verdict == "fits"
    assert option.cautions == ()


def test_caution_when_the_cancer_came_back_during_adjuvant_abemaciclib(kb: Knowledge) -> None:
    result = options_for(
        kb,
        metastatic_since="2022-06-01",
        therapies=[
            drug(
                "letrozole",
                "abemaciclib",
                start="2021-01-10",
                stop="2022-06-01",
                reason="progression",
                setting="adjuvant",
            ),
        ],
    )
    option = result.option("fulvestrant_ribociclib")
    assert option.verdict == "fits"
    assert [(c.id, c.rests_on) for c in option.cautions if c.rests_on] == [
        (CAUTION_ID, "therapies[0]")
    ]
