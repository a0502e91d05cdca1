"""A person's list of options, put together from parts kept by the few facts each part reads.

Why: the list is ~67 options, and each option reads only a few of a person's facts (the
answers of its rules, which approval dates have passed, whether each of its cautions
applies). Options that read the same facts form a part (`Cluster`); a part is built once for
each distinct set of those facts and kept (`Built`), so a person new to the engine is mostly
parts already built for others: an option for HER2-positive cancer is the same "does not
fit" for everyone with the same HER2-negative result, whatever their genes, sites or
history. The key of a part is what it reads, as numbers that stand for the answers
(`_answers.py`), picked out of the person's row: a tuple and a dict look-up per part.

The list is sorted by group (in the subtype's order), then verdict, then knowledge-base
order. Each part keeps, for each group order, one number per option that sorts exactly that
way (`Built.keys`, `Lists`), so the whole list is one sort of small integers.

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


def picker(positions: Sequence[int]) -> Callable[[Sequence[Any]], Hashable]:
    """The function that picks `positions` out of a row: the key of what reads them (a
    tuple, or the one value when there is one position: every key of one table comes from
    one picker, so they all have the same shape)."""
    at = tuple(positions)
    if not at:
        return lambda row: ()
    pick: Callable[[Sequence[Any]], Hashable] = itemgetter(*at)
    return pick


# A group listed first only when its option applies ("carry on with the treatment you are
# on now"): when it does not, it goes to the end, after every group.
_FIRST_WHEN_IT_APPLIES = "current"


def sort_number(option: Option, order: dict[str, int], width: int, at: int) -> int:
    """The number `option` sorts by in a list with this group order: its group's rank, then
    its verdict, then `at` (its place in the knowledge base, less than `width`)."""
    rank = order.get(option.group, len(order))
    if option.group == _FIRST_WHEN_IT_APPLIES and option.verdict == "does_not_fit":
        rank = len(order)
    return (rank * 3 + _RANK[option.verdict]) * width + at


class Built:
    """One part as built for one set of facts: its options in knowledge-base order, and for
    each group order (by number) the sort keys of its options (`Lists`), worked out the
    first time a list in that order needs them."""

    __slots__ = ("keys", "options", "positions", "slot", "token")

    def __init__(
        self, options: tuple[Option, ...], positions: tuple[int, ...], orders: int, slot: int
    ) -> None:
        self.token = next(_TOKENS)
        self.options = options
        self.positions = positions
        self.keys: list[tuple[int, ...] | None] = [None] * orders
        self.slot = slot  # where its options start in a person's parts, one after another


class Cluster:
    """Options that read the same facts: `reads` are their positions in the person's row
    (`engine.list_options`), `positions` the options' places in the knowledge base, `items`
    what the engine builds them from; `slot` is where its options start when every
    cluster's options are put one after another (`Lists`)."""

    __slots__ = ("items", "kept", "pick", "positions", "reads", "slot")

    def __init__(
        self,
        reads: tuple[int, ...],
        positions: tuple[int, ...],
        items: tuple[Any, ...],
        slot: int = 0,
    ) -> None:
        self.reads = reads
        self.positions = positions
        self.items = items
        self.slot = slot
        self.pick = picker(reads)
        self.kept: dict[Hashable, Built] = {}

    def keep(self, key: Hashable, options: tuple[Option, ...], orders: int, max_kept: int) -> Built:
        """Keeps the part built for `key` (the table is emptied first when full)."""
        if len(self.kept) >= max_kept:
            self.kept.clear()
        built = self.kept[key] = Built(options, self.positions, orders, self.slot)
        return built


class Lists:
    """Puts a person's parts together into one sorted list, by sorting plain integers.

    Why: sorting (number, option) pairs, or filling a dict by number, costs about twice
    what sorting integers does, and a person new to the engine (one whose list is not kept)
    pays it once per list. Each option of a part gets a sort key: its sort number
    (`sort_number`, unique within a person's list) shifted left by `shift`, with the
    option's place among the person's options (every part's options one after another, in
    cluster order: `Cluster.slot`) in the low bits, so the key also says which option it
    is. Keys sort exactly as the sort numbers do (the numbers differ within a list, so the
    low bits never decide). Nothing is kept but each part's keys (on the part itself), so
    putting a list together reads only the person's own parts."""

    __slots__ = ("mask", "shift")

    def __init__(self, clusters: Sequence[Cluster] = ()) -> None:
        total = sum(len(cluster.items) for cluster in clusters)
        self.shift = max(1, total.bit_length())
        self.mask = (1 << self.shift) - 1

    def _keys_for(
        self, part: Built, order_id: int, order: dict[str, int], width: int
    ) -> tuple[int, ...]:
        """The sort keys of `part`'s options in a list with this group order."""
        shift, slot = self.shift, part.slot
        found = part.keys[order_id] = tuple(
            [
                sort_number(option, order, width, at) << shift | slot + i
                for i, (option, at) in enumerate(zip(part.options, part.positions, strict=True))
            ]
        )
        return found

    def merge(
        self, parts: Sequence[Built], order_id: int, order: dict[str, int], width: int
    ) -> tuple[Option, ...]:
        """The parts' options in one list: by group, then verdict, then knowledge-base order.
        `parts` are one per cluster, in cluster order (their slots, `Cluster.slot`)."""
        keys: list[int] = []
        options: list[Option] = []
        for part in parts:
            found = part.keys[order_id]
            keys += found if found is not None else self._keys_for(part, order_id, order, width)
            options += part.options
        keys.sort()
        mask = self.mask
        return tuple([options[key & mask] for key in keys])
