"""The shortcuts taken for speed (issue 17) say exactly what the slow, plain reading says.

Each shortcut is checked against the reading it replaced, on varied histories: the growth
words written inline against `recist._describe`; the per-organ target check that skips the
walk when every organ holds one target; red flags that skip scans without words; numbers
formatted once per value against the format itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextline.assess import recist as recist_module
from nextline.assess._evidence import fmt
from nextline.assess.red_flags import _entries
from nextline.assess.symptom_reader import read_note
from nextline.knowledge import Knowledge
from nextline.knowledge.assess_schema import SourcedNumber
from tests.assess.builders import AS_OF, lesion, make_record, only_line, recist, scan


def _growth_words_by_describe(line: Any, point: Any) -> str:
    """The words `_describe` gives a timepoint (the reading before the shortcut)."""
    return recist_module._describe(
        point.overall,
        point.sum_mm,
        line.baseline_sum_mm,
        point.nadir_mm,
        point.change_from_baseline_pct,
        point.change_from_nadir_pct,
        point.target == "PD",
        bool(point.new_lesions),
        point.non_target == "PD",
        bool(point.unconfirmed_new_lesions) and point.overall != "PD",
    )


# Histories of growth: by the sum alone (the inlined words), with a new lesion, with a
# non-target clearly grown, with a node, with a target missing on the growing scan.
GROWTH_HISTORIES = [
    [
        scan("2024-01-20", lesion("a", 30), lesion("b", 20)),
        scan("2024-04-01", lesion("a", 24), lesion("b", 15)),
        scan("2024-07-01", lesion("a", 40), lesion("b", 22)),
    ],
    [
        scan("2024-01-20", lesion("a", 30.4), lesion("n1", 18, organ="lymph node", node=True)),
        scan("2024-04-01", lesion("a", 45.1), lesion("n1", 19.5, organ="lymph node", node=True)),
    ],
    [
        scan("2024-01-20", lesion("a", 30), lesion("bone-1", role="non_target", organ="bone")),
        scan(
            "2024-04-01",
            lesion("a", 41),
            lesion("bone-1", role="non_target", organ="bone", status="unequivocal_progression"),
        ),
    ],
    [
        scan("2024-01-20", lesion("a", 22), lesion("b", 18)),
        scan("2024-04-01", lesion("a", 21), lesion("b", 18), lesion("new-1", 9, role="new")),
        scan("2024-07-01", lesion("a", 35), lesion("b", 26)),
    ],
    [
        scan("2024-01-20", lesion("a", 50), lesion("b", 20)),
        scan("2024-04-01", lesion("a", 90)),  # b not on this scan: PD still shows
    ],
    [
        scan("2024-01-20", lesion("a", 12.3)),
        scan("2024-03-01", lesion("a", 6.1)),
        scan("2024-05-01", lesion("a", 0, status="absent")),
        scan("2024-07-01", lesion("a", 11)),
    ],
]


@pytest.mark.parametrize("history", GROWTH_HISTORIES)
def test_growth_words_are_the_words_describe_gives(
    kb: Knowledge, history: list[dict[str, Any]]
) -> None:
    line = only_line(kb, *history)
    grown = [point for point in line.timepoints if point.overall == "PD"]
    assert grown, "each history grows at least once"
    for point in line.timepoints:
        if point.overall == "PD" or point.new_lesions or point.unconfirmed_new_lesions:
            assert point.text == _growth_words_by_describe(line, point)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(
        st.lists(st.integers(min_value=0, max_value=900), min_size=2, max_size=2),
        min_size=2,
        max_size=6,
    )
)
def test_growth_words_match_describe_for_any_sizes(kb: Knowledge, sizes: list[list[int]]) -> None:
    """Any two-target history in tenths of a millimetre: every timepoint with growth has
    the words `_describe` gives, the others the plain words of their response."""
    day = dt.date(2024, 1, 20)
    scans = []
    for i, (a, b) in enumerate(sizes):
        when = (day + dt.timedelta(days=60 * i)).isoformat()
        scans.append(
            scan(when, lesion("a", max(a, 100) / 10 if i == 0 else a / 10), lesion("b", b / 10))
        )
    line = only_line(kb, *scans)
    for point in line.timepoints:
        if point.overall == "PD":
            assert point.text == _growth_words_by_describe(line, point)
            assert point.text.startswith("Growth") and point.text.endswith("(RECIST PD).")


def _with_per_organ_limit(kb: Knowledge, limit: float) -> Knowledge:
    """A copy of the knowledge base allowing `limit` targets per organ (test only)."""
    assert kb.assess is not None
    rules = kb.assess.recist
    number = SourcedNumber(
        value=limit, unit=None, sources=list(rules.max_targets_per_organ.sources)
    )
    changed = rules.model_copy(update={"max_targets_per_organ": number})
    return dataclasses.replace(kb, assess=kb.assess.model_copy(update={"recist": changed}))


def _per_organ_warnings(kb: Knowledge, *baseline: dict[str, Any]) -> list[str]:
    [line] = recist(kb, scan("2024-01-20", *baseline), scan("2024-04-01", *baseline))
    return [w for w in line.warnings if "per organ" in w]


@pytest.mark.parametrize(
    ("organs", "limit", "expected"),
    [
        (["liver", "lung", "adrenal"], 2, []),  # one per organ: the walk is skipped
        (["liver", "liver", "lung"], 2, []),  # two in one organ: allowed
        (
            ["liver", "Liver", "liver"],
            2,
            ["3 targets in liver (a, b, c)"],
        ),  # names compared as lower case
        (["lung", "liver", "lung", "lung", "liver"], 2, ["3 targets in lung (a, c, d)"]),
        (["liver", "lung"], 1, []),
        (["liver", "liver"], 1, ["2 targets in liver (a, b)"]),
        (["liver", "lung"], 0, ["1 targets in liver (a)", "1 targets in lung (b)"]),
    ],
)
def test_per_organ_target_limit_reads_every_organ(
    kb: Knowledge, organs: list[str], limit: float, expected: list[str]
) -> None:
    ids = "abcde"
    baseline = [lesion(ids[i], 20 + i, organ=organ) for i, organ in enumerate(organs)]
    warnings = _per_organ_warnings(_with_per_organ_limit(kb, limit), *baseline)
    assert [w.split(";")[0].split(": ", 1)[1] for w in warnings] == expected


def test_non_target_readings_unread_gone_and_present(kb: Knowledge) -> None:
    """Non-targets read by their fields: not read (NE), all gone (CR), still there."""
    nt = {"role": "non_target", "organ": "bone"}
    line = only_line(
        kb,
        scan("2024-01-20", lesion("a", 30), lesion("x", **nt), lesion("y", **nt)),
        scan(
            "2024-03-01", lesion("a", 29), lesion("x", **nt, not_evaluated=True), lesion("y", **nt)
        ),
        scan(
            "2024-05-01",
            lesion("a", 0, status="absent"),
            lesion("x", **nt, status="absent"),
            lesion("y", **nt, status="absent"),
        ),
        scan("2024-07-01", lesion("a", 0, status="absent"), lesion("x", **nt, status="absent")),
        scan("2024-09-01", lesion("a", 0, status="absent"), lesion("x", **nt), lesion("y", **nt)),
    )
    assert [p.non_target for p in line.timepoints] == ["NE", "CR", "NE", "non_CR_non_PD"]
    # RECIST 1.1 Table 1: a non-target not read leaves SD as SD, and a target CR as PR
    assert [p.overall for p in line.timepoints] == ["SD", "CR", "PR", "PR"]
    # the paths a non-target response rests on are the readings it read
    assert line.timepoints[1].paths == (
        "imaging[2]",
        "imaging[2].lesions[1]",
        "imaging[2].lesions[2]",
    )


@pytest.mark.parametrize(
    ("impression", "label"),
    [
        (None, None),
        ("new severe back pain and weak legs", None),
        (None, "back pain, cannot walk"),
        ("stable disease", "short of breath at rest"),
        ("", "fever 39 and chills"),
    ],
)
def test_red_flags_read_a_scans_words_as_the_joined_text(
    kb: Knowledge, impression: str | None, label: str | None
) -> None:
    imaging: dict[str, Any] = {"date": "2025-05-20", "modality": "CT", "lesions": []}
    if impression is not None:
        imaging["impression"] = impression
    if label is not None:
        imaging["assessment"] = label
    record = make_record(kb, imaging=[imaging])
    assert kb.assess is not None
    vocab = kb.assess.vocabulary
    entries = _entries(record, vocab, kb.assess.red_flag_window_days, AS_OF)
    words = " ".join(w for w in (impression, label) if w)  # the reading before the shortcut
    if not words:
        assert entries == []
        return
    [entry] = entries
    assert entry.reading == read_note(words, vocab, "female")
    field = "impression" if impression else "assessment"
    assert entry.note_path == f"imaging[0].{field}"


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**7), 10**7))
def test_numbers_formatted_once_are_the_format(value: float) -> None:
    # twice: the first works it out, the second may come from what was kept
    expected = f"{round(value, 2):g}"
    assert fmt(value) == expected
    assert fmt(value) == expected


def test_zero_keeps_its_sign() -> None:
    fmt(0.0)
    assert fmt(-0.0) == f"{round(-0.0, 2):g}" == "-0"
    assert fmt(0.0) == "0"
