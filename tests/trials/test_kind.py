"""`classify`: what a study is for and whom it enrols, from registry fields and text. The
cases are phrasings of each class, not the bundled trials' exact titles."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.trials.kind import classify
from nextline.trials.models import Trial


def _trial(title: str, conditions: list[str], **extra: Any) -> Trial:
    return Trial(nct_id="NCT00000009", title=title, conditions=conditions, **extra)


@pytest.mark.parametrize(
    ("title", "conditions", "extra", "purpose", "population"),
    [
        (
            "Capivasertib plus fulvestrant after a CDK4/6 inhibitor",
            ["Metastatic Breast Cancer"],
            {},
            "treatment",
            "metastatic_breast",
        ),
        (
            "Zr-89 labelled antibody PET imaging of HER2-low tumours",
            ["Breast Cancer Metastatic"],
            {},
            "diagnostic",
            "metastatic_breast",
        ),
        (
            "Uptake of [18F]fluoroestradiol in primary breast cancer",
            ["Breast Cancer"],
            {},
            "diagnostic",
            "early_breast",
        ),
        (
            "Neoadjuvant pembrolizumab and chemotherapy",
            ["Stage II Breast Cancer", "Stage III Breast Cancer"],
            {},
            "treatment",
            "early_breast",
        ),
        (
            "Camizestrant versus standard endocrine therapy in ER+/HER2- early breast cancer",
            ["Breast Cancer, Early Breast Cancer"],
            {},
            "treatment",
            "early_breast",
        ),
        (
            "A mobile mammography outreach programme for rural women",
            ["Breast Cancer"],
            {},
            "screening_prevention",
            "no_cancer",
        ),
        (
            "Online peer support to promote safe infant sleep",
            ["Breastfeeding", "Sudden Infant Death"],
            {},
            "supportive_care",
            "no_cancer",
        ),
        (
            "A telehealth psychosocial programme for people with stage IV cancer",
            ["Advanced Breast Cancer", "Advanced Lung Cancer"],
            {},
            "supportive_care",
            "metastatic_breast",
        ),
        (
            "Dose escalation of XYZ-123 in advanced solid tumours",
            ["Advanced Solid Tumor"],
            {},
            "treatment",
            "advanced_cancers",
        ),
        (
            "Osimertinib after progression",
            ["Non-small Cell Lung Cancer"],
            {},
            "treatment",
            "other_cancers",
        ),
        (
            "Tissue and blood collection for cancer research",
            ["Breast Cancer"],
            {"study_type": "OBSERVATIONAL"},
            "observational",
            "breast_stage_unstated",
        ),
        (
            "Statins to prevent cardiotoxicity during HER2-directed therapy",
            ["Breast Cancer"],
            {"summary": "Adults with early breast cancer after surgery receiving trastuzumab"},
            "supportive_care",
            "early_breast",
        ),
    ],
)
def test_purpose_and_population(
    title: str, conditions: list[str], extra: dict[str, Any], purpose: str, population: str
) -> None:
    kind = classify(_trial(title, conditions, **extra))
    assert (kind.purpose, kind.population) == (purpose, population)


def test_the_criteria_settle_the_stage_when_title_and_summary_do_not() -> None:
    spread = _trial(
        "ABC-1 with letrozole",
        ["Breast Cancer"],
        eligibility_text="Inclusion Criteria:\n* Metastatic breast cancer, measurable disease\n",
    )
    local = _trial(
        "ABC-1 with letrozole",
        ["Breast Cancer"],
        eligibility_text="Inclusion Criteria:\n* Operable breast cancer, no distant metastases\n",
    )
    assert classify(spread).population == "metastatic_breast"
    assert classify(local).population == "early_breast"
