"""The strict schema every knowledge file follows (STYLE.md §11).

Why strict: clinical facts are data, so a typo in a knowledge file must fail loudly at load,
never silently change what a person is told. Every model forbids unknown keys, every fact
names at least one source from `sources.yaml`, and ids are stable `lower_snake` slugs.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

FORMAT_VERSION = 1
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not a lower_snake id")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]


class Strict(BaseModel):
    """Base for knowledge models: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(Strict):
    """A public document a fact rests on (FDA label, NCI page, guideline, RECIST, CTCAE)."""

    id: Slug
    title: str
    url: str = Field(pattern=r"^https://")
    publisher: str
    accessed: date
    published: date | None = None


class SourceRef(Strict):
    """A fact's pointer to a source, with the section that says it."""

    id: Slug
    section: str | None = None


class SourcesFile(Strict):
    format_version: Literal[1]
    sources: list[Source]


class DrugClass(Strict):
    """A class or family of drugs (aromatase inhibitor, taxane, ...)."""

    id: Slug
    name: str
    plain: str = Field(description="what it is in plain words")
    family: Literal[
        "endocrine",
        "targeted",
        "anti_her2",
        "chemotherapy",
        "immunotherapy",
        "adc",
        "supportive",
        "other",
    ]
    parent: Slug | None = None
    sources: list[SourceRef] = Field(min_length=1)


class DrugClassesFile(Strict):
    format_version: Literal[1]
    classes: list[DrugClass]


Route = Literal["oral", "iv", "subcutaneous", "intramuscular", "other"]


class Drug(Strict):
    """One drug by its generic name, with every brand and biosimilar that means it."""

    id: Slug
    name: str = Field(description="generic name, lowercase, e.g. 'trastuzumab deruxtecan'")
    brands: list[str] = []
    biosimilars: list[str] = []
    aliases: list[str] = Field(default=[], description="other spellings and abbreviations")
    classes: list[Slug] = Field(min_length=1)
    payload: Slug | None = Field(default=None, description="for an antibody-drug conjugate")
    contains: list[Slug] = Field(
        default=[],
        description="drugs this product contains (Phesgo: pertuzumab and trastuzumab); a person "
        "given it has had each of them",
    )
    route: Route
    how_given: str = Field(description="how and how often, in plain words")
    common_side_effects: list[str] = []
    serious_side_effects: list[str] = []
    rxnorm: str | None = Field(default=None, pattern=r"^[0-9]+$")
    us_approved: bool = True
    sources: list[SourceRef] = Field(min_length=1)


class DrugsFile(Strict):
    format_version: Literal[1]
    drugs: list[Drug]


class PlausibleRange(Strict):
    """The values a lab can report for a test at all, in its canonical unit. A data-entry
    check, not a clinical threshold: a value outside it is asked about ("is this right?")
    before it is saved, because a unit mix-up is the usual cause."""

    low: float
    high: float
    sources: list[SourceRef] = Field(min_length=1)

    @model_validator(mode="after")
    def _low_below_high(self) -> PlausibleRange:
        if self.low >= self.high:
            raise ValueError(f"low {self.low:g} is not below high {self.high:g}")
        return self


class LabTest(Strict):
    """A test the record understands: its names, LOINC code and canonical unit."""

    id: Slug
    name: str
    aliases: list[str] = []
    loinc: str = Field(pattern=r"^[0-9]+-[0-9]$")
    also_loinc: list[Annotated[str, Field(pattern=r"^[0-9]+-[0-9]$")]] = Field(
        default=[], description="other LOINC codes labs use for the same test"
    )
    canonical_unit: str
    kind: Literal["tumor_marker", "blood_count", "chemistry", "heart", "other"]
    molar_mass_g_per_mol: float | None = Field(
        default=None, description="lets mass and molar concentrations convert (creatinine)"
    )
    plausible: PlausibleRange | None = None
    sources: list[SourceRef] = Field(min_length=1)


class LabTestsFile(Strict):
    format_version: Literal[1]
    tests: list[LabTest]
