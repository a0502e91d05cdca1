"""CLI start-up: how long a person waits for `status`, `options`, `questions`, `show`,
`trials match` and `report` on a stored person, against `nextline --help`.

Run with `make bench` or `.venv/bin/python bench/bench_cli.py [--runs N]`. Each command runs
as a whole fresh process (what a person waits for) in a private `NEXTLINE_HOME` holding the
three examples. Prints the wall median and best, and the CPU time (user + system of the
child, best of N: the machine is shared, so CPU is the steadier figure), with its ratio to
`--help` and the aim beside it. The first run of each command also warms the caches; the
cold figure (empty cache folder) is printed separately for `status`.

`tests/cli/test_bench_cli.py` runs `run_once` (each command once, outputs checked as JSON or
files); it never asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEXTLINE = str(Path(sys.executable).parent / "nextline")
EXAMPLES = sorted((ROOT / "src/nextline/examples").glob("*.yaml"))
PERSON = "hr-positive-esr1"
AS_OF = "2024-04-15"
NOTE_AS_OF = "2024-03-25"


@dataclass(frozen=True)
class Command:
    name: str
    args: list[str]
    aim: str
    json_out: bool = True


def commands(out_dir: Path) -> list[Command]:
    """Every command measured, with the aim from issue 17 beside it."""
    reading = "< 0.3 s wall, CPU <= 1.5x --help"
    return [
        Command("--help", ["--help"], "(reference)", json_out=False),
        Command("status", ["status", PERSON, "--as-of", AS_OF, "--json"], reading),
        Command(
            "status (note)",  # a symptom note inside the red-flag window
            ["status", PERSON, "--as-of", NOTE_AS_OF, "--json"],
            reading,
        ),
        Command("options", ["options", PERSON, "--as-of", AS_OF, "--json"], reading),
        Command("questions", ["questions", PERSON, "--as-of", AS_OF, "--json"], reading),
        Command("show", ["show", PERSON, "--as-of", AS_OF, "--json"], reading),
        Command("trials match", ["trials", "match", PERSON, "--as-of", AS_OF, "--json"], "< 0.6 s"),
        Command(  # the PDF, per example, is bench/bench_report.py's figure
            "report (HTML)",
            ["report", PERSON, "--as-of", AS_OF, "--out", str(out_dir / "report.html")],
            "< 2 s wall",
            json_out=False,
        ),
    ]


def prepare_home(home: Path) -> dict[str, str]:
    """A private store holding the three examples; returns the environment to run in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTLINE_")}
    env["NEXTLINE_HOME"] = str(home)
    for example in EXAMPLES:
        subprocess.run([NEXTLINE, "import", str(example)], env=env, check=True, capture_output=True)
    return env


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """One whole process: (wall seconds, CPU seconds of the child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([NEXTLINE, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"nextline {' '.join(args)} failed: {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def run_once(home: Path) -> dict[str, str]:
    """Each command once (after importing the examples): name -> stdout. For the test."""
    env = prepare_home(home)
    return {c.name: run(c.args, env)[2] for c in commands(home)}


def measure(runs: int, only: list[str] | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = prepare_home(home)
        cache = home / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        cold_wall, cold_cpu, _ = run(commands(home)[1].args, env)
        print(f"status, cold cache: wall {cold_wall:.2f} s, CPU {cold_cpu:.2f} s")
        help_cpu = 0.0
        heads = f"{'wall median':>12}{'wall best':>11}{'CPU best':>10}{'x --help':>10}"
        print(f"{'command':<16}{heads}  aim")
        for command in commands(home):
            if only and command.name != "--help" and command.name not in only:
                continue  # `--help` is always measured: every ratio is to it
            walls: list[float] = []
            cpus: list[float] = []
            run(command.args, env)  # warm the caches (and the OS file cache)
            for _ in range(runs):
                wall, cpu, _ = run(command.args, env)
                walls.append(wall)
                cpus.append(cpu)
            if command.name == "--help":
                help_cpu = min(cpus)
            ratio = min(cpus) / help_cpu if help_cpu else float("nan")
            print(
                f"{command.name:<16}{statistics.median(walls):>11.2f}s{min(walls):>10.2f}s"
                f"{min(cpus):>9.2f}s{ratio:>9.1f}x  {command.aim}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only",
        action="append",
        metavar="COMMAND",
        help="measure only this command (and --help), e.g. --only status --only show",
    )
    args = parser.parse_args()
    measure(args.runs, args.only)


if __name__ == "__main__":
    main()
