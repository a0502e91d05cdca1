"""`bench/bench_cli.py` runs: each command once as a whole process on the stored examples,
with outputs that are valid JSON (or a written report). Never a timing assertion."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from tests.bench_scripts import load_bench


def _bench() -> ModuleType:
    module = load_bench("bench_cli.py")
    return module


def test_every_benchmarked_command_runs_and_gives_valid_output(tmp_path: Path) -> None:
    bench = _bench()
    home = tmp_path / "bench-home"
    outputs = bench.run_once(home)
    measured = {c.name: c for c in bench.commands(home)}
    assert set(outputs) == {
        "--help",
        "status",
        "status (note)",
        "options",
        "questions",
        "show",
        "trials match",
        "report (HTML)",
    }
    for name, stdout in outputs.items():
        if measured[name].json_out:
            data = json.loads(stdout)
            assert data, name
    assert "Usage: nextline" in outputs["--help"]
    status = json.loads(outputs["status"])
    assert {"overall", "headline", "red_flags", "evidence"} <= set(status)
    report = (home / "report.html").read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html")
    assert list((home / "cache").glob("knowledge-*.pickle"))
