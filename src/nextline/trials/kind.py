"""What kind of study a trial is, and whom it enrols, read from its registry fields and text.

Why: a person with metastatic breast cancer can only join studies that enrol people like
them. An imaging pilot in newly diagnosed primary breast cancer, an adjuvant trial, a
screening programme or a study of infant care may share words with their record, but none
is a trial they can join; and a supportive-care or imaging study, even when open to them,
is not a next treatment. `classify` names both so the matcher can rule out the wrong
population and list treatment trials first.

Pure: reads a `Trial`, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nextline.trials.models import Trial

Purpose = Literal[
    "treatment", "supportive_care", "diagnostic", "screening_prevention", "observational"
]
Population = Literal[
    "metastatic_breast",  # enrols people with metastatic or advanced breast cancer
    "advanced_cancers",  # advanced solid tumours, breast not excluded (baskets)
    "breast_stage_unstated",  # breast cancer, whether it may have spread is not said
    "early_breast",  # early, primary or operable breast cancer only
    "other_cancers",  # cancers other than breast
    "no_cancer",  # people without cancer: screening, risk, healthy volunteers, infants
]
# Populations that may include a person whose breast cancer has spread.
ENROLS_METASTATIC: frozenset[str] = frozenset(
    {"metastatic_breast", "advanced_cancers", "breast_stage_unstated"}
)

POPULATION_WORDS: dict[str, str] = {
    "metastatic_breast": "people with breast cancer that has spread",
    "advanced_cancers": "people with advanced cancers of several kinds",
    "breast_stage_unstated": "people with breast cancer (stage not stated)",
    "early_breast": "people with early breast cancer that has not spread",
    "other_cancers": "people with other cancers",
    "no_cancer": "people without cancer (screening, risk or healthy volunteers)",
}


@dataclass(frozen=True, slots=True)
class TrialKind:
    purpose: Purpose
    population: Population


_I = re.IGNORECASE
_BREAST = re.compile(
    r"breast\s+(?:cancer|carcinoma|neoplasm|tumou?r|malignan|adenocarcinoma)|"
    r"\b(?:mbc|tnbc)\b|(?:carcinoma|cancer) of (?:the )?(?:female |male )?breast|"
    r"breast neoplasms?|\bher2[- ]?(?:positive|negative|low|\+)|hormone[- ]receptor",
    _I,
)
_CANCER = re.compile(
    r"cancer|carcinoma|neoplasm|tumou?r|malignan|oncolog|metasta|sarcoma|lymphoma|leuk|"
    r"melanoma|myeloma|glioma|blastoma|myelodysplas|\bcrpc\b|\bmcrpc\b|mycosis fungoides|"
    r"carcinoid",
    _I,
)
_METASTATIC = re.compile(
    r"metasta(?:tic|ses|sis)|stage\s+iv\b|\bunresectable|\binoperable|\bincurable|"
    r"(?<!locally )\badvanced\b|\bmbc\b|relapsed\s*/\s*refractory|"
    r"(?:locally\s+)?recurrent\b(?!\s+(?:risk|score))|brain metastas",
    _I,
)
_EARLY = re.compile(
    r"\bearly[- ](?:stage|breast)|\bprimary breast|\boperable\b|\bneo-?adjuvant|"
    r"\badjuvant\b|\bpre-?operative|\bpost-?operative|window[- ]of[- ]opportunity|"
    r"stage\s+(?:0|i{1,3}[abc]?|[123][abc]?)\b(?!\s*(?:-|to|–)\s*iv)|ductal carcinoma in situ|"
    r"\bdcis\b|\bsurvivors?\b|\bnewly diagnosed\b|\bcurative\b|\blumpectomy|\bmastectomy|"
    r"partial breast irradiation|\bde-?escalation of breast radiation",
    _I,
)
_NOT_METASTATIC = re.compile(
    r"\b(?:no|without|non-?|absence of|free of|not)\s+(?:\w+\s+){0,3}?(?:evidence of\s+)?"
    r"(?:distant\s+)?metasta",
    _I,
)
_SCREENING = re.compile(
    r"\bscreen(?:ing)?\b(?!\s*(?:visit|period|failure|assessment))|early detection|"
    r"risk[- ]reduc|cancer prevention|"
    r"(?:prevention of|preventing|prevent) (?:postpartum[- ]related |primary )?"
    r"(?:breast )?cancer\b|"
    r"hereditary (?:\w+ ){0,2}(?:risk|syndrome)|"
    r"genetic testing|family history|mammograph|high[- ]risk (?:women|individuals)",
    _I,
)
_DIAGNOSTIC = re.compile(
    r"\bpet\b|pet/ct|\bimaging\b|biodistribution|radiotracer|\btracer\b|\bdiagnostic\b|"
    r"\bmri\b|tomosynthesis|fluoroestradiol|\bfes\b|\bbpet\b|89zr|68ga|\[18f\]|\bfapi\b|"
    r"\bassay\b.{0,40}\bvalidation|liquid biopsy evaluation",
    _I,
)
_THERAPY = re.compile(
    r"radiotherapy|radiation therapy|radiosurgery|\bsbrt\b|chemotherapy|inhibitor|"
    r"\bversus\b|\bvs\.?\b|\bcombination\b|\bplus\b|immunotherapy|vaccine|"
    r"antibody[- ]drug conjugate|treatment of\b",
    _I,
)
_SUPPORTIVE = re.compile(
    r"symptom|quality of life|psychosocial|psycholog|distress|fatigue|neuropath|"
    r"cardio-?toxic|cardiac toxicity|arthralgia|\bexercise|\bdiet|nutrition|supplement|"
    r"adherence|\beducation|decision (?:aid|support)|navigat|telehealth|mindful|meditation|"
    r"\byoga\b|sexual|vulvovaginal|\bsleep\b|\bpain\b|anxiety|depress|coping|caregiver|"
    r"\bapp\b|web[- ]based|skin appearance|hot flash|lymph(?:o)?edema|cannabi|disparit|"
    r"financial|\binfant|breastfeeding|acupuncture|psychotherapy|counsel|well-?being|"
    r"microbiome|care delivery|care tracker|treatment delay",
    _I,
)


def _text(*parts: str | None) -> str:
    return " ; ".join(p for p in parts if p)


def _purpose(trial: Trial, head: str) -> Purpose:
    if _SCREENING.search(head):
        return "screening_prevention"
    if (trial.study_type or "").upper().startswith("OBSERVATIONAL"):
        return "observational"
    if _DIAGNOSTIC.search(trial.title) and not _THERAPY.search(trial.title):
        return "diagnostic"
    if _SUPPORTIVE.search(trial.title) or (
        not trial.interventions and _SUPPORTIVE.search(trial.summary or "")
    ):
        return "supportive_care"
    return "treatment"


def _stage_from_criteria(text: str) -> Population | None:
    """The stage an inclusion section asks for, from its first lines."""
    inclusion = re.split(r"exclusion criteria", text, maxsplit=1, flags=_I)[0][:2500]
    cleaned = _NOT_METASTATIC.sub(" ", inclusion)
    if _METASTATIC.search(cleaned):
        return "metastatic_breast"
    if _EARLY.search(inclusion):
        return "early_breast"
    return None


def classify(trial: Trial) -> TrialKind:
    """The study's purpose and the population it enrols (see the module docstring)."""
    head = _text(trial.title, trial.official_title, *trial.conditions)
    summary = trial.summary or ""
    purpose = _purpose(trial, _text(head, *trial.keywords))
    breast = bool(_BREAST.search(head) or _BREAST.search(summary[:600]))
    if not breast:
        if not (_CANCER.search(head) or _CANCER.search(summary[:600])):
            return TrialKind(purpose, "no_cancer")
        if purpose == "screening_prevention":
            return TrialKind(purpose, "no_cancer")
        # conditions that name no organ ("Advanced Solid Tumors") take any solid cancer
        # (imported here: the criteria reader is not needed to match a prepared catalog)
        from nextline.trials.eligibility.study_record import condition_constraint

        generic = condition_constraint(trial).statuses == ("any_solid_tumor",)
        return TrialKind(purpose, "advanced_cancers" if generic else "other_cancers")
    metastatic_head = bool(_METASTATIC.search(_NOT_METASTATIC.sub(" ", head)))
    early_head = bool(_EARLY.search(head))
    if purpose == "screening_prevention" and not metastatic_head:
        return TrialKind(purpose, "no_cancer")
    if trial.accepts_healthy_volunteers and not metastatic_head and purpose != "treatment":
        return TrialKind(purpose, "no_cancer")
    if metastatic_head:
        # "locally advanced" alone in a neoadjuvant study is early; anything else that names
        # spread is metastatic
        return TrialKind(purpose, "metastatic_breast")
    if early_head:
        return TrialKind(purpose, "early_breast")
    summary_head = _NOT_METASTATIC.sub(" ", summary[:800])
    if _METASTATIC.search(summary_head):
        return TrialKind(purpose, "metastatic_breast")
    if _EARLY.search(summary[:800]):
        return TrialKind(purpose, "early_breast")
    found = _stage_from_criteria(trial.eligibility_text)
    return TrialKind(purpose, found or "breast_stage_unstated")
