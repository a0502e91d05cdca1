"""Sync always ends: slow, huge, looping, empty or redirected answers stop it with a clear
`SyncFailed` (progress kept), and one unreadable study is skipped and listed. Served by
httpx's in-process mock transport (no network) with a fake clock (no waiting)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from nextline.trials.store import TrialStore
from nextline.trials.sync import SyncFailed, SyncOptions, sync_trials

from .ctgov_server import breast_studies

DAY1 = dt.date(2026, 3, 1)
BASE = "https://ctgov.test/api/v2"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(
    store: TrialStore, handler: Callable[[httpx.Request], httpx.Response], **options: Any
) -> Any:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    clock = options.pop("clock", Clock())
    return sync_trials(
        store,
        SyncOptions(base_url=BASE, page_size=10, max_retries=1, **options),
        client=client,
        sleep=lambda _: None,
        today=DAY1,
        clock=clock,
    )


def _page(studies: list[Any], token: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"studies": studies}
    if token is not None:
        body["nextPageToken"] = token
    return httpx.Response(200, json=body)


def test_a_repeated_page_token_stops_the_sync(sqlite_trial_store: TrialStore) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return _page(breast_studies(1, start=len(requests)), "same-token")

    with pytest.raises(SyncFailed, match="page token it had given before"):
        _run(sqlite_trial_store, handler)
    assert len(requests) == 2
    assert sqlite_trial_store.count() == 1  # the first page is kept


def test_endless_empty_pages_stop_the_sync(sqlite_trial_store: TrialStore) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return _page([], f"token-{len(requests)}")

    with pytest.raises(SyncFailed, match="3 empty pages in a row"):
        _run(sqlite_trial_store, handler)
    assert len(requests) == 3


def test_the_page_ceiling_stops_a_sync_that_never_ends(sqlite_trial_store: TrialStore) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return _page(breast_studies(1, start=len(requests)), f"token-{len(requests)}")

    with pytest.raises(SyncFailed, match="more than 5 pages"):
        _run(sqlite_trial_store, handler, max_pages=5)
    assert len(requests) == 5


class _Trickle(httpx.SyncByteStream):
    """One byte every five (fake) seconds, for ever."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.clock.now += 5
            self.sent += 1
            yield b" "


def test_a_trickled_page_times_out_as_a_whole(sqlite_trial_store: TrialStore) -> None:
    clock = Clock()
    streams: list[_Trickle] = []

    def handler(request: httpx.Request) -> httpx.Response:
        streams.append(_Trickle(clock))
        return httpx.Response(200, stream=streams[-1])

    with pytest.raises(SyncFailed, match=r"timed out \(a page must arrive within 120 s\)"):
        _run(sqlite_trial_store, handler, clock=clock)
    assert len(streams) == 2  # the first try and one retry
    assert [s.sent for s in streams] == [25, 25]  # 120 s at 5 s a byte, then stopped


class _Endless(httpx.SyncByteStream):
    def __init__(self) -> None:
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.sent += 1000
            yield b"x" * 1000


def test_a_huge_page_is_refused_while_it_streams(sqlite_trial_store: TrialStore) -> None:
    stream = _Endless()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=stream)

    with pytest.raises(SyncFailed, match=r"over 0\.01 MB"):
        _run(sqlite_trial_store, handler, page_byte_limit=10_000)
    assert stream.sent == 11_000


def test_a_declared_huge_page_is_refused_before_reading(sqlite_trial_store: TrialStore) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "1500000000"}, content=b"{}")

    with pytest.raises(SyncFailed, match="over 50 MB"):
        _run(sqlite_trial_store, handler)


def test_a_redirect_to_another_host_is_not_followed(sqlite_trial_store: TrialStore) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(302, headers={"location": "http://evil.example/steal"})

    with pytest.raises(SyncFailed, match=r"another address \(evil.example\)"):
        _run(sqlite_trial_store, handler)
    assert hosts == ["ctgov.test"]


def test_a_redirect_on_the_api_host_is_followed(sqlite_trial_store: TrialStore) -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == "/api/v2/studies":
            return httpx.Response(301, headers={"location": "/api/v2/moved"})
        return _page(breast_studies(2))

    report = _run(sqlite_trial_store, handler)
    assert paths == ["/api/v2/studies", "/api/v2/moved"]
    assert report.studies == 2


@pytest.mark.parametrize(
    "break_it",
    [
        lambda s: s["protocolSection"]["statusModule"].__setitem__("overallStatus", 5),
        lambda s: s["protocolSection"].__setitem__("identificationModule", []),
        lambda s: s["protocolSection"]["identificationModule"].__setitem__("nctId", {}),
        lambda s: s["protocolSection"]["eligibilityModule"].__setitem__("minimumAge", 18),
        lambda s: s["protocolSection"]["conditionsModule"].__setitem__("conditions", "x"),
        lambda s: s.__setitem__("protocolSection", None),
    ],
)
def test_one_bad_study_is_skipped_and_listed(sqlite_trial_store: TrialStore, break_it) -> None:
    bad, *good = breast_studies(3)
    break_it(bad)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps({"studies": [bad, *good]}).encode())

    report = _run(sqlite_trial_store, handler)
    assert {p.path.split(".")[0] for p in report.problems} == {"page 1, studies[0]"}
    assert sqlite_trial_store.count() == 2
