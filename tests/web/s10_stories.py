"""Three more whole stories, entered through the web forms only from an empty store, for
people unlike the examples and the earlier stories (tests/web/new_stories.py): the fields the
forms could not hold before (HER2-ultralow, MSI, MMR, TMB, the PD-L1 test, a baseline scan, a
lesion too small to measure, a dose's route), and the mistakes a person makes with them.

The people are invented. Steps named in `REFUSED` must be asked about (422, nothing stored).
"""

from __future__ import annotations

from tests.web.story_harness import Story


def amara(s: Story) -> None:
    """A woman with HR-positive, HER2-ultralow lobular cancer in the liver and bones, on
    trastuzumab deruxtecan after letrozole + palbociclib; one liver spot became too small to
    measure."""
    s.start(
        **{
            "patient.name": "Amara Nwosu",
            "patient.birth": "1971-02-19",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.first_diagnosed": "2016-05-10",
            "diagnosis.metastatic_since": "2023-02-01",
        }
    )
    s.add(
        "diagnosis",
        {
            "laterality": "left",
            "stage_at_first_diagnosis": "IIA",
            "presentation": "recurrent",
            "histology": "lobular",
            "pathologic_response": "residual",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2016-05-10",
            "specimen": "primary",
            "er.result": "positive",
            "er.percent": "90",
            "pr.result": "positive",
            "pr.percent": "40",
            "her2.ihc": "0",
        },
    )
    # The liver biopsy: HER2 "0, ultralow". She first picks 1+ by mistake: asked about.
    liver_biopsy = {
        "date": "2023-02-10",
        "specimen": "liver biopsy",
        "er.result": "positive",
        "er.percent": "80",
        "pr.result": "negative",
        "pr.percent": "0",
        "her2.ihc": "1+",
        "her2.ultralow": "true",
        "ki67": "25",
    }
    s.add("tumor-test", liver_biopsy, "ultralow beside 1+ (expected: asked about)")
    s.add("tumor-test", {**liver_biopsy, "her2.ihc": "0"})
    s.add("germline-test", {"date": "2016-06-20", "genes_tested": "BRCA1, BRCA2, PALB2"})
    s.add(
        "surgery",
        {"date": "2016-06-01", "site": "left breast", "technique": "lumpectomy"},
    )
    s.add(
        "treatment-start",
        {
            "drugs": "tamoxifen",
            "start": "2016-07-01",
            "setting": "adjuvant",
            "stop": "2021-07-01",
            "stop_reason": "completed",
        },
    )
    for site in ("liver", "bone"):
        s.add("metastasis", {"site": site, "since": "2023-02-01"})
    s.add(
        "scan",
        {
            "date": "2023-02-05",
            "modality": "CT",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "30",
            "lesions[1].id": "L2",
            "lesions[1].organ": "liver",
            "lesions[1].role": "target",
            "lesions[1].size_mm": "15",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "letrozole, palbociclib",
            "start": "2023-02-20",
            "doses[0].drug": "palbociclib",
            "doses[0].dose": "125",
            "doses[0].unit": "mg",
            "doses[0].route": "by mouth",
            "doses[0].schedule": "3 weeks on, 1 week off",
        },
    )
    s.add(
        "dose-change",
        {"therapy": "2", "date": "2023-05-01", "drug": "palbociclib", "change": "reduced"},
    )
    s.add(
        "scan",
        {
            "date": "2024-09-20",
            "modality": "CT",
            "impression": "liver lesions larger, a new one in segment 6",
            "lesions[0].longest_mm": "38",
            "lesions[1].longest_mm": "18",
            "lesions[2].id": "L3",
            "lesions[2].organ": "liver",
            "lesions[2].size_mm": "10",
        },
    )
    s.add(
        "treatment-stop",
        {"therapy": "2", "stop": "2024-09-30", "stop_reason": "progression"},
    )
    s.add(
        "scan",
        {
            "date": "2024-10-10",
            "modality": "CT",
            "baseline": "true",
            "lesions[0].longest_mm": "38",
            "lesions[1].longest_mm": "18",
            "lesions[2].role": "target",
            "lesions[2].longest_mm": "10",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "trastuzumab deruxtecan",
            "start": "2024-10-15",
            "doses[0].drug": "trastuzumab deruxtecan",
            "doses[0].dose": "5.4",
            "doses[0].unit": "mg/kg",
            "doses[0].route": "into a vein (IV)",
            "doses[0].schedule": "every 3 weeks",
        },
    )
    # The report said L3 was "too small to measure"; she first typed 4 mm, then corrects it.
    s.add(
        "scan",
        {
            "date": "2025-01-15",
            "modality": "CT",
            "lesions[0].longest_mm": "25",
            "lesions[1].longest_mm": "12",
            "lesions[2].longest_mm": "4",
        },
    )
    s.correct(
        "imaging",
        3,
        {"lesions[2].longest_mm": "", "lesions[2].too_small_to_measure": "true"},
        "the small spot marked too small to measure",
    )
    s.add(
        "scan",
        {
            "date": "2025-04-20",
            "modality": "CT",
            "lesions[0].longest_mm": "24",
            "lesions[1].longest_mm": "11",
            "lesions[2].too_small_to_measure": "true",
        },
    )
    s.add(
        "lab",
        {
            "date": "2025-04-22",
            "test": "ALT",
            "value": "52",
            "unit": "U/L",
            "ref_low": "7",
            "ref_high": "33",
        },
    )
    s.add(
        "side-effect",
        {"date": "2024-11-01", "term": "nausea", "grade": "2", "therapy": "trastuzumab deruxtecan"},
    )
    s.add("performance", {"date": "2025-04-22", "ecog": "1"})
    s.add(
        "upcoming-event",
        {"upcoming_events[0].date": "2025-08-09", "upcoming_events[0].what": "my sister's 60th"},
    )


def grace(s: Story) -> None:
    """A young woman with triple-negative cancer found with spread to the lungs and lymph
    nodes: PD-L1 CPS 12 by 22C3, MSI-high and mismatch-repair deficient, a high TMB, and an
    inherited MLH1 change (Lynch syndrome). No treatment for the spread yet."""
    s.start(
        **{
            "patient.name": "Grace Lindqvist",
            "patient.birth": "1986",
            "patient.sex": "female",
            "patient.menopausal_status": "premenopausal",
            "diagnosis.first_diagnosed": "2025-03-12",
            "diagnosis.metastatic_since": "2025-03-12",
        }
    )
    s.add(
        "diagnosis",
        {
            "laterality": "right",
            "stage_at_first_diagnosis": "IV",
            "presentation": "de_novo",
            "histology": "ductal",
        },
    )
    report = {
        "date": "2025-03-20",
        "specimen": "lung biopsy",
        "er.result": "negative",
        "er.percent": "0",
        "pr.result": "negative",
        "pr.percent": "0",
        "her2.ihc": "0",
        "her2.ultralow": "false",
        "pdl1.assay": "22C3",
        "pdl1.cps": "120",
        "msi": "high",
        "mmr": "deficient",
        "tmb_mut_per_mb": "41",
        "not_detected": "PIK3CA, ESR1",
    }
    s.add("tumor-test", report, "PD-L1 CPS over 100 (expected: asked about)")
    s.add("tumor-test", {**report, "pdl1.cps": "12"})
    # The TMB was 14, not 41: corrected.
    s.correct("tumor_tests", 0, {"tmb_mut_per_mb": "14"}, "TMB corrected")
    s.add(
        "germline-test",
        {
            "date": "2025-04-02",
            "genes_tested": "BRCA1, BRCA2, PALB2, MLH1, MSH2, MSH6, PMS2",
            "variants[0].gene": "MLH1",
            "variants[0].alteration": "c.350C>T",
            "variants[0].classification": "pathogenic",
        },
    )
    for site in ("lung", "lymph_nodes"):
        s.add("metastasis", {"site": site, "since": "2025-03-12"})
    s.add(
        "scan",
        {
            "date": "2025-03-14",
            "modality": "CT",
            "baseline": "true",
            "impression": "lung nodules and enlarged nodes in the chest",
            "lesions[0].id": "LU1",
            "lesions[0].organ": "right lung",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "21",
            "lesions[1].id": "N1",
            "lesions[1].organ": "mediastinal node",
            "lesions[1].role": "target",
            "lesions[1].node": "true",
            "lesions[1].size_mm": "18",
            "lesions[2].id": "LU2",
            "lesions[2].organ": "left lung",
            "lesions[2].role": "non_target",
            "lesions[2].too_small_to_measure": "true",
        },
    )
    s.add("performance", {"date": "2025-04-02", "ecog": "0"})
    s.add(
        "symptoms",
        {
            "date": "2025-04-10",
            "spo2_percent": "95",
            "esas.shortness_of_breath": "3",
            "esas.tiredness": "4",
        },
    )
    s.add(
        "lab",
        {
            "date": "2025-04-10",
            "test": "ANC",
            "value": "3.1",
            "unit": "10^9/L",
            "ref_low": "1.8",
            "ref_high": "7.5",
        },
    )
    s.add(
        "appointment",
        {"date": "2025-06-12", "what": "oncology visit", "notes": "choose first treatment"},
    )
    s.add("care-team", {"role": "genetic_counselor", "name": "Ms. Berg"})


def tomas(s: Story) -> None:
    """A man with HR-positive, HER2-low cancer that came back on tamoxifen, in bone and lymph
    nodes; after anastrozole + leuprolide + abemaciclib stopped working a liver spot appeared,
    and he was restaged with a new baseline scan ten days later before elacestrant."""
    s.start(
        **{
            "patient.name": "Tomás Reyes",
            "patient.birth": "1959",
            "patient.sex": "male",
            "diagnosis.first_diagnosed": "2020-08-03",
            "diagnosis.metastatic_since": "2023-06-10",
        }
    )
    # The year becomes the full date from his passport.
    s.add("person", {"birth": "1959-04-03"}, "birth date made exact")
    s.add(
        "diagnosis",
        {
            "laterality": "left",
            "presentation": "recurrent",
            "histology": "ductal",
            "stage_at_first_diagnosis": "IIB",
        },
    )
    s.add(
        "tumor-test",
        {
            "date": "2020-08-03",
            "specimen": "primary",
            "er.result": "positive",
            "er.percent": "95",
            "pr.result": "positive",
            "pr.percent": "60",
            "her2.ihc": "2+",
            "her2.ish": "not_amplified",
            "msi": "stable",
        },
    )
    s.add("surgery", {"date": "2020-09-01", "site": "left breast", "technique": "mastectomy"})
    s.add(
        "treatment-start",
        {
            "drugs": "tamoxifen",
            "start": "2020-10-01",
            "setting": "adjuvant",
            "stop": "2023-06-10",
            "stop_reason": "progression",
        },
    )
    for site in ("bone", "lymph_nodes"):
        s.add("metastasis", {"site": site, "since": "2023-06-10"})
    s.add(
        "scan",
        {
            "date": "2023-06-20",
            "modality": "CT",
            "lesions[0].id": "N1",
            "lesions[0].organ": "axillary node",
            "lesions[0].role": "target",
            "lesions[0].node": "true",
            "lesions[0].size_mm": "22",
            "lesions[1].id": "B1",
            "lesions[1].organ": "T10 vertebra",
            "lesions[1].role": "non_target",
            "lesions[1].status": "present",
        },
    )
    s.add(
        "treatment-start",
        {
            "drugs": "anastrozole, leuprolide, abemaciclib",
            "start": "2023-07-01",
            "doses[0].drug": "abemaciclib",
            "doses[0].dose": "150",
            "doses[0].unit": "mg",
            "doses[0].route": "mouth",
            "doses[0].schedule": "twice a day",
        },
    )
    # "mouth" is corrected to the words on the list.
    s.correct("therapies", 2, {"doses[0].route": "by mouth"}, "dose route corrected")
    s.add(
        "scan",
        {
            "date": "2023-12-15",
            "modality": "CT",
            "lesions[0].short_axis_mm": "14",
            "lesions[1].status": "present",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-11-05",
            "modality": "CT",
            "impression": "new liver lesion",
            "lesions[0].short_axis_mm": "25",
            "lesions[1].status": "present",
            "lesions[2].id": "L1",
            "lesions[2].organ": "liver",
            "lesions[2].size_mm": "15",
        },
    )
    s.add("treatment-stop", {"therapy": "2", "stop": "2024-11-15", "stop_reason": "progression"})
    s.add("metastasis", {"site": "liver", "since": "2024-11-05"})
    s.add(
        "tumor-test",
        {
            "date": "2024-11-20",
            "specimen": "blood",
            "test_name": "ctDNA panel",
            "variants[0].gene": "ESR1",
            "variants[0].alteration": "Y537S",
            "variants[0].origin": "somatic",
            "tmb_mut_per_mb": "3",
        },
    )
    # The restaging CT ten days after: his team made it the new baseline, read apart.
    s.add(
        "scan",
        {
            "date": "2024-11-15",
            "modality": "CT",
            "lesions[0].short_axis_mm": "26",
            "lesions[1].status": "present",
            "lesions[2].role": "target",
            "lesions[2].longest_mm": "17",
            "assessment": "restaging",
        },
    )
    s.correct("imaging", 2, {"assessment": "progression"}, "the earlier scan's reading named")
    s.correct("imaging", 3, {"baseline": "true"}, "the restaging scan marked as baseline")
    s.add(
        "treatment-start",
        {
            "drugs": "elacestrant",
            "start": "2024-12-01",
            "doses[0].drug": "elacestrant",
            "doses[0].dose": "345",
            "doses[0].unit": "mg",
            "doses[0].route": "by mouth",
            "doses[0].schedule": "once a day",
        },
    )
    s.add(
        "dose-change",
        {"therapy": "3", "date": "2025-02-01", "change": "reduced", "reason": "nausea"},
    )
    s.add(
        "scan",
        {
            "date": "2025-03-01",
            "modality": "CT",
            "lesions[0].short_axis_mm": "27",
            "lesions[1].status": "present",
            "lesions[2].longest_mm": "21",
        },
    )
    s.add(
        "lab",
        {
            "date": "2025-03-02",
            "test": "calcium",
            "value": "9.8",
            "unit": "mg/dL",
            "ref_low": "8.6",
            "ref_high": "10.3",
        },
    )
    s.add("palliative-care", {"involved": "true", "since": "2025-01-10"})


STORIES = {"amara": amara, "grace": grace, "tomas": tomas}

REFUSED = (
    "ultralow beside 1+ (expected: asked about)",
    "PD-L1 CPS over 100 (expected: asked about)",
)

__all__ = ["REFUSED", "STORIES"]
