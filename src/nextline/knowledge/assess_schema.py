"""The schema of the assess knowledge: RECIST 1.1 numbers, tumor marker rules, blood count
thresholds before chemotherapy, symptom score bands, and red flags (STYLE.md §11).

Why data: every number the assess engine compares against (20 %, 5 mm, 1.5 x 10^9/L, 38.0 °C)
is a clinical fact with a public source, so it lives here with that source, is checked when
the knowledge base loads, and can be questioned without reading the engine. Red flags are a
closed set of condition types, each with one small evaluator in `nextline.assess.red_flags`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from nextline.errors import Problem
from nextline.knowledge.checks import check_source_refs
from nextline.knowledge.schema import Slug, SourceRef, Strict
from nextline.knowledge.symptom_schema import SymptomVocabularyFile

Sources = Annotated[list[SourceRef], Field(min_length=1)]


class SourcedNumber(Strict):
    """One number with its unit and the source that states it."""

    value: float
    unit: str | None = None
    sources: Sources


class RecistRules(Strict):
    """RECIST 1.1 (Eisenhauer et al. 2009) numbers the response engine uses."""

    max_targets: SourcedNumber
    max_targets_per_organ: SourcedNumber
    min_measurable_mm: SourcedNumber = Field(description="non-nodal target, longest diameter")
    min_node_short_axis_mm: SourcedNumber = Field(description="nodal target, short axis")
    node_normal_below_mm: SourcedNumber = Field(description="a node under this is normal (CR)")
    too_small_default_mm: SourcedNumber = Field(description="a target too small to measure")
    pd_increase_pct: SourcedNumber = Field(description="over the nadir")
    pd_min_absolute_mm: SourcedNumber = Field(description="over the nadir")
    pr_decrease_pct: SourcedNumber = Field(description="below the baseline")
    new_lesion_is_pd: Sources
    new_lesion_bone_scan: Sources = Field(
        description="a new lesion seen on a bone scan only needs confirming by other imaging"
    )
    non_target_pd: Sources
    complete_response: Sources
    not_evaluated: Sources
    overall_response_table: Sources
    best_overall_response: Sources
    baseline: Sources
    bone_not_measurable: Sources


class MarkerRules(Strict):
    """How circulating tumor markers are read: supporting evidence only, never alone."""

    tests: list[Slug] = Field(min_length=1, description="lab test ids (lab_tests.yaml)")
    supporting_only: Sources
    flare_days: SourcedNumber = Field(description="early rises after a new line may be spurious")
    meaningful_rise_pct: SourcedNumber | None = Field(
        default=None,
        description=(
            "a rise counts as rising only at or past this % over the lowest value in the "
            "line; without a sourced number, no rise is counted (shown only)"
        ),
    )


class CalciumRules(Strict):
    """Total calcium corrected for albumin: measured + factor x (normal albumin - albumin),
    in mg/dL with albumin in g/dL (the tests' canonical units, checked at load)."""

    albumin_factor: SourcedNumber = Field(description="mg/dL of calcium per g/dL of albumin")
    normal_albumin: SourcedNumber = Field(description="g/dL; correct only below it")


class CountRule(Strict):
    """A blood count a drug's label wants at or above a level before a dose."""

    test: Slug = Field(description="a lab test id; `min` is in that test's canonical unit")
    min: float
    unit: str
    label_text: str = Field(description="what the source says, in short")
    sources: Sources


class DrugCounts(Strict):
    drug: Slug
    rules: list[CountRule] = Field(min_length=1)


class BloodCountRules(Strict):
    """Thresholds before a cycle of chemotherapy: defaults, and per-drug label values."""

    families: list[str] = Field(
        min_length=1, description="drug families counted as chemotherapy-like here"
    )
    max_age_days: int = Field(
        ge=1, description="nextline's choice: older counts are shown but not read as ready"
    )
    shown_tests: list[Slug] = Field(min_length=1)
    default: list[CountRule] = Field(min_length=1)
    drugs: list[DrugCounts] = []


class EsasBands(Strict):
    """ESAS-r 0-10 item scores grouped into mild / moderate / severe."""

    moderate_from: SourcedNumber
    severe_from: SourcedNumber
    instrument: Sources


# --- red flags: one model per condition type -----------------------------------------------
class SignCondition(Strict):
    """A sign ticked on the symptom form, or affirmed in the words of a note (a symptom note,
    or a scan's impression): ids from `symptom_vocabulary.yaml`."""

    type: Literal["sign"]
    any: list[Slug] = Field(min_length=1)


class FeverCondition(Strict):
    """A temperature of at least `min_c`, from the temperature field or written in the note."""

    type: Literal["fever"]
    min_c: float


class Spo2BelowCondition(Strict):
    """An oxygen saturation (pulse oximeter) under `value` % on the report."""

    type: Literal["spo2_below"]
    value: float = Field(gt=0, le=100)


class StoolsCondition(Strict):
    """At least `min` stools a day, from the form's count or written in the note."""

    type: Literal["stools"]
    min: int = Field(ge=1)


class SiteCondition(Strict):
    """A metastatic site known by the as-of date and not resolved before the report (the
    cancer was there before it was found); `organ_words` also find it in a scan's lesion
    organs or a radiation site, and `scan_signs` in a scan's written impression read by the
    note reader (seen, awaiting confirmation)."""

    type: Literal["site"]
    any: list[str] = Field(min_length=1)
    organ_words: list[str] = []
    scan_signs: list[str] = []


class EsasCondition(Strict):
    type: Literal["esas"]
    item: Literal[
        "pain",
        "tiredness",
        "drowsiness",
        "nausea",
        "appetite",
        "shortness_of_breath",
        "depression",
        "anxiety",
        "wellbeing",
    ]
    min: int = Field(ge=0, le=10)


class LabBelowCondition(Strict):
    """A result of `test` under `value` (canonical unit) within `within_days` before."""

    type: Literal["lab_below"]
    test: Slug
    value: float
    within_days: int = Field(ge=0)


class LabHighCondition(Strict):
    """A result above the lab's own upper reference limit, or above `value` when the lab
    gave no range, within `within_days` before; with `over_range: false`, above `value` (in
    the test's canonical unit) whatever the lab's range, for a threshold a label sets."""

    type: Literal["lab_high"]
    test: Slug
    value: float
    within_days: int = Field(ge=0)
    over_range: bool = True


class CalciumHighCondition(Strict):
    """The latest calcium within `within_days` before, corrected for albumin where nextline
    can (`assess.calcium`), above the lab's upper limit, or above `value` mg/dL when the lab
    gave no range; or an ionised calcium in that time above the lab's upper limit, or above
    `ionized_value` mmol/L when the lab gave no range."""

    type: Literal["calcium_high"]
    value: float
    ionized_value: float | None = None
    within_days: int = Field(ge=0)


class CalciumNormalCondition(Strict):
    """A calcium measured within `within_days` before (up to the entry's day), at or under
    the limit `calcium_high` uses (`value` mg/dL or the lab's range), with no ionised calcium
    above its limit in that time: a rule's `unless`."""

    type: Literal["calcium_normal"]
    value: float
    ionized_value: float
    within_days: int = Field(ge=0)


class SideEffectCondition(Strict):
    """A side effect recorded with one of `terms` (CTCAE terms, matched without regard to
    case, spaces or hyphens) at grade `min_grade` or more, dated within `within_days` before
    the entry (0: the same day) and not resolved by the entry's day. Why: a CTCAE grade has a
    stated meaning ("Dyspnea, grade 3: shortness of breath at rest"), so a grade a team
    recorded decides as surely as a number or a tick."""

    type: Literal["side_effect"]
    terms: list[str] = Field(min_length=1)
    min_grade: int = Field(ge=1, le=5)
    within_days: int = Field(default=0, ge=0)


class OnTreatmentCondition(Strict):
    """A drug of one of these families, classes or ids taken within `within_days` before."""

    type: Literal["on_treatment"]
    families: list[str] = []
    classes: list[Slug] = []
    drugs: list[Slug] = []
    within_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _names_something(self) -> OnTreatmentCondition:
        if not (self.families or self.classes or self.drugs):
            raise ValueError("on_treatment needs families, classes or drugs")
        return self

    def names(self, drug_id: str | None, family: str | None, classes: frozenset[str]) -> bool:
        """Whether a drug (its id, family and classes) is one this condition is about: the one
        test the red flags that fire and the "what to watch for" list both use."""
        return (
            (drug_id is not None and drug_id in self.drugs)
            or family in self.families
            or not classes.isdisjoint(self.classes)
        )


Condition = Annotated[
    SignCondition
    | FeverCondition
    | StoolsCondition
    | Spo2BelowCondition
    | SiteCondition
    | EsasCondition
    | LabBelowCondition
    | LabHighCondition
    | CalciumHighCondition
    | CalciumNormalCondition
    | SideEffectCondition
    | OnTreatmentCondition,
    Field(discriminator="type"),
]
Group = Annotated[list[Condition], Field(min_length=1)]


class FlagRule(Strict):
    """One way a red flag holds: every group holds, a group holding when any one of its
    conditions does (conjunctive normal form: "fever AND (low ANC OR chemo)")."""

    urgency: Literal["call_now", "emergency"]
    when: list[Group] = Field(min_length=1)
    unless: list[Condition] = Field(
        default=[],
        description="the rule does not hold when any of these does (a normal calcium "
        "measured the day before thirst and sickness)",
    )


class RedFlag(Strict):
    """Symptoms that mean "call your care team now" or "go to emergency".

    The most urgent rule that holds decides the urgency. `supports` are facts that raise the
    concern (a known bone site for back pain with weak legs): named in the evidence when they
    hold, never required."""

    kind: Slug
    name: str = Field(description="plain words")
    message: str = Field(description="what it may be and what to do, in plain words")
    rules: list[FlagRule] = Field(min_length=1)
    supports: list[Condition] = []
    sources: Sources


class AssessFile(Strict):
    """`assess_thresholds.yaml`."""

    format_version: Literal[1]
    recist: RecistRules
    markers: MarkerRules
    blood_counts: BloodCountRules
    esas: EsasBands
    calcium: CalciumRules


class RedFlagsFile(Strict):
    """`red_flags.yaml`."""

    format_version: Literal[1]
    window_days: int = Field(ge=0, description="nextline's choice: how far back reports count")
    red_flags: list[RedFlag] = Field(min_length=1)


class AssessKnowledge(Strict):
    """Both assess files, checked, as one object on `Knowledge.assess`."""

    recist: RecistRules
    markers: MarkerRules
    blood_counts: BloodCountRules
    esas: EsasBands
    calcium: CalciumRules
    red_flag_window_days: int
    red_flags: list[RedFlag]
    vocabulary: SymptomVocabularyFile

    def source_refs(self) -> list[tuple[str, SourceRef]]:
        """Every (owner, source ref) in the assess knowledge, for the cross-check."""
        out: list[tuple[str, SourceRef]] = []
        for name in type(self.recist).model_fields:
            value = getattr(self.recist, name)
            refs = value.sources if isinstance(value, SourcedNumber) else value
            out += [(f"assess.recist.{name}", ref) for ref in refs]
        out += [("assess.markers.supporting_only", r) for r in self.markers.supporting_only]
        out += [("assess.markers.flare_days", r) for r in self.markers.flare_days.sources]
        if self.markers.meaningful_rise_pct is not None:
            rise = self.markers.meaningful_rise_pct
            out += [("assess.markers.meaningful_rise_pct", r) for r in rise.sources]
        for name in ("albumin_factor", "normal_albumin"):
            number = getattr(self.calcium, name)
            out += [(f"assess.calcium.{name}", r) for r in number.sources]
        counts = self.blood_counts
        for rule in counts.default:
            out += [(f"assess.blood_counts.default.{rule.test}", r) for r in rule.sources]
        for drug in counts.drugs:
            for rule in drug.rules:
                out += [(f"assess.blood_counts.{drug.drug}.{rule.test}", r) for r in rule.sources]
        for band in ("moderate_from", "severe_from"):
            band_number: SourcedNumber = getattr(self.esas, band)
            out += [(f"assess.esas.{band}", r) for r in band_number.sources]
        out += [("assess.esas.instrument", r) for r in self.esas.instrument]
        for flag in self.red_flags:
            out += [(f"red_flags.{flag.kind}", r) for r in flag.sources]
        vocab = self.vocabulary
        out += [("symptom_vocabulary.context", r) for r in vocab.context_sources]
        for concept in vocab.concepts:
            out += [(f"symptom_vocabulary.{concept.id}", r) for r in concept.sources]
        return out


def _check_vocabulary(vocab: SymptomVocabularyFile, problems: list[Problem]) -> None:
    """Every sign the form offers has words; ids are unique; a word pair's lists hold single
    words (the reader compares them one word at a time)."""
    from nextline.record.file_models import SIGNS

    ids = [c.id for c in vocab.concepts]
    for sign in SIGNS:
        if sign not in ids:
            problems.append(
                Problem("symptom_vocabulary", f"the form's sign {sign!r} has no concept")
            )
    for concept_id in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem(f"symptom_vocabulary.{concept_id}", "duplicate concept id"))
    for concept in vocab.concepts:
        if not (concept.phrases or concept.near):
            problems.append(Problem(f"symptom_vocabulary.{concept.id}", "no phrases or pairs"))
        for pair in concept.near:
            for word in [*pair.a, *pair.b]:
                if " " in word.strip():
                    problems.append(
                        Problem(f"symptom_vocabulary.{concept.id}", f"{word!r} is not one word")
                    )


def load_assess(
    folder: Path,
    sources: dict[str, Any],
    drugs: dict[str, Any],
    lab_tests: dict[str, Any],
    problems: list[Problem],
    classes: dict[str, Any] | None = None,
) -> AssessKnowledge | None:
    """Read `assess_thresholds.yaml` and `red_flags.yaml` when present, and cross-check
    them: every source id exists, every drug and lab test named exists, and every count
    threshold is in its test's canonical unit (so values are never compared across units)."""
    from nextline.knowledge.base import _read_yaml, _validate

    if not (folder / "assess_thresholds.yaml").exists():
        return None
    thresholds = _validate(
        AssessFile,
        _read_yaml(folder / "assess_thresholds.yaml", problems),
        "assess_thresholds.yaml",
        problems,
    )
    flags = _validate(
        RedFlagsFile, _read_yaml(folder / "red_flags.yaml", problems), "red_flags.yaml", problems
    )
    vocab = _validate(
        SymptomVocabularyFile,
        _read_yaml(folder / "symptom_vocabulary.yaml", problems),
        "symptom_vocabulary.yaml",
        problems,
    )
    if not (thresholds and flags and vocab):
        return None
    classes = classes or {}
    concepts = {c.id for c in vocab.concepts}
    _check_vocabulary(vocab, problems)
    assess = AssessKnowledge(
        recist=thresholds.recist,
        markers=thresholds.markers,
        blood_counts=thresholds.blood_counts,
        esas=thresholds.esas,
        calcium=thresholds.calcium,
        red_flag_window_days=flags.window_days,
        red_flags=flags.red_flags,
        vocabulary=vocab,
    )
    for owner, ref in assess.source_refs():
        check_source_refs(owner, [ref], sources, problems)
    for test in assess.markers.tests:
        if test not in lab_tests:
            problems.append(Problem("assess.markers.tests", f"unknown lab test {test!r}"))
    # the correction formula is read in these units; a lab table change must not skew it
    for test, unit in (("calcium", "mg/dL"), ("calcium_corrected", "mg/dL"), ("albumin", "g/dL")):
        known_test = lab_tests.get(test)
        if known_test is None or known_test.canonical_unit != unit:
            problems.append(Problem("assess.calcium", f"needs lab test {test!r} in {unit}"))
    if assess.calcium.normal_albumin.unit != "g/dL":
        problems.append(Problem("assess.calcium.normal_albumin", "unit must be 'g/dL'"))
    counts = assess.blood_counts
    for test in counts.shown_tests:
        if test not in lab_tests:
            problems.append(Problem("assess.blood_counts.shown_tests", f"unknown test {test!r}"))
    owned = [("default", rule) for rule in counts.default]
    for entry in counts.drugs:
        if entry.drug not in drugs:
            problems.append(Problem(f"assess.blood_counts.{entry.drug}", "unknown drug"))
        owned += [(entry.drug, rule) for rule in entry.rules]
    for owner, rule in owned:
        known = lab_tests.get(rule.test)
        if known is None:
            problems.append(Problem(f"assess.blood_counts.{owner}", f"unknown test {rule.test!r}"))
        elif known.canonical_unit != rule.unit:
            problems.append(
                Problem(
                    f"assess.blood_counts.{owner}.{rule.test}",
                    f"unit {rule.unit!r} is not the test's canonical unit {known.canonical_unit!r}",
                )
            )
    seen: set[str] = set()
    for flag in assess.red_flags:
        if flag.kind in seen:
            problems.append(Problem(f"red_flags.{flag.kind}", "duplicate kind"))
        seen.add(flag.kind)
        conditions = [c for rule in flag.rules for group in rule.when for c in group]
        for condition in [*conditions, *flag.supports]:
            where = f"red_flags.{flag.kind}"
            if isinstance(condition, LabBelowCondition | LabHighCondition) and (
                condition.test not in lab_tests
            ):
                problems.append(Problem(where, f"unknown lab test {condition.test!r}"))
            signs: list[str] = []
            if isinstance(condition, SignCondition):
                signs = condition.any
            elif isinstance(condition, SiteCondition):
                signs = condition.scan_signs
            for sign in signs:
                if sign not in concepts:
                    problems.append(Problem(where, f"unknown sign {sign!r}"))
            if isinstance(condition, OnTreatmentCondition):
                for drug in condition.drugs:
                    if drug not in drugs:
                        problems.append(Problem(where, f"unknown drug {drug!r}"))
                for cls in condition.classes:
                    if cls not in classes:
                        problems.append(Problem(where, f"unknown drug class {cls!r}"))
    return assess
