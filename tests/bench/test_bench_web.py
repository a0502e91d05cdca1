"""A short profile of `bench/bench_web.py` so it cannot rot: a few stored people, one server
process, one client; every kind of dashboard view is asked for and answered without an
error, the people list is read, and the keeper keeps everyone. Checks the output's figures,
never a time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = (
    "first views, computed by the server",
    "first views, kept beforehand \\(`nextline web keep-views`\\)",
    "repeat views",
)


def test_every_kind_of_dashboard_view_is_answered_without_an_error() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/bench_web.py"),
            *(
                "--people",
                "120",
                "--clients",
                "1",
                "--requests",
                "20",
                "--workers",
                "1",
                "--working-set",
                "10",
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"people list page \(120 people, HTTP 200\)", done.stdout), done.stdout
    for kind in KINDS:
        found = re.search(
            rf"dashboard, {kind}: 120 people stored, 1 server process\(es\), (\d+) requests, "
            rf"1 concurrent client\(s\), (\d+) errors",
            done.stdout,
        )
        assert found is not None, (kind, done.stdout)
        assert int(found.group(1)) > 0 and found.group(2) == "0"
    assert re.search(r"latency ms: p50 [\d.]+  p95 [\d.]+  p99 [\d.]+", done.stdout)
    floor = re.search(
        r"dashboard, the floor: a trivial ASGI app, same server: .*?1 concurrent client\(s\), "
        r"0 errors",
        done.stdout,
    )
    assert floor is not None, done.stdout
    keeper = re.search(r"the server's keeper after a start .*?: (\d+) of 120 people's", done.stdout)
    assert keeper is not None and keeper.group(1) == "120", done.stdout
