"""The choices the forms offer: the patient format's own words (spec: goals, care_team), and
the lab units the record can convert."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge

# (value stored in the file, words shown)
GOAL_PRIORITIES = [
    ("live_longer", "Living as long as possible"),
    ("quality_of_life", "Feeling as well as possible"),
    ("symptom_control", "Keeping symptoms under control"),
    ("time_at_home", "Time at home, fewer hospital visits"),
    ("work", "Being able to keep working"),
]
GOAL_AVOID = [
    ("hair_loss", "Losing my hair"),
    ("iv_infusions", "Treatments through a drip (IV)"),
    ("frequent_visits", "Frequent clinic visits"),
]
GOAL_PREFER = [("oral", "Pills I can take at home")]
CONSIDERING = [
    ("treatment_break", "A break from treatment"),
    ("stopping_treatment", "Stopping cancer treatment"),
    ("hospice", "Hospice care"),
]
CARE_ROLES = [
    ("medical_oncologist", "Medical oncologist (cancer doctor)"),
    ("radiation_oncologist", "Radiation oncologist"),
    ("surgeon", "Surgeon"),
    ("radiologist", "Radiologist"),
    ("pathologist", "Pathologist"),
    ("nurse", "Nurse"),
    ("navigator", "Nurse navigator"),
    ("social_worker", "Social worker"),
    ("palliative_care", "Palliative care (comfort and symptom care)"),
    ("genetic_counselor", "Genetic counselor"),
    ("primary_care", "Family doctor"),
]

# Unit spellings offered in the lab form, as printed on most reports. Only those the record
# can convert to some known test's unit are shown (see `lab_units`).
_UNIT_CHOICES = [
    "U/mL",
    "kU/L",
    "ng/mL",
    "ug/L",
    "10^9/L",
    "10^3/uL",
    "/uL",
    "g/dL",
    "g/L",
    "mg/dL",
    "umol/L",
    "mmol/L",
    "U/L",
    "%",
]
ULN_CHOICE = ("xULN", "times the upper limit of normal (xULN)")


def lab_units(kb: Knowledge) -> list[str]:
    """The unit choices that convert to the unit of at least one known lab test."""
    from nextline.record.units import UnitError, conversion_factor

    targets = {(t.canonical_unit, t.molar_mass_g_per_mol) for t in kb.lab_tests.values()}
    usable = []
    for unit in _UNIT_CHOICES:
        for canonical, molar_mass in targets:
            try:
                conversion_factor(unit, canonical, molar_mass)
            except UnitError:
                continue
            usable.append(unit)
            break
    return usable
