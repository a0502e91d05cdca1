"""Twelve invented people (session 11), none of them in any earlier test or the labelled
evaluation, for the fourth probe of trial reading over bundled trials no earlier probe used.
Varied on purpose: HER2-positive after T-DXd with untreated brain metastases, HER2-low
after CDK4/6 with ESR1, untreated TNBC, TNBC after sacituzumab, PIK3CA after alpelisib with
ECOG 2, a man with AKT1 and bone-only disease, a woman of 79, a premenopausal germline
BRCA2 carrier, HER2-positive with treated brain metastases, ECOG 3 with raised bilirubin
and low platelets, a low neutrophil count, and HER2-low after T-DXd. As of 2026-01-15."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.trials.new_people_s10 import _line, _person

AS_OF = dt.date(2026, 1, 15)

_POS = {"result": "positive", "percent": 90}
_PR = {"result": "positive", "percent": 40}
_NEG = {"result": "negative", "percent": 0}
_GERMLINE_NEGATIVE = [{"date": "2024-07-01", "genes_tested": ["BRCA1", "BRCA2", "PALB2"]}]


def _somatic(gene: str, change: str) -> dict[str, str]:
    return {"gene": gene, "alteration": change, "origin": "somatic"}


PEOPLE: dict[str, dict[str, Any]] = {
    # 45, HER2-positive (3+), ER-; after THP, then T-DXd (progressed); untreated brain
    # metastases, no symptoms
    "s01": _person(
        "s01",
        "1980-05-02",
        "female",
        "premenopausal",
        (_NEG, _NEG, {"ihc": "3+"}),
        ["liver"],
        [
            _line(["docetaxel", "trastuzumab", "pertuzumab"], "2024-06-20", "2025-03-01"),
            _line(["trastuzumab deruxtecan"], "2025-03-20", "2025-12-20"),
        ],
        1,
        brain={"treated": "none", "symptomatic": False, "on_steroids": False},
    ),
    # 62, ER+/HER2-low (2+, ISH not amplified); after letrozole + palbociclib; ESR1 Y537S
    "s02": _person(
        "s02",
        "1963-09-09",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "2+", "ish": "not_amplified"}),
        ["liver", "bone"],
        [_line(["letrozole", "palbociclib"], "2024-06-20", "2025-12-01")],
        0,
        variants=[_somatic("ESR1", "Y537S")],
        not_detected=["PIK3CA", "AKT1", "PTEN"],
        germline=_GERMLINE_NEGATIVE,
    ),
    # 51, triple-negative (HER2 0), de novo, untreated; PD-L1 CPS 12
    "s03": _person(
        "s03",
        "1974-11-30",
        "female",
        "postmenopausal",
        (_NEG, _NEG, {"ihc": "0"}),
        ["lung"],
        [],
        0,
        since="2025-12-10",
        pdl1={"assay": "22C3", "cps": 12},
    ),
    # 48, triple-negative (HER2 0); after paclitaxel + pembrolizumab, then sacituzumab
    # govitecan (progressed); germline negative
    "s04": _person(
        "s04",
        "1977-03-14",
        "female",
        "premenopausal",
        (_NEG, _NEG, {"ihc": "0"}),
        ["lung", "lymph_nodes"],
        [
            _line(["paclitaxel", "pembrolizumab"], "2024-06-20", "2025-04-01"),
            _line(["sacituzumab govitecan"], "2025-04-20", "2025-12-15"),
        ],
        1,
        germline=_GERMLINE_NEGATIVE,
    ),
    # 69, ER+/HER2 0, PIK3CA H1047R; after letrozole + palbociclib, then fulvestrant +
    # alpelisib (progressed); ECOG 2
    "s05": _person(
        "s05",
        "1956-08-18",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "0"}),
        ["liver", "bone"],
        [
            _line(["letrozole", "palbociclib"], "2023-06-20", "2025-01-10"),
            _line(["fulvestrant", "alpelisib"], "2025-02-01", "2025-12-20"),
        ],
        2,
        variants=[_somatic("PIK3CA", "H1047R")],
        not_detected=["ESR1", "AKT1", "PTEN"],
    ),
    # a man of 66, ER+/HER2 0, AKT1 E17K; after leuprolide + anastrozole + abemaciclib
    # (progressed); bone only, no measurable lesion
    "s06": _person(
        "s06",
        "1959-04-04",
        "male",
        None,
        (_POS, _POS, {"ihc": "0"}),
        ["bone"],
        [_line(["leuprolide", "anastrozole", "abemaciclib"], "2024-06-20", "2025-12-01")],
        1,
        target_mm=None,
        variants=[_somatic("AKT1", "E17K")],
        not_detected=["ESR1", "PIK3CA", "PTEN"],
    ),
    # 79, ER+/HER2-low (1+), bone only; first line letrozole + ribociclib still working;
    # ECOG 2
    "s07": _person(
        "s07",
        "1946-02-02",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "1+"}),
        ["bone"],
        [_line(["letrozole", "ribociclib"], "2025-03-01", None)],
        2,
        since="2025-02-15",
        target_mm=None,
    ),
    # 36, premenopausal, ER+/HER2 0, germline BRCA2; de novo, untreated
    "s08": _person(
        "s08",
        "1989-10-10",
        "female",
        "premenopausal",
        (_POS, _PR, {"ihc": "0"}),
        ["liver"],
        [],
        0,
        since="2025-12-20",
        germline=[
            {
                "date": "2026-01-05",
                "genes_tested": ["BRCA1", "BRCA2", "PALB2"],
                "variants": [
                    {"gene": "BRCA2", "alteration": "c.5946del", "classification": "pathogenic"}
                ],
            }
        ],
    ),
    # 57, ER+/HER2-positive (3+); after THP, T-DXd, then tucatinib + trastuzumab +
    # capecitabine (progressed); brain metastases treated with SRS, stable
    "s09": _person(
        "s09",
        "1968-12-12",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "3+"}),
        ["lung"],
        [
            _line(["docetaxel", "trastuzumab", "pertuzumab"], "2022-06-20", "2023-09-01"),
            _line(["trastuzumab deruxtecan"], "2023-09-20", "2024-11-01"),
            _line(["tucatinib", "trastuzumab", "capecitabine"], "2024-11-20", "2025-12-20"),
        ],
        1,
        since="2022-06-01",
        brain={"treated": "SRS", "stable": True, "on_steroids": False},
    ),
    # 71, triple-negative HER2-low (1+); after paclitaxel, sacituzumab govitecan, T-DXd;
    # ECOG 3; bilirubin 2.6 x ULN, platelets 60
    "s10": _person(
        "s10",
        "1954-06-06",
        "female",
        "postmenopausal",
        (_NEG, _NEG, {"ihc": "1+"}),
        ["liver", "lung"],
        [
            _line(["paclitaxel"], "2023-06-20", "2024-02-01"),
            _line(["sacituzumab govitecan"], "2024-02-20", "2025-01-10"),
            _line(["trastuzumab deruxtecan"], "2025-02-01", "2025-12-20"),
        ],
        3,
        since="2023-06-01",
        labs=[
            {
                "date": "2026-01-05",
                "test": "bilirubin",
                "value": 3.1,
                "unit": "mg/dL",
                "ref_high": 1.2,
            },
            {"date": "2026-01-05", "test": "platelets", "value": 60, "unit": "10^9/L"},
        ],
    ),
    # 55, ER+/HER2 0, ESR1 D538G; after anastrozole + ribociclib, elacestrant, then
    # capecitabine (progressed); ANC 0.9 on 2026-01-12
    "s11": _person(
        "s11",
        "1970-01-20",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "0"}),
        ["lung", "bone"],
        [
            _line(["anastrozole", "ribociclib"], "2023-06-20", "2024-08-01"),
            _line(["elacestrant"], "2024-08-20", "2025-03-01"),
            _line(["capecitabine"], "2025-03-20", "2025-12-20"),
        ],
        1,
        since="2023-06-01",
        variants=[_somatic("ESR1", "D538G")],
        not_detected=["PIK3CA", "AKT1", "PTEN"],
        labs=[{"date": "2026-01-12", "test": "ANC", "value": 0.9, "unit": "10^9/L"}],
    ),
    # 60, ER+/HER2-low (1+), PIK3CA E545K; after letrozole + palbociclib, then T-DXd
    # (progressed)
    "s12": _person(
        "s12",
        "1965-07-07",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "1+"}),
        ["liver"],
        [
            _line(["letrozole", "palbociclib"], "2023-06-20", "2025-01-10"),
            _line(["trastuzumab deruxtecan"], "2025-02-01", "2025-12-20"),
        ],
        0,
        since="2023-06-01",
        variants=[_somatic("PIK3CA", "E545K")],
        not_detected=["ESR1", "AKT1", "PTEN"],
    ),
}
