"""The CLI reference in `docs/cli.md`, generated from `--help` (STYLE §10).

`make docs` writes it; a test regenerates it and compares, so the reference never drifts
from the commands. Run as `python -m nextline.cli.reference > docs/cli.md`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import typer
from typer.testing import CliRunner

HEADER = (
    "# CLI reference\n\n"
    "Generated from `nextline --help` by `make docs`; do not edit by hand.\n"
    "Every command that reads a record accepts a stored id or a patient file path.\n"
)


def _commands(group: Any, prefix: list[str]) -> Iterator[list[str]]:
    # duck-typed: Typer ships its own copy of click, so isinstance checks against click fail
    for name in sorted(group.commands):
        command = group.commands[name]
        if command.hidden:
            continue
        yield [*prefix, name]
        if hasattr(command, "commands"):
            yield from _commands(command, [*prefix, name])


def render_cli_reference() -> str:
    """Every command's `--help`, in a fixed width, as Markdown."""
    from nextline.cli import app

    env = {
        "COLUMNS": "100",
        "TERMINAL_WIDTH": "100",
        "NO_COLOR": "1",
        "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    }
    runner = CliRunner()
    root = typer.main.get_command(app)
    parts = [HEADER]
    for path in [[], *_commands(root, [])]:
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            result = runner.invoke(app, [*path, "--help"], env=env)
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        title = " ".join(["nextline", *path])
        lines = [line.rstrip() for line in result.stdout.splitlines()]
        parts.append(f"\n## `{title}`\n\n```text\n" + "\n".join(lines).strip("\n") + "\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render_cli_reference(), end="")
