"""Plain text and yes/no options read without building a pydantic validator for each.

Why: Typer turns every parameter's value into its annotated type with a pydantic
`TypeAdapter` it builds on first use, even for a plain `str` or `bool` whose value the
command line already gives as that type. Building those adapters (and, with the first one,
pydantic's plugin loader and `importlib.metadata`) cost a reading command such as `nextline
status` about a tenth of its time, for values it then returns unchanged.

`plain_params(command, ctx)` gives each `str` and `bool` parameter of `command` (and of the
commands under it, and their `--help` options) a runtime reader that returns a value which
is already of that type as it is, which is exactly what Typer's adapter does with it
(`typer._adapters`: `str(value)` of a text, pydantic's `bool` of a bool). Any other value (a
byte string, a text for a yes/no option from the environment) goes to Typer's own reader,
built then, so its meaning and its error messages are Typer's. Parameters of other types
(numbers, paths, choices, files, or with their own parser) are left to Typer.

This leans on Typer's internals (`typer._coercion.RuntimeParam`, a parameter's
`type_descriptor` and `_runtime_param`). When they are not there (another Typer version),
nothing is changed and Typer reads every value itself: slower, never different.
`tests/cli/test_plain_params.py` holds both readers equal on every parameter of the CLI.
"""

from __future__ import annotations

from typing import Any

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - another Typer: leave every parameter to it
    RuntimeParam = None  # type: ignore[assignment,misc]

PLAIN_TYPES = (str, bool)

if RuntimeParam is not None:

    class PlainRuntimeParam(RuntimeParam):
        """A value already of the annotated type as it is; anything else read by Typer."""

        def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Any) -> Any:
            if type(value) is self.annotation:
                return value
            typer_reader = build_runtime_param(param.type_descriptor)
            return typer_reader._coerce_value(value, param=param, ctx=ctx)


def _plain(param: object) -> None:
    """Give one parameter the plain reader when it is a plain `str` or `bool` one."""
    if RuntimeParam is None or not isinstance(param, _TyperParameter):
        return
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
        return  # not Typer's usual shape, or its reader is already built
    annotation = descriptor.annotation
    info = descriptor.parameter_info
    if annotation not in PLAIN_TYPES or descriptor.file_annotation is not None:
        return
    if getattr(info, "parser", None) is not None:
        return  # its own parser decides what the text means
    param._runtime_param = PlainRuntimeParam(parameter_info=info, annotation=annotation)


def plain_params(command: Any, ctx: Any, *, deep: bool = False) -> None:
    """Plain readers for `command`'s parameters and its `--help` option and, when `deep`,
    the same for every command under it. A help option is made ahead as Click makes it on
    first use (the same object, kept on the command), only where the command does not name
    its own help options: then the names are the ones its context would inherit."""
    if RuntimeParam is None:
        return
    for param in getattr(command, "params", ()):
        _plain(param)
    settings = getattr(command, "context_settings", None) or {}
    get_help = getattr(command, "get_help_option", None)
    if callable(get_help) and "help_option_names" not in settings:
        _plain(get_help(ctx))
    if deep:
        for sub in getattr(command, "commands", {}).values():
            plain_params(sub, ctx, deep=True)
