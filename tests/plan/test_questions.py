"""The questions each example person gets, in order, and why each appears."""

from __future__ import annotations

import datetime as dt

from nextline.knowledge import Knowledge
from nextline.plan import Briefing, build_questions
from tests.record.builders import make_record

ALWAYS = [
    "outlook",
    "options_now",
    "side_effects_of_others",
    "trials",
    "palliative_value",
    "when_to_stop",
]
NOT_WORKING = [
    "how_behaving",
    "signs_of_growth",
    "second_opinion",
    "next_standard",
    "switch_class",
    "next_tests",
    "new_biopsy",
]


def test_triple_negative_gets_the_call_now_notice_first_then_palliative_care(
    briefings: dict[str, Briefing],
) -> None:
    questions = briefings["triple-negative-brca"].questions
    first = questions[0]
    assert first.id == "red_flag_call_now:possible_febrile_neutropenia:2024-08-20"
    assert first.group == "urgent"
    assert first.urgency == "emergency"
    status = briefings["triple-negative-brca"].status
    assert status is not None
    message = status["red_flags"][0]["message"]
    assert first.text == f"Please call your care team now about this: {message}"
    assert "38.0" in message
    assert first.evidence == ("status.red_flags[0]: possible_febrile_neutropenia on 2024-08-20",)
    assert "asco_idsa_febrile_neutropenia_2018" in first.sources
    palliative = next(q for q in questions if q.id == "palliative_referral")
    assert palliative.evidence == ("palliative_care.involved = false",)
    assert palliative.text == (
        "Can you refer me to a palliative care team (care for comfort and symptoms)?"
    )


def _without_options(briefing: Briefing) -> list[str]:
    return [q.id for q in briefing.questions if q.template != "about_option"]


def test_each_fitting_option_gets_one_question_in_the_options_order(
    briefings: dict[str, Briefing],
) -> None:
    for person, briefing in briefings.items():
        assert briefing.options is not None
        fits = [
            f"about_option:{o['id']}"
            for o in briefing.options["options"]
            if o["verdict"] == "fits" and o["kind"] in ("systemic", "radiation", "surgery")
        ]
        asked = [q.id for q in briefing.questions if q.template == "about_option"]
        assert asked == fits, person
    pinned = {
        "hr-positive-esr1": "about_option:elacestrant",
        "her2-positive-brain": "about_option:tucatinib_trastuzumab_capecitabine",
        "triple-negative-brca": "about_option:sacituzumab_govitecan",
    }
    for person, question_id in pinned.items():
        assert question_id in [q.id for q in briefings[person].questions], person


def test_triple_negative_question_list_is_pinned(briefings: dict[str, Briefing]) -> None:
    assert _without_options(briefings["triple-negative-brca"]) == [
        "red_flag_call_now:possible_febrile_neutropenia:2024-08-20",
        "outlook",
        "how_behaving",
        "signs_of_growth",
        "second_opinion",
        "options_now",
        "side_effects_of_others",
        "trials",
        "next_standard",
        "switch_class",
        "next_tests",
        "new_biopsy",
        "palliative_value",
        "when_to_stop",
        "palliative_referral",
        "treatment_break",
    ]


def test_triple_negative_break_question_rests_on_what_she_is_considering(
    briefings: dict[str, Briefing],
) -> None:
    q = next(q for q in briefings["triple-negative-brca"].questions if q.id == "treatment_break")
    assert q.evidence == ("goals.considering: treatment_break",)
    assert q.sources == ("breastcancer_org_treatment_breaks",)


def test_hr_positive_asks_about_the_wedding_and_each_fitting_option(
    briefings: dict[str, Briefing],
) -> None:
    questions = briefings["hr-positive-esr1"].questions
    ids = [q.id for q in questions]
    assert ids[-1] == "upcoming_event:2024-07-14"
    event = questions[-1]
    assert event.text == (
        "I have something important on 14 July 2024: daughter's wedding. "
        "Can we plan my treatment around it?"
    )
    assert event.evidence == ("goals.upcoming_events[0]",)
    assert "about_option:elacestrant" in ids
    elacestrant = questions[ids.index("about_option:elacestrant")]
    assert elacestrant.text == "About elacestrant: what could it do for me, and why this one?"
    assert elacestrant.details[3] == "Which side effects mean I should call you at once?"
    assert [i for i in ids if i.startswith("red_flag")] == []
    assert _without_options(briefings["hr-positive-esr1"]) == [
        "outlook",
        "how_behaving",
        "signs_of_growth",
        "second_opinion",
        "options_now",
        "side_effects_of_others",
        "trials",
        "next_standard",
        "switch_class",
        "next_tests",
        "new_biopsy",
        "palliative_value",
        "when_to_stop",
        "palliative_referral",
        "upcoming_event:2024-07-14",
    ]


def test_her2_positive_has_no_palliative_referral_since_a_team_is_involved(
    briefings: dict[str, Briefing],
) -> None:
    assert _without_options(briefings["her2-positive-brain"]) == [
        "outlook",
        "how_behaving",
        "signs_of_growth",
        "second_opinion",
        "options_now",
        "side_effects_of_others",
        "trials",
        "next_standard",
        "switch_class",
        "next_tests",
        "new_biopsy",
        "palliative_value",
        "when_to_stop",
    ]


def test_every_example_gets_the_always_questions_and_the_not_working_ones(
    briefings: dict[str, Briefing],
) -> None:
    for person, briefing in briefings.items():
        ids = {q.id for q in briefing.questions}
        missing = [i for i in ALWAYS + NOT_WORKING if i not in ids]
        assert missing == [], person


def test_not_working_questions_say_which_entry_they_rest_on(
    briefings: dict[str, Briefing],
) -> None:
    found = {
        person: next(q for q in b.questions if q.id == "how_behaving").evidence
        for person, b in briefings.items()
    }
    assert found == {
        "hr-positive-esr1": ("therapies[4].stop_reason = progression (line 1)",),
        "her2-positive-brain": ("therapies[3].stop_reason = progression (line 2)",),
        "triple-negative-brca": ("therapies[5].stop_reason = progression (line 2)",),
    }


def test_a_working_treatment_gets_only_the_always_questions(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[{"setting": "metastatic", "drugs": ["letrozole"], "start": "2024-01-01"}],
        palliative_care={"involved": True},
    )
    status = {"overall": "working", "red_flags": []}
    found = build_questions(record, kb, dt.date(2025, 6, 1), status=status)
    assert [q.id for q in found] == ALWAYS


def test_unclear_status_counts_as_may_not_be_working(kb: Knowledge) -> None:
    record = make_record(kb, palliative_care={"involved": True})
    found = build_questions(record, kb, dt.date(2025, 6, 1), status={"overall": "unclear"})
    how = next(q for q in found if q.id == "how_behaving")
    assert how.evidence == ("status.overall = unclear",)


def test_emergency_flags_come_before_call_now_flags(kb: Knowledge) -> None:
    record = make_record(kb, palliative_care={"involved": True})
    status = {
        "overall": "working",
        "red_flags": [
            {
                "kind": "uncontrolled_pain",
                "date": "2025-05-30",
                "urgency": "call_now",
                "message": "Pain is not under control.",
            },
            {
                "kind": "possible_spinal_cord_compression",
                "date": "2025-05-31",
                "urgency": "emergency",
                "message": "New back pain with weak legs.",
            },
        ],
    }
    found = build_questions(record, kb, dt.date(2025, 6, 1), status=status)
    assert [(q.id, q.urgency) for q in found[:2]] == [
        ("red_flag_call_now:possible_spinal_cord_compression:2025-05-31", "emergency"),
        ("red_flag_call_now:uncontrolled_pain:2025-05-30", "call_now"),
    ]


def test_tests_to_consider_and_trials_become_questions(kb: Knowledge) -> None:
    record = make_record(kb, palliative_care={"involved": True})
    options = {
        "options": [],
        "tests_to_consider": [
            {"name": "ESR1 test on a blood sample", "why": "It could open elacestrant."},
            "PD-L1 test.",
        ],
    }
    trials = {
        "matches": [
            {"nct_id": "NCT00000002", "verdict": "possibly_eligible", "score": 3},
            {"nct_id": "NCT00000001", "verdict": "likely_eligible", "score": 1},
            {"nct_id": "NCT00000003", "verdict": "likely_ineligible", "score": 9},
        ]
    }
    found = build_questions(
        record,
        kb,
        dt.date(2025, 6, 1),
        status={"overall": "working"},
        options=options,
        trials=trials,
    )
    by_id = {q.id: q for q in found}
    assert by_id["tests_to_consider:esr1_test_on_a_blood_sample"].text == (
        "Should I have this test: ESR1 test on a blood sample?"
    )
    assert by_id["tests_to_consider:esr1_test_on_a_blood_sample"].details == (
        "It could open elacestrant.",
    )
    assert by_id["tests_to_consider:pd_l1_test"].text == "Should I have this test: PD-L1 test?"
    assert by_id["trials_found"].text == (
        "Could I join one of these studies: NCT00000001, NCT00000002?"
    )


def test_considering_stopping_brings_the_comfort_and_hospice_question(kb: Knowledge) -> None:
    record = make_record(
        kb, palliative_care={"involved": True}, goals={"considering": ["stopping_treatment"]}
    )
    found = build_questions(record, kb, dt.date(2025, 6, 1), status={"overall": "working"})
    stopping = next(q for q in found if q.id == "stopping_care")
    assert stopping.evidence == ("goals.considering: stopping_treatment",)
    assert stopping.group == "care"


def test_a_past_event_is_not_asked_about(kb: Knowledge) -> None:
    record = make_record(
        kb,
        palliative_care={"involved": True},
        goals={
            "upcoming_events": [
                {"date": "2025-05-31", "what": "a trip"},
                {"date": "2025-06-01", "what": "a birthday"},
            ]
        },
    )
    found = build_questions(record, kb, dt.date(2025, 6, 1), status={"overall": "working"})
    assert [q.id for q in found if q.template == "upcoming_event"] == ["upcoming_event:2025-06-01"]
