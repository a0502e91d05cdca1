"""Benchmark: the web app's first trials page after `nextline serve` starts (aim: under 1 s).

Run: `.venv/bin/python bench/bench_web_trials.py [--starts 3]`.

Stores one example person in a fresh home, then starts `nextline serve` on a free loopback
port several times and, each time, measures how long after the server first answers a
person's trials list is shown (the page asks for its results part again, as the browser
does, while the catalog is still being read in the background). Two cases:

- the first start on a fresh machine: nothing kept yet, so the catalog is read, its
  criteria parsed and every trial prepared for matching, once, and kept on disk
  (`trials.prepared_cache`, the same file `nextline trials match` reads);
- every later start (`--starts` of them, best and median printed): the prepared catalog is
  read from disk.

The aim (issue 17) is for the usual start; the first start on a fresh machine is printed
beside it, as what a person sees once after installing or after `nextline trials sync`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_web import WAITING, free_port

AIM_S = 1.0
PERSON = "hr-positive-esr1"


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    env["NEXTLINE_HOME"] = str(home)
    return env


def store_person(home: Path) -> str:
    """The example person, imported with the command line, as a person would."""
    from nextline.examples import example_path

    nextline = Path(sys.executable).with_name("nextline")
    subprocess.run(
        [str(nextline), "import", str(example_path(PERSON))],
        env=_environment(home),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return PERSON


def first_list(home: Path, person: str, limit_s: float = 300.0) -> tuple[float, float]:
    """Start a server, and return (seconds from its first answer until the trials list is
    shown, seconds from launch until its first answer); the server is stopped after."""
    import httpx

    port = free_port()
    nextline = Path(sys.executable).with_name("nextline")
    launched = time.perf_counter()
    server = subprocess.Popen(
        [str(nextline), "serve", "--port", str(port)],
        env=_environment(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=limit_s) as client:
            while True:  # a static file: answered as soon as the process is up
                try:
                    if client.get(f"{base}/static/app.css").status_code == 200:
                        break
                except httpx.TransportError:
                    if server.poll() is not None:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.02)
            up = time.perf_counter()
            while True:
                response = client.get(f"{base}/people/{person}/trials/results")
                if response.status_code != 200:
                    raise RuntimeError(f"trials page: HTTP {response.status_code}")
                if WAITING not in response.text:
                    if 'class="card trial"' not in response.text:
                        raise RuntimeError("the trials page shows no trial")
                    return time.perf_counter() - up, up - launched
                if time.perf_counter() - up > limit_s:
                    raise RuntimeError("the trials list did not appear")
                time.sleep(0.05)  # the page asks again sooner than a person would notice
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="later starts to time")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nextline-bench-") as folder:
        home = Path(folder) / "home"
        person = store_person(home)
        fresh, fresh_up = first_list(home, person)
        later = [first_list(home, person) for _ in range(args.starts)]
    shown = [s for s, _ in later]
    best, median = min(shown), statistics.median(shown)
    load = os.getloadavg()[0]
    print(f"first trials page after `nextline serve` starts (load average {load:.1f}):")
    print(
        f"  a usual start (prepared catalog kept on disk): list shown {median:.2f} s after "
        f"the server first answered (median of {len(shown)}, best {best:.2f} s); "
        f"aim under {AIM_S:.0f} s: {'met' if median < AIM_S else 'not yet'}"
    )
    print(
        f"  the first start on a fresh machine (catalog prepared once and kept): "
        f"{fresh:.2f} s; the server answered {fresh_up:.2f} s after launch"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
