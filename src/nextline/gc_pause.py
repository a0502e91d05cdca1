"""One pause of Python's cyclic garbage collector, shared by every thread of the process.

Why: several hot paths make many small objects and no cycles (a trial match over the whole
catalog, reading the prepared catalog, a report's layout), and run faster with the cyclic
collector off. Each used to switch it off and back on by itself ("was it on? off; ...; on
again if it was"). Two threads doing that at once can leave it off for good: the second
looks while the first has it off, so it remembers "off", and switches it off again after the
first switched it back on. In the web app (request threads beside the catalog's warm-up
thread) the collector then stayed off for the life of the worker, and cycles were never
freed. Here every pause shares one count under a lock: the first pause in remembers whether
the collector was on, and the last one out puts it back.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_depth = 0  # pauses running now, in every thread
_was_on = False  # whether the collector was on when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off inside (see the module docstring); back as it was once the
    last pause running anywhere in the process ends, after an error too."""
    global _depth, _was_on
    with _LOCK:
        if _depth == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_on:
                gc.enable()


@contextmanager
def collector_back_on() -> Iterator[None]:
    """Inside a pause, the collector on for a while, if it was on before the pause: for work
    that makes garbage with cycles (parsing a catalog's criteria) in the middle of work that
    makes none. Outside any pause, nothing changes."""
    with _LOCK:
        on = _depth > 0 and _was_on
        if on:
            gc.enable()
    try:
        yield
    finally:
        if on:
            with _LOCK:
                if _depth > 0:
                    gc.disable()
