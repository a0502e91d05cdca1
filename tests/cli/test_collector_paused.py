"""The commands that read one person and exit (`trials match` too) run without the cycle
collector; every other command (the web app, sync, re-match, import, restore, help) keeps
it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nextline.cli import ONE_PERSON_COMMANDS, collector_paused_for


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "someone", "--json"],
        ["questions", "someone"],
        ["report", "someone", "-o", "x.pdf"],
        ["show", "someone"],
        ["options", "someone"],
        ["brief", "someone"],
        ["trials", "match", "someone", "--json"],
    ],
)
def test_one_person_commands_pause_it(argv: list[str]) -> None:
    assert collector_paused_for(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["web"],
        ["trials", "rematch"],
        ["trials", "sync"],
        ["import", "file.yaml"],
        ["restore", "backup.tar"],
        ["kb", "options"],  # a sub-command named like a reading command
        ["match", "someone"],  # `match` alone is no command
        ["trials"],
        ["trials", "search", "breast"],
        ["someone", "status"],
        ["Status", "someone"],
    ],
)
def test_other_commands_keep_it(argv: list[str]) -> None:
    assert not collector_paused_for(argv)


def test_the_listed_commands_exist() -> None:
    from nextline.cli import app

    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert names >= ONE_PERSON_COMMANDS


def test_a_reading_command_runs_with_it_off_and_help_with_it_on() -> None:
    code = (
        "import gc, sys, atexit\n"
        "atexit.register(lambda: print('collector', gc.isenabled(), file=sys.stderr))\n"
        "sys.argv = ['nextline'] + sys.argv[1:]\n"
        "from nextline.cli import main\n"
        "main()\n"
    )
    ran = [
        subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
        for args in (["status", "--help"], ["trials", "match", "--help"], ["--help"])
    ]
    assert "collector False" in ran[0].stderr
    assert "collector False" in ran[1].stderr
    assert "collector True" in ran[2].stderr
