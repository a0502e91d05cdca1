"""`once_per`: a value worked out from one (immutable) knowledge object, kept for its life.

The engine reads the same knowledge for every record (citations, thresholds, rule numbers);
working those out again per record was a measurable share of `bench/bench_assess.py`. The
cache is keyed by the owner's id and keeps the owner itself beside the value (compared by
identity), so a new object can never be mistaken for an old one; owners are kept for the
life of the process, which is fine for the handful of knowledge objects a process loads.
Results never depend on the cache: a value is the same whether worked out now or before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_HELD: dict[tuple[int, str], tuple[object, Any]] = {}


def once_per(owner: object, what: str, make: Callable[[], T]) -> T:
    """`make()` the first time `what` is asked of `owner`, the kept value after that."""
    key = (id(owner), what)
    held = _HELD.get(key)
    if held is None or held[0] is not owner:
        held = (owner, make())
        _HELD[key] = held
    value: T = held[1]
    return value
