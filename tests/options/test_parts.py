"""The list put together from kept parts is the list a fresh engine builds (issue 17).

`list_options` keeps each part of the list (`options/_parts.py`) by what its options read: the
numbers of their rules' answers, approval dates passed, side effects, whether each caution
holds. These tests check that the key covers everything a part is built from:

- people who share a part's key get the same part when each is built afresh;
- a person changed in one fact (HER2, ER, menopause, a comorbidity, a site, pain, PD-L1, a
  visceral crisis) gets another key for every part the change changes, and keeps the key
  of parts that read nothing it touches;
- for people hypothesis invents (every subtype, history, side effects, cautions, dates on
  both sides of approvals), the answer with everything kept equals the answer with nothing
  kept, in the order the people come and in reverse.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextline.knowledge import Knowledge
from nextline.options import list_options
from nextline.options._facts import compute_facts, forget_lookups
from nextline.options.engine import _compile, _row
from nextline.record import PatientRecord, build_record, validate_patient_data
from tests.options.varied import DATES, invented_people, varied_people, varied_person


def _cold(kb: Knowledge, record: PatientRecord, as_of: dt.date) -> dict[str, Any]:
    c = _compile(kb)
    c.memo.clear()
    c.answers.clear()
    forget_lookups()  # the kept histories too (`_facts._History`)
    return list_options(record, kb, as_of).to_json()


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 160, seed=4242)


def test_people_who_share_a_part_key_get_the_same_part_built_afresh(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    c = _compile(kb)
    by_key: dict[tuple[int, object], list[dict[str, Any]]] = {}
    shared = 0
    for record, as_of in people:
        c.memo.clear()
        c.answers.clear()
        row, person = _row(c, compute_facts(record, kb, as_of))
        for i, cluster in enumerate(c.clusters):
            built = [o.to_json() for o in person.build(cluster)]
            first = by_key.setdefault((i, cluster.pick(row)), built)
            if first is not built:
                shared += 1
                assert first == built, f"part {i} differs for {record.id}"
    # people do share parts, so the comparison means something (since session 12 the care
    # part names the running treatment a break or hospice rests on, so it is shared less)
    assert shared >= len(people) * 3 // 4


_CHANGES: list[tuple[str, Any]] = [
    ("her2", lambda d: d["tumor_tests"][0].update(her2={"ihc": "3+"})),
    ("her2", lambda d: d["tumor_tests"][0].update(her2={"ihc": "0", "ultralow": True})),
    ("er", lambda d: d["tumor_tests"][0].update(er={"percent": 5}, pr={"percent": 0})),
    ("menopause", lambda d: d["patient"].update(menopausal_status="premenopausal")),
    ("comorbidity", lambda d: d["comorbidities"].append({"condition": "heart failure"})),
    ("site", lambda d: d["metastases"].append({"site": "brain", "since": "2019-05-01"})),
    ("pain", lambda d: d["symptoms"][0]["esas"].update(pain=9)),
    ("pdl1", lambda d: d["tumor_tests"][0].update(pdl1={"assay": "22C3", "cps": 12})),
    (
        "crisis",
        lambda d: d.update(
            assessments=[
                {"date": "2024-06-20", "disease_status": "worsened", "visceral_crisis": True}
            ]
        ),
    ),
]


def test_one_changed_fact_changes_the_key_of_every_part_it_changes(kb: Knowledge) -> None:
    """A person and the same person changed in one fact: every part whose options differ
    has a different key (else a kept part would be handed to the wrong person), and parts
    that read nothing the change touches keep theirs (so people share them)."""
    c = _compile(kb)
    rng = random.Random(1234)
    changed_parts = kept_parts = 0
    for i in range(40):
        data = varied_person(rng, i)
        name, change = _CHANGES[i % len(_CHANGES)]
        other = copy.deepcopy(data)
        change(other)
        as_of = DATES[2]
        parts = []
        c.answers.clear()  # the numbers of answers stay the same for the two people
        for person in (data, other):
            c.memo.clear()  # each part built afresh
            record = build_record(validate_patient_data(person), kb, DATES[-1])
            row, builder = _row(c, compute_facts(record, kb, as_of))
            parts.append([(cluster.pick(row), builder.build(cluster)) for cluster in c.clusters])
        for (key, options), (other_key, other_options) in zip(*parts, strict=True):
            if [o.to_json() for o in options] != [o.to_json() for o in other_options]:
                assert key != other_key, f"{name}: a part changed under the same key"
                changed_parts += 1
            elif key == other_key:
                kept_parts += 1
    assert changed_parts > 40 and kept_parts > 300


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_kept_answers_equal_a_fresh_engine_for_invented_people(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]], data: st.DataObject
) -> None:
    invented = invented_people(kb, data)
    cold = [_cold(kb, record, as_of) for record, as_of in invented]
    for record, as_of in [*people[:40], *invented]:  # kept answers others could share
        list_options(record, kb, as_of)
    warm = [list_options(record, kb, as_of).to_json() for record, as_of in reversed(invented)]
    assert cold == list(reversed(warm))
