"""Every rule's answer for one person, kept by the facts each rule reads.

Why: a rule's evaluator is a pure function of a few facts about the person (`rules.READS`
names them: HER2 category and its record entry, menopausal status, the treatment history),
and across people those facts repeat. The rules that read the same facts are answered
together once for each distinct set of values, and the answers are kept for the next person
with the same values. The key holds every fact the rules read, so a kept answer is the one
evaluating again would give (tests/options/test_answers.py proves that no evaluator reads a
fact its entry in `READS` leaves out).

The facts every group reads are read off the person in one pass (`Answers.values`): the
containers (dicts, lists) as tuples, the treatment history as a number that stands for it
(`history_token`, of `Facts.history_key`: the history without the dates no rule reads), so
each group's key is picked out of that one row without hashing the
history again. Each kept set of answers carries a number of its own (a token, never given
twice), so what is built from the answers (the engine's options) can be kept by a few
numbers instead of the answers themselves.

Rules that read the record itself (`READS` None) are evaluated for every person. Pure, like
the engine: what is kept depends only on the knowledge base and the facts; each kept table
is emptied when it holds `MAX` keys, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import count
from operator import attrgetter
from typing import Any

from nextline.knowledge.options_schema import Rule
from nextline.options._facts import FROM_GIVEN, Facts
from nextline.options._parts import picker
from nextline.options.rules import Check, reads

Eager = tuple[int, Callable[[Any, Facts], Check], Rule]  # key, evaluator, rule
# A token (never given twice), the answers by rule key, and the same answers as the rule
# keys and the number that stands for each answer (`Answers.number`).
Kept = tuple[int, dict[int, Check], tuple[int, ...], tuple[int, ...]]

# Facts held in dicts and lists: their key is the same values as tuples.
_CONTAINERS = frozenset({"genes", "germline_tested", "sites", "comorbidities"})

# Tokens for kept answers and histories: one counter for the process, so a token once given
# never stands for anything else, even after a table is emptied.
_TOKENS = count(1)


def key_names(names: Sequence[str]) -> tuple[str, ...]:
    """The facts a key needs for rules that read `names`: the facts worked out from the
    treatment history alone (`FROM_GIVEN`) are named by the history itself."""
    return tuple(sorted({"given" if name in FROM_GIVEN else name for name in names}))


def _frozen(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple([(k, tuple(v) if isinstance(v, list) else v) for k, v in value.items()])
    if isinstance(value, list):
        return tuple(value)
    hashable: Hashable = value
    return hashable


def _frozen_lists(value: dict[Any, list[Any]]) -> Hashable:
    """`_frozen` of a dict of lists (the gene results), without asking each value's type."""
    return tuple([(k, tuple(v)) for k, v in value.items()])


def _frozen_items(value: dict[Any, Any]) -> Hashable:
    """`_frozen` of a dict of hashable values."""
    return tuple(value.items())


# How each container fact is frozen for a key: the same tuples `_frozen` gives, each by the
# one path its values take (`Answers.values` freezes every container for every person).
_FREEZE: dict[str, Callable[[Any], Hashable]] = {
    "genes": _frozen_lists,
    "germline_tested": _frozen_items,
    "sites": _frozen_items,
    "comorbidities": tuple,
}


def key_of(names: tuple[str, ...]) -> Callable[[Facts], Hashable]:
    """The function that gives the key of a person's facts for rules reading `names` (the
    facts themselves, containers as tuples; `Answers` uses the one-row form instead)."""
    if not _CONTAINERS.intersection(names):
        get: Callable[[Facts], Hashable] = attrgetter(*names)
        return get

    def key(f: Facts) -> Hashable:
        return tuple([_frozen(getattr(f, name)) for name in names])

    return key


def progression_place(f: Facts) -> int | None:
    """What the readers of `last_progression` read of it, for a key: its place among the
    dates of the person's gene results (how many come before it), or None when there is no
    progression on record. Its only readers (`rules.alteration_detected`, the engine's
    `_test_gap`) compare it with the dates of gene results alone, and the key holds those
    (the gene results' token), so the place answers every such comparison as the date does,
    while people whose cancer grew on different days but between the same tests share it."""
    last = f.last_progression
    if last is None:
        return None
    return sum(1 for day in {r.date for results in f.genes.values() for r in results} if day < last)


def spread_place(f: Facts) -> tuple[bool, bool]:
    """What the readers of `metastatic_since` read of it, for a key: whether it is on
    record, and whether HER2 was last tested before it (the engine's `_test_gap`). The one
    rule that reads it (`rules.relapse_within_months_of_adjuvant`) compares it with the
    dates of treatment before or after surgery, which the history's key holds as it reads
    them (`Facts.history_key`), and with nothing else."""
    since, her2 = f.metastatic_since, f.her2_date
    return since is None, since is not None and her2 is not None and her2 < since


class _Group:
    """Rules that read the same facts, with their answers kept per distinct set of values."""

    __slots__ = ("kept", "keys", "names", "pick", "rules")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.keys: tuple[int, ...] = ()  # the rule keys, in `rules` order
        self.pick: Callable[[Sequence[Any]], Hashable] = picker([])  # set by `Answers`
        self.rules: list[Eager] = []
        self.kept: dict[Hashable, Kept] = {}


class Answers:
    """Answers every rule of the knowledge base for one person (`fill`), keeping them.

    `extra` names facts the caller wants in the row too (`values`), for its own keys."""

    MAX = 5_000  # kept keys per group of rules; kept histories

    def __init__(self, always: list[Eager], extra: Sequence[str] = ()) -> None:
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
        every = {"given", *extra, *(n for g in self.groups for n in g.names)}
        self.names: tuple[str, ...] = tuple(sorted(every))
        self.position = {name: i for i, name in enumerate(self.names)}
        self._row: Callable[[Facts], tuple[Any, ...]] = attrgetter(*self.names)
        self._containers = tuple(
            (self.position[n], _FREEZE[n]) for n in sorted(_CONTAINERS & every)
        )
        self._given = self.position["given"]
        self._genes = self.position.get("genes")
        self._progression = self.position.get("last_progression")
        self._spread = self.position.get("metastatic_since")
        for group in self.groups:
            group.pick = picker([self.position[n] for n in group.names])
            group.keys = tuple(k for k, _, _ in group.rules)
        # each group's picker and table, for the look-ups of `kept` in one pass each
        self._picks = tuple(group.pick for group in self.groups)
        self._tables = tuple(group.kept for group in self.groups)  # emptied in place only
        # each distinct answer seen, and the number that stands for it
        self.numbers: dict[Check, int] = {}
        # rules about past treatment a person had something of (`engine.list_options` picks
        # them), by the history's token: every one reads the history and at most the date
        # the cancer spread, which the history's key holds where they read it
        # (`_facts._history_key`)
        self.history: dict[Hashable, Kept] = {}
        # each distinct treatment history seen, and the token that stands for it
        self.histories: dict[Hashable, int] = {}
        # each distinct set of gene results seen (frozen), and the token that stands for it:
        # several groups' keys and the tests' read the gene results, so the row holds one
        # number for them, hashed once per person instead of once per key
        self.gene_sets: dict[Hashable, int] = {}

    def history_token(self, given: Hashable) -> int:
        """The number that stands for this treatment history (equal histories, one number,
        while it is kept; a number is never reused for another history)."""
        token = self.histories.get(given)
        if token is None:
            if len(self.histories) >= self.MAX:
                self.histories.clear()
            token = self.histories[given] = next(_TOKENS)
        return token

    def genes_token(self, genes: Hashable) -> int:
        """The number that stands for these gene results (frozen), as `history_token`."""
        token = self.gene_sets.get(genes)
        if token is None:
            if len(self.gene_sets) >= self.MAX:
                self.gene_sets.clear()
            token = self.gene_sets[genes] = next(_TOKENS)
        return token

    def number(self, answer: Check) -> int:
        """The number that stands for this answer (equal answers, one number, while it is
        kept; a number is never reused for another answer)."""
        found = self.numbers.get(answer)
        if found is None:
            if len(self.numbers) >= 20 * self.MAX:
                self.numbers.clear()
            found = self.numbers[answer] = next(_TOKENS)
        return found

    def _kept(self, keys: tuple[int, ...], answers: dict[int, Check]) -> Kept:
        numbers = tuple([self.number(answers[k]) for k in keys])
        return (next(_TOKENS), answers, keys, numbers)

    def values(self, f: Facts) -> list[Any]:
        """Every fact the groups (and `extra`) read, in `names` order, each hashable: the
        containers as tuples, the history and the gene results as their tokens."""
        row = list(self._row(f))
        for i, freeze in self._containers:
            row[i] = freeze(row[i])
        row[self._given] = self.history_token(f.history_key)
        if self._genes is not None:
            row[self._genes] = self.genes_token(row[self._genes])
        if self._progression is not None:
            row[self._progression] = progression_place(f)
        if self._spread is not None:
            row[self._spread] = spread_place(f)
        return row

    def kept(self, row: Sequence[Any], f: Facts) -> list[Kept]:
        """Each group's kept answers for the person with facts `f` (and `row`, its values)."""
        keys = [pick(row) for pick in self._picks]
        out: list[Kept | None] = list(map(dict.get, self._tables, keys))
        if None in out:  # a group meets these facts for the first time
            for i, group in enumerate(self.groups):
                if out[i] is None:
                    if len(group.kept) >= self.MAX:
                        group.kept.clear()
                    answers = {k: ev(rule, f) for k, ev, rule in group.rules}
                    out[i] = group.kept[keys[i]] = self._kept(group.keys, answers)
        return out  # type: ignore[return-value]  # every None replaced above

    def plain_answers(self, f: Facts) -> list[tuple[int, Check]]:
        """The answers of the rules that read the record, worked out afresh."""
        return [(k, evaluator(rule, f)) for k, evaluator, rule in self.plain]

    def fill(self, answers: dict[int, Check], f: Facts) -> list[object]:
        """Every rule that is not about past treatment, answered for `f` into `answers`.

        Returns what the answers came from: the token of each group's kept answers and each
        answer worked out afresh."""
        came_from: list[object] = []
        for token, found, _, _ in self.kept(self.values(f), f):
            answers.update(found)
            came_from.append(token)
        for k, answer in self.plain_answers(f):
            came_from.append(answer)
            answers[k] = answer
        return came_from

    def history_answers(
        self, f: Facts, pick: Callable[[Facts], list[Eager]], token: int | None = None
    ) -> Kept:
        """The answers of the rules `pick` finds for `f`'s treatment history (rules about
        what was given): all read the history (`FROM_GIVEN`) and the date the cancer spread,
        only against the dates of treatment before or after surgery, which the history's key
        (`Facts.history_key`) holds as days from that date: the token alone keys them.
        `token` is the history's (`history_token`), when the caller has it."""
        if token is None:
            token = self.history_token(f.history_key)
        found = self.history.get(token)
        if found is None:
            if len(self.history) >= self.MAX:
                self.history.clear()
            touched = pick(f)
            answers = {k: ev(rule, f) for k, ev, rule in touched}
            found = self.history[token] = self._kept(tuple(k for k, _, _ in touched), answers)
        return found

    def clear(self) -> None:
        for group in self.groups:
            group.kept.clear()
        self.history.clear()
        self.histories.clear()
        self.gene_sets.clear()
        self.numbers.clear()
