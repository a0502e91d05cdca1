"""Twelve invented people (session 12), none of them in any earlier test or the labelled
evaluation, for the fifth probe of trial reading over trials no earlier probe used.
Varied on purpose: HER2-positive after T-DXd with leptomeningeal disease and ECOG 2,
HER2-ultralow after CDK4/6 and T-DXd with ESR1, an untreated premenopausal germline BRCA1
carrier with triple-negative disease, a woman of 83 with bone-only PIK3CA disease, a man
with HER2-positive disease after T-DM1 and an MMAE (vedotin) ADC with treated brain
metastases, triple-negative HER2-low after sacituzumab living with HIV, a premenopausal
woman six weeks into her first line, AKT1 after capivasertib with liver-dominant disease,
ECOG 3 and raised bilirubin, ESR1 after elacestrant with a recent second cancer and
hepatitis B, triple-negative with untreated symptomatic brain metastases, liver-only
disease with low platelets at 76, and untreated de novo HER2-positive. As of 2026-01-15."""

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


def _with(person: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A person with more parts of the record (other conditions, more sites)."""
    for key, value in extra.items():
        if key == "metastases":
            person["metastases"] = [*person["metastases"], *value]
        else:
            person[key] = value
    return person


PEOPLE: dict[str, dict[str, Any]] = {
    # 58, HER2-positive (3+), ER-; after THP, then T-DXd (progressed); liver metastases and
    # leptomeningeal disease; ECOG 2
    "t01": _with(
        _person(
            "t01",
            "1967-04-12",
            "female",
            "postmenopausal",
            (_NEG, _NEG, {"ihc": "3+"}),
            ["liver"],
            [
                _line(["docetaxel", "trastuzumab", "pertuzumab"], "2024-03-10", "2025-01-20"),
                _line(["trastuzumab deruxtecan"], "2025-02-10", "2025-12-20"),
            ],
            2,
            since="2024-03-01",
        ),
        metastases=[{"site": "leptomeninges", "since": "2025-12-20"}],
    ),
    # 63, ER+/HER2-ultralow (IHC 0 with faint staining); after letrozole + palbociclib, then
    # T-DXd (progressed); ESR1 Y537S
    "t02": _person(
        "t02",
        "1962-08-03",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "0", "ultralow": True}),
        ["lung", "bone"],
        [
            _line(["letrozole", "palbociclib"], "2023-06-20", "2024-12-15"),
            _line(["trastuzumab deruxtecan"], "2025-01-10", "2025-12-20"),
        ],
        1,
        since="2023-06-01",
        variants=[_somatic("ESR1", "Y537S")],
        not_detected=["PIK3CA", "AKT1", "PTEN"],
        germline=_GERMLINE_NEGATIVE,
    ),
    # 34, premenopausal, triple-negative (HER2 0), germline BRCA1; de novo, untreated;
    # PD-L1 CPS 20
    "t03": _person(
        "t03",
        "1991-05-21",
        "female",
        "premenopausal",
        (_NEG, _NEG, {"ihc": "0"}),
        ["lung", "lymph_nodes"],
        [],
        0,
        since="2025-12-15",
        pdl1={"assay": "22C3", "cps": 20},
        germline=[
            {
                "date": "2026-01-08",
                "genes_tested": ["BRCA1", "BRCA2", "PALB2"],
                "variants": [
                    {"gene": "BRCA1", "alteration": "c.68_69del", "classification": "pathogenic"}
                ],
            }
        ],
    ),
    # 83, ER+/HER2 0, PIK3CA H1047R; after anastrozole + abemaciclib (progressed); bone
    # only, no measurable lesion
    "t04": _person(
        "t04",
        "1942-10-30",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "0"}),
        ["bone"],
        [_line(["anastrozole", "abemaciclib"], "2023-01-15", "2025-11-20")],
        1,
        since="2023-01-05",
        target_mm=None,
        variants=[_somatic("PIK3CA", "H1047R")],
        not_detected=["ESR1", "AKT1", "PTEN"],
    ),
    # a man of 59, ER+/HER2-positive (3+); after THP, T-DM1, then disitamab vedotin (an MMAE
    # ADC, progressed); brain metastases treated with SRS, stable
    "t05": _person(
        "t05",
        "1966-02-14",
        "male",
        None,
        (_POS, _PR, {"ihc": "3+"}),
        ["lung", "bone"],
        [
            _line(["docetaxel", "trastuzumab", "pertuzumab"], "2023-06-20", "2024-06-01"),
            _line(["ado-trastuzumab emtansine"], "2024-06-20", "2025-02-01"),
            _line(["disitamab vedotin"], "2025-02-20", "2025-12-20"),
        ],
        1,
        since="2023-06-01",
        brain={"treated": "SRS", "stable": True, "on_steroids": False},
    ),
    # 47, premenopausal, triple-negative HER2-low (1+); after carboplatin + paclitaxel +
    # pembrolizumab, then sacituzumab govitecan (progressed); living with HIV, on treatment
    "t06": _with(
        _person(
            "t06",
            "1978-09-25",
            "female",
            "premenopausal",
            (_NEG, _NEG, {"ihc": "1+"}),
            ["lung"],
            [
                _line(["carboplatin", "paclitaxel", "pembrolizumab"], "2024-05-01", "2025-03-20"),
                _line(["sacituzumab govitecan"], "2025-04-10", "2025-12-20"),
            ],
            1,
            since="2024-04-20",
            germline=_GERMLINE_NEGATIVE,
        ),
        comorbidities=[{"condition": "HIV infection", "since": "2012-01-01"}],
    ),
    # 44, premenopausal, ER+/HER2-low (2+, ISH not amplified); first line goserelin +
    # letrozole + ribociclib started 2025-12-01 (six weeks ago), still running; no NGS yet
    "t07": _person(
        "t07",
        "1981-07-07",
        "female",
        "premenopausal",
        (_POS, _PR, {"ihc": "2+", "ish": "not_amplified"}),
        ["liver", "bone"],
        [_line(["goserelin", "letrozole", "ribociclib"], "2025-12-01", None)],
        0,
        since="2025-11-20",
    ),
    # 67, ER+/HER2 0, AKT1 E17K; after letrozole + ribociclib, then fulvestrant +
    # capivasertib (progressed); liver-dominant disease; ECOG 3; bilirubin 2.8 mg/dL
    "t08": _person(
        "t08",
        "1958-12-01",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "0"}),
        ["liver", "bone"],
        [
            _line(["letrozole", "ribociclib"], "2022-06-20", "2024-06-10"),
            _line(["fulvestrant", "capivasertib"], "2024-07-01", "2025-12-20"),
        ],
        3,
        since="2022-06-01",
        variants=[_somatic("AKT1", "E17K")],
        not_detected=["ESR1", "PIK3CA", "PTEN"],
        labs=[
            {
                "date": "2026-01-05",
                "test": "bilirubin",
                "value": 2.8,
                "unit": "mg/dL",
                "ref_high": 1.2,
            }
        ],
    ),
    # 56, ER+/HER2-low (1+), ESR1 D538G; after anastrozole + palbociclib, then elacestrant
    # (progressed); colon cancer operated in 2024 (a second cancer), chronic hepatitis B
    "t09": _with(
        _person(
            "t09",
            "1969-03-18",
            "female",
            "postmenopausal",
            (_POS, _PR, {"ihc": "1+"}),
            ["lung"],
            [
                _line(["anastrozole", "palbociclib"], "2023-02-01", "2024-09-20"),
                _line(["elacestrant"], "2024-10-10", "2025-11-30"),
            ],
            1,
            since="2023-01-20",
            variants=[_somatic("ESR1", "D538G")],
            not_detected=["PIK3CA", "AKT1", "PTEN"],
        ),
        comorbidities=[
            {"condition": "colon cancer, stage II, operated", "since": "2024-05-01"},
            {"condition": "chronic hepatitis B", "since": "2010-01-01"},
        ],
    ),
    # 52, triple-negative (HER2 0); after paclitaxel (progressed); brain metastases not
    # treated yet, with symptoms, on steroids; ECOG 2
    "t10": _person(
        "t10",
        "1973-11-11",
        "female",
        "postmenopausal",
        (_NEG, _NEG, {"ihc": "0"}),
        ["lung"],
        [_line(["paclitaxel"], "2025-01-10", "2025-10-30")],
        2,
        since="2025-01-01",
        brain={"treated": "none", "symptomatic": True, "on_steroids": True},
    ),
    # 76, ER+/HER2 0; after letrozole + palbociclib (progressed); liver only; platelets 80
    "t11": _person(
        "t11",
        "1949-06-30",
        "female",
        "postmenopausal",
        (_POS, _PR, {"ihc": "0"}),
        ["liver"],
        [_line(["letrozole", "palbociclib"], "2023-03-01", "2025-10-20")],
        1,
        since="2023-02-15",
        not_detected=["ESR1", "PIK3CA", "AKT1", "PTEN"],
        labs=[{"date": "2026-01-05", "test": "platelets", "value": 80, "unit": "10^9/L"}],
    ),
    # 50, HER2-positive (3+), ER-; de novo, untreated; germline negative
    "t12": _person(
        "t12",
        "1975-01-25",
        "female",
        "postmenopausal",
        (_NEG, _NEG, {"ihc": "3+"}),
        ["lung"],
        [],
        0,
        since="2025-12-28",
        germline=_GERMLINE_NEGATIVE,
    ),
}
