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
    r"\bdcis\b|\bsurvivors?\b|\bcurative\b|\blumpectomy|\bmastectomy|"
    r"partial breast irradiation|\bde-?escalation of breast radiation",
    _I,
)
# "Stages I-IV", "Stage I, II, III, or IV", "any stage": every stage, stage IV among them
ANY_STAGE = re.compile(
    r"\bstages?\s+(?:0|i|1)\s*(?:-|–|to|through)\s*(?:iv|4)\b|"
    r"\bstages?\s+(?:0|i{1,3}[abc]?|[1-3][abc]?)(?:\s*,\s*(?:i{1,3}[abc]?|[1-3][abc]?))*,?\s*"
    r"(?:,|or|and)\s*(?:iv|4)\b|\b(?:any|all) stages?\b",
    _I,
)
# an inclusion that takes people who have cancer ("have a diagnosis of cancer"), whatever
# else the study is about (early detection, people at risk)
_HAS_CANCER = re.compile(
    r"\b(?:have|has|with) a diagnosis of (?:\w+ )?cancer\b|\bdiagnosed with (?:\w+ )?cancer\b",
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


# words by which an inclusion section takes breast cancer or any solid tumour
_TAKES_ANY = re.compile(
    r"breast|\btnbc\b|\bmbc\b|(?<!criteria in )solid (?:tumou?r|malignan|neoplasm|cancer)|"
    r"any (?:\w+ )?(?:cancer|tumou?r|malignan)|all (?:solid )?tumou?rs?|tumou?r[- ]agnostic|"
    r"other (?:solid )?(?:tumou?r|cancer|malignan)|advanced (?:cancer|malignan)|"
    r"metastatic (?:cancer|malignan)|cancer (?:patients|diagnosis)|"
    r"(?:diagnosis|diagnosed|history) of (?:a |an )?cancer|"
    r"not limited to|including but|such as|\ba (?:solid )?tumou?r\b|any type|"
    r"confirmed malignanc|malignanc(?:y|ies) (?:that|which|for which)\b",
    _I,
)


def _only_other_cancers(trial: Trial) -> bool:
    """Whether a study filed under a catch-all condition ("Advanced Malignant Solid
    Neoplasm") beside other cancers ("Metastatic Colorectal Carcinoma") has an inclusion
    section that names other cancers and never breast cancer or cancers in general
    ("confirmed CRC or EGC adenocarcinoma"; "eligible tumor histologies include renal cell
    carcinoma, urothelial carcinomas, ... and melanoma"): it is not for breast cancer."""
    from nextline.trials.eligibility.readers.other_cancers import mentions_other_cancer
    from nextline.trials.eligibility.study_record import names_other_site

    if not any(names_other_site(c) for c in trial.conditions):
        return False
    inclusion = re.split(r"exclusion criteria", trial.eligibility_text, maxsplit=1, flags=_I)[0]
    return mentions_other_cancer(inclusion) and not _TAKES_ANY.search(inclusion)


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
        if generic and _only_other_cancers(trial):
            generic = False
        return TrialKind(purpose, "advanced_cancers" if generic else "other_cancers")
    metastatic_head = bool(_METASTATIC.search(_NOT_METASTATIC.sub(" ", head)))
    early_head = bool(_EARLY.search(head))
    inclusion = re.split(r"exclusion criteria", trial.eligibility_text, maxsplit=1, flags=_I)[0]
    # "Stages I-IV", "Stage I, II, III, or IV": stage IV among the stages it takes, whatever
    # its title says ("survivors", a registry that also takes healthy carriers)
    any_stage = bool(ANY_STAGE.search(inclusion))
    with_cancer = any_stage or bool(_HAS_CANCER.search(inclusion))
    if purpose == "screening_prevention" and not metastatic_head and not with_cancer:
        return TrialKind(purpose, "no_cancer")
    if (
        trial.accepts_healthy_volunteers
        and not metastatic_head
        and purpose != "treatment"
        and not with_cancer
    ):
        return TrialKind(purpose, "no_cancer")
    if metastatic_head or any_stage:
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
