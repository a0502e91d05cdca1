"""Digests of every engine output, to prove a speed-up changed nothing a person can see.

Why: issue 17 asks the engines to run faster with results byte-identical before and after.
Each output (`status_json` of `assess_status`, `OptionsResult.to_json()` of `list_options`)
is written as canonical JSON (sorted keys, no spaces) and hashed with SHA-256; a set of
outputs is summed up by the hash of its items' hashes, in order. The inputs are the two
benches' invented people (`bench_assess.synthetic_file`, `bench_options._person`), each run
through *both* engines (the options engine reads the assess engine), and the three bundled
examples at dates across their histories.

`engine_digest.json` beside this file holds the digests worked out before the speed-up:
`tests/bench/test_engine_digest.py` compares a small sample on every `make test`, and the
two benches compare the full default run (`python bench/engine_digest.py` prints them all).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_assess  # noqa: E402
import bench_options  # noqa: E402

from nextline.assess import assess_status, status_json  # noqa: E402
from nextline.examples import EXAMPLE_IDS, example_path  # noqa: E402
from nextline.knowledge import Knowledge  # noqa: E402
from nextline.options import list_options  # noqa: E402
from nextline.record import (  # noqa: E402
    PatientFile,
    PatientRecord,
    build_record,
    load_record,
    validate_patient_data,
)

FIXTURE = HERE / "engine_digest.json"
EXAMPLES_BUILT_AS_OF = dt.date(2025, 6, 1)
# Every four months across the examples' histories, plus days where a line starts or stops.
EXAMPLE_DATES = (
    *(dt.date(year, month, 1) for year in range(2019, 2026) for month in (1, 5, 9)),
    dt.date(2024, 3, 27),
    dt.date(2024, 3, 28),
    dt.date(2024, 4, 1),
    dt.date(2025, 6, 1),
)

Item = tuple[str, PatientRecord, dt.date]


def canonical(data: object) -> bytes:
    """The one byte form of an output: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def status_digest(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> str:
    return hashlib.sha256(canonical(status_json(assess_status(record, kb, as_of)))).hexdigest()


def options_digest(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> str:
    return hashlib.sha256(canonical(list_options(record, kb, as_of).to_json())).hexdigest()


def combine(digests: Iterable[str]) -> str:
    """One digest for a list of digests, in order."""
    total = hashlib.sha256()
    for one in digests:
        total.update(one.encode())
    return total.hexdigest()


def assess_bench_records(kb: Knowledge, n: int, scans: int = 20) -> list[PatientRecord]:
    """The first `n` people of `bench_assess.py` (same seed, same order)."""
    rng = random.Random(20261202)
    return [
        build_record(
            PatientFile.model_validate(bench_assess.synthetic_file(rng, i, scans)),
            kb,
            bench_assess.AS_OF,
        )
        for i in range(n)
    ]


def options_bench_records(kb: Knowledge, n: int) -> list[PatientRecord]:
    """The first `n` people of `bench_options.py` (same seed, same order)."""
    rng = random.Random(20261202)
    return [
        build_record(validate_patient_data(bench_options._person(rng, i)), kb, bench_options.AS_OF)
        for i in range(n)
    ]


def example_items(kb: Knowledge) -> Iterator[Item]:
    for example in EXAMPLE_IDS:
        record = load_record(example_path(example), kb, EXAMPLES_BUILT_AS_OF)
        for day in EXAMPLE_DATES:
            yield f"{example}@{day}", record, day


def digests(kb: Knowledge, assess_n: int, options_n: int) -> dict[str, dict[str, str]]:
    """Per set of inputs, per engine: every item's digest, keyed by the item's name."""
    sets: dict[str, list[Item]] = {
        "assess_bench": [
            (f"assess-{i}", r, bench_assess.AS_OF)
            for i, r in enumerate(assess_bench_records(kb, assess_n))
        ],
        "options_bench": [
            (f"options-{i}", r, bench_options.AS_OF)
            for i, r in enumerate(options_bench_records(kb, options_n))
        ],
        "examples": list(example_items(kb)),
    }
    out: dict[str, dict[str, str]] = {}
    for name, items in sets.items():
        out[f"{name}/status"] = {key: status_digest(r, kb, day) for key, r, day in items}
        out[f"{name}/options"] = {key: options_digest(r, kb, day) for key, r, day in items}
    return out


def status_digests(kb: Knowledge, n: int = 120, every: int = 1) -> dict[str, str]:
    """The status digest of the first `n` of the assess bench's people and of the examples
    at every `every`-th of their dates (what the compiled engine modules produce;
    tests/test_native.py)."""
    items = [
        (f"assess-{i}", r, bench_assess.AS_OF) for i, r in enumerate(assess_bench_records(kb, n))
    ]
    items += list(example_items(kb))[::every]
    return {key: status_digest(r, kb, day) for key, r, day in items}


def stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def main() -> None:
    """Print the digests of the sample and of the full default bench runs; `--write` stores
    them (only ever run on the code from before a speed-up)."""
    from nextline.knowledge import load_knowledge

    kb = load_knowledge()
    sample = digests(kb, SAMPLE_ASSESS, SAMPLE_OPTIONS)
    full_assess = [status_digest(r, kb, bench_assess.AS_OF) for r in assess_bench_records(kb, FULL)]
    full_options = [
        options_digest(r, kb, bench_options.AS_OF) for r in options_bench_records(kb, FULL)
    ]
    data = {
        "sample": sample,
        "full": {
            f"bench_assess {FULL} records, status": combine(full_assess),
            f"bench_options {FULL} records, options": combine(full_options),
        },
    }
    for key, value in data["full"].items():
        print(f"{key}: {value}")
    for key, items in sample.items():
        print(f"sample {key} ({len(items)}): {combine(items.values())}")
    if "--write" in sys.argv:
        FIXTURE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {FIXTURE}")


SAMPLE_ASSESS = 120
SAMPLE_OPTIONS = 300
FULL = 10_000

if __name__ == "__main__":
    main()
