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


class _Fetcher:
    def __init__(
        self,
        client: httpx.Client,
        options: SyncOptions,
        sleep: Callable[[float], None],
        report: SyncReport,
    ) -> None:
        self.client = client
        self.options = options
        self.sleep = sleep
        self.report = report

    def page(self, params: dict[str, str]) -> dict[str, Any]:
        import httpx

        url = self.options.base_url.rstrip("/") + "/studies"
        attempt = 0
        while True:
            reason: str
            wait: float | None = None
            try:
                response = self.client.get(url, params=params, timeout=self.options.timeout)
            except httpx.TimeoutException:
                reason = "the request timed out"
            except httpx.TransportError as exc:
                reason = f"cannot reach {self.options.base_url}: {type(exc).__name__}"
            else:
                if response.status_code == 200:
                    try:
                        data = response.json()
                    except ValueError:
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
    http = client or httpx.Client(headers={"User-Agent": "nextline"}, follow_redirects=True)
    fetcher = _Fetcher(http, options, sleep, report)
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


def _page_trials(studies: list[Any], source: str, report: SyncReport) -> list[Trial]:
    trials = []
    for i, study in enumerate(studies):
        problems: list[Problem] = []
        where = f"page {report.pages + 1}, studies[{i}]"
        if not isinstance(study, dict):
            report.problems.append(Problem(where, "expected a study object"))
            continue
        trial = trial_from_api_v2(study, source, where, problems)
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
