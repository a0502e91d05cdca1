"""Every sentence shown to a person comes from the knowledge files or the report's phrases,
and reads at grade 8 or below (Flesch-Kincaid, textstat), medical terms in brackets aside."""

from __future__ import annotations

import re
from collections.abc import Iterator

from textstat.textstat import textstatistics

from nextline.knowledge import Knowledge
from nextline.plan.tradeoffs import NOTE
from nextline.report.phrases import PHRASES

MAX_GRADE = 8.0
# "en-US" (not "en_US") makes textstat count syllables with pyphen's English hyphenation
# dictionary, which ships with the package: the "en" setting fetches NLTK's CMU dictionary
# from the network at first use, and tests never touch the network.
READER = textstatistics()
READER.set_lang("en-US")
# Placeholders stand for names a person already knows (a drug, a test, a date, an event).
FILLERS = {
    "{option}": "this drug",
    "{test}": "this test",
    "{date}": "that day",
    "{event}": "a party",
    "{trials}": "these",
    "{message}": "you have a fever.",
    "{nadir}": "30",
    "{threshold}": "36",
}


def plain_texts(kb: Knowledge) -> Iterator[tuple[str, str]]:
    """(where, text) for every sentence a person may read, from knowledge and templates."""
    assert kb.plan is not None
    for group in kb.plan.groups:
        yield f"questions.groups.{group.id}", group.title
    for q in kb.plan.questions:
        yield f"questions.{q.id}.text", q.text
        yield f"questions.{q.id}.why", q.why
        for i, d in enumerate(q.details):
            yield f"questions.{q.id}.details[{i}]", d
    for s in kb.plan.change_signals:
        yield f"questions.change_signals.{s.id}", s.text
    for t in kb.plan.topics:
        yield f"supportive_care.{t.id}.title", t.title
        for i, p in enumerate(t.paragraphs):
            yield f"supportive_care.{t.id}.paragraphs[{i}]", p
        for i, a in enumerate(t.ask):
            yield f"supportive_care.{t.id}.ask[{i}]", a
    for r in kb.plan.care_team_roles:
        yield f"supportive_care.roles.{r.role}.helps_with", r.helps_with
        for i, c in enumerate(r.call_for):
            yield f"supportive_care.roles.{r.role}.call_for[{i}]", c
    for key, phrase in PHRASES.items():
        yield f"report.phrases.{key}", phrase
    yield "plan.tradeoffs.NOTE", NOTE


def grade(text: str) -> float:
    """Reading grade of a text, with the medical terms given in brackets left out."""
    for placeholder, filler in FILLERS.items():
        text = text.replace(placeholder, filler)
    plain = re.sub(r"\s*\([^)]*\)", "", text)
    return float(READER.flesch_kincaid_grade(plain))


def test_every_patient_facing_text_reads_at_grade_8_or_below(kb: Knowledge) -> None:
    too_hard = [
        (where, round(grade(text), 1), text)
        for where, text in plain_texts(kb)
        if grade(text) > MAX_GRADE
    ]
    assert too_hard == []


def test_the_check_covers_every_kind_of_text(kb: Knowledge) -> None:
    kinds = {where.split(".")[0] + "." + where.split(".")[1] for where, _ in plain_texts(kb)}
    assert {
        "questions.options_now",
        "supportive_care.hospice",
        "report.phrases",
        "questions.change_signals",
    } <= kinds
    assert sum(1 for _ in plain_texts(kb)) > 120


def test_the_grade_check_can_fail() -> None:
    hard = (
        "Consideration of multidisciplinary interdisciplinary palliative interventions "
        "necessitates comprehensive individualized evaluation."
    )
    assert grade(hard) > MAX_GRADE
    assert grade("Ask your team. They can help.") <= MAX_GRADE


def test_a_medical_term_in_brackets_does_not_raise_the_grade() -> None:
    assert grade("Is there a study (randomized controlled interventional trial) for me?") == grade(
        "Is there a study for me?"
    )
