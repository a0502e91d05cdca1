"""`nextline status --json` writes a status without building a pydantic validator
(`cli._plain_json`), and the data is exactly `assess.status_json`'s: on the examples at
dates across their histories and on invented people of both engine benches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from nextline.assess import Status, assess_status, status_json
from nextline.cli import app
from nextline.cli._plain_json import NotPlain, plain_data
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from tests.bench_scripts import load_bench

runner = CliRunner()


def _engine_digest() -> types.ModuleType:
    module = load_bench("engine_digest.py")
    return module


def _people(kb: Knowledge) -> list[tuple[str, PatientRecord, dt.date]]:
    digest = _engine_digest()
    people: list[tuple[str, PatientRecord, dt.date]] = list(digest.example_items(kb))
    assess_day, options_day = digest.bench_assess.AS_OF, digest.bench_options.AS_OF
    for i, record in enumerate(digest.assess_bench_records(kb, 12)):
        people.append((f"assess-{i}", record, assess_day))
    for i, record in enumerate(digest.options_bench_records(kb, 12)):
        people.append((f"options-{i}", record, options_day))
    return people


def test_plain_data_of_a_status_is_the_engines_json_for_every_person(kb: Knowledge) -> None:
    people = _people(kb)
    differ = []
    for name, record, day in people:
        result = assess_status(record, kb, day)
        ours = json.dumps(plain_data(result), ensure_ascii=False)
        if ours != json.dumps(status_json(result), ensure_ascii=False):  # key order too
            differ.append(name)
    assert differ == []
    assert len(people) > 80


def _leaf_types(kind: Any, seen: set[type]) -> set[Any]:
    """Every type a field of `kind` (a dataclass) can hold, through tuples and unions."""
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        return {type(arg) for arg in typing.get_args(kind)}
    if origin is not None:
        args = [a for a in typing.get_args(kind) if a is not Ellipsis]
        return {origin} | set().union(*(_leaf_types(a, seen) for a in args))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if kind in seen:
            return set()
        seen.add(kind)
        hints = typing.get_type_hints(kind)
        found: set[Any] = {"dataclass"}
        for field in dataclasses.fields(kind):
            found |= _leaf_types(hints[field.name], seen)
        return found
    return {kind}


def test_every_field_type_of_a_status_is_one_plain_data_writes_itself() -> None:
    written = {"dataclass", str, int, float, bool, type(None), dt.date, tuple, list}
    written |= {types.UnionType, typing.Union}
    gaps = _leaf_types(Status, set()) - written
    assert sorted(map(str, gaps)) == []  # a new kind of field: teach `plain_data`, or it falls back


class _Colour(enum.Enum):
    RED = "red"


class _Text(str):
    pass


class _Model(BaseModel):
    x: int = 1


@dataclasses.dataclass
class _Holder:
    value: Any


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 1, 1, 12, 0),
        _Colour.RED,
        _Text("x"),
        _Model(),
        float("inf"),
        float("nan"),
        {1: "a"},
        {"a", "b"},
        frozenset({"a"}),
        b"bytes",
    ],
    ids=lambda v: type(v).__name__,
)
def test_anything_else_is_left_to_the_engines_converter(value: Any) -> None:
    with pytest.raises(NotPlain):
        plain_data(_Holder(value))


def test_plain_values_are_written_as_pydantic_writes_them() -> None:
    holder = _Holder((dt.date(2024, 2, 29), [1, 2.5, None, True], {"k": ("a",)}))
    assert plain_data(holder) == {"value": ["2024-02-29", [1, 2.5, None, True], {"k": ["a"]}]}


def test_the_command_falls_back_to_the_engine_when_a_status_is_not_plain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for example in EXAMPLE_IDS:
        assert runner.invoke(app, ["import", str(example_path(example))]).exit_code == 0
    args = ["status", "hr-positive-esr1", "--as-of", "2024-03-25", "--json"]
    plain = runner.invoke(app, args)

    def refuse(_value: object) -> object:
        raise NotPlain("not today")

    monkeypatch.setattr("nextline.cli._plain_json.plain_data", refuse)
    fallback = runner.invoke(app, args)
    assert plain.exit_code == fallback.exit_code == 0
    assert plain.stdout == fallback.stdout
    assert json.loads(plain.stdout)["evidence"] != []
