"""The facts about one person that the option rules read, computed once per (record, as-of).

Why a separate step: dozens of rules ask the same questions ("what was given in the
metastatic setting?", "was ESR1 tested since the last progression?"). Answering them once
keeps each rule evaluator a few lines long and the engine fast enough for batches.
Pure: reads the record and the knowledge base, never the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, get_args

from nextline.assess.recist import assess_one_line  # read-only: is the running line growing?
from nextline.facts import (
    EndocrineSensitivity,
    Stopped,
    TreatmentSpan,
    adjuvant_window_months,
    endocrine_sensitivity,
    stopped_working,
)
from nextline.facts.stopped import GrowingBy, months_between
from nextline.knowledge import Knowledge, name_key
from nextline.knowledge.options_schema import AnyOf, LabsWithinUln, Rule, SymptomAtLeast
from nextline.record import PatientRecord
from nextline.record.file_models import TumorTest
from nextline.record.receptors import her2_category, receptor_status
from nextline.record.record import DrugRef, Line, TherapyEntry

# Removal of the ovaries, or radiation to them (ovarian ablation), as people and letters
# write it: "bilateral oophorectomy", "laparoscopic BSO" with the site "both ovaries",
# "ovaries removed", "ovarian ablation". Suppression is permanent after it (ABC4: ovarian
# ablation or suppression). One ovary, or a cyst taken out, is not.
_OVARIAN_REMOVAL = re.compile(r"\b(?:b?so|\w*oophorectom\w*|ovariectom\w*)\b")
_OVARY = re.compile(r"\bovar(?:y|ies|ian)\b")
_NOT_BOTH_OVARIES = re.compile(r"\b(?:unilateral|(?:one|single|left|right) ovary|cyst\w*)\b")
# The ovaries named as kept ("hysterectomy with ovaries preserved", "ovarian-sparing
# surgery", "ovaries shielded"): a surgery or radiation near them that left them working.
_OVARIES_KEPT = re.compile(
    r"\bovar(?:y|ies|ian)\s+(?:were\s+|was\s+|are\s+|is\s+)?(?:preserved|spared|conserved|"
    r"kept|retained|intact|left(?:\s+in(?:\s+place)?)?|shielded|not\s+removed)\b"
    r"|\bovar(?:y|ies|ian)[- ]?(?:sparing|preserving|conserving)\b"
    r"|\b(?:preserv|spar|conserv|retain|keep)\w*\s+(?:of\s+)?(?:the\s+|both\s+)?ovar"
)
# Ovarian suppression, not the endocrine therapy that rules ask about (see regimens.yaml).
_SUPPRESSION_CLASSES = frozenset({"gnrh_agonist"})
# A tumor test on blood (liquid biopsy, ctDNA): its "not detected" can miss a change.
_BLOOD_WORDS = ("blood", "plasma", "ctdna", "cfdna", "liquid", "guardant", "foundationone liquid")


# The ESAS symptoms option rules can ask about (`symptom_at_least`).
_ESAS_ASKED: tuple[str, ...] = get_args(SymptomAtLeast.model_fields["symptom"].annotation)


def _by_date_then_index(t: tuple[int, dt.date, object]) -> tuple[dt.date, int]:
    return t[1], t[0]


# Facts worked out from `Facts.given` alone (see `compute_facts`): a rule that reads them is
# keyed by the history itself (`options/_answers.py`).
FROM_GIVEN = frozenset(
    {
        "given_drugs",
        "given_classes",
        "given_families",
        "stopped_for_side_effects",
        "probably_stopped",
        "working",
        "switch_drugs",
    }
)


class Given(NamedTuple):
    """One drug treatment as it stood on the as-of date (a named tuple: quick to build, and
    hashed in C, as the engine keys kept answers by the history: `_answers.history_token`)."""

    path: str
    entry: int  # its index in `therapies`
    setting: str | None
    drugs: frozenset[str]  # drug ids, expanded with what a product contains
    names: tuple[str, ...]  # generic names as given, for reasons
    # one per drug given: (generic name, ids incl. contained drugs, classes, families)
    items: tuple[tuple[str, frozenset[str], frozenset[str], frozenset[str]], ...]
    classes: frozenset[str]
    families: frozenset[str]
    start: dt.date
    stop: dt.date | None
    stop_reason: str | None
    line: int | None
    # confirmed: stopped for progression, or the cancer came back during or soon after it
    progressed: bool
    stopped: Stopped | None = None  # how we know; `scans` alone is not confirmed
    # later metastatic lines that began while this treatment ran on (trastuzumab continued
    # with a new partner is part of that line's regimen too: labels count regimens)
    later_lines: tuple[int, ...] = ()
    # running for metastatic disease on the as-of date and not stopped working (no recorded
    # progression; the assess engine finds no growth on the running line's scans): a
    # treatment still working, so options for after it are for later (`_working`)
    running: bool = False
    # stopped for side effects and the same drugs started again since (a lower dose written
    # as a new entry): a dose change, not a drug ruled out (`_resumed`)
    resumed: bool = False

    def where(self) -> str:
        if self.setting == "metastatic":
            return "for metastatic disease"
        if self.setting in ("adjuvant", "neoadjuvant"):
            return "before or after surgery"
        return ""


class GeneResult(NamedTuple):
    """One gene's result in one test (a named tuple: quick to build and to hash, as the
    engine keys kept answers by these)."""

    path: str
    date: dt.date
    detected: bool
    alteration: str | None
    germline: bool
    blood: bool = False  # a blood (ctDNA) test, not tissue


@dataclass(slots=True)
class Facts:
    """What the rules need, computed once."""

    record: PatientRecord
    as_of: dt.date
    sex: str
    menopausal: str | None
    suppression_path: str | None  # a GnRH agonist running, or the ovaries removed
    hr: str  # positive / negative / unknown
    hr_path: str | None
    hr_text: str
    her2: str
    her2_path: str | None
    her2_date: dt.date | None
    given: tuple[Given, ...]
    # `given` as the rules read it, without the dates no rule reads (`_history_key`): the
    # engine keeps answers by this, so people whose histories differ only in such dates
    # share them
    history_key: Hashable
    metastatic_lines: int
    metastatic_since: dt.date | None
    last_progression: dt.date | None
    genes: dict[str, list[GeneResult]]
    germline_tested: dict[str, str]  # gene -> path of a germline test that covered it
    pdl1_cps: float | None
    pdl1_path: str | None
    sites: dict[str, tuple[int, int | None]]  # site -> (metastases index, lesions)
    comorbidities: list[tuple[int, str]]
    # tumor tests that report MSI, MMR or TMB, oldest first: (index, date, msi, mmr, TMB)
    markers: tuple[tuple[int, dt.date, str | None, str | None, float | None], ...] = ()
    # symptom reports with ESAS scores, oldest first: (index, date, ((symptom, score), ...)),
    # the symptoms the option rules can ask about (`SymptomAtLeast.symptom`)
    esas: tuple[tuple[int, dt.date, tuple[tuple[str, int | None], ...]], ...] = ()
    side_effect_drugs: list[tuple[dt.date, str]] = field(default_factory=list)
    # Unions over `given`: most rules ask about drugs this person never had, and one set
    # look answers that without walking the history (see rules.py fast paths).
    given_drugs: frozenset[str] = frozenset()
    given_classes: frozenset[str] = frozenset()
    given_families: frozenset[str] = frozenset()
    stopped_for_side_effects: tuple[Given, ...] = ()
    # the running treatment's scans show growth (assess engine), not yet confirmed
    probably_stopped: tuple[Given, ...] = ()
    # the running treatments that have not stopped working (`Given.running`), and the drugs
    # among them a switch for side effects keeps (a partner stopped for side effects in the
    # same line: changing it is a step now, not later)
    working: tuple[Given, ...] = ()
    switch_drugs: frozenset[str] = frozenset()
    endocrine: EndocrineSensitivity | None = None
    er_low_path: str | None = None  # ER-low (1-10 %) with PR not positive
    visceral_crisis_path: str | None = None  # the newest assessment records a visceral crisis
    ecog: tuple[int, str] | None = None  # the newest ECOG score and its path
    # recorded "postmenopausal" after chemotherapy, young enough for periods to come back,
    # ovaries neither removed nor suppressed: (age, path of the chemotherapy)
    periods_may_return: tuple[int, str] | None = None
    # what the person says they are weighing (`goals.considering`): a break, stopping, hospice
    considering: tuple[str, ...] = ()
    # the newest result of each lab test given against its upper limit of normal:
    # (test id, multiple of the upper limit, path), by test id
    uln: tuple[tuple[str, float, str], ...] = ()

    def gene_results(self, gene: str) -> list[GeneResult]:
        return self.genes.get(gene.upper(), [])


class _Lookups:
    """What facts derive from the knowledge base alone (a drug with what it contains, the
    families of a set of classes, the adjuvant window of a set of classes), worked out once
    per knowledge base and kept: the same few drugs and classes come back for every person."""

    __slots__ = (
        "adjuvant",
        "drugs",
        "expanded",
        "families",
        "histories",
        "kb",
        "uln_tests",
        "windows",
    )

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        stopped = kb.options.stopped_working if kb.options else None
        self.adjuvant = stopped.adjuvant_windows if stopped else []
        # the lab tests a rule compares with their upper limit of normal (`labs_within_uln`):
        # only these are read for `Facts.uln`
        self.uln_tests = tuple(
            sorted(
                {
                    limit.test
                    for regimen in (kb.options.regimens.values() if kb.options else [])
                    for indication in regimen.indications
                    for rule in _flat(indication.rules)
                    if isinstance(rule, LabsWithinUln)
                    for limit in rule.limits
                }
            )
        )
        self.expanded: dict[str, frozenset[str]] = {}
        self.families: dict[frozenset[str], frozenset[str]] = {}
        self.windows: dict[tuple[frozenset[str], frozenset[str]], int | None] = {}
        self.histories: dict[tuple[object, ...], _History] = {}
        self.drugs: dict[tuple[DrugRef, ...], _Drugs] = {}  # by an entry's drugs (`_drugs`)


_LOOKUPS: dict[int, _Lookups] = {}


def forget_lookups() -> None:
    """Forget the kept lookups (`engine.forget_kept`: a fresh start, for benchmarks)."""
    _LOOKUPS.clear()


def _lookups(kb: Knowledge) -> _Lookups:
    found = _LOOKUPS.get(id(kb))
    if found is None or found.kb is not kb:
        _LOOKUPS.clear()
        found = _LOOKUPS[id(kb)] = _Lookups(kb)
    return found


def _expand(kb: Knowledge, drug_id: str) -> frozenset[str]:
    drug = kb.drugs[drug_id]
    return frozenset((drug_id, *drug.contains))


def _families(kb: Knowledge, classes: frozenset[str]) -> frozenset[str]:
    return frozenset(kb.classes[c].family for c in classes if c in kb.classes)


def _kept_families(look: _Lookups, classes: frozenset[str]) -> frozenset[str]:
    found = look.families.get(classes)
    if found is None:
        found = look.families[classes] = _families(look.kb, classes)
    return found


def _flat(rules: Sequence[Rule]) -> Iterator[Rule]:
    """The rules with those inside `any_of` spelled out."""
    for rule in rules:
        if isinstance(rule, AnyOf):
            yield from _flat(rule.rules)
        else:
            yield rule


def _uln(
    record: PatientRecord, tests: tuple[str, ...], as_of: dt.date
) -> tuple[tuple[str, float, str], ...]:
    """The newest result of each of `tests` given against its upper limit of normal."""
    found: list[tuple[str, float, str]] = []
    for test in tests:
        latest = record.latest_lab(test, as_of)
        if latest is not None and latest.uln_multiple is not None:
            found.append((test, latest.uln_multiple, latest.path))
    return tuple(found)


def _periods_may_return(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, history: _History
) -> tuple[int, str] | None:
    """Periods stopped by chemotherapy are not menopause (`regimens.yaml`
    menopause_after_chemotherapy): a woman recorded after menopause, who had chemotherapy,
    is under the age below which that needs confirming, and has no ovarian suppression or
    removal on record."""
    rule = kb.options.menopause_after_chemotherapy if kb.options else None
    patient = record.file.patient
    if (
        rule is None
        or patient.sex != "female"
        or patient.menopausal_status != "postmenopausal"
        or history.suppression_path is not None
        or "chemotherapy" not in history.given_families
    ):
        return None
    age = record.age_on(as_of)
    if age is None or age >= rule.confirm_below_age:
        return None
    chemo = next(g for g in history.given if "chemotherapy" in g.families)
    return age, chemo.path


def compute_facts(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> Facts:
    """Everything the option rules ask, as of `as_of`."""
    file = record.file
    # the file's fields as stored: plain dict reads (each attribute read of a record model
    # goes through pydantic's `__getattr__` hook)
    fields = vars(file)
    metastatic_since = fields["diagnosis"].metastatic_since
    if metastatic_since is not None and metastatic_since > as_of:
        metastatic_since = None

    look = _lookups(kb)
    lines = _lines_as_of(record, as_of)
    growing_line = _line_growing_on_scans(record, kb, as_of, lines)
    growing: tuple[int, GrowingBy] | None = None
    if growing_line is not None:
        growing = (growing_line, "scans")
    else:
        team_line = _line_worsened_by_team(record, as_of, lines)
        if team_line is not None:
            growing = (team_line, "team")
    entries = record.therapies_as_of(as_of)
    # the history as the rules read it, kept by everything it is worked out from
    key = (as_of, metastatic_since, growing, *entries)
    history = look.histories.get(key)
    if history is None:
        if len(look.histories) >= _HISTORIES_MAX:
            look.histories.clear()
        history = look.histories[key] = _history(look, entries, as_of, metastatic_since, growing)

    tumor = sorted(
        ((i, t) for i, t in enumerate(fields["tumor_tests"]) if t.date <= as_of),
        key=lambda pair: (pair[1].date, pair[0]),
    )
    er, pr, her2 = _receptors(tumor)
    er_low_path = (
        f"tumor_tests[{er.test_index}]"
        if er.status == "low" and pr.status not in ("positive", "low")
        else None
    )
    # as `record.hr_positive`: ER or PR positive or low; None when neither was tested
    hr_positive: bool | None = False
    if er.status in ("positive", "low") or pr.status in ("positive", "low"):
        hr_positive = True
    elif er.status == "not_tested" and pr.status == "not_tested":
        hr_positive = None
    if hr_positive is None:
        hr, hr_path, hr_text = "unknown", None, "ER and PR not tested"
    elif hr_positive:
        positive = er if er.status in ("positive", "low") else pr
        which = "ER" if positive is er else "PR"
        hr, hr_path = "positive", f"tumor_tests[{positive.test_index}]"
        hr_text = f"HR-positive ({which} {positive.status})"
    else:
        hr, hr_path, hr_text = "negative", f"tumor_tests[{er.test_index}]", "HR-negative"
        if er.test_index is None:
            hr_path = f"tumor_tests[{pr.test_index}]"

    genes: dict[str, list[GeneResult]] = {}
    pdl1_cps: float | None = None
    pdl1_path: str | None = None
    found_markers: list[tuple[int, dt.date, str | None, str | None, float | None]] = []
    for index, test in tumor:
        # the fields as stored: plain dict reads (each attribute read of a record model goes
        # through pydantic's `__getattr__` hook, and a test has a dozen fields read here)
        values = vars(test)
        path = f"tumor_tests[{index}]"
        day = values["date"]
        blood = False
        specimen, name = values["specimen"], values["test_name"]
        if specimen or name:  # most tests name neither
            what = f"{specimen or ''} {name or ''}".lower()
            blood = any(word in what for word in _BLOOD_WORDS)
        for variant in values["variants"]:
            genes.setdefault(variant.gene.upper(), []).append(
                GeneResult(
                    path,
                    day,
                    True,
                    variant.alteration,
                    variant.origin == "germline",
                    blood,
                )
            )
        for gene in values["not_detected"]:
            genes.setdefault(gene.upper(), []).append(
                GeneResult(path, day, False, None, False, blood)
            )
        pdl1 = values["pdl1"]
        if pdl1 is not None and pdl1.cps is not None:
            pdl1_cps, pdl1_path = pdl1.cps, path
        msi, mmr, tmb = values["msi"], values["mmr"], values["tmb_mut_per_mb"]
        if msi is not None or mmr is not None or tmb is not None:
            found_markers.append((index, day, msi, mmr, tmb))
    germline_tested: dict[str, str] = {}
    for index, germ in enumerate(fields["germline_tests"]):
        if germ.date > as_of:
            continue
        path = f"germline_tests[{index}]"
        for gene in germ.genes_tested:
            germline_tested[gene.upper()] = path
        for found in germ.variants:
            if found.classification in ("pathogenic", "likely_pathogenic"):
                genes.setdefault(found.gene.upper(), []).append(
                    GeneResult(path, germ.date, True, found.alteration, True)
                )

    sites: dict[str, tuple[int, int | None]] = {}
    for index, met in enumerate(fields["metastases"]):
        if (met.since is None or met.since <= as_of) and (
            met.resolved is None or met.resolved > as_of
        ):
            sites.setdefault(met.site, (index, met.lesions))

    found_esas: list[tuple[int, dt.date, tuple[tuple[str, int | None], ...]]] = []
    for i, report in enumerate(fields["symptoms"]):
        said = vars(report)  # plain dict reads, as for the tumor tests above
        day, scores = said["date"], said["esas"]
        if scores is not None and day <= as_of:
            asked = vars(scores)
            found_esas.append((i, day, tuple([(name, asked[name]) for name in _ESAS_ASKED])))
    found_esas.sort(key=_by_date_then_index)
    esas = tuple(found_esas)
    markers = tuple(found_markers)
    comorbidities = [
        (i, name_key(c.condition))
        for i, c in enumerate(fields["comorbidities"])
        if c.since is None or c.since <= as_of
    ]
    side_effect_drugs: list[tuple[dt.date, str]] = []
    for effect in fields["side_effects"]:
        if effect.therapy and effect.date <= as_of:
            drug = kb.find_drug(effect.therapy)
            if drug is not None:
                side_effect_drugs.append((effect.date, drug.id))

    crisis_path: str | None = None
    crises = [
        (a.date, i, a.visceral_crisis)
        for i, a in enumerate(fields["assessments"])
        if a.date <= as_of and a.visceral_crisis is not None
    ]
    if crises:
        _, i, crisis = max(crises, key=lambda t: (t[0], t[1]))
        crisis_path = f"assessments[{i}]" if crisis else None
    scores = [(p.date, i, p.ecog) for i, p in enumerate(fields["performance"]) if p.date <= as_of]
    ecog: tuple[int, str] | None = None
    if scores:
        _, i, score = max(scores, key=lambda t: (t[0], t[1]))
        ecog = (score, f"performance[{i}]")
    patient = fields["patient"]
    goals = fields["goals"]
    return Facts(
        periods_may_return=_periods_may_return(record, kb, as_of, history),
        considering=tuple(goals.considering) if goals is not None else (),
        uln=_uln(record, look.uln_tests, as_of) if fields["labs"] else (),
        record=record,
        as_of=as_of,
        sex=patient.sex,
        menopausal=patient.menopausal_status,
        suppression_path=history.suppression_path,
        hr=hr,
        hr_path=hr_path,
        hr_text=hr_text,
        her2=her2.status,
        her2_path=None if her2.test_index is None else f"tumor_tests[{her2.test_index}]",
        her2_date=her2.date,
        given=history.given,
        history_key=history.history_key,
        metastatic_lines=len(lines),
        metastatic_since=metastatic_since,
        last_progression=history.last_progression,
        genes=genes,
        germline_tested=germline_tested,
        pdl1_cps=pdl1_cps,
        pdl1_path=pdl1_path,
        sites=sites,
        comorbidities=comorbidities,
        markers=markers,
        esas=esas,
        side_effect_drugs=side_effect_drugs,
        given_drugs=history.given_drugs,
        given_classes=history.given_classes,
        given_families=history.given_families,
        stopped_for_side_effects=history.stopped_for_side_effects,
        probably_stopped=history.probably_stopped,
        working=history.working,
        switch_drugs=history.switch_drugs,
        endocrine=history.endocrine,
        er_low_path=er_low_path,
        visceral_crisis_path=crisis_path,
        ecog=ecog,
    )


class _History(NamedTuple):
    """What the rules read of the treatment history, worked out once per distinct history
    (`compute_facts` keeps it: the same few histories come back for many people)."""

    given: tuple[Given, ...]
    history_key: Hashable  # `_history_key(given, metastatic_since)`
    suppression_path: str | None
    last_progression: dt.date | None
    given_drugs: frozenset[str]
    given_classes: frozenset[str]
    given_families: frozenset[str]
    stopped_for_side_effects: tuple[Given, ...]
    probably_stopped: tuple[Given, ...]
    endocrine: EndocrineSensitivity | None
    working: tuple[Given, ...] = ()
    switch_drugs: frozenset[str] = frozenset()


# Kept histories per knowledge base: emptied when full, so memory stays bounded (a history
# is a few hundred bytes: about 2 MB at most).
_HISTORIES_MAX = 5_000


# What one entry's drugs give a history (`_drugs`): the drug ids with what each contains,
# the generic names, one item per drug, the classes, the families, the adjuvant window.
_Drugs = tuple[
    frozenset[str],
    tuple[str, ...],
    tuple[tuple[str, frozenset[str], frozenset[str], frozenset[str]], ...],
    frozenset[str],
    frozenset[str],
    int | None,
]


def _drugs(look: _Lookups, refs: tuple[DrugRef, ...]) -> _Drugs:
    """What the drugs of one entry give its `Given`, apart from its dates: a pure function
    of the drugs as written and the knowledge base, so `_Lookups.drugs` keeps it (people
    with histories of their own still had the same few regimens)."""
    ids: set[str] = set()
    classes: set[str] = set()
    items: list[tuple[str, frozenset[str], frozenset[str], frozenset[str]]] = []
    for ref in refs:
        if ref.drug_id is None:
            continue
        expanded = look.expanded.get(ref.drug_id)
        if expanded is None:
            expanded = look.expanded[ref.drug_id] = _expand(look.kb, ref.drug_id)
        items.append(
            (
                ref.name,
                expanded,
                ref.classes,
                _kept_families(look, ref.classes - _SUPPRESSION_CLASSES),
            )
        )
        ids |= expanded
        classes |= ref.classes
    treating = frozenset(classes) - _SUPPRESSION_CLASSES
    families = _kept_families(look, treating)
    window_key = (treating, families - {"supportive"})
    if window_key in look.windows:
        window = look.windows[window_key]
    else:
        window = look.windows[window_key] = adjuvant_window_months(
            treating, window_key[1], look.adjuvant
        )
    names = tuple(ref.name for ref in refs)
    return frozenset(ids), names, tuple(items), frozenset(classes), families, window


def _with_later_lines(given: list[Given]) -> list[Given]:
    """Each metastatic treatment with the later lines that began while it ran on."""
    starts: dict[int, dt.date] = {}
    for g in given:
        if (
            g.setting == "metastatic"
            and g.line is not None
            and (g.line not in starts or g.start < starts[g.line])
        ):
            starts[g.line] = g.start
    if len(starts) < 2:  # the usual case: nothing can run on into a later line
        return given
    out: list[Given] = []
    for g in given:
        if g.setting == "metastatic" and g.line is not None:
            line = g.line
            later = tuple(
                n
                for n, start in sorted(starts.items())
                if n > line and g.start <= start and (g.stop is None or start < g.stop)
            )
            if later:
                g = g._replace(later_lines=later)
        out.append(g)
    return out


def _resumed(given: list[Given]) -> list[Given]:
    """Each treatment stopped for side effects whose drugs were all started again on or
    after its stop marked `resumed`: the same drug at a lower dose, written as a new entry,
    is a dose change (the person takes it now), so it rules nothing out."""
    if not any(g.stop_reason == "toxicity" for g in given):
        return given
    out: list[Given] = []
    for g in given:
        if g.stop_reason == "toxicity" and g.stop is not None:
            stop = g.stop
            again = frozenset().union(
                *(o.drugs for o in given if o is not g and o.start >= stop - _RESTART_SLACK)
            )
            if g.drugs <= again:
                g = g._replace(resumed=True)
        out.append(g)
    return out


# a new entry of the same drug started this close before the old one's recorded stop is the
# same change of dose (the form's "it replaces it" and hand-written files differ by a day)
_RESTART_SLACK = dt.timedelta(days=1)


def _working(given: list[Given], growing_line: int | None) -> list[Given]:
    """Each treatment running for metastatic disease that has not stopped working marked
    `running`; so is the last line when it is paused for a planned break (none running).
    "Working" is what `assess_status` says of the running line: not working when its stop
    is recorded as growth or its latest scans show growth (RECIST PD, the `growing_line`
    found by the same rule, which reads a paused line as if it ran on); otherwise working,
    or too early to tell, and either way not stopped. Ovarian suppression or supportive
    drugs alone are not a treatment of the cancer to wait on (goserelin started before an
    aromatase inhibitor)."""
    if growing_line is not None:
        return given
    metastatic = [g for g in given if g.setting == "metastatic" and g.line is not None]
    paused: int | None = None  # the last line, paused for a planned break with none running
    if metastatic and all(g.stop is not None for g in metastatic):
        last = max(g.line for g in metastatic if g.line is not None)
        ends = [g for g in metastatic if g.line == last]
        if max(ends, key=lambda g: (g.stop, g.entry)).stop_reason == "break":
            paused = last
    out: list[Given] = []
    for g in given:
        if (
            g.setting == "metastatic"
            and (g.stop is None or (g.line == paused and g.stop_reason == "break"))
            and g.stopped is None
            and g.classes - _SUPPRESSION_CLASSES
            and g.families - {"supportive"}
        ):
            g = g._replace(running=True)
        out.append(g)
    return out


def _switch_drugs(given: list[Given], working: tuple[Given, ...]) -> frozenset[str]:
    """The drugs of the running, working line kept through a switch for side effects: when
    a drug of that line was stopped for side effects while the line carried on and nothing
    of its class has replaced it yet, a regimen that keeps the carried-on drug (the same
    aromatase inhibitor with another CDK4/6 inhibitor) is a step to take now, not later."""
    lines = {g.line for g in working if g.line is not None}
    if not lines:
        return frozenset()
    if any(g.stop_reason == "break" for g in working):
        # paused for a planned break: starting it again is the step, now or when the break
        # ends (resuming the same drugs after a break is the same line)
        return frozenset().union(*(g.drugs for g in working))
    running = frozenset().union(*(g.classes for g in working))
    # a drug stopped for side effects and not yet replaced by one of its class (a dose
    # lowered, or palbociclib after ribociclib, is the switch already made)
    pending = [
        g
        for g in given
        if g.stop_reason == "toxicity"
        and g.line in lines
        and not (g.classes - _SUPPRESSION_CLASSES) <= running
    ]
    if not pending:
        return frozenset()
    return frozenset().union(*(g.drugs for g in working))


def _ovaries_removed_or_ablated(entry: TherapyEntry) -> bool:
    """Whether a surgery or radiation entry ended the ovaries' work for good: the words of
    its site and technique name the ovaries (or their removal) and not just one of them."""
    text = f"{entry.site or ''} {entry.technique or ''}".lower()
    if _NOT_BOTH_OVARIES.search(text) or _OVARIES_KEPT.search(text):
        return False
    if entry.kind == "surgery" and _OVARIAN_REMOVAL.search(text):
        return True
    return _OVARY.search(text) is not None


def _history(
    look: _Lookups,
    entries: list[TherapyEntry],
    as_of: dt.date,
    metastatic_since: dt.date | None,
    growing: tuple[int, GrowingBy] | None,
) -> _History:
    """The treatment history as the rules read it: a pure function of the entries as seen
    on `as_of`, that date, when the cancer spread and which line grows on scans or worsened
    by the care team's reading, and which of the two (the key `compute_facts` keeps it by)."""
    growing_line = None if growing is None else growing[0]
    given: list[Given] = []
    suppression_path: str | None = None
    for entry in entries:
        if entry.kind in ("surgery", "radiation"):
            if _ovaries_removed_or_ablated(entry):
                suppression_path = entry.path
            continue
        if entry.kind != "drug" or entry.start is None:
            continue
        drugs = look.drugs.get(entry.drugs)
        if drugs is None:
            if len(look.drugs) >= _HISTORIES_MAX:
                look.drugs.clear()
            drugs = look.drugs[entry.drugs] = _drugs(look, entry.drugs)
        ids, names, items, classes, families, window = drugs
        if "gnrh_agonist" in classes and entry.active_on(as_of):
            suppression_path = suppression_path or entry.path
        stopped = stopped_working(
            setting=entry.setting,
            start=entry.start,
            stop=entry.stop,
            stop_reason=entry.stop_reason,
            window_months=window,
            metastatic_since=metastatic_since,
            growing_on_scans=growing_line is not None and entry.line == growing_line,
            growing_by="scans" if growing is None else growing[1],
        )
        given.append(
            Given(
                entry.path,
                entry.index,
                entry.setting,
                ids,
                names,
                items,
                classes,
                families,
                entry.start,
                entry.stop,
                entry.stop_reason,
                entry.line,
                stopped is not None and stopped.confirmed,  # progressed
                stopped,
            )
        )

    given = _working(_resumed(_with_later_lines(given)), growing_line)
    working = tuple(g for g in given if g.running)
    progressions = [g.stop for g in given if g.progressed and g.stop is not None]
    if metastatic_since is not None:
        progressions.append(metastatic_since)
    last_progression = max(progressions) if progressions else None

    return _History(
        given=tuple(given),
        history_key=_history_key(given, metastatic_since),
        suppression_path=suppression_path,
        last_progression=last_progression,
        given_drugs=frozenset().union(*(g.drugs for g in given)),
        given_classes=frozenset().union(*(g.classes for g in given)),
        given_families=frozenset().union(*(g.families for g in given)),
        stopped_for_side_effects=tuple(
            g for g in given if g.stop_reason == "toxicity" and not g.resumed
        ),
        probably_stopped=tuple(
            g for g in given if g.stopped is not None and not g.stopped.confirmed
        ),
        working=working,
        switch_drugs=_switch_drugs(given, working),
        endocrine=endocrine_sensitivity(
            [
                TreatmentSpan(g.path, g.setting, g.start, g.stop, g.progressed)
                for g in given
                if "endocrine" in g.families
            ],
            metastatic_since,
        ),
    )


_EARLY = ("adjuvant", "neoadjuvant")


def _history_key(given: list[Given], metastatic_since: dt.date | None) -> Hashable:
    """The treatment history as the rules and the options read it: each treatment without
    its start and stop dates, which only two readers read:

    - `rules.relapse_within_months_of_adjuvant` reads the dates of treatment before or after
      surgery against the date the cancer spread (only when that date is on record): whether
      it came back during the treatment or after its stop, the months from the stop (against
      a whole number of months, so their ceiling; and rounded, in its text) and which of
      these treatments stopped (or started) last; the key holds just these;
    - `engine._side_effect_check` reads the dates of a treatment stopped for side effects
      against the dates of the side effects: the engine keys that check by which side
      effects fall within each such treatment (`engine._row_tail`), not by this key.

    Everything else about a treatment (what was given, setting, line, how it stopped, and
    whether it stopped working, already worked out from the dates) is in the key as it is.
    A new reader of the dates must be added here (tests/options/test_history_key.py)."""
    early = [] if metastatic_since is None else [g for g in given if g.setting in _EARLY]
    if not early:  # the usual case: no date is read
        return tuple([g[:8] + g[10:] for g in given])  # every field but `start`, `stop`
    assert metastatic_since is not None  # for mypy: `early` is empty without it
    back = metastatic_since
    ends = sorted({g.stop or g.start for g in early})
    out: list[Hashable] = []
    for g in given:
        fixed = g[:8] + g[10:]
        if g.setting not in _EARLY:
            out.append(fixed)
            continue
        during = g.start <= back and (g.stop is None or back <= g.stop)
        rank = ends.index(g.stop or g.start)
        if g.stop is None:
            out.append((fixed, during, rank))
            continue
        months = months_between(g.stop, back)
        out.append((fixed, during, back > g.stop, math.ceil(months), f"{months:.0f}", rank))
    return tuple(out)


class _Reading(NamedTuple):
    """A receptor category and the tumor test it came from, as `record.ReceptorReading`
    (a named tuple: three are built for every person)."""

    status: str
    date: dt.date | None
    test_index: int | None


_NOT_TESTED = _Reading("not_tested", None, None)


def _receptors(
    tumor: list[tuple[int, TumorTest]],
) -> tuple[_Reading, _Reading, _Reading]:
    """The newest ER, PR and HER2 readings among `tumor` (sorted by date, then index), as
    `record.er`, `record.pr` and `record.her2` find them, in one pass from the newest."""
    er = pr = her2 = _NOT_TESTED
    for index, test in reversed(tumor):
        if er is _NOT_TESTED:
            status = receptor_status(test.er)
            if status != "not_tested":
                er = _Reading(status, test.date, index)
        if pr is _NOT_TESTED:
            status = receptor_status(test.pr)
            if status != "not_tested":
                pr = _Reading(status, test.date, index)
        if her2 is _NOT_TESTED:
            category = her2_category(test.her2)
            if category != "not_tested":
                her2 = _Reading(category, test.date, index)
        if er is not _NOT_TESTED and pr is not _NOT_TESTED and her2 is not _NOT_TESTED:
            break
    return er, pr, her2


def _lines_as_of(record: PatientRecord, day: dt.date) -> list[Line]:
    """`record.lines_as_of(day)`, without rebuilding a line that had stopped by `day` with
    every entry started by then (`Line.seen_on` gives that line itself)."""
    out: list[Line] = []
    for line in record.lines:
        if line.start > day:
            continue
        stop = line.stop
        if stop is not None and stop <= day:
            for entry in line.entries:
                if not entry.start or entry.start > day:
                    break
            else:
                out.append(line)
                continue
        out.append(line.seen_on(day))
    return out


def _line_growing_on_scans(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, lines: list[Line] | None = None
) -> int | None:
    """The number of the running line when the assess engine finds it not working (RECIST
    growth on its scans, or a new place of spread recorded since it began) while the record
    has not stopped it yet; else None.

    For a running line, `assess_status` says `not_working` exactly when the latest follow-up
    of that line's RECIST reading is PD (a running line has no recorded stop, so the record
    cannot say it is stopping for growth). So only that line is read, with the same
    baseline rule (`assess_one_line`), not the whole status with its red flags, markers and
    other lines; it is asked only when a scan was taken since the running line began."""
    if kb.assess is None:
        return None
    if lines is None:  # `record.lines_as_of(as_of)`, when the caller has not worked it out
        lines = record.lines_as_of(as_of)
    # the running line, as `record.current_line(as_of)` and `assess_status` find it
    position = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].stop is None), None)
    if position is None:
        # none running: the last line, when paused for a planned break, is read as if it
        # ran on (the break is part of it: growth during the break is growth on it)
        if not lines or lines[-1].stop_reason != "break":
            return None
        position = len(lines) - 1
        lines = [*lines[:position], dataclasses.replace(lines[position], stop=None)]
    current = lines[position]
    if any(
        site.since is not None and current.start < site.since <= as_of and site.site != "brain"
        for site in record.file.metastases
    ):
        # a new place of spread recorded since it began is growth (a new lesion, RECIST
        # 1.1), as `assess_status` reads it (its `new_sites`): not a treatment still working.
        # New brain metastases alone are not: with the body controlled, the treatment
        # carries on beside treatment to the brain (ASCO HER2 brain guideline 2022; the
        # vignettes `s10-*-brain-only-growth-*`).
        return current.number
    if not any(current.start <= scan.date <= as_of for scan in record.file.imaging):
        return None
    response = assess_one_line(lines, position, record.scan_readings, kb.assess.recist, as_of)
    if response.timepoints and response.timepoints[-1].overall == "PD":
        return current.number
    return None


def _line_worsened_by_team(record: PatientRecord, as_of: dt.date, lines: list[Line]) -> int | None:
    """The number of the running line (or the last line, paused for a planned break) when
    the care team's own newest reading (`assessments[]`, dated after that line began) says
    the disease worsened or is in visceral crisis, while the record has not stopped it yet;
    else None.

    Why: the team's assessment is the clinician's reading (mCODE's CancerDiseaseStatus),
    shown beside what nextline computes and never overridden by it. A worsening they wrote
    down is growth on the running treatment as surely as scans read by RECIST, and a
    visceral crisis (ABC: severe organ dysfunction from rapidly progressing disease) is the
    cancer outrunning it. The newest reading counts: a later "stable", "improved" or "mixed"
    replaces an older "worsened" (mixed: some spots grow, others shrink; the team weighs it)."""
    readings = [
        (a.date, i, a)
        for i, a in enumerate(record.file.assessments)
        # "not evaluable" says nothing either way: an older reading stands
        if a.date <= as_of and (a.disease_status != "not_evaluable" or a.visceral_crisis)
    ]
    if not readings or not lines:
        return None
    _, _, newest = max(readings, key=lambda t: (t[0], t[1]))
    if newest.disease_status != "worsened" and newest.visceral_crisis is not True:
        return None
    current = next((line for line in reversed(lines) if line.stop is None), None)
    if current is None and lines[-1].stop_reason == "break":
        current = lines[-1]
    if current is None or newest.date <= current.start:
        # a reading on the day a line began is the one that led to it (as a scan on that day
        # is its baseline): it is about the line before
        return None
    return current.number
