"""A short profile of `bench/bench_web_trials.py` so it cannot rot: a fresh home, one start
that prepares the catalog and one that reads it back; both must show the trials list. The
output's figures are checked for shape, never for a time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_both_starts_show_the_trials_list_and_print_their_figures() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/bench_web_trials.py"), "--starts", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    usual = re.search(
        r"a usual start .*list shown (\d+\.\d\d) s .*aim under 1 s: (met|not yet)", done.stdout
    )
    fresh = re.search(r"the first start on a fresh machine .*: (\d+\.\d\d) s;", done.stdout)
    assert usual is not None and fresh is not None, done.stdout
    assert float(usual.group(1)) > 0 and float(fresh.group(1)) > 0
