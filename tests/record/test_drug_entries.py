"""A `drugs` entry as people and letters write it (`record.build.resolve_drugs`), and powers
of ten in count units as labs print them (`record.units.fold_unit`)."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.knowledge import Knowledge
from nextline.record import PatientFile, build_record
from nextline.record.build import resolve_drugs
from nextline.record.units import conversion_factor


@pytest.mark.parametrize(
    ("written", "ids"),
    [
        ("Kisqali + Femara", ["ribociclib", "letrozole"]),
        ("ribociclib and letrozole", ["ribociclib", "letrozole"]),
        ("Afinitor/Aromasin", ["everolimus", "exemestane"]),
        ("alpelisib (Piqray)", ["alpelisib"]),
        ("Palbociclib (Ibrance)", ["palbociclib"]),
        ("Enhertu 5.4 mg/kg", ["trastuzumab_deruxtecan"]),
        ("Enhertu (T-DXd) 5.4mg/kg q3w", ["trastuzumab_deruxtecan"]),
        ("Xeloda 1000mg/m2 BD days 1-14", ["capecitabine"]),
        ("Zoladex + Kisqali + letrozole", ["goserelin", "ribociclib", "letrozole"]),
        ("capecitabine & docetaxel", ["capecitabine", "docetaxel"]),
        ("everolimus 10 mg + exemestane 25 mg", ["everolimus", "exemestane"]),
        ("Faslodex, Verzenio", ["fulvestrant", "abemaciclib"]),
        ("5-FU", ["fluorouracil"]),
        # a known name holding a comma or "and" stays whole
        (
            "pertuzumab, trastuzumab, and hyaluronidase-zzxf",
            ["pertuzumab_trastuzumab_hyaluronidase"],
        ),
        ("trastuzumab and hyaluronidase-oysk", ["trastuzumab_hyaluronidase"]),
        ("trastuzumab deruxtecan", ["trastuzumab_deruxtecan"]),
    ],
)
def test_an_entry_is_read_as_the_drugs_it_names(
    kb: Knowledge, written: str, ids: list[str]
) -> None:
    refs, left = resolve_drugs(kb, written)
    assert [r.drug_id for r in refs] == ids
    assert left == ()


def test_words_left_unread_are_returned_and_an_unknown_entry_stays_whole(kb: Knowledge) -> None:
    refs, left = resolve_drugs(kb, "Trodelvy (sacituzumab) and study drug XB-17")
    assert [r.drug_id for r in refs] == ["sacituzumab_govitecan"]
    assert left == ("sacituzumab", "study", "drug", "xb")
    refs, left = resolve_drugs(kb, "trial drug XB-17")
    assert [(r.drug_id, r.name) for r in refs] == [(None, "trial drug XB-17")]
    assert left == ()


def _file(*drugs: str) -> PatientFile:
    return PatientFile.model_validate(
        {
            "nextline": 1,
            "patient": {"id": "p", "sex": "female", "menopausal_status": "postmenopausal"},
            "diagnosis": {"metastatic_since": "2024-01-01"},
            "therapies": [{"setting": "metastatic", "drugs": list(drugs), "start": "2024-02-01"}],
        }
    )


def test_the_record_runs_every_drug_of_a_combined_entry(kb: Knowledge) -> None:
    record = build_record(_file("Kisqali + Femara"), kb, dt.date(2025, 1, 1))
    line = record.current_line(dt.date(2025, 1, 1))
    assert line is not None
    assert [d.drug_id for d in line.drugs] == ["ribociclib", "letrozole"]
    assert {d.written for d in line.drugs} == {"Kisqali + Femara"}
    assert not [w for w in record.warnings if "therapies[0]" in w.path]


def test_a_word_left_over_is_reported_nothing_dropped(kb: Knowledge) -> None:
    record = build_record(_file("Kisqali + mysterymab"), kb, dt.date(2025, 1, 1))
    warnings = [w for w in record.warnings if w.path == "therapies[0].drugs[0]"]
    assert len(warnings) == 1
    assert "ribociclib" in warnings[0].reason and "mysterymab" in warnings[0].reason
    assert record.file.therapies[0].drugs == ["Kisqali + mysterymab"]  # kept as written


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("x10E3/uL", 1.0),
        ("10E3/uL", 1.0),
        ("x10^3/mm3", 1.0),
        ("x10E9/L", 1.0),
        ("10*3/uL", 1.0),
        ("/uL", 0.001),
        ("cells/cumm", 0.001),
    ],
)
def test_powers_of_ten_as_labs_print_them(unit: str, factor: float) -> None:
    assert conversion_factor(unit, "10^9/L") == pytest.approx(factor)
