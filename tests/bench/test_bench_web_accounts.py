"""A short profile of `bench/bench_web_accounts.py` (server mode, signed-in users on
PostgreSQL) so it cannot rot: three users sign in through the real form and each sees their
own dashboard. Checks the output's figures and that no request failed; never a time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not POSTGRES_URL, reason="no PostgreSQL: run through `make test`")
def test_three_signed_in_users_see_their_dashboards() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/bench_web_accounts.py"),
            "--users",
            "3",
            "--requests",
            "2",
            "--workers",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sign-in (argon2id): 3 requests" in done.stdout
    assert "dashboard: 6 requests" in done.stdout
    found = re.search(r"\((?:p95 \d+ ms), (\d+) errors", done.stdout)
    assert found is not None, done.stdout
    assert found.group(1) == "0"
