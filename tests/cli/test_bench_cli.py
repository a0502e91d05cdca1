"""`bench/bench_cli.py` runs: each command once as a whole process on the stored examples,
with outputs that are valid JSON (or a written report). Never a timing assertion."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_cli.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_cli", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
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
