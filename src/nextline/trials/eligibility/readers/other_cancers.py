"""Other-cancers reader: whether a text names a cancer other than breast cancer, which marks
a basket trial's criterion as belonging to another tumour type.

Lives here, not in `study_record.py`, so the criterion pipeline and the study-record
criteria both use it without importing each other.

Pure: text in, yes or no out.
"""

from __future__ import annotations

import re

_OTHER_CANCER_IN_TEXT = re.compile(
    r"\b(?:nsclc|sclc|hnscc|pdac|hcc|crpc|mcrpc|rcc|crc|dlbcl|aml|cll|gbm)\b|"
    r"(?:lung|colorectal|colon|prostate|ovarian|pancreatic|gastric|esophageal|oesophageal|"
    r"hepatocellular|renal|bladder|urothelial|endometrial|cervical|head and neck|thyroid) "
    r"(?:cancer|carcinoma|adenocarcinoma|tumou?rs?)|melanoma|lymphoma|leukemia|myeloma|"
    r"sarcoma|glioma|glioblastoma|mesothelioma|cholangiocarcinoma",
    re.IGNORECASE,
)


# any solid tumour: a criterion that takes them is not only for other cancers
_ANY_SOLID = re.compile(r"\bsolid (?:tumou?r|malignan|neoplasm|cancer)", re.IGNORECASE)
# breast cancer by any of its names ("TNBC", "MBC", "HR+/HER2- BC")
_BREAST = re.compile(r"breast|\btnbc\b|\bmbc\b|\bbc\b", re.IGNORECASE)


def names_breast(text: str) -> bool:
    """Whether a text names breast cancer ("breast", "TNBC", "MBC", "HR+/HER2- BC")."""
    return bool(_BREAST.search(text))


def mentions_other_cancer(text: str) -> bool:
    """Whether a text names a cancer other than breast cancer."""
    return bool(_OTHER_CANCER_IN_TEXT.search(text))


def about_other_cancers(text: str) -> bool:
    """A criterion that names other cancers and not breast cancer (in a basket trial)."""
    return not names_breast(text) and not _ANY_SOLID.search(text) and mentions_other_cancer(text)
