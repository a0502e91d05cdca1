"""The dashboard's "new trials that may fit since <date>": the kept snapshot (the one
`nextline trials changes` keeps) compared with the trials page's last match, never a match
run inside the dashboard request."""

from __future__ import annotations

import re

import pytest

from nextline.trials.history import Snapshot, load_snapshot, save_snapshot, snapshot
from nextline.trials.matching import match_trials
from tests.web.conftest import AS_OF, MARIA, csrf, small_catalog

BOX = "Clinical trials: what changed"


@pytest.fixture
def ready(app):
    app.state.web.trial_catalog(app.state.web.kb)  # read the catalog now, not in the background
    return app


def _fits_now(app) -> Snapshot:
    from nextline.record import build_record

    state = app.state.web
    record = build_record(state.store.get(MARIA), state.kb, AS_OF)
    matches = match_trials(record, state.kb, list(small_catalog()), AS_OF)
    return snapshot(matches, AS_OF.isoformat(), AS_OF.isoformat())


def _box(html: str) -> str:
    start = html.index(BOX)
    return html[start : html.index("</section>", start)]


def test_no_box_before_trials_were_ever_matched(app, client) -> None:
    html = client.get(f"/people/{MARIA}").text
    assert BOX not in html
    # and the dashboard did not start reading the catalog to find out
    assert app.state.web.trials_ready() is False


def test_the_dashboard_never_runs_a_match(ready, client, monkeypatch) -> None:
    client.get(f"/people/{MARIA}/trials")  # the trials page matches and keeps its result

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the dashboard ran a match")

    monkeypatch.setattr("nextline.trials.matching.match_trials", refuse)
    monkeypatch.setattr("nextline.web.engines.trials", refuse)
    response = client.get(f"/people/{MARIA}")
    assert response.status_code == 200
    assert BOX in response.text


def test_the_first_match_is_kept_and_nothing_is_new(ready, client) -> None:
    folder = ready.state.web.settings.data_dir
    assert load_snapshot(folder, MARIA) is None
    client.get(f"/people/{MARIA}/trials")
    kept = load_snapshot(folder, MARIA)
    assert kept is not None
    assert kept.fits == _fits_now(ready).fits
    box = _box(client.get(f"/people/{MARIA}").text)
    count = len(kept.fits)
    assert f"No change since 1 Jun 2025: the same {count} trial{'s' if count != 1 else ''}" in box


def test_new_and_no_longer_fitting_trials_since_the_kept_date(ready, client) -> None:
    now = _fits_now(ready)
    assert len(now.fits) >= 2, "the small catalog holds at least two trials that may fit Maria"
    first, *others = sorted(now.fits)
    earlier = Snapshot(
        as_of="2025-05-01",
        catalog_updated="2025-04-30",
        fits={**{nct: now.fits[nct] for nct in others}, "NCT09999999": "possibly_eligible"},
        titles={"NCT09999999": "A study that closed"},
    )
    save_snapshot(ready.state.web.settings.data_dir, MARIA, earlier)
    client.get(f"/people/{MARIA}/trials")
    box = _box(client.get(f"/people/{MARIA}").text)
    assert "New trials that may fit since 1 May 2025 (1)" in box
    position = list(now.fits).index(first)
    links = re.findall(r'href="/people/[^/]+/trials\?page=(\d+)#(NCT\d+)"', box)
    assert links[0] == (str(position // 10 + 1), first)  # the page of ten that holds it
    assert "No longer fit, or no longer listed (1)" in box
    assert "A study that closed (NCT09999999)" in box
    assert "care team" in box
    # the trials page does not overwrite the kept snapshot: the changes stay until seen
    assert load_snapshot(ready.state.web.settings.data_dir, MARIA) == earlier


def test_mark_as_seen_keeps_the_current_match(ready, client) -> None:
    folder = ready.state.web.settings.data_dir
    save_snapshot(folder, MARIA, Snapshot("2025-05-01", None, {"NCT09999999": "possibly_eligible"}))
    client.get(f"/people/{MARIA}/trials")
    response = client.post(
        f"/people/{MARIA}/trials/changes/seen",
        data={"csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, f"/people/{MARIA}")
    kept = load_snapshot(folder, MARIA)
    assert kept is not None
    assert (kept.as_of, kept.fits) == ("2025-06-01", _fits_now(ready).fits)
    assert "No change since 1 Jun 2025" in _box(client.get(f"/people/{MARIA}").text)


def test_after_a_record_change_the_dashboard_asks_for_a_new_match(ready, client) -> None:
    client.get(f"/people/{MARIA}/trials")
    before = ready.state.web.store.latest_version(MARIA)
    answer = client.post(
        f"/people/{MARIA}/menopausal-status",
        data={"csrf_token": csrf(client), "menopausal_status": "perimenopausal"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert ready.state.web.store.latest_version(MARIA) == before + 1
    box = _box(client.get(f"/people/{MARIA}").text)
    assert "Trials were last checked on 1 Jun 2025" in box
    assert f'href="/people/{MARIA}/trials"' in box
    refused = client.post(f"/people/{MARIA}/trials/changes/seen", data={"csrf_token": csrf(client)})
    assert refused.status_code == 409
    assert "open the trials page first" in refused.text


def test_a_link_lands_on_the_page_of_the_trials_list_that_holds_the_trial(ready, client) -> None:
    """The trials page shows ten at a time: a trial eleventh or later is on page 2 or after."""
    from nextline.web.trial_changes import dashboard_changes

    client.get(f"/people/{MARIA}/trials")
    state = ready.state.web
    found = dashboard_changes(state, MARIA, state.today())
    assert found is not None
    order = list(_fits_now(ready).fits)
    assert found.pages == {nct: i // 10 + 1 for i, nct in enumerate(order)}
    for nct, page in found.pages.items():
        listed = client.get(f"/people/{MARIA}/trials?page={page}").text
        assert f'id="{nct}"' in listed, (nct, page)
