"""`nextline trials match`: the --json contract, --all, --near/--within, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nextline.cli import trials_match_cmd
from nextline.examples import example_path
from nextline.schemas import SCHEMA_DIR, render, trials_match_schema
from nextline.trials.match_contract import MatchReport
from nextline.trials.models import Site, Trial
from tests.trials.conftest import serve_catalog


def _app() -> typer.Typer:
    app = typer.Typer()
    trials = typer.Typer()
    trials_match_cmd.register(trials)

    @trials.command()
    def info() -> None:  # a second command keeps `trials` a group
        """unused"""

    app.add_typer(trials, name="trials")
    return app


@pytest.fixture()
def small_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three trials in place of the bundled catalog (fast, and exact)."""
    from nextline.trials import catalog as catalog_module

    trials = [
        Trial(
            nct_id="NCT00000011",
            title="HR+/HER2- metastatic breast cancer after CDK4/6",
            conditions=["Metastatic Breast Cancer"],
            status="RECRUITING",
            phases=["PHASE3"],
            eligibility_text="Inclusion Criteria:\n* HR+/HER2- breast cancer\n"
            "* Progression on a prior CDK4/6 inhibitor\n",
            sites=[
                Site(
                    facility="Penn",
                    city="Philadelphia",
                    country="United States",
                    latitude=39.95,
                    longitude=-75.19,
                )
            ],
        ),
        Trial(
            nct_id="NCT00000012",
            title="Triple-negative breast cancer study",
            conditions=["Triple Negative Breast Cancer"],
            status="RECRUITING",
            phases=["PHASE2"],
            eligibility_text="Inclusion Criteria:\n* TNBC\n",
            sites=[
                Site(
                    facility="UCSF",
                    city="San Francisco",
                    country="United States",
                    latitude=37.76,
                    longitude=-122.46,
                )
            ],
        ),
        Trial(
            nct_id="NCT00000013",
            title="ESR1-mutant breast cancer",
            conditions=["Breast Cancer"],
            status="NOT_YET_RECRUITING",
            phases=["PHASE1"],
            eligibility_text="Inclusion Criteria:\n* HR-positive breast cancer\n"
            "* Documented PIK3CA mutation\n",
            sites=[Site(country="United States")],
        ),
    ]
    catalog = catalog_module.Catalog(trials, "test catalog", None)
    serve_catalog(monkeypatch, catalog)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["trials", "match", *args])
    return result.exit_code, result.output


def test_json_contract(small_catalog: None) -> None:
    code, out = _run(str(example_path("hr-positive-esr1")), "--json", "--as-of", "2024-04-15")
    assert code == 0, out
    data = json.loads(out)
    MatchReport.model_validate(data)  # the committed schema's model
    assert (data["patient"], data["as_of"]) == ("hr-positive-esr1", "2024-04-15")
    assert data["catalog"] == {"source": "test catalog", "trials": 3, "updated": None}
    assert [(m["nct_id"], m["verdict"]) for m in data["matches"]] == [
        ("NCT00000011", "likely_eligible")
    ]
    first = data["matches"][0]
    assert first["sites"] == [
        {"facility": "Penn", "city": "Philadelphia", "country": "United States", "distance_km": 1.5}
    ]
    cdk = next(c for c in first["criteria"] if c["text"].startswith("Progression"))
    assert cdk == {
        "text": "Progression on a prior CDK4/6 inhibitor",
        "section": "inclusion",
        "type": "prior_therapy",
        "verdict": "met",
        "evidence": {
            "path": "therapies[4]",
            "detail": "letrozole, palbociclib, 2021-06-15 to 2024-03-28",
        },
    }


def test_all_adds_the_trials_that_do_not_fit_with_reasons(small_catalog: None) -> None:
    code, out = _run(
        str(example_path("hr-positive-esr1")), "--json", "--all", "--as-of", "2024-04-15"
    )
    assert code == 0, out
    matches = {m["nct_id"]: m for m in json.loads(out)["matches"]}
    assert matches["NCT00000012"]["verdict"] == "likely_ineligible"
    assert matches["NCT00000012"]["reasons"] == [
        "Not met: Study title: Triple-negative breast cancer study (ER positive, PR positive, "
        "HER2 low)",
        "Not met: Breast cancer studied: Triple Negative Breast Cancer (ER positive, PR "
        "positive, HER2 low)",
        "Not met: TNBC (ER positive, PR positive, HER2 low)",
    ]
    assert matches["NCT00000013"]["reasons"] == [
        "Not met: Documented PIK3CA mutation (no PIK3CA alteration found)"
    ]


def test_near_and_within_filter_by_distance(small_catalog: None) -> None:
    code, out = _run(
        str(example_path("triple-negative-brca")),
        "--json",
        "--as-of",
        "2024-08-25",
        "--near",
        "Boston, MA",
        "--within",
        "500",
    )
    assert code == 0, out
    assert json.loads(out)["matches"] == []
    code, out = _run(
        str(example_path("triple-negative-brca")),
        "--json",
        "--as-of",
        "2024-08-25",
        "--near",
        "94110",
    )
    assert [m["nct_id"] for m in json.loads(out)["matches"]] == ["NCT00000012"]


def test_an_unknown_place_is_a_clear_error(small_catalog: None) -> None:
    result = CliRunner().invoke(
        _app(),
        [
            "trials",
            "match",
            str(example_path("triple-negative-brca")),
            "--near",
            "Nowhereville, Atlantis",
        ],
    )
    assert result.exit_code == 1
    assert "--near: 'Nowhereville, Atlantis' is not a place nextline knows offline" in str(
        result.exception
    )


def test_text_output_says_who_decides(small_catalog: None) -> None:
    code, out = _run(str(example_path("hr-positive-esr1")), "--as-of", "2024-04-15")
    assert code == 0, out
    assert "NCT00000011" in out
    assert "Only the study team can say whether" in out


def test_parsed_criteria_are_cached_in_the_data_folder(small_catalog: None, tmp_path: Path) -> None:
    _run(str(example_path("hr-positive-esr1")), "--json", "--as-of", "2024-04-15")
    from nextline.trials.eligibility import PARSER_VERSION

    assert (tmp_path / "home" / f"trial-criteria-v{PARSER_VERSION}.json.gz").is_file()


def test_committed_schema_matches_the_model() -> None:
    committed = (SCHEMA_DIR / "trials.schema.json").read_text(encoding="utf-8")
    assert committed == render(trials_match_schema())
