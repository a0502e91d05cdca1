"""The checked knowledge base kept on disk, so a command does not re-validate the YAML.

Why: reading and validating the knowledge files (schema, sources, cross-references) costs
more than a `status` call's own work. The checked `Knowledge` object is pickled once into
the user's cache folder and read back by later calls.

Never trusted blindly. The file name and the file's own header carry a key: the SHA-256 of
every knowledge file's path and bytes plus the code that reads them (this package's Python
sources, the nextline, Python and pydantic versions). A changed knowledge file or a new
version of the code gives a new key, so the old file is simply not read. A file that is
damaged, of another key, not owned by this user, or writable by others is ignored and
rebuilt silently. Writes are atomic (a 0600 temporary file, then a rename) into a 0700
folder: `$NEXTLINE_HOME/cache` when `NEXTLINE_HOME` is set, else the user's cache folder.

The knowledge base holds no health data; only medicine and its sources go to this file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_CODE_DIR = Path(__file__).parent
DATA_DIR = _CODE_DIR / "data"  # the knowledge files nextline ships (`base.load_knowledge`)
# Bump when what is pickled changes shape in a way the source hash would not show.
CACHE_FORMAT = "2"  # 2: `Knowledge` keeps its deferred sections pickled apart
MAGIC = b"nextline-kb\n"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
# object id -> (the object, the key it was read or built under): `key_of`
_KEYS: dict[int, tuple[object, str]] = {}


def cache_folder() -> Path:
    """Where nextline keeps rebuildable caches: `$NEXTLINE_HOME/cache`, else the user's
    cache folder (read straight from the environment: no settings object at start-up)."""
    home = os.environ.get("NEXTLINE_HOME")
    if home:
        return Path(home) / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nextline", appauthor=False))


def _code_version() -> bytes:
    import pydantic

    from nextline import __version__

    digest = hashlib.sha256()
    digest.update(f"{CACHE_FORMAT}|{__version__}|{sys.version}|{pydantic.VERSION}".encode())
    for path in sorted(_CODE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    # the unit factor table stored with the knowledge base comes from this module
    digest.update((_CODE_DIR.parent / "record" / "units.py").read_bytes())
    return digest.digest()


def content_key(data_dir: Path) -> str:
    """The SHA-256 of every file under `data_dir` (relative path and bytes) and of the code
    that reads them: any change to either gives a new key."""
    digest = hashlib.sha256(_code_version())
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(data_dir)).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_file(folder: Path, key: str) -> Path:
    return folder / f"knowledge-{key[:32]}.pickle"


def _trusted(path: Path) -> bool:
    """Ours and private: a file another account could write is never unpickled."""
    try:
        info = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & 0o022


def read(path: Path, key: str, kind: type[T]) -> T | None:
    """The object stored under `key` at `path`, or None when it is missing, damaged, of
    another key or kind, or not private."""
    if not _trusted(path):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = MAGIC + key.encode("ascii") + b"\n"
    if not data.startswith(header):
        return None
    try:
        value = pickle.loads(data[len(header) :])
    except Exception:  # a damaged pickle can raise almost anything
        return None
    return value if isinstance(value, kind) else None


def write(path: Path, key: str, value: object) -> None:
    """Store `value` under `key` at `path`, atomically and 0600. A cache that cannot be
    written (read-only home, full disk) is skipped: the next call rebuilds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, FOLDER_MODE)
        payload = MAGIC + key.encode("ascii") + b"\n" + pickle.dumps(value, protocol=5)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
    except OSError:
        return
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def cached_as(name: str, key: str, kind: type[T], build: Callable[[], T]) -> T:
    """`build()`, kept in the cache folder as `name-<key>.pickle` (same rules as the
    knowledge base: read only when the key matches and the file is private; older files of
    this name removed when a new one is written). For other rebuildable, non-personal data
    (the bundled trial snapshot)."""
    folder = cache_folder()
    path = folder / f"{name}-{key[:32]}.pickle"
    found = read(path, key, kind)
    if found is not None:
        _KEYS[id(found)] = (found, key)
        return found
    value = build()
    write(path, key, value)
    for old in folder.glob(f"{name}-*.pickle"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    _KEYS[id(value)] = (value, key)
    return value


def key_of(value: object) -> str | None:
    """The key `value` was read back or built under by `cached_as` in this process, or None.

    Why: what is kept from a knowledge base (a person's normalised record) is keyed by
    that knowledge base's content key, and working the key out again hashes every
    knowledge file (a reading command did it up to three times). The key of the object a
    caller holds is also the right one: it names the files that object was made from, even
    if they changed on disk since. The object is kept beside its key and compared by
    identity, so a new object can never take an old one's key."""
    kept = _KEYS.get(id(value))
    return kept[1] if kept is not None and kept[0] is value else None


def cached(data_dir: Path, kind: type[T], build: Callable[[], T]) -> T:
    """The object `build` makes from the files in `data_dir`, from the cache when its key
    matches, else built (errors propagate: an invalid knowledge base is never cached) and
    stored for next time. Old files of other keys are removed when a new one is written."""
    return cached_as("knowledge", content_key(data_dir), kind, build)
