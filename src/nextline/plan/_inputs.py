"""Read the other engines' results in their documented `--json` shapes.

The plan takes the assess, options and trials results as they come (the engines' own objects,
or dicts in their `--json` contract) and reads only the contract's keys, so it depends on the
documented shape, not on the engines' internals.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any


def as_data(result: Any) -> Any:
    """An engine result as plain JSON data (dicts, lists, strings, numbers)."""
    if result is None:
        return None
    kind = type(result)
    # Built-in values and containers have none of the methods below: go straight to the data.
    if kind in _SCALARS:
        return result
    if kind is dict:
        return {str(k): v if type(v) in _LEAVES else as_data(v) for k, v in result.items()}
    if kind is list or kind is tuple:
        return [item if type(item) in _LEAVES else as_data(item) for item in result]
    for method in ("to_json", "as_json", "to_dict"):
        fn = getattr(result, method, None)
        if callable(fn):
            return _plain(fn())
    dump = getattr(result, "model_dump", None)
    if callable(dump):
        return _plain(dump(mode="json"))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return _plain(result)
    if isinstance(result, (list, tuple)):
        return [as_data(item) for item in result]
    if isinstance(result, dict):
        return {str(k): as_data(v) for k, v in result.items()}
    return _plain(result)


_SCALARS = frozenset({str, int, float, bool})
_LEAVES = _SCALARS | {type(None)}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(data: Any) -> Any:
    """`data` as `json.loads(json.dumps(data, default=_default))` gives it, built directly:
    the round trip through text cost most of a dashboard's time. A dataclass becomes what
    `dataclasses.asdict` would give. Anything unusual (subclasses of the built-in types, keys
    that are not text) still takes the round trip, so the answer is always the same."""
    kind = type(data)
    if data is None or kind in _SCALARS:
        return data
    if kind is dict:
        return {
            k if type(k) is str else _json_key(k): v if type(v) in _LEAVES else _plain(v)
            for k, v in data.items()
        }
    if kind is list or kind is tuple:
        return [item if type(item) in _LEAVES else _plain(item) for item in data]
    # Subclasses (enums among them): JSON writes a text's, a whole number's or a number's
    # own value, and the other containers take the round trip itself.
    if isinstance(data, str):
        return str.__str__(data)
    if isinstance(data, int):
        return int(int.__repr__(data))
    if isinstance(data, float):
        return float(float.__repr__(data))
    if isinstance(data, (list, tuple, dict)):
        return json.loads(json.dumps(data, default=_default))
    if (
        not isinstance(data, (dt.date, set, frozenset))
        and dataclasses.is_dataclass(data)
        and not isinstance(data, type)
    ):
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(data))
        return {name: _plain(getattr(data, name)) for name in names}
    return _plain(_default(data))


def _json_key(key: Any) -> str:
    """A dict key as JSON writes it (`1` -> "1", `True` -> "true"; TypeError otherwise)."""
    converted: str = next(iter(json.loads(json.dumps({key: None}))))
    return converted


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return str(value)


def status_data(status: Any) -> dict[str, Any] | None:
    data = as_data(status)
    return data if isinstance(data, dict) else None


def options_data(options: Any) -> dict[str, Any] | None:
    """The options result as `{"options": [...], "tests_to_consider": [...]}`."""
    data = as_data(options)
    if data is None:
        return None
    if isinstance(data, list):
        return {"options": data, "tests_to_consider": []}
    if isinstance(data, dict):
        data.setdefault("options", [])
        data.setdefault("tests_to_consider", [])
        return data
    return None


def trials_data(trials: Any) -> dict[str, Any] | None:
    """The trials result as `{"matches": [...], ...}`."""
    data = as_data(trials)
    if data is None:
        return None
    if isinstance(data, list):
        return {"matches": data}
    if isinstance(data, dict):
        data.setdefault("matches", [])
        return data
    return None


def text_of(item: Any, *keys: str) -> str | None:
    """The first non-empty text among `keys` of a dict, or the item itself when it is text."""
    if isinstance(item, str):
        return item.strip() or None
    if isinstance(item, dict):
        for key in keys:
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None
