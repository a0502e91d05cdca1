"""What the options engine returns: each option with its verdict and the evidence for it.

Slotted dataclasses with a `to_json()` that gives the stable `--json` contract
(`schema/options.schema.json`). They are read-only values: the engine hands the same option
to every person it fits the same way (`engine._Memo`), so one changed in place would change
it for them all. `@_value` makes mypy (strict) refuse any assignment to a field, without the
cost of a frozen dataclass (each field set through `object.__setattr__`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, dataclass_transform

from pydantic import Field

Verdict = Literal["fits", "may_fit", "does_not_fit"]
Kind = Literal["systemic", "radiation", "surgery", "supportive", "trial", "care"]
T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def _value(cls: type[T]) -> type[T]:
    """A slotted dataclass that mypy treats as frozen (read-only, shared between people)."""
    return dataclass(slots=True)(cls)


@_value
class Reason:
    """One condition and how the record answers it; `rests_on` is the record entry path."""

    text: str
    rests_on: str | None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "rests_on": self.rests_on}


@_value
class SourceCite:
    id: str
    title: str
    url: str
    section: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "section": self.section}


@_value
class CautionNote:
    """Something in the record that calls for care with this option (never a silent no)."""

    id: str
    text: str
    rests_on: str | None
    sources: tuple[SourceCite, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "rests_on": self.rests_on,
            "sources": [s.to_json() for s in self.sources],
        }


@_value
class Option:
    """One option for this person, with the indication it was judged against."""

    id: str
    name: str
    kind: Kind
    drugs: tuple[str, ...]
    verdict: Verdict
    reasons: tuple[Reason, ...]
    needs: tuple[str, ...]
    sources: tuple[SourceCite, ...]
    group: str
    group_name: str
    indication: str | None = None
    indication_summary: str | None = None
    approved: dt.date | None = None
    # The partner choices, each given with `drugs` ("+ chemotherapy": [[paclitaxel],
    # [nab-paclitaxel], [gemcitabine, carboplatin]]); empty when the regimen is complete.
    drug_choices: Annotated[
        tuple[tuple[str, ...], ...],
        Field(
            description="The partner choices of a combination, each given with `drugs` "
            "(pembrolizumab + chemotherapy: [[paclitaxel], [protein-bound paclitaxel], "
            "[gemcitabine, carboplatin]]); empty when the regimen names every drug."
        ),
    ] = ()
    # Drugs of this option used for breast cancer by guidelines, not FDA-approved for it.
    not_fda_approved_for_breast: Annotated[
        tuple[str, ...],
        Field(
            description="Drugs of this option used for breast cancer by guidelines but not "
            "FDA-approved for it."
        ),
    ] = ()
    cautions: tuple[CautionNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "drugs": list(self.drugs),
            "verdict": self.verdict,
            "reasons": [r.to_json() for r in self.reasons],
            "needs": list(self.needs),
            "sources": [s.to_json() for s in self.sources],
            "group": self.group,
            "group_name": self.group_name,
            "indication": self.indication,
            "indication_summary": self.indication_summary,
            "approved": self.approved.isoformat() if self.approved else None,
            "cautions": [c.to_json() for c in self.cautions],
            "drug_choices": [list(choice) for choice in self.drug_choices],
            "not_fda_approved_for_breast": list(self.not_fda_approved_for_breast),
        }


@_value
class TestSuggestion:
    """A test not yet done that could open options."""

    id: str
    name: str
    why: str
    detail: str
    rests_on: str | None
    sources: tuple[SourceCite, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "why": self.why,
            "detail": self.detail,
            "rests_on": self.rests_on,
            "sources": [s.to_json() for s in self.sources],
        }


@_value
class EndocrineSensitivityNote:
    """Hormone therapy sensitivity by the ABC consensus definitions (primary or secondary
    resistance), with the record entry it rests on."""

    status: Literal["primary_resistance", "secondary_resistance", "sensitive", "no_hormone_therapy"]
    text: str
    rests_on: str | None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "text": self.text, "rests_on": self.rests_on}


@_value
class OptionsResult:
    """Every option for one person as of one date, grouped in the order a care team usually
    considers them for the subtype (never ranked as advice), and tests worth considering."""

    patient: str
    as_of: dt.date
    kb_version: str
    subtype: str | None
    next_line: int
    options: tuple[Option, ...]
    tests_to_consider: tuple[TestSuggestion, ...]
    # Derived facts the verdicts rest on, said once for the whole page.
    endocrine_sensitivity: Annotated[
        EndocrineSensitivityNote | None,
        Field(
            description="Hormone therapy sensitivity by the ABC consensus definitions; "
            "no_hormone_therapy when none is on record."
        ),
    ] = None
    # Plain notes for the whole page (the scans suggest the running treatment stopped
    # working; a visceral crisis puts the fastest-acting treatment first).
    notes: Annotated[
        tuple[str, ...],
        Field(
            description="Plain notes for the whole page: the running treatment still works "
            "(other treatments are for later); the scans suggest it stopped working; a "
            "visceral crisis; ECOG 3-4."
        ),
    ] = ()

    def by_verdict(self, verdict: Verdict) -> list[Option]:
        return [o for o in self.options if o.verdict == verdict]

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "patient": self.patient,
            "as_of": self.as_of.isoformat(),
            "kb_version": self.kb_version,
            "subtype": self.subtype,
            "next_line": self.next_line,
            "options": [o.to_json() for o in self.options],
            "tests_to_consider": [t.to_json() for t in self.tests_to_consider],
            "endocrine_sensitivity": None
            if self.endocrine_sensitivity is None
            else self.endocrine_sensitivity.to_json(),
            "notes": list(self.notes),
        }
