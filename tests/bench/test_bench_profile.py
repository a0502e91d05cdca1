"""A short run of each engine benchmark, profiled (issue 17): the benches keep working, print
every figure with its aim beside it, the digest of their outputs and a profile sorted by
each function's own time. Tiny N; the outputs are checked, never the timings."""

from __future__ import annotations

import itertools
import re
from types import ModuleType

import pytest

from tests.bench_scripts import load_bench


def _bench(name: str) -> ModuleType:
    module = load_bench(f"{name}.py")
    return module


def test_bench_assess_prints_its_figure_beside_the_aim_the_digest_and_a_profile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = _bench("bench_assess")
    bench.main(["--records", "4", "--scans", "6", "--repeats", "1", "--profile"])
    out = capsys.readouterr().out
    assert re.search(r"CPU time: .* records/s .*\| aim ≥ 5,000 records/s on one core: ", out)
    counts = re.search(r"^overall: (.*)$", out, re.M)
    assert counts is not None
    assert sum(int(part.rsplit(" ", 1)[1]) for part in counts.group(1).split(", ")) == 4
    digest = re.search(r"^digest of every status \(--json\): ([0-9a-f]{64})$", out, re.M)
    assert digest is not None
    assert "Ordered by: internal time" in out
    assert "assess_status" in out.split("Ordered by: internal time")[1]


def test_bench_options_prints_its_figures_beside_the_aim_the_digest_and_a_profile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = _bench("bench_options")
    bench.main(["--records", "6", "--profile", "--repeat", "0"])
    out = capsys.readouterr().out
    assert re.search(r"records per second of CPU time .*\| aim ≥ 10,000/s on one core: ", out)
    verdicts = re.search(
        r"^verdicts: \{'fits': (\d+), 'may_fit': (\d+), 'does_not_fit': (\d+)\}", out, re.M
    )
    assert verdicts is not None
    per_record = re.search(r"\((\d+) options per record\)", out)
    assert per_record is not None
    assert sum(int(v) for v in verdicts.groups()) == 6 * int(per_record.group(1))
    assert re.search(r"^digest of every result \(--json\): [0-9a-f]{64}$", out, re.M)
    assert "Ordered by: internal time" in out
    # the engine's own functions (which ones lead depends on what the engine has kept)
    assert "nextline/options/" in out.split("Ordered by: internal time")[1]


def test_the_bench_digest_is_the_digest_module_s_for_the_same_people(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The digest a bench prints is the one `engine_digest` works out for the same records,
    so the full-run comparison in the bench means what the sample test means."""
    from nextline.knowledge import load_knowledge

    bench = _bench("bench_options")
    bench.main(["--records", "5", "--repeat", "0"])
    out = capsys.readouterr().out
    printed = re.search(r"^digest of every result \(--json\): ([0-9a-f]{64})$", out, re.M)
    assert printed is not None
    digest = _bench("engine_digest")
    kb = load_knowledge()
    records = digest.options_bench_records(kb, 5)
    expected = digest.combine(digest.options_digest(r, kb, bench.AS_OF) for r in records)
    assert printed.group(1) == expected
    stored = digest.stored()["sample"]["options_bench/options"]
    assert [stored[f"options-{i}"] for i in range(5)] == [
        digest.options_digest(r, kb, bench.AS_OF) for r in records
    ]


def test_bench_options_with_own_dates_gives_each_person_dates_of_their_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--own-dates`: the same people with their histories moved and stretched, so no two
    share every date (the default people share five histories); still a valid story each
    (no treatment stops before it starts or overlaps the next), and the bench runs on them."""
    import datetime as dt
    import random

    bench = _bench("bench_options")
    rng = random.Random(3)
    people = [bench._person(rng, i) for i in range(400)]
    dates = random.Random(4)
    own = [bench._own_dates(dates, p) for p in people]
    treated = [(p["diagnosis"]["metastatic_since"], repr(p["therapies"])) for p in own]
    histories = [t for p, t in zip(own, treated, strict=True) if p["therapies"]]
    assert len(set(histories)) == len(histories)  # no two treated people share every date
    for person in own:
        spans = [
            (dt.date.fromisoformat(t["start"]), dt.date.fromisoformat(t["stop"]))
            for t in person["therapies"]
        ]
        assert all(start < stop for start, stop in spans)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
        assert max((stop for _, stop in spans), default=dt.date.min) < bench.AS_OF
    bench.main(["--records", "6", "--own-dates", "--repeat", "0", "--first-passes", "1"])
    out = capsys.readouterr().out
    assert re.search(r"records per second of CPU time .*\| aim ≥ 10,000/s on one core: ", out)
    assert "stored before the speed-up" not in out  # other people: nothing to compare with


def test_bench_note_reader_prints_each_shape_beside_its_aim_and_finds_the_last_sign(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = _bench("bench_note_reader")
    bench.main(["--chars", "1500", "--repeats", "1"])
    out = capsys.readouterr().out
    for shape in bench.SHAPES:
        line = next(line for line in out.splitlines() if line.strip().startswith(shape))
        assert re.search(r"\d+\.\d\d s \| aim < 1 s at 20,000 characters: (met|not yet)", line)
        assert "'seizure'" in line  # the sign at the end of every note is found
