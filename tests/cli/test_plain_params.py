"""Plain text and yes/no parameters are read without a pydantic validator (`cli._params`),
and every one of them gives exactly what Typer's own reader gives, errors included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from nextline.cli import app
from nextline.cli._params import PlainRuntimeParam, plain_params

TEXTS: tuple[Any, ...] = ("hr-positive-esr1", "", "  spaced  ", "Ünïcode ✓", "2024-04-15", b"bytes")
YES_NO: tuple[Any, ...] = (True, False, "true", "no", "1", "off", " yes ", "")
NOT_YES_NO: tuple[Any, ...] = ("maybe", "2")


def _tree() -> tuple[Any, Context]:
    root = typer.main.get_command(app)
    return root, Context(root, info_name="nextline")


def _params(command: Any, ctx: Context) -> Iterator[tuple[str, _TyperParameter]]:
    for param in [*command.params, command.get_help_option(ctx)]:
        if isinstance(param, _TyperParameter):
            yield f"{command.name} {param.name}", param
    for sub in getattr(command, "commands", {}).values():
        yield from _params(sub, ctx)


def _read(reader: Any, value: Any, param: _TyperParameter, ctx: Context) -> Any:
    try:
        return ("value", reader.coerce(value, param=param, ctx=ctx))
    except BadParameter as exc:
        return ("error", exc.format_message())


def test_every_plain_parameter_reads_as_typer_would_and_others_keep_typers_reader() -> None:
    root, ctx = _tree()
    plain_params(root, ctx, deep=True)
    found = {"plain": 0, "typer": 0}
    differ = []
    for name, param in _params(root, ctx):
        descriptor = param.type_descriptor
        reader = param.get_runtime_param()
        plain = descriptor.annotation in (str, bool) and descriptor.parameter_info.parser is None
        if not plain:
            assert not isinstance(reader, PlainRuntimeParam), name
            found["typer"] += 1
            continue
        assert isinstance(reader, PlainRuntimeParam), name
        found["plain"] += 1
        typers = build_runtime_param(descriptor)
        samples = TEXTS if descriptor.annotation is str else YES_NO + NOT_YES_NO
        for value in samples:
            if _read(reader, value, param, ctx) != _read(typers, value, param, ctx):
                differ.append((name, value))
    assert differ == []
    assert found["plain"] > 40  # the walk reached the whole command tree
    assert found["typer"] > 3  # numbers, paths and choices stay with Typer


def test_a_value_of_the_type_is_returned_as_it_is_and_others_are_read_by_typer() -> None:
    root, ctx = _tree()
    status = root.commands["status"]
    plain_params(status, ctx)
    ref = next(p for p in status.params if p.name == "ref")
    assert isinstance(ref, _TyperParameter)
    reader = ref.get_runtime_param()
    text = "hr-positive-esr1"
    assert reader.coerce(text, param=ref, ctx=ctx) is text
    assert reader.coerce(b"caf\xc3\xa9", param=ref, ctx=ctx) == "café"  # Typer's decoding
    assert reader.coerce(None, param=ref, ctx=ctx) is None


def test_a_reader_typer_already_built_is_kept() -> None:
    root, ctx = _tree()
    status = root.commands["status"]
    ref = next(p for p in status.params if p.name == "ref")
    assert isinstance(ref, _TyperParameter)
    built = ref.get_runtime_param()
    plain_params(status, ctx)
    assert ref.get_runtime_param() is built


@pytest.mark.parametrize("group", ["trials", "kb", "admin"])
def test_a_sub_groups_commands_get_plain_readers_when_it_is_resolved(group: str) -> None:
    root, ctx = _tree()
    _name, command, _rest = root.resolve_command(ctx, [group])
    inner = [p for _n, p in _params(command, ctx) if p.type_descriptor.annotation in (str, bool)]
    assert inner != []
    assert all(isinstance(p.get_runtime_param(), PlainRuntimeParam) for p in inner)
