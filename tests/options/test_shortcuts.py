"""The engine's speed-ups give the same answers as the plain rule evaluators.

`list_options` (and the evaluators themselves) answer a rule about past treatment without
walking the treatment history when the person never had any drug, class or family it names
(`rules.never_given`). These tests pin that the shortcut answer is exactly what the full
walk over the history says, for every such rule in the knowledge base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.knowledge.options_schema import Rule
from nextline.options._facts import Facts, compute_facts
from nextline.options.rules import MET, UNMET, Check, evaluate, never_given
from nextline.record import PatientRecord, load_record
from tests.options.builders import AS_OF, drug, person


def _top_level_rules(kb: Knowledge) -> list[Rule]:
    assert kb.options is not None
    return [
        *(rule for r in kb.options.regimens.values() for i in r.indications for rule in i.rules),
        *(rule for o in kb.options.non_drug.values() for rule in o.applies_when),
        *(rule for t in kb.options.tests.values() for rule in t.when),
    ]


def _walking_history(kb: Knowledge, f: Facts) -> Facts:
    """The same facts with the "ever given" unions claiming everything, so no evaluator can
    take its shortcut and each one walks the treatment history."""
    assert kb.options is not None
    families = {c.family for c in kb.classes.values()}
    return dataclasses.replace(
        f,
        given_drugs=frozenset(kb.drugs),
        given_classes=frozenset(kb.classes),
        given_families=frozenset(families),
    )


def _shortcut_applies(rule: Rule, f: Facts) -> Check | None:
    shortcut = never_given(rule)
    if shortcut is None:
        return None
    if (
        f.given_drugs.isdisjoint(shortcut.drugs)
        and f.given_classes.isdisjoint(shortcut.classes)
        and f.given_families.isdisjoint(shortcut.families)
    ):
        return shortcut.answer
    return None


def test_every_history_rule_has_a_shortcut_that_matches_its_evaluator_with_no_history(
    kb: Knowledge,
) -> None:
    f = compute_facts(person(kb), kb, AS_OF)
    assert f.given == ()
    history_rules = [rule for rule in _top_level_rules(kb) if never_given(rule) is not None]
    assert {rule.rule for rule in history_rules} == {
        "prior_class_received",
        "not_received",
        "not_progressed_on_drug",
        "not_progressed_on_class",
        "relapse_within_months_of_adjuvant",
    }
    walking = _walking_history(kb, f)
    for rule in history_rules:
        assert _shortcut_applies(rule, f) == evaluate(rule, walking), rule


def test_rules_not_about_past_treatment_have_no_shortcut(kb: Knowledge) -> None:
    others = {rule.rule for rule in _top_level_rules(kb) if never_given(rule) is None}
    assert {"hr_status", "her2_category_in", "alteration_detected", "any_of"} <= others
    assert "not_progressed_on_drug" not in others


def test_shortcut_answers_as_the_evaluator_for_people_with_treatment_histories(
    kb: Knowledge,
) -> None:
    records: list[tuple[PatientRecord, dt.date]] = [
        (load_record(example_path(name), kb, dt.date(2025, 10, 15)), dt.date(2025, 10, 15))
        for name in ("hr-positive-esr1", "her2-positive-brain", "triple-negative-brca")
    ]
    records.append(
        (
            person(
                kb,
                therapies=[
                    drug("anastrozole", start="2016-01-01", stop="2020-06-01", setting="adjuvant"),
                    drug("capecitabine", start="2021-02-01", stop="2022-01-01", reason="toxicity"),
                ],
            ),
            AS_OF,
        )
    )
    used = 0
    for record, as_of in records:
        f = compute_facts(record, kb, as_of)
        assert f.given  # every one of these people had treatment
        walking = _walking_history(kb, f)
        for rule in _top_level_rules(kb):
            answer = _shortcut_applies(rule, f)
            if answer is not None:
                used += 1
                assert answer == evaluate(rule, walking), (record.id, rule)
            assert evaluate(rule, f) == evaluate(rule, walking), (record.id, rule)
    assert used > 50  # the shortcut is taken often, so this compares many answers


def test_shortcut_answers_read_as_before(kb: Knowledge) -> None:
    f = compute_facts(person(kb), kb, AS_OF)
    by_type = {
        rule.rule: _shortcut_applies(rule, f)
        for rule in _top_level_rules(kb)
        if never_given(rule) is not None
    }
    assert by_type["not_progressed_on_drug"] == Check(MET, "not given before")
    prior = by_type["prior_class_received"]
    assert prior is not None and prior.status == UNMET and prior.text.startswith("no record of ")
