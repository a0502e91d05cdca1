"""Supportive care topics, the care team, the milestones and the briefing object."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nextline.errors import RecordInvalid
from nextline.knowledge import Knowledge
from nextline.plan import Briefing, build_briefing, build_milestones, supportive_care
from tests.record.builders import make_record

DAY = dt.date(2025, 6, 1)


def test_topics_shown_for_each_example_with_why(briefings: dict[str, Briefing]) -> None:
    shown = {
        person: [(t.id, t.why) for t in b.supportive_care.topics] for person, b in briefings.items()
    }
    assert shown == {
        "hr-positive-esr1": [
            ("palliative_care", "palliative_care.involved = false"),
            ("event_planning", "goals.upcoming_events[0]"),
            ("yoga_exercise_bone", "metastases: bone"),
            ("practical_matters", "shown to everyone"),
        ],
        "her2-positive-brain": [("practical_matters", "shown to everyone")],
        "triple-negative-brca": [
            ("palliative_care", "palliative_care.involved = false"),
            ("treatment_break", "goals.considering: treatment_break"),
            ("practical_matters", "shown to everyone"),
        ],
    }


def test_hospice_is_explained_when_the_person_considers_stopping(kb: Knowledge) -> None:
    record = make_record(kb, palliative_care={"involved": True}, goals={"considering": ["hospice"]})
    topics = {t.id: t for t in supportive_care(record, kb, DAY).topics}
    assert list(topics) == ["hospice", "practical_matters"]
    assert topics["hospice"].why == "goals.considering: hospice"
    assert topics["hospice"].paragraphs[1] == (
        "Hospice stops treatment aimed at the cancer itself. It keeps treating pain and other "
        "symptoms, so you can be as comfortable as possible."
    )


def test_care_team_names_the_people_in_the_record(briefings: dict[str, Briefing]) -> None:
    team = {c.role: c for c in briefings["hr-positive-esr1"].supportive_care.care_team}
    assert (team["medical_oncologist"].name, team["medical_oncologist"].phone) == (
        "Dr. A. Rivera",
        "+1 215 555 0100",
    )
    assert team["navigator"].in_team is True
    assert team["social_worker"].in_team is False
    assert team["social_worker"].call_for == (
        "Costs and insurance",
        "Help at home",
        "Stress and worry",
    )


def test_milestones_are_upcoming_appointments_in_date_order(kb: Knowledge) -> None:
    record = make_record(
        kb,
        appointments=[
            {"date": "2025-07-01", "what": "scan", "notes": "CT chest, abdomen"},
            {"date": "2025-05-01", "what": "labs"},
            {"date": "2025-06-10", "what": "oncology visit"},
            {"date": "2025-06-10", "what": "infusion"},
        ],
    )
    plan = build_milestones(record, kb, DAY)
    assert [(m.date.isoformat(), m.label, m.evidence) for m in plan.milestones] == [
        ("2025-06-10", "Visit with your cancer doctor", "appointments[2]"),
        ("2025-06-10", "Treatment (infusion)", "appointments[3]"),
        ("2025-07-01", "Scan", "appointments[0]"),
    ]
    assert plan.current_line is None
    assert plan.signals == ()


def test_signals_for_a_running_line_use_the_nadir_and_the_recist_rule(kb: Knowledge) -> None:
    record = make_record(
        kb, therapies=[{"setting": "metastatic", "drugs": ["letrozole"], "start": "2024-01-01"}]
    )
    status = {
        "overall": "working",
        "recist": [
            {
                "line": 1,
                "baseline_date": "2023-12-20",
                "timepoints": [
                    {"date": "2024-04-01", "sum_mm": 40},
                    {"date": "2024-08-01", "sum_mm": 30},
                ],
            }
        ],
    }
    plan = build_milestones(record, kb, DAY, status)
    assert plan.current_line == 1
    kinds = [(s.kind, s.text) for s in plan.signals]
    # 30 mm nadir: +20 % is 36 mm, +5 mm is 35 mm; the larger, 36 mm, is the threshold.
    assert kinds[0] == (
        "scan",
        "A scan would count as growth if the measured tumors add up to 36 mm or more. "
        "The smallest total so far is 30 mm.",
    )
    assert [k for k, _ in kinds] == ["scan", "scan", "marker"]


def test_small_nadir_uses_the_five_mm_floor(kb: Knowledge) -> None:
    record = make_record(
        kb, therapies=[{"setting": "metastatic", "drugs": ["letrozole"], "start": "2024-01-01"}]
    )
    status = {"recist": [{"line": 1, "timepoints": [{"date": "2024-04-01", "sum_mm": 12}]}]}
    plan = build_milestones(record, kb, DAY, status)
    # 12 mm: +20 % is 14.4 mm, but at least 5 mm more is needed, so 17 mm.
    assert "17 mm or more" in plan.signals[0].text


def test_briefing_json_holds_every_part(briefings: dict[str, Briefing]) -> None:
    data = json.loads(json.dumps(briefings["triple-negative-brca"].to_json()))
    assert sorted(data) == [
        "as_of",
        "goals",
        "kb_version",
        "name",
        "options",
        "patient",
        "personal_questions",
        "plan",
        "questions",
        "status",
        "supportive_care",
        "trials",
        "unavailable",
    ]
    assert data["patient"] == "triple-negative-brca"
    assert data["as_of"] == "2024-08-21"
    assert data["status"]["overall"] == "no_current_treatment"
    assert data["questions"][0]["urgency"] == "emergency"


def test_personal_questions_come_back_in_the_persons_order(kb: Knowledge) -> None:
    record = make_record(
        kb,
        questions=[
            {"text": "Can I travel in August?", "order": 2, "added": "2025-05-01"},
            {
                "text": "Is a break safe?",
                "order": 1,
                "answered": True,
                "answer": "Yes, for four weeks.",
                "source_id": "treatment_break",
            },
        ],
    )
    briefing = build_briefing(
        record, kb, DAY, status={"overall": "working"}, options={}, trials={"matches": []}
    )
    assert [(q.order, q.text, q.answered, q.answer) for q in briefing.personal_questions] == [
        (1, "Is a break safe?", True, "Yes, for four weeks."),
        (2, "Can I travel in August?", False, None),
    ]
    assert briefing.unavailable == ()


def test_a_bad_personal_question_is_refused_with_its_path(kb: Knowledge) -> None:
    with pytest.raises(RecordInvalid) as caught:
        make_record(kb, questions=[{"text": "Can I travel?", "order": -1}])
    assert [(p.path, p.reason) for p in caught.value.problems] == [
        ("questions[0].order", "Input should be greater than or equal to 0 (got -1)")
    ]


def test_every_example_briefing_matches_the_committed_schema(
    briefings: dict[str, Briefing],
) -> None:
    import jsonschema

    from nextline.schemas import SCHEMA_DIR

    schema = json.loads((SCHEMA_DIR / "briefing.schema.json").read_text(encoding="utf-8"))
    for person, briefing in briefings.items():
        data = json.loads(json.dumps(briefing.to_json()))
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert errors == [], person
