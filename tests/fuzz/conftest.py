"""Fuzzing profiles and counts.

`make test` runs a short profile (a few hundred inputs a target, no time limit per input);
`make fuzz` sets NEXTLINE_FUZZ=long: at least 100,000 patient files, 10,000 FHIR inputs and
5,000 trial files,
each input allowed 5 seconds (a slower one fails the run as a hang). The counts of what
each target was given and how each input ended are printed at the end of the run.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, settings

LONG = os.environ.get("NEXTLINE_FUZZ") == "long"

settings.register_profile(
    "fuzz-short",
    max_examples=int(os.environ.get("NEXTLINE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "fuzz-long",
    deadline=5000,  # milliseconds: an input slower than this is a hang
    database=None,
    suppress_health_check=list(HealthCheck),
)

# How many inputs each target gets in the long profile: two patient-file targets (text and
# value mutations) make 100,000 files; two trial targets (text and values, over all four
# loaders) make 6,000.
LONG_EXAMPLES = {"patient": 50_000, "trial": 3_000}
# The end-to-end import (file -> CLI -> store, with the store compared before and after) is
# slower per input: a few dozen in `make test`, thousands in `make fuzz`.
IMPORT_EXAMPLES = {
    "short": int(os.environ.get("NEXTLINE_FUZZ_IMPORT_EXAMPLES", "40")),
    "long": 3_000,
}

COUNTS: Counter[tuple[str, str]] = Counter()


def fuzz_settings(target: str) -> Any:
    """The settings for one fuzz target under the chosen profile."""
    if target.startswith("import"):
        profile = settings.get_profile("fuzz-long" if LONG else "fuzz-short")
        return settings(profile, max_examples=IMPORT_EXAMPLES["long" if LONG else "short"])
    if LONG:
        kind = "patient" if target.startswith("patient") else "trial"
        return settings(settings.get_profile("fuzz-long"), max_examples=LONG_EXAMPLES[kind])
    return settings(settings.get_profile("fuzz-short"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not COUNTS:
        return
    terminalreporter.write_sep("-", "fuzzing: inputs per target and how each ended")
    targets = sorted({target for target, _ in COUNTS})
    for target in targets:
        ends = {end: n for (t, end), n in COUNTS.items() if t == target}
        total = sum(ends.values())
        detail = ", ".join(f"{end} {n:,}" for end, n in sorted(ends.items()))
        terminalreporter.write_line(f"{target}: {total:,} inputs ({detail})")
    patients = sum(n for (t, _), n in COUNTS.items() if t.startswith("patient"))
    trials = sum(n for (t, _), n in COUNTS.items() if t.startswith("trial"))
    fhir = sum(n for (t, _), n in COUNTS.items() if t.startswith("fhir"))
    failed = [r.nodeid for r in terminalreporter.stats.get("failed", []) if "fuzz" in r.nodeid]
    terminalreporter.write_line(
        f"total: {patients:,} patient files, {fhir:,} FHIR inputs, {trials:,} trial files; "
        f"fuzz targets with a crash or a hang (> 5 s in the long profile): {len(failed)}"
    )
