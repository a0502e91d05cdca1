"""`nextline questions` builds only the questions (`plan.question_list`), not the whole
briefing: for any person, day and trial matches, it gives exactly the briefing's questions,
the person's own questions and what was unavailable, and it does not import the modules
of the parts it does not print."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.plan import build_briefing, build_question_list
from nextline.record import load_record
from nextline.trials.catalog import load_default_catalog
from nextline.trials.matching import match_trials
from tests.plan.conftest import VISIT_DAYS

# Days after each example's last entry: the visit day, then weeks, months and years later
# (questions change with how old the last scan is, what is upcoming and what went stale).
LATER = (0, 10, 45, 200, 800)


def _same(record_id: str, kb: Knowledge, day: dt.date, trials: object = None) -> None:
    record = load_record(example_path(record_id), kb, day)
    briefing = build_briefing(record, kb, day, trials=trials)
    found = build_question_list(record, kb, day, trials=trials)
    assert found.questions == briefing.questions
    assert [q.to_json() for q in found.questions] == [q.to_json() for q in briefing.questions]
    assert found.personal_questions == briefing.personal_questions
    assert found.unavailable == briefing.unavailable


@pytest.mark.parametrize("person", EXAMPLE_IDS)
@pytest.mark.parametrize("later", LATER)
def test_the_questions_are_the_briefings_questions(person: str, later: int, kb: Knowledge) -> None:
    _same(person, kb, VISIT_DAYS[person] + dt.timedelta(days=later))


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_with_trial_matches_too(person: str, kb: Knowledge) -> None:
    day = VISIT_DAYS[person] + dt.timedelta(days=30)
    record = load_record(example_path(person), kb, day)
    trials = load_default_catalog().trials[:40]
    matches = match_trials(record, kb, trials, day, include_ineligible=True)
    _same(person, kb, day, trials=matches)
    found = build_question_list(record, kb, day, trials=matches)
    assert "trials" not in found.unavailable
    assert "trials" in build_question_list(record, kb, day).unavailable


def test_the_questions_path_imports_no_milestones_goals_or_supportive_care() -> None:
    unwanted = (
        "nextline.plan.models",
        "nextline.plan.briefing",
        "nextline.plan.milestones",
        "nextline.plan.tradeoffs",
        "nextline.plan.supportive",
    )
    code = (
        "import sys\nfrom nextline.plan import build_question_list, Question\n"
        f"print([m for m in {unwanted!r} if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_question_classes_are_the_same_from_every_module() -> None:
    from nextline.plan import PersonalQuestion, Question, models, question_models

    assert models.Question is question_models.Question is Question
    assert models.PersonalQuestion is question_models.PersonalQuestion is PersonalQuestion
