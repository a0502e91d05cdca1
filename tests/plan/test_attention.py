"""The navigator's order: who needs attention today, and why, in plain words."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.plan.attention import (
    EarlierStatus,
    FlagFact,
    PersonFacts,
    rank_people,
    reasons_for,
)

TODAY = dt.date(2025, 6, 2)  # a Monday


def _d(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def _order(people: list[PersonFacts]) -> list[str]:
    return [row.person_id for row in rank_people(people, TODAY)]


def _words(facts: PersonFacts) -> list[str]:
    return [r.words for r in reasons_for(facts, TODAY)]


EMERGENCY = FlagFact("emergency", "weak or numb legs, trouble walking", _d(-1))
CALL_NOW = FlagFact("call_now", "fever or chills during treatment", _d(-2))
TURNED = dict(
    status_now="not_working",
    status_earlier=(EarlierStatus("working", "scan", _d(-3)),),
)


def test_the_issue_order_emergency_turn_trials_appointment_question_then_nothing() -> None:
    people = [
        PersonFacts("quiet", "Quinn"),
        PersonFacts("asks", "Ada", open_questions=2),
        PersonFacts("visit", "Vera", appointments=((_d(3), "scan"),)),
        PersonFacts("trials", "Tess", new_trials=2, trials_since=_d(-30)),
        PersonFacts("turned", "Tom", **TURNED),  # type: ignore[arg-type]
        PersonFacts("calls", "Cleo", red_flags=(CALL_NOW,)),
        PersonFacts("broken", "Bo", unreadable="labs[2].value: not a number"),
        PersonFacts("urgent", "Uma", red_flags=(EMERGENCY,)),
    ]
    assert _order(people) == [
        "urgent",
        "broken",
        "calls",
        "turned",
        "trials",
        "visit",
        "asks",
        "quiet",
    ]


def test_more_reasons_of_the_same_rank_come_first() -> None:
    alone = PersonFacts("alone", "Anna", red_flags=(EMERGENCY,))
    also_visit = PersonFacts(
        "also-visit", "Zoe", red_flags=(EMERGENCY,), appointments=((_d(1), "labs"),)
    )
    also_turned = PersonFacts("also-turned", "Yara", red_flags=(EMERGENCY,), **TURNED)  # type: ignore[arg-type]
    assert _order([alone, also_visit, also_turned]) == ["also-turned", "also-visit", "alone"]


def test_ties_are_broken_by_timing_then_by_name() -> None:
    soon = PersonFacts("soon", "Zed", appointments=((_d(1), "scan"),))
    later = PersonFacts("later", "Abe", appointments=((_d(5), "scan"),))
    same_day_b = PersonFacts("b", "bea", appointments=((_d(5), "labs"),))
    assert _order([later, same_day_b, soon]) == ["soon", "later", "b"]
    recent = PersonFacts("recent", "Zia", red_flags=(FlagFact("emergency", "x", _d(0)),))
    older = PersonFacts("older", "Al", red_flags=(FlagFact("emergency", "x", _d(-5)),))
    assert _order([older, recent]) == ["recent", "older"]
    more = PersonFacts("more", "Zoe", new_trials=4)
    fewer = PersonFacts("fewer", "Amy", new_trials=1)
    assert _order([fewer, more]) == ["more", "fewer"]
    # the very same facts: by name (case does not matter), then by id
    twins = [PersonFacts("t2", "sam"), PersonFacts("t1", "Sam"), PersonFacts("t0", "ann")]
    assert _order(twins) == ["t0", "t1", "t2"]


def test_people_with_nothing_due_are_kept_with_no_reasons() -> None:
    rows = rank_people([PersonFacts("b", "Bo"), PersonFacts("a", None)], TODAY)
    assert [(r.person_id, r.name, r.reasons, r.nothing_due) for r in rows] == [
        ("a", "a", (), True),  # no name: the id is shown
        ("b", "Bo", (), True),
    ]
    assert rank_people([], TODAY) == []


def test_an_unreadable_record_says_why_and_nothing_else() -> None:
    facts = PersonFacts(
        "broken",
        "Bo",
        unreadable="therapies[1].start: not a date",
        red_flags=(EMERGENCY,),  # cannot be known when the record cannot be read
        open_questions=3,
    )
    reasons = reasons_for(facts, TODAY)
    assert [(r.kind, r.words, r.page) for r in reasons] == [
        (
            "unreadable",
            "The record could not be read, so nothing else could be checked: "
            "therapies[1].start: not a date",
            "",
        )
    ]
    assert _words(PersonFacts("x", unreadable="  ")) == [
        "The record could not be read, so nothing else could be checked: no reason given"
    ]


def test_red_flags_in_words_latest_first() -> None:
    facts = PersonFacts(
        "p",
        red_flags=(
            FlagFact("call_now", "fever or chills", dt.date(2025, 5, 28)),
            FlagFact("emergency", "new confusion or hard to wake", dt.date(2025, 5, 30)),
            FlagFact("emergency", "a seizure", dt.date(2025, 6, 1)),
        ),
    )
    assert _words(facts) == [
        "Emergency sign reported on 1 Jun 2025: a seizure",
        "Emergency sign reported on 30 May 2025: new confusion or hard to wake",
        "Call the care team now: reported on 28 May 2025: fever or chills",
    ]


@pytest.mark.parametrize(
    ("now", "earlier", "words"),
    [
        (
            "not_working",
            [EarlierStatus("working", "scan", dt.date(2025, 5, 20))],
            "The treatment now looks “probably not working” after the scan of 20 May 2025; "
            "before, it looked “probably working”",
        ),
        (  # both turned it: the scan is named (the likely cause, with its date)
            "not_working",
            [
                EarlierStatus("unclear", "scan", dt.date(2025, 4, 1)),
                EarlierStatus("working", "change", dt.date(2025, 5, 31)),
            ],
            "The treatment now looks “probably not working” after the scan of 1 Apr 2025; "
            "before, it looked “not clear yet”",
        ),
        (  # not the scan: a change since (a corrected entry) turned it
            "not_working",
            [
                EarlierStatus("not_working", "scan", dt.date(2025, 4, 1)),
                EarlierStatus("working", "change", dt.date(2025, 5, 31)),
            ],
            "The treatment now looks “probably not working” after the latest change; "
            "before, it looked “probably working”",
        ),
        (
            "not_working",
            [
                EarlierStatus("unclear", "scan", dt.date(2025, 5, 25)),
                EarlierStatus("not_working", "change", dt.date(2025, 5, 31)),
            ],
            "The treatment now looks “probably not working” after the scan of 25 May 2025; "
            "before, it looked “not clear yet”",
        ),
        ("not_working", [EarlierStatus("not_working", "scan", dt.date(2025, 5, 1))], None),
        ("not_working", [], None),
        ("working", [EarlierStatus("not_working", "scan", dt.date(2025, 5, 1))], None),
        ("unclear", [EarlierStatus("working", "change", dt.date(2025, 5, 1))], None),
        (None, [EarlierStatus("working", "change", dt.date(2025, 5, 1))], None),
    ],
)
def test_a_status_turned_only_when_it_is_not_working_now_and_was_not_before(
    now: str | None, earlier: list[EarlierStatus], words: str | None
) -> None:
    got = _words(PersonFacts("p", status_now=now, status_earlier=tuple(earlier)))
    assert got == ([words] if words else [])


def test_appointments_this_week_are_today_to_six_days_on() -> None:
    facts = PersonFacts(
        "p",
        appointments=(
            (_d(7), "scan"),  # next Monday: not this week
            (_d(-1), "labs"),  # yesterday: past
            (_d(6), "dentist"),  # a kind the plan has no label for
            (_d(0), "oncology visit"),
            (_d(2), "Infusion"),
        ),
    )
    assert _words(facts) == [
        "Visit with your cancer doctor today",
        "Treatment (infusion) on Wed 4 Jun 2025",
        "Dentist on Sun 8 Jun 2025",
    ]


def test_trials_and_questions_in_words() -> None:
    assert _words(PersonFacts("p", new_trials=1, trials_since=dt.date(2025, 5, 1))) == [
        "1 new trial may fit since 1 May 2025"
    ]
    assert _words(PersonFacts("p", new_trials=3)) == ["3 new trials may fit"]
    assert _words(PersonFacts("p", open_questions=1)) == [
        "1 question kept for the team, not answered yet"
    ]
    assert _words(PersonFacts("p", open_questions=4, new_trials=0)) == [
        "4 questions kept for the team, not answered yet"
    ]


def test_each_reason_points_to_the_page_that_shows_it() -> None:
    facts = PersonFacts(
        "p",
        red_flags=(EMERGENCY,),
        new_trials=1,
        appointments=((_d(1), "scan"),),
        open_questions=1,
        **TURNED,  # type: ignore[arg-type]
    )
    assert [(r.kind, r.page) for r in reasons_for(facts, TODAY)] == [
        ("emergency", ""),
        ("status_turned", ""),
        ("new_trials", "/trials"),
        ("appointment", ""),
        ("question", "/questions"),
    ]
