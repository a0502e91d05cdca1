"""Take what a server process reads at start out of Python's full garbage collections.

Why: each server process holds the parsed trial catalog and the knowledge base, some
hundreds of thousands of objects that live as long as the process. A full collection walks
every one of them: about 220 ms measured with the catalog in memory (65 ms without), in
which that process answers nothing. Under 16 clients it was the whole of the dashboard's
p99 (300 ms, where p95 was 30 ms). Once the start-up reads are done, `gc.freeze()` moves
everything alive then into a generation the collector never walks; what requests make
afterwards is collected as before.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable

READY_WAIT = 600.0  # seconds: freeze anyway after this, whatever is still being read
POLL = 0.5


def freeze_when(ready: Callable[[], bool], wait: float = READY_WAIT) -> threading.Thread:
    """In the background: once `ready()` says the start-up reads are done (or after `wait`
    seconds), collect once and freeze what is left."""

    def _freeze() -> None:
        deadline = time.monotonic() + wait
        while not ready() and time.monotonic() < deadline:
            time.sleep(POLL)
        gc.collect()
        gc.freeze()

    thread = threading.Thread(target=_freeze, name="nextline-gc-freeze", daemon=True)
    thread.start()
    return thread


__all__ = ["freeze_when"]
