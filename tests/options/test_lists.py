"""A list put together from kept parts by sorting integer keys (`options/_parts.Lists`) is in
the order the engine promises, and equals a fresh engine's list (issue 17).

`Lists.merge` sorts one integer per option (its sort number shifted left, the option's place
among the person's parts in the low bits) and maps the keys back to options. These tests
check:

- every list is by group (in the subtype's order, fastest-acting groups first in a visceral
  crisis), then verdict, then knowledge-base order, worked out here from the options alone;
- with the kept parts (and the sort keys they carry) emptied every few people, the lists of
  people hypothesis invents equal the lists a fresh engine builds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextline.knowledge import Knowledge
from nextline.options import list_options
from nextline.options._facts import forget_lookups
from nextline.options.engine import _compile, _Memo
from nextline.record import PatientRecord
from tests.options.varied import invented_people, varied_people

_VERDICTS = {"fits": 0, "may_fit": 1, "does_not_fit": 2}


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 120, seed=9191)


def _fresh(kb: Knowledge, record: PatientRecord, as_of: dt.date) -> dict[str, Any]:
    c = _compile(kb)
    c.memo.clear()
    c.answers.clear()
    forget_lookups()
    return list_options(record, kb, as_of).to_json()


def test_every_list_is_by_group_then_verdict_then_knowledge_base_order(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    assert kb.options is not None
    place = {oid: i for i, oid in enumerate([*kb.options.regimens, *kb.options.non_drug])}
    c = _compile(kb)
    crises = orders_seen = 0
    for record, as_of in people:
        c.memo.lists.clear()  # put together from parts, not the kept list
        result = list_options(record, kb, as_of)
        crisis = any("visceral crisis" in note for note in result.notes)
        crises += crisis
        order = c.order_list[c.orders[(result.subtype, crisis)]]
        expected = sorted(
            result.options,
            key=lambda o: (
                len(order)
                if o.group == "current" and o.verdict == "does_not_fit"
                else order.get(o.group, len(order)),
                _VERDICTS[o.verdict],
                place[o.id],
            ),
        )
        assert [o.id for o in result.options] == [o.id for o in expected], record.id
        assert len({o.id for o in result.options}) == len(place)
        orders_seen += 1
    assert orders_seen == len(people) and crises > 0


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_lists_with_parts_emptied_often_equal_a_fresh_engines(
    kb: Knowledge,
    people: list[tuple[PatientRecord, dt.date]],
    data: st.DataObject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invented = invented_people(kb, data)
    fresh = [_fresh(kb, record, as_of) for record, as_of in invented]
    c = _compile(kb)
    limit = data.draw(st.integers(1, 12))
    monkeypatch.setattr(_Memo, "LISTS_MAX", limit)
    kept: list[dict[str, Any]] = []
    for record, as_of in [*people[:30], *reversed(invented)]:
        c.memo.lists.clear()  # each list put together from the parts
        kept.append(list_options(record, kb, as_of).to_json())
        assert all(len(cluster.kept) <= limit for cluster in c.clusters)
    assert list(reversed(kept[30:])) == fresh
