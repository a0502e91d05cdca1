"""An engine result made only of plain dataclasses, written as JSON data without pydantic.

Why: `assess.status_json` builds a pydantic `TypeAdapter` for `Status` on each call, and
building it (the schema of every dataclass in a status) cost `nextline status --json` more
than assessing the record. A `Status` is frozen standard dataclasses of text, numbers,
dates, tuples and None, and for those pydantic's JSON mode is simple: a dataclass becomes
its fields in order, a tuple or list a list, a date `YYYY-MM-DD`. `plain_data` does exactly
that and nothing more.

Anything else (a datetime, an enum, a pydantic model, a number that is not finite, a text
subclass, a set, a dict with keys that are not text) raises `NotPlain`, and the caller uses
the engine's own converter: the answer is then pydantic's, never a guess.
`tests/cli/test_plain_json.py` holds both equal on the examples and the bench people, and
lists any field type of `Status` this module would hand back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

_FIELDS: dict[type, tuple[str, ...]] = {}


class NotPlain(TypeError):
    """A value this module does not write itself (the engine's converter must)."""


def plain_data(value: Any) -> Any:
    """`value` as pydantic's `dump_python(mode="json")` gives it, for plain dataclasses."""
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise NotPlain("a number that is not finite")
        return value
    if kind is tuple or kind is list:
        return [plain_data(item) for item in value]
    if kind is dt.date:
        return value.isoformat()
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise NotPlain("a dict with keys that are not text")
        return {key: plain_data(item) for key, item in value.items()}
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(kind) or hasattr(kind, "__pydantic_fields__"):
            raise NotPlain(f"a {kind.__name__}")
        names = _FIELDS[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return {name: plain_data(getattr(value, name)) for name in names}
