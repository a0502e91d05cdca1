"""The trials page: matches over the stored catalog with distance and phase filters, each
criterion answered with its reason; read once per app, in the background, never online."""

from __future__ import annotations

import re

import pytest

from nextline.trials.matching import match_trials
from tests.web.conftest import AS_OF, MARIA, small_catalog


@pytest.fixture
def ready(app):
    app.state.web.trial_catalog(app.state.web.kb)  # read the catalog now, not in the background
    return app


def _expected(app, **kwargs):
    from nextline.record import build_record

    state = app.state.web
    record = build_record(state.store.get(MARIA), state.kb, AS_OF)
    return match_trials(record, state.kb, list(small_catalog()), AS_OF, **kwargs)


def _ids(html: str) -> list[str]:
    return re.findall(r'<article class="card trial" id="(NCT[0-9]+)">', html)


def test_the_page_lists_the_matches_in_the_engines_order(ready, client) -> None:
    html = client.get(f"/people/{MARIA}/trials").text
    assert _ids(html) == [m.trial.nct_id for m in _expected(ready)]
    assert "from test snapshot, updated 1 Jun 2025" in html


def test_ineligible_trials_show_why(ready, client) -> None:
    matches = _expected(ready, include_ineligible=True)
    html = client.get(f"/people/{MARIA}/trials?include_ineligible=true").text
    assert _ids(html) == [m.trial.nct_id for m in matches]
    ineligible = [m for m in matches if m.verdict == "likely_ineligible"]
    assert ineligible, "the small catalog holds at least one trial that does not fit Maria"
    for match in ineligible:
        article = html[html.index(f'id="{match.trial.nct_id}"') :]
        article = article[: article.index("</article>")]
        assert "Likely does not fit" in article
        assert "<strong>Why it likely does not fit:</strong>" in article


def test_each_criterion_is_shown_with_its_answer(ready, client) -> None:
    match = _expected(ready)[0]
    html = client.get(f"/people/{MARIA}/trials").text
    article = html[html.index(f'id="{match.trial.nct_id}"') :]
    article = article[: article.index("</article>")]
    assert f"Each criterion, checked against the record ({len(match.criteria)})" in article
    answers = re.findall(r'<li class="criterion-(met|not-met|unknown)">', article)
    assert answers == [c.verdict.replace("_", "-") for c in match.criteria]
    for item in match.to_find_out:
        assert f"<li>{item}</li>" in article.replace("&#39;", "'")


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("PHASE3", ["NCT04862663"]),
        ("PHASE2", ["NCT04585750", "NCT01174121"]),
        ("PHASE1", ["NCT04585750", "NCT04119024"]),
    ],
)
def test_the_phase_filter(ready, client, phase: str, expected: list[str]) -> None:
    html = client.get(f"/people/{MARIA}/trials/results?phase={phase}&include_ineligible=true").text
    assert sorted(_ids(html)) == sorted(expected)
    assert html.strip().startswith('<div id="trial-results" aria-live="polite">')


def test_the_distance_filter_passes_the_limit_to_the_matcher(ready, client) -> None:
    within = _expected(ready, within_km=50, include_ineligible=True)
    html = client.get(f"/people/{MARIA}/trials/results?within_km=50&include_ineligible=true").text
    assert _ids(html) == [m.trial.nct_id for m in within]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("within_km=far", "within_km: a distance in km above 0 (got &#39;far&#39;)"),
        ("within_km=-5", "within_km: a distance in km above 0 (got &#39;-5&#39;)"),
        ("phase=PHASE9", "phase: one of PHASE1, PHASE2, PHASE3, PHASE4 (got &#39;PHASE9&#39;)"),
    ],
)
def test_bad_filters_are_a_clear_error(ready, client, query: str, reason: str) -> None:
    response = client.get(f"/people/{MARIA}/trials?{query}")
    assert response.status_code == 422
    assert f'<p class="error-message">{reason}</p>' in response.text


def test_before_the_catalog_is_read_the_page_says_so_and_polls(app, client) -> None:
    assert app.state.web.trials_ready() is False
    html = client.get(f"/people/{MARIA}/trials").text
    assert "Reading the trial catalog for the first time." in html
    assert 'hx-trigger="load delay:3s"' in html


def test_the_api_gives_the_trials_match_contract(ready, client) -> None:
    data = client.get(f"/api/people/{MARIA}/trials?include_ineligible=true").json()
    assert data["patient"] == MARIA
    assert data["as_of"] == "2025-06-01"
    assert data["catalog"] == {"source": "test snapshot", "trials": 4, "updated": "2025-06-01"}
    assert data["matches"] == [m.as_json() for m in _expected(ready, include_ineligible=True)]
    from nextline.trials.match_contract import MatchReport

    MatchReport.model_validate(data)  # the committed `trials match --json` contract
