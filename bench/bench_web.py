"""Benchmark the web app's dashboard with 1,000 people stored.

Run: `.venv/bin/python bench/bench_web.py [--requests 600] [--concurrency 4]`

Stores 1,000 people (copies of the three example people with their own ids) in a fresh
SQLite store in a temporary folder, starts `nextline serve` on 127.0.0.1 with a free port in
a separate process, warms it up, then sends a bounded number of GET requests for random
people's dashboards from an asyncio + httpx load generator (loopback only; it stops after
`--requests` requests or `--max-seconds`, whichever comes first). Prints requests per second
and the p50/p95/p99 latency. Aim: p95 under 100 ms.
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

PEOPLE = 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def store_people(home: Path) -> list[str]:
    from nextline.examples import EXAMPLE_IDS, example_path
    from nextline.record import patient_file_data, read_patient_file, validate_patient_data
    from nextline.settings import Settings
    from nextline.store import open_store

    store = open_store(Settings(home=home))
    bases = [patient_file_data(read_patient_file(example_path(i))) for i in EXAMPLE_IDS]
    ids = []
    for n in range(PEOPLE):
        data = dict(bases[n % len(bases)])
        data["patient"] = {**data["patient"], "id": f"person-{n:04d}", "name": f"Person {n}"}
        ids.append(store.save(validate_patient_data(data), "bench")[0])
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument(
        "--concurrency",
        default="1,4",
        help="comma-separated client counts, each measured in turn (one client: the latency "
        "a person sees; more: requests queue on the server's cores)",
    )
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nextline-bench-") as folder:
        home = Path(folder) / "home"
        began = time.perf_counter()
        ids = store_people(home)
        print(f"stored {len(ids)} people in {time.perf_counter() - began:.1f} s")
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
        env["NEXTLINE_HOME"] = str(home)
        nextline = Path(sys.executable).with_name("nextline")
        server = subprocess.Popen(
            [str(nextline), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            import httpx

            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/people", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            # Warm up: first use loads the knowledge base and imports the engines.
            for person in ids[:20]:
                httpx.get(f"{base}/people/{person}", timeout=60)
            failed = 0
            for clients in (int(c) for c in args.concurrency.split(",")):
                latencies, errors, elapsed = asyncio.run(
                    load(base, ids, args.requests, clients, args.max_seconds)
                )
                failed += errors
                report(latencies, errors, elapsed, clients)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0 if failed == 0 else 1


def report(latencies: list[float], errors: int, elapsed: float, clients: int) -> None:
    if not latencies:
        print("no requests were made", file=sys.stderr)
        return
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print(
        f"\ndashboard, {PEOPLE} people stored, {len(ms)} requests, {clients} concurrent "
        f"client(s), {errors} errors"
    )
    print(f"  requests per second: {len(ms) / elapsed:.1f}")
    print(f"  latency ms: p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f}")
    print(f"  p95 under 100 ms: {'yes' if q[94] < 100 else 'no'}")


if __name__ == "__main__":
    raise SystemExit(main())
