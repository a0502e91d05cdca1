"""The command line as a group holding only the command it names (`nextline status ...`).

Why: Typer builds every command of the tree (each parameter of some forty commands) before
it reads the first word, and that cost a reading command such as `nextline status` about a
sixth of `nextline --help`'s whole time, for commands it never runs. When the first word
names one top-level command or sub-group exactly, `one_command_group` builds the same root
group (same class, settings, name and help) holding only that one; usage lines, help
pages, errors and results are the same, because Click only ever reaches that command.
Anything else (no word, an option first, a word that names no command or only part of one)
gets `None`, and the caller runs the whole tree, which lists or suggests commands.
`tests/cli/test_one_command.py` holds both equal for every command's help, a usage error
and a run.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import typer
import typer.main


def _command_names(root: typer.Typer) -> list[tuple[str, str, Any]]:
    """(kind, name, info) of each top-level command and sub-group, named as Typer names
    them; an entry whose name is not plain text here is listed under an empty name."""
    found: list[tuple[str, str, Any]] = []
    for command in root.registered_commands:
        name = command.name
        if name is None and command.callback is not None:
            name = typer.main.get_command_name(command.callback.__name__)
        found.append(("command", name if isinstance(name, str) else "", command))
    for group in root.registered_groups:
        name = group.name
        if not isinstance(name, str) and group.typer_instance is not None:
            name = group.typer_instance.info.name
        found.append(("group", name if isinstance(name, str) else "", group))
    return found


def one_command_group(root: typer.Typer, argv: Sequence[str]) -> Any | None:
    """The Click group of `root` with only the command `argv[0]` names, or None when the
    whole tree must answer (see the module docstring)."""
    if not argv or argv[0].startswith("-"):
        return None
    entries = _command_names(root)
    if any(name == "" for _kind, name, _info in entries):
        return None  # a name only Typer can work out: let it build everything
    wanted = [(kind, info) for kind, name, info in entries if name == argv[0]]
    if len(wanted) != 1:
        return None
    kind, info = wanted[0]
    single = copy.copy(root)
    single.registered_commands = [info] if kind == "command" else []
    single.registered_groups = [info] if kind == "group" else []
    return typer.main.get_group(single)
