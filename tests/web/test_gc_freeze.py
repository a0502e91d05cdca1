"""A server process freezes what its start-up read (`web.gc_freeze`) only once those reads
are done, so full garbage collections never walk the catalog again."""

from __future__ import annotations

import gc
import threading

from nextline.web.gc_freeze import freeze_when


def test_nothing_is_frozen_until_ready_then_what_is_alive_is() -> None:
    gc.unfreeze()
    ready = threading.Event()
    kept_alive = [object() for _ in range(1000)]
    thread = freeze_when(ready.is_set)
    try:
        thread.join(timeout=1.2)  # two polls at least
        assert thread.is_alive()
        assert gc.get_freeze_count() == 0
        ready.set()
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert gc.get_freeze_count() >= len(kept_alive)
    finally:
        ready.set()
        thread.join(timeout=30)
        gc.unfreeze()


def test_it_freezes_after_the_wait_even_if_never_ready() -> None:
    gc.unfreeze()
    thread = freeze_when(lambda: False, wait=0.1)
    try:
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
