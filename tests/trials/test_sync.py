"""`nextline trials sync` against a local HTTP server in the API v2 shape: paging, every
failure (429 with Retry-After, 5xx, timeouts, interruption), resuming, incremental updates,
and what is sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from nextline.trials.store import TrialStore
from nextline.trials.sync import (
    SyncFailed,
    SyncOptions,
    SyncReport,
    retry_after_seconds,
    sync_trials,
)

from .ctgov_server import FakeCtgov, breast_studies, make_study, serve

DAY1 = dt.date(2026, 3, 1)
ALLOWED_PARAMS = {
    "format",
    "query.cond",
    "pageSize",
    "countTotal",
    "filter.overallStatus",
    "filter.advanced",
    "pageToken",
}


@pytest.fixture
def server() -> Iterator[FakeCtgov]:
    studies = breast_studies(25)
    studies += [
        make_study("NCT91000001", "Lung cancer study", conditions=("Lung Cancer",)),
        make_study("NCT91000002", "Completed breast cancer study", status="COMPLETED"),
        make_study("NCT91000003", "Upcoming breast cancer study", status="NOT_YET_RECRUITING"),
    ]
    with serve(studies) as running:
        yield running


class Sleeps:
    """Records the waits instead of waiting, so the tests are fast and exact."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _options(server: FakeCtgov, **kwargs: Any) -> SyncOptions:
    return SyncOptions(base_url=server.base_url, page_size=10, **kwargs)


def _stored_ids(store: TrialStore) -> list[str]:
    return [t.nct_id for t in store.load_catalog().trials]


EXPECTED_IDS = sorted([f"NCT{90000000 + i:08d}" for i in range(1, 26)] + ["NCT91000003"])


def test_full_sync_pages_through_recruiting_breast_studies(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    pages: list[tuple[int, int, int | None]] = []
    report = sync_trials(
        sqlite_trial_store,
        _options(server),
        on_page=lambda r: pages.append((r.pages, r.studies, r.total)),
        today=DAY1,
    )
    assert pages == [(1, 10, 26), (2, 20, 26), (3, 26, 26)]
    assert (report.pages, report.studies, report.added, report.updated) == (3, 26, 26, 0)
    assert report.since is None and report.resumed is False and report.retries == 0
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS
    catalog = sqlite_trial_store.load_catalog()
    assert catalog.updated == DAY1
    assert catalog.source == f"ClinicalTrials.gov API v2 ({server.base_url})"
    [first, second, third] = [params for _, params in server.requests]
    assert first == {
        "format": "json",
        "query.cond": "breast cancer",
        "filter.overallStatus": "RECRUITING|NOT_YET_RECRUITING",
        "pageSize": "10",
        "countTotal": "true",
    }
    assert second == {**first, "pageToken": "b2Zmc2V0OjEw"}
    assert third["pageToken"] == "b2Zmc2V0OjIw"
    progress = sqlite_trial_store.sync_progress("ctgov:breast cancer")
    assert progress is not None
    assert (progress.page_token, progress.completed_on, progress.started_on) == (None, DAY1, None)


def test_sync_sends_only_condition_terms_and_paging(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    sync_trials(sqlite_trial_store, _options(server), today=DAY1)
    sync_trials(sqlite_trial_store, _options(server), today=DAY1 + dt.timedelta(days=3))
    assert len(server.requests) == 4
    for path, params in server.requests:
        assert path == "/api/v2/studies"
        assert set(params) <= ALLOWED_PARAMS
        assert params["query.cond"] == "breast cancer"


def test_429_waits_as_long_as_retry_after_says(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    server.script = [("status", 429, {"Retry-After": "7"}), ("ok",), ("status", 429, {})]
    sleeps = Sleeps()
    report = sync_trials(
        sqlite_trial_store, _options(server, backoff=0.5), sleep=sleeps, today=DAY1
    )
    # 7 s from the header; the second 429 has none, so the backoff's first step
    assert sleeps.waits == [7.0, 0.5]
    assert report.retries == 2
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS


def test_retry_after_is_capped(server: FakeCtgov, sqlite_trial_store: TrialStore) -> None:
    server.script = [("status", 429, {"Retry-After": "3600"})]
    sleeps = Sleeps()
    sync_trials(sqlite_trial_store, _options(server, max_wait=60.0), sleep=sleeps, today=DAY1)
    assert sleeps.waits == [60.0]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Sun, 01 Mar 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_500_then_success_backs_off_exponentially(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    server.script = [("status", 500, {}), ("status", 503, {}), ("status", 502, {})]
    sleeps = Sleeps()
    report = sync_trials(
        sqlite_trial_store, _options(server, backoff=1.0), sleep=sleeps, today=DAY1
    )
    assert sleeps.waits == [1.0, 2.0, 4.0]
    assert report.retries == 3
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS


def test_timeout_is_retried(server: FakeCtgov, sqlite_trial_store: TrialStore) -> None:
    server.script = [("ok",), ("sleep", 1.0)]  # the second page answers too late
    sleeps = Sleeps()
    report = sync_trials(
        sqlite_trial_store, _options(server, timeout=0.2), sleep=sleeps, today=DAY1
    )
    assert sleeps.waits == [1.0]
    assert report.retries == 1
    assert report.pages == 3
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS
    # the page that timed out was asked for again with the same token
    tokens = [params.get("pageToken") for _, params in server.requests]
    assert tokens == [None, "b2Zmc2V0OjEw", "b2Zmc2V0OjEw", "b2Zmc2V0OjIw"]


def test_giving_up_keeps_progress_and_the_next_run_resumes(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    server.script = [("ok",)] + [("status", 500, {})] * 3
    with pytest.raises(SyncFailed) as caught:
        sync_trials(sqlite_trial_store, _options(server, max_retries=2), sleep=Sleeps(), today=DAY1)
    assert str(caught.value) == (
        "the API had a server error (500); gave up after 3 tries. Progress is saved: run "
        "`nextline trials sync` again to continue."
    )
    assert len(_stored_ids(sqlite_trial_store)) == 10  # the first page, whole
    progress = sqlite_trial_store.sync_progress("ctgov:breast cancer")
    assert progress is not None
    assert (progress.page_token, progress.pages_done, progress.studies_done) == (
        "b2Zmc2V0OjEw",
        1,
        10,
    )
    assert progress.completed_on is None

    server.requests.clear()
    report = sync_trials(sqlite_trial_store, _options(server), today=DAY1 + dt.timedelta(days=1))
    assert report.resumed is True
    assert (report.pages, report.studies, report.added) == (3, 26, 16)
    assert server.requests[0][1]["pageToken"] == "b2Zmc2V0OjEw"
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS
    progress = sqlite_trial_store.sync_progress("ctgov:breast cancer")
    assert progress is not None
    assert progress.completed_on == DAY1  # the resumed run started on DAY1


def test_interruption_after_a_page_resumes_from_the_next_page(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    def stop_after_two(report: SyncReport) -> None:
        if report.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_trials(sqlite_trial_store, _options(server), on_page=stop_after_two, today=DAY1)
    assert len(_stored_ids(sqlite_trial_store)) == 20
    server.requests.clear()
    report = sync_trials(sqlite_trial_store, _options(server), today=DAY1)
    assert report.resumed is True
    assert [params.get("pageToken") for _, params in server.requests] == ["b2Zmc2V0OjIw"]
    assert (report.pages, report.studies, report.added) == (3, 26, 6)
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS


def test_an_expired_page_token_starts_the_run_over(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    def stop(report: SyncReport) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_trials(sqlite_trial_store, _options(server), on_page=stop, today=DAY1)
    server.requests.clear()
    server.script = [("status", 400, {})]  # the saved token is refused
    report = sync_trials(sqlite_trial_store, _options(server), today=DAY1)
    tokens = [params.get("pageToken") for _, params in server.requests]
    assert tokens == ["b2Zmc2V0OjEw", None, "b2Zmc2V0OjEw", "b2Zmc2V0OjIw"]
    assert (report.pages, report.studies, report.added, report.unchanged) == (3, 26, 16, 10)
    assert _stored_ids(sqlite_trial_store) == EXPECTED_IDS


def test_catalog_date_moves_only_when_a_run_completes(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    def stop(report: SyncReport) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_trials(sqlite_trial_store, _options(server), on_page=stop, today=DAY1)
    assert sqlite_trial_store.load_catalog().updated is None
    sync_trials(sqlite_trial_store, _options(server), today=DAY1 + dt.timedelta(days=2))
    assert sqlite_trial_store.load_catalog().updated == DAY1 + dt.timedelta(days=2)


def test_full_option_starts_over_instead_of_resuming(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    def stop(report: SyncReport) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_trials(sqlite_trial_store, _options(server), on_page=stop, today=DAY1)
    server.requests.clear()
    report = sync_trials(sqlite_trial_store, _options(server, full=True), today=DAY1)
    assert report.resumed is False
    assert "pageToken" not in server.requests[0][1]
    assert (report.added, report.unchanged) == (16, 10)


def test_a_different_condition_starts_over_instead_of_resuming(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    def stop(report: SyncReport) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_trials(sqlite_trial_store, _options(server), on_page=stop, today=DAY1)
    server.requests.clear()
    report = sync_trials(sqlite_trial_store, _options(server, condition="lung"), today=DAY1)
    assert report.resumed is False
    assert server.requests[0][1]["query.cond"] == "lung"
    assert "pageToken" not in server.requests[0][1]
    assert report.added == 1  # the one recruiting lung study


def test_incremental_sync_asks_only_for_recent_updates_and_applies_them(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    sync_trials(sqlite_trial_store, _options(server), today=DAY1)
    # What changed on ClinicalTrials.gov since DAY1:
    server.studies[0] = make_study(
        "NCT90000001", "Breast cancer study 1, amended", last_update="2026-03-05"
    )
    server.studies[1] = make_study(
        "NCT90000002", "Breast cancer study 2", status="COMPLETED", last_update="2026-03-06"
    )
    server.studies.append(make_study("NCT92000001", "New breast study", last_update="2026-03-04"))
    server.studies.append(
        make_study(
            "NCT92000002", "Closed breast study", status="TERMINATED", last_update="2026-03-06"
        )
    )
    server.requests.clear()
    report = sync_trials(sqlite_trial_store, _options(server), today=dt.date(2026, 3, 10))

    assert report.since == dt.date(2026, 2, 28)  # a day of overlap before the last run
    [(_, params)] = server.requests
    assert params == {
        "format": "json",
        "query.cond": "breast cancer",
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-02-28,MAX]",
        "pageSize": "10",
        "countTotal": "true",
    }
    assert (report.studies, report.added, report.updated, report.skipped_not_recruiting) == (
        4,
        1,
        2,
        1,
    )
    assert sqlite_trial_store.get("NCT90000001").title == "Breast cancer study 1, amended"
    assert sqlite_trial_store.get("NCT90000002").status == "COMPLETED"  # stopped recruiting
    assert "NCT92000001" in _stored_ids(sqlite_trial_store)
    assert "NCT92000002" not in _stored_ids(sqlite_trial_store)  # never stored when closed
    assert sqlite_trial_store.load_catalog().updated == dt.date(2026, 3, 10)
    progress = sqlite_trial_store.sync_progress("ctgov:breast cancer")
    assert progress is not None and progress.completed_on == dt.date(2026, 3, 10)


def test_unreadable_studies_are_skipped_and_reported(
    server: FakeCtgov, sqlite_trial_store: TrialStore
) -> None:
    bad = make_study("NCT93000001", "Breast cancer bad phase")
    bad["protocolSection"]["designModule"]["phases"] = ["PHASE7"]
    server.studies = [bad, *breast_studies(2)]
    report = sync_trials(sqlite_trial_store, _options(server), today=DAY1)
    assert [str(p) for p in report.problems] == [
        "error: page 1, studies[0].protocolSection.designModule.phases[0]: unknown phase 'PHASE7'"
    ]
    assert _stored_ids(sqlite_trial_store) == ["NCT90000001", "NCT90000002"]


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ([("garbage",)], "the API answered with something that is not JSON"),
        (
            [("status", 400, {})],
            'the API refused the request (400): {"message": "scripted failure"}',
        ),
    ],
)
def test_answers_that_cannot_be_used_stop_the_sync_with_the_reason(
    server: FakeCtgov, sqlite_trial_store: TrialStore, script: list[Any], message: str
) -> None:
    server.script = script
    with pytest.raises(SyncFailed) as caught:
        sync_trials(sqlite_trial_store, _options(server), sleep=Sleeps(), today=DAY1)
    assert str(caught.value) == message
    assert sqlite_trial_store.count() == 0


def test_unreachable_server_fails_after_the_retries(sqlite_trial_store: TrialStore) -> None:
    sleeps = Sleeps()
    with pytest.raises(SyncFailed) as caught:
        sync_trials(
            sqlite_trial_store,
            SyncOptions(base_url="http://127.0.0.1:9/api/v2", max_retries=2, backoff=0.25),
            sleep=sleeps,
            today=DAY1,
        )
    assert str(caught.value).startswith("cannot reach http://127.0.0.1:9/api/v2: ConnectError")
    assert sleeps.waits == [0.25, 0.5]


def test_sync_into_postgresql_too(server: FakeCtgov, trial_store: TrialStore) -> None:
    report = sync_trials(trial_store, _options(server), today=DAY1)
    assert report.added == 26
    assert _stored_ids(trial_store) == EXPECTED_IDS
