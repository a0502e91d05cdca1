"""The trial catalog's model: one study, however it arrived (API v2 JSON, legacy XML, the
bundled snapshot). Loaders convert into `Trial`; the matcher reads only `Trial`."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class Site(BaseModel):
    """A place the study recruits, with coordinates when the source gives them."""

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
