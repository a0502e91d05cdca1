"""Trial catalog benchmark: reading the bundled snapshot, building the full-text index,
saving to and loading from the store, and searching, at 1,359 real trials and replicated to
10,000.

Run with `make bench` or `.venv/bin/python bench/bench_trials_load.py`. Prints the best of
three runs for each step.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nextline.settings import Settings
from nextline.trials import Trial
from nextline.trials.catalog import DEFAULT_SNAPSHOT
from nextline.trials.loaders import read_trials
from nextline.trials.search import MemoryIndex
from nextline.trials.store import open_trial_store

QUERIES = ["HER2-low", "ESR1 fulvestrant", "brain metastases", "PIK3CA capivasertib", "BRCA"]


def best(step: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def replicate(trials: list[Trial], count: int) -> list[Trial]:
    return [
        trials[i % len(trials)].model_copy(update={"nct_id": f"NCT{80000000 + i:08d}"})
        for i in range(count)
    ]


def main() -> None:
    seconds, real = best(lambda: read_trials(DEFAULT_SNAPSHOT))
    print(f"read bundled snapshot ({len(real)} trials):          {seconds * 1000:7.0f} ms")
    for trials in (real, replicate(real, 10_000)):
        n = len(trials)
        seconds, index = best(lambda t=trials: MemoryIndex(t))  # type: ignore[misc]
        print(f"in-memory FTS5 index, {n:>6} trials:               {seconds * 1000:7.0f} ms")
        per_query = []
        for query in QUERIES:
            s, _ = best(lambda q=query, i=index: i.search(q, 20), runs=5)  # type: ignore[misc]
            per_query.append(s)
        print(
            f"in-memory search (top 20), {n:>6} trials: median "
            f"{statistics.median(per_query) * 1000:6.2f} ms over {len(QUERIES)} queries"
        )
        with tempfile.TemporaryDirectory() as home:
            store = open_trial_store(Settings(home=Path(home)))
            start = time.perf_counter()
            store.save_trials(trials, "bench", None)
            save = time.perf_counter() - start
            seconds_load, catalog = best(store.load_catalog)
            assert len(catalog) == n
            per_query = []
            for query in QUERIES:
                s, _ = best(lambda q=query, st=store: st.search(q, 20), runs=5)  # type: ignore[misc]
                per_query.append(s)
            store.engine.dispose()
        print(f"store save with FTS5 (SQLite), {n:>6} trials:      {save * 1000:7.0f} ms")
        print(f"store load catalog (SQLite), {n:>6} trials:        {seconds_load * 1000:7.0f} ms")
        print(
            f"store search (top 20), {n:>6} trials: median "
            f"{statistics.median(per_query) * 1000:6.2f} ms over {len(QUERIES)} queries"
        )


if __name__ == "__main__":
    main()
