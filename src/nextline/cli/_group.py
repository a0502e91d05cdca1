"""The `nextline` command group: one error rule for every command, plain parameter reading.

Why a module of its own: the group class is shared by the root command and is what the
tests' runner invokes, so what it does holds under `CliRunner` as well as from `main`.
"""

from __future__ import annotations

import sys
from typing import Any

from typer.core import TyperGroup

from nextline.cli._params import plain_params


class NextlineGroup(TyperGroup):
    """Turns a `NextlineError` into one line on stderr and exit code 1, for every command
    (and under the test runner too, which bypasses `main`), and reads plain text and yes/no
    parameters without building a validator for each (`cli._params`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        plain_params(self, ctx)
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        resolved = super().resolve_command(ctx, args)
        command = resolved[1]
        if command is not None:
            plain_params(command, ctx, deep=True)  # a sub-group's commands too
        return resolved

    def invoke(self, ctx: Any) -> Any:
        from nextline.errors import NextlineError

        try:
            return super().invoke(ctx)
        except NextlineError as exc:
            sys.stderr.write(f"nextline: {exc}\n")
            ctx.exit(1)
        except OSError as exc:  # a full disk, a file that cannot be read or written
            where = f" ({exc.filename})" if exc.filename else ""
            sys.stderr.write(f"nextline: {exc.strerror or exc}{where}; nothing was written\n")
            ctx.exit(1)
        finally:
            if "nextline.store.note_readings" in sys.modules:
                from nextline.store.note_readings import flush

                flush()  # keep the notes this command read (`cli._common.load`)
