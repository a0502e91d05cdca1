"""Which knowledge-base rules are the same rule: a key built from the values themselves.

Why not `model_dump_json()`: the knowledge models defer building their serializers (they
come from a pickle and are never validated again), and dumping the first rule of each kind
builds them, about 45 ms of every `options` or `questions` call, more than listing the
options. This key needs no serializer. Two rules get the same key exactly when they hold
the same values (kind by kind: `1`, `1.0` and `True` stay apart, as in JSON), so the
engine's keep-by-what-it-reads tables group rules as before
(`tests/options/test_same_rule.py` compares the grouping with the JSON dump's)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from pydantic import BaseModel


def same_key(value: Any) -> Hashable:
    """A hashable stand-in for `value`: models by their class and fields in order, lists
    and tuples by their items, mappings by their items in order, plain values by their kind
    and value."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, tuple((k, same_key(v)) for k, v in value.__dict__.items()))
    if isinstance(value, (list, tuple)):
        return ("[]", tuple(same_key(v) for v in value))
    if isinstance(value, dict):
        return ("{}", tuple((k, same_key(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((same_key(v) for v in value), key=repr)))
    return (type(value).__name__, value)
