"""The schema of the options knowledge: regimens and their indications, non-drug and
supportive options, and tests worth considering (STYLE.md §11).

Why a closed set of rule types: an indication's conditions ("HR-positive", "ESR1 mutation",
"progressed on at least one endocrine therapy") are data copied from a source, and each
condition type has exactly one small evaluator in `nextline.options.rules`. A typo in a rule
name or field fails at load; a new kind of condition means a new rule type, its evaluator
and its tests, never free text the engine guesses at.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from nextline.knowledge.schema import Slug, SourceRef, Strict

Her2Category = Literal[
    "positive",
    "low",
    "ultralow",
    "zero",
    "zero_or_ultralow",
    "negative_unspecified",
    "equivocal",
]
Setting = Literal["neoadjuvant", "adjuvant", "metastatic"]
Family = Literal[
    "endocrine", "targeted", "anti_her2", "chemotherapy", "immunotherapy", "adc", "supportive"
]
Site = Literal[
    "bone",
    "liver",
    "lung",
    "pleura",
    "brain",
    "leptomeninges",
    "lymph_nodes",
    "skin",
    "peritoneum",
    "other",
]
Subtype = Literal["hr_positive_her2_negative", "her2_positive", "triple_negative"]
Kind = Literal["systemic", "radiation", "surgery", "supportive", "trial", "care"]

# --- rules: one model per condition type --------------------------------------------------


class HrStatus(Strict):
    """Hormone receptor status (ER or PR positive or low counts as positive)."""

    rule: Literal["hr_status"]
    status: Literal["positive", "negative"]


class Her2CategoryIn(Strict):
    """The newest HER2 category is one of these (ASCO/CAP categories)."""

    rule: Literal["her2_category_in"]
    categories: list[Her2Category] = Field(min_length=1)
    label: str = Field(description="what the categories mean together, e.g. 'HER2-negative'")


class TumorBiomarkerHigh(Strict):
    """A tumor test showing MSI-high, mismatch repair deficiency (dMMR), or a tumor
    mutational burden of at least `tmb_min` mutations per megabase."""

    rule: Literal["tumor_biomarker_high"]
    markers: list[Literal["msi_high", "mmr_deficient", "tmb_high"]] = Field(min_length=1)
    tmb_min: float = Field(default=10.0, gt=0)


class AlterationDetected(Strict):
    """An alteration in any of these genes found in a tumor, blood or germline test."""

    rule: Literal["alteration_detected"]
    genes: list[str] = Field(min_length=1)
    since_last_progression: bool = Field(
        default=False,
        description="a negative result only counts when the sample was taken after the last "
        "progression (ESR1 mutations arise on endocrine therapy)",
    )
    sample: str = Field(default="a tumor or blood sample", description="for the `needs` text")
    alteration_words: list[str] = Field(
        default=[],
        description="when set, a change counts only if its description says one of these "
        "words ('fusion'); a change that does not say is a question, not a match",
    )
    blood_negative: Literal["final", "ask_tissue"] = Field(
        default="final",
        description="`ask_tissue`: a 'not detected' from blood tests only is not final (blood "
        "tests miss some of these changes; ASCO suggests a tissue test)",
    )


class GermlinePathogenic(Strict):
    """An inherited (germline) pathogenic or likely pathogenic variant in any of these genes."""

    rule: Literal["germline_pathogenic"]
    genes: list[str] = Field(min_length=1)


class PdL1CpsAtLeast(Strict):
    """PD-L1 combined positive score at or above a threshold (22C3 assay)."""

    rule: Literal["pdl1_cps_at_least"]
    value: float = Field(ge=0)


class MenopausalStatusOrOvarianSuppression(Strict):
    """After menopause, or (when the source allows it) before menopause with ovarian
    suppression; men are covered when `men` is true."""

    rule: Literal["menopausal_status_or_ovarian_suppression"]
    premenopausal: Literal["excluded", "with_ovarian_suppression"]
    men: bool | Literal["with_gnrh_agonist"] = Field(
        default=True,
        description="`with_gnrh_agonist`: men are covered with a GnRH agonist alongside (an "
        "aromatase inhibitor alone does not lower a man's estrogen enough)",
    )


class MenopausalStatusIn(Strict):
    """The menopausal status on record is one of these (women only)."""

    rule: Literal["menopausal_status_in"]
    statuses: list[Literal["premenopausal", "perimenopausal", "postmenopausal"]] = Field(
        min_length=1
    )


class NoVisceralCrisis(Strict):
    """No visceral crisis in the newest team assessment that says either way.
    `when_crisis`: `unmet` for treatment too slow for a crisis (hormone therapy alone),
    `unknown` where the team must weigh it (hormone therapy with a targeted drug)."""

    rule: Literal["no_visceral_crisis"]
    when_crisis: Literal["unmet", "unknown"] = "unmet"


class NotPd1Candidate(Strict):
    """Not a candidate for PD-1/PD-L1 immunotherapy: PD-L1 CPS below 10 (the 22C3 cut-off
    for pembrolizumab in breast cancer), or a condition on record that rules it out."""

    rule: Literal["not_pd1_candidate"]
    words: list[str] = Field(
        default=[], description="comorbidity words that usually rule out immunotherapy"
    )


class SexIs(Strict):
    rule: Literal["sex"]
    sexes: list[Literal["female", "male"]] = Field(min_length=1)


class PriorClassReceived(Strict):
    """At least `min_count` regimens containing one of these classes (or families, or drugs)
    were given in one of `settings`; with `progressed`, the disease grew on or after them."""

    rule: Literal["prior_class_received"]
    classes: list[Slug] = []
    families: list[Family] = []
    drugs: list[Slug] = []
    settings: list[Setting] = Field(default=["metastatic"], min_length=1)
    progressed: bool = False
    min_count: int = Field(default=1, ge=1)
    label: str = Field(description="plain name of what was needed, e.g. 'endocrine therapy'")


class NotReceived(Strict):
    """None of these classes, families or drugs given in `settings` ("initial therapy")."""

    rule: Literal["not_received"]
    classes: list[Slug] = []
    families: list[Family] = []
    drugs: list[Slug] = []
    settings: list[Setting] = Field(default=["metastatic"], min_length=1)
    label: str


class NotProgressedOnDrug(Strict):
    """The disease has not grown while on any of these drugs (in any setting)."""

    rule: Literal["not_progressed_on_drug"]
    drugs: list[Slug] = Field(min_length=1)


class NotProgressedOnClass(Strict):
    """The disease has not grown on any drug of these classes in `settings`."""

    rule: Literal["not_progressed_on_class"]
    classes: list[Slug] = Field(min_length=1)
    settings: list[Setting] = Field(default=["metastatic"], min_length=1)
    label: str


class RelapseWithinMonthsOfAdjuvant(Strict):
    """The cancer came back during, or within `months` of finishing, (neo)adjuvant therapy
    of these classes or families."""

    rule: Literal["relapse_within_months_of_adjuvant"]
    months: int = Field(ge=0, le=120)
    # a guideline's longer window (ASCO HER2: a return within 12 months of trastuzumab-based
    # treatment is treated as second line): a return after `months` but within it is a
    # question for the team, not a "no"
    guideline_months: int | None = Field(default=None, ge=0, le=120)
    classes: list[Slug] = []
    families: list[Family] = []
    label: str


class MinPriorLines(Strict):
    """At least `count` prior therapies: `metastatic_lines` counts lines for metastatic
    disease; `systemic_therapies` also counts (neo)adjuvant treatment as one therapy, with at
    least `min_metastatic` of them for metastatic disease."""

    rule: Literal["min_prior_lines"]
    count: int = Field(ge=1)
    counting: Literal["metastatic_lines", "systemic_therapies"] = "metastatic_lines"
    min_metastatic: int = Field(default=0, ge=0)
    families: list[Family] = Field(default=[], description="count only lines with these")
    label: str


class SitePresent(Strict):
    """Metastases in any of these sites (known and not resolved)."""

    rule: Literal["site_present"]
    sites: list[Site] = Field(min_length=1)


class BrainLesionsAtMost(Strict):
    """No more than `count` brain metastases on record."""

    rule: Literal["brain_lesions_at_most"]
    count: int = Field(ge=1)


class SymptomAtLeast(Strict):
    """The newest symptom report scores this symptom (0-10, ESAS) at or above `score`."""

    rule: Literal["symptom_at_least"]
    symptom: Literal["pain", "shortness_of_breath", "tiredness"]
    score: int = Field(ge=0, le=10)


class CurrentTreatmentWorking(Strict):
    """A treatment for metastatic disease is running and has not stopped working (no
    recorded growth, no growth on its scans by RECIST 1.1): carrying on with it is an option."""

    rule: Literal["current_treatment_working"]


class DiseaseUnderControl(Strict):
    """A treatment for metastatic disease is running (or paused for a planned break) and has
    not stopped working, and no visceral crisis is on record: a planned break is for a
    cancer under control (ESMO ABC), never for one growing or in a crisis."""

    rule: Literal["disease_under_control"]


class HospiceTimely(Strict):
    """Hospice is a question for now, not too early: the person says they are weighing
    hospice or stopping treatment, or rests in bed or a chair much of the day (ECOG 3-4),
    or treatment for metastatic disease was given and nothing running is working now. Not
    while a treatment is working, nor before any treatment for metastatic disease."""

    rule: Literal["hospice_timely"]


class UlnLimit(Strict):
    """A lab test (knowledge-base id) and the multiple of its upper limit of normal."""

    test: Slug
    multiple: float = Field(gt=0)


class LabsWithinUln(Strict):
    """No newest result of these tests above its multiple of the upper limit of normal
    (a label's contraindication, such as ixabepilone with capecitabine and the liver).
    Only results given with a reference range or as a multiple of it are compared."""

    rule: Literal["labs_within_uln"]
    limits: list[UlnLimit] = Field(min_length=1)
    label: str


class AnyOf(Strict):
    """Met when any one of the inner rules is met."""

    rule: Literal["any_of"]
    rules: list[Rule] = Field(min_length=2)


Rule = Annotated[
    HrStatus
    | Her2CategoryIn
    | AlterationDetected
    | TumorBiomarkerHigh
    | GermlinePathogenic
    | PdL1CpsAtLeast
    | MenopausalStatusOrOvarianSuppression
    | MenopausalStatusIn
    | SexIs
    | NoVisceralCrisis
    | NotPd1Candidate
    | PriorClassReceived
    | NotReceived
    | NotProgressedOnDrug
    | NotProgressedOnClass
    | RelapseWithinMonthsOfAdjuvant
    | MinPriorLines
    | SitePresent
    | BrainLesionsAtMost
    | SymptomAtLeast
    | CurrentTreatmentWorking
    | DiseaseUnderControl
    | HospiceTimely
    | LabsWithinUln
    | AnyOf,
    Field(discriminator="rule"),
]
# `AnyOf` names `Rule`, defined after it: pydantic resolves it when the schema is first
# built (knowledge models defer building until a file is validated; see `schema.Strict`).

RULE_TYPES: tuple[str, ...] = (
    "hr_status",
    "her2_category_in",
    "alteration_detected",
    "tumor_biomarker_high",
    "germline_pathogenic",
    "pdl1_cps_at_least",
    "menopausal_status_or_ovarian_suppression",
    "menopausal_status_in",
    "sex",
    "no_visceral_crisis",
    "not_pd1_candidate",
    "prior_class_received",
    "not_received",
    "not_progressed_on_drug",
    "not_progressed_on_class",
    "relapse_within_months_of_adjuvant",
    "min_prior_lines",
    "site_present",
    "brain_lesions_at_most",
    "symptom_at_least",
    "current_treatment_working",
    "disease_under_control",
    "hospice_timely",
    "labs_within_uln",
    "any_of",
)

# --- cautions: conditions that call for care, never silent exclusions ---------------------


class ComorbidityAny(Strict):
    """A comorbidity whose name contains any of these words (case and spacing ignored)."""

    when: Literal["comorbidity_any"]
    words: list[str] = Field(min_length=1)


class LabBelow(Strict):
    """The newest result of a lab test (canonical unit) is below `value`."""

    when: Literal["lab_below"]
    test: Slug
    value: float


class LabAbove(Strict):
    when: Literal["lab_above"]
    test: Slug
    value: float


class LabAboveUln(Strict):
    """The newest result of a lab test is above `multiple` times its upper limit of normal
    (only results given with a reference range, or as a multiple of it, are compared)."""

    when: Literal["lab_above_uln"]
    test: Slug
    multiple: float = Field(gt=0)


class LabMissing(Strict):
    """No result of this test on record."""

    when: Literal["lab_missing"]
    test: Slug


class Always(Strict):
    """Said to everyone this option could fit (a label's boxed or main warning)."""

    when: Literal["always"]


class EcogAtLeast(Strict):
    """The newest ECOG performance status on record is at least `value`."""

    when: Literal["ecog_at_least"]
    value: int = Field(ge=0, le=4)


class PriorProgressionOnClass(Strict):
    """The disease grew on, or came back during, a drug of any of these classes (any setting).
    Stopping for side effects alone does not count."""

    when: Literal["prior_progression_on_class"]
    classes: list[Slug] = Field(min_length=1)


CautionCondition = Annotated[
    ComorbidityAny
    | LabBelow
    | LabAbove
    | LabAboveUln
    | LabMissing
    | PriorProgressionOnClass
    | Always
    | EcogAtLeast,
    Field(discriminator="when"),
]


class Caution(Strict):
    id: Slug
    condition: CautionCondition
    text: str = Field(description="plain words, pointing to the care team")
    sources: list[SourceRef] = Field(min_length=1)


# --- regimens -------------------------------------------------------------------------------


class Indication(Strict):
    """One use of a regimen a source documents: for whom, after what, since when."""

    id: Slug
    summary: str = Field(description="the indication in plain words")
    group: Slug = Field(description="which group of options it belongs to (see groups)")
    approved: dt.date | None = Field(
        description="U.S. approval date of this use; None when it rests on guidelines "
        "(an approved drug used as the guidelines describe)"
    )
    rules: list[Rule] = Field(min_length=1)
    sources: list[SourceRef] = Field(min_length=1)


class Regimen(Strict):
    """Drugs given together, and every indication a source documents for them."""

    id: Slug
    name: str
    drugs: list[Slug] = Field(min_length=1)
    drug_choices: list[list[Slug]] = Field(
        default=[],
        description="the partner choices a source names ('+ chemotherapy': paclitaxel, or "
        "nab-paclitaxel, or gemcitabine with carboplatin); each choice is given with `drugs`",
    )
    not_fda_approved_for_breast: list[Slug] = Field(
        default=[],
        description="drugs of this regimen used for breast cancer by guidelines but not "
        "FDA-approved for it (said plainly to the person)",
    )
    indications: list[Indication] = Field(min_length=1)
    cautions: list[Caution] = []


class Group(Strict):
    id: Slug
    name: str
    plain: str


class GroupOrder(Strict):
    """The order a care team usually considers the groups in, for one subtype."""

    subtype: Subtype
    groups: list[Slug] = Field(min_length=1)
    sources: list[SourceRef] = Field(min_length=1)


class AdjuvantWindow(Strict):
    """Cancer that came back during, or within `months` of finishing, (neo)adjuvant drugs of
    these classes or families has stopped working on them (a label's or guideline's words)."""

    classes: list[Slug] = []
    families: list[Family] = []
    months: int = Field(ge=0, le=120)
    sources: list[SourceRef] = Field(min_length=1)


class StoppedWorking(Strict):
    """How the derived fact "stopped working" reads treatment before surgery or after it,
    and the definitions of endocrine resistance it reports (nextline.facts)."""

    adjuvant_windows: list[AdjuvantWindow] = Field(min_length=1)
    endocrine_resistance_sources: list[SourceRef] = Field(min_length=1)
    visceral_crisis_sources: list[SourceRef] = Field(min_length=1)


class MenopauseAfterChemotherapy(Strict):
    """Periods stopped by chemotherapy are not menopause: they can come back. After
    chemotherapy, a recorded "postmenopausal" below `confirm_below_age` is a question for the
    team before an aromatase inhibitor without ovarian suppression (nextline.options)."""

    confirm_below_age: int = Field(ge=40, le=70)
    sources: list[SourceRef] = Field(min_length=1)


class RegimensFile(Strict):
    format_version: Literal[1]
    groups: list[Group] = Field(min_length=1)
    group_order: list[GroupOrder] = Field(min_length=1)
    stopped_working: StoppedWorking | None = Field(
        default=None, description="none: only recorded progression counts as stopped working"
    )
    menopause_after_chemotherapy: MenopauseAfterChemotherapy | None = None
    regimens: list[Regimen] = Field(min_length=1)


# --- non-drug and supportive options -------------------------------------------------------


class NonDrugOption(Strict):
    """Radiation, surgery, supportive care, trials, palliative care and more: what it is,
    when it applies (all `applies_when` rules met; an empty list means always)."""

    id: Slug
    name: str
    kind: Kind
    group: Slug
    plain: str
    drugs: list[Slug] = []
    applies_when: list[Rule] = []
    needs_always: list[str] = Field(
        default=[], description="what the team must weigh each time (turns fits into may_fit)"
    )
    sources: list[SourceRef] = Field(min_length=1)


class NonDrugOptionsFile(Strict):
    format_version: Literal[1]
    options: list[NonDrugOption] = Field(min_length=1)


# --- tests worth considering ---------------------------------------------------------------


class TestToConsider(Strict):
    """A test not yet done that could open options; suggested when every `when` rule is met
    and `missing` says the result is not on record."""

    id: Slug
    name: str
    why: str = Field(description="plain words: what it could open")
    when: list[Rule] = []
    missing: Literal[
        "genes",  # none of `genes` tested (or, with fresh, none since the last progression)
        "germline_genes",  # none of `genes` in a germline test
        "pdl1",  # no PD-L1 result
        "her2_ihc_score",  # HER2 reported only as "negative", without the IHC score
        "her2_ultralow",  # HER2 IHC 0 without a word on faint staining
        "her2_on_metastasis",  # HER2 last tested before the cancer spread
    ]
    genes: list[str] = []
    fresh_since_last_progression: bool = False
    sources: list[SourceRef] = Field(min_length=1)


class TestsFile(Strict):
    format_version: Literal[1]
    tests: list[TestToConsider] = Field(min_length=1)


class OptionsKnowledge(Strict):
    """The options part of the knowledge base, loaded and cross-checked by `base.py`."""

    groups: dict[str, Group]
    group_order: dict[str, GroupOrder]
    stopped_working: StoppedWorking | None = None
    menopause_after_chemotherapy: MenopauseAfterChemotherapy | None = None
    regimens: dict[str, Regimen]
    non_drug: dict[str, NonDrugOption]
    tests: dict[str, TestToConsider]
