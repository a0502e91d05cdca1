"""Benchmark the web app: the dashboard under many clients, and the first trials page.

Run: `.venv/bin/python bench/bench_web.py [--people 1000] [--clients 1,4] [--workers 1]`;
the issue's figure: `--people 10000 --clients 16 --workers 2`.

Stores --people people (copies of the three example people with their own ids) in a fresh
SQLite store in a temporary folder, starts `nextline serve --workers N` on 127.0.0.1 with a
free port in a separate process, and measures:

- the first trials page: from the moment the server first answers, how long until a
  person's trials list is shown (the catalog is read in the background from start-up; the
  page shows "Reading the trial catalog" until then). Aim: under 1 s.
- the dashboard: after a warm-up, a bounded number of GET requests for random people's
  dashboards from an asyncio + httpx load generator with --clients concurrent clients
  (loopback only; it stops after `--requests` requests or `--max-seconds`). Prints requests
  per second and p50/p95/p99 latency with the aims beside them: p95 under 50 ms, p99 under
  100 ms.

Latency on a shared machine is noisy: the load average is printed beside each figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIM_P95_MS = 50.0
AIM_P99_MS = 100.0
AIM_FIRST_TRIALS_S = 1.0
WAITING = "Reading the trial catalog"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def store_people(home: Path, people: int) -> list[str]:
    from nextline.examples import EXAMPLE_IDS, example_path
    from nextline.record import patient_file_data, read_patient_file, validate_patient_data
    from nextline.settings import Settings
    from nextline.store import open_store

    store = open_store(Settings(home=home))
    bases = [patient_file_data(read_patient_file(example_path(i))) for i in EXAMPLE_IDS]
    ids = []
    for n in range(people):
        data = dict(bases[n % len(bases)])
        data["patient"] = {**data["patient"], "id": f"person-{n:05d}", "name": f"Person {n}"}
        ids.append(store.save(validate_patient_data(data), "bench", base=None)[0])
    return ids


async def load(
    base: str, ids: list[str], requests: int, concurrency: int, max_seconds: float
) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + max_seconds
    counter = iter(range(requests))
    rng = random.Random(7)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for _ in counter:
            if time.monotonic() > stop_at:
                return
            start = time.perf_counter()
            response = await client.get(f"{base}/people/{rng.choice(ids)}")
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                errors += 1

    began = time.perf_counter()
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - began


def first_trials_page(base: str, person: str, limit_s: float = 300.0) -> tuple[float, float]:
    """(seconds until the trials list was shown, seconds the request that showed it took),
    asking as the page does: the results part again until the catalog has been read."""
    import httpx

    began = time.perf_counter()
    with httpx.Client(timeout=limit_s) as client:
        while True:
            start = time.perf_counter()
            response = client.get(f"{base}/people/{person}/trials/results")
            took = time.perf_counter() - start
            if response.status_code != 200:
                raise RuntimeError(f"trials page: HTTP {response.status_code}")
            if WAITING not in response.text:
                return time.perf_counter() - began, took
            if time.perf_counter() - began > limit_s:
                raise RuntimeError("the trials list did not appear")
            time.sleep(0.1)


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument(
        "--clients",
        "--concurrency",
        default="1,4",
        help="comma-separated client counts, each measured in turn (one client: the latency "
        "a person sees; more: requests queue on the server's cores)",
    )
    parser.add_argument("--workers", type=int, default=1, help="`nextline serve --workers`")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nextline-bench-") as folder:
        home = Path(folder) / "home"
        began = time.perf_counter()
        ids = store_people(home, args.people)
        print(f"stored {len(ids):,} people in {time.perf_counter() - began:.1f} s")
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
        env["NEXTLINE_HOME"] = str(home)
        nextline = Path(sys.executable).with_name("nextline")
        launched = time.perf_counter()
        server = subprocess.Popen(
            [str(nextline), "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        failed = 0
        try:
            base = f"http://127.0.0.1:{port}"
            import httpx

            deadline = time.monotonic() + 120
            while True:
                try:  # a static file: answered as soon as a process is up
                    if httpx.get(f"{base}/static/app.css", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.05)
            up = time.perf_counter() - launched
            shown, took = first_trials_page(base, ids[0])
            print(
                f"\nserver: {args.workers} process(es), answering {up:.1f} s after launch "
                f"(load average {load_average()})"
            )
            print(
                f"first trials page: list shown {shown:.2f} s after the server first answered "
                f"(aim under {AIM_FIRST_TRIALS_S:.0f} s: "
                f"{'yes' if shown < AIM_FIRST_TRIALS_S else 'no'}); that request took "
                f"{took * 1000:.0f} ms"
            )
            start = time.perf_counter()
            listed = httpx.get(f"{base}/people", timeout=300)
            print(
                f"people list page ({len(ids):,} people, HTTP {listed.status_code}): "
                f"{time.perf_counter() - start:.2f} s"
            )
            # Warm up: first use imports the engines in every process.
            for person in ids[: 20 * args.workers]:
                httpx.get(f"{base}/people/{person}", timeout=60)
            for clients in (int(c) for c in args.clients.split(",")):
                latencies, errors, elapsed = asyncio.run(
                    load(base, ids, args.requests, clients, args.max_seconds)
                )
                failed += errors
                report(latencies, errors, elapsed, clients, len(ids), args.workers)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0 if failed == 0 else 1


def report(
    latencies: list[float], errors: int, elapsed: float, clients: int, people: int, workers: int
) -> None:
    if not latencies:
        print("no requests were made", file=sys.stderr)
        return
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print(
        f"\ndashboard, {people:,} people stored, {workers} server process(es), {len(ms)} "
        f"requests, {clients} concurrent client(s), {errors} errors "
        f"(load average {load_average()})"
    )
    print(f"  requests per second: {len(ms) / elapsed:.1f}")
    print(f"  latency ms: p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f}")
    print(
        f"  aims: p95 under {AIM_P95_MS:.0f} ms: {'yes' if q[94] < AIM_P95_MS else 'no'}; "
        f"p99 under {AIM_P99_MS:.0f} ms: {'yes' if q[98] < AIM_P99_MS else 'no'}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
