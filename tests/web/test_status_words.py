"""One name for each overall status, the same on the dashboard, in the CLI and on the PDF."""

from __future__ import annotations

import datetime as dt
import re
import typing

import pytest
from typer.testing import CliRunner

from nextline.assess.status import Overall
from nextline.assess.status_words import OVERALL_WORDS, overall_words
from nextline.cli import app
from nextline.examples import example_path
from nextline.knowledge import load_knowledge
from nextline.plan import build_briefing
from nextline.record import load_record
from nextline.report.context import build_context


def test_every_overall_value_has_its_words() -> None:
    assert set(OVERALL_WORDS) == set(typing.get_args(Overall))
    assert overall_words("not_working") == "probably not working"
    assert overall_words("not_working", capital=True) == "Probably not working"
    assert overall_words("something_new") == "something_new"


@pytest.mark.parametrize(
    ("person", "day", "expected"),
    [
        ("hr-positive-esr1", "2025-06-01", "No treatment running now"),
        ("triple-negative-brca", "2024-08-20", "No treatment running now"),
    ],
)
def test_the_cli_and_the_pdf_say_the_same_words(person: str, day: str, expected: str) -> None:
    kb = load_knowledge()
    as_of = dt.date.fromisoformat(day)
    record = load_record(example_path(person), kb, as_of)
    briefing = build_briefing(record, kb, as_of, trials=None)
    words = build_context(record, kb, briefing).status_words
    assert words == overall_words(str(briefing.status["overall"]), capital=True) == expected
    result = CliRunner().invoke(app, ["status", str(example_path(person)), "--as-of", day])
    assert result.exit_code == 0
    assert f"{words} —" in result.stdout


@pytest.mark.parametrize("person", ["hr-positive-esr1", "her2-positive-brain"])
def test_the_dashboard_says_the_same_words(client, person: str) -> None:
    html = client.get(f"/people/{person}").text
    found = re.findall(r'data-overall="([a-z_]+)">([^<]+)</span>', html)
    assert len(found) == 1
    overall, shown = found[0]
    assert shown == overall_words(overall, capital=True)
