"""The `nextline` command: a thin layer over the engines (parse, call, render).

Human text by default, `--json` for machines, `--as-of` wherever time matters. Errors from
the `nextline.errors` tree become one clear message on stderr and exit code 1, never a
traceback. Heavy libraries are imported inside the commands so `nextline --help` stays fast.
"""

from __future__ import annotations

import sys

import typer

from nextline.cli import record_cmds

app = typer.Typer(
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


def main() -> None:
    """Entry point: run the app and turn nextline errors into a message and exit code 1."""
    from nextline.errors import NextlineError

    try:
        app()
    except NextlineError as exc:
        sys.stderr.write(f"nextline: {exc}\n")
        sys.exit(1)


__all__ = ["app", "main"]
