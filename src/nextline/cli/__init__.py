"""The `nextline` command: a thin layer over the engines (parse, call, render).

Human text by default, `--json` for machines, `--as-of` wherever time matters. Errors from
the `nextline.errors` tree become one clear message on stderr and exit code 1, never a
traceback. Heavy libraries are imported inside the commands so `nextline --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import typer

from nextline.cli import (
    admin_cmds,
    backup_cmds,
    kb_cmds,
    options_cmds,
    plan_cmds,
    record_cmds,
    status_cmds,
    trials_cmds,
    web_cmds,
)
from nextline.cli._group import NextlineGroup

app = typer.Typer(
    cls=NextlineGroup,
    name="nextline",
    help=(
        "Keep the record, see whether the treatment is still working, and prepare for the "
        "next appointment. nextline informs a conversation with your care team; it never decides."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
record_cmds.register(app)
trials_cmds.register(app)
web_cmds.register(app)
plan_cmds.register(app)
status_cmds.register(app)
options_cmds.register(app)
kb_cmds.register(app)
backup_cmds.register(app)
admin_cmds.register(app)


def main() -> None:
    """Entry point of the `nextline` command.

    Pydantic plugins are off for the command (unless the environment already says what to
    do with them): looking for them scans every installed package's metadata on the first
    validation, a cost each call would pay for nothing, and no plugin should see a person's
    record as it is validated. `PYDANTIC_DISABLE_PLUGINS` is pydantic's documented switch;
    with it on, the module that would look for plugins is not even loaded
    (`cli._pydantic_plugins`).

    A command named by the first word is built alone, not with the whole tree
    (`cli._one_command`): same help, errors and results, less start-up. With no word first
    (`nextline --help`) the whole tree answers, and neither helper is imported."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = sys.argv[1:]
    if not argv or argv[0].startswith("-"):
        app()
        return
    from nextline.cli._one_command import one_command_group
    from nextline.cli._pydantic_plugins import plugins_off_loader

    plugins_off_loader()
    group = one_command_group(app, argv)
    if group is None:
        app()
    else:
        group()


__all__ = ["app", "main"]
