"""What a server process has already computed for a person, kept in memory and looked up by
exactly what it was computed from.

Why: a dashboard costs about 10 ms of CPU to compute (read and check the stored file, build
the record, assess, list options, prepare questions), and the person's red-flag banner built
the record a second time. A person, or the staff looking after them, opens the same
dashboard again and again on one day; those repeat views need only a lookup and the template.

The key is everything the result depends on, so a stale entry is never found rather than
ever invalidated:
- the person id, the latest version number and a digest of that stored version (its content,
  note and time): a new save, an undo, a restore, or a person deleted and stored again under
  the same id (versions start again at 1) all give a new key. The key is read with one
  indexed query on every request (`WebState.latest`), so an edit saved by another server
  process shows at once here too;
- the as-of date (tomorrow's dashboard is computed afresh: "today" is in the key);
- the knowledge base in use (this process's object: the code and the knowledge base cannot
  change under a running process).

Where it sits: behind the access checks. It holds computed data, never an HTTP response; a
route checks who may see the person and reads the latest version before it looks here, and
a person who is not stored (version 0) is refused before any lookup.

Privacy: memory only, bounded (least recently used first out), one per process; nothing is
logged. Behind it, the dashboard as last computed is kept in the database with the record
(`store.views`), keyed the same way with the code key (`code_key`) in place of this
process's knowledge object, so the other server processes and the next start read it
instead of computing it again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Entries per process. A person's entry (the record and the dashboard) takes about 75 KB
# (measured with tracemalloc over the examples), so this bounds it to about 40 MB a process.
DEFAULT_SIZE = 512


@dataclass(frozen=True)
class ViewKey:
    """What a person's computed views depend on (see the module docstring)."""

    person_id: str
    version: int
    digest: str  # of the stored version: content, note, time
    day: dt.date
    knowledge: int  # identifies the knowledge base object this process uses


@functools.cache
def code_key() -> str:
    """What the code and knowledge that compute a view are: the source of every nextline
    module, the knowledge base's content key and the Python version. A view kept in the
    database (`store.views`) under another code key is computed again, so a new release or
    an edited knowledge file never shows a view the old code made. Read once per process
    (the code cannot change under a running process)."""
    import sys
    from pathlib import Path

    from nextline.knowledge import cache

    package = Path(__file__).parents[1]
    digest = hashlib.sha256(sys.version.encode("utf-8") + b"\0")
    digest.update(cache.content_key(cache.DATA_DIR).encode("ascii"))
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def version_digest(content: str, note: str, created_at: dt.datetime) -> str:
    """A short digest of one stored version, so equal version numbers of different stored
    rows (a person deleted and stored again) never share a key."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(content.encode("utf-8"))
    digest.update(b"\0" + note.encode("utf-8") + b"\0" + created_at.isoformat().encode())
    return digest.hexdigest()


class LruCache(Generic[K, V]):
    """A bounded, thread-safe map that drops the least recently used entry when full.
    `hits` and `misses` count lookups (tests and the benchmark read them)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 0:
            raise ValueError(f"size: 0 or more entries (got {size})")
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        if self.size == 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


__all__ = ["DEFAULT_SIZE", "LruCache", "ViewKey", "code_key", "version_digest"]
