"""`options._same.same_key` groups the knowledge base's rules and caution conditions exactly
as their JSON dump does (the key the engine used before), and tells apart values JSON tells
apart, on the real knowledge base and on invented models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from nextline.knowledge import Knowledge
from nextline.options._same import same_key


def _partition(items: Iterable[Any], key: Any) -> set[frozenset[int]]:
    groups: dict[Any, set[int]] = {}
    for n, item in enumerate(items):
        groups.setdefault(key(item), set()).add(n)
    return {frozenset(g) for g in groups.values()}


def _rules(kb: Knowledge) -> list[Any]:
    assert kb.options is not None
    return [
        *(rule for r in kb.options.regimens.values() for i in r.indications for rule in i.rules),
        *(rule for o in kb.options.non_drug.values() for rule in o.applies_when),
        *(rule for t in kb.options.tests.values() for rule in t.when),
    ]


def _conditions(kb: Knowledge) -> list[Any]:
    assert kb.options is not None
    return [c.condition for r in kb.options.regimens.values() for c in r.cautions]


def test_rules_are_grouped_as_their_json_dump_groups_them(kb: Knowledge) -> None:
    rules = _rules(kb)
    by_key = _partition(rules, same_key)
    assert by_key == _partition(rules, lambda r: r.model_dump_json())
    assert 1 < len(by_key) < len(rules)  # some rules are shared, most are not


def test_caution_conditions_are_grouped_as_their_json_dump_groups_them(kb: Knowledge) -> None:
    conditions = _conditions(kb)
    assert len(conditions) > 5
    assert _partition(conditions, same_key) == _partition(conditions, lambda c: c.model_dump_json())


class _Inner(BaseModel):
    names: list[str]
    at: dt.date | None = None


class _Outer(BaseModel):
    rule: str
    value: float | int | bool | None
    inner: _Inner | None = None
    tags: dict[str, int] = {}


def test_values_json_tells_apart_get_different_keys() -> None:
    made = [
        _Outer(rule="a", value=1),
        _Outer(rule="a", value=1.0),
        _Outer(rule="a", value=True),
        _Outer(rule="a", value=None),
        _Outer(rule="b", value=1),
        _Outer(rule="a", value=1, inner=_Inner(names=["x"])),
        _Outer(rule="a", value=1, inner=_Inner(names=["x", "y"])),
        _Outer(rule="a", value=1, inner=_Inner(names=["y", "x"])),
        _Outer(rule="a", value=1, inner=_Inner(names=["x"], at=dt.date(2024, 1, 1))),
        _Outer(rule="a", value=1, tags={"k": 1}),
        _Outer(rule="a", value=1, tags={"k": 2}),
    ]
    again = [m.model_copy(deep=True) for m in made]
    assert _partition(made + again, same_key) == _partition(
        made + again, lambda m: m.model_dump_json()
    )
    assert len({same_key(m) for m in made}) == len(made)
