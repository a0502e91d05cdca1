"""What a parsed eligibility text is: criteria, each with the structured constraints read
from it. Serialisable (pydantic, JSON) so the catalog can parse once at load and store it.

A `Constraint` states one proposition about a person ("HER2-low", "received a CDK4/6
inhibitor within 12 months", "ECOG 0 to 1"); `negated` flips it. A criterion is met when its
constraints hold together (`any_of` False) or when one of them does (`any_of` True). For an
exclusion criterion, "met" means the exclusion applies.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Section = Literal["inclusion", "exclusion"]

ConstraintType = Literal[
    "condition",  # breast cancer / a solid tumour / another cancer
    "disease_stage",  # metastatic or advanced disease, or early (non-metastatic) only
    "hormone_receptor",
    "her2",
    "triple_negative",
    "alteration",
    "prior_therapy",
    "prior_lines",
    "brain_metastases",
    "measurable_disease",
    "disease_site",  # where the cancer must be: liver, bone; the main or the only site
    "performance_status",
    "age",
    "sex",
    "menopausal_status",
    "lab",
    "comorbidity",  # another health condition: HIV, hepatitis B, another cancer
    "since_diagnosis",  # how long ago the cancer was found, in days (minimum / maximum)
    "standard_options",  # no standard option left ("refractory to standard therapy")
    "tumor_profiling",  # a genomic (NGS) test of the tumour has resulted
]

# Constraint types about the cancer's biology and the treatment history: when one of them
# cannot be answered, a trial is at best "possibly eligible".
KEY_TYPES: frozenset[str] = frozenset(
    {
        "condition",
        "disease_stage",
        "hormone_receptor",
        "her2",
        "triple_negative",
        "alteration",
        "prior_therapy",
        "prior_lines",
        "brain_metastases",
        "standard_options",
        "tumor_profiling",
        "measurable_disease",  # bone-only disease is often not measurable: ask, never assume
        "disease_site",
        "sex",
        "menopausal_status",
        "symptoms",  # a topic only: symptom scores ("pain rated >= 3 out of 10")
        "biomarker",  # a topic only: a tumor marker the record does not hold (AR, PD-L1, ...)
    }
)


class Constraint(BaseModel):
    """One structured proposition about a person, read from a criterion."""

    model_config = ConfigDict(frozen=True)

    type: ConstraintType
    negated: bool = False
    # receptor: "er" | "pr" | "hr"; statuses: receptor statuses, HER2 categories, brain
    # metastasis states ("any" | "active"), menopausal statuses, sexes, disease stages
    receptor: str | None = None
    statuses: tuple[str, ...] = ()
    # alterations: genes (upper case) and whether the finding must be germline
    genes: tuple[str, ...] = ()
    germline: bool = False
    # one of these variants of the gene ("Y220C", "exon 20 insertion"); empty: any change
    variants: tuple[str, ...] = ()
    # prior therapy: what counts (any of drug ids, class ids, families)
    drug_ids: tuple[str, ...] = ()
    class_ids: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    setting: Literal["metastatic", "early"] | None = None
    # prior_lines: what is counted, lines of therapy for advanced disease or distinct drugs
    # ("at least two HER2-targeted agents"); counted drugs are those of class_ids/families
    count: Literal["lines", "agents"] = "lines"
    within_days: int | None = None  # given within this many days before the as-of date
    # washout: any such therapy received must have stopped at least this many days ago
    # ("at least 14 days since the last dose of chemotherapy"); met when none was received
    since_stop_days: int | None = None
    relapse_within_days: int | None = None  # the cancer came back during it or within this
    # many days after it stopped
    # the cancer grew (or first came back) while on it or within this many days after it
    # stopped ("progression on or within 12 months of completing trastuzumab")
    progressed_on_within_days: int | None = None
    # the cancer grew on it or at some time after starting it ("progression on or after a
    # CDK4/6 inhibitor", "refractory to endocrine therapy"): receiving it is not enough
    progressed_on: bool = False
    # the cancer came back only this many days or more after it stopped ("relapse at least
    # 12 months after completing adjuvant endocrine therapy")
    relapse_after_days: int | None = None
    progressed_within_days: int | None = None  # the cancer grew within this many days of
    # starting it
    # ranges: age (years), performance status, number of prior lines, lab thresholds
    minimum: float | None = None
    maximum: float | None = None
    scale: str | None = None  # "ecog" | "karnofsky"
    test_id: str | None = None  # lab test id in the knowledge base
    unit: str | None = None  # the lab's canonical unit, or "xULN"
    strict: bool = False  # ">"/"<" rather than ">="/"<="
    # a higher upper limit for people with liver metastases ("≤ 5 × ULN if liver
    # metastases are present"), in the same unit as `maximum`
    liver_maximum: float | None = None
    soft: bool = False  # an alternative the parser did not read exists ("or creatinine
    # clearance ≥ 60"): failing this constraint then leaves the criterion unknown
    words: str = ""  # the words it was read from

    def describe(self) -> str:
        """The proposition in short plain words, for `trials show` and evidence."""
        return describe_constraint(self)


class Criterion(BaseModel):
    """One criterion as written, its section, the heading it sits under, and what it means."""

    model_config = ConfigDict(frozen=True)

    text: str
    section: Section
    group: str | None = None  # the heading or parent item it sits under
    cohort: str | None = None  # set when it applies only to a cohort, arm or part
    groups: tuple[tuple[Constraint, ...], ...] = ()
    topics: tuple[str, ...] = ()  # key topics mentioned but not turned into constraints

    @property
    def constraints(self) -> tuple[Constraint, ...]:
        """Every constraint once, in order."""
        seen: dict[Constraint, None] = {}
        for group in self.groups:
            for constraint in group:
                seen.setdefault(constraint, None)
        return tuple(seen)

    @property
    def type(self) -> str:
        if self.constraints:
            return self.constraints[0].type
        return self.topics[0] if self.topics else "text"


class ParsedEligibility(BaseModel):
    """A trial's eligibility text, split and read. `version` changes when the parser does."""

    model_config = ConfigDict(frozen=True)

    version: int
    criteria: tuple[Criterion, ...] = ()
    unsectioned: bool = False  # no inclusion/exclusion headings were found


_RANGE_WORDS = {"age": "age", "performance_status": "performance status", "prior_lines": "lines"}


def _range(c: Constraint) -> str:
    low, high = c.minimum, c.maximum

    def fmt(v: float) -> str:
        return f"{v:g}"

    if low is not None and high is not None:
        return f"{fmt(low)} to {fmt(high)}"
    if low is not None:
        return f"{'more than' if c.strict else 'at least'} {fmt(low)}"
    if high is not None:
        return f"{'less than' if c.strict else 'at most'} {fmt(high)}"
    return "any"


def describe_constraint(c: Constraint) -> str:
    """Short plain words for one constraint ("not: received a CDK4/6 inhibitor ...")."""
    t = c.type
    if t == "condition":
        text = f"cancer type: {', '.join(c.statuses)}"
    elif t == "standard_options":
        text = "no standard treatment option left"
    elif t == "disease_site":
        how = {"dominant": "mainly in the", "only": "only in the"}
        where = c.statuses[0] if c.statuses else "?"
        text = f"cancer {how.get(c.statuses[-1], 'in the')} {where}"
    elif t == "since_diagnosis":
        text = f"cancer found {_range(c)} days ago"
    elif t == "comorbidity":
        said = {"hiv": "HIV", "hepatitis_b": "hepatitis B", "other_cancer": "another cancer"}
        text = " ".join(said.get(s, s) for s in c.statuses)
        if c.within_days is not None:
            text += f" within {c.within_days // 365} years"
    elif t == "tumor_profiling":
        text = "a genomic test of the tumor has a result"
    elif t == "disease_stage" and c.statuses == ("de_novo",):
        text = "disease: metastatic when first found (de novo)"
    elif t == "disease_stage":
        text = f"disease: {', '.join(c.statuses)}"
    elif t == "hormone_receptor" and "percent" in c.statuses:
        name = {"er": "ER", "pr": "PR"}.get(c.receptor or "", "ER or PR")
        text = f"{name} staining {_range(c)} %"
    elif t == "hormone_receptor":
        text = f"{(c.receptor or 'hr').upper()} {' or '.join(c.statuses)}"
    elif t == "her2":
        text = f"HER2 {' or '.join(c.statuses)}".replace(
            "ihc2_not_amplified", "IHC 2+ not amplified"
        )
    elif t == "triple_negative":
        text = "triple-negative"
    elif t == "alteration":
        text = f"{'germline ' if c.germline else ''}{' or '.join(c.genes)} alteration"
        if c.variants:
            origin = "germline " if c.germline else ""
            text = f"{origin}{' or '.join(c.genes)} {' or '.join(c.variants)}"
    elif t == "prior_therapy":
        named = [*c.drug_ids, *c.class_ids, *(f"any {f}" for f in c.families)]
        text = f"received {' or '.join(named).replace('_', ' ')}"
        if c.setting:
            text += f" ({c.setting} setting)"
        if c.within_days is not None:
            text += f" within {c.within_days} days"
        if c.since_stop_days is not None:
            text = f"if {text}, stopped at least {c.since_stop_days} days ago"
        if c.progressed_within_days is not None:
            text += f", with progression within {c.progressed_within_days} days of starting it"
        if c.progressed_on:
            text += ", with the cancer growing on it or after it"
        if c.progressed_on_within_days is not None:
            text += f", with growth during it or within {c.progressed_on_within_days} days after"
        if c.relapse_after_days is not None:
            text += f", with relapse at least {c.relapse_after_days} days after it stopped"
        if c.relapse_within_days is not None:
            text += f", with relapse during it or within {c.relapse_within_days} days after"
    elif t == "prior_lines" and c.count == "agents":
        named = [*c.class_ids, *c.families]
        what = f" {' or '.join(named).replace('_', ' ')}" if named else ""
        where = " for advanced disease" if c.setting == "metastatic" else ""
        text = f"different{what} drugs received{where}: {_range(c)}"
    elif t == "prior_lines":
        what = f" of {' or '.join(c.families)}" if c.families else ""
        text = f"prior lines{what} for advanced disease: {_range(c)}"
    elif t == "brain_metastases":
        state = c.statuses[0] if c.statuses else "any"
        text = {
            "active": "active brain metastases",
            "leptomeningeal": "leptomeningeal disease",
        }.get(state, "brain metastases")
    elif t == "measurable_disease" and "is_bone_only" in c.statuses:
        text = "bone-only disease"
    elif t == "measurable_disease":
        text = "measurable disease (RECIST 1.1)"
        if "bone" in c.statuses:
            text += " or bone metastases"
        elif "bone_qualified" in c.statuses:
            text += " or some kinds of bone metastases"
        if "bone_only" in c.statuses:
            text += " or bone-only disease"
        elif "bone_only_qualified" in c.statuses:
            text += " or some kinds of bone-only disease"
    elif t == "performance_status":
        text = f"{(c.scale or 'ecog').upper()} {_range(c)}"
    elif t == "age":
        text = f"age {_range(c)} years"
    elif t == "sex":
        text = f"sex: {' or '.join(c.statuses)}"
    elif t == "menopausal_status":
        text = f"{' or '.join(c.statuses)}"
    elif t == "lab":
        unit = "× ULN" if c.unit == "xULN" else (c.unit or "")
        text = f"{(c.test_id or 'lab').replace('_', ' ')} {_range(c)} {unit}".strip()
    else:  # pragma: no cover - closed set
        text = t
    return f"not: {text}" if c.negated else text
