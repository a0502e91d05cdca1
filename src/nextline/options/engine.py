"""`list_options(record, kb, as_of)`: every option for one person, with a verdict and why.

Pure: no I/O, no clock; the as-of date decides time windows and which approvals count.
Verdicts:
- fits: every condition met, each shown with the record entry it rests on;
- may_fit: nothing rules it out but something is unknown; `needs` says what would settle it;
- does_not_fit: the reason.
A regimen with several indications gets the verdict of its best-matching indication.
Stopping a drug for side effects rules out that drug only, never its class.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Any

from nextline.errors import KnowledgeInvalid, Problem
from nextline.knowledge import Knowledge, SourceRef
from nextline.knowledge.options_schema import (
    Caution,
    Indication,
    NonDrugOption,
    OptionsKnowledge,
    Regimen,
    Rule,
    TestToConsider,
)
from nextline.options._answers import Answers, Kept
from nextline.options._facts import Facts, compute_facts, forget_lookups
from nextline.options._parts import Built, Cluster, Lists, picker
from nextline.options._same import same_key
from nextline.options.models import (
    CautionNote,
    EndocrineSensitivityNote,
    Option,
    OptionsResult,
    Reason,
    SourceCite,
    TestSuggestion,
    Verdict,
)
from nextline.options.rules import (
    EVALUATORS,
    MET,
    UNKNOWN,
    UNMET,
    Check,
    NeverGiven,
    by_team,
    later,
    never_given,
)
from nextline.record import PatientRecord

_RANK: dict[str, int] = {"fits": 0, "may_fit": 1, "does_not_fit": 2}
_TOKEN = attrgetter("token")  # of a kept part (`_parts.Built`)
_DEFAULT_SUBTYPE = "hr_positive_her2_negative"


_Eager = tuple[int, Callable[[Any, Facts], Check], Rule]  # key, evaluator, rule


@dataclass(frozen=True)
class _Compiled:
    """Per-knowledge-base lookups, built once per `Knowledge` object."""

    kb: Knowledge
    options: OptionsKnowledge
    cites: dict[int, tuple[SourceCite, ...]]
    drug_names: dict[str, str]
    group_rank: dict[str, dict[str, int]]
    rule_keys: dict[int, int]  # id(rule) -> one number per distinct rule (same check, once)
    plans: dict[str, tuple[_IndicationPlan, ...]]  # regimen id -> its indications, ready
    regimen_drugs: dict[str, tuple[str, ...]]  # regimen id -> generic names
    regimen_choices: dict[str, tuple[tuple[str, ...], ...]]  # regimen id -> partner choices
    regimen_off_label: dict[str, tuple[str, ...]]  # not FDA-approved for breast cancer
    # Every distinct rule of every indication and non-drug option once, with its evaluator:
    # all of them are needed for every person (each indication's verdict counts its unmet
    # rules), so the engine answers them in one pass before building any option.
    eager_rules: list[tuple[int, Callable[[Any, Facts], Check], Rule, NeverGiven | None]]
    non_drug_plans: list[_NonDrugPlan]
    # The same rules split for the per-person pass: those always evaluated, and those about
    # past treatment with their answer for a person who never had what they name, indexed
    # by each drug, class and family they name. A person's history then picks the few rules
    # to evaluate with a handful of lookups, instead of three set tests for each such rule.
    always: list[_Eager] = field(default_factory=list)
    never_given_answers: dict[int, Check] = field(default_factory=dict)
    # every rule key, with the never-given answer where there is one (`_Person.answers`
    # copies it: a dict of the final size, so filling in the rest never grows it)
    all_answers: dict[int, Check] = field(default_factory=dict)
    by_drug: dict[str, list[_Eager]] = field(default_factory=dict)
    by_class: dict[str, list[_Eager]] = field(default_factory=dict)
    by_family: dict[str, list[_Eager]] = field(default_factory=dict)
    # regimen id -> the rule keys of all its indications, in order (what its option reads)
    regimen_keys: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # regimen id -> the approval dates of its indications that have one (a use counts from it)
    regimen_approvals: dict[str, tuple[dt.date, ...]] = field(default_factory=dict)
    # Options already built, keyed by everything they are built from (see `_Memo`).
    memo: _Memo = field(default_factory=lambda: _Memo())
    # every approval date of an indication, sorted; the lab tests cautions name
    approval_dates: tuple[dt.date, ...] = ()
    # each test to consider with the keys of its rules (all of them answered eagerly)
    test_plans: tuple[tuple[TestToConsider, tuple[int, ...]], ...] = ()
    caution_labs: tuple[str, ...] = ()
    # Rule answers kept by the facts each rule reads (`_answers.py`; built from `always`).
    answers: Answers = field(default_factory=lambda: Answers([]))
    # The list in parts, each kept by the facts its options read (`_parts.py`), and the
    # tests to consider, kept by what they read; positions are in the person's row
    # (`list_options`: the facts `answers` reads, then what `_Row` adds).
    clusters: tuple[Cluster, ...] = ()
    test_pick: Callable[[Any], Hashable] = field(default=lambda row: ())
    # each test to consider with its rules' keys, the picker of what it reads (its rules'
    # answer numbers, the facts its `missing` kind reads: `_GAP_READS`) and its kept
    # suggestions by that key (None: not suggested), for a person whose tests are not kept
    test_parts: tuple[_TestPart, ...] = ()
    width: int = 1  # more than the number of options (sort numbers, `_parts.Built`)
    # (subtype, visceral crisis) -> a number for the group order, and the order
    orders: dict[tuple[str | None, bool], int] = field(default_factory=dict)
    order_list: list[dict[str, int]] = field(default_factory=list)  # by number
    lists: Lists = field(default_factory=Lists)  # puts each new list together from parts
    picks: tuple[Callable[[Any], Hashable], ...] = ()  # of each cluster
    tables: tuple[dict[Hashable, Built], ...] = ()  # each cluster's kept parts
    caution_conditions: list[Any] = field(default_factory=list)  # distinct, in row order
    # the numbers of the never-given answers of the rules about past treatment, and where
    # each of those rules (by key) is among them
    default_numbers: tuple[int, ...] = ()
    history_at: dict[int, int] = field(default_factory=dict)


class _Memo:
    """Options already built, keyed by everything each is built from, kept per knowledge base.

    Why: an option is a pure function of a few answers (its rules' checks for this person,
    whether an approval date has passed, the side-effect check, the cautions that apply),
    and across people those answers repeat: most people meet the same rules the same way.
    Building an option (verdict, reasons de-duplicated, needs, a 16-field object) was most
    of `list_options`' cost; looking one up is a tuple and a dict. The key holds every input
    the option is built from, so a kept option is byte for byte the one building it again
    would give. Options are read-only values (see `models.py`), so people can share one.

    `lists` keeps a person's whole sorted list, keyed by where the answers came from and
    what else options read (`list_options`): a person asked about again (a dashboard, a
    nightly re-match of people whose record did not change) costs the facts, the answers
    and one look-up. Each table is emptied when it holds its `MAX`, so memory stays bounded
    (about 1 kB a list, less an option)."""

    MAX = 20_000  # options, with and without cautions
    LISTS_MAX = 10_000  # people's lists

    __slots__ = (
        "caution_hits",
        "cautions",
        "clusters",
        "lists",
        "notes",
        "options",
        "test_parts",
        "tests",
    )

    def __init__(self) -> None:
        self.lists: dict[tuple[Any, ...], tuple[Option, ...]] = {}
        self.tests: dict[Hashable, tuple[TestSuggestion, ...]] = {}
        self.clusters: tuple[Cluster, ...] = ()  # emptied with the rest (`clear`)
        # each test to consider's kept suggestions (`_Compiled.test_parts`), emptied too
        self.test_parts: tuple[dict[Hashable, TestSuggestion | None], ...] = ()
        self.caution_hits: dict[Hashable, list[tuple[str | None] | None]] = {}
        self.options: dict[tuple[Any, ...], Option] = {}
        self.cautions: dict[tuple[Any, ...], Option] = {}
        self.notes: dict[tuple[int, str | None], CautionNote] = {}

    def trim(self) -> None:
        """Make room for one more option."""
        if len(self.options) + len(self.cautions) >= self.MAX:
            self.options.clear()
            self.cautions.clear()
            self.notes.clear()

    def trim_lists(self) -> None:
        """Make room for one more list (and one more set of tests to consider)."""
        if len(self.lists) >= self.LISTS_MAX:
            self.lists.clear()
        if len(self.tests) >= self.LISTS_MAX:
            self.tests.clear()

    def clear(self) -> None:
        self.lists.clear()
        self.tests.clear()
        self.caution_hits.clear()
        for cluster in self.clusters:
            cluster.kept.clear()
        for kept in self.test_parts:
            kept.clear()
        self.options.clear()
        self.cautions.clear()
        self.notes.clear()


@dataclass(frozen=True, slots=True)
class _IndicationPlan:
    """One indication with everything that does not depend on the person worked out."""

    indication: Indication
    keys: tuple[int, ...]  # into the person's answers, one per rule of the indication
    not_yet_approved: Check | None
    sources: tuple[SourceCite, ...]
    group_id: str
    group_name: str


@dataclass(frozen=True, slots=True)
class _NonDrugPlan:
    """One non-drug option with its rule keys, drug names, sources and group worked out."""

    option: NonDrugOption
    keys: tuple[int, ...]
    drugs: tuple[str, ...]
    sources: tuple[SourceCite, ...]
    group_id: str
    group_name: str


_COMPILED: dict[int, _Compiled] = {}


def forget_kept() -> None:
    """Forget everything worked out and kept per knowledge base (lookups, kept answers,
    parts and lists): the next call compiles again and meets every person as new.

    Why: the speed that matters most is the engine's on people it has never seen, and a
    benchmark can measure that only once per process unless it can start afresh; timing
    the first pass several times and keeping the best is what makes the figure steady on a
    busy machine (`bench/bench_options.py --first-passes`). Results never depend on it."""
    _COMPILED.clear()
    forget_lookups()


def _compile(kb: Knowledge) -> _Compiled:
    cached = _COMPILED.get(id(kb))
    if cached is not None and cached.kb is kb:
        return cached
    if kb.options is None:
        raise KnowledgeInvalid([Problem("regimens.yaml", "the knowledge base has no options")])
    canonical: dict[Hashable, int] = {}
    rule_keys: dict[int, int] = {}
    every_rule: list[Rule] = [
        *(rule for r in kb.options.regimens.values() for i in r.indications for rule in i.rules),
        *(rule for o in kb.options.non_drug.values() for rule in o.applies_when),
        *(rule for t in kb.options.tests.values() for rule in t.when),
    ]
    for rule in every_rule:
        rule_keys[id(rule)] = canonical.setdefault(same_key(rule), len(canonical))
    compiled = _Compiled(
        kb=kb,
        options=kb.options,
        cites={},
        rule_keys=rule_keys,
        plans={},
        eager_rules=[
            (key, EVALUATORS[rule.rule], rule, never_given(rule))
            for key, rule in {
                rule_keys[id(rule)]: rule
                for rule in [
                    *(
                        r
                        for g in kb.options.regimens.values()
                        for i in g.indications
                        for r in i.rules
                    ),
                    *(r for o in kb.options.non_drug.values() for r in o.applies_when),
                    *(r for t in kb.options.tests.values() for r in t.when),
                ]
            }.items()
        ],
        non_drug_plans=[],
        regimen_drugs={
            r.id: tuple(kb.drugs[d].name for d in r.drugs) for r in kb.options.regimens.values()
        },
        regimen_choices={
            r.id: tuple(tuple(kb.drugs[d].name for d in choice) for choice in r.drug_choices)
            for r in kb.options.regimens.values()
        },
        regimen_off_label={
            r.id: tuple(kb.drugs[d].name for d in r.not_fda_approved_for_breast)
            for r in kb.options.regimens.values()
        },
        drug_names={d.id: d.name for d in kb.drugs.values()},
        group_rank={
            subtype: {g: i for i, g in enumerate(order.groups)}
            for subtype, order in kb.options.group_order.items()
        },
    )
    for regimen in kb.options.regimens.values():
        compiled.plans[regimen.id] = tuple(
            _IndicationPlan(
                indication=i,
                keys=tuple(rule_keys[id(rule)] for rule in i.rules),
                not_yet_approved=None
                if i.approved is None
                else Check(
                    UNMET,
                    f"not approved in the U.S. for this use until {i.approved.isoformat()}; "
                    "before that, only in clinical trials",
                ),
                sources=_cite(compiled, i.sources),
                group_id=i.group,
                group_name=kb.options.groups[i.group].name,
            )
            for i in regimen.indications
        )
    for rid, plans in compiled.plans.items():
        compiled.regimen_keys[rid] = tuple(key for plan in plans for key in plan.keys)
        compiled.regimen_approvals[rid] = tuple(
            p.indication.approved for p in plans if p.indication.approved is not None
        )
    for option in kb.options.non_drug.values():
        group = kb.options.groups[option.group]
        compiled.non_drug_plans.append(
            _NonDrugPlan(
                option=option,
                keys=tuple(rule_keys[id(rule)] for rule in option.applies_when),
                drugs=tuple(compiled.drug_names[d] for d in option.drugs),
                sources=_cite(compiled, option.sources),
                group_id=group.id,
                group_name=group.name,
            )
        )
    for key, evaluator, rule, shortcut in compiled.eager_rules:
        eager: _Eager = (key, evaluator, rule)
        if shortcut is None:
            compiled.always.append(eager)
            continue
        compiled.never_given_answers[key] = shortcut.answer
        for names, index in (
            (shortcut.drugs, compiled.by_drug),
            (shortcut.classes, compiled.by_class),
            (shortcut.families, compiled.by_family),
        ):
            for name in names:
                index.setdefault(name, []).append(eager)
    object.__setattr__(compiled, "answers", Answers(compiled.always, _GAP_FACTS))
    compiled.all_answers.update({key: _NOT_YET for key, _, _ in compiled.always})
    compiled.all_answers.update(compiled.never_given_answers)
    object.__setattr__(
        compiled,
        "approval_dates",
        tuple(sorted(day for dates in compiled.regimen_approvals.values() for day in dates)),
    )
    labs = [
        caution.condition.test
        for regimen in kb.options.regimens.values()
        for caution in regimen.cautions
        if caution.condition.when in ("lab_missing", "lab_below", "lab_above", "lab_above_uln")
    ]
    object.__setattr__(compiled, "caution_labs", tuple(dict.fromkeys(labs)))
    object.__setattr__(
        compiled,
        "test_plans",
        tuple(
            (test, tuple(rule_keys[id(rule)] for rule in test.when))
            for test in kb.options.tests.values()
        ),
    )
    _compile_parts(compiled)
    _COMPILED.clear()
    _COMPILED[id(kb)] = compiled
    return compiled


# What `_test_gap` reads of a person for each kind of missing result, besides the answers
# of the test's rules (tests/options/test_tests_kept.py proves it reads nothing else).
_GAP_READS: dict[str, tuple[str, ...]] = {
    "genes": ("genes", "last_progression"),
    "germline_genes": ("genes", "germline_tested"),
    "pdl1": ("pdl1_cps",),
    "her2_ihc_score": ("her2", "her2_path"),
    "her2_ultralow": ("her2", "her2_path"),
    "her2_on_metastasis": ("her2_date", "her2_path", "metastatic_since"),
}
_GAP_FACTS = tuple(sorted({name for names in _GAP_READS.values() for name in names}))
# one test to consider: the test, its rules' keys, the picker of its key out of the row and
# its kept suggestions by that key
_TestPart = tuple[
    TestToConsider,
    tuple[int, ...],
    Callable[[Any], Hashable],
    dict[Hashable, "TestSuggestion | None"],
]
# What the row of a person holds after the facts `Answers` reads (`Answers.names`) and the
# number of each rule's answer (by rule key, `Answers.number`); then whether each caution
# condition holds (`_caution_hit`, one position per distinct condition):
_APPROVALS, _SIDE, _EXTRAS, _LATER = range(4)
_TAIL = 4  # the caution conditions follow
_PART_SIZE = 6
_SUBTYPES = ("her2_positive", "hr_positive_her2_negative", "triple_negative", None)


def _compile_parts(c: _Compiled) -> None:
    """Splits the list into parts by what each option reads (`_parts.py`), as positions in
    a person's row: the facts `c.answers` reads, then the number of each rule's answer (by
    rule key), then what `_row_tail` adds (approvals, side effects, extras), then whether
    each caution condition holds."""
    a = c.answers
    facts = len(a.names)
    # where each rule's answer number is in the row: each group's rules in turn (a person's
    # numbers are the groups' kept numbers one after another), the rules that read the
    # record, then the rules about past treatment (their never-given answers, but for the
    # few the person's history touches)
    at: dict[int, int] = {}
    for group in a.groups:
        for key in group.keys:
            at[key] = facts + len(at)
    for key, _, _ in a.plain:
        at[key] = facts + len(at)
    history_keys = list(c.never_given_answers)
    for key in history_keys:
        at[key] = facts + len(at)
    tail = facts + len(at)
    conditions: dict[Hashable, int] = {}  # a condition (its same_key) -> its place among them
    for regimen in c.options.regimens.values():
        for caution in regimen.cautions:
            place = conditions.setdefault(same_key(caution.condition), len(conditions))
            if place == len(c.caution_conditions):
                c.caution_conditions.append(caution.condition)
    # Options of one group (as the knowledge base groups them) read much the same facts: a
    # part is up to `_PART_SIZE` of them, in knowledge-base order. Fewer, larger parts cost
    # less to put together for each person; smaller ones are shared by more people.
    by_group: dict[tuple[str, ...], list[tuple[int, Regimen | _NonDrugPlan, set[int]]]] = {}
    position = 0
    for regimen in c.options.regimens.values():
        # the answers of its rules, the side effects of the history, approval dates when it
        # has any, whether each of its cautions holds
        reads = {at[key] for key in c.regimen_keys[regimen.id]} | {tail + _SIDE, tail + _LATER}
        if c.regimen_approvals[regimen.id]:
            reads.add(tail + _APPROVALS)
        for caution in regimen.cautions:
            reads.add(tail + _TAIL + conditions[same_key(caution.condition)])
        groups = tuple(dict.fromkeys(plan.group_id for plan in c.plans[regimen.id]))
        by_group.setdefault(groups, []).append((position, regimen, reads))
        position += 1
    for plan in c.non_drug_plans:
        reads = {at[key] for key in plan.keys} | {tail + _EXTRAS}
        by_group.setdefault((plan.group_id,), []).append((position, plan, reads))
        position += 1
    chunks = [
        chunk
        for members in by_group.values()
        for chunk in (members[i : i + _PART_SIZE] for i in range(0, len(members), _PART_SIZE))
    ]
    slots = [sum(len(chunk) for chunk in chunks[:i]) for i in range(len(chunks))]
    clusters = tuple(
        Cluster(
            tuple(sorted(set().union(*(reads for _, _, reads in chunk)))),
            tuple(at for at, _, _ in chunk),
            tuple(item for _, item, _ in chunk),
            slot,
        )
        for chunk, slot in zip(chunks, slots, strict=True)
    )
    test_reads = {at[c.rule_keys[id(r)]] for t in c.options.tests.values() for r in t.when}
    test_reads.update(a.position[name] for name in _GAP_FACTS)
    # a rule about past treatment that names nothing a person had keeps its never-given
    # answer; the history's answers are put in their places for each person
    c.history_at.update({key: i for i, key in enumerate(history_keys)})
    default = [a.number(c.never_given_answers[key]) for key in history_keys]
    for subtype in dict.fromkeys((*c.group_rank, *_SUBTYPES)):
        rank = c.group_rank.get(subtype or _DEFAULT_SUBTYPE) or next(iter(c.group_rank.values()))
        for crisis in (False, True):
            c.orders[(subtype, crisis)] = len(c.order_list)
            c.order_list.append(_crisis_rank(rank) if crisis else rank)
    object.__setattr__(c, "clusters", clusters)
    object.__setattr__(c, "picks", tuple(cluster.pick for cluster in clusters))
    object.__setattr__(c, "tables", tuple(cluster.kept for cluster in clusters))
    object.__setattr__(c, "test_pick", picker(sorted(test_reads)))
    test_parts: list[_TestPart] = []
    for test, keys in c.test_plans:
        reads = {at[key] for key in keys}
        reads.update(a.position[name] for name in _GAP_READS[test.missing])
        test_parts.append((test, keys, picker(sorted(reads)), {}))
    object.__setattr__(c, "test_parts", tuple(test_parts))
    c.memo.test_parts = tuple(kept for _, _, _, kept in test_parts)
    object.__setattr__(c, "width", position + 1)
    object.__setattr__(c, "default_numbers", tuple(default))
    c.memo.clusters = clusters
    object.__setattr__(c, "lists", Lists(clusters))


def _row_tail(c: _Compiled, f: Facts, history: int) -> list[Hashable]:
    """What options read of a person besides the rules' answers (in `_APPROVALS`... order):
    which approval dates have passed, the side effects (when a drug was stopped for them:
    the history, `history` is its token, and the drugs named in the side effects within each
    treatment stopped for them, `_side_effects_within`), what the
    always-available options read (goals, palliative care); then whether each caution
    condition holds, kept by what the conditions read (comorbidities, ECOG, the latest
    result of each lab test a caution names, the history)."""
    file = f.record.file
    goals = file.goals
    labs = []
    for test in c.caution_labs:
        latest = f.record.latest_lab(test, f.as_of)
        labs.append(
            None if latest is None else (latest.canonical_value, latest.uln_multiple, latest.path)
        )
    key = (tuple(f.comorbidities), f.ecog, tuple(labs), history)
    memo = c.memo
    hits = memo.caution_hits.get(key)
    if hits is None:
        if len(memo.caution_hits) >= memo.LISTS_MAX:
            memo.caution_hits.clear()
        hits = memo.caution_hits[key] = [
            _caution_hit(condition, f) for condition in c.caution_conditions
        ]
    return [
        bisect_right(c.approval_dates, f.as_of),
        (history, _side_effects_within(f)) if f.stopped_for_side_effects else (),
        (
            None
            if goals is None
            else (goals.open_to_trials, "treatment_break" in goals.considering),
            bool(file.palliative_care and file.palliative_care.involved),
        ),
        # a treatment running and working (the history says which, and what a switch keeps)
        history if f.working else None,
        *hits,
    ]


def _side_effects_within(f: Facts) -> tuple[frozenset[str], ...]:
    """What `_side_effect_check` reads of the dates: for each treatment stopped for side
    effects, the drugs named in the side effects dated within it (the history's key leaves
    its dates out: `_facts._history_key`)."""
    return tuple(
        [
            frozenset(
                drug
                for day, drug in f.side_effect_drugs
                if g.start <= day and (g.stop is None or day <= g.stop)
            )
            for g in f.stopped_for_side_effects
        ]
    )


def _touched(c: _Compiled, f: Facts) -> list[_Eager]:
    """The rules about past treatment that name something this person had."""
    touched: dict[int, _Eager] = {}
    for names, index in (
        (f.given_drugs, c.by_drug),
        (f.given_classes, c.by_class),
        (f.given_families, c.by_family),
    ):
        for name in names:
            for eager in index.get(name, ()):
                touched[eager[0]] = eager
    return list(touched.values())


def _cite(c: _Compiled, refs: list[SourceRef]) -> tuple[SourceCite, ...]:
    key = id(refs)
    found = c.cites.get(key)
    if found is None:
        found = tuple(
            SourceCite(ref.id, c.kb.sources[ref.id].title, c.kb.sources[ref.id].url, ref.section)
            for ref in refs
        )
        c.cites[key] = found
    return found


def subtype_of(facts: Facts) -> str | None:
    """HER2-positive, HR-positive/HER2-negative or triple-negative; None when unknown."""
    if facts.her2 == "positive":
        return "her2_positive"
    if facts.hr == "positive":
        return "hr_positive_her2_negative"
    if facts.hr == "negative" and facts.her2 not in ("not_tested", "equivocal"):
        return "triple_negative"
    return None


def _verdict(checks: list[Check]) -> Verdict:
    verdict: Verdict = "fits"
    for check in checks:
        if check.status == UNMET:
            return "does_not_fit"
        if check.status == UNKNOWN:
            verdict = "may_fit"
    return verdict


def _reasons(checks: list[Check], verdict: Verdict) -> tuple[Reason, ...]:
    if verdict == "does_not_fit":
        checks = [check for check in checks if check.status == UNMET]
    if len(checks) == 1:  # the usual case: nothing to de-duplicate
        return (Reason(checks[0].text, checks[0].path),)
    # each (text, path) once, in order; `Check[1:3]` is (text, path)
    return tuple([Reason(text, path) for text, path in dict.fromkeys(c[1:3] for c in checks)])


def _side_effect_check(regimen: Regimen, f: Facts) -> Check | None:
    """A drug stopped for side effects rules out that drug (not its class)."""
    for g in f.stopped_for_side_effects:
        shared = g.drugs.intersection(regimen.drugs)
        if not shared:
            continue
        if len(g.drugs) == 1:
            culprits = shared
        else:
            named = {
                drug
                for day, drug in f.side_effect_drugs
                if g.start <= day and (g.stop is None or day <= g.stop)
            }
            culprits = shared & named
            if not named:
                return Check(
                    UNKNOWN,
                    f"{', '.join(g.names)} stopped for side effects; which drug caused them "
                    "is not on record",
                    g.path,
                    f"which drug of {' + '.join(g.names)} caused the side effects",
                )
        if culprits:
            names = ", ".join(n for n, ids, _, _ in g.items if ids & culprits)
            return Check(
                UNMET,
                f"{names} was stopped for side effects (that rules out this drug, not its class)",
                g.path,
            )
    return None


def _later_check(regimen: Regimen, f: Facts) -> Check | None:
    """While a treatment for metastatic disease runs and has not stopped working (the
    status is not "not working"), every other drug option is for later: `may_fit` with
    why, never `fits`, however well it would fit once that treatment stops. A regimen that
    keeps the running drugs through a switch for side effects (`Facts.switch_drugs`) is a
    step for now and keeps its verdict, and so does starting again a treatment paused for a
    planned break. Radiation, surgery, supportive care, trials and
    care are not drug regimens and are not touched."""
    if f.switch_drugs:
        if f.working[0].stop_reason == "break":
            if f.switch_drugs.issuperset(regimen.drugs):
                return None  # the treatment paused for a break, started again
        elif not f.switch_drugs.isdisjoint(regimen.drugs):
            return None
    return later(f.working)


def _caution_hit(condition: Any, f: Facts) -> tuple[str | None] | None:
    """Whether a caution's condition holds for this person: None when it does not, else
    the record entry it rests on (in a tuple, as it may be None)."""
    when = condition.when
    if when == "comorbidity_any":
        words = [w.lower() for w in condition.words]
        for index, name in f.comorbidities:
            padded = f" {name} "
            if any(f" {w} " in padded for w in words):
                return (f"comorbidities[{index}]",)
        return None
    if when == "prior_progression_on_class":
        grew = [g.path for g in f.given if g.progressed and g.classes & set(condition.classes)]
        return (", ".join(grew),) if grew else None
    if when == "always":
        return (None,)
    if when == "ecog_at_least":
        if f.ecog is not None and f.ecog[0] >= condition.value:
            return (f.ecog[1],)
        return None
    latest = f.record.latest_lab(condition.test, f.as_of)
    if when == "lab_above_uln":
        uln = None if latest is None else latest.uln_multiple
        return (
            (latest.path,)
            if latest is not None and uln is not None and uln > condition.multiple
            else None
        )
    if when == "lab_missing":
        return (None,) if latest is None else None
    if latest is not None and latest.canonical_value is not None:
        value = latest.canonical_value
        if value < condition.value if when == "lab_below" else value > condition.value:
            return (latest.path,)
    return None


def _caution_notes(c: _Compiled, cautions: list[Caution], f: Facts) -> tuple[CautionNote, ...]:
    notes: list[CautionNote] = []
    for caution in cautions:
        hit = _caution_hit(caution.condition, f)
        if hit is not None:
            (rests_on,) = hit
            kept = c.memo.notes.get((id(caution), rests_on))
            if kept is None:
                kept = CautionNote(caution.id, caution.text, rests_on, _cite(c, caution.sources))
                c.memo.notes[(id(caution), rests_on)] = kept
            notes.append(kept)
    return tuple(notes)


def _regimen_option(c: _Compiled, regimen: Regimen, f: Facts, answers: dict[int, Check]) -> Option:
    """`answers` holds every indication rule's answer for this person (see `list_options`).

    The option is looked up by what it is built from (`_Memo`): the answers of its
    indications' rules, which approval dates have passed, the side-effect check; then the
    cautions that apply to this person are added (only to an option that may fit)."""
    side_effects = _side_effect_check(regimen, f) if f.stopped_for_side_effects else None
    wait = _later_check(regimen, f) if f.working else None
    rid = regimen.id
    approvals = c.regimen_approvals[rid]
    key = (
        rid,
        side_effects,
        wait,
        tuple([day > f.as_of for day in approvals]) if approvals else (),
        *[answers[k] for k in c.regimen_keys[rid]],
    )
    memo = c.memo
    option = memo.options.get(key)
    if option is None:
        memo.trim()
        option = memo.options[key] = _build_regimen_option(
            c, regimen, f, answers, side_effects, wait
        )
    if option.verdict == "does_not_fit" or not regimen.cautions:
        return option
    notes = _caution_notes(c, regimen.cautions, f)
    if not notes:
        return option
    with_notes = (key, *[id(note) for note in notes])  # notes are kept in `memo.notes`
    found = memo.cautions.get(with_notes)
    if found is None:
        memo.trim()
        found = memo.cautions[with_notes] = _with_cautions(option, notes)
    return found


def _with_cautions(option: Option, notes: tuple[CautionNote, ...]) -> Option:
    """`option` with the cautions that apply (positional, in `Option`'s field order)."""
    o = option
    return Option(
        o.id,
        o.name,
        o.kind,
        o.drugs,
        o.verdict,
        o.reasons,
        o.needs,
        o.sources,
        o.group,
        o.group_name,
        o.indication,
        o.indication_summary,
        o.approved,
        o.drug_choices,
        o.not_fda_approved_for_breast,
        notes,
    )


def _build_regimen_option(
    c: _Compiled,
    regimen: Regimen,
    f: Facts,
    answers: dict[int, Check],
    side_effects: Check | None,
    wait: Check | None = None,
) -> Option:
    """The option for one regimen, without cautions (`_regimen_option` adds them).
    `wait`: the treatment running now still works, so this one is for later."""
    plans = c.plans[regimen.id]
    if len(plans) == 1:  # most regimens: nothing to choose between
        plan = plans[0]
        checks, unmet, verdict = _judge(plan, answers, side_effects, f.as_of, wait)
    else:
        best: tuple[int, int, int, _IndicationPlan, list[Check], Verdict] | None = None
        for order, one in enumerate(plans):
            judged, count, said = _judge(one, answers, side_effects, f.as_of, wait)
            rank = _RANK[said]
            if best is None or (rank, count, order) < best[:3]:
                best = (rank, count, order, one, judged, said)
        assert best is not None  # a regimen has at least one indication (schema)
        _, unmet, _, plan, checks, verdict = best
    needs: tuple[str, ...] = ()
    if verdict == "may_fit":
        needs = tuple(dict.fromkeys(ch.needs for ch in checks if ch.status == UNKNOWN and ch.needs))
    reasons: tuple[Reason, ...]
    if unmet == 1:  # the usual "does not fit": one reason, nothing to de-duplicate
        reasons = next((Reason(ch.text, ch.path),) for ch in checks if ch.status == UNMET)
    else:
        reasons = _reasons(checks, verdict)
    indication = plan.indication
    rid = regimen.id
    # Positional: a keyword call of this 16-field dataclass costs three times as much, and
    # the engine builds one per regimen per person. The order is `Option`'s field order.
    return Option(
        rid,  # id
        regimen.name,  # name
        "systemic",  # kind
        c.regimen_drugs[rid],  # drugs
        verdict,  # verdict
        reasons,  # reasons
        needs,  # needs
        plan.sources,  # sources
        plan.group_id,  # group
        plan.group_name,  # group_name
        indication.id,  # indication
        indication.summary,  # indication_summary
        indication.approved,  # approved
        c.regimen_choices[rid],  # drug_choices
        c.regimen_off_label[rid],  # not_fda_approved_for_breast
    )


def _judge(
    plan: _IndicationPlan,
    answers: dict[int, Check],
    side_effects: Check | None,
    as_of: dt.date,
    wait: Check | None = None,
) -> tuple[list[Check], int, Verdict]:
    """One indication's checks for this person, how many are unmet, and its verdict."""
    checks = [answers[key] for key in plan.keys]
    if plan.not_yet_approved is not None and plan.indication.approved > as_of:  # type: ignore[operator]
        checks.insert(0, plan.not_yet_approved)
    if side_effects is not None:
        checks.append(side_effects)
    if wait is not None and wait not in checks:  # a rule may have said it already
        checks.append(wait)
    unmet = unknown = 0
    for check in checks:
        status = check[0]  # Check.status, by index: this runs for every rule of every option
        if status == UNMET:
            unmet += 1
        elif status == UNKNOWN:
            unknown += 1
    return checks, unmet, "does_not_fit" if unmet else ("may_fit" if unknown else "fits")


def _extra_reasons(option: NonDrugOption, f: Facts) -> list[Check]:
    """What the record already says about an always-available option."""
    file = f.record.file
    if option.kind == "trial" and file.goals is not None and file.goals.open_to_trials is not None:
        said = "open to" if file.goals.open_to_trials else "not open to"
        return [Check(MET, f"said to be {said} clinical trials", "goals.open_to_trials")]
    if option.id == "palliative_care" and file.palliative_care and file.palliative_care.involved:
        return [Check(MET, "a palliative care team is already involved", "palliative_care")]
    considering = file.goals.considering if file.goals is not None else []
    if option.id == "treatment_break" and "treatment_break" in considering:
        return [Check(MET, "a treatment break is something being considered", "goals.considering")]
    return []


_ANY_STAGE = Check(MET, "worth discussing at any stage")
# In `_Compiled.all_answers` until the person's own answer replaces it (always, see there).
_NOT_YET = Check(UNKNOWN, "not worked out yet")


def _non_drug_option(
    c: _Compiled, plan: _NonDrugPlan, f: Facts, answers: dict[int, Check]
) -> Option:
    """Looked up by what it is built from, as `_regimen_option` (see `_Memo`)."""
    checks = [answers[key] for key in plan.keys] or [_ANY_STAGE]
    checks.extend(_extra_reasons(plan.option, f))
    key = (None, plan.option.id, *checks)  # None: never a regimen's key
    option = c.memo.options.get(key)
    if option is None:
        c.memo.trim()
        option = c.memo.options[key] = _build_non_drug_option(plan, checks)
    return option


def _build_non_drug_option(plan: _NonDrugPlan, checks: list[Check]) -> Option:
    option = plan.option
    verdict = _verdict(checks)
    needs = [ch.needs for ch in checks if ch.status == UNKNOWN and ch.needs]
    if verdict == "fits" and option.needs_always:
        verdict = "may_fit"
    if verdict == "does_not_fit":
        needs = []
    else:
        needs.extend(option.needs_always)
    # Positional, in `Option`'s field order (see `_regimen_option`).
    return Option(
        option.id,  # id
        option.name,  # name
        option.kind,  # kind
        plan.drugs,  # drugs
        verdict,  # verdict
        _reasons(checks, verdict),  # reasons
        tuple(dict.fromkeys(needs)),  # needs
        plan.sources,  # sources
        plan.group_id,  # group
        plan.group_name,  # group_name
    )


def _test_gap(test: TestToConsider, f: Facts) -> tuple[str, str | None] | None:
    """What is missing for this test, and the record entry that shows it; None if nothing."""
    if test.missing == "genes":
        gaps: list[str] = []
        path: str | None = None
        for gene in test.genes:
            results = f.gene_results(gene)
            if any(r.detected for r in results):
                return None  # a change already found: the test has done its job
            fresh = [
                r
                for r in results
                if not test.fresh_since_last_progression
                or f.last_progression is None
                or r.date >= f.last_progression
            ]
            if not fresh:
                gaps.append(gene)
                if results:
                    path = results[-1].path
        if not gaps:
            return None
        since = " since the last progression" if test.fresh_since_last_progression else ""
        return f"no {'/'.join(gaps)} result{since} on record", path
    if test.missing == "germline_genes":
        gaps = [
            g
            for g in test.genes
            if g.upper() not in f.germline_tested
            and not any(r.detected and r.germline for r in f.gene_results(g))
        ]
        return (f"no inherited testing of {', '.join(gaps)} on record", None) if gaps else None
    if test.missing == "pdl1":
        return ("no PD-L1 result on record", None) if f.pdl1_cps is None else None
    if test.missing == "her2_ihc_score":
        if f.her2 == "negative_unspecified":
            return "HER2 reported as negative without an IHC score", f.her2_path
        return None
    if test.missing == "her2_ultralow":
        if f.her2 == "zero_or_ultralow":
            return "HER2 IHC 0 without a word on faint staining", f.her2_path
        return None
    # her2_on_metastasis
    if f.metastatic_since and f.her2_date and f.her2_date < f.metastatic_since:
        return "HER2 last tested before the cancer spread", f.her2_path
    return None


def _tests(c: _Compiled, person: _Person, row: list[Any]) -> tuple[TestSuggestion, ...]:
    """The tests to consider: each whose rules all hold and whose result is missing from the
    record (`_test_gap`). Each test's suggestion is kept by what it reads (its rules' answer
    numbers and the facts `_GAP_READS` names for it, picked out of `row`): across people
    those repeat far more than the whole set of tests does."""
    out: list[TestSuggestion] = []
    most = c.memo.LISTS_MAX
    for test, keys, pick, kept in c.test_parts:
        key = pick(row)
        if key in kept:
            found = kept[key]
        else:
            if len(kept) >= most:
                kept.clear()
            found = kept[key] = _suggestion(c, test, keys, person.f, person.answers())
        if found is not None:
            out.append(found)
    return tuple(out)


def _suggestion(
    c: _Compiled, test: TestToConsider, keys: tuple[int, ...], f: Facts, answers: dict[int, Check]
) -> TestSuggestion | None:
    """The test suggested when its rules all hold (`answers`, by rule key) and its result
    is missing from the record (`_test_gap`); else None."""
    if any(answers[key][0] != MET for key in keys):  # Check.status, by index
        return None
    gap = _test_gap(test, f)
    if gap is None:
        return None
    detail, path = gap
    return TestSuggestion(test.id, test.name, test.why, detail, path, _cite(c, test.sources))


class _Person:
    """One person's answers as `list_options` found them kept, and the builder of a part of
    the list the engine has not kept yet (it needs every answer, put together once)."""

    __slots__ = ("_answers", "c", "f", "history", "kept", "plain")

    def __init__(
        self,
        c: _Compiled,
        f: Facts,
        kept: list[Kept],
        plain: list[tuple[int, Check]],
        history: Kept | None,
    ) -> None:
        self.c, self.f, self.kept, self.plain, self.history = c, f, kept, plain, history
        self._answers: dict[int, Check] | None = None

    def answers(self) -> dict[int, Check]:
        """Every rule's answer: a rule about past treatment that names nothing this person
        had keeps its never-given answer; the others come from the kept groups."""
        if self._answers is None:
            answers = self.c.all_answers.copy()  # every rule answered below, but for
            # those about past treatment, which keep their never-given answer unless touched
            for found in self.kept:
                answers.update(found[1])
            answers.update(self.plain)
            if self.history is not None:
                answers.update(self.history[1])
            self._answers = answers
        return self._answers

    def build(self, cluster: Cluster) -> tuple[Option, ...]:
        c, f, answers = self.c, self.f, self.answers()
        return tuple(
            [
                _non_drug_option(c, item, f, answers)
                if type(item) is _NonDrugPlan
                else _regimen_option(c, item, f, answers)
                for item in cluster.items
            ]
        )

    def tests(self, row: list[Any]) -> tuple[TestSuggestion, ...]:
        return _tests(self.c, self, row)


def _row(c: _Compiled, f: Facts) -> tuple[list[Any], _Person]:
    """The person's row: the facts the rules read (`Answers.values`), the number of each
    rule's answer (in the order `_compile_parts` placed them), then what `_row_tail` adds;
    and the person, to build a part no one had yet."""
    a = c.answers
    row = a.values(f)
    kept = a.kept(row, f)
    plain = a.plain_answers(f)
    history = (
        a.history_answers(f, lambda g: _touched(c, g), row[a.position["given"]])
        if f.given
        else None
    )
    row += chain.from_iterable([found[3] for found in kept])
    row += [a.number(answer) for _, answer in plain]
    numbers = list(c.default_numbers)
    if history is not None:
        history_at = c.history_at
        for rule, number in zip(history[2], history[3], strict=True):
            numbers[history_at[rule]] = number
    row += numbers
    row += _row_tail(c, f, row[a.position["given"]])
    return row, _Person(c, f, kept, plain, history)


def list_options(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> OptionsResult:
    """Every option for `record` as of `as_of`, grouped for discussion with the care team.

    The person's facts are read into one row (`Answers.values`); each group of rules'
    kept answers, the answers of rules that read the record, and what options read besides
    (`_row_tail`) are added to it; each part of the list (`_parts.py`) is then looked up by
    the positions of the row its options read, and built only when no one had that part."""
    c = _compile(kb)
    f = compute_facts(record, kb, as_of)
    subtype = subtype_of(f)
    crisis = f.visceral_crisis_path is not None
    row, person = _row(c, f)
    memo = c.memo
    keys = [pick(row) for pick in c.picks]
    parts: list[Built | None] = list(map(dict.get, c.tables, keys))
    if None in parts:  # a part no one had yet is built and kept
        orders, most = len(c.order_list), memo.LISTS_MAX
        for i, part in enumerate(parts):
            if part is None:
                cluster = c.clusters[i]
                parts[i] = cluster.keep(keys[i], person.build(cluster), orders, most)
    built: list[Built] = parts  # type: ignore[assignment]  # every None replaced above
    order_id = c.orders[(subtype, crisis)]
    # the whole list, kept by its parts and the order (a repeat person: one look-up)
    key = (order_id, *map(_TOKEN, built))
    options = memo.lists.get(key)
    if options is None:
        memo.trim_lists()
        options = memo.lists[key] = c.lists.merge(built, order_id, c.order_list[order_id], c.width)
    test_key = c.test_pick(row)
    tests = memo.tests.get(test_key)
    if tests is None:
        memo.trim_lists()
        tests = memo.tests[test_key] = person.tests(row)
    notes: list[str] = []
    if f.working:
        notes.append(
            "The treatment you are on now has not stopped working. While it works, it "
            "usually carries on: the other treatments are shown as 'may fit' for later, if it "
            "stops working. Radiation, supportive care, trials and palliative care may help now."
        )
    if f.probably_stopped:
        if by_team(f.probably_stopped):
            notes.append(
                "Your care team's latest assessment says the cancer has worsened on the "
                "current treatment. Options for after it are shown as 'may fit' until your "
                "team records the change."
            )
        else:
            notes.append(
                "The latest scans suggest the current treatment may have stopped working "
                "(growth by RECIST 1.1). Options for after that are shown as 'may fit' until "
                "your team confirms it."
            )
    if f.visceral_crisis_path is not None:
        notes.append(
            "A visceral crisis is on record: guidelines put the fastest-acting treatment "
            "first, usually chemotherapy. Hormone therapy alone is too slow for it."
        )
    if f.ecog is not None and f.ecog[0] >= 3:
        notes.append(
            "Your last record shows ECOG 3 or 4 (resting in bed or a chair much of the day). "
            "Ask your team how the benefit and the strain of each treatment weigh for you; "
            "palliative care helps whatever you choose."
        )
    return OptionsResult(
        patient=record.id,
        as_of=as_of,
        kb_version=kb.version,
        subtype=subtype,
        next_line=f.metastatic_lines + 1,
        options=options,
        tests_to_consider=tests,
        endocrine_sensitivity=None
        if f.endocrine is None
        else EndocrineSensitivityNote(f.endocrine.status, f.endocrine.text, f.endocrine.rests_on),
        notes=tuple(notes),
    )


_FAST_GROUPS = ("chemotherapy", "adc")


def _crisis_rank(rank: dict[str, int]) -> dict[str, int]:
    """The group order with the fastest-acting groups first (ABC: visceral crisis)."""
    fast = [g for g in _FAST_GROUPS if g in rank]
    rest = [g for g in sorted(rank, key=rank.__getitem__) if g not in fast]
    return {g: i for i, g in enumerate(fast + rest)}
