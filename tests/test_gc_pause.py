"""The cyclic collector's pause is shared by every thread: however pauses overlap, the
collector ends as it was before the first began (it was left off for good when two threads
each switched it off and on by themselves, as the web app's request and warm-up threads do)."""

from __future__ import annotations

import gc
import random
import threading
from collections.abc import Iterator

import pytest

from nextline.gc_pause import collector_back_on, collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_overlapping_pauses_in_many_threads_leave_the_collector_on() -> None:
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        start.wait(5)
        for _ in range(300):
            with collector_paused():
                assert not gc.isenabled()
                if rng.random() < 0.3:
                    with collector_back_on():
                        pass
                for _ in range(rng.randint(0, 200)):
                    pass

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert gc.isenabled()


def test_the_second_pause_ending_last_puts_it_back() -> None:
    """The interleaving that left it off: the second pause begins while the first has the
    collector off, and ends after the first."""
    first = collector_paused()
    second = collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second is still running
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_back_on_inside_a_pause_only_when_it_was_on_before() -> None:
    with collector_paused():
        with collector_back_on():
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collector_paused(), collector_back_on():
        assert not gc.isenabled()
    assert not gc.isenabled()
    with collector_back_on():  # outside any pause: nothing changes
        assert not gc.isenabled()
