"""A whole program's re-match: N varied people against a catalog of --trials trials, as the
navigator's nightly job runs it (`nextline trials rematch`), in parallel processes.

Run: `.venv/bin/python bench/bench_rematch.py [--people 200] [--trials 10000] [--workers N]`
(`--people 10000` for the full figure; about 5 minutes on a quiet 2-core machine).

Builds a temporary data folder: the trial store holds --trials trials made by replicating
the bundled catalog (each copy gets its own id, as in bench_trials_match.py); the record
store holds N synthetic people, seeded so every run sees the same ones: a quarter are the
three example people under new ids, the rest come from bench_options.py's generator (three
subtypes, HER2 categories, gene results, menopausal status, sites, treatment histories).
Then runs the re-match twice: the first keeps each person's baseline; then, as a sync
would, 1 % more trials arrive, and the second compares with the baseline (as on the second
night) and prints people per second, the CPU time per person, and
the projected time for 10,000 people x the catalog with the aim (under 5 minutes) beside it.

Two projections for 10,000 people: from the run's wall clock (the time until the first
chunk of people came back, which includes reading and preparing the catalog in every
worker, plus the rest at the steady rate measured after it); and from CPU time (one
worker's start-up plus 10,000 x the CPU per person measured in one process, over the
workers), which is what the machine does when its cores are not shared. On a shared machine
the wall clock swings with the other work: the CPU figure says more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

AS_OF = dt.date(2025, 10, 1)
TARGET_PEOPLE = 10_000
AIM_SECONDS = 300.0


def synthetic_people(count: int, seed: int = 20261206) -> list[dict[str, Any]]:
    """`count` varied patient files (plain data), ids `rematch-00000`..., seeded."""
    from bench_options import _person

    from nextline.examples import EXAMPLE_IDS, example_path
    from nextline.record import patient_file_data, read_patient_file

    rng = random.Random(seed)
    examples = [patient_file_data(read_patient_file(example_path(i))) for i in EXAMPLE_IDS]
    out = []
    for n in range(count):
        if n % 4 == 0:
            base = examples[(n // 4) % len(examples)]
            data = {**base, "patient": {**base["patient"], "name": f"Person {n}"}}
        else:
            data = _person(rng, n)
            # metastatic since 2019..2023, so lines and time on treatment vary too
            year = rng.randint(2019, 2021)
            data["diagnosis"] = {"metastatic_since": f"{year}-{rng.randint(1, 12):02d}-01"}
            data["metastases"] = [
                {**site, "since": data["diagnosis"]["metastatic_since"]}
                for site in data["metastases"]
            ]
        data["patient"] = {**data["patient"], "id": f"rematch-{n:05d}"}
        out.append(data)
    return out


def replicated_trials(count: int) -> list[Any]:
    """`count` trials: copies of the bundled catalog, each copy with its own ids."""
    from nextline.trials.catalog import load_default_catalog

    trials = load_default_catalog().trials
    out = []
    copy = 0
    while len(out) < count:
        for trial in trials[: count - len(out)]:
            nct = trial.nct_id if copy == 0 else f"{trial.nct_id}-{copy}"
            out.append(trial.model_copy(update={"nct_id": nct}))
        copy += 1
    return out


def fill_store(home: Path, people: int, trials: int) -> tuple[int, int]:
    """Store the people and the trials in a fresh data folder; (people, trials) stored."""
    from nextline.record import validate_patient_data
    from nextline.settings import Settings
    from nextline.store import open_store
    from nextline.trials.catalog import DEFAULT_UPDATED
    from nextline.trials.store import open_trial_store

    settings = Settings(home=home)
    store = open_store(settings)
    for data in synthetic_people(people):
        store.save(validate_patient_data(data), "bench", base=None)
    trial_store = open_trial_store(settings)
    trial_store.save_trials(replicated_trials(trials), "bench catalog", DEFAULT_UPDATED)
    return len(store.list()), trial_store.count()


def sync_more_trials(home: Path, count: int) -> int:
    """As a sync would: `count` trials new to the catalog (copies under new ids), so the
    second night has new trials to find for some people. Returns the catalog's size."""
    from nextline.settings import Settings
    from nextline.trials.catalog import DEFAULT_UPDATED
    from nextline.trials.store import open_trial_store

    added = [t.model_copy(update={"nct_id": f"{t.nct_id}-new"}) for t in replicated_trials(count)]
    store = open_trial_store(Settings(home=home))
    store.save_trials(added, "bench sync", DEFAULT_UPDATED)
    return store.count()


def timed_run(home: Path, workers: int | None) -> dict[str, Any]:
    """One re-match with its timings: wall, CPU (this process and the workers), the time to
    the first results and the steady rate after them."""
    from nextline.settings import Settings
    from nextline.trials.rematch_run import rematch_all

    marks: list[tuple[float, int]] = []
    began = time.perf_counter()
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def on_progress(done: int, total: int) -> None:
        if done:
            marks.append((time.perf_counter() - began, done))

    summary = rematch_all(
        Settings(home=home), AS_OF, AS_OF, workers=workers, on_progress=on_progress
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (time.process_time() - cpu) + (
        after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    )
    first_t, first_done = marks[0]
    last_t, last_done = marks[-1]
    steady = (last_done - first_done) / (last_t - first_t) if last_t > first_t else None
    return {
        "summary": summary,
        "wall": wall,
        "cpu": cpu_s,
        "first": (first_t, first_done),
        "steady": steady,
    }


def steady_cpu(home: Path, sample: int) -> tuple[float, float]:
    """(CPU seconds for one worker to start: read and prepare the catalog; CPU seconds per
    person after that), measured in this process on `sample` people. Wall time on a shared
    machine swings with the other work; CPU time much less."""
    from nextline.settings import Settings
    from nextline.store import open_store
    from nextline.trials.rematch_run import RematchJob, _Worker

    settings = Settings(home=home)
    began = time.process_time()
    worker = _Worker(RematchJob(settings, AS_OF, AS_OF))
    start = time.process_time() - began
    ids = [p.id for p in open_store(settings).list()][:sample]
    worker.run(ids[:2])  # first use: lazily loaded tables
    began = time.process_time()
    worker.run(ids)
    return start, (time.process_time() - began) / len(ids)


def project(run: dict[str, Any], people: int) -> float:
    """Seconds for `people`: start-up and first chunk as measured, then the steady rate."""
    first_t, first_done = run["first"]
    rate = run["steady"] or first_done / first_t
    return float(first_t + max(0, people - first_done) / rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    args = parser.parse_args(argv)
    if args.people < 1 or args.trials < 1:
        parser.error("--people and --trials must be at least 1")

    from nextline.trials.rematch_run import default_workers

    workers = args.workers or default_workers()
    before = os.environ.get("NEXTLINE_HOME")
    try:
        return _measure(args.people, args.trials, workers)
    finally:
        if before is None:
            os.environ.pop("NEXTLINE_HOME", None)
        else:
            os.environ["NEXTLINE_HOME"] = before


def _measure(people_wanted: int, trials_wanted: int, workers: int) -> int:
    from nextline.trials.rematch_run import default_workers

    with tempfile.TemporaryDirectory(prefix="nextline-rematch-") as folder:
        home = Path(folder) / "home"
        # the kept caches (knowledge base, prepared catalog) in this run's own folder: the
        # first night prepares the catalog once, as a first run after a sync would
        os.environ["NEXTLINE_HOME"] = str(home)
        began = time.perf_counter()
        people, trials = fill_store(home, people_wanted, trials_wanted)
        print(
            f"stored {people:,} people and {trials:,} trials in "
            f"{time.perf_counter() - began:.1f} s (not part of the figures below)"
        )
        print(f"workers: {workers} (cores this process may use: {default_workers()})")
        for night in ("first night (baselines)", "second night (compares)"):
            if night.startswith("second"):
                before = trials
                trials = sync_more_trials(home, max(1, trials // 100))
                print(f"\na sync added {trials - before:,} trial(s)")
            run = timed_run(home, workers)
            summary = run["summary"]
            n = len(summary.people)
            projected = project(run, TARGET_PEOPLE)
            print(f"\nrematch, {night}: {n:,} people x {trials:,} trials")
            print(
                f"  people with new fits: {len(summary.with_new):,}; first matches: "
                f"{summary.first:,}; errors: {len(summary.errors):,}; trials that may fit "
                f"per person: {sum(p.fits for p in summary.people) / n:,.0f} on average"
            )
            steady = run["steady"]
            steady_text = f"{steady:,.1f} people/s after start-up" if steady else "no steady rate"
            print(
                f"  wall {run['wall']:.1f} s = {n / run['wall']:,.1f} people/s overall, "
                f"{steady_text} (start-up and first chunk: {run['first'][0]:.1f} s)"
            )
            print(
                f"  CPU {run['cpu']:.1f} s (all processes) = {run['cpu'] / n * 1000:,.1f} ms "
                "per person"
            )
            print(
                f"  projected for {TARGET_PEOPLE:,} people x {trials:,} trials from this "
                f"run's wall clock: {projected:,.0f} s (aim under {AIM_SECONDS:.0f} s: "
                f"{'yes' if projected < AIM_SECONDS else 'no'})"
            )
            if summary.errors:
                print(f"  errors: {[p.as_json() for p in summary.errors[:3]]}", file=sys.stderr)
                return 1
        start, per_person = steady_cpu(home, min(people_wanted, 50))
        cpu_projection = start + TARGET_PEOPLE * per_person / workers
        print(
            f"\nCPU time, one process: {start:.1f} s to start a worker (read the kept "
            f"prepared catalog), then {per_person * 1000:,.1f} ms per person "
            f"({min(people_wanted, 50)} people)"
        )
        print(
            f"  projected for {TARGET_PEOPLE:,} people x {trials:,} trials with {workers} "
            f"worker(s) on cores of their own: {cpu_projection:,.0f} s "
            f"(aim under {AIM_SECONDS:.0f} s: {'yes' if cpu_projection < AIM_SECONDS else 'no'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
