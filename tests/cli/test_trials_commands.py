"""The trials catalog commands: sync, load, show, search, info."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nextline.cli import app
from tests.trials.ctgov_server import breast_studies, serve

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "trials" / "fixtures"


def test_info_names_the_bundled_catalog_until_something_is_loaded() -> None:
    result = runner.invoke(app, ["trials", "info", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "source": "ClinicalTrials.gov snapshot of 2026-01-05 (bundled)",
        "trials": 1359,
        "updated": "2026-01-05",
    }


def test_show_prints_the_study_plainly_with_its_criteria() -> None:
    result = runner.invoke(app, ["trials", "show", "nct05696626"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "NCT05696626 · https://clinicaltrials.gov/study/NCT05696626" in lines
    assert "Status: recruiting" in lines
    assert "Phase: phase 3" in lines
    assert "Conditions: Metastatic Breast Cancer" in lines
    assert "Who can join" in lines
    assert "Who cannot join" in lines
    assert "Only the study team can say whether someone can join. Ask your care team." in lines


def test_show_json_gives_the_trial_fields_and_url() -> None:
    result = runner.invoke(app, ["trials", "show", "NCT05696626", "--json"])
    data = json.loads(result.stdout)
    assert (data["nct_id"], data["status"], data["phases"], data["url"]) == (
        "NCT05696626",
        "RECRUITING",
        ["PHASE3"],
        "https://clinicaltrials.gov/study/NCT05696626",
    )
    assert data["eligibility_text"].startswith("Inclusion Criteria:")
    assert {c["section"] for c in data["criteria"]} == {"inclusion", "exclusion"}


def test_show_gives_each_criterion_with_what_nextline_read_in_it() -> None:
    result = runner.invoke(app, ["trials", "show", "NCT06732336"])
    out = result.stdout.replace("\n", " ")
    assert "- HER2-low metastatic breast cancer;     read as: HER2 low" in out
    assert "read as: not read by nextline: ask the study team" in out


def test_show_unknown_trial_is_one_clear_line() -> None:
    result = runner.invoke(app, ["trials", "show", "NCT00000000"])
    assert result.exit_code == 1
    assert result.stderr == "nextline: no trial with id 'NCT00000000'\n"


def test_load_stores_a_legacy_xml_file_and_the_catalog_switches_to_it() -> None:
    result = runner.invoke(
        app, ["trials", "load", str(FIXTURES / "legacy_NCT05382364.xml"), "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "file": str(FIXTURES / "legacy_NCT05382364.xml"),
        "trials": 1,
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "catalog_trials": 1,
    }
    info = json.loads(runner.invoke(app, ["trials", "info", "--json"]).stdout)
    assert info == {"source": "file legacy_NCT05382364.xml", "trials": 1, "updated": None}
    shown = runner.invoke(app, ["trials", "show", "NCT05382364"])
    assert "Status: active not recruiting" in shown.stdout.splitlines()


def test_load_of_a_bad_file_names_the_problem_and_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = (FIXTURES / "snapshot_3.jsonl").read_text().splitlines()
    bad.write_text(good[0] + "\n" + good[1].replace('"Recruiting"', '"Open"') + "\n")
    result = runner.invoke(app, ["trials", "load", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == (
        "nextline: bad.jsonl: 1 problem; nothing was stored\n"
        "  error: line 2.status: unknown recruitment status 'Open'\n"
    )
    info = json.loads(runner.invoke(app, ["trials", "info", "--json"]).stdout)
    assert info["trials"] == 1359  # still the bundled catalog: nothing was stored


def test_search_json_lists_matching_trials() -> None:
    result = runner.invoke(
        app, ["trials", "search", "lasofoxifene abemaciclib", "--all-words", "--json"]
    )
    data = json.loads(result.stdout)
    assert data["hits"][0]["nct_id"] == "NCT05696626"
    assert data["catalog"]["trials"] == 1359


def test_sync_against_a_local_server_reports_counts() -> None:
    with serve(breast_studies(12)) as server:
        result = runner.invoke(
            app,
            ["trials", "sync", "--base-url", server.base_url, "--page-size", "5", "--json"],
        )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("pages", "studies", "added", "resumed", "catalog_trials")} == {
        "pages": 3,
        "studies": 12,
        "added": 12,
        "resumed": False,
        "catalog_trials": 12,
    }


def test_sync_failure_is_one_clear_line() -> None:
    with serve([]) as server:
        server.script = [("status", 404, {})]
        result = runner.invoke(app, ["trials", "sync", "--base-url", server.base_url])
    assert result.exit_code == 1
    assert result.stderr == (
        'nextline: the API refused the request (404): {"message": "scripted failure"}\n'
    )


def test_search_uses_the_store_index_once_trials_are_stored() -> None:
    runner.invoke(app, ["trials", "load", str(FIXTURES / "snapshot_3.jsonl")])
    result = runner.invoke(app, ["trials", "search", "lasofoxifene", "--json"])
    data = json.loads(result.stdout)
    assert data["catalog"] == {"source": "file snapshot_3.jsonl", "trials": 3, "updated": None}
    assert [h["nct_id"] for h in data["hits"]] == ["NCT05696626"]
    text = runner.invoke(app, ["trials", "search", "nothing-like-this-anywhere"])
    assert text.stdout == "No study in the catalog mentions that.\n"
