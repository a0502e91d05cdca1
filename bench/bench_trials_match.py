"""Trial matching speed: parse time per 1,000 trials, and the time to match one person over
a catalog of at least 10,000 trials made by replicating the bundled ones.

Run: `.venv/bin/python bench/bench_trials_match.py` (prints its figures; no network).
Match times are given as CPU time of this process (`time.process_time`, what the matcher
itself costs) and wall time (what a person waits, noisy on a shared machine), each as the
best and the median of the repeats.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from nextline.examples import example_path
from nextline.knowledge import load_knowledge
from nextline.record import load_record
from nextline.trials.catalog import load_default_catalog
from nextline.trials.eligibility import parse_trial
from nextline.trials.matching import match_trials
from nextline.trials.prepared import prepare_catalog

PEOPLE = {
    "hr-positive-esr1": dt.date(2024, 4, 15),
    "her2-positive-brain": dt.date(2025, 3, 1),
    "triple-negative-brca": dt.date(2024, 8, 25),
}
TARGET = 10_000
REPEATS = 9


def main() -> None:
    kb = load_knowledge()
    catalog = load_default_catalog()
    trials = catalog.trials
    parse_trial(trials[0], kb)  # loads spaCy and medspaCy once, outside the timing

    started = time.perf_counter()
    parsed = {t.nct_id: parse_trial(t, kb) for t in trials}
    parse_s = time.perf_counter() - started
    print(
        f"parse: {len(trials)} trials in {parse_s:.1f} s = "
        f"{parse_s / len(trials) * 1000:.1f} s per 1,000 trials"
    )

    copies = -(-TARGET // len(trials))
    big = []
    big_parsed = {}
    for copy in range(copies):
        for trial in trials:
            nct = f"{trial.nct_id}-{copy}"
            big.append(trial.model_copy(update={"nct_id": nct}))
            big_parsed[nct] = parsed[trial.nct_id]
    started = time.perf_counter()
    prepared = prepare_catalog(big, kb, big_parsed)
    prepare_s = time.perf_counter() - started
    print(
        f"prepare: {len(big):,} trials in {prepare_s:.2f} s "
        f"({len(prepared.constraints):,} distinct constraints)"
    )

    for person, as_of in PEOPLE.items():
        record = load_record(example_path(person), kb, as_of)
        match_trials(record, kb, prepared, as_of)  # warm: gazetteer data loaded once
        for show_all in (False, True):
            cpu, wall = [], []
            for _ in range(REPEATS):
                started, started_cpu = time.perf_counter(), time.process_time()
                matches = match_trials(record, kb, prepared, as_of, include_ineligible=show_all)
                cpu.append(time.process_time() - started_cpu)
                wall.append(time.perf_counter() - started)
            label = "with --all" if show_all else "default"
            print(
                f"match {person} ({label}): {len(prepared.plans):,} trials -> "
                f"{len(matches):,} listed; CPU {min(cpu):.3f} s best, "
                f"{statistics.median(cpu):.3f} s median; wall {min(wall):.3f} s best, "
                f"{statistics.median(wall):.3f} s median of {REPEATS} (aim under 0.2 s)"
            )


if __name__ == "__main__":
    main()
