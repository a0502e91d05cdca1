"""Three more people entered from an empty store through the web forms only (the fourth probe
of issue 16), unlike the examples and the earlier stories (tests/web/new_stories.py,
tests/web/s10_stories.py): a re-biopsy that changed the receptors (HER2 1+ became 3+), labs
in the units printed abroad (g/L, µmol/L, /µL, ×ULN, kU/L), a medicine paused and restarted,
a bone-strengthening injection and a steroid beside the cancer treatment, a one-day radiation,
nodes that shrank to normal, a lesion gone or not checked, and every kind of correction: a
date typo, a wrong unit, a wrong drug name, a lesion put on the wrong scan, a treatment that
never happened (deleted), undo and redo.

Each person comes with `MEANT`: what the person meant the record to hold at the end. A fact
stored differently, or missing, is a failure (`tests/web/test_s11_stories.py`).

The people are invented. Steps named in `REFUSED` must be asked about (422, nothing stored).
"""

from __future__ import annotations

from typing import Any

from tests.web.story_harness import Story


def therapy_index(s: Story, drug: str, kind: str = "drug") -> int:
    """Where a treatment sits in the stored list (a person picks it by name on the page)."""
    for i, therapy in enumerate(s.stored().get("therapies", [])):
        names = [*therapy.get("drugs", []), therapy.get("site", "")]
        if therapy.get("kind", "drug") == kind and drug in names:
            return i
    raise AssertionError(f"no {kind} {drug} stored")


def entry_index(s: Story, section: str, **match: Any) -> int:
    for i, entry in enumerate(s.stored().get(section, [])):
        if all(entry.get(k) == v for k, v in match.items()):
            return i
    raise AssertionError(f"no {section} entry {match}")


def ines(s: Story) -> None:
    """A woman in Portugal: HR-positive HER2-low cancer treated before surgery; it came back
    in the liver and nodes years later, and the liver biopsy was HER2 3+ with ER only 5 %."""
    s.start(
        **{
            "patient.name": "Inês Duarte",
            "patient.birth": "1968-11-23",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.first_diagnosed": "2018-03-05",
            "diagnosis.metastatic_since": "2024-01-15",
            "patient.location.country": "PT",
            "patient.location.postal_code": "1099-023",
        }
    )
    s.add("person", {"location.city": "Lisboa"}, "city added")
    s.add(
        "diagnosis",
        {
            "laterality": "right",
            "stage_at_first_diagnosis": "IIB",
            "presentation": "recurrent",
            "histology": "ductal",
            "pathologic_response": "residual",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2018-03-05",
            "specimen": "primary",
            "er.result": "positive",
            "er.percent": "95",
            "pr.result": "positive",
            "pr.percent": "30",
            "her2.ihc": "1+",
            "her2.ish": "not_amplified",
            "ki67": "20",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2024-01-25",
            "specimen": "liver biopsy",
            "er.result": "low",
            "er.percent": "5",
            "pr.result": "negative",
            "pr.percent": "0",
            "her2.ihc": "3+",
            "variants[0].gene": "PIK3CA",
            "variants[0].alteration": "H1047R",
            "variants[0].origin": "somatic",
            "not_detected": "ESR1",
        },
    )
    s.add(
        "germline-test",
        {
            "date": "2018-04-10",
            "genes_tested": "BRCA1, BRCA2, PALB2, ATM, CHEK2",
            "variants[0].gene": "ATM",
            "variants[0].alteration": "c.7271T>G",
            "variants[0].classification": "vus",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "doxorubicin, cyclophosphamide, paclitaxel",
            "start": "2018-03-20",
            "setting": "neoadjuvant",
            "stop": "2018-08-01",
            "stop_reason": "completed",
        },
    )
    s.add(
        "surgery",
        {"date": "2018-08-30", "site": "right breast", "technique": "mastectomy"},
    )
    s.add(
        "radiation",
        {
            "site": "right chest wall",
            "start": "2018-10-01",
            "stop": "2018-11-05",
            "setting": "adjuvant",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "anastrozole",
            "start": "2018-11-15",
            "setting": "adjuvant",
            "stop": "2024-01-15",
            "stop_reason": "progression",
        },
    )
    s.add(
        "metastasis",
        {
            "site": "liver",
            "since": "2024-01-15",
            "location": "right lobe",
            "lesions": "3",
            "max_size_mm": "34",
        },
    )
    s.add("metastasis", {"site": "lymph_nodes", "since": "2024-01-15", "location": "porta hepatis"})
    s.add(
        "scan",
        {
            "date": "2024-01-10",
            "modality": "CT",
            "impression": "liver lesions and an enlarged node at the porta hepatis",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "34",
            "lesions[1].id": "N1",
            "lesions[1].organ": "porta hepatis node",
            "lesions[1].role": "target",
            "lesions[1].node": "true",
            "lesions[1].size_mm": "17",
            "lesions[2].id": "L2",
            "lesions[2].organ": "liver",
            "lesions[2].role": "non_target",
            "lesions[2].status": "present",
        },
    )
    # She types T-DM1 where the letter says trastuzumab: corrected below.
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab emtansine, pertuzumab, docetaxel",
            "start": "2024-02-01",
            "setting": "metastatic",
            "doses[0].drug": "docetaxel",
            "doses[0].dose": "75",
            "doses[0].unit": "mg/m2",
            "doses[0].route": "into a vein (IV)",
            "doses[0].schedule": "every 3 weeks",
        },
    )
    thp = therapy_index(s, "pertuzumab")
    s.correct("therapies", thp, {"drugs": "trastuzumab, pertuzumab, docetaxel"}, "wrong drug name")
    s.add("lab", {"date": "2024-01-28", "test": "LVEF", "value": "58", "unit": "%"})
    # Hemoglobin 112 g/L, first typed against g/dL: asked about, then typed right.
    hb = {"date": "2024-04-02", "test": "hemoglobin", "value": "112", "unit": "g/dL"}
    s.add("lab", hb, "hemoglobin in g/L typed as g/dL (expected: is this right?)")
    s.add("lab", {**hb, "unit": "g/L", "ref_low": "120", "ref_high": "160"})
    s.add("lab", {"date": "2024-04-02", "test": "ANC", "value": "1500", "unit": "/uL"})
    # Platelets 180 ×10^3/µL, first stored with the wrong unit picked: corrected.
    s.add("lab", {"date": "2024-04-02", "test": "platelets", "value": "180", "unit": "10^9/L"})
    platelets = entry_index(s, "labs", test="platelets")
    s.correct("labs", platelets, {"unit": "10^3/uL"}, "platelets unit corrected")
    s.add(
        "dose-change",
        {
            "therapy": str(thp),
            "date": "2024-04-10",
            "drug": "docetaxel",
            "change": "held",
            "reason": "low neutrophils",
        },
    )
    s.add(
        "dose-change",
        {"therapy": str(thp), "date": "2024-04-24", "drug": "docetaxel", "change": "resumed"},
    )
    s.add(
        "side-effect",
        {
            "date": "2024-03-01",
            "term": "diarrhea",
            "grade": "2",
            "therapy": "pertuzumab",
            "resolved": "2024-03-20",
        },
    )
    # A small lung spot typed on the May scan; it was on the September scan.
    s.add(
        "scan",
        {
            "date": "2024-05-01",
            "modality": "CT",
            "lesions[0].longest_mm": "20",
            "lesions[1].short_axis_mm": "9",
            "lesions[2].status": "absent",
            "lesions[3].id": "LU1",
            "lesions[3].organ": "lung",
            "lesions[3].role": "new",
            "lesions[3].size_mm": "6",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-09-01",
            "modality": "CT",
            "lesions[0].longest_mm": "18",
            "lesions[1].short_axis_mm": "8",
            "lesions[2].not_evaluated": "true",
            "lesions[3].longest_mm": "6",
        },
    )
    may = entry_index(s, "imaging", date="2024-05-01")
    s.correct("imaging", may, {"lesions[3].id": ""}, "lung spot taken off the wrong scan")
    # Typed 2024-10-09 for 9 October; the report says 10 September (day and month swapped).
    s.add("lab", {"date": "2024-10-09", "test": "CA 15-3", "value": "31", "unit": "U/mL"})
    ca = entry_index(s, "labs", test="CA 15-3")
    s.correct("labs", ca, {"date": "2024-09-10"}, "lab date typo")
    s.add(
        "symptoms",
        {
            "date": "2024-09-03",
            "temperature_c": "37.9",
            "esas.pain": "2",
            "esas.tiredness": "5",
            "notes": "tired after each infusion, better by day 5",
        },
    )
    s.add(
        "assessment",
        {
            "date": "2024-09-05",
            "by": "Dr. Costa",
            "disease_status": "stable",
            "visceral_crisis": "false",
        },
    )
    s.add("performance", {"date": "2024-09-05", "ecog": "1"})
    s.add("comorbidity", {"condition": "high blood pressure", "since": "2015-06-01"})
    s.add(
        "goals",
        {
            "priorities": ["quality_of_life", "work"],
            "avoid": ["hair_loss"],
            "prefer": ["oral"],
            "open_to_trials": "true",
            "travel_limit_km": "150",
        },
    )
    s.add(
        "care-team",
        {
            "role": "medical_oncologist",
            "name": "Dr. Costa",
            "phone": "+351 21 000 0000",
            "organization": "IPO Lisboa",
        },
    )
    nodes = entry_index(s, "metastases", site="lymph_nodes")
    s.correct("metastases", nodes, {"resolved": "2024-09-01"}, "the node is gone")
    # Capecitabine typed for a plan that never went ahead: added, deleted, undone, redone.
    s.add(
        "treatment-start",
        {
            "drugs": "capecitabine",
            "start": "2024-10-01",
            "running": "replace",
            "replace_reason": "progression",
        },
        "capecitabine that never happened",
    )
    s.delete(
        "therapies",
        therapy_index(s, "capecitabine"),
        "a treatment that never happened",
        {"replaced": "running"},
    )
    s.step("undo")
    s.step("redo")


INES: dict[str, Any] = {
    "patient": {
        "name": "Inês Duarte",
        "birth_date": "1968-11-23",
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "location": {"country": "PT", "postal_code": "1099-023", "city": "Lisboa"},
    },
    "diagnosis": {
        "first_diagnosed": "2018-03-05",
        "metastatic_since": "2024-01-15",
        "laterality": "right",
        "stage_at_first_diagnosis": "IIB",
        "presentation": "recurrent",
        "histology": "ductal",
        "pathologic_response": "residual",
    },
    "tumor_tests": [
        {
            "date": "2018-03-05",
            "specimen": "primary",
            "er": {"result": "positive", "percent": 95},
            "pr": {"result": "positive", "percent": 30},
            "her2": {"ihc": "1+", "ish": "not_amplified"},
            "ki67": 20,
        },
        {
            "date": "2024-01-25",
            "specimen": "liver biopsy",
            "er": {"result": "low", "percent": 5},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "3+"},
            "variants": [{"gene": "PIK3CA", "alteration": "H1047R", "origin": "somatic"}],
            "not_detected": ["ESR1"],
        },
    ],
    "germline_tests": [
        {
            "date": "2018-04-10",
            "genes_tested": ["BRCA1", "BRCA2", "PALB2", "ATM", "CHEK2"],
            "variants": [{"gene": "ATM", "alteration": "c.7271T>G", "classification": "vus"}],
        }
    ],
    "metastases": [
        {
            "site": "liver",
            "since": "2024-01-15",
            "location": "right lobe",
            "lesions": 3,
            "max_size_mm": 34,
        },
        {
            "site": "lymph_nodes",
            "since": "2024-01-15",
            "location": "porta hepatis",
            "resolved": "2024-09-01",
        },
    ],
    "therapies": [
        {
            "drugs": ["doxorubicin", "cyclophosphamide", "paclitaxel"],
            "setting": "neoadjuvant",
            "start": "2018-03-20",
            "stop": "2018-08-01",
            "stop_reason": "completed",
        },
        {
            "kind": "surgery",
            "date": "2018-08-30",
            "site": "right breast",
            "technique": "mastectomy",
        },
        {
            "kind": "radiation",
            "site": "right chest wall",
            "start": "2018-10-01",
            "stop": "2018-11-05",
            "setting": "adjuvant",
        },
        {
            "drugs": ["anastrozole"],
            "setting": "adjuvant",
            "start": "2018-11-15",
            "stop": "2024-01-15",
            "stop_reason": "progression",
        },
        {
            "drugs": ["trastuzumab", "pertuzumab", "docetaxel"],
            "setting": "metastatic",
            "start": "2024-02-01",
            "doses": [
                {
                    "drug": "docetaxel",
                    "dose": 75,
                    "unit": "mg/m2",
                    "route": "into a vein (IV)",
                    "schedule": "every 3 weeks",
                }
            ],
            "dose_changes": [
                {
                    "date": "2024-04-10",
                    "drug": "docetaxel",
                    "change": "held",
                    "reason": "low neutrophils",
                },
                {"date": "2024-04-24", "drug": "docetaxel", "change": "resumed"},
            ],
        },
    ],
    "labs": [
        {"date": "2024-01-28", "test": "LVEF", "value": 58, "unit": "%"},
        {
            "date": "2024-04-02",
            "test": "hemoglobin",
            "value": 112,
            "unit": "g/L",
            "ref_low": 120,
            "ref_high": 160,
        },
        {"date": "2024-04-02", "test": "ANC", "value": 1500, "unit": "/uL"},
        {"date": "2024-04-02", "test": "platelets", "value": 180, "unit": "10^3/uL"},
        {"date": "2024-09-10", "test": "CA 15-3", "value": 31, "unit": "U/mL"},
    ],
    "imaging": [
        {
            "date": "2024-01-10",
            "modality": "CT",
            "impression": "liver lesions and an enlarged node at the porta hepatis",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 34},
                {
                    "id": "N1",
                    "organ": "porta hepatis node",
                    "role": "target",
                    "node": True,
                    "short_axis_mm": 17,
                },
                {"id": "L2", "organ": "liver", "role": "non_target", "status": "present"},
            ],
        },
        {
            "date": "2024-05-01",
            "modality": "CT",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 20},
                {
                    "id": "N1",
                    "organ": "porta hepatis node",
                    "role": "target",
                    "node": True,
                    "short_axis_mm": 9,
                },
                {"id": "L2", "organ": "liver", "role": "non_target", "status": "absent"},
            ],
        },
        {
            "date": "2024-09-01",
            "modality": "CT",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 18},
                {
                    "id": "N1",
                    "organ": "porta hepatis node",
                    "role": "target",
                    "node": True,
                    "short_axis_mm": 8,
                },
                {"id": "L2", "organ": "liver", "role": "non_target", "not_evaluated": True},
                {"id": "LU1", "organ": "lung", "role": "new", "longest_mm": 6},
            ],
        },
    ],
    "symptoms": [
        {
            "date": "2024-09-03",
            "temperature_c": 37.9,
            "esas": {"pain": 2, "tiredness": 5},
            "notes": "tired after each infusion, better by day 5",
        }
    ],
    "side_effects": [
        {
            "date": "2024-03-01",
            "term": "diarrhea",
            "grade": 2,
            "therapy": "pertuzumab",
            "resolved": "2024-03-20",
        }
    ],
    "assessments": [
        {
            "date": "2024-09-05",
            "by": "Dr. Costa",
            "disease_status": "stable",
            "visceral_crisis": False,
        },
    ],
    "performance": [{"date": "2024-09-05", "ecog": 1}],
    "comorbidities": [{"condition": "high blood pressure", "since": "2015-06-01"}],
    "goals": {
        "priorities": ["quality_of_life", "work"],
        "avoid": ["hair_loss"],
        "prefer": ["oral"],
        "open_to_trials": True,
        "travel_limit_km": 150,
    },
    "care_team": [
        {
            "role": "medical_oncologist",
            "name": "Dr. Costa",
            "phone": "+351 21 000 0000",
            "organization": "IPO Lisboa",
        }
    ],
}


def hana(s: Story) -> None:
    """A woman whose lobular cancer was found in the bones at diagnosis (de novo), on
    letrozole + ribociclib with denosumab beside it and one day of radiation to the spine;
    years later it reached the peritoneum, and a blood test found ESR1 and PIK3CA changes."""
    s.start(
        **{
            "patient.name": "Hana Kobayashi",
            "patient.birth": "1957",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.first_diagnosed": "2021-09-01",
            "diagnosis.metastatic_since": "2021-09-01",
        }
    )
    s.add(
        "diagnosis",
        {
            "laterality": "left",
            "stage_at_first_diagnosis": "IV",
            "presentation": "de_novo",
            "histology": "lobular",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2021-09-10",
            "specimen": "bone biopsy",
            "er.result": "positive",
            "er.percent": "80",
            "pr.result": "low",
            "pr.percent": "5",
            "her2.result": "negative",
        },
    )
    s.add(
        "metastasis",
        {
            "site": "bone",
            "since": "2021-09-01",
            "location": "spine, pelvis, ribs",
            "lesions": "6",
            "symptomatic": "true",
        },
    )
    s.add(
        "scan",
        {
            "date": "2021-09-05",
            "modality": "bone scan",
            "lesions[0].id": "B1",
            "lesions[0].organ": "T12 vertebra",
            "lesions[0].role": "non_target",
            "lesions[0].status": "present",
            "lesions[1].id": "B2",
            "lesions[1].organ": "pelvis",
            "lesions[1].role": "non_target",
            "lesions[1].status": "present",
        },
    )
    # One day of radiation to the spine (8 Gy once); the site first typed T21.
    s.add(
        "radiation",
        {
            "site": "T21 vertebra",
            "start": "2021-09-20",
            "stop": "2021-09-20",
            "technique": "palliative",
            "setting": "metastatic",
            "notes": "8 Gy in one treatment",
        },
    )
    rt = therapy_index(s, "T21 vertebra", "radiation")
    s.correct("therapies", rt, {"site": "T12 vertebra"}, "radiation site typo")
    s.add(
        "treatment-start",
        {
            "drugs": "letrozole, ribociclib",
            "start": "2021-10-01",
            "setting": "metastatic",
            "doses[0].drug": "ribociclib",
            "doses[0].dose": "600",
            "doses[0].unit": "mg",
            "doses[0].route": "by mouth",
            "doses[0].schedule": "3 weeks on, 1 week off",
        },
    )
    # Denosumab begins the same day, beside the cancer treatment, not part of it.
    s.add(
        "treatment-start",
        {
            "drugs": "denosumab",
            "start": "2021-10-01",
            "setting": "supportive",
            "running": "join",
            "doses[0].drug": "denosumab",
            "doses[0].dose": "120",
            "doses[0].unit": "mg",
            "doses[0].route": "injection under the skin",
            "doses[0].schedule": "every 4 weeks",
        },
        "denosumab beside the line",
    )
    line = therapy_index(s, "ribociclib")
    s.add(
        "dose-change",
        {
            "therapy": str(line),
            "date": "2021-12-01",
            "drug": "ribociclib",
            "change": "reduced",
            "reason": "low neutrophils",
        },
    )
    s.add("lab", {"date": "2021-11-28", "test": "ANC", "value": "0.9", "unit": "10^9/L"})
    # Calcium 10.9 mg/dL, first with mmol/L picked: asked about, then typed right.
    calcium = {"date": "2022-01-10", "test": "calcium", "value": "10.9", "unit": "mmol/L"}
    s.add("lab", calcium, "calcium in mg/dL typed as mmol/L (expected: is this right?)")
    s.add("lab", {**calcium, "unit": "mg/dL"})
    # Creatinine 88 µmol/L stored as mg/dL by mistake (no range to question it): corrected.
    s.add("lab", {"date": "2022-01-10", "test": "creatinine", "value": "88", "unit": "mg/dL"})
    creat = entry_index(s, "labs", test="creatinine")
    s.correct("labs", creat, {"unit": "umol/L"}, "creatinine unit corrected")
    s.add("lab", {"date": "2022-01-10", "test": "platelets", "value": "210000", "unit": "/uL"})
    s.add(
        "lab",
        {"date": "2022-01-10", "test": "alkaline phosphatase", "value": "2.5", "unit": "xULN"},
    )
    s.add("lab", {"date": "2022-01-10", "test": "CA 15-3", "value": "48", "unit": "kU/L"})
    s.add(
        "scan",
        {
            "date": "2023-03-01",
            "modality": "bone scan",
            "lesions[0].status": "present",
            "lesions[1].status": "unequivocal_progression",
            "lesions[2].id": "B3",
            "lesions[2].organ": "rib",
            "lesions[2].role": "new",
        },
    )
    s.add(
        "scan",
        {
            "date": "2023-03-03",
            "modality": "CT",
            "impression": "a peritoneal nodule and a little fluid",
            "lesions[3].id": "P1",
            "lesions[3].organ": "peritoneum",
            "lesions[3].role": "new",
            "lesions[3].size_mm": "15",
        },
    )
    s.add(
        "treatment-stop",
        {"therapy": str(line), "stop": "2023-03-10", "stop_reason": "toxicity"},
    )
    # It stopped because the cancer grew, not for side effects: corrected.
    s.correct("therapies", line, {"stop_reason": "progression"}, "stop reason corrected")
    s.add("metastasis", {"site": "peritoneum", "since": "2023-03-03"})
    s.add(
        "tumor-test",
        {
            "date": "2023-03-15",
            "specimen": "blood",
            "test_name": "ctDNA panel",
            "variants[0].gene": "ESR1",
            "variants[0].alteration": "D538G",
            "variants[0].origin": "somatic",
            "variants[1].gene": "PIK3CA",
            "variants[1].alteration": "E545K",
            "variants[1].origin": "somatic",
        },
    )
    # Alpelisib typed for capivasertib: corrected, the dose row too.
    s.add(
        "treatment-start",
        {
            "drugs": "alpelisib, fulvestrant",
            "start": "2023-04-01",
            "setting": "metastatic",
            "doses[0].drug": "alpelisib",
            "doses[0].dose": "400",
            "doses[0].unit": "mg",
            "doses[0].route": "by mouth",
            "doses[0].schedule": "twice a day, 4 days on, 3 days off",
        },
    )
    second = therapy_index(s, "fulvestrant")
    s.correct(
        "therapies",
        second,
        {"drugs": "capivasertib, fulvestrant", "doses[0].drug": "capivasertib"},
        "wrong drug name",
    )
    s.add(
        "dose-change",
        {
            "therapy": str(second),
            "date": "2023-04-20",
            "drug": "capivasertib",
            "change": "held",
            "reason": "rash",
        },
    )
    s.add(
        "dose-change",
        {"therapy": str(second), "date": "2023-05-04", "drug": "capivasertib", "change": "resumed"},
    )
    rash = {"date": "2023-04-20", "term": "rash", "grade": "3", "therapy": "capivasertib"}
    s.add("side-effect", rash)
    s.add("side-effect", rash, "the rash entered twice")
    s.delete("side_effects", 1, "the second rash deleted")
    s.add("performance", {"date": "2023-05-01", "ecog": "3"})
    s.correct("performance", 0, {"ecog": "2"}, "ECOG corrected")
    s.add(
        "symptoms",
        {
            "date": "2023-05-01",
            "esas.pain": "6",
            "esas.appetite": "5",
            "notes": "back pain worse at night",
        },
    )
    s.add("palliative-care", {"involved": "true", "since": "2023-05-01"})
    s.add("appointment", {"date": "2023-06-01", "what": "scan", "notes": "CT of the belly"})
    s.add(
        "upcoming-event",
        {
            "upcoming_events[0].date": "2023-07-15",
            "upcoming_events[0].what": "granddaughter's graduation",
        },
    )
    s.add(
        "comorbidity",
        {"condition": "type 2 diabetes", "since": "2010-01-01", "notes": "on metformin"},
    )
    s.add(
        "goals",
        {
            "priorities": ["time_at_home", "symptom_control"],
            "avoid": ["iv_infusions", "frequent_visits"],
            "considering": ["treatment_break"],
            "open_to_trials": "false",
        },
    )


HANA: dict[str, Any] = {
    "patient": {
        "name": "Hana Kobayashi",
        "birth_year": 1957,
        "sex": "female",
        "menopausal_status": "postmenopausal",
    },
    "diagnosis": {
        "first_diagnosed": "2021-09-01",
        "metastatic_since": "2021-09-01",
        "laterality": "left",
        "stage_at_first_diagnosis": "IV",
        "presentation": "de_novo",
        "histology": "lobular",
    },
    "tumor_tests": [
        {
            "date": "2021-09-10",
            "specimen": "bone biopsy",
            "er": {"result": "positive", "percent": 80},
            "pr": {"result": "low", "percent": 5},
            "her2": {"result": "negative"},
        },
        {
            "date": "2023-03-15",
            "specimen": "blood",
            "test_name": "ctDNA panel",
            "variants": [
                {"gene": "ESR1", "alteration": "D538G", "origin": "somatic"},
                {"gene": "PIK3CA", "alteration": "E545K", "origin": "somatic"},
            ],
        },
    ],
    "metastases": [
        {
            "site": "bone",
            "since": "2021-09-01",
            "location": "spine, pelvis, ribs",
            "lesions": 6,
            "symptomatic": True,
        },
        {"site": "peritoneum", "since": "2023-03-03"},
    ],
    "therapies": [
        {
            "kind": "radiation",
            "site": "T12 vertebra",
            "start": "2021-09-20",
            "stop": "2021-09-20",
            "technique": "palliative",
            "setting": "metastatic",
            "notes": "8 Gy in one treatment",
        },
        {
            "drugs": ["letrozole", "ribociclib"],
            "setting": "metastatic",
            "start": "2021-10-01",
            "stop": "2023-03-10",
            "stop_reason": "progression",
            "doses": [
                {
                    "drug": "ribociclib",
                    "dose": 600,
                    "unit": "mg",
                    "route": "by mouth",
                    "schedule": "3 weeks on, 1 week off",
                }
            ],
            "dose_changes": [
                {
                    "date": "2021-12-01",
                    "drug": "ribociclib",
                    "change": "reduced",
                    "reason": "low neutrophils",
                }
            ],
        },
        {
            "drugs": ["denosumab"],
            "setting": "supportive",
            "start": "2021-10-01",
            "doses": [
                {
                    "drug": "denosumab",
                    "dose": 120,
                    "unit": "mg",
                    "route": "injection under the skin",
                    "schedule": "every 4 weeks",
                }
            ],
        },
        {
            "drugs": ["capivasertib", "fulvestrant"],
            "setting": "metastatic",
            "start": "2023-04-01",
            "doses": [
                {
                    "drug": "capivasertib",
                    "dose": 400,
                    "unit": "mg",
                    "route": "by mouth",
                    "schedule": "twice a day, 4 days on, 3 days off",
                }
            ],
            "dose_changes": [
                {"date": "2023-04-20", "drug": "capivasertib", "change": "held", "reason": "rash"},
                {"date": "2023-05-04", "drug": "capivasertib", "change": "resumed"},
            ],
        },
    ],
    "labs": [
        {"date": "2021-11-28", "test": "ANC", "value": 0.9, "unit": "10^9/L"},
        {"date": "2022-01-10", "test": "calcium", "value": 10.9, "unit": "mg/dL"},
        {"date": "2022-01-10", "test": "creatinine", "value": 88, "unit": "umol/L"},
        {"date": "2022-01-10", "test": "platelets", "value": 210000, "unit": "/uL"},
        {"date": "2022-01-10", "test": "alkaline phosphatase", "value": 2.5, "unit": "xULN"},
        {"date": "2022-01-10", "test": "CA 15-3", "value": 48, "unit": "kU/L"},
    ],
    "imaging": [
        {
            "date": "2021-09-05",
            "modality": "bone scan",
            "lesions": [
                {"id": "B1", "organ": "T12 vertebra", "role": "non_target", "status": "present"},
                {"id": "B2", "organ": "pelvis", "role": "non_target", "status": "present"},
            ],
        },
        {
            "date": "2023-03-01",
            "modality": "bone scan",
            "lesions": [
                {"id": "B1", "organ": "T12 vertebra", "role": "non_target", "status": "present"},
                {
                    "id": "B2",
                    "organ": "pelvis",
                    "role": "non_target",
                    "status": "unequivocal_progression",
                },
                {"id": "B3", "organ": "rib", "role": "new"},
            ],
        },
        {
            "date": "2023-03-03",
            "modality": "CT",
            "impression": "a peritoneal nodule and a little fluid",
            "lesions": [{"id": "P1", "organ": "peritoneum", "role": "new", "longest_mm": 15}],
        },
    ],
    "side_effects": [{"date": "2023-04-20", "term": "rash", "grade": 3, "therapy": "capivasertib"}],
    "performance": [{"date": "2023-05-01", "ecog": 2}],
    "symptoms": [
        {
            "date": "2023-05-01",
            "esas": {"pain": 6, "appetite": 5},
            "notes": "back pain worse at night",
        }
    ],
    "palliative_care": {"involved": True, "since": "2023-05-01"},
    "appointments": [{"date": "2023-06-01", "what": "scan", "notes": "CT of the belly"}],
    "comorbidities": [
        {"condition": "type 2 diabetes", "since": "2010-01-01", "notes": "on metformin"}
    ],
    "goals": {
        "priorities": ["time_at_home", "symptom_control"],
        "avoid": ["iv_infusions", "frequent_visits"],
        "considering": ["treatment_break"],
        "open_to_trials": False,
        "upcoming_events": [{"date": "2023-07-15", "what": "granddaughter's graduation"}],
    },
}


def carmen(s: Story) -> None:
    """A daughter entering her mother, 78, with HER2-positive cancer in the lungs and then the
    brain: radiosurgery on one day, dexamethasone, then tucatinib + trastuzumab + capecitabine;
    an old report gives HER2 only as "positive"."""
    s.start(
        **{
            "patient.name": "Carmen Vidal",
            "patient.birth": "1964-05-02",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.first_diagnosed": "2019-02-11",
            "diagnosis.metastatic_since": "2022-06-01",
        }
    )
    # Born 1946, not 1964: corrected.
    s.add("person", {"birth": "1946-05-02"}, "birth date typo")
    s.add(
        "diagnosis",
        {
            "laterality": "left",
            "stage_at_first_diagnosis": "IIIA",
            "presentation": "recurrent",
            "histology": "ductal",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2019-02-11",
            "specimen": "primary",
            "er.result": "negative",
            "er.percent": "0",
            "pr.result": "negative",
            "pr.percent": "0",
            "her2.result": "positive",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2022-06-10",
            "specimen": "lung biopsy",
            "er.result": "negative",
            "her2.ihc": "2+",
            "her2.ish": "amplified",
        },
    )
    s.add("germline-test", {"date": "2019-03-01", "genes_tested": "BRCA1, BRCA2"})
    s.add("metastasis", {"site": "lung", "since": "2022-06-01"})
    s.add(
        "metastasis",
        {
            "site": "brain",
            "since": "2024-02-01",
            "location": "right frontal",
            "lesions": "2",
            "max_size_mm": "14",
            "symptomatic": "true",
            "treated": "SRS",
            "stable": "false",
            "mass_effect": "false",
            "on_steroids": "true",
        },
    )
    brain = entry_index(s, "metastases", site="brain")
    s.correct("metastases", brain, {"since": "2024-02-10"}, "date typo on the brain spread")
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab, pertuzumab, paclitaxel",
            "start": "2022-07-01",
            "setting": "metastatic",
            "stop": "2023-09-01",
            "stop_reason": "progression",
            "best_response": "PR",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab deruxtecan",
            "start": "2023-09-15",
            "setting": "metastatic",
            "stop": "2024-02-10",
            "stop_reason": "progression",
            "best_response": "SD",
        },
    )
    s.add(
        "radiation",
        {
            "site": "brain, right frontal",
            "start": "2024-02-20",
            "technique": "SRS",
            "setting": "metastatic",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "dexamethasone",
            "start": "2024-02-12",
            "setting": "supportive",
            "doses[0].drug": "dexamethasone",
            "doses[0].dose": "4",
            "doses[0].unit": "mg",
            "doses[0].route": "by mouth",
            "doses[0].schedule": "twice a day",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "tucatinib, trastuzumab, capecitabine",
            "start": "2024-03-01",
            "setting": "metastatic",
            "doses[0].drug": "tucatinib",
            "doses[0].dose": "300",
            "doses[0].unit": "mg",
            "doses[0].route": "by mouth",
            "doses[0].schedule": "twice a day",
        },
        "tucatinib beside the steroid",
    )
    s.add(
        "scan",
        {
            "date": "2024-02-10",
            "modality": "MRI",
            "baseline": "true",
            "lesions[0].id": "BR1",
            "lesions[0].organ": "brain, right frontal",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "14",
            "lesions[1].id": "BR2",
            "lesions[1].organ": "brain, left parietal",
            "lesions[1].role": "non_target",
            "lesions[1].status": "present",
        },
    )
    # The May MRI: BR1 first copied as 14 from the baseline; the report says 9.
    s.add(
        "scan",
        {
            "date": "2024-05-15",
            "modality": "MRI",
            "lesions[0].longest_mm": "14",
            "lesions[1].status": "absent",
            "lesions[2].id": "BR3",
            "lesions[2].organ": "cerebellum",
            "lesions[2].role": "new",
            "lesions[2].size_mm": "6",
        },
    )
    may = entry_index(s, "imaging", date="2024-05-15")
    s.correct("imaging", may, {"lesions[0].longest_mm": "9"}, "size copied from the wrong scan")
    s.add("lab", {"date": "2024-05-14", "test": "bilirubin", "value": "1.4", "unit": "mg/dL"})
    s.add("lab", {"date": "2024-05-14", "test": "ALT", "value": "3.2", "unit": "xULN"})
    wbc = {"date": "2024-05-14", "test": "WBC", "value": "4500", "unit": "10^9/L"}
    s.add("lab", wbc, "WBC per µL typed as 10^9/L (expected: is this right?)")
    s.add("lab", {**wbc, "unit": "/uL"})
    s.add("lab", {"date": "2024-02-25", "test": "LVEF", "value": "48", "unit": "%"})
    s.add(
        "symptoms",
        {
            "date": "2024-05-16",
            "esas.nausea": "4",
            "esas.tiredness": "6",
            "notes": "headaches in the morning",
        },
    )
    s.add(
        "side-effect",
        {"date": "2024-04-10", "term": "diarrhea", "grade": "3", "therapy": "tucatinib"},
    )
    s.correct("side_effects", 0, {"grade": "2"}, "side effect grade corrected")
    s.add(
        "side-effect",
        {
            "date": "2024-04-20",
            "term": "palmar-plantar erythrodysesthesia syndrome",
            "grade": "2",
            "therapy": "capecitabine",
            "notes": "sore red palms",
        },
    )
    s.add(
        "assessment",
        {
            "date": "2024-05-20",
            "by": "Dr. Ruiz",
            "disease_status": "mixed",
            "visceral_crisis": "false",
            "notes": "brain better, a new small spot to watch",
        },
    )
    s.add("comorbidity", {"condition": "heart failure", "since": "2020-01-01"})
    s.add("care-team", {"role": "nurse", "name": "Marta", "phone": "600 123 456"})
    s.add("performance", {"date": "2024-05-20", "ecog": "2"})
    # An MRI appointment added, deleted by mistake, the deletion undone.
    s.add("appointment", {"date": "2024-06-10", "what": "scan", "notes": "brain MRI"})
    s.delete("appointments", 0, "appointment deleted by mistake")
    s.step("undo")


CARMEN: dict[str, Any] = {
    "patient": {
        "name": "Carmen Vidal",
        "birth_date": "1946-05-02",
        "sex": "female",
        "menopausal_status": "postmenopausal",
    },
    "diagnosis": {
        "first_diagnosed": "2019-02-11",
        "metastatic_since": "2022-06-01",
        "laterality": "left",
        "stage_at_first_diagnosis": "IIIA",
        "presentation": "recurrent",
        "histology": "ductal",
    },
    "tumor_tests": [
        {
            "date": "2019-02-11",
            "specimen": "primary",
            "er": {"result": "negative", "percent": 0},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"result": "positive"},
        },
        {
            "date": "2022-06-10",
            "specimen": "lung biopsy",
            "er": {"result": "negative"},
            "her2": {"ihc": "2+", "ish": "amplified"},
        },
    ],
    "germline_tests": [{"date": "2019-03-01", "genes_tested": ["BRCA1", "BRCA2"]}],
    "metastases": [
        {"site": "lung", "since": "2022-06-01"},
        {
            "site": "brain",
            "since": "2024-02-10",
            "location": "right frontal",
            "lesions": 2,
            "max_size_mm": 14,
            "symptomatic": True,
            "treated": "SRS",
            "stable": False,
            "mass_effect": False,
            "on_steroids": True,
        },
    ],
    "therapies": [
        {
            "drugs": ["trastuzumab", "pertuzumab", "paclitaxel"],
            "setting": "metastatic",
            "start": "2022-07-01",
            "stop": "2023-09-01",
            "stop_reason": "progression",
            "best_response": "PR",
        },
        {
            "drugs": ["trastuzumab deruxtecan"],
            "setting": "metastatic",
            "start": "2023-09-15",
            "stop": "2024-02-10",
            "stop_reason": "progression",
            "best_response": "SD",
        },
        {
            "kind": "radiation",
            "site": "brain, right frontal",
            "start": "2024-02-20",
            "technique": "SRS",
            "setting": "metastatic",
        },
        {
            "drugs": ["dexamethasone"],
            "setting": "supportive",
            "start": "2024-02-12",
            "doses": [
                {
                    "drug": "dexamethasone",
                    "dose": 4,
                    "unit": "mg",
                    "route": "by mouth",
                    "schedule": "twice a day",
                }
            ],
        },
        {
            "drugs": ["tucatinib", "trastuzumab", "capecitabine"],
            "setting": "metastatic",
            "start": "2024-03-01",
            "doses": [
                {
                    "drug": "tucatinib",
                    "dose": 300,
                    "unit": "mg",
                    "route": "by mouth",
                    "schedule": "twice a day",
                }
            ],
        },
    ],
    "imaging": [
        {
            "date": "2024-02-10",
            "modality": "MRI",
            "baseline": True,
            "lesions": [
                {"id": "BR1", "organ": "brain, right frontal", "role": "target", "longest_mm": 14},
                {
                    "id": "BR2",
                    "organ": "brain, left parietal",
                    "role": "non_target",
                    "status": "present",
                },
            ],
        },
        {
            "date": "2024-05-15",
            "modality": "MRI",
            "lesions": [
                {"id": "BR1", "organ": "brain, right frontal", "role": "target", "longest_mm": 9},
                {
                    "id": "BR2",
                    "organ": "brain, left parietal",
                    "role": "non_target",
                    "status": "absent",
                },
                {"id": "BR3", "organ": "cerebellum", "role": "new", "longest_mm": 6},
            ],
        },
    ],
    "labs": [
        {"date": "2024-05-14", "test": "bilirubin", "value": 1.4, "unit": "mg/dL"},
        {"date": "2024-05-14", "test": "ALT", "value": 3.2, "unit": "xULN"},
        {"date": "2024-05-14", "test": "WBC", "value": 4500, "unit": "/uL"},
        {"date": "2024-02-25", "test": "LVEF", "value": 48, "unit": "%"},
    ],
    "symptoms": [
        {
            "date": "2024-05-16",
            "esas": {"nausea": 4, "tiredness": 6},
            "notes": "headaches in the morning",
        }
    ],
    "side_effects": [
        {"date": "2024-04-10", "term": "diarrhea", "grade": 2, "therapy": "tucatinib"},
        {
            "date": "2024-04-20",
            "term": "palmar-plantar erythrodysesthesia syndrome",
            "grade": 2,
            "therapy": "capecitabine",
            "notes": "sore red palms",
        },
    ],
    "assessments": [
        {
            "date": "2024-05-20",
            "by": "Dr. Ruiz",
            "disease_status": "mixed",
            "visceral_crisis": False,
            "notes": "brain better, a new small spot to watch",
        }
    ],
    "comorbidities": [{"condition": "heart failure", "since": "2020-01-01"}],
    "care_team": [{"role": "nurse", "name": "Marta", "phone": "600 123 456"}],
    "performance": [{"date": "2024-05-20", "ecog": 2}],
    "appointments": [{"date": "2024-06-10", "what": "scan", "notes": "brain MRI"}],
}

STORIES = {"ines": ines, "hana": hana, "carmen": carmen}
MEANT = {"ines": INES, "hana": HANA, "carmen": CARMEN}

REFUSED = (
    "hemoglobin in g/L typed as g/dL (expected: is this right?)",
    "calcium in mg/dL typed as mmol/L (expected: is this right?)",
    "WBC per µL typed as 10^9/L (expected: is this right?)",
)

__all__ = ["MEANT", "REFUSED", "STORIES", "entry_index", "therapy_index"]
