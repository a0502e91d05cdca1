"""The engine keeps answers by the history as the rules read it, not by its every date.

`Facts.history_key` (`_facts._history_key`) is the treatment history without the start and
stop dates no rule reads: the engine keys rule answers, the history's answers, cautions and
parts of the list by it, so people whose histories differ only in such dates share them.
These tests check that:

- for varied people, each with dates of their own (every treatment moved by its own few
  days or weeks, the date the cancer spread too, treatment before or after surgery that
  finished near 6 or 12 months before it came back, side effects inside and outside the
  treatment stopped for them), every result with everything kept is the result worked out
  with nothing kept, in any order;
- two people whose histories differ only in dates no rule reads (a metastatic line started
  or stopped a few weeks apart) share the key and every answer; two people whose histories
  differ in a date a rule reads (the cancer came back 5 vs 13 months after hormone therapy
  after surgery; a side effect inside or outside the treatment stopped for it) do not, and
  their answers differ exactly there.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextline.knowledge import Knowledge
from nextline.options import list_options
from nextline.options._facts import compute_facts, forget_lookups
from nextline.options.engine import _compile
from nextline.record import PatientRecord, build_record, validate_patient_data
from tests.options.builders import AS_OF, drug, person, tumor
from tests.options.varied import DATES, varied_person


def _moved(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def _own_dates(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with dates of its own: the cancer spread up to 40 days sooner or later, each
    treatment moved by its own few weeks; treatment after surgery, when there is one,
    finished about 6 or 12 months (the windows of regimens.yaml) before the cancer came
    back, a few days either side; a side effect inside or just outside its treatment."""
    changed = dict(data)
    spread = _moved(data["diagnosis"]["metastatic_since"], rng.randint(-40, 40))
    changed["diagnosis"] = {"metastatic_since": spread}
    therapies = []
    for t in data["therapies"]:
        t = dict(t)
        if t["setting"] == "adjuvant":
            months = rng.choice([5, 6, 7, 11, 12, 13])
            t["stop"] = _moved(spread, -round(months * 30.4375) + rng.randint(-6, 6))
            t["start"] = _moved(t["stop"], -rng.randint(300, 1500))
        else:
            t["start"] = _moved(t["start"], rng.randint(0, 25))
            if "stop" in t:
                t["stop"] = _moved(t["stop"], -rng.randint(0, 25))
        therapies.append(t)
    changed["therapies"] = therapies
    changed["side_effects"] = [
        {**s, "date": _moved(s["date"], rng.choice([-30, -1, 0, 40]))} for s in data["side_effects"]
    ]
    return changed


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    rng = random.Random(4242)
    out = []
    for i in range(160):
        base = varied_person(rng, i)
        for _ in range(2):  # the same person twice, each time with dates of their own
            data = _own_dates(rng, base)
            out.append((build_record(validate_patient_data(data), kb, DATES[-1]), DATES[i % 4]))
    return out


def _cold(kb: Knowledge, record: PatientRecord, as_of: dt.date) -> dict[str, Any]:
    _compile(kb).memo.clear()
    _compile(kb).answers.clear()
    forget_lookups()
    return list_options(record, kb, as_of).to_json()


def test_the_people_share_keys_but_not_dates(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    """The comparison below is worth making only if histories of their own share keys, and
    the dates a rule reads are reached (treatment after surgery, stopped for side effects)."""
    facts = [compute_facts(record, kb, as_of) for record, as_of in people]
    pairs = [(a, b) for a, b in zip(facts[::2], facts[1::2], strict=True) if a.given]
    dates = [
        a
        for a, b in pairs
        if [(g.start, g.stop) for g in a.given] != [(g.start, g.stop) for g in b.given]
    ]
    shared = [a for a, b in pairs if a.history_key == b.history_key]
    early = [a for a in shared if any(g.setting == "adjuvant" for g in a.given)]
    assert len(dates) > 0.9 * len(pairs)  # the two of a pair rarely share every date
    assert len(shared) > len(pairs) / 2 and early  # yet most share the key
    assert any(g.setting == "adjuvant" for f in facts for g in f.given)
    assert any(f.stopped_for_side_effects and f.side_effect_drugs for f in facts)


def test_every_result_kept_by_the_history_key_is_the_result_worked_out_afresh(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    cold = [_cold(kb, record, as_of) for record, as_of in people]
    order = list(range(len(people)))
    random.Random(5).shuffle(order)
    for _ in range(2):  # the second time, every answer and part is kept
        warm = {i: list_options(people[i][0], kb, people[i][1]).to_json() for i in order}
        assert [i for i in range(len(people)) if warm[i] != cold[i]] == []


def _answers(kb: Knowledge, record: PatientRecord) -> dict[str, Any]:
    return {o["id"]: (o["verdict"], o["reasons"]) for o in _cold(kb, record, AS_OF)["options"]}


def _adjuvant_then(kb: Knowledge, stop: str, line_start: str, line_stop: str) -> PatientRecord:
    return person(
        kb,
        metastatic_since="2021-01-01",
        therapies=[
            drug("anastrozole", start="2016-01-01", stop=stop, setting="adjuvant"),
            drug(
                "letrozole", "palbociclib", start=line_start, stop=line_stop, reason="progression"
            ),
        ],
    )


def test_dates_no_rule_reads_share_the_key_and_every_answer(kb: Knowledge) -> None:
    """The metastatic line weeks apart, hormone therapy after surgery stopped two days apart
    (both 19 months, rounded, before the cancer came back, and under 19 months)."""
    one = _adjuvant_then(kb, "2019-06-03", "2021-02-01", "2023-06-01")
    other = _adjuvant_then(kb, "2019-06-05", "2021-03-10", "2023-04-20")
    f1, f2 = compute_facts(one, kb, AS_OF), compute_facts(other, kb, AS_OF)
    assert [(g.start, g.stop) for g in f1.given] != [(g.start, g.stop) for g in f2.given]
    assert f1.history_key == f2.history_key
    a1, a2 = _answers(kb, one), _answers(kb, other)
    # the reasons name record entries, never the dates of the metastatic line
    assert a1 == a2


def test_a_date_a_rule_reads_changes_the_key_and_the_answers_exactly_there(
    kb: Knowledge,
) -> None:
    """Hormone therapy after surgery finished 5 months (inside the 12-month window of
    regimens.yaml) or 13 months before the cancer came back: it stopped working, or not, and
    the options that read that answer differently; the key differs."""
    soon = _adjuvant_then(kb, "2020-08-01", "2021-02-01", "2023-06-01")
    later = _adjuvant_then(kb, "2019-12-01", "2021-02-01", "2023-06-01")
    f1, f2 = compute_facts(soon, kb, AS_OF), compute_facts(later, kb, AS_OF)
    assert f1.history_key != f2.history_key
    a1, a2 = _answers(kb, soon), _answers(kb, later)
    differ = {k for k in a1 if a1[k] != a2[k]}
    # some options read how soon the cancer came back (the hormone therapy after surgery
    # stopped working, or not; it came back within 12 months, or not), and only those
    # differ: by what they say of it
    assert differ
    assert all("anastrozole" in str(a1[k]) + str(a2[k]) for k in differ)
    assert any("came back 13 months after finishing anastrozole" in str(a2[k]) for k in differ)
    # warm: each person's kept answers are their own
    for record, cold in ((soon, a1), (later, a2), (soon, a1)):
        warm = {
            o["id"]: (o["verdict"], o["reasons"])
            for o in list_options(record, kb, AS_OF).to_json()["options"]
        }
        assert warm == cold


def _toxic(kb: Knowledge, effect_day: str) -> PatientRecord:
    return person(
        kb,
        therapies=[
            drug(
                "letrozole",
                "palbociclib",
                start="2021-02-01",
                stop="2022-03-01",
                reason="toxicity",
            ),
        ],
        side_effects=[
            {"date": effect_day, "term": "neutropenia", "grade": 3, "therapy": "palbociclib"}
        ],
    )


def test_a_side_effect_inside_or_outside_its_treatment_is_told_apart(kb: Knowledge) -> None:
    """Which drug of a combination stopped for side effects caused them is read from the
    side effects dated within that treatment: one day either side of its stop changes it."""
    inside, outside = _toxic(kb, "2022-03-01"), _toxic(kb, "2022-03-02")
    a1, a2 = _answers(kb, inside), _answers(kb, outside)
    assert a1 != a2
    for record, cold in ((inside, a1), (outside, a2), (inside, a1)):
        warm = {
            o["id"]: (o["verdict"], o["reasons"])
            for o in list_options(record, kb, AS_OF).to_json()["options"]
        }
        assert warm == cold


def _grew_on(kb: Knowledge, stop: str, spread: str = "2021-01-01") -> PatientRecord:
    """Grew on a first line on `stop`; an ESR1/PIK3CA test (nothing found) on 2023-07-01."""
    return person(
        kb,
        metastatic_since=spread,
        tumor_tests=[
            tumor(),
            {"date": "2023-07-01", "specimen": "liver biopsy", "not_detected": ["ESR1", "PIK3CA"]},
        ],
        therapies=[
            drug("letrozole", "palbociclib", start="2021-02-01", stop=stop, reason="progression")
        ],
    )


def test_the_last_progression_is_kept_by_its_place_among_the_gene_tests(kb: Knowledge) -> None:
    """Growth on two days before the same gene test shares the kept answers and tests to
    consider; growth after it makes the test stale (a new test is asked for), as afresh."""
    before, sooner, after = (
        _grew_on(kb, "2023-06-20"),
        _grew_on(kb, "2023-03-01", spread="2020-11-15"),
        _grew_on(kb, "2023-07-15"),
    )
    results = {}
    for name, record in (("before", before), ("sooner", sooner), ("after", after)):
        cold = _cold(kb, record, AS_OF)
        results[name] = cold
    assert results["before"] == {**results["sooner"], "patient": results["before"]["patient"]}
    assert results["before"]["tests_to_consider"] != results["after"]["tests_to_consider"]
    assert _answers_of(results["before"]) != _answers_of(results["after"])
    for record, name in (
        (before, "before"),
        (after, "after"),
        (sooner, "sooner"),
        (after, "after"),
    ):
        assert list_options(record, kb, AS_OF).to_json() == results[name]


def _answers_of(result: dict[str, Any]) -> dict[str, Any]:
    return {o["id"]: (o["verdict"], o["reasons"]) for o in result["options"]}


def test_her2_tested_before_or_after_the_spread_is_told_apart(kb: Knowledge) -> None:
    """HER2 last tested before the cancer spread asks for a new test; after, it does not:
    the spread is kept by which side of it the HER2 test falls, not by its date."""

    def one(spread: str) -> PatientRecord:
        return person(kb, metastatic_since=spread, tumor_tests=[tumor("2021-01-05")])

    early, earlier, late = one("2021-02-01"), one("2021-03-20"), one("2020-12-01")
    cold = {n: _cold(kb, r, AS_OF) for n, r in (("a", early), ("b", earlier), ("c", late))}
    assert cold["a"]["tests_to_consider"] == cold["b"]["tests_to_consider"]
    assert cold["a"]["tests_to_consider"] != cold["c"]["tests_to_consider"]
    for record, name in ((early, "a"), (late, "c"), (earlier, "b"), (late, "c")):
        assert list_options(record, kb, AS_OF).to_json() == cold[name]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_any_person_after_another_with_the_same_story_on_other_dates(
    kb: Knowledge, seed: int
) -> None:
    """The second of two people with the same story on dates of their own gets, from what
    the first left kept, the result worked out afresh."""
    rng = random.Random(seed)
    base = varied_person(rng, seed % 1000)
    first, second = (
        build_record(validate_patient_data(_own_dates(rng, base)), kb, DATES[-1]) for _ in range(2)
    )
    as_of = DATES[seed % len(DATES)]
    cold = _cold(kb, second, as_of)
    _cold(kb, first, as_of)  # everything forgotten, then the first person kept
    assert list_options(second, kb, as_of).to_json() == cold
