"""One plain line per trial: what is tested, the phase in plain words, and where, with the
distance only when a site's coordinates are known ("distance unknown — sites in: ...")."""

from __future__ import annotations

import datetime as dt

from nextline.knowledge import Knowledge
from nextline.trials.geo import Point
from nextline.trials.matching import match_trials
from nextline.trials.models import Site, Trial
from nextline.trials.summary import plain_line
from tests.trials.test_matching import make_record

AS_OF = dt.date(2025, 3, 1)


def _trial(sites: list[Site]) -> Trial:
    return Trial(
        nct_id="NCT00000031",
        title="Drug A plus fulvestrant in metastatic breast cancer",
        conditions=["Metastatic Breast Cancer"],
        status="RECRUITING",
        phases=["PHASE3"],
        interventions=["Drug A", "Fulvestrant"],
        eligibility_text="Inclusion Criteria:\n* HR-positive breast cancer\n",
        sites=sites,
    )


def test_without_coordinates_the_distance_is_unknown_and_nothing_is_filtered(
    kb: Knowledge,
) -> None:
    trial = _trial([Site(facility="X", country="United States")])
    found = match_trials(make_record(kb), kb, [trial], AS_OF, within_km=50)
    assert len(found) == 1  # not dropped as if it were measured
    assert plain_line(found[0]) == (
        "Tests Drug A, Fulvestrant: a study comparing it with usual treatment (phase 3) · "
        "distance unknown — sites in: United States"
    )


def test_with_coordinates_the_nearest_site_is_named(kb: Knowledge) -> None:
    trial = _trial(
        [
            Site(
                facility="Penn",
                city="Philadelphia",
                country="United States",
                latitude=39.95,
                longitude=-75.19,
            )
        ]
    )
    found = match_trials(make_record(kb), kb, [trial], AS_OF, near=Point(39.95, -75.16, "US"))
    assert plain_line(found[0]).endswith("nearest site about 3 km away (Philadelphia)")
    far = match_trials(
        make_record(kb), kb, [trial], AS_OF, near=Point(34.05, -118.24, "US"), within_km=100
    )
    assert far == []
