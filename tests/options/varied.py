"""Varied invented people for the tests that compare the engine's kept answers with answers
worked out afresh: every subtype and HER2 category, gene and germline results (tissue and
blood), treatments stopped for growth or for side effects, adjuvant treatment, cautions from
comorbidities, heart scans and ECOG, goals, palliative care, a visceral crisis."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord, build_record, validate_patient_data

_HER2: list[dict[str, Any]] = [
    {"ihc": "0", "ultralow": True},
    {"ihc": "0", "ultralow": False},
    {"ihc": "0"},
    {"ihc": "1+"},
    {"ihc": "2+", "ish": "not_amplified"},
    {"ihc": "2+"},
    {"ihc": "3+"},
    {"result": "negative"},
]
_LINES: list[list[str]] = [
    ["anastrozole", "ribociclib"],
    ["fulvestrant"],
    ["exemestane", "everolimus"],
    ["capecitabine"],
    ["paclitaxel", "trastuzumab", "pertuzumab"],
    ["trastuzumab deruxtecan"],
    ["sacituzumab govitecan"],
    ["olaparib"],
    ["pembrolizumab", "nab-paclitaxel"],
    ["tucatinib", "trastuzumab", "capecitabine"],
    ["elacestrant"],
    ["goserelin", "letrozole", "palbociclib"],
]
_REASONS = ["progression", "progression", "toxicity", "completed", "patient_choice"]
_COMORBIDITIES = ["diabetes", "heart failure", "interstitial lung disease", "lupus", "asthma"]


def varied_person(rng: random.Random, index: int) -> dict[str, Any]:
    test: dict[str, Any] = {"date": "2019-03-01", "her2": rng.choice(_HER2)}
    er = rng.choice([None, 0, 3, 8, 40, 95])
    if er is not None:
        test["er"] = {"percent": er}
        test["pr"] = {"percent": rng.choice([0, 5, 60])}
    if rng.random() < 0.4:
        test["pdl1"] = {"assay": "22C3", "cps": rng.choice([0, 5, 10, 30])}
    tests = [test]
    if rng.random() < 0.7:
        gene = rng.choice(["ESR1", "PIK3CA", "AKT1", "PTEN", "BRCA2"])
        variant: dict[str, Any] = {"gene": gene}
        if rng.random() < 0.5:
            variant["alteration"] = rng.choice(["Y537S", "H1047R", "E17K", "deletion"])
        tests.append(
            {
                "date": rng.choice(["2020-05-01", "2023-02-01", "2024-11-01"]),
                "specimen": rng.choice(["liver biopsy", "blood (ctDNA)"]),
                "variants": [variant] if rng.random() < 0.7 else [],
                "not_detected": [g for g in ("ESR1", "PIK3CA", "AKT1") if g != gene],
            }
        )
    female = rng.random() < 0.9
    patient: dict[str, Any] = {"id": f"memo-{index}", "sex": "female" if female else "male"}
    if female:
        patient["menopausal_status"] = rng.choice(["premenopausal", "postmenopausal", "unknown"])
    therapies: list[dict[str, Any]] = []
    day = dt.date(2019, 6, 1)
    if rng.random() < 0.3:
        therapies.append(
            {
                "setting": "adjuvant",
                "drugs": [rng.choice(["tamoxifen", "letrozole", "trastuzumab"])],
                "start": "2016-01-01",
                "stop": rng.choice(["2018-12-01", "2019-05-01"]),
                "stop_reason": "completed",
            }
        )
    side_effects: list[dict[str, Any]] = []
    for _ in range(rng.randint(0, 3)):
        drugs = rng.choice(_LINES)
        stop = day + dt.timedelta(days=rng.randint(120, 500))
        reason = rng.choice(_REASONS)
        therapies.append(
            {
                "setting": "metastatic",
                "drugs": drugs,
                "start": day.isoformat(),
                "stop": stop.isoformat(),
                "stop_reason": reason,
            }
        )
        if reason == "toxicity" and rng.random() < 0.7:
            side_effects.append(
                {"date": stop.isoformat(), "term": "nausea", "grade": 3, "therapy": drugs[-1]}
            )
        day = stop + dt.timedelta(days=10)
    if rng.random() < 0.5:  # a line still running
        therapies.append(
            {"setting": "metastatic", "drugs": rng.choice(_LINES), "start": day.isoformat()}
        )
    sites = rng.sample(
        ["bone", "liver", "lung", "brain", "lymph_nodes", "pleura"], rng.randint(1, 3)
    )
    metastases = [{"site": s, "since": "2019-05-01"} for s in sites]
    for met in metastases:
        if met["site"] == "brain" and rng.random() < 0.6:
            met["lesions"] = rng.choice([1, 3, 8])
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": patient,
        "diagnosis": {"metastatic_since": "2019-05-01"},
        "tumor_tests": tests,
        "metastases": metastases,
        "therapies": therapies,
        "side_effects": side_effects,
        "comorbidities": [{"condition": c} for c in rng.sample(_COMORBIDITIES, rng.randint(0, 2))],
        "symptoms": [{"date": "2024-09-01", "esas": {"pain": rng.randint(0, 9)}}],
    }
    if rng.random() < 0.5:
        data["germline_tests"] = [
            {
                "date": "2019-07-01",
                "genes_tested": ["BRCA1", "BRCA2"],
                "variants": [{"gene": "BRCA2", "classification": "pathogenic"}]
                if rng.random() < 0.3
                else [],
            }
        ]
    if rng.random() < 0.4:
        data["labs"] = [
            {"date": "2024-01-10", "test": "LVEF", "value": rng.choice([40, 62]), "unit": "%"}
        ]
    if rng.random() < 0.6:
        data["performance"] = [{"date": "2024-02-01", "ecog": rng.randint(0, 4)}]
    if rng.random() < 0.5:
        data["goals"] = {
            "open_to_trials": rng.choice([True, False]),
            "considering": rng.choice([[], ["treatment_break"]]),
        }
    if rng.random() < 0.3:
        data["palliative_care"] = {"involved": rng.choice([True, False])}
    if rng.random() < 0.15:
        data["assessments"] = [
            {"date": "2024-06-20", "disease_status": "worsened", "visceral_crisis": True}
        ]
    return data


# Dates on both sides of several approval dates in regimens.yaml (2023, 2025, 2026), and
# early in the people's histories; each record is built as of the last one.
DATES = (dt.date(2020, 1, 1), dt.date(2023, 6, 1), dt.date(2025, 10, 1), dt.date(2026, 8, 1))


def varied_people(kb: Knowledge, n: int, seed: int = 1717) -> list[tuple[PatientRecord, dt.date]]:
    """`n` varied people, each with the date to ask about them (in turn, each of `DATES`)."""
    rng = random.Random(seed)
    return [
        (
            build_record(validate_patient_data(varied_person(rng, i)), kb, DATES[-1]),
            DATES[i % len(DATES)],
        )
        for i in range(n)
    ]


def invented_people(kb: Knowledge, data: Any) -> list[tuple[PatientRecord, dt.date]]:
    """Two to eight people drawn by hypothesis (`data`: its `st.data()`), each from
    `varied_person` with a seed it draws, at one of `DATES` it draws."""
    from hypothesis import strategies as st

    invented = []
    for i in range(data.draw(st.integers(2, 8))):
        rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
        record = build_record(validate_patient_data(varied_person(rng, i)), kb, DATES[-1])
        invented.append((record, data.draw(st.sampled_from(DATES))))
    return invented


# A method of `Facts` and the fact it reads (`Recording`).
READ_BY_METHOD = {"gene_results": "genes"}


class Recording:
    """`Facts` that writes down the name of every fact read."""

    def __init__(self, facts: Any) -> None:
        self._facts = facts
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.read.add(READ_BY_METHOD.get(name, name))
        return getattr(self._facts, name)
