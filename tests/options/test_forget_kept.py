"""`forget_kept` starts the engine afresh, and a fresh start changes no result.

The options benchmark times its first pass (people new to the engine) several times, each
after `forget_kept`, and keeps the best (`bench/bench_options.py --first-passes`). These
tests show that after `forget_kept` the engine really holds nothing of the people it met
(its per-knowledge-base lookups are built again), that every varied invented person gets
byte for byte the list they got before, and that the bench prints the best-of figure.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nextline.knowledge import Knowledge
from nextline.options import _facts, list_options
from nextline.options.engine import _compile, forget_kept
from nextline.record import PatientRecord
from tests.bench_scripts import load_bench
from tests.options.varied import varied_people


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 60)


def test_after_forget_kept_the_engine_holds_nothing_and_gives_the_same_lists(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    before = [list_options(record, kb, as_of).to_json() for record, as_of in people]
    compiled = _compile(kb)
    assert compiled.memo.lists  # the engine kept the lists it put together
    forget_kept()
    assert not _facts._LOOKUPS
    fresh = _compile(kb)
    assert fresh is not compiled  # built again: no kept answer, part or list survives
    assert not fresh.memo.lists and not any(cluster.kept for cluster in fresh.clusters)
    after = [list_options(record, kb, as_of).to_json() for record, as_of in people]
    assert after == before
    # and once more, in reverse order, from a fresh start: the order met changes nothing
    forget_kept()
    backwards = [list_options(record, kb, as_of).to_json() for record, as_of in people[::-1]]
    assert backwards[::-1] == before


def test_the_bench_prints_the_best_first_pass_beside_the_aim(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = load_bench("bench_options.py")
    bench.main(["--records", "5", "--repeat", "0", "--first-passes", "2"])
    out = capsys.readouterr().out
    assert re.search(
        r"^list_options, first pass, best of 2 \(each time with everything the engine kept "
        r"forgotten\): [\d,]+ records per second of CPU time \(\d+ µs each\) \| aim ≥ 10,000/s",
        out,
        re.M,
    )
    digest = re.search(r"^digest of every result \(--json\): ([0-9a-f]{64})$", out, re.M)
    assert digest is not None
    bench.main(["--records", "5", "--repeat", "0", "--first-passes", "1"])
    once = capsys.readouterr().out
    assert "best of" not in once  # one pass: nothing to pick the best of
    assert digest.group(0) in once  # the extra passes change no result
