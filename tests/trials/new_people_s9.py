"""Twelve invented people (session 9), none of them in any earlier test or the labelled
evaluation, for checking the bundled catalog's top 10 by hand. As of 2026-01-15."""

from __future__ import annotations

import datetime as dt
from typing import Any

AS_OF = dt.date(2026, 1, 15)

_HR_POS = {"result": "positive", "percent": 90}
_NEG = {"result": "negative", "percent": 0}


def _person(
    pid: str,
    birth: str,
    sex: str,
    meno: str | None,
    er: dict[str, Any],
    pr: dict[str, Any],
    her2: dict[str, Any],
    sites: list[dict[str, Any]],
    therapies: list[dict[str, Any]],
    ecog: int,
    *,
    since: str = "2024-06-01",
    variants: list[dict[str, Any]] | None = None,
    not_detected: list[str] | None = None,
    germline: list[dict[str, Any]] | None = None,
    target_mm: int | None = 22,
    pdl1: dict[str, Any] | None = None,
) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "id": pid,
        "birth_date": birth,
        "sex": sex,
        "location": {"country": "US", "postal_code": "10016"},
    }
    if meno:
        patient["menopausal_status"] = meno
    test: dict[str, Any] = {"date": since, "er": er, "pr": pr, "her2": her2}
    if pdl1:
        test["pdl1"] = pdl1
    tests = [test]
    if variants or not_detected:
        tests.append(
            {
                "date": "2025-11-01",
                "test_name": "NGS",
                "variants": variants or [],
                "not_detected": not_detected or [],
            }
        )
    lesion: dict[str, Any] = (
        {"id": "t1", "organ": sites[0]["site"], "role": "target", "longest_mm": target_mm}
        if target_mm
        else {"id": "t1", "organ": sites[0]["site"], "role": "non_target"}
    )
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": patient,
        "diagnosis": {"metastatic_since": since},
        "tumor_tests": tests,
        "metastases": [{"since": since, **s} for s in sites],
        "therapies": therapies,
        "imaging": [{"date": "2026-01-05", "modality": "CT", "lesions": [lesion]}],
        "performance": [{"date": "2026-01-05", "ecog": ecog}],
        "labs": [{"date": "2026-01-05", "test": "ANC", "value": 2.4, "unit": "10^9/L"}],
    }
    if germline:
        data["germline_tests"] = germline
    return data


def _line(drugs: list[str], start: str, stop: str | None, why: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"setting": "metastatic", "drugs": drugs, "start": start}
    if stop:
        entry["stop"] = stop
        entry["stop_reason"] = why or "progression"
    return entry


PEOPLE: dict[str, dict[str, Any]] = {
    # HR+/HER2-low (2+ ISH-), ESR1 Y537S after letrozole + palbociclib
    "n01": _person(
        "n01",
        "1967-04-02",
        "female",
        "postmenopausal",
        _HR_POS,
        _HR_POS,
        {"ihc": "2+", "ish": "not_amplified"},
        [{"site": "liver"}],
        [_line(["letrozole", "palbociclib"], "2024-06-15", "2025-10-20")],
        0,
        variants=[{"gene": "ESR1", "alteration": "Y537S", "origin": "somatic"}],
        not_detected=["PIK3CA", "AKT1", "PTEN"],
    ),
    # triple-negative, HER2 0, de novo, untreated, PD-L1 CPS 5
    "n02": _person(
        "n02",
        "1986-08-19",
        "female",
        "premenopausal",
        _NEG,
        _NEG,
        {"ihc": "0"},
        [{"site": "lung"}, {"site": "lymph_nodes"}],
        [],
        0,
        since="2025-12-10",
        pdl1={"assay": "22C3", "cps": 5},
    ),
    # HER2+ (3+) HR-, after THP and T-DXd, untreated brain metastases
    "n03": _person(
        "n03",
        "1974-01-30",
        "female",
        "postmenopausal",
        _NEG,
        _NEG,
        {"ihc": "3+"},
        [{"site": "liver"}, {"site": "brain", "treated": "none", "stable": False}],
        [
            _line(["trastuzumab", "pertuzumab", "docetaxel"], "2023-03-01", "2024-08-01"),
            _line(["trastuzumab deruxtecan"], "2024-08-20", "2025-12-01"),
        ],
        1,
        since="2023-02-15",
    ),
    # HR+/HER2 1+, PIK3CA E545K, after anastrozole + abemaciclib then fulvestrant +
    # alpelisib; bone only (no measurable lesion)
    "n04": _person(
        "n04",
        "1958-11-11",
        "female",
        "postmenopausal",
        _HR_POS,
        _HR_POS,
        {"ihc": "1+"},
        [{"site": "bone"}],
        [
            _line(["anastrozole", "abemaciclib"], "2023-01-10", "2024-12-01"),
            _line(["fulvestrant", "alpelisib"], "2024-12-15", "2025-12-20"),
        ],
        1,
        since="2023-01-01",
        target_mm=None,
        variants=[{"gene": "PIK3CA", "alteration": "E545K", "origin": "somatic"}],
    ),
    # a man, ER+/HER2 0, untreated metastatic disease in the lungs, no gene tests
    "n05": _person(
        "n05",
        "1953-05-05",
        "male",
        None,
        _HR_POS,
        _HR_POS,
        {"ihc": "0"},
        [{"site": "lung"}],
        [],
        1,
        since="2025-12-01",
    ),
    # premenopausal, HR+/HER2-low, germline BRCA2, after ET + ribociclib + goserelin, then
    # olaparib
    "n06": _person(
        "n06",
        "1980-02-14",
        "female",
        "premenopausal",
        _HR_POS,
        _HR_POS,
        {"ihc": "1+"},
        [{"site": "liver"}],
        [
            _line(["letrozole", "ribociclib", "goserelin"], "2023-05-01", "2025-02-01"),
            _line(["olaparib"], "2025-02-15", "2025-12-15"),
        ],
        0,
        since="2023-04-20",
        germline=[
            {
                "date": "2023-05-10",
                "genes_tested": ["BRCA1", "BRCA2", "PALB2"],
                "variants": [
                    {"gene": "BRCA2", "alteration": "c.5946delT", "classification": "pathogenic"}
                ],
            }
        ],
    ),
    # triple-negative, HER2 1+, after pembrolizumab + chemotherapy, sacituzumab, T-DXd; ECOG 2
    "n07": _person(
        "n07",
        "1965-07-07",
        "female",
        "postmenopausal",
        _NEG,
        _NEG,
        {"ihc": "1+"},
        [{"site": "lung"}],
        [
            _line(["pembrolizumab", "paclitaxel"], "2023-01-10", "2023-09-01"),
            _line(["sacituzumab govitecan"], "2023-09-15", "2024-09-01"),
            _line(["trastuzumab deruxtecan"], "2024-09-15", "2025-12-01"),
        ],
        2,
        since="2023-01-01",
    ),
    # HER2+ and HR+, first-line THP then maintenance HP, still responding
    "n08": _person(
        "n08",
        "1970-12-01",
        "female",
        "postmenopausal",
        _HR_POS,
        _HR_POS,
        {"ihc": "3+"},
        [{"site": "liver"}],
        [_line(["trastuzumab", "pertuzumab", "docetaxel"], "2025-03-01", None)],
        0,
        since="2025-02-20",
    ),
    # HR+/HER2-ultralow, AKT1 E17K, after two endocrine lines and capecitabine
    "n09": _person(
        "n09",
        "1977-03-03",
        "female",
        "postmenopausal",
        _HR_POS,
        _NEG,
        {"ihc": "0", "ultralow": True},
        [{"site": "liver"}, {"site": "bone"}],
        [
            _line(["letrozole", "palbociclib"], "2022-02-01", "2023-10-01"),
            _line(["fulvestrant"], "2023-10-15", "2024-06-01"),
            _line(["capecitabine"], "2024-06-15", "2025-12-01"),
        ],
        1,
        since="2022-01-15",
        variants=[{"gene": "AKT1", "alteration": "E17K", "origin": "somatic"}],
        not_detected=["ESR1", "PIK3CA"],
    ),
    # HR+/HER2 0, relapsed in bone and liver, untreated for metastatic disease
    "n10": _person(
        "n10",
        "1962-09-09",
        "female",
        "postmenopausal",
        _HR_POS,
        _HR_POS,
        {"ihc": "0"},
        [{"site": "liver"}, {"site": "bone"}],
        [],
        0,
        since="2025-12-01",
    ),
    # triple-negative with leptomeningeal disease, after two lines of chemotherapy; ECOG 2
    "n11": _person(
        "n11",
        "1955-10-10",
        "female",
        "postmenopausal",
        _NEG,
        _NEG,
        {"ihc": "0"},
        [{"site": "lung"}, {"site": "leptomeninges"}],
        [
            _line(["carboplatin", "gemcitabine"], "2024-03-01", "2024-12-01"),
            _line(["eribulin"], "2024-12-15", "2025-12-01"),
        ],
        2,
        since="2024-02-20",
    ),
    # HR+/HER2+ (3+), progressed after first-line THP
    "n12": _person(
        "n12",
        "1975-06-06",
        "female",
        "perimenopausal",
        _HR_POS,
        _NEG,
        {"ihc": "3+"},
        [{"site": "lung"}],
        [_line(["trastuzumab", "pertuzumab", "paclitaxel"], "2024-04-01", "2025-12-10")],
        1,
        since="2024-03-20",
    ),
}
