"""The immunotherapy markers of the record (PD-L1, MSI, mismatch repair, TMB) in plain
words for the dashboard.

Why: a person who typed "PD-L1 CPS 12 by 22C3" or "MSI-high" on the tumor test form should
see it read back beside ER, PR and HER2; these markers decide whether immunotherapy fits.
For each marker the newest test on or before the day that reports it counts (the patient
format: "the newest result of a kind counts").
"""

from __future__ import annotations

import datetime as dt

from nextline.record import PatientFile
from nextline.record.file_models import PdL1Result

MSI_WORDS = {
    "high": "MSI-high",
    "low": "MSI-low",
    "stable": "microsatellite stable (MSS)",
}
MMR_WORDS = {
    "deficient": "mismatch repair deficient (dMMR)",
    "proficient": "mismatch repair proficient (pMMR)",
}


def _pdl1_words(pdl1: PdL1Result) -> str | None:
    scores = [
        f"{name} {value:g}{unit}"
        for name, value, unit in (
            ("CPS", pdl1.cps, ""),
            ("IC", pdl1.ic_percent, " %"),
            ("TPS", pdl1.tps_percent, " %"),
        )
        if value is not None
    ]
    if not scores:
        return None
    assay = f" ({pdl1.assay})" if pdl1.assay else ""
    return f"PD-L1 {', '.join(scores)}{assay}"


def immune_markers(file: PatientFile, day: dt.date) -> list[str]:
    """Each marker's newest result on or before `day`, in plain words (empty when none)."""
    tests = sorted((t for t in file.tumor_tests if t.date <= day), key=lambda t: t.date)
    found: dict[str, str] = {}
    for test in tests:  # oldest first: a newer result of a kind replaces an older one
        pdl1 = _pdl1_words(test.pdl1) if test.pdl1 is not None else None
        if pdl1:
            found["pdl1"] = pdl1
        if test.msi is not None:
            found["msi"] = MSI_WORDS[test.msi]
        if test.mmr is not None:
            found["mmr"] = MMR_WORDS[test.mmr]
        if test.tmb_mut_per_mb is not None:
            found["tmb"] = f"TMB {test.tmb_mut_per_mb:g} mutations/Mb"
    return [found[k] for k in ("pdl1", "msi", "mmr", "tmb") if k in found]


__all__ = ["immune_markers"]
