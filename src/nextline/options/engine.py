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
from dataclasses import dataclass

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
from nextline.options._facts import Facts, compute_facts
from nextline.options.models import (
    CautionNote,
    Option,
    OptionsResult,
    Reason,
    SourceCite,
    TestSuggestion,
    Verdict,
)
from nextline.options.rules import MET, UNKNOWN, UNMET, Check, evaluate
from nextline.record import PatientRecord

_RANK: dict[str, int] = {"fits": 0, "may_fit": 1, "does_not_fit": 2}
_DEFAULT_SUBTYPE = "hr_positive_her2_negative"


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


@dataclass(frozen=True, slots=True)
class _IndicationPlan:
    """One indication with everything that does not depend on the person worked out."""

    indication: Indication
    keys: tuple[int, ...]
    rules: tuple[Rule, ...]
    not_yet_approved: Check | None
    sources: tuple[SourceCite, ...]
    group_id: str
    group_name: str


_COMPILED: dict[int, _Compiled] = {}


def _compile(kb: Knowledge) -> _Compiled:
    cached = _COMPILED.get(id(kb))
    if cached is not None and cached.kb is kb:
        return cached
    if kb.options is None:
        raise KnowledgeInvalid([Problem("regimens.yaml", "the knowledge base has no options")])
    canonical: dict[str, int] = {}
    rule_keys: dict[int, int] = {}
    every_rule: list[Rule] = [
        *(rule for r in kb.options.regimens.values() for i in r.indications for rule in i.rules),
        *(rule for o in kb.options.non_drug.values() for rule in o.applies_when),
        *(rule for t in kb.options.tests.values() for rule in t.when),
    ]
    for rule in every_rule:
        rule_keys[id(rule)] = canonical.setdefault(rule.model_dump_json(), len(canonical))
    compiled = _Compiled(
        kb=kb,
        options=kb.options,
        cites={},
        rule_keys=rule_keys,
        plans={},
        regimen_drugs={
            r.id: tuple(kb.drugs[d].name for d in r.drugs) for r in kb.options.regimens.values()
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
                rules=tuple(i.rules),
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
    _COMPILED.clear()
    _COMPILED[id(kb)] = compiled
    return compiled


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


class _Checks:
    """Each distinct rule evaluated once per person (many options share their rules)."""

    __slots__ = ("cache", "facts", "keys")

    def __init__(self, c: _Compiled, facts: Facts) -> None:
        self.keys = c.rule_keys
        self.facts = facts
        self.cache: dict[int, Check] = {}

    def __call__(self, rule: Rule) -> Check:
        return self.keyed(self.keys[id(rule)], rule)

    def keyed(self, key: int, rule: Rule) -> Check:
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = evaluate(rule, self.facts)
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
    out: list[Reason] = []
    seen: set[tuple[str, str | None]] = set()
    for check in checks:
        if verdict == "does_not_fit" and check.status != UNMET:
            continue
        key = (check.text, check.path)
        if key not in seen:
            seen.add(key)
            out.append(Reason(check.text, check.path))
    return tuple(out)


def _side_effect_check(regimen: Regimen, f: Facts) -> Check | None:
    """A drug stopped for side effects rules out that drug (not its class)."""
    for g in f.given:
        if g.stop_reason != "toxicity":
            continue
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
                    f"which drug of {g.path} caused the side effects",
                )
        if culprits:
            names = ", ".join(n for n, ids, _, _ in g.items if ids & culprits)
            return Check(
                UNMET,
                f"{names} was stopped for side effects (that rules out this drug, not its class)",
                g.path,
            )
    return None


def _caution_notes(c: _Compiled, cautions: list[Caution], f: Facts) -> tuple[CautionNote, ...]:
    notes: list[CautionNote] = []
    for caution in cautions:
        condition = caution.condition
        rests_on: str | None = None
        hit = False
        if condition.when == "comorbidity_any":
            words = [w.lower() for w in condition.words]
            for index, name in f.comorbidities:
                padded = f" {name} "
                if any(f" {w} " in padded for w in words):
                    hit, rests_on = True, f"comorbidities[{index}]"
                    break
        else:
            latest = f.record.latest_lab(condition.test, f.as_of)
            if condition.when == "lab_missing":
                hit = latest is None
            elif latest is not None and latest.canonical_value is not None:
                value = latest.canonical_value
                hit = (
                    value < condition.value
                    if condition.when == "lab_below"
                    else (value > condition.value)
                )
                rests_on = latest.path
        if hit:
            notes.append(CautionNote(caution.id, caution.text, rests_on, _cite(c, caution.sources)))
    return tuple(notes)


def _regimen_option(c: _Compiled, regimen: Regimen, f: Facts, check: _Checks) -> Option:
    side_effects = _side_effect_check(regimen, f)
    best: tuple[int, int, int, _IndicationPlan, list[Check], Verdict] | None = None
    cache = check.cache
    for order, plan in enumerate(c.plans[regimen.id]):
        checks = []
        for key, rule in zip(plan.keys, plan.rules, strict=True):
            found = cache.get(key)
            if found is None:
                found = cache[key] = evaluate(rule, f)
            checks.append(found)
        indication = plan.indication
        if plan.not_yet_approved is not None and indication.approved > f.as_of:  # type: ignore[operator]
            checks.insert(0, plan.not_yet_approved)
        if side_effects is not None:
            checks.append(side_effects)
        unmet = unknown = 0
        for one in checks:
            if one.status == UNMET:
                unmet += 1
            elif one.status == UNKNOWN:
                unknown += 1
        verdict: Verdict = "does_not_fit" if unmet else ("may_fit" if unknown else "fits")
        rank = _RANK[verdict]
        if best is None or (rank, unmet, order) < best[:3]:
            best = (rank, unmet, order, plan, checks, verdict)
    assert best is not None  # a regimen has at least one indication (schema)
    _, _, _, plan, checks, verdict = best
    needs: tuple[str, ...] = ()
    if verdict == "may_fit":
        needs = tuple(dict.fromkeys(ch.needs for ch in checks if ch.status == UNKNOWN and ch.needs))
    indication = plan.indication
    return Option(
        id=regimen.id,
        name=regimen.name,
        kind="systemic",
        drugs=c.regimen_drugs[regimen.id],
        verdict=verdict,
        reasons=_reasons(checks, verdict),
        needs=needs,
        sources=plan.sources,
        group=plan.group_id,
        group_name=plan.group_name,
        indication=indication.id,
        indication_summary=indication.summary,
        approved=indication.approved,
        cautions=()
        if verdict == "does_not_fit" or not regimen.cautions
        else _caution_notes(c, regimen.cautions, f),
    )


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


def _non_drug_option(c: _Compiled, option: NonDrugOption, f: Facts, check: _Checks) -> Option:
    checks = [check(rule) for rule in option.applies_when]
    if not checks:
        checks.append(Check(MET, "worth discussing at any stage"))
    checks.extend(_extra_reasons(option, f))
    verdict = _verdict(checks)
    needs = [ch.needs for ch in checks if ch.status == UNKNOWN and ch.needs]
    if verdict == "fits" and option.needs_always:
        verdict = "may_fit"
    if verdict == "does_not_fit":
        needs = []
    else:
        needs.extend(option.needs_always)
    group = c.options.groups[option.group]
    return Option(
        id=option.id,
        name=option.name,
        kind=option.kind,
        drugs=tuple(c.drug_names[d] for d in option.drugs),
        verdict=verdict,
        reasons=_reasons(checks, verdict),
        needs=tuple(dict.fromkeys(needs)),
        sources=_cite(c, option.sources),
        group=group.id,
        group_name=group.name,
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


def _tests(c: _Compiled, f: Facts, check: _Checks) -> tuple[TestSuggestion, ...]:
    out: list[TestSuggestion] = []
    for test in c.options.tests.values():
        if not all(check(rule).status == MET for rule in test.when):
            continue
        gap = _test_gap(test, f)
        if gap is None:
            continue
        detail, path = gap
        out.append(
            TestSuggestion(test.id, test.name, test.why, detail, path, _cite(c, test.sources))
        )
    return tuple(out)


def list_options(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> OptionsResult:
    """Every option for `record` as of `as_of`, grouped for discussion with the care team."""
    c = _compile(kb)
    f = compute_facts(record, kb, as_of)
    subtype = subtype_of(f)
    rank = c.group_rank.get(subtype or _DEFAULT_SUBTYPE) or next(iter(c.group_rank.values()))
    check = _Checks(c, f)
    options = [_regimen_option(c, r, f, check) for r in c.options.regimens.values()]
    options += [_non_drug_option(c, o, f, check) for o in c.options.non_drug.values()]
    order = {id(o): i for i, o in enumerate(options)}
    options.sort(key=lambda o: (rank.get(o.group, len(rank)), _RANK[o.verdict], order[id(o)]))
    return OptionsResult(
        patient=record.id,
        as_of=as_of,
        kb_version=kb.version,
        subtype=subtype,
        next_line=f.metastatic_lines + 1,
        options=tuple(options),
        tests_to_consider=_tests(c, f, check),
    )
