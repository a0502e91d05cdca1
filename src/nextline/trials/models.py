"""The trial catalog's model: one study, however it arrived (API v2 JSON, legacy XML, the
bundled snapshot). Loaders convert into `Trial`; the matcher reads only `Trial`.

Spellings follow ClinicalTrials.gov API v2 whatever the source: status `RECRUITING`,
phases `PHASE1`/`EARLY_PHASE1`/`NA`, sex `ALL`/`FEMALE`/`MALE`, study type `INTERVENTIONAL`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, computed_field


class Site(BaseModel):
    """A place the study recruits, with coordinates when the source gives them.

    Sources that name only countries (the bundled snapshot) give one `Site` per country
    with every other field empty.
    """

    model_config = ConfigDict(frozen=True)

    facility: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    postal_code: str | None = None
    status: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class Trial(BaseModel):
    """One clinical study as nextline keeps it."""

    model_config = ConfigDict(frozen=True)

    nct_id: str
    title: str
    official_title: str | None = None
    status: str | None = None  # RECRUITING, NOT_YET_RECRUITING, ... (API v2 spelling)
    phases: list[str] = []  # PHASE1, PHASE2, ... (API v2 spelling)
    conditions: list[str] = []
    interventions: list[str] = []
    summary: str | None = None
    eligibility_text: str = ""
    minimum_age_years: float | None = None
    maximum_age_years: float | None = None
    sex: str | None = None  # ALL, FEMALE, MALE
    sites: list[Site] = []
    last_update: dt.date | None = None
    source: str | None = None  # where this copy came from (file name or API)
    # Added with the loaders; all optional so older stored copies still validate.
    study_type: str | None = None  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    keywords: list[str] = []
    sponsor: str | None = None
    enrollment: int | None = None
    start_date: dt.date | None = None  # a month-only date is read as the month's first day
    completion_date: dt.date | None = None
    accepts_healthy_volunteers: bool | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """The study's public page."""
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

    @property
    def countries(self) -> list[str]:
        """The countries of the sites, each once, in the order first seen."""
        seen: dict[str, None] = {}
        for site in self.sites:
            if site.country:
                seen.setdefault(site.country, None)
        return list(seen)
