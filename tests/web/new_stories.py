"""Four whole stories of people unlike the bundled examples, entered through the web forms
only, from an empty store: everything each person would type, then the mistakes a real person
makes and their corrections.

Each story is a function over a `Story` (tests/web/story_harness.py), so the same steps serve
the tests (tests/web/test_new_stories.py) and a by-hand probe. The people are invented.
"""

from __future__ import annotations

from tests.web.story_harness import Story


def daniel(s: Story) -> None:
    """A man with HER2-positive cancer and brain metastases after THP and T-DM1."""
    s.start(
        **{
            "patient.name": "Daniel Okafor",
            "patient.birth": "1968-05-02",
            "patient.sex": "male",
            "diagnosis.first_diagnosed": "2021-03-10",
            "diagnosis.metastatic_since": "2022-01-15",
        }
    )
    s.add(
        "diagnosis",
        {
            "first_diagnosed": "2021-03-10",
            "laterality": "left",
            "stage_at_first_diagnosis": "IIB",
            "metastatic_since": "2022-01-15",
            "presentation": "recurrent",
            "histology": "ductal",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2021-03-20",
            "specimen": "breast core biopsy",
            "er.result": "negative",
            "pr.result": "negative",
            "her2.ihc": "3+",
            "her2.result": "positive",
            "ki67": "40",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2024-02-01",
            "specimen": "blood (ctDNA)",
            "test_name": "Guardant360",
            "variants[0].gene": "PIK3CA",
            "variants[0].alteration": "H1047R",
            "variants[0].origin": "somatic",
            "not_detected": "ESR1, ERBB2",
        },
    )
    s.add("germline-test", {"date": "2021-05-04", "genes_tested": "BRCA1, BRCA2, PALB2, CHEK2"})
    s.add(
        "surgery",
        {
            "date": "2021-06-01",
            "site": "left mastectomy and axillary clearance",
            "setting": "adjuvant",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "docetaxel, trastuzumab, pertuzumab",
            "start": "2022-02-01",
            "setting": "metastatic",
            "doses[0].drug": "docetaxel",
            "doses[0].dose": "75",
            "doses[0].unit": "mg/m2",
            "doses[0].schedule": "every 3 weeks",
        },
    )
    s.add(
        "dose-change",
        {
            "therapy": "1",
            "date": "2022-04-12",
            "drug": "docetaxel",
            "change": "reduced",
            "reason": "numb fingers",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab emtansine",
            "start": "2023-08-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
    )
    s.add("metastasis", {"site": "lung", "since": "2022-01-15"})
    s.add(
        "metastasis",
        {
            "site": "brain",
            "since": "2024-03-01",
            "symptomatic": "true",
            "lesions": "3",
            "max_size_mm": "14",
            "treated": "SRS",
            "on_steroids": "true",
        },
    )
    s.add(
        "radiation",
        {
            "site": "brain (3 spots)",
            "start": "2024-03-10",
            "stop": "2024-03-10",
            "technique": "SRS",
            "setting": "metastatic",
        },
    )
    # A misspelt medicine: asked "did you mean", nothing stored; then typed right.
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab deruxtecn",
            "start": "2024-04-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
        what="misspelt drug (expected: did you mean)",
    )
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab deruxtecan",
            "start": "2024-04-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
            "doses[0].drug": "trastuzumab deruxtecan",
            "doses[0].dose": "5.4",
            "doses[0].unit": "mg/kg",
            "doses[0].schedule": "every 3 weeks",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-03-20",
            "modality": "CT",
            "impression": "lung nodules",
            "lesions[0].id": "L1",
            "lesions[0].organ": "lung",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "22",
            "lesions[1].id": "L2",
            "lesions[1].organ": "lung",
            "lesions[1].role": "target",
            "lesions[1].size_mm": "15",
        },
    )
    # The person puts the brain spot on this CT by mistake; it belongs on the MRI.
    s.add(
        "scan",
        {
            "date": "2024-07-01",
            "modality": "CT",
            "lesions[0].longest_mm": "15",
            "lesions[1].longest_mm": "10",
            "lesions[2].id": "B1",
            "lesions[2].organ": "brain",
            "lesions[2].role": "non_target",
            "lesions[2].status": "present",
        },
    )
    s.add("lab", {"date": "2025-05-02", "test": "haemoglobin", "value": "118", "unit": "g/L"})
    s.add("lab", {"date": "2025-05-02", "test": "LVEF", "value": "55", "unit": "%"})
    s.add("lab", {"date": "2025-05-02", "test": "neutrophils", "value": "1.9", "unit": "10^9/L"})
    s.add(
        "symptoms",
        {
            "date": "2025-05-20",
            "signs": ["severe_headache"],
            "esas.pain": "3",
            "esas.tiredness": "5",
            "notes": "headaches in the morning, some sickness",
        },
    )
    s.add(
        "side-effect",
        {"date": "2025-05-10", "term": "nausea", "grade": "2", "therapy": "trastuzumab deruxtecan"},
    )
    s.add("performance", {"date": "2025-05-20", "ecog": "1"})
    s.add(
        "assessment",
        {
            "date": "2025-05-22",
            "by": "Dr Mensah",
            "disease_status": "stable",
            "visceral_crisis": "false",
        },
    )
    s.add("goals", {"priorities": ["quality_of_life"], "open_to_trials": "true"})
    s.add(
        "upcoming-event",
        {
            "upcoming_events[0].what": "daughter's graduation",
            "upcoming_events[0].date": "2025-07-15",
        },
    )
    s.add("care-team", {"role": "oncologist", "name": "Dr Mensah", "phone": "0161 555 0101"})
    s.add("appointment", {"date": "2025-06-12", "what": "oncology clinic"})
    # --- corrections ---
    s.correct("labs", 0, {"date": "2025-05-03"}, "a wrong lab date")
    s.correct("imaging", 1, {"lesions[2].id": ""}, "the brain spot out of the CT")
    s.add(
        "scan",
        {
            "date": "2025-05-01",
            "modality": "MRI",
            "impression": "brain stable",
            "lesions[0].longest_mm": "13",
            "lesions[1].longest_mm": "9",
            "lesions[2].id": "B1",
            "lesions[2].organ": "brain",
            "lesions[2].role": "non_target",
            "lesions[2].status": "present",
        },
    )
    s.add(
        "upcoming-event",
        {"upcoming_events[0].date": "2025-07-16"},
        what="the graduation is a day later",
    )
    s.correct("therapies", 2, {"stop_reason": "toxicity"}, "T-DM1 stopped for side effects")
    s.correct("metastases", 1, {"stable": "true", "on_steroids": "false"}, "brain now stable")
    s.delete("metastases", 0, "lung taken off the list by mistake")
    s.step("undo")
    s.step("undo")
    s.step("redo")


def priya(s: Story) -> None:
    """A 38-year-old premenopausal woman on goserelin + letrozole + ribociclib who has a
    seizure."""
    s.start(
        **{
            "patient.name": "Priya Raman",
            "patient.birth": "1986-11-02",
            "patient.sex": "female",
            "patient.menopausal_status": "premenopausal",
            "diagnosis.metastatic_since": "2024-09-10",
        }
    )
    s.add(
        "diagnosis",
        {
            "first_diagnosed": "2024-09-10",
            "laterality": "right",
            "stage_at_first_diagnosis": "IV",
            "metastatic_since": "2024-09-10",
            "presentation": "de_novo",
            "histology": "ductal",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2024-09-12",
            "specimen": "liver biopsy",
            "er.result": "positive",
            "er.percent": "95",
            "pr.result": "positive",
            "pr.percent": "60",
            "her2.ihc": "1+",
            "ki67": "20",
        },
    )
    s.add(
        "germline-test",
        {"date": "2024-10-01", "genes_tested": "BRCA1, BRCA2, PALB2, TP53, CDH1, PTEN"},
    )
    s.add("metastasis", {"site": "bone", "since": "2024-09-10"})
    s.add("metastasis", {"site": "lymph_nodes", "since": "2024-09-10", "location": "neck"})
    s.add(
        "treatment-start",
        {
            "drugs": "goserelin, letrozole, ribociclip",
            "start": "2024-10-01",
            "setting": "metastatic",
        },
        what="misspelt drug (expected: did you mean)",
    )
    s.add(
        "treatment-start",
        {
            "drugs": "goserelin, letrozole, ribociclib",
            "start": "2024-10-01",
            "setting": "metastatic",
            "doses[0].drug": "ribociclib",
            "doses[0].dose": "600",
            "doses[0].unit": "mg",
            "doses[0].schedule": "daily, 3 weeks on 1 week off",
        },
    )
    s.add(
        "dose-change",
        {
            "therapy": "0",
            "date": "2024-12-03",
            "drug": "ribociclib",
            "change": "reduced",
            "reason": "low neutrophils",
        },
    )
    s.add(
        "treatment-start",
        {"drugs": "zoledronic acid", "start": "2024-10-15", "setting": "supportive"},
    )
    s.add(
        "scan",
        {
            "date": "2024-09-20",
            "modality": "CT",
            "lesions[0].id": "N1",
            "lesions[0].organ": "neck lymph node",
            "lesions[0].role": "target",
            "lesions[0].node": "true",
            "lesions[0].size_mm": "18",
            "lesions[1].id": "B1",
            "lesions[1].organ": "bone",
            "lesions[1].role": "non_target",
            "lesions[1].status": "present",
        },
    )
    s.add(
        "scan",
        {
            "date": "2025-01-15",
            "modality": "CT",
            "lesions[0].short_axis_mm": "9",
            "lesions[1].status": "present",
        },
    )
    # An absolute neutrophil count copied as 900 (per µL) into a ×10^9/L box: asked, kept out.
    s.add(
        "lab",
        {"date": "2024-12-01", "test": "ANC", "value": "900", "unit": "10^9/L"},
        what="ANC in the wrong unit (expected: is this right?)",
    )
    s.add("lab", {"date": "2024-12-01", "test": "ANC", "value": "0.9", "unit": "10^9/L"})
    s.add("lab", {"date": "2025-05-28", "test": "ALT", "value": "41", "unit": "U/L"})
    s.add(
        "symptoms",
        {
            "date": "2025-05-29",
            "signs": ["seizure", "severe_headache"],
            "notes": "had a fit at home this morning, about 2 minutes",
        },
    )
    s.add("performance", {"date": "2025-05-29", "ecog": "1"})
    s.add("goals", {"priorities": ["quality_of_life"], "open_to_trials": "unsure"})
    s.add(
        "upcoming-event",
        {"upcoming_events[0].what": "son's 10th birthday", "upcoming_events[0].date": "2025-08-20"},
    )
    s.add("care-team", {"role": "breast care nurse", "name": "Jo", "phone": "020 7946 0000"})
    # --- corrections ---
    s.correct("imaging", 1, {"date": "2025-01-14"}, "a wrong scan date")
    s.correct(
        "therapies", 0, {"drugs": "goserelin, letrozol, ribociclib"}, "misspelt in a correction"
    )
    s.add("person", {"menopausal_status": "postmenopausal"}, what="ovaries removed")


def edith(s: Story) -> None:
    """A 74-year-old with triple-negative cancer, gBRCA2, ECOG 2, liver lesions growing on
    sacituzumab."""
    s.start(
        **{
            "patient.name": "Edith Nowak",
            "patient.birth": "1951",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
        }
    )
    s.add(
        "diagnosis",
        {
            "first_diagnosed": "2019-02-01",
            "laterality": "left",
            "stage_at_first_diagnosis": "IIA",
            "metastatic_since": "2023-01-20",
            "presentation": "recurrent",
            "histology": "ductal",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2023-01-25",
            "specimen": "liver biopsy",
            "er.result": "negative",
            "er.percent": "0",
            "pr.result": "negative",
            "pr.percent": "0",
            "her2.ihc": "0",
            "pdl1.cps": "5",
        },
    )
    s.add(
        "germline-test",
        {
            "date": "2019-03-01",
            "genes_tested": "BRCA1, BRCA2",
            "variants[0].gene": "BRCA2",
            "variants[0].alteration": "c.5946delT",
            "variants[0].classification": "pathogenic",
        },
    )
    s.add("metastasis", {"site": "liver", "since": "2023-01-20"})
    s.add(
        "treatment-start",
        {
            "drugs": "doxorubicin, cyclophosphamide, paclitaxel",
            "start": "2019-03-15",
            "setting": "adjuvant",
        },
    )
    s.add(
        "treatment-stop",
        {"therapy": "0", "stop": "2019-09-01", "stop_reason": "completed"},
        what="adjuvant chemotherapy completed",
    )
    s.add("treatment-start", {"drugs": "olaparib", "start": "2023-02-01", "setting": "metastatic"})
    s.add(
        "treatment-start",
        {
            "drugs": "sacituzumab govitecan",
            "start": "2024-06-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "toxicity",
        },
    )
    s.add(
        "dose-change",
        {
            "therapy": "2",
            "date": "2024-08-01",
            "drug": "sacituzumab govitecan",
            "change": "reduced",
            "reason": "neutropenia",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-05-25",
            "modality": "CT",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "30",
            "lesions[1].id": "L2",
            "lesions[1].organ": "liver",
            "lesions[1].role": "target",
            "lesions[1].size_mm": "20",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-09-10",
            "modality": "CT",
            "lesions[0].longest_mm": "32",
            "lesions[1].longest_mm": "21",
        },
    )
    s.add(
        "scan",
        {
            "date": "2025-04-28",
            "modality": "CT",
            "impression": "liver metastases larger, one new",
            "lesions[0].longest_mm": "45",
            "lesions[1].longest_mm": "30",
            "lesions[2].id": "L3",
            "lesions[2].organ": "liver",
            "lesions[2].role": "new",
            "lesions[2].status": "present",
        },
    )
    # UK letters print bilirubin in µmol/L.
    s.add("lab", {"date": "2025-05-01", "test": "bilirubin", "value": "28", "unit": "µmol/L"})
    s.add("lab", {"date": "2025-05-01", "test": "ALT", "value": "85", "unit": "U/L"})
    s.add("lab", {"date": "2025-05-01", "test": "ANC", "value": "1.1", "unit": "10^9/L"})
    s.add(
        "side-effect",
        {
            "date": "2024-07-15",
            "term": "diarrhoea",
            "grade": "2",
            "therapy": "sacituzumab govitecan",
        },
    )
    s.add("performance", {"date": "2025-05-01", "ecog": "2"})
    s.add(
        "assessment",
        {
            "date": "2025-05-05",
            "by": "Dr Haas",
            "disease_status": "worsened",
            "visceral_crisis": "false",
        },
    )
    s.add("goals", {"priorities": ["quality_of_life"], "open_to_trials": "false"})
    s.add(
        "upcoming-event",
        {
            "upcoming_events[0].what": "golden wedding anniversary",
            "upcoming_events[0].date": "2025-07-05",
        },
    )
    s.add("palliative-care", {"involved": "true", "since": "2025-03-01"})
    s.add("care-team", {"role": "oncologist", "name": "Dr Haas"})
    # --- corrections ---
    s.correct(
        "therapies",
        1,
        {"stop_reason": "progression"},
        "olaparib stopped for growth, not side effects",
    )
    s.correct("labs", 0, {"unit": "mg/dL", "value": "1.6"}, "bilirubin re-typed in mg/dL")


def margaret(s: Story) -> None:
    """A caregiver entering a parent with bone-only disease, denosumab, and a calcium of
    3.1 mmol/L."""
    s.start(
        **{
            "patient.name": "Margaret (Mum)",
            "patient.birth": "1948-02-14",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
        }
    )
    s.add(
        "diagnosis",
        {
            "first_diagnosed": "2014-11-05",
            "laterality": "right",
            "metastatic_since": "2023-01-10",
            "presentation": "recurrent",
            "histology": "lobular",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2014-11-10",
            "specimen": "breast biopsy",
            "er.result": "positive",
            "er.percent": "90",
            "pr.result": "positive",
            "her2.ihc": "0",
        },
    )
    s.add(
        "metastasis",
        {
            "site": "bone",
            "since": "2023-01-10",
            "symptomatic": "true",
            "location": "spine and right hip",
        },
    )
    s.add("metastasis", {"site": "liver", "since": "2023-01-10"}, what="liver added by mistake")
    s.add("treatment-start", {"drugs": "anastrozole", "start": "2015-01-05", "setting": "adjuvant"})
    s.add(
        "treatment-stop",
        {"therapy": "0", "stop": "2020-01-05", "stop_reason": "completed"},
        what="adjuvant anastrozole completed",
    )
    s.add(
        "treatment-start",
        {"drugs": "letrozole, palbociclib", "start": "2023-02-01", "setting": "metastatic"},
    )
    s.add(
        "treatment-start",
        {"drugs": "denosumob", "start": "2023-03-01", "setting": "supportive"},
        what="misspelt drug (expected: did you mean)",
    )
    s.add(
        "treatment-start",
        {
            "drugs": "denosumab",
            "start": "2023-03-01",
            "setting": "supportive",
            "doses[0].drug": "denosumab",
            "doses[0].dose": "120",
            "doses[0].unit": "mg",
            "doses[0].schedule": "every 4 weeks",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "fulvestrant",
            "start": "2024-11-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
    )
    s.add(
        "radiation",
        {
            "site": "right hip",
            "start": "2024-10-05",
            "technique": "8 Gy single dose",
            "setting": "metastatic",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-10-01",
            "modality": "bone scan",
            "impression": "more spots in the spine",
            "lesions[0].id": "S1",
            "lesions[0].organ": "spine",
            "lesions[0].role": "non_target",
            "lesions[0].status": "present",
        },
    )
    # A calcium in mmol/L as the letter prints it; 12.4 typed with mmol/L is asked about.
    s.add(
        "lab",
        {"date": "2025-05-20", "test": "calcium", "value": "12.4", "unit": "mmol/L"},
        what="calcium in the wrong unit (expected: is this right?)",
    )
    s.add("lab", {"date": "2025-05-20", "test": "calcium", "value": "3.1", "unit": "mmol/L"})
    s.add("lab", {"date": "2025-05-20", "test": "albumin", "value": "35", "unit": "g/L"})
    s.add("lab", {"date": "2025-05-20", "test": "creatinine", "value": "95", "unit": "µmol/L"})
    s.add(
        "symptoms",
        {
            "date": "2025-05-21",
            "signs": ["very_thirsty", "new_confusion"],
            "esas.drowsiness": "7",
            "notes": "Mum is very sleepy and thirsty, muddled since Tuesday",
        },
    )
    s.add("performance", {"date": "2025-05-21", "ecog": "2"})
    s.add("palliative-care", {"involved": "true", "since": "2025-01-15"})
    s.add("comorbidity", {"condition": "chronic kidney disease stage 3", "since": "2018-01-01"})
    s.add("care-team", {"role": "GP", "name": "Dr Patel", "phone": "0113 496 0000"})
    s.add("care-team", {"role": "oncologist", "name": "Dr Brown"})
    s.add(
        "upcoming-event",
        {
            "upcoming_events[0].what": "granddaughter's wedding",
            "upcoming_events[0].date": "2025-06-28",
        },
    )
    # --- corrections ---
    s.add(
        "upcoming-event",
        {"upcoming_events[0].what": "", "upcoming_events[0].date": "2025-06-28"},
        what="an important date with its name emptied (expected: say what)",
    )
    s.add(
        "upcoming-event",
        {"upcoming_events[0].what": "", "upcoming_events[0].date": ""},
        what="the wedding taken off the list",
    )
    s.step("undo")
    s.delete("metastases", 1, "the liver was never affected")
    s.correct("therapies", 3, {"start": "2024-11-04"}, "fulvestrant started on the 4th")
    s.correct("care_team", 0, {"phone": "0113 496 0001"}, "the GP's number")
    s.step("undo")
    s.step("redo")


STORIES = {"daniel": daniel, "priya": priya, "edith": edith, "margaret": margaret}

# Steps that must be refused (a question before saving), by their label.
REFUSED = (
    "misspelt drug (expected: did you mean)",
    "ANC in the wrong unit (expected: is this right?)",
    "calcium in the wrong unit (expected: is this right?)",
    "misspelt in a correction",
    "an important date with its name emptied (expected: say what)",
)

__all__ = ["REFUSED", "STORIES"]
