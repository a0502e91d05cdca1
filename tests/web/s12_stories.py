"""Three more people entered from an empty store through the web forms only (the fifth probe
of issue 16), unlike the examples and the earlier stories:

- Tomás, a man whose cancer had spread when it was found (de novo), with an inherited BRCA2
  change, hormone treatment with a medicine that stops the testes making hormones, a
  bone-strengthening injection beside it, a lymph node that shrank under 15 mm (still
  measured: it was measured at baseline), and a switch to olaparib;
- Grace, two primary cancers (left breast 2012, hormone-sensitive; right breast 2019,
  triple-negative), then a lung biopsy in 2023 that was HER2-low, with PD-L1;
- Marguerite, a long history: adjuvant treatment and nine lines for the spread, each entered
  afterwards from her letters, one stop date corrected, and a treatment typed twice deleted.

`MEANT` is what each person meant the record to hold; `LINES` what `show --json` must list as
the lines of treatment for the spread (tests/web/test_s12_stories.py). The people are invented.
"""

from __future__ import annotations

from typing import Any

from tests.web.s11_stories import therapy_index
from tests.web.story_harness import Story


def _past(
    s: Story, drugs: str, start: str, stop: str, why: str = "progression", **more: str
) -> None:
    typed = {
        "drugs": drugs,
        "start": start,
        "stop": stop,
        "stop_reason": why,
        "setting": "metastatic",
    }
    s.add("treatment-start", {**typed, **more})


def tomas(s: Story) -> None:
    s.start(
        **{
            "patient.name": "Tomás Reyes",
            "patient.birth": "1958-02-11",
            "patient.sex": "male",
            "diagnosis.first_diagnosed": "2023-05-02",
            "diagnosis.metastatic_since": "2023-05-02",
        }
    )
    s.add(
        "diagnosis",
        {
            "laterality": "left",
            "stage_at_first_diagnosis": "IV",
            "presentation": "de_novo",
            "histology": "ductal",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2023-05-02",
            "specimen": "liver biopsy",
            "er.result": "positive",
            "er.percent": "98",
            "pr.result": "positive",
            "pr.percent": "60",
            "her2.ihc": "0",
            "ki67": "25",
        },
    )
    s.add(
        "germline-test",
        {
            "date": "2023-06-01",
            "genes_tested": "BRCA1, BRCA2, PALB2, CHEK2",
            "variants[0].gene": "BRCA2",
            "variants[0].alteration": "c.5946del",
            "variants[0].classification": "pathogenic",
        },
    )
    s.add(
        "metastasis", {"site": "liver", "since": "2023-05-02", "lesions": "2", "max_size_mm": "25"}
    )
    s.add("metastasis", {"site": "bone", "since": "2023-05-02", "location": "spine and pelvis"})
    s.add(
        "scan",
        {
            "date": "2023-05-10",
            "modality": "CT",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "25",
            "lesions[1].id": "N1",
            "lesions[1].organ": "axilla",
            "lesions[1].role": "target",
            "lesions[1].node": "true",
            "lesions[1].size_mm": "18",
            "lesions[2].id": "B1",
            "lesions[2].organ": "bone",
            "lesions[2].role": "non_target",
            "lesions[2].status": "present",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "leuprolide, letrozole, palbociclib",
            "start": "2023-05-20",
            "setting": "metastatic",
        },
    )
    s.add("treatment-start", {"drugs": "denosumab", "start": "2023-05-20", "setting": "supportive"})
    s.add(
        "side-effect",
        {"date": "2023-07-01", "term": "neutropenia", "grade": "3", "therapy": "palbociclib"},
    )
    line = therapy_index(s, "palbociclib")
    s.add(
        "dose-change",
        {
            "therapy": str(line),
            "date": "2023-07-01",
            "drug": "palbociclib",
            "change": "reduced",
            "reason": "low neutrophils",
        },
    )
    s.add(
        "scan",
        {
            "date": "2023-08-15",
            "modality": "CT",
            "lesions[0].longest_mm": "20",
            "lesions[1].short_axis_mm": "12",
            "lesions[2].status": "present",
        },
        "the node shrinks under 15 mm (measured since baseline: not asked)",
    )
    s.add(
        "scan",
        {
            "date": "2024-02-10",
            "modality": "CT",
            "lesions[0].longest_mm": "31",
            "lesions[1].short_axis_mm": "12",
            "lesions[2].status": "present",
            "lesions[3].id": "L3",
            "lesions[3].organ": "liver",
            "lesions[3].role": "new",
            "lesions[3].size_mm": "9",
        },
    )
    s.add("performance", {"date": "2024-02-15", "ecog": "2"})
    s.correct("performance", 0, {"ecog": "1"}, "ECOG typed 2, meant 1")
    s.add("lab", {"date": "2023-05-02", "test": "CA 15-3", "value": "85", "unit": "U/mL"})
    s.add("lab", {"date": "2024-02-10", "test": "CA 15-3", "value": "140", "unit": "U/mL"})
    s.add(
        "treatment-start",
        {
            "drugs": "olaparib",
            "start": "2024-02-20",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
    )
    s.add(
        "comorbidity", {"condition": "type 2 diabetes", "since": "2015-03-01", "notes": "metformin"}
    )
    s.add(
        "appointment",
        {"date": "2025-06-20", "what": "scan", "notes": "CT chest, abdomen and pelvis"},
    )


TOMAS: dict[str, Any] = {
    "patient": {"name": "Tomás Reyes", "birth_date": "1958-02-11", "sex": "male"},
    "diagnosis": {
        "first_diagnosed": "2023-05-02",
        "metastatic_since": "2023-05-02",
        "laterality": "left",
        "stage_at_first_diagnosis": "IV",
        "presentation": "de_novo",
        "histology": "ductal",
    },
    "tumor_tests": [
        {
            "date": "2023-05-02",
            "specimen": "liver biopsy",
            "er": {"result": "positive", "percent": 98},
            "pr": {"result": "positive", "percent": 60},
            "her2": {"ihc": "0"},
            "ki67": 25,
        }
    ],
    "germline_tests": [
        {
            "date": "2023-06-01",
            "genes_tested": ["BRCA1", "BRCA2", "PALB2", "CHEK2"],
            "variants": [
                {"gene": "BRCA2", "alteration": "c.5946del", "classification": "pathogenic"}
            ],
        }
    ],
    "metastases": [
        {"site": "liver", "since": "2023-05-02", "lesions": 2, "max_size_mm": 25},
        {"site": "bone", "since": "2023-05-02", "location": "spine and pelvis"},
    ],
    "therapies": [
        {
            "drugs": ["leuprolide", "letrozole", "palbociclib"],
            "setting": "metastatic",
            "start": "2023-05-20",
            "stop": "2024-02-20",
            "stop_reason": "progression",
            "dose_changes": [
                {
                    "date": "2023-07-01",
                    "drug": "palbociclib",
                    "change": "reduced",
                    "reason": "low neutrophils",
                }
            ],
        },
        {"drugs": ["denosumab"], "setting": "supportive", "start": "2023-05-20"},
        {"drugs": ["olaparib"], "setting": "metastatic", "start": "2024-02-20"},
    ],
    "labs": [
        {"date": "2023-05-02", "test": "CA 15-3", "value": 85, "unit": "U/mL"},
        {"date": "2024-02-10", "test": "CA 15-3", "value": 140, "unit": "U/mL"},
    ],
    "imaging": [
        {
            "date": "2023-05-10",
            "modality": "CT",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 25},
                {
                    "id": "N1",
                    "organ": "axilla",
                    "node": True,
                    "role": "target",
                    "short_axis_mm": 18,
                },
                {"id": "B1", "organ": "bone", "role": "non_target", "status": "present"},
            ],
        },
        {
            "date": "2023-08-15",
            "modality": "CT",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 20},
                {
                    "id": "N1",
                    "organ": "axilla",
                    "node": True,
                    "role": "target",
                    "short_axis_mm": 12,
                },
                {"id": "B1", "organ": "bone", "role": "non_target", "status": "present"},
            ],
        },
        {
            "date": "2024-02-10",
            "modality": "CT",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 31},
                {
                    "id": "N1",
                    "organ": "axilla",
                    "node": True,
                    "role": "target",
                    "short_axis_mm": 12,
                },
                {"id": "B1", "organ": "bone", "role": "non_target", "status": "present"},
                {"id": "L3", "organ": "liver", "role": "new", "longest_mm": 9},
            ],
        },
    ],
    "performance": [{"date": "2024-02-15", "ecog": 1}],
    "side_effects": [
        {"date": "2023-07-01", "term": "neutropenia", "grade": 3, "therapy": "palbociclib"}
    ],
    "comorbidities": [
        {"condition": "type 2 diabetes", "since": "2015-03-01", "notes": "metformin"}
    ],
    "appointments": [
        {"date": "2025-06-20", "what": "scan", "notes": "CT chest, abdomen and pelvis"}
    ],
}


def grace(s: Story) -> None:
    s.start(
        **{
            "patient.name": "Grace Whitfield",
            "patient.birth": "1961-09-30",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.first_diagnosed": "2012-04-03",
            "diagnosis.metastatic_since": "2023-03-01",
        }
    )
    s.add(
        "diagnosis",
        {
            "laterality": "bilateral",
            "stage_at_first_diagnosis": "IIA",
            "presentation": "recurrent",
            "histology": "ductal",
            "pathologic_response": "residual",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2012-04-03",
            "specimen": "left breast",
            "er.result": "positive",
            "er.percent": "90",
            "pr.result": "positive",
            "pr.percent": "40",
            "her2.result": "negative",
        },
        "first primary: an older report gives HER2 only as negative",
    )
    s.add(
        "tumor-test",
        {
            "date": "2019-10-15",
            "specimen": "right breast",
            "test_name": "second primary",
            "er.result": "negative",
            "er.percent": "0",
            "pr.result": "negative",
            "pr.percent": "0",
            "her2.ihc": "1+",
            "ki67": "60",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2023-03-10",
            "specimen": "lung biopsy",
            "er.result": "negative",
            "er.percent": "0",
            "pr.result": "negative",
            "pr.percent": "0",
            "her2.ihc": "2+",
            "her2.ish": "not_amplified",
            "pdl1.assay": "22C3",
            "pdl1.cps": "12",
        },
    )
    s.add(
        "surgery",
        {
            "date": "2012-05-10",
            "site": "left breast",
            "technique": "lumpectomy",
            "setting": "adjuvant",
        },
    )
    s.add(
        "radiation",
        {"site": "left breast", "start": "2012-07-01", "stop": "2012-08-10", "setting": "adjuvant"},
    )
    s.add(
        "treatment-start",
        {
            "drugs": "tamoxifen",
            "start": "2012-09-01",
            "setting": "adjuvant",
            "stop": "2017-09-01",
            "stop_reason": "completed",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "doxorubicin, cyclophosphamide, paclitaxel",
            "start": "2019-10-25",
            "setting": "neoadjuvant",
            "stop": "2020-03-20",
            "stop_reason": "completed",
        },
    )
    s.add(
        "surgery",
        {
            "date": "2020-04-15",
            "site": "right breast",
            "technique": "mastectomy",
            "setting": "adjuvant",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "capecitabine",
            "start": "2020-05-15",
            "setting": "adjuvant",
            "stop": "2020-11-01",
            "stop_reason": "completed",
        },
    )
    s.add("metastasis", {"site": "lung", "since": "2023-03-01"})
    s.add("metastasis", {"site": "lymph_nodes", "since": "2023-03-01", "location": "mediastinum"})
    s.add(
        "treatment-start",
        {"drugs": "pembrolizumab, paclitaxel", "start": "2023-03-20", "setting": "metastatic"},
    )
    s.add(
        "side-effect",
        {"date": "2023-06-01", "term": "hypothyroidism", "grade": "2", "therapy": "pembrolizumab"},
    )
    s.add(
        "treatment-start",
        {
            "drugs": "sacituzumab govitecan",
            "start": "2024-01-15",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
    )
    s.add(
        "comorbidity",
        {"condition": "peripheral neuropathy", "since": "2020-01-01", "notes": "from paclitaxel"},
    )
    s.add("care-team", {"role": "medical_oncologist", "name": "Dr. Okafor"})
    s.add("goals", {"priorities": ["quality_of_life", "time_at_home"], "open_to_trials": "true"})
    s.add(
        "upcoming-event",
        {
            "upcoming_events[0].what": "granddaughter's christening",
            "upcoming_events[0].date": "2025-07-19",
        },
    )
    s.add("palliative-care", {"involved": "true", "since": "2024-02-01"})


GRACE: dict[str, Any] = {
    "patient": {
        "name": "Grace Whitfield",
        "birth_date": "1961-09-30",
        "sex": "female",
        "menopausal_status": "postmenopausal",
    },
    "diagnosis": {
        "first_diagnosed": "2012-04-03",
        "metastatic_since": "2023-03-01",
        "laterality": "bilateral",
        "stage_at_first_diagnosis": "IIA",
        "presentation": "recurrent",
        "histology": "ductal",
        "pathologic_response": "residual",
    },
    "tumor_tests": [
        {
            "date": "2012-04-03",
            "specimen": "left breast",
            "er": {"result": "positive", "percent": 90},
            "pr": {"result": "positive", "percent": 40},
            "her2": {"result": "negative"},
        },
        {
            "date": "2019-10-15",
            "specimen": "right breast",
            "test_name": "second primary",
            "er": {"result": "negative", "percent": 0},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "1+"},
            "ki67": 60,
        },
        {
            "date": "2023-03-10",
            "specimen": "lung biopsy",
            "er": {"result": "negative", "percent": 0},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "2+", "ish": "not_amplified"},
            "pdl1": {"assay": "22C3", "cps": 12},
        },
    ],
    "metastases": [
        {"site": "lung", "since": "2023-03-01"},
        {"site": "lymph_nodes", "since": "2023-03-01", "location": "mediastinum"},
    ],
    "therapies": [
        {
            "kind": "surgery",
            "setting": "adjuvant",
            "date": "2012-05-10",
            "site": "left breast",
            "technique": "lumpectomy",
        },
        {
            "kind": "radiation",
            "setting": "adjuvant",
            "site": "left breast",
            "start": "2012-07-01",
            "stop": "2012-08-10",
        },
        {
            "drugs": ["tamoxifen"],
            "setting": "adjuvant",
            "start": "2012-09-01",
            "stop": "2017-09-01",
            "stop_reason": "completed",
        },
        {
            "drugs": ["doxorubicin", "cyclophosphamide", "paclitaxel"],
            "setting": "neoadjuvant",
            "start": "2019-10-25",
            "stop": "2020-03-20",
            "stop_reason": "completed",
        },
        {
            "kind": "surgery",
            "setting": "adjuvant",
            "date": "2020-04-15",
            "site": "right breast",
            "technique": "mastectomy",
        },
        {
            "drugs": ["capecitabine"],
            "setting": "adjuvant",
            "start": "2020-05-15",
            "stop": "2020-11-01",
            "stop_reason": "completed",
        },
        {
            "drugs": ["pembrolizumab", "paclitaxel"],
            "setting": "metastatic",
            "start": "2023-03-20",
            "stop": "2024-01-15",
            "stop_reason": "progression",
        },
        {"drugs": ["sacituzumab govitecan"], "setting": "metastatic", "start": "2024-01-15"},
    ],
    "side_effects": [
        {"date": "2023-06-01", "term": "hypothyroidism", "grade": 2, "therapy": "pembrolizumab"}
    ],
    "goals": {
        "priorities": ["quality_of_life", "time_at_home"],
        "open_to_trials": True,
        "upcoming_events": [{"date": "2025-07-19", "what": "granddaughter's christening"}],
    },
    "care_team": [{"role": "medical_oncologist", "name": "Dr. Okafor"}],
    "palliative_care": {"involved": True, "since": "2024-02-01"},
    "comorbidities": [
        {"condition": "peripheral neuropathy", "since": "2020-01-01", "notes": "from paclitaxel"}
    ],
}

NINE_LINES = [
    ("letrozole, palbociclib", "2014-03-01", "2016-08-01", "progression"),
    ("exemestane, everolimus", "2016-08-15", "2017-09-01", "progression"),
    ("capecitabine", "2017-09-15", "2018-11-01", "progression"),
    ("paclitaxel, bevacizumab", "2018-11-15", "2019-10-01", "progression"),
    ("eribulin", "2019-10-15", "2020-09-01", "progression"),
    ("fulvestrant, alpelisib", "2020-09-15", "2021-08-01", "toxicity"),
    ("trastuzumab deruxtecan", "2021-08-20", "2023-05-01", "progression"),
    ("sacituzumab govitecan", "2023-05-15", "2024-06-01", "progression"),
]


def marguerite(s: Story) -> None:
    s.start(
        **{
            "patient.name": "Marguerite Lenoir",
            "patient.birth": "1955",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.first_diagnosed": "2008-09-01",
            "diagnosis.metastatic_since": "2014-02-10",
        }
    )
    s.add(
        "diagnosis",
        {"presentation": "recurrent", "histology": "lobular", "stage_at_first_diagnosis": "IIB"},
    )
    s.add(
        "tumor-test",
        {
            "date": "2008-09-01",
            "specimen": "primary",
            "er.result": "positive",
            "er.percent": "90",
            "pr.result": "positive",
            "pr.percent": "50",
            "her2.ihc": "1+",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2024-05-20",
            "specimen": "blood",
            "test_name": "liquid biopsy",
            "variants[0].gene": "ESR1",
            "variants[0].alteration": "Y537S",
            "variants[0].origin": "somatic",
            "variants[1].gene": "PIK3CA",
            "variants[1].alteration": "H1047R",
            "variants[1].origin": "somatic",
            "not_detected": "AKT1, PTEN",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "anastrozole",
            "start": "2009-01-10",
            "setting": "adjuvant",
            "stop": "2014-02-10",
            "stop_reason": "progression",
        },
    )
    s.add("metastasis", {"site": "bone", "since": "2014-02-10"})
    s.add("metastasis", {"site": "liver", "since": "2017-09-01"})
    for drugs, start, stop, why in NINE_LINES:
        _past(s, drugs, start, stop, why)
    _past(s, "eribulin", "2019-10-15", "2020-09-01", "progression", notes="typed twice")
    s.delete("therapies", len(s.stored()["therapies"]) - 1, "eribulin typed twice")
    s.correct(
        "therapies",
        therapy_index(s, "bevacizumab"),
        {"stop": "2019-09-28"},
        "a stop date corrected",
    )
    s.add(
        "side-effect",
        {
            "date": "2020-10-20",
            "term": "hyperglycemia",
            "grade": "3",
            "therapy": "alpelisib",
            "resolved": "2021-08-20",
        },
    )
    s.add(
        "treatment-start", {"drugs": "elacestrant", "start": "2024-06-15", "setting": "metastatic"}
    )
    s.add("performance", {"date": "2025-05-01", "ecog": "1"})
    s.add(
        "goals", {"priorities": ["time_at_home"], "open_to_trials": "true", "travel_limit_km": "50"}
    )


MARGUERITE: dict[str, Any] = {
    "patient": {
        "name": "Marguerite Lenoir",
        "birth_year": 1955,
        "sex": "female",
        "menopausal_status": "postmenopausal",
    },
    "diagnosis": {
        "first_diagnosed": "2008-09-01",
        "metastatic_since": "2014-02-10",
        "stage_at_first_diagnosis": "IIB",
        "presentation": "recurrent",
        "histology": "lobular",
    },
    "tumor_tests": [
        {
            "date": "2008-09-01",
            "specimen": "primary",
            "er": {"result": "positive", "percent": 90},
            "pr": {"result": "positive", "percent": 50},
            "her2": {"ihc": "1+"},
        },
        {
            "date": "2024-05-20",
            "specimen": "blood",
            "test_name": "liquid biopsy",
            "variants": [
                {"gene": "ESR1", "alteration": "Y537S", "origin": "somatic"},
                {"gene": "PIK3CA", "alteration": "H1047R", "origin": "somatic"},
            ],
            "not_detected": ["AKT1", "PTEN"],
        },
    ],
    "metastases": [
        {"site": "bone", "since": "2014-02-10"},
        {"site": "liver", "since": "2017-09-01"},
    ],
    "therapies": [
        {
            "drugs": ["anastrozole"],
            "setting": "adjuvant",
            "start": "2009-01-10",
            "stop": "2014-02-10",
            "stop_reason": "progression",
        },
        *[
            {
                "drugs": drugs.split(", "),
                "setting": "metastatic",
                "start": start,
                "stop": "2019-09-28" if start == "2018-11-15" else stop,
                "stop_reason": why,
            }
            for drugs, start, stop, why in NINE_LINES
        ],
        {"drugs": ["elacestrant"], "setting": "metastatic", "start": "2024-06-15"},
    ],
    "performance": [{"date": "2025-05-01", "ecog": 1}],
    "side_effects": [
        {
            "date": "2020-10-20",
            "term": "hyperglycemia",
            "grade": 3,
            "therapy": "alpelisib",
            "resolved": "2021-08-20",
        }
    ],
    "goals": {"priorities": ["time_at_home"], "open_to_trials": True, "travel_limit_km": 50},
}

STORIES = {"tomas": tomas, "grace": grace, "marguerite": marguerite}
MEANT = {"tomas": TOMAS, "grace": GRACE, "marguerite": MARGUERITE}
# What `show --json` lists as the lines for the spread: (number, drugs, start, stop).
LINES = {
    "tomas": [
        (1, ["leuprolide", "letrozole", "palbociclib"], "2023-05-20", "2024-02-20"),
        (2, ["olaparib"], "2024-02-20", None),
    ],
    "grace": [
        (1, ["pembrolizumab", "paclitaxel"], "2023-03-20", "2024-01-15"),
        (2, ["sacituzumab govitecan"], "2024-01-15", None),
    ],
    "marguerite": [
        *[
            (n, drugs.split(", "), start, "2019-09-28" if start == "2018-11-15" else stop)
            for n, (drugs, start, stop, _) in enumerate(NINE_LINES, start=1)
        ],
        (9, ["elacestrant"], "2024-06-15", None),
    ],
}

__all__ = ["LINES", "MEANT", "STORIES"]
