"""A reading command on a stored person imports only what it uses (issue 17): once the
caches are warm, `status`, `options`, `questions` and `show --json` load no database
toolkit, no unit library, no YAML parser, no text reader, no report or chart library, and
do not rebuild the record. Checked by the modules a fresh process imports (`-X importtime`),
never by a time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nextline.examples import EXAMPLE_IDS, example_path

NEVER = (
    "sqlalchemy",  # the store's ORM: the quick sqlite3 read answers
    "alembic",
    "pydantic_settings",
    "pint",  # units come from the knowledge base's factor table
    "yaml",  # the record and the knowledge base come from their caches
    "spacy",  # notes read before come from their kept readings
    "medspacy",
    "weasyprint",
    "matplotlib",
    "rich",  # --json prints JSON only
    "nextline.record.build",  # the normalised record comes from `store.record_cache`
    "nextline.record.parse",
    "nextline.record.export",
)
ALSO_NEVER_FOR_SHOW = ("nextline.assess", "nextline.knowledge.base", "nextline.options")
ALSO_NEVER_FOR_STATUS = (
    "nextline.options",
    "nextline.plan",
    "nextline.knowledge.options_schema",
    "nextline.knowledge.plan_schema",
)
ALSO_NEVER_FOR_OPTIONS = (
    "nextline.assess.status",
    "nextline.assess.red_flags",
    "nextline.assess.symptom_reader",
    "nextline.store.note_readings",
    "nextline.plan",
    "nextline.knowledge.plan_schema",
)
PERSON = "hr-positive-esr1"
READING = {
    "status": ["status", PERSON, "--as-of", "2024-04-15", "--json"],
    "status with a note": ["status", PERSON, "--as-of", "2024-03-25", "--json"],
    "options": ["options", PERSON, "--as-of", "2024-04-15", "--json"],
    "questions": ["questions", PERSON, "--as-of", "2024-04-15", "--json"],
    "show": ["show", PERSON, "--as-of", "2024-04-15", "--json"],
}


def _run(
    args: list[str], home: Path, *, importtime: bool = False
) -> subprocess.CompletedProcess[str]:
    flags = ["-X", "importtime"] if importtime else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    done = subprocess.run(
        [sys.executable, *flags, "-m", "nextline", *args],
        capture_output=True,
        text=True,
        env={**env, "NEXTLINE_HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    return done


def _imported(stderr: str) -> set[str]:
    """Module names from `-X importtime` lines (`import time: self | cumulative | name`)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.fixture(scope="module")
def warm_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    for person in EXAMPLE_IDS:
        _run(["import", str(example_path(person))], home)
    for args in READING.values():
        _run(args, home)  # the first call of each fills the caches
    return home


@pytest.mark.parametrize("command", READING)
def test_a_warm_reading_command_imports_nothing_it_does_not_use(
    command: str, warm_home: Path
) -> None:
    done = _run(READING[command], warm_home, importtime=True)
    imported = _imported(done.stderr)
    assert "nextline.cli" in imported  # the parse of the timing lines works
    assert sorted(imported & set(NEVER)) == []
    if command == "show":  # a timeline needs neither the engines nor the knowledge base
        assert sorted(m for m in imported if m.startswith(ALSO_NEVER_FOR_SHOW)) == []
    if command == "options":  # one module of the assess engine; no plan, no notes
        assert sorted(imported & set(ALSO_NEVER_FOR_OPTIONS)) == []
    if command.startswith("status"):  # nor does `status` read the options' or plan's rules
        assert sorted(imported & set(ALSO_NEVER_FOR_STATUS)) == []
    assert done.stdout.lstrip().startswith("{")
