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


# The symptom form's tick boxes (`signs` in the patient file), in plain words. Each decides a
# red flag as surely as a number does (docs/assess.md).
SIGN_CHOICES = [
    ("fever_or_chills", "Fever, or shivering / shaking chills"),
    ("back_or_neck_pain", "New or worse back or neck pain"),
    ("leg_weakness_or_numbness", "Weak, numb or tingling legs or feet"),
    ("trouble_walking", "Trouble walking or standing"),
    ("bladder_or_bowel_change", "Can't control or can't pass urine or stool"),
    ("seizure", "A seizure (fit)"),
    ("new_confusion", "New confusion, or very hard to wake"),
    ("severe_headache", "A new, severe headache"),
    ("vision_change", "A change in sight (blurred or double)"),
    ("new_cough", "A new cough"),
    ("breathlessness", "Short of breath"),
    ("chest_pain", "Chest pain"),
    ("one_swollen_leg", "One leg or arm swollen, painful or red"),
    ("diarrhea", "Diarrhoea (loose or watery stools)"),
    ("very_thirsty", "Very thirsty, or passing a lot of urine"),
    ("fainting_or_palpitations", "Fainting, or a racing or uneven heartbeat"),
    ("bleeding", "Bleeding or new bruises"),
    ("jaw_pain", "Jaw pain, a loose tooth, or a mouth sore that won't heal"),
    ("eye_pain", "Eye pain, or dry, red or gritty eyes"),
    ("rash_or_blisters", "A rash, blisters or peeling skin"),
    ("face_or_neck_swelling", "Swollen face or neck"),
    ("no_wind_or_stool", "Can't pass wind or stool"),
    ("swollen_belly", "Swollen or bloated belly"),
    ("high_sugar_reading", "A high blood sugar reading (meter or blood test)"),
]
