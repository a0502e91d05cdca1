"""The numbers in `assess_thresholds.yaml` are the ones the engines use (issue 11, review
fix): for each number, one record read with the shipped knowledge and with a copy where only
that number differs, and the result moves with it. A number the code kept a copy of would
fail here."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from nextline.assess import assess_lines, assess_status
from nextline.knowledge import Knowledge
from nextline.knowledge.assess_schema import RecistRules
from tests.assess.builders import lesion, make_record, scan, therapy

D = dt.date
BASE = "2024-01-20"


def recist_with(kb: Knowledge, **numbers: float) -> RecistRules:
    """The shipped RECIST rules with some numbers replaced (sources kept)."""
    assert kb.assess is not None
    rules = kb.assess.recist
    update = {
        name: getattr(rules, name).model_copy(update={"value": value})
        for name, value in numbers.items()
    }
    return rules.model_copy(update=update)


def first_point(kb: Knowledge, rules: RecistRules, *scans: dict):  # type: ignore[no-untyped-def]
    record = make_record(kb, imaging=list(scans))
    (line,) = assess_lines(record.lines, record.imaging, rules, D(2025, 1, 1))
    return line.timepoints[0], line


def test_shipped_numbers_are_those_stated_with_their_sources(kb: Knowledge) -> None:
    assert kb.assess is not None
    a = kb.assess
    assert (a.markers.flare_days.value, a.blood_counts.max_age_days) == (42, 30)
    assert (a.esas.moderate_from.value, a.esas.severe_from.value) == (4, 7)
    assert (a.calcium.albumin_factor.value, a.calcium.normal_albumin.value) == (0.8, 4.0)


@pytest.mark.parametrize(
    ("numbers", "overall"),
    [({}, "PD"), ({"pd_increase_pct": 30}, "SD"), ({"pd_min_absolute_mm": 7}, "SD")],
)
def test_progression_numbers_come_from_the_knowledge_base(
    kb: Knowledge, numbers: dict[str, float], overall: str
) -> None:
    # 25 -> 31 mm: +24 % and +6 mm over the nadir
    point, _ = first_point(
        kb,
        recist_with(kb, **numbers),
        scan(BASE, lesion("liver-1", 25)),
        scan("2024-04-20", lesion("liver-1", 31)),
    )
    assert point.overall == overall


@pytest.mark.parametrize(("numbers", "overall"), [({}, "SD"), ({"pr_decrease_pct": 20}, "PR")])
def test_partial_response_number_comes_from_the_knowledge_base(
    kb: Knowledge, numbers: dict[str, float], overall: str
) -> None:
    point, _ = first_point(
        kb,
        recist_with(kb, **numbers),
        scan(BASE, lesion("liver-1", 40)),
        scan("2024-04-20", lesion("liver-1", 31)),  # -22.5 %
    )
    assert point.overall == overall


@pytest.mark.parametrize(("numbers", "overall"), [({}, "CR"), ({"node_normal_below_mm": 8}, "PR")])
def test_normal_node_size_comes_from_the_knowledge_base(
    kb: Knowledge, numbers: dict[str, float], overall: str
) -> None:
    node = {"node": True, "organ": "axilla"}
    point, _ = first_point(
        kb,
        recist_with(kb, **numbers),
        scan(BASE, lesion("node-1", 20, **node)),  # type: ignore[arg-type]
        scan("2024-04-20", lesion("node-1", 9, **node)),  # type: ignore[arg-type]
    )
    assert point.overall == overall


@pytest.mark.parametrize(("numbers", "sum_mm"), [({}, 35.0), ({"too_small_default_mm": 3}, 33.0)])
def test_too_small_to_measure_size_comes_from_the_knowledge_base(
    kb: Knowledge, numbers: dict[str, float], sum_mm: float
) -> None:
    point, _ = first_point(
        kb,
        recist_with(kb, **numbers),
        scan(BASE, lesion("liver-1", 30), lesion("lung-1", 20, organ="lung")),
        scan("2024-04-20", lesion("liver-1", 30), lesion("lung-1", too_small=True, organ="lung")),
    )
    assert point.sum_mm == sum_mm


def test_target_size_warnings_quote_the_knowledge_base(kb: Knowledge) -> None:
    rules = recist_with(kb, min_measurable_mm=12, max_targets_per_organ=1)
    _, line = first_point(
        kb,
        rules,
        scan(BASE, lesion("liver-1", 11), lesion("liver-2", 20), lesion("rib-1", 15, organ="bone")),
        scan(
            "2024-04-20",
            lesion("liver-1", 11),
            lesion("liver-2", 20),
            lesion("rib-1", 15, organ="bone"),
        ),
    )
    assert line.warnings == (
        "line 1: imaging[0].lesions[0]: lesion liver-1 is 11 mm; a target needs at least 12 mm",
        "line 1: imaging[0].lesions[2]: a bone lesion as a target; RECIST 1.1 counts bone "
        "lesions as measurable only when they have a soft-tissue part of at least 12 mm",
        "line 1: 2 targets in liver (liver-1, liver-2); RECIST 1.1 allows at most 1 per organ",
    )


def test_marker_flare_window_comes_from_the_knowledge_base(kb: Knowledge) -> None:
    assert kb.assess is not None
    labs = [
        {"date": "2024-01-25", "test": "CA 15-3", "value": 30, "unit": "U/mL"},
        {"date": "2024-03-20", "test": "CA 15-3", "value": 45, "unit": "U/mL"},  # day 48
    ]
    record = make_record(kb, labs=labs)
    longer = kb.assess.markers.model_copy(
        update={"flare_days": kb.assess.markers.flare_days.model_copy(update={"value": 56})}
    )
    other = dataclasses.replace(kb, assess=kb.assess.model_copy(update={"markers": longer}))
    flags = [
        assess_status(record, know, D(2024, 3, 25)).markers[0].in_flare_window
        for know in (kb, other)
    ]
    assert flags == [False, True]


def test_blood_count_threshold_and_age_come_from_the_knowledge_base(kb: Knowledge) -> None:
    assert kb.assess is not None
    counts = kb.assess.blood_counts
    paclitaxel = next(d for d in counts.drugs if d.drug == "paclitaxel")
    anc_rule = paclitaxel.rules[0].model_copy(update={"min": 2.0})
    stricter = paclitaxel.model_copy(update={"rules": [anc_rule, *paclitaxel.rules[1:]]})
    changed = counts.model_copy(
        update={
            "drugs": [stricter if d.drug == "paclitaxel" else d for d in counts.drugs],
            "max_age_days": 40,
        }
    )
    other = dataclasses.replace(kb, assess=kb.assess.model_copy(update={"blood_counts": changed}))
    record = make_record(
        kb,
        therapies=[therapy(["paclitaxel"])],
        labs=[
            {"date": "2024-03-01", "test": "ANC", "value": 1.8, "unit": "10^9/L"},
            {"date": "2024-03-01", "test": "PLT", "value": 150, "unit": "10^9/L"},
        ],
    )
    fresh = [assess_status(record, k, D(2024, 3, 5)).blood_counts for k in (kb, other)]
    assert [(c.ready_for_chemo, c.below_threshold) for c in fresh] == [
        (True, ()),
        (False, ("ANC",)),
    ]
    aged = [assess_status(record, k, D(2024, 4, 5)).blood_counts.stale for k in (kb, other)]
    assert aged == [True, False]  # 35 days old: over 30, under 40
