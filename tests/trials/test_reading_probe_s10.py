"""A third probe of criterion reading (session 10): new people, new criterion wordings.

Each row is one criterion as registries write it, with what a research nurse would answer
for three invented people. "met" for an exclusion means the exclusion applies. An expected
value with "!" accepts anything but that verdict: where the record cannot settle it, asking
("unknown") is right, and only the wrong certainty is an error.

People (as of 2025-03-01):
- gia: 58, postmenopausal; de novo; ER-low (5 %), PR 0, HER2 IHC 2+ with ISH amplified
  (HER2-positive); liver metastases (measured); docetaxel + trastuzumab + pertuzumab
  (progressed 2024-08), then trastuzumab deruxtecan (running); AST 2.4 x ULN, ALT 3.3 x ULN,
  creatinine 0.9 mg/dL; ECOG 1; no gene tests.
- hana: 44, premenopausal; ER 90 %, PR 60 %, HER2 IHC 1+; relapsed in bone only (no
  measurable lesion) while on adjuvant tamoxifen; goserelin + letrozole + palbociclib for
  advanced disease (progressed 2025-01-20); tumour NGS: somatic BRCA2 and ESR1 Y537S;
  germline BRCA1/2 negative; papillary thyroid cancer treated in 2023; creatinine 0.7 mg/dL;
  ECOG 0.
- ivy: 81, postmenopausal; ER 0, PR 0, HER2 IHC 0 (ultralow); lung and lymph-node
  metastases (measured); germline BRCA2 pathogenic; paclitaxel (progressed 2024-07), then
  olaparib (progressed 2025-02-01); creatinine 1.4 mg/dL (ULN 1.1), AST and ALT normal;
  ECOG 2.
"""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from tests.trials.probe_harness import cases, check_reading, read_rows
from tests.trials.test_matching import make_record

_GIA: dict[str, Any] = {
    "patient": {
        "id": "gia",
        "birth_date": "1966-10-04",
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "location": {"country": "US", "postal_code": "02115"},
    },
    "diagnosis": {"metastatic_since": "2023-05-02", "presentation": "de_novo"},
    "tumor_tests": [
        {
            "date": "2023-05-02",
            "er": {"result": "low", "percent": 5},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "2+", "ish": "amplified"},
        }
    ],
    "metastases": [{"site": "liver", "since": "2023-05-02"}],
    "therapies": [
        {
            "setting": "metastatic",
            "drugs": ["docetaxel", "trastuzumab", "pertuzumab"],
            "start": "2023-05-20",
            "stop": "2024-08-10",
            "stop_reason": "progression",
        },
        {"setting": "metastatic", "drugs": ["trastuzumab deruxtecan"], "start": "2024-09-01"},
    ],
    "imaging": [
        {
            "date": "2025-02-12",
            "modality": "CT",
            "lesions": [{"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": 38}],
        }
    ],
    "performance": [{"date": "2025-02-12", "ecog": 1}],
    "labs": [
        {"date": "2025-02-20", "test": "AST", "value": 96, "unit": "U/L", "ref_high": 40},
        {"date": "2025-02-20", "test": "ALT", "value": 150, "unit": "U/L", "ref_high": 45},
        {
            "date": "2025-02-20",
            "test": "creatinine",
            "value": 0.9,
            "unit": "mg/dL",
            "ref_high": 1.1,
        },
    ],
}

_HANA: dict[str, Any] = {
    "patient": {
        "id": "hana",
        "birth_date": "1980-07-21",
        "sex": "female",
        "menopausal_status": "premenopausal",
        "location": {"country": "US", "postal_code": "94110"},
    },
    "diagnosis": {
        "first_diagnosed": "2021-06-15",
        "metastatic_since": "2024-03-05",
        "presentation": "recurrent",
    },
    "tumor_tests": [
        {
            "date": "2021-06-15",
            "er": {"result": "positive", "percent": 90},
            "pr": {"result": "positive", "percent": 60},
            "her2": {"ihc": "1+"},
        },
        {
            "date": "2025-02-01",
            "test_name": "tissue NGS",
            "variants": [
                {"gene": "BRCA2", "alteration": "c.6174delT", "origin": "somatic"},
                {"gene": "ESR1", "alteration": "Y537S", "origin": "somatic"},
            ],
            "not_detected": ["PIK3CA", "AKT1", "PTEN"],
        },
    ],
    "germline_tests": [{"date": "2021-07-01", "genes_tested": ["BRCA1", "BRCA2"]}],
    "metastases": [{"site": "bone", "since": "2024-03-05"}],
    "therapies": [
        {
            "setting": "adjuvant",
            "drugs": ["tamoxifen"],
            "start": "2021-09-01",
            "stop": "2024-03-05",
            "stop_reason": "progression",
        },
        {
            "setting": "metastatic",
            "drugs": ["goserelin", "letrozole", "palbociclib"],
            "start": "2024-03-20",
            "stop": "2025-01-20",
            "stop_reason": "progression",
        },
        {"setting": "metastatic", "drugs": ["goserelin"], "start": "2025-01-21"},
    ],
    "imaging": [
        {
            "date": "2025-01-18",
            "modality": "CT",
            "lesions": [{"id": "bone-1", "organ": "bone", "role": "non_target"}],
        }
    ],
    "comorbidities": [
        {"condition": "papillary thyroid cancer, thyroidectomy", "since": "2023-02-10"}
    ],
    "performance": [{"date": "2025-02-01", "ecog": 0}],
    "labs": [
        {"date": "2025-02-01", "test": "creatinine", "value": 0.7, "unit": "mg/dL"},
    ],
}

_IVY: dict[str, Any] = {
    "patient": {
        "id": "ivy",
        "birth_date": "1943-12-01",
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "location": {"country": "US", "postal_code": "55455"},
    },
    "diagnosis": {"metastatic_since": "2023-12-10", "presentation": "de_novo"},
    "tumor_tests": [
        {
            "date": "2023-12-10",
            "er": {"result": "negative", "percent": 0},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "0", "ultralow": True},
        }
    ],
    "germline_tests": [
        {
            "date": "2024-01-05",
            "genes_tested": ["BRCA1", "BRCA2", "PALB2"],
            "variants": [
                {"gene": "BRCA2", "alteration": "c.5946delT", "classification": "pathogenic"}
            ],
        }
    ],
    "metastases": [
        {"site": "lung", "since": "2023-12-10"},
        {"site": "lymph_nodes", "since": "2023-12-10"},
    ],
    "therapies": [
        {
            "setting": "metastatic",
            "drugs": ["paclitaxel"],
            "start": "2024-01-10",
            "stop": "2024-07-15",
            "stop_reason": "progression",
        },
        {
            "setting": "metastatic",
            "drugs": ["olaparib"],
            "start": "2024-08-01",
            "stop": "2025-02-01",
            "stop_reason": "progression",
        },
    ],
    "imaging": [
        {
            "date": "2025-01-28",
            "modality": "CT",
            "lesions": [{"id": "lung-1", "organ": "lung", "role": "target", "longest_mm": 27}],
        }
    ],
    "performance": [{"date": "2025-02-10", "ecog": 2}],
    "labs": [
        {"date": "2025-02-10", "test": "AST", "value": 30, "unit": "U/L", "ref_high": 40},
        {"date": "2025-02-10", "test": "ALT", "value": 20, "unit": "U/L", "ref_high": 45},
        {
            "date": "2025-02-10",
            "test": "creatinine",
            "value": 1.4,
            "unit": "mg/dL",
            "ref_high": 1.1,
        },
    ],
}

PEOPLE = {"gia": _GIA, "hana": _HANA, "ivy": _IVY}

INC, EXC = "Inclusion", "Exclusion"
_NOT_HELD = {"gia": "!not_met", "hana": "!not_met", "ivy": "!not_met"}
_NOT_HELD_EXC = {"gia": "!met", "hana": "!met", "ivy": "!met"}
# (section, criterion, {person: expected verdict}); "!x" means "anything but x"
ROWS: list[tuple[str, str, dict[str, str]]] = [
    # --- HER2-positive definitions ---------------------------------------------------------
    (
        INC,
        "HER2-positive breast cancer defined as IHC 3+ or IHC 2+ and ISH amplified",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "HER2-positive (HER2/CEP17 ratio ≥ 2.0 or IHC 3+) per ASCO/CAP 2018",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        EXC,
        "HER2-positive disease (IHC 3+, or IHC 2+ with ISH amplification)",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "HER2 IHC 2+ with in situ hybridization showing amplification, or IHC 3+",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "HER2 gene amplification by ISH (HER2/CEP17 ratio ≥ 2.0) regardless of IHC score",
        {"gia": "met", "hana": "!met", "ivy": "!met"},
    ),
    (
        INC,
        "HER2-negative as per ASCO/CAP (IHC 0 or 1+, or IHC 2+ and ISH non-amplified)",
        {"gia": "not_met", "hana": "met", "ivy": "met"},
    ),
    (
        INC,
        "Centrally confirmed HER2-positive status (IHC 3+ or ISH+)",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        EXC,
        "HER2 overexpressing tumours (IHC 2+/ISH+ or IHC 3+)",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "HR-positive (ER and/or PR ≥ 1%) and HER2-positive metastatic breast cancer",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    # --- ER-low ----------------------------------------------------------------------------
    (INC, "ER-low (1-10% staining)", {"gia": "met", "hana": "not_met", "ivy": "not_met"}),
    (
        INC,
        "Triple-negative breast cancer, including ER-low (ER 1-10%) tumours, HER2-negative",
        {"gia": "not_met", "hana": "not_met", "ivy": "met"},
    ),
    (EXC, "ER expression ≤ 10%", {"gia": "met", "hana": "not_met", "ivy": "met"}),
    (
        INC,
        "ER-positive defined as ≥ 10% of tumour cells staining",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "Estrogen receptor expression in ≥ 1% of tumor cells",
        {"gia": "met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "ER < 10% and PR < 10% and HER2-negative",
        {"gia": "not_met", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "ER/PR < 10% and HER2-negative",
        {"gia": "not_met", "hana": "not_met", "ivy": "met"},
    ),
    (INC, "ER and/or PR ≥ 10%", {"gia": "not_met", "hana": "met", "ivy": "not_met"}),
    (
        INC,
        "Histologically confirmed ER+ (any PR and HER2 status is allowed) metastatic breast cancer",
        {"gia": "!met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "ER-positive breast cancer, regardless of HER2 status",
        {"gia": "!met", "hana": "met", "ivy": "not_met"},
    ),
    # --- negation scope across lists --------------------------------------------------------
    (
        EXC,
        "Prior treatment with a CDK4/6 inhibitor or fulvestrant",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "No prior CDK4/6 inhibitor or fulvestrant",
        {"gia": "met", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "No prior treatment with fulvestrant, elacestrant or any other SERD",
        {"gia": "met", "hana": "met", "ivy": "met"},
    ),
    (
        EXC,
        "Prior therapy with a PARP inhibitor or platinum-based chemotherapy in the metastatic "
        "setting",
        {"gia": "not_met", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "Has not received prior trastuzumab deruxtecan or any other topoisomerase I "
        "inhibitor-based ADC",
        {"gia": "not_met", "hana": "met", "ivy": "met"},
    ),
    (
        INC,
        "No previous treatment with paclitaxel or docetaxel for metastatic disease",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "Must not have received tamoxifen or an aromatase inhibitor",
        {"gia": "met", "hana": "not_met", "ivy": "met"},
    ),
    (
        # whether a taxane was unsuitable for hana is the team's to say
        INC,
        "Prior treatment with a taxane, unless contraindicated",
        {"gia": "met", "hana": "!met", "ivy": "met"},
    ),
    (
        INC,
        "Prior platinum-based chemotherapy for advanced disease",
        {"gia": "not_met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        EXC,
        "Prior anthracycline-containing chemotherapy in any setting",
        {"gia": "not_met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "Previously treated with a CDK4/6 inhibitor, if clinically indicated",
        {"gia": "!met", "hana": "met", "ivy": "!met"},
    ),
    (
        EXC,
        "Men who plan to father a child within 6 months after the last dose of paclitaxel",
        _NOT_HELD_EXC,
    ),
    # --- lines counted by setting -----------------------------------------------------------
    (
        INC,
        "At least one prior endocrine therapy for advanced disease, or relapse during or "
        "within 12 months of adjuvant endocrine therapy",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "No more than one prior line of endocrine therapy for advanced disease",
        {"gia": "met", "hana": "met", "ivy": "met"},
    ),
    (
        INC,
        "Progression on or within 12 months of completing adjuvant endocrine therapy",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "Received 1 or 2 prior lines of chemotherapy for metastatic disease",
        {"gia": "!not_met", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "At least two prior lines of therapy in the metastatic setting",
        {"gia": "met", "hana": "not_met", "ivy": "met"},
    ),
    (
        EXC,
        "More than two prior lines of systemic therapy for advanced disease",
        {"gia": "not_met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "Prior endocrine therapy in the adjuvant or metastatic setting",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "Relapse at least 12 months after completion of adjuvant endocrine therapy",
        {"hana": "not_met"},
    ),
    (
        INC,
        "De novo metastatic disease, or relapse more than 12 months after completing adjuvant "
        "endocrine therapy",
        {"gia": "!not_met", "hana": "!met", "ivy": "!not_met"},
    ),
    # --- time since ------------------------------------------------------------------------
    (
        INC,
        "Disease progression within 6 months of the last dose of a CDK4/6 inhibitor",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "Progression on or within 12 months of completing trastuzumab-based therapy",
        {"gia": "met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        EXC,
        "Received olaparib or another PARP inhibitor within 12 months before enrolment",
        {"gia": "not_met", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "Disease progression on or within 1 month after the end of the most recent endocrine "
        "therapy for advanced disease",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    # --- grew on it, not only received it ---------------------------------------------------
    (
        INC,
        "Had disease progression on or after prior trastuzumab deruxtecan",
        {"gia": "not_met", "hana": "not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "Documented progression on or after a CDK4/6 inhibitor",
        {"gia": "not_met", "hana": "met", "ivy": "not_met"},
    ),
    (INC, "Disease refractory to a PARP inhibitor", {"gia": "not_met", "ivy": "met"}),
    (
        INC,
        "Progressed on prior taxane-based chemotherapy",
        {"gia": "met", "hana": "not_met", "ivy": "met"},
    ),
    # --- age bounds ------------------------------------------------------------------------
    (
        INC,
        "Aged 18 years or older at the time of signing informed consent",
        {"gia": "met", "hana": "met", "ivy": "met"},
    ),
    (
        INC,
        "Men or women 18 to 75 years of age",
        {"gia": "met", "hana": "met", "ivy": "not_met"},
    ),
    (INC, "Age ≥ 70 years", {"gia": "not_met", "hana": "not_met", "ivy": "met"}),
    (INC, "Patients 65 years or older", {"gia": "not_met", "hana": "not_met", "ivy": "met"}),
    (EXC, "Age under 50 years", {"gia": "not_met", "hana": "met", "ivy": "not_met"}),
    (
        INC,
        "Adults (aged ≥ 18 years) of either sex",
        {"gia": "met", "hana": "met", "ivy": "met"},
    ),
    (INC, "Women 40 years of age or older", {"gia": "met", "hana": "met", "ivy": "met"}),
    # --- organ function in other units -----------------------------------------------------
    (
        INC,
        "Creatinine clearance ≥ 50 mL/min by Cockcroft-Gault",
        {"gia": "unknown", "hana": "unknown", "ivy": "unknown"},
    ),
    (
        INC,
        "Serum creatinine ≤ 1.5 x ULN or creatinine clearance ≥ 60 mL/min",
        {"gia": "met", "ivy": "met"},
    ),
    (
        INC,
        "Serum creatinine ≤ 1.2 mg/dL or estimated GFR ≥ 60 mL/min/1.73 m2",
        {"gia": "met", "hana": "met", "ivy": "unknown"},
    ),
    (
        INC,
        "Calculated creatinine clearance > 30 mL/min (Cockcroft-Gault formula)",
        {"gia": "unknown", "ivy": "unknown"},
    ),
    (
        INC,
        "AST and ALT ≤ 2.5 x ULN (≤ 5 x ULN if liver metastases are present)",
        {"gia": "met", "hana": "unknown", "ivy": "met"},
    ),
    (
        INC,
        "AST/ALT ≤ 3 × ULN, or ≤ 5 × ULN for patients with liver metastases",
        {"gia": "met", "ivy": "met"},
    ),
    (INC, "ALT ≤ 2.5 × ULN", {"gia": "not_met", "ivy": "met"}),
    # --- pregnancy and contraception: never held against the person -------------------------
    (
        INC,
        "Women of childbearing potential must agree to use highly effective contraception "
        "during the study and for 7 months after the last dose",
        _NOT_HELD,
    ),
    (EXC, "Pregnant or lactating women", _NOT_HELD_EXC),
    (
        INC,
        "Negative urine or serum pregnancy test for women of child-bearing potential",
        _NOT_HELD,
    ),
    (
        INC,
        "Male participants with a female partner of childbearing potential must agree to use "
        "a condom",
        _NOT_HELD,
    ),
    (
        EXC,
        "Women who are pregnant, breastfeeding, or planning to become pregnant during the study",
        _NOT_HELD_EXC,
    ),
    # --- biopsy, tissue, life expectancy ----------------------------------------------------
    (
        INC,
        "Willing to undergo a fresh tumour biopsy at baseline and at progression",
        _NOT_HELD,
    ),
    (
        INC,
        "Must have a lesion amenable to biopsy and consent to a research biopsy",
        _NOT_HELD,
    ),
    (
        INC,
        "Availability of archival tumour tissue (FFPE block or ≥ 15 unstained slides)",
        _NOT_HELD,
    ),
    (INC, "Life expectancy of at least 12 weeks", _NOT_HELD),
    (
        INC,
        "Estimated life expectancy > 6 months in the opinion of the investigator",
        _NOT_HELD,
    ),
    # --- another cancer within a time ------------------------------------------------------
    (
        EXC,
        "Another malignancy within 3 years before enrolment, except adequately treated basal "
        "cell carcinoma of the skin or carcinoma in situ of the cervix",
        {"gia": "!met", "hana": "!not_met", "ivy": "!met"},
    ),
    (
        EXC,
        "History of any other cancer (except non-melanoma skin cancer) within 5 years",
        {"gia": "!met", "hana": "!not_met", "ivy": "!met"},
    ),
    (
        EXC,
        "Prior malignancy active within the previous 3 years, other than the breast cancer "
        "under study",
        {"gia": "!met", "hana": "!not_met", "ivy": "!met"},
    ),
    # --- germline versus somatic BRCA -------------------------------------------------------
    (
        INC,
        "Deleterious germline BRCA1 or BRCA2 mutation",
        {"gia": "unknown", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "Somatic (tumour) BRCA1/2 mutation without a germline BRCA mutation",
        {"gia": "unknown", "hana": "met", "ivy": "not_met"},
    ),
    (
        INC,
        "BRCA1 or BRCA2 mutation, germline or somatic",
        {"gia": "unknown", "hana": "met", "ivy": "met"},
    ),
    (
        INC,
        "HER2-negative, BRCA germline mutation positive advanced breast cancer",
        {"gia": "not_met", "hana": "not_met", "ivy": "met"},
    ),
    (
        EXC,
        "Known germline BRCA1/2 pathogenic variant",
        {"gia": "!met", "hana": "not_met", "ivy": "met"},
    ),
    (
        INC,
        "Tumour BRCA1/2 mutation detected by NGS of tumour tissue",
        {"gia": "unknown", "hana": "met", "ivy": "!not_met"},
    ),
    # --- measurable disease or bone lesions -------------------------------------------------
    (
        INC,
        "Measurable disease per RECIST 1.1 or evaluable bone lesions",
        {"gia": "met", "hana": "!not_met", "ivy": "met"},
    ),
    (
        INC,
        "At least one measurable lesion as defined by RECIST 1.1; patients with bone-only "
        "disease are not eligible",
        {"gia": "met", "hana": "!met", "ivy": "met"},
    ),
    (
        EXC,
        "Bone-only non-measurable disease",
        {"gia": "not_met", "hana": "!not_met", "ivy": "not_met"},
    ),
    (
        INC,
        "Evaluable disease: measurable per RECIST v1.1 or non-measurable bone disease",
        {"gia": "met", "hana": "!not_met", "ivy": "met"},
    ),
    # --- performance and ovarian suppression ------------------------------------------------
    (INC, "ECOG performance status ≤ 1", {"gia": "met", "hana": "met", "ivy": "not_met"}),
    (
        # no sourced ECOG-to-Karnofsky table in the knowledge base: asked, never guessed
        INC,
        "Karnofsky performance status ≥ 70%",
        {"gia": "!not_met", "hana": "!not_met", "ivy": "!met"},
    ),
    (
        INC,
        "Pre/perimenopausal women must receive concurrent ovarian function suppression",
        _NOT_HELD,
    ),
]

CASES = cases(ROWS)


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> dict[str, PatientRecord]:
    return {name: make_record(kb, **data) for name, data in PEOPLE.items()}


@pytest.fixture(scope="module")
def readings(kb: Knowledge, people: dict[str, PatientRecord]) -> dict[tuple[int, str], str]:
    """Every row's verdict for every person: each row is one study of one criterion."""
    return read_rows(kb, people, ROWS, 8)


@pytest.mark.parametrize(("row", "who", "want"), CASES)
def test_a_new_sentence_reads_as_a_nurse_would(
    readings: dict[tuple[int, str], str], row: int, who: str, want: str
) -> None:
    check_reading(readings, ROWS, row, who, want)


def test_the_probe_is_broad() -> None:
    assert len(ROWS) >= 60
    assert len({name for _, _, expected in ROWS for name in expected}) == 3
