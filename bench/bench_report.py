"""Benchmark: time to build one person's summary packet (aim: under 2 s).

For each example person: the briefing (assess + options + questions + plan), the charts,
the HTML, and the PDF (WeasyPrint), each timed; the first run in a process pays for
imports and font loading, so it is reported apart from the median of the next runs.
Trial matching is not included (it is opt-in: `--trials`).

Run: .venv/bin/python bench/bench_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import load_knowledge
from nextline.plan import build_briefing
from nextline.record import load_record
from nextline.report import build_report, render_html, render_pdf

VISIT_DAYS = {
    "hr-positive-esr1": "2024-04-15",
    "her2-positive-brain": "2025-03-01",
    "triple-negative-brca": "2024-08-21",
}


def one_run(person: str) -> dict[str, float]:
    import datetime as dt

    day = dt.date.fromisoformat(VISIT_DAYS[person])
    kb = load_knowledge()
    c0 = time.process_time()
    t0 = time.perf_counter()
    record = load_record(example_path(person), kb, day)
    t1 = time.perf_counter()
    briefing = build_briefing(record, kb, day)
    t2 = time.perf_counter()
    context = build_report(record, kb, day, briefing=briefing)
    t3 = time.perf_counter()
    html = render_html(context, kb)
    t4 = time.perf_counter()
    pdf = render_pdf(html)
    t5 = time.perf_counter()
    cpu = time.process_time() - c0
    assert pdf[:5] == b"%PDF-"
    return {
        "record": t1 - t0,
        "briefing": t2 - t1,
        "charts": t3 - t2,
        "html": t4 - t3,
        "pdf": t5 - t4,
        "total": t5 - t0,
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    load_knowledge()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    t = time.perf_counter()
    first = one_run(EXAMPLE_IDS[0])
    print(
        f"first report in a fresh process (imports, fonts): {first['total']:.2f} s "
        f"({time.perf_counter() - t:.2f} s wall)"
    )
    for person in EXAMPLE_IDS:
        runs = [one_run(person) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        parts = ", ".join(f"{k} {v:.3f}" for k, v in med.items() if k not in ("total", "cpu"))
        verdict = "ok" if med["total"] < 2.0 else "over the 2 s aim"
        print(
            f"{person}: median {med['total']:.2f} s wall, {med['cpu']:.2f} s CPU per report "
            f"over {args.runs} runs ({parts}) — {verdict}"
        )
    print("(wall time grows with the machine's load; CPU time is the process's own work)")


if __name__ == "__main__":
    main()
