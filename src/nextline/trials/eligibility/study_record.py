"""Criteria that come from the study record rather than its criteria text: the cancer types
it is for (conditions), the subtype named in its title or conditions, and the structured
age and sex limits. Added to every parsed trial so the matcher sees one list."""

from __future__ import annotations

import re

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.extract import read_criterion
from nextline.trials.eligibility.models import Constraint, Criterion
from nextline.trials.eligibility.readers.other_cancers import mentions_other_cancer, names_breast
from nextline.trials.eligibility.refractory import standard_options_constraint
from nextline.trials.eligibility.split import RawCriterion, clean_text
from nextline.trials.models import Trial

_BREAST = re.compile(r"breast|\bmbc\b|\btnbc\b", re.IGNORECASE)
# Organ or blood cancers that are not breast cancer: a study naming only these is not for
# breast cancer. A condition naming none of them ("Solid Tumor", "Advanced Cancer") is generic.
_OTHER_SITE = re.compile(
    r"lung|nsclc|sclc|colorectal|colon|rectal|rectum|prostat|ovar|fallopian|peritoneal|"
    r"pancrea|gastric|stomach|gastro|esophag|oesophag|liver|hepat|biliary|cholangio|"
    r"gallbladder|renal|kidney|bladder|urothel|melanoma|lymphoma|leukemia|leukaemia|myeloma|"
    r"myelodysplastic|glioma|glioblastoma|astrocytoma|medulloblastoma|brain tumou?r|"
    r"head and neck|oral|oropharyn|nasopharyn|laryn|thyroid|cervical|cervix|endometri|"
    r"uterine|uterus|vulvar|sarcoma|mesothelioma|neuroblastoma|testicular|germ cell|"
    r"neuroendocrine|carcinoid|merkel|skin|squamous cell carcinoma of|adrenal|thymic|"
    r"thymoma|retinoblastoma|wilms|hematolog|haematolog|blood cancer|myeloid|lymphoid|"
    r"myelofibrosis|anal\b|penile|bone tumou?r|osteosarcoma|ewing|cholangiocarcinoma|"
    r"hiv|healthy",
    re.IGNORECASE,
)
_TITLE_MARKER = re.compile(
    r"amplif|harbou?ring|mutat|mutant|fusion|alteration|altered|rearrang|-driven|deficien|"
    r"expressing|overexpress|positive",
    re.IGNORECASE,
)
_SUBTYPE_TYPES = frozenset({"hormone_receptor", "her2", "triple_negative", "alteration"})

__all__ = [
    "condition_constraint",
    "mentions_other_cancer",
    "names_breast",
    "names_other_site",
    "study_record_criteria",
]


# a condition naming a cancer at all; one that names none ("KRAS G12C", "Oligoprogressive",
# "Progression", "Pain") says nothing about which cancers the study takes
_A_CANCER = re.compile(
    r"cancer|carcinoma|neoplasm|tumou?r|malignan|metasta|oncolog|solid|sarcoma|lymphoma|"
    r"leuk|myeloma|melanoma|blastoma|glioma",
    re.IGNORECASE,
)


def names_other_site(condition: str) -> bool:
    """Whether a condition names an organ or blood cancer other than breast cancer."""
    return bool(_OTHER_SITE.search(condition))


def condition_constraint(trial: Trial) -> Constraint:
    """What the study's conditions say about the cancer it is for: breast cancer, any solid
    tumour (a condition naming a cancer but no organ), or only other cancers (every condition
    that names a cancer names another organ)."""
    texts = [*trial.conditions, trial.title]
    cancers = [c for c in trial.conditions if _A_CANCER.search(c) or _OTHER_SITE.search(c)]
    if any(_BREAST.search(t) for t in texts):
        kind = "breast"
    elif any(not _OTHER_SITE.search(c) for c in cancers) or not cancers:
        kind = "any_solid_tumor"
    else:
        kind = "other"
    return Constraint(type="condition", statuses=(kind,), words="; ".join(trial.conditions))


def _meaning(c: Constraint) -> tuple[object, ...]:
    """What a subtype constraint says, whatever words said it."""
    return (c.type, c.negated, c.receptor, c.statuses, c.genes, c.variants)


def _subtype_groups(text: str, kb: Knowledge) -> tuple[tuple[Constraint, ...], ...]:
    read = read_criterion(
        RawCriterion(text=clean_text(text), section="inclusion", group=None, cohort=None), kb
    )
    groups = []
    for group in read.groups:
        kept = tuple(c for c in group if c.type in _SUBTYPE_TYPES and not c.negated)
        if kept:
            groups.append(kept)
    return tuple(groups)


_ENDOCRINE_REFRACTORY = re.compile(
    r"\b(?:hormone|endocrine|hormonal)(?:[- ]therapy)?[- ](?:refractory|resistant|resistance|"
    r"pretreated|pre-treated)\b(?=[\s,-]+(?:(?:\w+|[a-z]+\+)[\s,/-]+){0,3}(?:breast|cancer|"
    r"carcinoma|disease|mbc|abc))|\b(?:refractory|resistant) to (?:endocrine|hormon\w*)",
    re.IGNORECASE,
)
_PREVENTS = re.compile(
    r"\b(?:prevent\w*|delay\w*|before)\s+(?:\w+\s+){0,2}(?:endocrine|hormon)", re.I
)


def study_record_criteria(trial: Trial, kb: Knowledge) -> list[Criterion]:
    """The study-record criteria of one trial (see the module docstring)."""
    out = [
        Criterion(
            text=f"Conditions studied: {'; '.join(trial.conditions) or 'not given'}",
            section="inclusion",
            group="study record",
            groups=((condition_constraint(trial),),),
        )
    ]
    title_groups = _subtype_groups(trial.title, kb)
    if title_groups:
        out.append(
            Criterion(
                text=f"Study title: {trial.title}",
                section="inclusion",
                group="study record",
                groups=title_groups,
            )
        )
    elif _TITLE_MARKER.search(trial.title):
        # "... With Oncogene Amplifications", "... Harboring HER2 Alterations": a tumor
        # marker the study is built around, which the parser could not name
        out.append(
            Criterion(
                text=f"Study title: {trial.title}",
                section="inclusion",
                group="study record",
                topics=("biomarker",),
            )
        )
    no_standard = standard_options_constraint(trial.title)
    told = f"Study title: {trial.title}"
    if no_standard is None and trial.summary:
        # "in participants with relapsed or refractory solid tumors", "who have exhausted
        # all standard therapy": the summary says who the study is for
        no_standard = standard_options_constraint(trial.summary)
        if no_standard is not None:
            told = f"Study summary: ... {no_standard.words} ..."
    if no_standard is not None:
        out.append(
            Criterion(
                text=told,
                section="inclusion",
                group="study record",
                groups=((no_standard,),),
            )
        )
    refractory = next(
        (
            text
            for text in (trial.title, *trial.conditions)
            if _ENDOCRINE_REFRACTORY.search(text) and not _PREVENTS.search(text)
        ),
        None,
    )
    if refractory is not None:
        # "Hormone Refractory", "Endocrine-Resistant" breast cancer: the cancer grew on (or
        # came back after) hormone therapy, so someone who never had it is not the person
        # the study is for
        out.append(
            Criterion(
                text=f"Study title or conditions: {refractory}",
                section="inclusion",
                group="study record",
                groups=(
                    (
                        Constraint(
                            type="prior_therapy",
                            families=("endocrine",),
                            # refractory or resistant: it grew on hormone therapy (or came
                            # back after it); "pretreated" asks only that it was given
                            progressed_on=not re.search(r"pre-?treated", refractory, re.I),
                            words=_ENDOCRINE_REFRACTORY.search(refractory).group(0),  # type: ignore[union-attr]
                        ),
                    ),
                ),
            )
        )
    breast_conditions = [c for c in trial.conditions if _BREAST.search(c)]
    if breast_conditions:
        per_condition = [_subtype_groups(c, kb) for c in breast_conditions]
        groups = tuple(g for groups in per_condition for g in groups)
        named = {_meaning(c) for g in groups for c in g}
        in_title = {_meaning(c) for g in _subtype_groups(trial.title, kb) for c in g}
        if in_title and not in_title & named:
            # the title names another subtype than the conditions ("... in HER2-low Metastatic
            # Breast Cancer" filed as "HER2-positive Metastatic Breast Cancer"): the record
            # contradicts itself, so the criteria text decides
            per_condition = []
        if per_condition and all(per_condition):  # each names a subtype: one must fit
            out.append(
                Criterion(
                    text=f"Breast cancer studied: {'; '.join(breast_conditions)}",
                    section="inclusion",
                    group="study record",
                    groups=groups,
                )
            )
    if trial.minimum_age_years is not None or trial.maximum_age_years is not None:
        low, high = trial.minimum_age_years, trial.maximum_age_years
        words = (
            f"{low:g} years and older"
            if high is None and low is not None
            else (
                f"up to {high:g} years"
                if low is None and high is not None
                else f"{low:g} to {high:g} years"
            )
        )
        out.append(
            Criterion(
                text=f"Age: {words} (study record)",
                section="inclusion",
                group="study record",
                groups=((Constraint(type="age", minimum=low, maximum=high, words=words),),),
            )
        )
    if trial.sex in ("FEMALE", "MALE"):
        sex = trial.sex.lower()
        out.append(
            Criterion(
                text=f"Sex: {sex} (study record)",
                section="inclusion",
                group="study record",
                groups=((Constraint(type="sex", statuses=(sex,), words=sex),),),
            )
        )
    return out
