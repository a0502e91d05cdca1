"""Places a scan shows cancer that the record's list of metastatic sites does not hold yet.

Why: every engine that depends on where the cancer has spread (the cord-compression warning,
bone-directed options, the PDF) reads `metastases`, which a person fills in by hand. A scan's
lesion organs are free text ("T12 vertebra", "right lobe of liver"), so they are offered as
sites to confirm, never added silently. Pure: a patient file in, suggestions out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nextline.record import PatientFile

# Words in a lesion's organ that point to a site in the patient format's closed list
# (`metastases[].site`). Order matters: the first site whose word matches wins, so the
# linings come first: the pleura before the lung ("pleural effusion of the lung base"), the
# peritoneum before the brain and the bones ("parietal peritoneum", "pelvic peritoneal
# implant"). Words that also name soft tissue ("pelvic", "spinal" as in the spinal cord,
# "parietal" alone) are left out: a wrong site here would be offered as a confirmed spread.
_SITE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("leptomeninges", ("leptomening", "meninges", "meningeal")),
    ("pleura", ("pleura",)),
    ("peritoneum", ("peritone", "omentum", "omental")),
    ("brain", ("brain", "cerebral", "cerebell", "frontal lobe", "temporal lobe", "parietal lobe")),
    ("lymph_nodes", ("lymph", "node", "nodal", "axilla", "axillary", "mediastin", "hilar")),
    (
        "bone",
        (
            "bone",
            "osseous",
            "skelet",
            "spine",
            "vertebra",
            "sacrum",
            "sacral",
            "pelvis",
            "rib",
            "iliac",
            "ilium",
            "femur",
            "femoral",
            "humerus",
            "sternum",
            "skull",
            "scapula",
        ),
    ),
    ("liver", ("liver", "hepatic", "hepato")),
    ("lung", ("lung", "pulmonary", "lobe")),
    ("skin", ("skin", "cutaneous", "dermal")),
)
# One pattern per site, built once: any of its words starting at a word boundary (the same
# test as trying each word in turn, without escaping and looking up each word per lesion).
_SITE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (site, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")"))
    for site, words in _SITE_WORDS
)
# Vertebra names such as "T12", "L3", "C5", "S1" (a letter then a number, standing alone).
_VERTEBRA = re.compile(r"\b[CTLS]\d{1,2}\b")


def scan_name(modality: str) -> str:
    """`CT` as "CT scan", `bone scan` as itself, `ultrasound` as "ultrasound scan"."""
    return modality if "scan" in modality.lower() else f"{modality} scan"


def organ_site(organ: str | None, node: bool = False) -> str | None:
    """The metastatic site a lesion's organ words name, or None when they name none known."""
    if node:
        return "lymph_nodes"
    if not organ:
        return None
    if _VERTEBRA.search(organ):
        return "bone"
    text = organ.lower()
    for site, pattern in _SITE_PATTERNS:
        if pattern.search(text):
            return site
    return None


@dataclass(frozen=True)
class SeenSite:
    """A site seen on a scan and not on the list: which, and the scan that shows it first."""

    site: str
    modality: str
    date: str  # ISO date of the first scan showing it

    @property
    def words(self) -> str:
        return self.site.replace("_", " ")

    @property
    def scan(self) -> str:
        return scan_name(self.modality)


def unconfirmed_sites(file: PatientFile) -> list[SeenSite]:
    """Sites a scan's present lesions point to that `metastases` does not list. A site listed
    as resolved covers the scans up to the day it resolved; a later scan showing it again is
    asked about (it may have come back)."""
    listed = {m.site for m in file.metastases if m.resolved is None}
    resolved: dict[str, dt.date] = {}
    for m in file.metastases:
        if m.resolved is not None and m.resolved > resolved.get(m.site, dt.date.min):
            resolved[m.site] = m.resolved
    found: dict[str, SeenSite] = {}
    for scan in sorted(file.imaging, key=lambda s: s.date):
        for lesion in scan.lesions:
            if lesion.status == "absent":
                continue
            site = organ_site(lesion.organ, lesion.node)
            if site is None or site in listed or site in found:
                continue
            if site in resolved and scan.date <= resolved[site]:
                continue
            found[site] = SeenSite(site, scan.modality, scan.date.isoformat())
    return list(found.values())


__all__ = ["SeenSite", "organ_site", "scan_name", "unconfirmed_sites"]
