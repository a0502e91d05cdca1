"""Run one slow, pure step in a second process while this one goes on (Linux `fork`).

Why: `nextline report` spends about a second matching trials, and a good part of a second
assessing, listing options, drawing the charts and loading WeasyPrint (Pango, fonts).
Neither needs the other, and most computers have two cores or more, so the person waits
for the longer of the two, not their sum. The child is a fork: it starts with the record
and the knowledge already in memory (nothing is read or parsed twice) and sends its result
back, pickled, through a pipe. Nothing leaves the machine and nothing is logged.

The result is the same either way: where `fork` is not available or not safe (anything but
Linux), or when the child fails for any reason, the step runs here, in this process, and an
error it raises is raised here as usual.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """`fork` is safe only where the system libraries expect it (not macOS, not Windows)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class Aside(Generic[T]):
    """`step()` started in a forked child; `result()` waits for it (or runs it here)."""

    def __init__(self, step: Callable[[], T], fork: bool | None = None) -> None:
        self._step = step
        self._pid: int | None = None
        self._pipe: int | None = None
        if can_fork() if fork is None else fork:
            self._start()

    @property
    def forked(self) -> bool:
        """True while a child is working on the step."""
        return self._pid is not None

    def _start(self) -> None:
        sys.stdout.flush()  # so nothing buffered is written twice, once by each process
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run the step, send it, leave without running any cleanup
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(self._step(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._pipe = pid, read

    def result(self) -> T:
        """The step's result: the child's when it succeeded, else computed here."""
        if self._pid is None or self._pipe is None:
            return self._step()
        with os.fdopen(self._pipe, "rb") as source:
            data = source.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._pipe = None
        if os.waitstatus_to_exitcode(status) == 0 and data:
            try:
                found: T = pickle.loads(data)
                return found
            except Exception:  # a result that cannot be read back: do the step here
                pass
        return self._step()

    def cancel(self) -> None:
        """Stop the child when its result is no longer wanted (an error, Ctrl-C)."""
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        with contextlib.suppress(ProcessLookupError):  # it had already finished
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
