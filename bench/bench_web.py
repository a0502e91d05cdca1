"""Benchmark the web app: the dashboard under many clients, and the people list.

Run: `.venv/bin/python bench/bench_web.py [--people 1000] [--clients 1,16] [--workers 2]`
(`make bench`: these defaults, a short profile);
the issue's figure: `--people 10000 --clients 16 --workers 2`. `--home DIR` keeps the
stored people in DIR and uses them again next time (storing 10,000 takes a minute or two).

Stores --people people (copies of the three example people with their own ids) in a fresh
SQLite store in a temporary folder, starts `nextline serve --workers N` on 127.0.0.1 with a
free port in a separate process, and measures:

(The first trials page after a start is `bench/bench_web_trials.py`'s figure; here every
server process reads the catalog before the dashboard is timed.)
- the dashboard: after a warm-up, a bounded number of GET requests for people's dashboards
  from --clients concurrent clients in a closed loop (each asks again as soon as its answer
  has come: no thinking time), each on one kept-alive connection with its session cookie,
  as a browser tab (loopback only; it stops after `--requests` requests or
  `--max-seconds`). The load generator runs on the same 2 cores as the server, so it is a
  lean one (`HttpConnection`, about 0.2-0.3 ms of CPU a request; httpx's async client, kept
  as `--load-generator httpx`, took 3.7 ms, more than the server's cached dashboard) and
  its own CPU per request is printed beside the server's. Three kinds of views:
  - first views, computed by the server: every request a person not shown since the server
    started and whose dashboard nobody computed today. The server runs with its keeper off
    (`--keep-at-start 0 --no-follow`); in use, the keeper (`web.keeper`) keeps everyone at
    start and each person again within seconds of a change, so this is the worst case: a
    person changed a moment ago, or asked for before the keeper reached them;
  - first views, kept beforehand: people not shown by this server, but whose dashboard
    (content and drawn page) was kept in the database earlier today, as the nightly
    `nextline web keep-views` or another server process does (`web.keep_views`,
    `store.views`; the bench keeps them before it starts the server);
  - repeat views: people already shown (a working set of `--working-set` people), as a
    person or their navigator opens the same dashboard again during the day; the server
    keeps each computed dashboard per record version and date (`web/view_cache.py`) and
    each drawn page (`web/page_cache.py`), in memory and in the database.
  First (unless `--no-floor`) it times a trivial ASGI app under the same server settings
  (`bench/web_floor_app.py`): the least any answer costs on this machine.
  Prints requests per second, p50/p95/p99 latency with the aims beside them (p95 under
  50 ms, p99 under 100 ms), and the server's CPU per request (all its processes, read from
  /proc), the figure that does not depend on what else the machine is doing.
Last (unless `--no-keeper`) it times the keeper alone keeping every stored person's
dashboard from none kept, as after a start: how long until no first view is computed.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AIM_P95_MS = 50.0
AIM_P99_MS = 100.0
WAITING = "Reading the trial catalog"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def store_people(home: Path, people: int) -> list[str]:
    """Store `people` people (those already stored under these ids are kept as they are)."""
    from nextline.examples import EXAMPLE_IDS, example_path
    from nextline.record import patient_file_data, read_patient_file, validate_patient_data
    from nextline.settings import Settings
    from nextline.store import open_store

    store = open_store(Settings(home=home))
    stored = {p.id for p in store.list()}
    bases = [patient_file_data(read_patient_file(example_path(i))) for i in EXAMPLE_IDS]
    ids = []
    for n in range(people):
        person = f"person-{n:05d}"
        if person not in stored:
            data = dict(bases[n % len(bases)])
            data["patient"] = {**data["patient"], "id": person, "name": f"Person {n}"}
            store.save(validate_patient_data(data), "bench", base=None)
        ids.append(person)
    store.engine.dispose()
    return ids


def forget_kept_dashboards(home: Path) -> None:
    """Delete every kept dashboard (content and drawn pages) in the store in `home`."""
    from sqlalchemy import delete

    from nextline.settings import Settings
    from nextline.store import open_store
    from nextline.store.tables import DashboardPageRow, DashboardViewRow

    store = open_store(Settings(home=home))
    with store.engine.begin() as connection:
        connection.execute(delete(DashboardViewRow))
        connection.execute(delete(DashboardPageRow))
    store.engine.dispose()


def keep_views(home: Path, people: list[str]) -> float:
    """Start from no kept dashboards, then keep those of `people` in this process as the
    nightly `nextline web keep-views` does (`web.keep_views`: the computed content and the
    local user's drawn page, in the database). Returns the CPU seconds per person it took."""
    from nextline.settings import Settings
    from nextline.web import create_app
    from nextline.web.keep_views import keep_views as keep

    forget_kept_dashboards(home)
    app = create_app(Settings(home=home))
    state = app.state.web
    began = time.process_time()
    keep(app, people)
    took = (time.process_time() - began) / max(len(people), 1)
    state.store.engine.dispose()
    return took


def keeper_catch_up(home: Path) -> tuple[float, float, int]:
    """Start from no kept dashboards and run the server's keeper once over everyone, as
    after a start (`web.keeper`, at the lowest priority, not following changes). Returns its
    wall seconds, its CPU seconds, and how many dashboards were kept then."""
    import resource

    from sqlalchemy import func, select

    from nextline.settings import Settings
    from nextline.store import open_store
    from nextline.store.tables import DashboardViewRow

    forget_kept_dashboards(home)
    store = open_store(Settings(home=home))
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    env["NEXTLINE_HOME"] = str(home)
    command = [sys.executable, "-m", "nextline.web.keeper", "--parent", str(os.getpid())]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([*command, "--no-follow"], env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with store.engine.connect() as connection:
        kept = int(connection.execute(select(func.count()).select_from(DashboardViewRow)).scalar())
    store.engine.dispose()
    return wall, cpu, kept


def _children(pid: int) -> set[int]:
    """`pid` and every process started under it (uvicorn's workers), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {pid}
    grew = True
    while grew:
        found = {child for child, parent in parents.items() if parent in tree}
        grew = not found <= tree
        tree |= found
    return tree


class ProcessWatcher:
    """Counts the distinct server processes seen under the server (every half second), so a
    worker killed and started again by uvicorn's supervisor shows in the figures."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self._seen: set[int] = set()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            for process in _children(self.pid) - {self.pid}:
                try:
                    command = (Path("/proc") / str(process) / "cmdline").read_bytes()
                except OSError:
                    continue
                # uvicorn's workers only: not multiprocessing's helper, nor the keeper
                # (`web.keeper`, which for a moment after its fork still reads as the server)
                if b"spawn_main" in command:
                    self._seen.add(process)

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    @property
    def processes_seen(self) -> int:
        return len(self._seen)


def server_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by the server and its worker processes;
    None where /proc cannot say (not Linux)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for process in _children(pid):
            try:
                fields = (Path("/proc") / str(process) / "stat").read_text().rsplit(")", 1)[1]
            except OSError:
                continue
            parts = fields.split()
            total += int(parts[11]) + int(parts[12])  # utime, stime (fields 14 and 15)
        return total / ticks
    except (OSError, ValueError):
        return None


class HttpConnection:
    """One keep-alive HTTP/1.1 connection that sends GET requests and reads whole answers,
    keeping the session cookie the server sets, as a browser tab does.

    Why not httpx: its async client costs about as much CPU per request as the server's
    cached dashboard does, and on a 2-core machine the load generator takes that CPU from
    the server it measures. This speaks only what the bench needs (GET, `content-length`
    or chunked answers) in a few hundred microseconds a request."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None and self._writer is not None
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        self._writer.write((request + "\r\n").encode("latin-1"))
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = None
        chunked = False
        closing = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.strip().lower() == "close":
                closing = True
            elif name == "set-cookie":
                pair = value.split(";", 1)[0].strip()
                key, _, kept = pair.partition("=")
                self.cookies[key] = kept
        if chunked:
            body = b""
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += (await self._reader.readexactly(size + 2))[:size]
                if size == 0:
                    break
        else:
            body = await self._reader.readexactly(length or 0)
        if closing:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


@dataclass(frozen=True)
class Load:
    """What one timed run of the load generator gave."""

    latencies: list[float]  # seconds, one per request
    errors: int
    elapsed: float  # wall seconds
    cpu: float  # the load generator's own CPU seconds (this process)


async def load(
    base: str, people: list[str], concurrency: int, max_seconds: float, generator: str = "raw"
) -> Load:
    """Ask for each dashboard in `people`, in order, with `concurrency` clients in a closed
    loop: each client sends its next request as soon as its last answer has arrived (no
    thinking time), so the figures are those of a server kept busy."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + max_seconds
    queue = iter(people)
    host, port = base.removeprefix("http://").rsplit(":", 1)

    async def ask(get: Any) -> None:
        nonlocal errors
        for person in queue:
            if time.monotonic() > stop_at:
                return
            start = time.perf_counter()
            status = await get(f"/people/{person}")
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors += 1

    cpu = time.process_time()
    began = time.perf_counter()
    if generator == "httpx":
        import httpx

        async with httpx.AsyncClient(timeout=30) as client:

            async def get_httpx(path: str) -> int:
                return (await client.get(base + path)).status_code

            await asyncio.gather(*(ask(get_httpx) for _ in range(concurrency)))
    else:
        connections = [HttpConnection(host, int(port)) for _ in range(concurrency)]

        def getter(connection: HttpConnection) -> Any:
            async def get_raw(path: str) -> int:
                return (await connection.get(path))[0]

            return get_raw

        try:
            await asyncio.gather(*(ask(getter(c)) for c in connections))
        finally:
            for connection in connections:
                await connection.close()
    return Load(latencies, errors, time.perf_counter() - began, time.process_time() - cpu)


def all_workers_have_the_catalog(base: str, person: str, workers: int) -> None:
    """Ask for the trials list on fresh connections until it is shown several times in a
    row, so every server process has read the catalog before the dashboard is timed (a
    process still reading it would take CPU from the others)."""
    import httpx

    in_a_row = 0
    deadline = time.monotonic() + 300
    while in_a_row < 4 * workers and time.monotonic() < deadline:
        response = httpx.get(f"{base}/people/{person}/trials/results", timeout=300)
        in_a_row = in_a_row + 1 if WAITING not in response.text else 0
        if in_a_row == 0:
            time.sleep(0.2)


def measured_load(
    pid: int,
    base: str,
    people: list[str],
    clients: int,
    max_seconds: float,
    generator: str = "raw",
) -> tuple[Load, float | None]:
    """One `load` run, and the server's CPU seconds per answered request over it (None when
    /proc cannot be read or nothing was answered)."""
    cpu = server_cpu_seconds(pid)
    done = asyncio.run(load(base, people, clients, max_seconds, generator))
    used = server_cpu_seconds(pid)
    if cpu is None or used is None or not done.latencies:
        return done, None
    return done, (used - cpu) / len(done.latencies)


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def wait_until_up(base: str, path: str, server: subprocess.Popen[bytes]) -> bool:
    """Ask for `path` until the server answers 200 (False: it exited or took 2 minutes)."""
    import httpx

    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(base + path, timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            return False
        time.sleep(0.05)


def measure_floor(workers: int, counts: list[int], requests: int, max_seconds: float) -> int:
    """Time the floor (`bench/web_floor_app.py`): the same uvicorn settings, processes,
    load generator and clients as the dashboard, an app that does nothing. Returns the
    number of failed requests."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("web_floor_app.py")),
            str(port),
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    failed = 0
    try:
        base = f"http://127.0.0.1:{port}"
        if not wait_until_up(base, "/", server):
            print("the floor server did not start", file=sys.stderr)
            return 1
        paths = [f"floor-{n}" for n in range(max(requests, 2))]
        asyncio.run(load(base, paths[:50], max(counts), max_seconds))  # warm up
        for clients in counts:
            done, per_request = measured_load(server.pid, base, paths, clients, max_seconds)
            failed += done.errors
            report(
                done,
                Run("the floor: a trivial ASGI app, same server", clients, 0, workers, per_request),
                "raw",
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300, help="per kind and client count")
    parser.add_argument(
        "--working-set",
        type=int,
        default=160,
        help="people the repeat views are spread over (16 clients x 10 people)",
    )
    parser.add_argument("--home", type=Path, help="keep the stored people here and reuse them")
    parser.add_argument(
        "--clients",
        "--concurrency",
        default="1,16",
        help="comma-separated client counts, each measured in turn (one client: the latency "
        "a person sees; more: requests queue on the server's cores)",
    )
    parser.add_argument("--workers", type=int, default=2, help="`nextline serve --workers`")
    parser.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="first time a trivial ASGI app under the same server settings, load generator "
        "and clients (`bench/web_floor_app.py`): the least any answer costs here "
        "(default: on)",
    )
    parser.add_argument("--only-floor", action="store_true", help="time the floor only")
    parser.add_argument(
        "--keeper",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="last, time the server's keeper keeping everyone's dashboard from none kept "
        "(default: on)",
    )
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument(
        "--load-generator",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: keep-alive HTTP/1.1 on asyncio streams (little CPU); httpx: its async "
        "client, about as much CPU a request as the server's cached dashboard",
    )
    args = parser.parse_args()

    counts = [int(c) for c in args.clients.split(",")]
    if args.floor or args.only_floor:
        if measure_floor(args.workers, counts, args.requests, args.max_seconds):
            return 1
        if args.only_floor:
            return 0
    with tempfile.TemporaryDirectory(prefix="nextline-bench-") as folder:
        home = args.home or Path(folder) / "home"
        began = time.perf_counter()
        ids = store_people(home, args.people)
        print(f"stored {len(ids):,} people in {time.perf_counter() - began:.1f} s")
        rng = random.Random(7)
        unseen = [p for p in ids if p != ids[0]]
        rng.shuffle(unseen)
        warm_up, unseen = unseen[: 20 * args.workers], unseen[20 * args.workers :]
        working, unseen = unseen[: args.working_set], unseen[args.working_set :]
        plans = []  # per client count: (people computed by the server, people kept before)
        for _ in counts:
            computed, kept = unseen[: args.requests], unseen[args.requests : 2 * args.requests]
            unseen = unseen[2 * args.requests :]
            plans.append((computed, kept))
        per_view = keep_views(home, [p for _, kept in plans for p in kept])
        print(
            f"kept {sum(len(k) for _, k in plans):,} dashboards in the store beforehand, as "
            f"`nextline web keep-views` does ({per_view * 1000:.1f} ms CPU each to compute "
            "and draw); the server runs with its keeper off (`--keep-at-start 0 --no-follow`), "
            "so the other first views are computed on the spot: people changed a moment ago, "
            "before the keeper reached them"
        )
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
        env["NEXTLINE_HOME"] = str(home)
        nextline = Path(sys.executable).with_name("nextline")
        server_log = (Path(folder) / "server.log").open("wb")
        launched = time.perf_counter()
        server = subprocess.Popen(
            [
                str(nextline),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--keep-at-start",
                "0",
                "--no-follow",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            # a file, not a pipe nobody reads: a full pipe would stop every server process
            # at its next line of log (printed at the end when something went wrong)
            stderr=server_log,
        )
        failed = 0
        watcher = ProcessWatcher(server.pid)
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
            print(
                f"\nserver: {args.workers} process(es), answering {up:.1f} s after launch "
                f"(load average {load_average()})"
            )
            start = time.perf_counter()
            listed = httpx.get(f"{base}/people", timeout=300)
            print(
                f"people list page ({len(ids):,} people, HTTP {listed.status_code}): "
                f"{time.perf_counter() - start:.2f} s"
            )
            start = time.perf_counter()
            found = httpx.get(f"{base}/people", params={"q": "person 99"}, timeout=300)
            print(
                f"people list, a name search (HTTP {found.status_code}): "
                f"{time.perf_counter() - start:.2f} s"
            )
            all_workers_have_the_catalog(base, ids[0], args.workers)
            # Warm up: first use imports the engines in every process.
            for person in warm_up:
                httpx.get(f"{base}/people/{person}", timeout=60)
            for person in working:  # each shown once, by whichever process answers
                httpx.get(f"{base}/people/{person}", timeout=60)
            for clients, (computed, kept) in zip(counts, plans, strict=True):
                repeat = [rng.choice(working) for _ in range(args.requests)]
                for kind, people in (
                    ("first views, computed by the server", computed),
                    ("first views, kept beforehand (`nextline web keep-views`)", kept),
                    ("repeat views", repeat),
                ):
                    done, per_request = measured_load(
                        server.pid, base, people, clients, args.max_seconds, args.load_generator
                    )
                    failed += done.errors
                    report(
                        done,
                        Run(kind, clients, len(ids), args.workers, per_request),
                        args.load_generator,
                    )
        finally:
            watcher.stop()
            server.terminate()
            server.wait(timeout=30)
            server_log.close()
            replaced = watcher.processes_seen - args.workers
            print(
                f"\nserver processes started beyond the {args.workers} asked for: "
                f"{max(replaced, 0)} (a worker that misses uvicorn's health check is killed "
                "and started again)"
            )
            said = (Path(folder) / "server.log").read_text(errors="replace").strip()
            if failed or replaced > 0:
                print(
                    "the server's own log (its last 40 lines):\n"
                    + "\n".join(said.splitlines()[-40:])
                )
        if args.keeper:
            wall, cpu, kept = keeper_catch_up(home)
            print(
                f"\nthe server's keeper after a start (`web.keeper`, nice 19, no server "
                f"load): {kept:,} of {len(ids):,} people's dashboards kept in {wall:.1f} s "
                f"({kept / wall:,.0f} people/s; {cpu / max(kept, 1) * 1000:.1f} ms CPU each, "
                f"start-up included; load average {load_average()}). After that, a first "
                "view is a kept one; a person changed later is kept again within about "
                "2 s (its next look)"
            )
            if kept != len(ids):
                failed += 1
    return 0 if failed == 0 else 1


@dataclass(frozen=True)
class Run:
    """What one timed run was: which views, how many clients, people and processes."""

    kind: str
    clients: int
    people: int
    workers: int
    cpu_per_request: float | None  # seconds, all server processes


def report(done: Load, run: Run, generator: str) -> None:
    latencies, errors, elapsed = done.latencies, done.errors, done.elapsed
    if len(latencies) < 2:
        print("too few requests were made", file=sys.stderr)
        return
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print(
        f"\ndashboard, {run.kind}: {run.people:,} people stored, {run.workers} server "
        f"process(es), {len(ms)} requests, {run.clients} concurrent client(s), {errors} errors "
        f"(load average {load_average()})"
    )
    cpu = run.cpu_per_request
    cpu_text = "unknown" if cpu is None else f"{cpu * 1000:.1f} ms"
    print(f"  requests per second: {len(ms) / elapsed:.1f}; server CPU per request: {cpu_text}")
    print(
        f"  load generator ({generator}) CPU per request: {done.cpu / len(ms) * 1000:.2f} ms "
        f"(this process; it shares the machine's cores with the server)"
    )
    print(f"  latency ms: p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f}")
    print(
        f"  aims: p95 under {AIM_P95_MS:.0f} ms: {'yes' if q[94] < AIM_P95_MS else 'no'}; "
        f"p99 under {AIM_P99_MS:.0f} ms: {'yes' if q[98] < AIM_P99_MS else 'no'}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
