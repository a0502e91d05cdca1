"""Every rule's answer for one person, kept by the facts each rule reads.

Why: a rule's evaluator is a pure function of a few facts about the person (`rules.READS`
names them: HER2 category and its record entry, menopausal status, the treatment history),
and across people those facts repeat. The rules that read the same facts are answered
together once for each distinct set of values, and the answers are kept for the next person
with the same values; working out the key is a few attribute reads, where evaluating the
rules built dozens of reasons per person. The key holds every fact the rules read, so a kept
answer is the one evaluating again would give (tests/options/test_answers.py proves that no
evaluator reads a fact its entry in `READS` leaves out).

Rules that read the record itself (`READS` None) are evaluated for every person. Pure, like
the engine: what is kept depends only on the knowledge base and the facts; each kept table
is emptied when it holds `MAX` keys, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from operator import attrgetter
from typing import Any

from nextline.knowledge.options_schema import Rule
from nextline.options._facts import FROM_GIVEN, Facts
from nextline.options.rules import Check, reads

Eager = tuple[int, Callable[[Any, Facts], Check], Rule]  # key, evaluator, rule

# Facts held in dicts and lists: their key is the same values as tuples.
_CONTAINERS = frozenset({"genes", "germline_tested", "sites", "comorbidities"})


def key_names(names: Sequence[str]) -> tuple[str, ...]:
    """The facts a key needs for rules that read `names`: the facts worked out from the
    treatment history alone (`FROM_GIVEN`) are named by the history itself."""
    return tuple(sorted({"given" if name in FROM_GIVEN else name for name in names}))


def _frozen(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in value.items())
    if isinstance(value, list):
        return tuple(value)
    hashable: Hashable = value
    return hashable


def key_of(names: tuple[str, ...]) -> Callable[[Facts], Hashable]:
    """The function that gives the key of a person's facts for rules reading `names`."""
    if not _CONTAINERS.intersection(names):
        get: Callable[[Facts], Hashable] = attrgetter(*names)
        return get

    def key(f: Facts) -> Hashable:
        return tuple([_frozen(getattr(f, name)) for name in names])

    return key


class _Group:
    """Rules that read the same facts, with their answers kept per distinct set of values."""

    __slots__ = ("kept", "key", "rules")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.key = key_of(names)
        self.rules: list[Eager] = []
        self.kept: dict[Hashable, dict[int, Check]] = {}


class Answers:
    """Answers every rule of the knowledge base for one person (`fill`), keeping them."""

    MAX = 5_000  # kept keys per group of rules

    def __init__(self, always: list[Eager]) -> None:
        groups: dict[tuple[str, ...], _Group] = {}
        self.plain: list[Eager] = []  # rules that read the record: evaluated every time
        for eager in always:
            names = reads(eager[2])
            if names is None:
                self.plain.append(eager)
                continue
            names = key_names(names)
            group = groups.get(names)
            if group is None:
                group = groups[names] = _Group(names)
            group.rules.append(eager)
        self.groups = list(groups.values())
        # rules about past treatment a person had something of (`engine.list_options` picks
        # them): every one reads the history and at most the date the cancer spread
        self.history: dict[Hashable, dict[int, Check]] = {}

    def fill(self, answers: dict[int, Check], f: Facts) -> list[object]:
        """Every rule that is not about past treatment, answered for `f` into `answers`.

        Returns what the answers came from: the kept table of each group of rules (one
        object per distinct set of values, so its identity stands for them while it is
        held) and each answer worked out afresh."""
        came_from: list[object] = []
        for group in self.groups:
            key = group.key(f)
            found = group.kept.get(key)
            if found is None:
                if len(group.kept) >= self.MAX:
                    group.kept.clear()
                found = group.kept[key] = {k: ev(rule, f) for k, ev, rule in group.rules}
            answers.update(found)
            came_from.append(found)
        for k, evaluator, rule in self.plain:
            came_from.append(answer := evaluator(rule, f))
            answers[k] = answer
        return came_from

    def history_answers(self, f: Facts, pick: Callable[[Facts], list[Eager]]) -> dict[int, Check]:
        """The answers of the rules `pick` finds for `f`'s treatment history (rules about
        what was given): all read the history (`FROM_GIVEN`) and the date the cancer spread."""
        key = (f.given, f.metastatic_since)
        found = self.history.get(key)
        if found is None:
            if len(self.history) >= self.MAX:
                self.history.clear()
            found = self.history[key] = {k: ev(rule, f) for k, ev, rule in pick(f)}
        return found

    def clear(self) -> None:
        for group in self.groups:
            group.kept.clear()
        self.history.clear()
