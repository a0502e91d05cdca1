"""The `nextline trials match --json` document as pydantic models: the JSON Schema in
`schema/trials.schema.json` is generated from them, and tests validate real output
against them. Stable: add optional fields only."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CatalogInfo(_Model):
    source: str = Field(description="where the trials came from")
    trials: int = Field(description="how many trials the catalog holds")
    updated: str | None = Field(description="date of the catalog (YYYY-MM-DD)")


class Evidence(_Model):
    path: str | None = Field(
        description="the record entry the answer rests on, e.g. 'tumor_tests[1]'"
    )
    detail: str = Field(description="what that entry says, in short words")


class CriterionOut(_Model):
    text: str = Field(description="the criterion as the study writes it")
    section: Literal["inclusion", "exclusion"]
    type: str = Field(description="what it is about (her2, prior_therapy, lab, ... or text)")
    verdict: Literal["met", "not_met", "unknown"] = Field(
        description="for an exclusion, 'met' means the exclusion applies"
    )
    evidence: Evidence | None


class SiteOut(_Model):
    facility: str | None
    city: str | None
    country: str | None
    distance_km: float | None


class CohortOut(_Model):
    name: str = Field(
        description="the cohort, part or arm with what it is for, e.g. 'Part 2B (ER+HER2- "
        "breast cancer 2-4L, combination with fulvestrant)'"
    )
    verdict: Literal["likely_eligible", "possibly_eligible", "likely_ineligible"] = Field(
        description="this cohort's verdict: the shared criteria plus its own"
    )
    reasons: list[str] = Field(description="why this cohort is likely_ineligible")
    to_find_out: list[str] = Field(description="tests or facts that would settle this cohort")


class MatchOut(_Model):
    nct_id: str
    title: str
    phase: str | None
    status: str | None
    verdict: Literal["likely_eligible", "possibly_eligible", "likely_ineligible"]
    cohort: str | None = Field(
        default=None,
        description="the cohort, part or arm whose own criteria fit best, when the study "
        "has them (e.g. 'Cohort 1: HR+/HER2-low')",
    )
    purpose: str | None = Field(
        default=None,
        description="what the study is for: treatment, supportive_care, diagnostic, "
        "screening_prevention or observational",
    )
    population: str | None = Field(
        default=None,
        description="whom it enrols: metastatic_breast, advanced_cancers, "
        "breast_stage_unstated, early_breast, other_cancers or no_cancer",
    )
    score: float
    criteria: list[CriterionOut]
    summary: str | None = Field(
        default=None,
        description="one plain line: what is tested, what kind of study, where (distance only "
        "when measured, otherwise 'distance unknown — sites in: ...')",
    )
    to_find_out: list[str] = Field(description="tests or facts that would settle unknowns")
    reasons: list[str] = Field(description="why a trial is likely_ineligible (with --all)")
    cohorts: list[CohortOut] = Field(
        default_factory=list,
        description="each cohort's verdict when the study has two or more cohorts, parts or "
        "arms with their own criteria; the trial's verdict, reasons and to_find_out are the "
        "best cohort's",
    )
    sites: list[SiteOut]


class MatchReport(_Model):
    """Which trials a person might join, best first."""

    patient: str
    as_of: str
    catalog: CatalogInfo
    matches: list[MatchOut]
