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


@pytest.mark.parametrize(
    ("person", "dashboard", "read_as"),
    [
        ("hr-positive-esr1", "HER2-low (tested", "Read as: HR-positive, HER2-low;"),
        ("triple-negative-brca", "HER2-zero (tested", "Read as: HR-negative, HER2-zero"),
        ("her2-positive-brain", "HER2-positive (tested", "Read as: HR-negative, HER2-positive;"),
    ],
)
def test_her2_is_named_in_plain_words_on_the_dashboard_and_options(
    client, person: str, dashboard: str, read_as: str
) -> None:
    html = client.get(f"/people/{person}").text
    options = client.get(f"/people/{person}/options").text
    assert dashboard in html
    assert read_as in options
    for page in (html, options):
        assert "unspecified" not in page
        assert "her2 negative" not in page.lower()


def test_a_her2_negative_without_its_score_says_what_is_not_known(client) -> None:
    from tests.web.conftest import csrf

    response = client.post(
        "/people/hr-positive-esr1/add/tumor-test",
        data={"csrf_token": csrf(client), "date": "2025-05-30", "her2.result": "negative"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    html = client.get("/people/hr-positive-esr1").text
    assert "HER2-negative (low, ultralow or zero not known)" in html
