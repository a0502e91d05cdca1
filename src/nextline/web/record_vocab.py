"""Plain words for the closed choices of the record forms (web/record_forms.py).

The stored value is always the patient format's own code; only the words shown change. The
scales are worded from their public definitions:
- ECOG performance status: ECOG-ACRIN Cancer Research Group, "ECOG Performance Status Scale"
  (Oken MM et al., Am J Clin Oncol 1982;5:649-655), https://ecog-acrin.org/resources/ecog-performance-status/
- Side-effect grades: NCI Common Terminology Criteria for Adverse Events v5.0 (2017), the
  general grade definitions, https://ctep.cancer.gov/protocoldevelopment/electronic_applications/ctc.htm
"""

from __future__ import annotations

# (value stored in the file, words shown)
METASTASIS_SITES = [
    ("bone", "Bones"),
    ("liver", "Liver"),
    ("lung", "Lungs"),
    ("pleura", "The lining around the lungs (pleura)"),
    ("brain", "Brain"),
    ("leptomeninges", "The lining around the brain and spinal cord (leptomeninges)"),
    ("lymph_nodes", "Lymph nodes (glands) away from the breast"),
    ("skin", "Skin"),
    ("peritoneum", "The lining inside the belly (peritoneum)"),
    ("other", "Somewhere else (say where below)"),
]
SITE_WORDS = dict(METASTASIS_SITES)

YES_NO = [("true", "Yes"), ("false", "No")]

# How spread to the brain was treated (patient format `metastases[].treated`).
BRAIN_TREATMENTS = [
    ("SRS", "Focused radiation to each spot (stereotactic radiosurgery, SRS)"),
    ("WBRT", "Radiation to the whole brain (WBRT)"),
    ("surgery", "An operation to remove it"),
    ("none", "Not treated yet"),
]

LATERALITY = [("left", "Left breast"), ("right", "Right breast"), ("bilateral", "Both breasts")]
PRESENTATION = [
    ("de_novo", "The spread was found when the cancer was first found (de novo)"),
    ("recurrent", "It came back after earlier treatment (recurrent)"),
]
HISTOLOGY = [
    ("ductal", "Ductal (also called no special type, NST)"),
    ("lobular", "Lobular"),
    ("mixed", "Mixed ductal and lobular"),
    ("other", "Another type"),
]

# What surgery after treatment before surgery found (patient format `pathologic_response`).
PATHOLOGIC_RESPONSE = [
    ("pCR", "No cancer was left (complete response, pCR)"),
    ("residual", "Some cancer was left (residual disease)"),
]

# ECOG 0-4 (5 is death and is never asked). Source: ECOG-ACRIN, see the module docstring.
ECOG = [
    ("0", "0: Fully active. I can do everything I did before I was ill"),
    ("1", "1: I can't do hard physical work, but I walk and do light work (housework, office)"),
    ("2", "2: I walk and look after myself but can't work; up and about most of the day"),
    ("3", "3: I can only partly look after myself; in bed or a chair most of the day"),
    ("4", "4: I can't look after myself at all; in bed or a chair all day"),
]

# CTCAE v5.0 general grades 1-4 (grade 5, death from the side effect, is never asked).
SIDE_EFFECT_GRADES = [
    ("1", "1, mild: I notice it, but it doesn't stop me doing things"),
    ("2", "2, moderate: it gets in the way of everyday jobs like cooking or shopping"),
    ("3", "3, severe: I can't look after myself (washing, dressing), or I needed hospital"),
    ("4", "4, life-threatening: it needed urgent treatment"),
]

DISEASE_STATUS = [
    ("improved", "Better: the cancer has shrunk or improved"),
    ("stable", "About the same (stable)"),
    ("worsened", "Worse: the cancer has grown or spread"),
    ("mixed", "Mixed: better in some places, worse in others"),
    ("not_evaluable", "They could not tell yet"),
]

THERAPY_SETTING = [
    ("metastatic", "for the spread (metastatic) cancer"),
    ("adjuvant", "after surgery, to lower the risk of return (adjuvant)"),
    ("neoadjuvant", "before surgery (neoadjuvant)"),
    ("supportive", "to ease symptoms (supportive)"),
]

__all__ = [
    "BRAIN_TREATMENTS",
    "DISEASE_STATUS",
    "ECOG",
    "HISTOLOGY",
    "LATERALITY",
    "METASTASIS_SITES",
    "PATHOLOGIC_RESPONSE",
    "PRESENTATION",
    "SIDE_EFFECT_GRADES",
    "SITE_WORDS",
    "THERAPY_SETTING",
    "YES_NO",
]
