"""Trial sync benchmark: `sync_trials` against the local fixture server (tests/trials/
ctgov_server.py) over real HTTP on 127.0.0.1, into a fresh SQLite store.

Run with `make bench` or `.venv/bin/python bench/bench_trials_sync.py`. The studies served
are the bundled snapshot's 1,359 real trials (titles, conditions, criteria) in the API v2
shape, replicated with new NCT ids to the sizes below. Prints studies per second for a full
sync and for an incremental sync that finds nothing new.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.trials.ctgov_server import serve  # noqa: E402

from nextline.settings import Settings  # noqa: E402
from nextline.trials import Trial, load_default_catalog  # noqa: E402
from nextline.trials.store import open_trial_store  # noqa: E402
from nextline.trials.sync import SyncOptions, sync_trials  # noqa: E402


def as_api_v2(trial: Trial, nct_id: str) -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": trial.title},
            "statusModule": {
                "overallStatus": trial.status or "RECRUITING",
                "lastUpdatePostDateStruct": {"date": "2025-12-01", "type": "ACTUAL"},
            },
            "descriptionModule": {"briefSummary": trial.summary or ""},
            "conditionsModule": {"conditions": [*trial.conditions, "breast cancer"]},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": trial.phases},
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": n} for n in trial.interventions]
            },
            "eligibilityModule": {
                "eligibilityCriteria": trial.eligibility_text,
                "sex": trial.sex or "ALL",
                "minimumAge": "18 Years",
            },
            "contactsLocationsModule": {
                "locations": [{"country": s.country} for s in trial.sites if s.country]
            },
        }
    }


def studies(count: int) -> list[dict[str, Any]]:
    real = [t for t in load_default_catalog().trials if t.status != "ENROLLING_BY_INVITATION"]
    return [as_api_v2(real[i % len(real)], f"NCT{80000000 + i:08d}") for i in range(count)]


def run(count: int, page_size: int) -> None:
    served = studies(count)
    with tempfile.TemporaryDirectory() as home, serve(served) as server:
        store = open_trial_store(Settings(home=Path(home)))
        options = SyncOptions(base_url=server.base_url, page_size=page_size)
        start = time.perf_counter()
        report = sync_trials(store, options, today=dt.date(2026, 1, 6))
        full = time.perf_counter() - start
        assert report.added == count, report
        start = time.perf_counter()
        again = sync_trials(store, options, today=dt.date(2026, 1, 20))
        incremental = time.perf_counter() - start
        store.engine.dispose()
    print(
        f"full sync  {count:>6} studies, pages of {page_size:>4}: {full:6.2f} s "
        f"({count / full:7.0f} studies/s, {report.pages} pages)"
    )
    print(
        f"incremental sync, nothing changed ({again.studies} studies):      "
        f"{incremental * 1000:6.1f} ms"
    )


def main() -> None:
    for count, page_size in ((1_000, 100), (5_000, 100), (5_000, 1_000)):
        run(count, page_size)


if __name__ == "__main__":
    main()
