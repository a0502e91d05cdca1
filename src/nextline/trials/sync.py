"""`nextline trials sync`: bring the stored catalog up to date from the ClinicalTrials.gov
API v2 (`GET {base_url}/studies`).

What is sent: the condition term (`query.cond`, default "breast cancer"), the recruitment
statuses (`filter.overallStatus`), a last-update date range (`filter.advanced`), the page size
and page token. Never anything about a person.

- Pages: `pageSize` studies a page, following `nextPageToken` until it is absent.
- Incremental: after one complete run, the next asks only for studies whose last update was
  posted on or after the day before that run started
  (`AREA[LastUpdatePostDate]RANGE[date,MAX]`). That request drops the status filter so a
  stored study that stopped recruiting gets its new status; studies not yet stored are kept
  only when recruiting or not yet recruiting.
- Retries: 429 waits `Retry-After` (seconds or an HTTP date, capped); 5xx, timeouts and
  connection errors back off exponentially (`backoff * 2**attempt`, capped) up to
  `max_retries` times.
- Resume: each page's studies and the next page token are committed in one transaction, so
  an interrupted run (Ctrl-C, a crash, retries exhausted) continues from the next page with
  the same parameters.
- Bounded: a page must arrive whole within `page_time_limit` seconds (a body trickled a
  byte at a time counts as a timeout) and be at most `page_byte_limit` bytes (read as it
  streams, never past the limit); a run stops after `max_pages` pages, when the API gives a
  page token it gave before, or after `max_empty_pages` empty pages in a row. Redirects are
  followed only to the API's own host. A study that cannot be read is skipped and listed in
  the report's problems; the rest of the page is kept.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nextline.errors import NextlineError, Problem
from nextline.trials.loaders.api_v2 import trial_from_api_v2

if TYPE_CHECKING:
    import httpx

    from nextline.trials.models import Trial
    from nextline.trials.store import TrialStore

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"


def sync_name(condition: str) -> str:
    """Progress is kept per condition: a sync for another condition starts from nothing."""
    return "ctgov:" + " ".join(condition.lower().split())


WANTED_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING")


class SyncFailed(NextlineError):
    """The API could not be reached or answered wrongly; progress so far is kept."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status that stopped the sync, when there was one


@dataclass(frozen=True)
class SyncOptions:
    """How to sync; every field has a safe default."""

    base_url: str = DEFAULT_BASE_URL
    condition: str = "breast cancer"
    statuses: tuple[str, ...] = WANTED_STATUSES
    page_size: int = 100
    timeout: float = 30.0
    max_retries: int = 5
    backoff: float = 1.0  # first wait after a 5xx or timeout, in seconds
    max_wait: float = 120.0  # no single wait is longer than this
    full: bool = False  # ignore the last sync date and fetch everything again
    overlap_days: int = 1  # re-ask for a day before the last run, to miss nothing
    page_time_limit: float = 120.0  # seconds for one page to arrive whole
    page_byte_limit: int = 50_000_000  # a page of 100 studies is about 2 MB
    max_pages: int = 5_000  # 500,000 studies: more than the whole registry holds
    max_empty_pages: int = 3  # empty pages in a row that still point to a next page
    max_redirects: int = 3  # only to the API's own host


@dataclass
class SyncReport:
    pages: int = 0
    studies: int = 0  # received from the API in this run
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_not_recruiting: int = 0
    total: int | None = None  # as the API counted it (first page only)
    since: dt.date | None = None
    resumed: bool = False
    retries: int = 0
    problems: list[Problem] = field(default_factory=list)  # studies that could not be read


OnPage = Callable[[SyncReport], None]


def request_params(options: SyncOptions, since: dt.date | None) -> dict[str, str]:
    """The query parameters of every request of a run (the page token comes on top)."""
    params = {
        "format": "json",
        "query.cond": options.condition,
        "pageSize": str(options.page_size),
        "countTotal": "true",
    }
    if since is None:
        params["filter.overallStatus"] = "|".join(options.statuses)
    else:
        params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
    return params


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """`Retry-After` as seconds: a number of seconds, or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


class _PageTooSlow(Exception):
    """A page did not arrive whole within the time limit (retried like a timeout)."""


@dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: Any  # httpx.Headers: case-insensitive
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        import json

        return json.loads(self.body)


class _Fetcher:
    def __init__(
        self,
        client: httpx.Client,
        options: SyncOptions,
        sleep: Callable[[float], None],
        report: SyncReport,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.options = options
        self.sleep = sleep
        self.report = report
        self.clock = clock

    def _get(self, url: str, params: dict[str, str] | None) -> _Answer:
        """One page, read as it streams: never past the size or the time limit, and
        redirects only to the API's own host."""
        import httpx

        deadline = self.clock() + self.options.page_time_limit
        limit = self.options.page_byte_limit
        home = httpx.URL(self.options.base_url)
        for _ in range(self.options.max_redirects + 1):
            with self.client.stream(
                "GET", url, params=params, timeout=self.options.timeout, follow_redirects=False
            ) as response:
                if response.is_redirect:
                    target = response.url.join(response.headers.get("location", ""))
                    if (target.scheme, target.host, target.port) != (
                        home.scheme,
                        home.host,
                        home.port,
                    ):
                        raise SyncFailed(
                            f"the API sent us to another address ({target.host or '?'}); "
                            "nextline only talks to the API's own host"
                        )
                    url, params = str(target), None
                    continue
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise SyncFailed(_too_big(limit))
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise SyncFailed(_too_big(limit))
                    if self.clock() > deadline:
                        raise _PageTooSlow
                    chunks.append(chunk)
                return _Answer(response.status_code, response.headers, b"".join(chunks))
        raise SyncFailed("the API redirected too many times")

    def page(self, params: dict[str, str]) -> dict[str, Any]:
        import httpx

        url = self.options.base_url.rstrip("/") + "/studies"
        attempt = 0
        while True:
            reason: str
            wait: float | None = None
            try:
                response = self._get(url, params)
            except (httpx.TimeoutException, _PageTooSlow):
                reason = (
                    "the request timed out (a page must arrive within "
                    f"{self.options.page_time_limit:g} s)"
                )
            except httpx.TransportError as exc:
                reason = f"cannot reach {self.options.base_url}: {type(exc).__name__}"
            else:
                if response.status_code == 200:
                    try:
                        data = response.json()
                    except (ValueError, RecursionError):
                        raise SyncFailed(
                            "the API answered with something that is not JSON"
                        ) from None
                    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
                        raise SyncFailed("the API's answer has no 'studies' list")
                    return data
                if response.status_code == 429:
                    reason = "the API asked us to slow down (429)"
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                elif response.status_code >= 500:
                    reason = f"the API had a server error ({response.status_code})"
                else:
                    raise SyncFailed(
                        f"the API refused the request ({response.status_code}): "
                        f"{response.text[:200]}",
                        response.status_code,
                    )
            if attempt >= self.options.max_retries:
                raise SyncFailed(
                    f"{reason}; gave up after {attempt + 1} tries. Progress is saved: run "
                    "`nextline trials sync` again to continue."
                )
            if wait is None:
                wait = self.options.backoff * 2**attempt
            self.sleep(min(wait, self.options.max_wait))
            attempt += 1
            self.report.retries += 1


def sync_trials(
    store: TrialStore,
    options: SyncOptions | None = None,
    *,
    client: httpx.Client | None = None,
    on_page: OnPage | None = None,
    sleep: Callable[[float], None] = time.sleep,
    today: dt.date | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SyncReport:
    """Fetch breast cancer studies page by page into `store`; resume a saved run if any."""
    import httpx
    from sqlalchemy.orm import Session

    from nextline.trials.store import SyncProgress

    options = options or SyncOptions()
    today = today or dt.datetime.now(dt.UTC).date()
    report = SyncReport()
    name = sync_name(options.condition)
    saved = store.sync_progress(name)
    completed_on = saved.completed_on if saved else None

    same_query = saved is not None and (
        saved.query.get("query.cond") == options.condition
        and saved.query.get("pageSize") == str(options.page_size)
    )
    if saved is not None and saved.page_token is not None and same_query and not options.full:
        params = {k: str(v) for k, v in saved.query.items()}
        token: str | None = saved.page_token
        started_on = saved.started_on or today
        report.resumed = True
        saved_token: str | None = token
        report.pages = saved.pages_done
        report.studies = saved.studies_done
        since_match = re.search(r"RANGE\[(\d{4}-\d{2}-\d{2}),", params.get("filter.advanced", ""))
        report.since = dt.date.fromisoformat(since_match.group(1)) if since_match else None
    else:
        since = None
        if completed_on is not None and not options.full:
            since = completed_on - dt.timedelta(days=options.overlap_days)
        params = request_params(options, since)
        token = None
        saved_token = None
        started_on = today
        report.since = since

    source = f"ClinicalTrials.gov API v2 ({options.base_url})"
    own_client = client is None
    http = client or httpx.Client(headers={"User-Agent": "nextline"}, follow_redirects=False)
    fetcher = _Fetcher(http, options, sleep, report, clock)
    seen_tokens: set[str] = set()
    empty_pages = 0
    try:
        while True:
            page_params = dict(params)
            if token is not None:
                page_params["pageToken"] = token
            try:
                data = fetcher.page(page_params)
            except SyncFailed as exc:
                # A saved page token the API no longer accepts: start this run over.
                if report.resumed and exc.status == 400 and token == saved_token:
                    params = request_params(options, report.since)
                    token = saved_token = None
                    report.pages = report.studies = 0
                    continue
                raise
            if report.total is None and isinstance(data.get("totalCount"), int):
                report.total = data["totalCount"]
            trials = _page_trials(data["studies"], source, report)
            if "filter.advanced" in params:
                trials = _keep_recruiting_or_known(store, trials, options, report)
            next_token = data.get("nextPageToken")
            if next_token is not None and not isinstance(next_token, str):
                raise SyncFailed("the API's nextPageToken is not text")
            if next_token:
                empty_pages = empty_pages + 1 if not data["studies"] else 0
                _check_progress(next_token, seen_tokens, empty_pages, report.pages + 1, options)
                seen_tokens.add(next_token)
            report.pages += 1
            report.studies += len(data["studies"])
            with Session(store.engine) as session, session.begin():
                # the catalog counts as updated once the whole run is in
                updated = None if next_token else today
                result = store.save_trials(trials, source, updated, session=session)
                store.save_sync_progress(
                    SyncProgress(
                        name,
                        dict(params),
                        next_token,
                        report.pages if next_token else 0,
                        report.studies if next_token else 0,
                        started_on if next_token else None,
                        completed_on if next_token else started_on,
                    ),
                    session=session,
                )
            report.added += result.added
            report.updated += result.updated
            report.unchanged += result.unchanged
            if on_page is not None:
                on_page(report)
            if not next_token:
                return report
            token = next_token
    finally:
        if own_client:
            http.close()


_SAVED = "Progress is saved: run `nextline trials sync` again to continue."


def _too_big(limit: int) -> str:
    return f"a page of the API's answer is over {limit / 1_000_000:g} MB; stopped. {_SAVED}"


def _check_progress(
    token: str, seen: set[str], empty_pages: int, pages: int, options: SyncOptions
) -> None:
    """Stop a run that would never end: a repeated token, endless empty pages, or more pages
    than the registry could fill."""
    if token in seen:
        raise SyncFailed(
            "the API gave a page token it had given before, so the pages would never end; "
            f"stopped. {_SAVED}"
        )
    if empty_pages >= options.max_empty_pages:
        raise SyncFailed(
            f"the API sent {empty_pages} empty pages in a row that each point to another; "
            f"stopped. {_SAVED}"
        )
    if pages >= options.max_pages:
        raise SyncFailed(f"more than {options.max_pages:,} pages; stopped. {_SAVED}")


def _page_trials(studies: list[Any], source: str, report: SyncReport) -> list[Trial]:
    trials = []
    for i, study in enumerate(studies):
        problems: list[Problem] = []
        where = f"page {report.pages + 1}, studies[{i}]"
        if not isinstance(study, dict):
            report.problems.append(Problem(where, "expected a study object"))
            continue
        try:
            trial = trial_from_api_v2(study, source, where, problems)
        except Exception as exc:  # one unreadable study never stops the sync: listed, skipped
            report.problems.append(
                Problem(where, f"could not be read ({type(exc).__name__}); skipped")
            )
            continue
        if trial is None:
            report.problems.extend(problems)
        else:
            trials.append(trial)
    return trials


def _keep_recruiting_or_known(
    store: TrialStore, trials: list[Trial], options: SyncOptions, report: SyncReport
) -> list[Trial]:
    known = store.known_ids(t.nct_id for t in trials)
    kept = [t for t in trials if t.status in options.statuses or t.nct_id in known]
    report.skipped_not_recruiting += len(trials) - len(kept)
    return kept
