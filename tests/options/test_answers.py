"""Rule answers kept by the facts each rule reads are the answers evaluating again gives.

`options/_answers.py` keeps each rule's answer keyed by the facts `rules.READS` says the
rule reads. That is right only if no evaluator reads anything else: these tests evaluate
every rule of the knowledge base (nested ones too) for varied people through a proxy that
records each fact read, and list every fact read that the table leaves out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.knowledge.options_schema import AnyOf, Rule
from nextline.options import _answers, list_options
from nextline.options._answers import Answers, key_names
from nextline.options._facts import FROM_GIVEN, Facts, compute_facts
from nextline.options.engine import _compile
from nextline.options.rules import READS, Check, evaluate, never_given, reads
from nextline.record import PatientRecord
from tests.options.varied import Recording, varied_people


def _every_rule(kb: Knowledge) -> list[Rule]:
    assert kb.options is not None
    out: list[Rule] = []

    def add(rule: Rule) -> None:
        out.append(rule)
        if isinstance(rule, AnyOf):
            for inner in rule.rules:
                add(inner)

    for r in kb.options.regimens.values():
        for i in r.indications:
            for rule in i.rules:
                add(rule)
    for o in kb.options.non_drug.values():
        for rule in o.applies_when:
            add(rule)
    for t in kb.options.tests.values():
        for rule in t.when:
            add(rule)
    return out


@pytest.fixture(scope="module")
def facts(kb: Knowledge) -> list[Facts]:
    return [compute_facts(record, kb, as_of) for record, as_of in varied_people(kb, 120)]


def test_every_rule_type_says_what_it_reads(kb: Knowledge) -> None:
    assert sorted({rule.rule for rule in _every_rule(kb)} - set(READS)) == []


def test_no_evaluator_reads_a_fact_its_entry_leaves_out(kb: Knowledge, facts: list[Facts]) -> None:
    gaps: set[str] = set()
    checked = 0
    for rule in _every_rule(kb):
        names = reads(rule)
        if names is None:
            continue
        for f in facts:
            proxy = Recording(f)
            assert evaluate(rule, proxy) == evaluate(rule, f)  # type: ignore[arg-type]
            checked += 1
            for name in proxy.read - set(names):
                gaps.add(f"{rule.rule} reads {name}")
    assert checked > 5_000
    assert sorted(gaps) == []


def test_the_facts_worked_out_from_the_history_are_worked_out_from_it_alone(
    facts: list[Facts],
) -> None:
    union = frozenset[str]().union
    assert {
        "given_drugs",
        "given_classes",
        "given_families",
        "stopped_for_side_effects",
        "probably_stopped",
        "working",
        "switch_drugs",
    } == FROM_GIVEN
    for f in facts:
        assert f.given_drugs == union(*(g.drugs for g in f.given))
        assert f.given_classes == union(*(g.classes for g in f.given))
        assert f.given_families == union(*(g.families for g in f.given))
        assert f.stopped_for_side_effects == tuple(
            g for g in f.given if g.stop_reason == "toxicity" and not g.resumed
        )
        assert f.probably_stopped == tuple(
            g for g in f.given if g.stopped is not None and not g.stopped.confirmed
        )
        assert f.working == tuple(g for g in f.given if g.running)
        assert not f.switch_drugs or f.switch_drugs <= union(*(g.drugs for g in f.working))
    assert any(f.stopped_for_side_effects for f in facts)
    assert any(f.given for f in facts) and any(not f.given for f in facts)


def test_rules_about_past_treatment_read_only_the_history_and_the_date_it_spread(
    kb: Knowledge,
) -> None:
    """`Answers.history_answers` keys them all by (history, date the cancer spread)."""
    wide = [
        rule.rule
        for rule in _every_rule(kb)
        if never_given(rule) is not None
        and not set(key_names(reads(rule) or ("record",))) <= {"given", "metastatic_since"}
    ]
    assert wide == []


def test_kept_answers_are_the_answers_of_each_evaluator(kb: Knowledge, facts: list[Facts]) -> None:
    c = _compile(kb)
    kept = Answers(c.always)
    for _ in range(2):  # the second pass answers from what the first one kept
        for f in facts:
            answers: dict[int, Check] = {}
            kept.fill(answers, f)
            assert answers == {key: evaluate(rule, f) for key, _, rule in c.always}
    assert sum(len(group.kept) for group in kept.groups) < 2 * len(facts) * len(kept.groups)


def test_a_key_changes_with_each_fact_a_rule_reads(kb: Knowledge) -> None:
    """Two people who differ in one fact a rule reads never share a kept answer."""
    people: list[tuple[PatientRecord, dt.date]] = varied_people(kb, 40, seed=99)
    c = _compile(kb)
    kept = Answers(c.always)
    for group in kept.groups:
        by_key: dict[object, dict[int, Check]] = {}
        for record, as_of in people:
            f = compute_facts(record, kb, as_of)
            answers = {key: evaluate(rule, f) for key, _, rule in group.rules}
            assert by_key.setdefault(group.pick(kept.values(f)), answers) == answers


def test_each_container_is_frozen_as_the_general_rule_freezes_it(facts: list[Facts]) -> None:
    """`Answers.values` freezes each container fact by its own path (`_answers._FREEZE`):
    the key must be the tuple `_frozen` gives, for every container and person."""
    assert set(_answers._FREEZE) == _answers._CONTAINERS
    reached: set[str] = set()
    for f in facts:
        for name, freeze in _answers._FREEZE.items():
            value = getattr(f, name)
            assert freeze(value) == _answers._frozen(value), name
            reached |= {name} if value else set()
    assert reached == _answers._CONTAINERS  # each container seen holding something


def test_answers_kept_in_tables_emptied_often_are_a_fresh_engines(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every table of `Answers` (each group's answers, the histories' and the gene results'
    tokens, the answers' numbers) stays within its bound, and a token that stood for gene
    results once never stands for others: with the tables emptied every few people, each
    list is the list a fresh engine gives."""
    people = varied_people(kb, 60, seed=2929)
    c = _compile(kb)

    def cold(record: PatientRecord, as_of: dt.date) -> dict[str, Any]:
        c.memo.clear()
        c.answers.clear()
        return list_options(record, kb, as_of).to_json()

    fresh = [cold(record, as_of) for record, as_of in people]
    monkeypatch.setattr(Answers, "MAX", 3)
    c.memo.clear()
    c.answers.clear()
    kept = []
    for record, as_of in reversed(people):
        kept.append(list_options(record, kb, as_of).to_json())
        a = c.answers
        assert len(a.gene_sets) <= 3 and len(a.histories) <= 3
        assert all(len(group.kept) <= 3 for group in a.groups)
    assert list(reversed(kept)) == fresh
