"""Record benchmarks: CLI start-up (`nextline --help`) and `nextline check` on the examples.

Run with `make bench` or `.venv/bin/python bench/bench_record.py`. Prints the median and
best of several runs of each command, as whole processes (what a person waits for).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEXTLINE = str(Path(sys.executable).parent / "nextline")
EXAMPLES = sorted((ROOT / "src/nextline/examples").glob("*.yaml"))


def _time(args: list[str], runs: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


def main() -> None:
    runs = 7
    median, best = _time([NEXTLINE, "--help"], runs)
    print(
        f"nextline --help: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms ({runs} runs)"
    )
    for example in EXAMPLES:
        median, best = _time([NEXTLINE, "check", str(example)], runs)
        print(
            f"nextline check {example.name}: median {median * 1000:.0f} ms, "
            f"best {best * 1000:.0f} ms"
        )
    sys.path.insert(0, str(ROOT / "src"))
    from nextline.knowledge import load_knowledge
    from nextline.record import load_record

    kb = load_knowledge()
    start = time.perf_counter()
    count = 300
    for _ in range(count // len(EXAMPLES)):
        for example in EXAMPLES:
            load_record(example, kb)
    elapsed = time.perf_counter() - start
    print(f"parse+validate+normalise in process: {count / elapsed:.0f} example files per second")


if __name__ == "__main__":
    main()
