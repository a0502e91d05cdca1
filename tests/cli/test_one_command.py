"""`nextline WORD ...` builds only the command WORD names (`cli._one_command`), and what a
person sees is the same as from the whole tree: every command's and group's help, a usage
error, a run; words that name no command go to the whole tree."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from nextline.cli import app
from nextline.cli._one_command import _command_names, one_command_group
from nextline.examples import example_path

runner = CliRunner()
NAMES = sorted(name for _kind, name, _info in _command_names(app))


def _invoke_group(group: Any, args: list[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `group` as the CLI runner runs `app` (same streams, same terminal width)."""
    with monkeypatch.context() as patched:
        patched.setattr(typer.testing, "_get_command", lambda _app: group)
        return runner.invoke(app, args)


def _both(args: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, str]]:
    group = one_command_group(app, args)
    assert group is not None, args
    for result in (runner.invoke(app, args), _invoke_group(group, args, monkeypatch)):
        yield result.exit_code, result.output


def test_every_top_level_name_is_found_and_holds_only_its_command() -> None:
    assert sorted(typer.main.get_command(app).commands) == NAMES  # every one, as Typer names it
    assert {"status", "options", "questions", "show", "trials", "kb"} <= set(NAMES)
    for name in NAMES:
        group = one_command_group(app, [name, "--help"])
        assert group is not None, name
        assert sorted(group.commands) == [name]
        assert type(group) is type(typer.main.get_command(app))


@pytest.mark.parametrize("name", NAMES)
def test_help_and_a_usage_error_are_the_same_as_from_the_whole_tree(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in ([name, "--help"], [name, "--no-such-option"]):
        whole, single = _both(args, monkeypatch)
        assert single == whole, args
    assert whole[0] == 2 and "--no-such-option" in whole[1]


@pytest.mark.parametrize("group", ["trials", "kb", "admin"])
def test_a_sub_groups_commands_help_is_the_same(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = one_command_group(app, [group])
    assert built is not None
    for sub in sorted(built.commands[group].commands):
        whole, single = _both([group, sub, "--help"], monkeypatch)
        assert single == whole, sub


def test_a_run_gives_the_same_output(monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(example_path("hr-positive-esr1"))
    for args in (
        ["status", path, "--as-of", "2024-03-25", "--json"],
        ["show", path, "--as-of", "2024-04-15"],
        ["status", "nobody-stored", "--json"],  # an error from the engine's edge
    ):
        whole, single = _both(args, monkeypatch)
        assert single == whole, args
    assert whole[0] == 1 and "nobody-stored" in whole[1]


@pytest.mark.parametrize(
    "argv", [[], ["--help"], ["statu"], ["STATUS"], ["trial"], ["-x", "status"]]
)
def test_anything_but_an_exact_command_name_goes_to_the_whole_tree(argv: list[str]) -> None:
    assert one_command_group(app, argv) is None


def test_the_installed_command_takes_the_single_command_path() -> None:
    code = (
        "import sys\n"
        "import typer.main\n"
        "built = []\n"
        "real = typer.main.get_group\n"
        "typer.main.get_group = lambda t: built.append(len(t.registered_commands)) or real(t)\n"
        "sys.argv = ['nextline', 'kb', '--help']\n"
        "from nextline.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('built', built, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "built [0]" in done.stderr  # the root held no command of its own: just `kb`
    assert "kb" in done.stdout
