"""Load WeasyPrint without a search for its system libraries that costs more than the import.

Why: WeasyPrint opens Pango, GObject, HarfBuzz and Fontconfig through cffi, trying several
names for each (`libgobject-2.0-0`, `gobject-2.0`, ... for Windows, macOS and Linux). For
each name that is not a file, cffi asks `ctypes.util.find_library`, which on Linux runs
`ldconfig -p`, then `gcc` and then `ld` for a name it cannot find: about 50 programs started
to import WeasyPrint once, a fifth of a second of CPU and more of waiting on a busy machine,
every time a person asks for a PDF.

`import_quickly` imports a module while `find_library` answers from one reading of the
system's library cache (`ldconfig -p`, read once, with the same rule as the standard
library's first step). A name the cache does not hold gets "not found" at once, so WeasyPrint
goes on to its next name; on Linux that includes the plain file name (`libpango-1.0.so.0`),
which the system loader finds wherever it would have (LD_LIBRARY_PATH too). The answers for
names the cache holds are the ones the standard library gives. If the import fails this way
for any reason, it is tried again the usual way, so the result is never worse than before.
Only on Linux; elsewhere the import is the usual one.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from types import ModuleType

_LOCK = threading.Lock()

# ctypes.util._findSoname_ldconfig's names for the 64-bit ABIs; anything else is 'libc6'.
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def read_library_cache() -> bytes:
    """The output of `ldconfig -p` (the system's library cache), or nothing when it cannot
    be read (no ldconfig, as on musl systems)."""
    try:
        done = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return b""
    return done.stdout


def cache_finder(listing: bytes) -> Callable[[str], str | None]:
    """A `find_library` that answers from one `ldconfig -p` listing, by the rule of the
    standard library's `_findSoname_ldconfig`: the first `lib<name>.<anything>` entry for
    this machine's ABI; None when the listing has none."""
    bits = "-32" if struct.calcsize("l") == 4 else "-64"
    abi = _ABI.get(os.uname().machine + bits, "libc6")

    def find_library(name: str) -> str | None:
        pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}".encode()
        found = re.search(pattern, listing)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


@contextlib.contextmanager
def _find_library_from(finder: Callable[[str], str | None]) -> Iterator[None]:
    import ctypes.util

    usual = ctypes.util.find_library
    ctypes.util.find_library = finder  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = usual


def import_quickly(name: str) -> ModuleType:
    """Import the module `name`, its system libraries found from one library-cache reading
    (see the module docstring); the usual import when that fails or off Linux."""
    if name in sys.modules or not sys.platform.startswith("linux"):
        return importlib.import_module(name)
    with _LOCK:
        if name in sys.modules:
            return importlib.import_module(name)
        try:
            with _find_library_from(cache_finder(read_library_cache())):
                return importlib.import_module(name)
        except OSError:
            pass  # a library not found this way: the usual search below
    return importlib.import_module(name)
