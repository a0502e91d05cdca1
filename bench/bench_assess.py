"""Benchmark: `assess_status` records per second, on one core.

10,000 invented records, each with 20 scans (3-5 target lesions, a non-target, the odd new
lesion), three lines of treatment, tumor markers, blood counts and symptom reports. The
records are built first (timed separately); the figure that matters is how many records
`assess_status` reads per second (aim: 5,000).

Each figure is printed with its aim beside it (issue 17). The digest of every status (its
`--json` form) is printed too, and compared with the one stored before the speed-up
(`bench/engine_digest.json`) when the run is the default one: faster must mean identical.

`--parts` adds where the time goes: CPU per record of each part of `assess_status` (RECIST
grouping of scans, RECIST per line, red flags, markers, blood counts, symptoms), each timed
alone, best of the passes, so a speed-up can be aimed at the part that costs most; and the
status's own work, timed with those parts' results looked up.

Run: .venv/bin/python bench/bench_assess.py [--records N] [--scans N] [--profile] [--parts]
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

from nextline.assess import assess_status
from nextline.knowledge import load_knowledge
from nextline.record import PatientFile, PatientRecord, build_record

AS_OF = dt.date(2026, 1, 1)
AIM = 5_000  # records per second of CPU time on one core (issue 17)
LINES = (["letrozole", "palbociclib"], ["fulvestrant", "abemaciclib"], ["paclitaxel"])


def synthetic_file(rng: random.Random, index: int, scans: int) -> dict[str, Any]:
    """One invented person: scans every ~6 weeks from 2022-01-01, three lines."""
    first = dt.date(2022, 1, 1)
    days = [first + dt.timedelta(days=42 * i + rng.randint(0, 5)) for i in range(scans)]
    line_starts = [
        days[0] + dt.timedelta(days=7),
        days[scans // 3] + dt.timedelta(days=3),
        days[2 * scans // 3] + dt.timedelta(days=3),
    ]
    therapies = []
    for n, drugs in enumerate(LINES):
        entry: dict[str, Any] = {
            "setting": "metastatic",
            "drugs": drugs,
            "start": line_starts[n].isoformat(),
        }
        if n < 2:
            entry["stop"] = (line_starts[n + 1] - dt.timedelta(days=2)).isoformat()
            entry["stop_reason"] = "progression"
        therapies.append(entry)
    organs = ["liver", "lung", "adrenal", "skin", "peritoneum"]
    n_targets = rng.randint(3, 5)
    sizes = [float(rng.randint(12, 60)) for _ in range(n_targets)]
    imaging = []
    for i, day in enumerate(days):
        sizes = [max(0.0, round(s * rng.uniform(0.75, 1.3), 1)) for s in sizes]
        lesions: list[dict[str, Any]] = [
            {"id": f"t{j}", "organ": organs[j], "role": "target", "longest_mm": size}
            for j, size in enumerate(sizes)
        ]
        lesions.append({"id": "bone-1", "organ": "bone", "role": "non_target", "status": "present"})
        if rng.random() < 0.08:
            lesions.append({"id": f"new-{i}", "organ": "liver", "role": "new", "longest_mm": 8})
        imaging.append({"date": day.isoformat(), "modality": "CT", "lesions": lesions})
    labs = []
    symptoms = []
    for i, day in enumerate(days):
        labs.append(
            {
                "date": day.isoformat(),
                "test": "CA 15-3",
                "value": rng.randint(15, 120),
                "unit": "U/mL",
            }
        )
        if i % 2 == 0:
            labs.append(
                {
                    "date": day.isoformat(),
                    "test": "ANC",
                    "value": rng.randint(600, 4000),
                    "unit": "cells/mm3",
                }
            )
            labs.append(
                {
                    "date": day.isoformat(),
                    "test": "platelets",
                    "value": rng.randint(60, 300),
                    "unit": "10^9/L",
                }
            )
            symptoms.append(
                {
                    "date": day.isoformat(),
                    "esas": {"pain": rng.randint(0, 9), "tiredness": rng.randint(0, 9)},
                    "notes": rng.choice(["", "tired", "back pain and weak legs"]),
                }
            )
    return {
        "nextline": 1,
        "patient": {"id": f"bench-{index}", "sex": "female", "menopausal_status": "postmenopausal"},
        "diagnosis": {"metastatic_since": "2021-12-01"},
        "metastases": [
            {"site": "bone", "since": "2021-12-01"},
            {"site": "liver", "since": "2021-12-01"},
        ],
        "therapies": therapies,
        "imaging": imaging,
        "labs": labs,
        "symptoms": symptoms,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5, help="passes; the best is shown")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--parts", action="store_true", help="CPU per record of each part")
    args = parser.parse_args(argv)

    kb = load_knowledge()
    rng = random.Random(20261202)
    started = time.perf_counter()
    records: list[PatientRecord] = [
        build_record(PatientFile.model_validate(synthetic_file(rng, i, args.scans)), kb, AS_OF)
        for i in range(args.records)
    ]
    built = time.perf_counter() - started
    print(
        f"built {len(records):,} records with {args.scans} scans each in {built:.2f} s "
        f"({len(records) / built:,.0f} records/s, not part of the figure)"
    )

    for record in records[:50]:  # warm up
        assess_status(record, kb, AS_OF)
    print(
        f"reference: {reference_loop():.3f} s CPU for 10 million additions in a Python loop "
        "(compare machines with this)"
    )
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    best_wall = best_cpu = float("inf")
    overall: dict[str, int] = {}
    for _ in range(max(1, args.repeats)):
        if profiler:
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        overall = {}
        for record in records:
            status = assess_status(record, kb, AS_OF)
            overall[status.overall] = overall.get(status.overall, 0) + 1
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
        if profiler:
            profiler.disable()
    n = len(records)
    rate = n / best_cpu if best_cpu > 0 else float("inf")
    print(f"assess_status, best of {args.repeats} passes over {n:,} records:")
    print(
        f"  CPU time:  {best_cpu:.2f} s = {rate:,.0f} records/s "
        f"({best_cpu / n * 1e6:,.0f} µs each) | aim ≥ {AIM:,} records/s on one core: "
        f"{'met' if rate >= AIM else 'not yet'} ({rate / AIM:.0%} of the aim)"
    )
    print(
        f"  wall time: {best_wall:.2f} s = {n / best_wall:,.0f} records/s "
        "(lower than CPU when other processes share the cores)"
    )
    print("overall:", ", ".join(f"{k} {v:,}" for k, v in sorted(overall.items())))
    from nextline import _native

    compiled = _native.compiled_now()
    print(
        "engine: "
        + (f"compiled with mypyc: {', '.join(compiled)}" if compiled else "plain Python")
        + " (scripts/build_native.py; NEXTLINE_PURE_PYTHON=1 runs the plain source)"
    )
    if args.parts:
        print_parts(records, kb, max(1, args.repeats), best_cpu / n)
    print_digest(records, kb, default=(args.records, args.scans) == (10_000, 20))
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def print_digest(records: list[PatientRecord], kb: Any, default: bool) -> None:
    """The digest of every status's JSON; on the default run, whether it is the stored one."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import engine_digest

    digest = engine_digest.combine(engine_digest.status_digest(r, kb, AS_OF) for r in records)
    print(f"digest of every status (--json): {digest}")
    if default:
        stored = engine_digest.stored()["full"]["bench_assess 10000 records, status"]
        same = "identical to" if digest == stored else "DIFFERENT FROM"
        print(f"  {same} the digest stored before the speed-up ({stored[:16]}…)")


def print_parts(records: list[PatientRecord], kb: Any, repeats: int, whole: float) -> None:
    """CPU µs per record of each part of `assess_status`, each timed alone (best of
    `repeats`); what is left of the whole is the status itself (evidence, sources, words)."""
    from nextline.assess.blood_counts import assess_blood_counts
    from nextline.assess.recist import assess_lines, group_assessments
    from nextline.assess.red_flags import find_red_flags
    from nextline.assess.symptoms import symptom_trends
    from nextline.assess.tumor_markers import marker_trends

    know = kb.assess
    rules = know.recist
    too_small = rules.too_small_default_mm.value
    inputs = []
    for record in records:
        lines = record.lines_as_of(AS_OF)
        focus = next((line for line in reversed(lines) if line.stop is None), None) or (
            lines[-1] if lines else None
        )
        before = lines[-2].start if len(lines) > 1 else None
        inputs.append((record, lines, focus, before))
    parts: dict[str, Any] = {
        "RECIST: grouping scans into assessments": lambda r, lines, f, b: group_assessments(
            r.scan_readings, AS_OF, too_small
        ),
        "RECIST: every line (grouping included)": lambda r, lines, f, b: assess_lines(
            lines, r.scan_readings, rules, AS_OF
        ),
        "red flags": lambda r, lines, f, b: find_red_flags(r, know, AS_OF),
        "tumor markers": lambda r, lines, f, b: marker_trends(r, f, know.markers, AS_OF, b),
        "blood counts": lambda r, lines, f, b: assess_blood_counts(r, f, know.blood_counts, AS_OF),
        "symptoms": lambda r, lines, f, b: symptom_trends(r, know.esas, AS_OF),
    }
    print(f"where the time goes (CPU µs per record, best of {repeats}; whole: {whole * 1e6:,.0f}):")
    counted = 0.0
    for name, part in parts.items():
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            for one in inputs:
                part(*one)
            best = min(best, time.process_time() - started)
        each = best / len(inputs)
        if not name.startswith("RECIST: grouping"):
            counted += each
        print(f"  {name:42s} {each * 1e6:7.1f} µs ({each / whole:.0%})")
    rest = whole - counted
    # parts timed alone run warmer (caches, branch history) than inside the whole
    name = "the rest: status, smaller parts, running together"
    print(f"  {name:42s} {rest * 1e6:7.1f} µs ({rest / whole:.0%})")
    own = status_itself(records, kb, repeats)
    name = "  of it, the status itself (parts' results kept)"
    print(f"  {name:42s} {own * 1e6:7.1f} µs ({own / whole:.0%})")


def status_itself(records: list[PatientRecord], kb: Any, repeats: int) -> float:
    """CPU per record of `assess_status` with the results of the parts above (RECIST, red
    flags, markers, blood counts, symptoms) worked out before the timer and looked up: what
    is left is the status's own work (lines as of the date, evidence, sources, the smaller
    readers, building the result), measured rather than left over from a subtraction."""
    from unittest import mock

    from nextline.assess import status as status_module

    parts = ("grouped_scans", "assess_grouped", "find_red_flags", "marker_trends")
    parts += ("assess_blood_counts", "symptom_trends")
    kept: dict[tuple[str, int], Any] = {}
    now: list[int] = [0]  # the index of the record being assessed: the key of its results

    def keeping(name: str) -> Any:
        real = getattr(status_module, name)

        def look_up(*args: Any) -> Any:
            key = (name, now[0])
            if key not in kept:
                kept[key] = real(*args)
            return kept[key]

        return look_up

    with mock.patch.multiple(status_module, **{name: keeping(name) for name in parts}):
        for now[0], record in enumerate(records):  # every part's result, before the timer
            assess_status(record, kb, AS_OF)
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            for now[0], record in enumerate(records):
                assess_status(record, kb, AS_OF)
            best = min(best, time.process_time() - started)
    return best / len(records)


def reference_loop() -> float:
    """CPU seconds for a fixed pure-Python workload, to compare one machine with another."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started


if __name__ == "__main__":
    main()
