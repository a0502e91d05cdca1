"""Options engine benchmark: `list_options` over 10,000 varied records on one core.

Run with `.venv/bin/python bench/bench_options.py [--records N] [--profile]`. Builds N
synthetic people (seeded, so every run sees the same ones) across the three subtypes, with
varied HER2 categories, gene results, menopausal status, sites and treatment histories; then
times the engine alone (records are built beforehand; the verdicts are counted after the
timed pass, not in it) and prints records per second and options judged per second.
`--profile` prints the top functions by their own CPU time (tottime).
`--first-passes K` (default 3) times the first pass K times in all, each time with
everything the engine kept forgotten first (`engine.forget_kept`), and prints the best: the
figure for people new to the engine, steadier than one pass on a busy machine.
`--repeat K` (default 3) also times K more passes over the same records, each in short
chunks, and prints the best chunk rate: on a shared machine a single pass swings by a third,
while the best chunk is close to what one idle core does.

The engine keeps what it works out (the treatment history as the rules read it, by the
treatments themselves; rule answers by the facts they read; parts of the list, each up to
six options of one group, by the numbers of their rules' answers and the few other facts
they read; each test to consider by what it reads; each person's whole list by its parts;
every table bounded): the first pass meets every
person for the first time, but most of each new person's list is parts already built for
others; the later passes meet people whose answers the engine already holds (what a
dashboard or a nightly re-match sees for people whose record did not change). Both figures
are printed, each with the aim beside it; the first is the engine's speed on new people.

`--own-dates` gives every person treatment dates of their own (`_own_dates`): the default
people share five histories with the same dates, which the engine keeps, so they measure
people whose histories repeat; with their own dates, nearly every history is new, as in a
real program (`make bench` prints both).

Each figure is printed with its aim beside it (issue 17: 10,000 people per second on one
core). The digest of every result (its `--json` form) is printed too, and compared with the
one stored before the speed-up (`bench/engine_digest.json`) on the default run.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AS_OF = dt.date(2025, 10, 1)
AIM = 10_000  # people per second of CPU time on one core (issue 17)
HISTORIES: list[list[dict[str, Any]]] = [
    [],
    [
        {
            "setting": "metastatic",
            "drugs": ["letrozole", "Ibrance"],
            "start": "2021-02-01",
            "stop": "2023-06-01",
            "stop_reason": "progression",
        }
    ],
    [
        {
            "setting": "adjuvant",
            "drugs": ["anastrozole"],
            "start": "2016-01-01",
            "stop": "2020-06-01",
            "stop_reason": "completed",
        },
        {
            "setting": "metastatic",
            "drugs": ["fulvestrant", "Kisqali"],
            "start": "2021-02-01",
            "stop": "2022-09-01",
            "stop_reason": "progression",
        },
        {
            "setting": "metastatic",
            "drugs": ["capecitabine"],
            "start": "2022-09-15",
            "stop": "2023-09-01",
            "stop_reason": "toxicity",
        },
    ],
    [
        {
            "setting": "metastatic",
            "drugs": ["docetaxel", "Herceptin", "pertuzumab"],
            "start": "2021-02-01",
            "stop": "2022-06-01",
            "stop_reason": "progression",
        },
        {
            "setting": "metastatic",
            "drugs": ["Enhertu"],
            "start": "2022-06-15",
            "stop": "2024-01-01",
            "stop_reason": "progression",
        },
    ],
    [
        {
            "setting": "neoadjuvant",
            "drugs": ["carboplatin", "paclitaxel"],
            "start": "2020-01-01",
            "stop": "2020-05-01",
            "stop_reason": "completed",
        },
        {
            "setting": "metastatic",
            "drugs": ["pembrolizumab", "Taxol"],
            "start": "2021-02-01",
            "stop": "2022-02-01",
            "stop_reason": "progression",
        },
    ],
]


def _person(rng: random.Random, index: int) -> dict[str, Any]:
    er = rng.choice([0, 0, 5, 60, 90, None])
    her2 = rng.choice(
        [
            {"ihc": "0", "ultralow": False},
            {"ihc": "0"},
            {"ihc": "1+"},
            {"ihc": "3+"},
            {"ihc": "2+", "ish": "not_amplified"},
            {"result": "negative"},
        ]
    )
    test: dict[str, Any] = {"date": "2021-01-05", "her2": her2}
    if er is not None:
        test["er"] = {"percent": er}
        test["pr"] = {"percent": rng.choice([0, 20])}
    if rng.random() < 0.3:
        test["pdl1"] = {"assay": "22C3", "cps": rng.choice([1, 10, 25])}
    tests = [test]
    if rng.random() < 0.6:
        gene = rng.choice(["ESR1", "PIK3CA", "AKT1", "PTEN"])
        tests.append(
            {
                "date": "2023-07-01",
                "variants": [{"gene": gene}],
                "not_detected": [g for g in ("ESR1", "PIK3CA") if g != gene],
            }
        )
    female = rng.random() < 0.97
    patient: dict[str, Any] = {"id": f"bench-{index}", "sex": "female" if female else "male"}
    if female:
        patient["menopausal_status"] = rng.choice(["premenopausal", "postmenopausal"])
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": patient,
        "diagnosis": {"metastatic_since": "2021-01-01"},
        "tumor_tests": tests,
        "metastases": [
            {"site": s, "since": "2021-01-01"}
            for s in rng.sample(["bone", "liver", "lung", "brain"], 2)
        ],
        "therapies": rng.choice(HISTORIES),
        "comorbidities": [{"condition": "diabetes"}] if rng.random() < 0.1 else [],
        "symptoms": [{"date": "2025-09-01", "esas": {"pain": rng.randint(0, 9)}}],
    }
    if rng.random() < 0.5:
        data["germline_tests"] = [
            {
                "date": "2021-02-01",
                "genes_tested": ["BRCA1", "BRCA2"],
                "variants": [{"gene": "BRCA1", "classification": "pathogenic"}]
                if rng.random() < 0.2
                else [],
            }
        ]
    return data


def _own_dates(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """The same person with dates of their own: the whole story moved back by up to a year,
    and each treatment started up to a month later and stopped up to a month sooner (gaps
    between treatments are at least two weeks, so none overlaps another). In a real program
    no two people share every date of their treatment history; here none does either."""
    shift = dt.timedelta(days=rng.randrange(365))

    def moved(day: str, by: int = 0) -> str:
        return (dt.date.fromisoformat(day) - shift + dt.timedelta(days=by)).isoformat()

    changed = dict(data)
    changed["diagnosis"] = {"metastatic_since": moved(data["diagnosis"]["metastatic_since"])}
    changed["metastases"] = [{**m, "since": moved(m["since"])} for m in data["metastases"]]
    changed["therapies"] = [
        {
            **t,
            "start": moved(t["start"], rng.randrange(15)),
            "stop": moved(t["stop"], -rng.randrange(15)),
        }
        for t in data["therapies"]
    ]
    return changed


def _cpu_seconds(list_options: Any, records: list[Any], kb: Any) -> float:
    start = time.process_time()
    for record in records:
        list_options(record, kb, AS_OF)
    return time.process_time() - start


def _aim(rate: float) -> str:
    return f"aim ≥ {AIM:,}/s on one core: {'met' if rate >= AIM else 'not yet'} ({rate / AIM:.0%})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--first-passes", type=int, default=3)
    parser.add_argument(
        "--own-dates",
        action="store_true",
        help="give every person treatment dates of their own (the default people share the "
        "dates of five histories, so an engine that keeps a history by its dates meets each "
        "one again): the figure for people none of whose histories repeat",
    )
    args = parser.parse_args(argv)

    from nextline.knowledge import load_knowledge
    from nextline.options import list_options
    from nextline.record import build_record, validate_patient_data

    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    print(
        f"machine calibration: 10M integer additions in {time.perf_counter() - start:.2f} s "
        "(about 0.4 s on an idle laptop core; higher means a slower or busier machine)"
    )

    kb = load_knowledge()
    rng = random.Random(20261202)
    start = time.perf_counter()
    people = [_person(rng, i) for i in range(args.records)]
    if args.own_dates:
        dates = random.Random(20261206)
        people = [_own_dates(dates, person) for person in people]
    records = [build_record(validate_patient_data(p), kb, AS_OF) for p in people]
    built = time.perf_counter() - start
    print(f"built {len(records)} records in {built:.1f} s (not part of the figure below)")

    list_options(records[0], kb, AS_OF)  # warm the per-knowledge-base lookups
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    if profiler:
        profiler.enable()
    start = time.perf_counter()
    cpu_start = time.process_time()
    judged = 0
    for record in records:  # the engine alone: what the bench counts is counted below
        judged += len(list_options(record, kb, AS_OF).options)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if profiler:
        profiler.disable()
    verdicts = {"fits": 0, "may_fit": 0, "does_not_fit": 0}
    for record in records:  # not timed: the same answers, now kept
        for option in list_options(record, kb, AS_OF).options:
            verdicts[option.verdict] += 1
    per_record = elapsed / len(records) * 1e6
    print(
        f"list_options: {len(records) / elapsed:,.0f} records per second "
        f"({per_record:.0f} µs each), one core, wall clock"
    )
    cpu_rate = len(records) / cpu if cpu > 0 else float("inf")
    print(
        f"list_options, first pass (each person new to the engine): {cpu_rate:,.0f} records "
        f"per second of CPU time ({cpu / len(records) * 1e6:.0f} µs each; less sensitive to "
        "a busy machine) | " + _aim(cpu_rate)
    )
    print(
        f"options judged: {judged / elapsed:,.0f} per second "
        f"({judged // len(records)} options per record)"
    )
    print(f"verdicts: {verdicts}")
    if args.first_passes > 1 and not profiler:
        from nextline.options.engine import forget_kept

        fresh = []
        for _ in range(args.first_passes - 1):  # the pass above was the first of them
            forget_kept()
            list_options(records[0], kb, AS_OF)  # warm the per-knowledge-base lookups
            fresh.append(_cpu_seconds(list_options, records, kb))
        first = min(cpu, *fresh)
        rate = len(records) / first if first > 0 else float("inf")
        print(
            f"list_options, first pass, best of {args.first_passes} (each time with everything "
            f"the engine kept forgotten): {rate:,.0f} records per second of CPU time "
            f"({first / len(records) * 1e6:.0f} µs each) | " + _aim(rate)
        )
    if args.repeat > 0 and not profiler:
        chunk = min(500, len(records))
        best = min(
            _cpu_seconds(list_options, records[i : i + chunk], kb) / len(records[i : i + chunk])
            for _ in range(args.repeat)
            for i in range(0, len(records), chunk)
        )
        rate = 1 / best if best > 0 else float("inf")
        print(
            f"list_options, people seen before: {rate:,.0f} records per second of CPU time in "
            f"the best {chunk}-record chunk of {args.repeat} more passes ({best * 1e6:.0f} µs "
            "each) | " + _aim(rate)
        )
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import engine_digest

    digest = engine_digest.combine(engine_digest.options_digest(r, kb, AS_OF) for r in records)
    print(f"digest of every result (--json): {digest}")
    if args.records == 10_000 and not args.own_dates:
        stored = engine_digest.stored()["full"]["bench_options 10000 records, options"]
        same = "identical to" if digest == stored else "DIFFERENT FROM"
        print(f"  {same} the digest stored before the speed-up ({stored[:16]}…)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
