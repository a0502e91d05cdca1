"""The CLI reference in docs/ is generated from --help and never drifts (STYLE §10)."""

from __future__ import annotations

from pathlib import Path

from nextline.cli.reference import render_cli_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_the_current_help_of_every_command() -> None:
    assert DOC.read_text(encoding="utf-8") == render_cli_reference(), "run `make docs`"


def test_every_command_has_a_one_line_purpose() -> None:
    text = render_cli_reference()
    sections = text.split("\n## `")[1:]
    missing = [s.split("`")[0] for s in sections if "Usage:" not in s]
    assert missing == []
    assert len(sections) >= 20
