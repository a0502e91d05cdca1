"""Ten invented people (session 10), none of them in any earlier test or the labelled
evaluation, for checking the bundled catalog's top 10 by hand. They carry the wordings the
session-10 probe reads: ER-low, HER2-positive by ISH, relapse on adjuvant hormone therapy,
germline versus tumour-only BRCA, liver metastases with raised liver tests, de novo spread,
old age. As of 2026-01-15."""

from __future__ import annotations

import datetime as dt
from typing import Any

AS_OF = dt.date(2026, 1, 15)

_HR_POS = {"result": "positive", "percent": 90}
_NEG = {"result": "negative", "percent": 0}


def _line(
    drugs: list[str],
    start: str,
    stop: str | None,
    why: str | None = None,
    setting: str = "metastatic",
) -> dict[str, Any]:
    entry: dict[str, Any] = {"setting": setting, "drugs": drugs, "start": start}
    if stop:
        entry["stop"] = stop
        entry["stop_reason"] = why or "progression"
    return entry


def _person(
    pid: str,
    birth: str,
    sex: str,
    meno: str | None,
    receptors: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
    sites: list[str],
    therapies: list[dict[str, Any]],
    ecog: int,
    *,
    since: str = "2024-06-01",
    presentation: str = "de_novo",
    variants: list[dict[str, Any]] | None = None,
    not_detected: list[str] | None = None,
    germline: list[dict[str, Any]] | None = None,
    target_mm: int | None = 25,
    labs: list[dict[str, Any]] | None = None,
    brain: dict[str, Any] | None = None,
    pdl1: dict[str, Any] | None = None,
) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "id": pid,
        "birth_date": birth,
        "sex": sex,
        "location": {"country": "US", "postal_code": "60611"},
    }
    if meno:
        patient["menopausal_status"] = meno
    er, pr, her2 = receptors
    test: dict[str, Any] = {"date": since, "er": er, "pr": pr, "her2": her2}
    if pdl1:
        test["pdl1"] = pdl1
    tests = [test]
    if variants or not_detected:
        tests.append(
            {
                "date": "2025-11-01",
                "test_name": "tissue NGS",
                "variants": variants or [],
                "not_detected": not_detected or [],
            }
        )
    first = sites[0]
    lesion: dict[str, Any] = (
        {"id": "t1", "organ": first, "role": "target", "longest_mm": target_mm}
        if target_mm
        else {"id": "t1", "organ": first, "role": "non_target"}
    )
    metastases: list[dict[str, Any]] = [{"site": s, "since": since} for s in sites]
    if brain:
        metastases.append({"site": "brain", "since": since, **brain})
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": patient,
        "diagnosis": {"metastatic_since": since, "presentation": presentation},
        "tumor_tests": tests,
        "metastases": metastases,
        "therapies": therapies,
        "imaging": [{"date": "2026-01-05", "modality": "CT", "lesions": [lesion]}],
        "performance": [{"date": "2026-01-05", "ecog": ecog}],
        "labs": [
            {"date": "2026-01-05", "test": "ANC", "value": 2.4, "unit": "10^9/L"},
            *(labs or []),
        ],
    }
    if germline:
        data["germline_tests"] = germline
    return data


_GERMLINE_NEGATIVE = [{"date": "2024-07-01", "genes_tested": ["BRCA1", "BRCA2", "PALB2"]}]

PEOPLE: dict[str, dict[str, Any]] = {
    # ER-low (5 %), PR 0, HER2 0: treated as triple-negative; after paclitaxel +
    # pembrolizumab; PD-L1 CPS 15
    "m01": _person(
        "m01",
        "1973-09-14",
        "female",
        "postmenopausal",
        ({"result": "low", "percent": 5}, _NEG, {"ihc": "0"}),
        ["lung"],
        [_line(["paclitaxel", "pembrolizumab"], "2024-07-01", "2025-10-30")],
        1,
        pdl1={"assay": "22C3", "cps": 15},
    ),
    # HR+/HER2 1+, relapsed on adjuvant tamoxifen, then goserelin + letrozole + ribociclib
    # (progressed); ESR1 D538G; germline negative; liver metastases, AST 3.5 x ULN
    "m02": _person(
        "m02",
        "1978-03-03",
        "female",
        "premenopausal",
        (_HR_POS, {"result": "positive", "percent": 80}, {"ihc": "1+"}),
        ["liver"],
        [
            _line(["tamoxifen"], "2021-02-01", "2024-05-20", setting="adjuvant"),
            _line(["goserelin", "letrozole", "ribociclib"], "2024-06-10", "2025-11-20"),
            _line(["goserelin"], "2025-11-21", None),
        ],
        0,
        since="2024-05-20",
        presentation="recurrent",
        variants=[{"gene": "ESR1", "alteration": "D538G", "origin": "somatic"}],
        not_detected=["PIK3CA", "AKT1", "PTEN", "BRCA1", "BRCA2"],
        germline=_GERMLINE_NEGATIVE,
        labs=[{"date": "2026-01-05", "test": "AST", "value": 140, "unit": "U/L", "ref_high": 40}],
    ),
    # HR+/HER2-positive by ISH (IHC 2+, amplified), de novo, untreated
    "m03": _person(
        "m03",
        "1962-12-01",
        "female",
        "postmenopausal",
        (
            {"result": "positive", "percent": 60},
            {"result": "positive", "percent": 15},
            {"ihc": "2+", "ish": "amplified"},
        ),
        ["liver", "bone"],
        [],
        0,
        since="2025-12-01",
    ),
    # 78, HR+/HER2 0, bone only, after anastrozole + palbociclib; ECOG 2
    "m04": _person(
        "m04",
        "1947-05-20",
        "female",
        "postmenopausal",
        (_HR_POS, {"result": "positive", "percent": 20}, {"ihc": "0"}),
        ["bone"],
        [_line(["anastrozole", "palbociclib"], "2024-06-20", "2025-12-10")],
        2,
        target_mm=None,
    ),
    # 39, triple-negative, germline BRCA1; after paclitaxel + pembrolizumab, then olaparib
    "m05": _person(
        "m05",
        "1986-06-30",
        "female",
        "premenopausal",
        (_NEG, _NEG, {"ihc": "0"}),
        ["lung", "lymph_nodes"],
        [
            _line(["paclitaxel", "pembrolizumab"], "2024-06-20", "2025-05-15"),
            _line(["olaparib"], "2025-06-01", "2025-12-20"),
        ],
        0,
        germline=[
            {
                "date": "2024-06-10",
                "genes_tested": ["BRCA1", "BRCA2", "PALB2"],
                "variants": [
                    {"gene": "BRCA1", "alteration": "c.68_69del", "classification": "pathogenic"}
                ],
            }
        ],
    ),
    # a man of 58, HR+/HER2-low (1+), after tamoxifen then leuprolide + letrozole +
    # abemaciclib; PIK3CA H1047R
    "m06": _person(
        "m06",
        "1967-08-08",
        "male",
        None,
        (_HR_POS, _HR_POS, {"ihc": "1+"}),
        ["bone", "lung"],
        [
            _line(["tamoxifen"], "2024-07-01", "2025-02-01"),
            _line(["leuprolide", "letrozole", "abemaciclib"], "2025-02-15", "2025-12-15"),
        ],
        1,
        variants=[{"gene": "PIK3CA", "alteration": "H1047R", "origin": "somatic"}],
        not_detected=["ESR1", "AKT1", "PTEN"],
    ),
    # HR+/HER2 0 (ultralow), tumour-only BRCA2, germline negative; after letrozole +
    # palbociclib, fulvestrant, capecitabine
    "m07": _person(
        "m07",
        "1970-02-17",
        "female",
        "postmenopausal",
        (_HR_POS, {"result": "positive", "percent": 30}, {"ihc": "0", "ultralow": True}),
        ["liver", "bone"],
        [
            _line(["letrozole", "palbociclib"], "2022-09-01", "2024-03-01"),
            _line(["fulvestrant"], "2024-03-15", "2024-10-01"),
            _line(["capecitabine"], "2024-10-15", "2025-12-01"),
        ],
        1,
        since="2022-08-15",
        variants=[{"gene": "BRCA2", "alteration": "c.9097dup", "origin": "somatic"}],
        not_detected=["ESR1", "PIK3CA", "AKT1"],
        germline=_GERMLINE_NEGATIVE,
    ),
    # 67, triple-negative HER2-low (1+), untreated; brain metastases treated with SRS, stable
    "m08": _person(
        "m08",
        "1958-10-10",
        "female",
        "postmenopausal",
        (_NEG, _NEG, {"ihc": "1+"}),
        ["lung"],
        [],
        1,
        since="2025-11-20",
        brain={"treated": "SRS", "stable": True, "on_steroids": False},
        pdl1={"assay": "22C3", "cps": 2},
    ),
    # 44, HER2-positive (3+), ER-; after docetaxel + trastuzumab + pertuzumab, then
    # trastuzumab deruxtecan (running)
    "m09": _person(
        "m09",
        "1981-04-04",
        "female",
        "premenopausal",
        (_NEG, _NEG, {"ihc": "3+"}),
        ["liver"],
        [
            _line(["docetaxel", "trastuzumab", "pertuzumab"], "2024-06-20", "2025-06-01"),
            _line(["trastuzumab deruxtecan"], "2025-06-20", None),
        ],
        0,
    ),
    # 70, HR+/HER2-low (2+, ISH not amplified), de novo, on letrozole + ribociclib (working)
    "m10": _person(
        "m10",
        "1955-07-07",
        "female",
        "postmenopausal",
        (_HR_POS, _HR_POS, {"ihc": "2+", "ish": "not_amplified"}),
        ["bone", "lymph_nodes"],
        [_line(["letrozole", "ribociclib"], "2025-08-01", None)],
        1,
        since="2025-07-15",
    ),
}
