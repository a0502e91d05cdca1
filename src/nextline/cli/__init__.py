"""The `nextline` command: a thin layer over the engines (parse, call, render).

Human text by default, `--json` for machines, `--as-of` wherever time matters. Errors from
the `nextline.errors` tree become one clear message on stderr and exit code 1, never a
traceback. Heavy libraries are imported inside the commands so `nextline --help` stays fast.
"""

from __future__ import annotations

import gc
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
    (`nextline --help`) the whole tree answers, and neither helper is imported.

    The commands that read one person and exit (`ONE_PERSON_COMMANDS`) run without Python's
    cycle collector (`collector_paused_for`)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = sys.argv[1:]
    if not argv or argv[0].startswith("-"):
        app()
        return
    if collector_paused_for(argv):
        gc.disable()
    from nextline.cli._one_command import one_command_group
    from nextline.cli._pydantic_plugins import plugins_off_loader

    plugins_off_loader()
    group = one_command_group(app, argv)
    if group is None:
        app()
    else:
        group()


# Commands that read one stored person, print or write one answer and exit.
ONE_PERSON_COMMANDS = frozenset({"status", "options", "questions", "brief", "show", "report"})
# The same kind of command inside a group: `trials match` reads one person against the
# catalog kept on disk; with the collector on it runs about 190 collections (about 65 ms),
# and the command took 5-9 % less CPU without it in paired runs.
ONE_PERSON_SUBCOMMANDS = frozenset({("trials", "match")})


def collector_paused_for(argv: list[str]) -> bool:
    """Whether the command `argv` names runs with Python's cycle collector off.

    Why: such a command makes a few hundred thousand objects in under a second (the
    pydantic model classes and the pickled knowledge base read back, the record, the
    engines' results, a report's layout) and the collector runs about a hundred times,
    walking them again and again, to free almost nothing: reference counting frees nearly
    everything at once, and what a cycle holds (a few MB for a report) goes when the
    process exits, a second later. Measured at 7-10 % of `nextline questions`' CPU. Only
    these one-person, one-answer commands (and `trials match`, `ONE_PERSON_SUBCOMMANDS`):
    the web app, a sync, a re-match, an import or a restore run long or over many records,
    and keep the collector."""
    if not argv:
        return False
    return argv[0] in ONE_PERSON_COMMANDS or tuple(argv[:2]) in ONE_PERSON_SUBCOMMANDS


__all__ = ["ONE_PERSON_COMMANDS", "ONE_PERSON_SUBCOMMANDS", "app", "collector_paused_for", "main"]
