"""A person's list of options, put together from parts kept by the few facts each part reads.

Why: the list is ~67 options, and each option reads only a few of a person's facts (the
answers of its rules, which approval dates have passed, what cautions read). Options that
read the same facts form a part (`Cluster`); a part is built once for each distinct set of
those facts and kept (`Built`), so a person new to the engine is mostly parts already built
for others: a part reading HER2 and the treatment history is shared by everyone with the
same HER2 result and history, whatever their genes, sites or symptoms. The key of a part is
the facts it reads, as numbers that stand for them (`_answers.py` tokens), so it costs a
tuple and a dict look-up.

The list is sorted by group (in the subtype's order), then verdict, then knowledge-base
order. Each part keeps, per group order, one number per option that sorts exactly that way
(`Built.keys`), so the whole list is one sort of small integers.

Pure: what is kept depends only on the knowledge base and the facts; each table is emptied
when it holds `max_kept` keys, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import count
from operator import itemgetter
from typing import Any

from nextline.options.models import Option

_RANK: dict[str, int] = {"fits": 0, "may_fit": 1, "does_not_fit": 2}
_TOKENS = count(1)  # one per built part, never reused


class Built:
    """One part as built for one set of facts: its options in knowledge-base order."""

    __slots__ = ("keys", "options", "positions", "token")

    def __init__(self, options: tuple[Option, ...], positions: tuple[int, ...]) -> None:
        self.token = next(_TOKENS)
        self.options = options
        self.positions = positions  # each option's place in the knowledge base
        self.keys: dict[int, tuple[int, ...]] = {}  # order id -> sort numbers

    def sort_keys(self, order_id: int, order: dict[str, int], width: int) -> tuple[int, ...]:
        """One number per option: (group rank, verdict) first, knowledge-base place last."""
        found = self.keys.get(order_id)
        if found is None:
            unranked = len(order)
            found = self.keys[order_id] = tuple(
                [
                    (order.get(o.group, unranked) * 3 + _RANK[o.verdict]) * width + at
                    for o, at in zip(self.options, self.positions, strict=True)
                ]
            )
        return found


Build = Callable[[], tuple[Option, ...]]


def picker(positions: Sequence[int]) -> Callable[[Sequence[Any]], Hashable]:
    """The function that picks `positions` out of a row, as a tuple (the key of what reads
    them)."""
    at = tuple(positions)
    if len(at) > 1:
        pick: Callable[[Sequence[Any]], Hashable] = itemgetter(*at)
        return pick
    return lambda row: tuple([row[i] for i in at])


class Cluster:
    """Options that read the same facts: `reads` are their positions in the person's row
    (`engine.list_options`), `positions` the options' places in the knowledge base, `items`
    what the engine builds them from."""

    __slots__ = ("items", "kept", "pick", "positions", "reads")

    def __init__(
        self, reads: tuple[int, ...], positions: tuple[int, ...], items: tuple[Any, ...]
    ) -> None:
        self.reads = reads
        self.positions = positions
        self.items = items
        self.pick = picker(reads)
        self.kept: dict[Hashable, Built] = {}

    def built(
        self, row: Sequence[Any], build: Callable[[Cluster], tuple[Option, ...]], max_kept: int
    ) -> Built:
        """The part for the person whose row is `row`: kept, or built by `build` and kept."""
        key = self.pick(row)
        found = self.kept.get(key)
        if found is None:
            if len(self.kept) >= max_kept:
                self.kept.clear()
            found = self.kept[key] = Built(build(self), self.positions)
        return found


def merge(
    parts: Sequence[Built], order_id: int, order: dict[str, int], width: int
) -> tuple[Option, ...]:
    """The parts' options in one list: by group, then verdict, then knowledge-base order."""
    keys: list[int] = []
    options: list[Option] = []
    for part in parts:
        keys += part.sort_keys(order_id, order, width)
        options += part.options
    by_key = dict(zip(keys, options, strict=True))
    return tuple(map(by_key.__getitem__, sorted(by_key)))
