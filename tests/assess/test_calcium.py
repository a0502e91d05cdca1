"""The latest calcium of a record on a date, corrected for a low albumin (issue 11, review
fix; the helper the hypercalcaemia red flag reads): lab-corrected values as printed, total
calcium corrected with a same-day albumin below normal, and the formula's numbers read from
the knowledge base."""

from __future__ import annotations

import datetime as dt

from nextline.assess.calcium import CalciumReading, latest_calcium
from nextline.knowledge import Knowledge
from nextline.knowledge.assess_schema import CalciumRules, SourcedNumber
from tests.assess.builders import make_record

D = dt.date
DAY = D(2024, 6, 1)


def lab(date: str, test: str, value: float, unit: str) -> dict:
    return {"date": date, "test": test, "value": value, "unit": unit}


def reading(kb: Knowledge, *labs: dict, day: dt.date = DAY, rules: CalciumRules | None = None):  # type: ignore[no-untyped-def]
    assert kb.assess is not None
    record = make_record(kb, as_of=D(2024, 12, 1), labs=list(labs))
    return latest_calcium(record, rules or kb.assess.calcium, day)


def test_calcium_total_alone_is_returned_as_measured_and_not_corrected(kb: Knowledge) -> None:
    assert reading(kb, lab("2024-05-20", "Calcium", 10.1, "mg/dL")) == CalciumReading(
        10.1, False, "labs[0]", D(2024, 5, 20)
    )


def test_calcium_with_a_low_albumin_the_same_day_is_corrected(kb: Knowledge) -> None:
    result = reading(
        kb,
        lab("2024-05-20", "Ca", 9.6, "mg/dL"),
        lab("2024-05-20", "Albumin", 2.5, "g/dL"),
    )
    # 9.6 + 0.8 x (4.0 - 2.5) = 10.8
    assert result == CalciumReading(10.8, True, "labs[0]", D(2024, 5, 20))


def test_calcium_and_albumin_in_si_units_are_corrected_in_mg_per_dl(kb: Knowledge) -> None:
    result = reading(
        kb,
        lab("2024-05-20", "Albumin (serum)", 25, "g/L"),
        lab("2024-05-20", "Calcium, total", 2.4, "mmol/L"),
    )
    # 2.4 mmol/L = 9.61872 mg/dL; + 0.8 x (4.0 - 2.5) = 10.81872
    assert result == CalciumReading(10.82, True, "labs[1]", D(2024, 5, 20))


def test_calcium_with_a_normal_albumin_is_not_corrected(kb: Knowledge) -> None:
    result = reading(
        kb, lab("2024-05-20", "calcium", 10.9, "mg/dL"), lab("2024-05-20", "alb", 4.3, "g/dL")
    )
    assert result == CalciumReading(10.9, False, "labs[0]", D(2024, 5, 20))


def test_calcium_is_not_corrected_with_an_albumin_from_another_day(kb: Knowledge) -> None:
    result = reading(
        kb, lab("2024-05-10", "Albumin", 2.0, "g/dL"), lab("2024-05-20", "Ca", 9.8, "mg/dL")
    )
    assert result == CalciumReading(9.8, False, "labs[1]", D(2024, 5, 20))


def test_calcium_the_lab_corrected_is_used_as_printed(kb: Knowledge) -> None:
    result = reading(kb, lab("2024-05-20", "Adjusted calcium", 2.9, "mmol/L"))
    assert result == CalciumReading(11.62262, True, "labs[0]", D(2024, 5, 20))


def test_calcium_the_labs_own_correction_wins_on_the_same_day(kb: Knowledge) -> None:
    result = reading(
        kb,
        lab("2024-05-20", "Calcium", 9.0, "mg/dL"),
        lab("2024-05-20", "Albumin", 3.0, "g/dL"),
        lab("2024-05-20", "Corrected calcium", 9.9, "mg/dL"),
    )
    assert result == CalciumReading(9.9, True, "labs[2]", D(2024, 5, 20))


def test_calcium_a_newer_total_wins_over_an_older_lab_correction(kb: Knowledge) -> None:
    result = reading(
        kb,
        lab("2024-04-01", "Corrected calcium", 9.5, "mg/dL"),
        lab("2024-05-25", "Calcium", 11.0, "mg/dL"),
        lab("2024-05-25", "Albumin", 3.5, "g/dL"),
    )
    assert result == CalciumReading(11.4, True, "labs[1]", D(2024, 5, 25))


def test_calcium_after_the_day_is_not_read_and_none_before_is_none(kb: Knowledge) -> None:
    labs = [lab("2024-05-20", "Ca", 9.6, "mg/dL"), lab("2024-07-01", "Ca", 13.0, "mg/dL")]
    assert reading(kb, *labs) == CalciumReading(9.6, False, "labs[0]", D(2024, 5, 20))
    assert reading(kb, *labs, day=D(2024, 5, 19)) is None


def test_calcium_ionized_alone_is_not_a_total_calcium(kb: Knowledge) -> None:
    assert reading(kb, lab("2024-05-20", "Ionized calcium", 1.5, "mmol/L")) is None


def test_calcium_correction_uses_the_numbers_in_the_knowledge_base(kb: Knowledge) -> None:
    assert kb.assess is not None
    shipped = kb.assess.calcium
    assert (shipped.albumin_factor.value, shipped.normal_albumin.value) == (0.8, 4.0)
    other = CalciumRules(
        albumin_factor=SourcedNumber(value=1.0, sources=shipped.albumin_factor.sources),
        normal_albumin=SourcedNumber(
            value=4.5, unit="g/dL", sources=shipped.normal_albumin.sources
        ),
    )
    labs = [lab("2024-05-20", "Ca", 9.0, "mg/dL"), lab("2024-05-20", "Albumin", 4.2, "g/dL")]
    # shipped: albumin 4.2 is not low, no correction; other: 9.0 + 1.0 x (4.5 - 4.2) = 9.3
    assert reading(kb, *labs).value_mg_dl == 9.0
    assert reading(kb, *labs, rules=other) == CalciumReading(9.3, True, "labs[0]", D(2024, 5, 20))
