"""The catalog prepared for matching, kept on disk: `trials match` reads it instead of
reading the catalog, its parsed criteria and preparing every trial again.

Why: preparing 1,359 trials (classifying each study, compiling its criteria, placing its
sites) costs about a second of CPU, reading the parsed criteria another; the person's own
match costs a tenth of that. The prepared catalog is the same for every person and every
call until the catalog, the parser, the knowledge base or the code changes, so it is built
once and pickled. The registry record, parsed criteria and sites of each trial are pickled
as bytes of their own inside it (`prepared.PlanDetail`) and only unpickled for the trials a
match lists.

Never trusted blindly (the rules of `knowledge/cache.py`, whose helpers write and read it):
the file name and header carry a key, the SHA-256 of the catalog's content (the bundled
snapshot's bytes, or every stored trial's JSON and the catalog's source and date), the
parser version, the knowledge base's key, every source file of `nextline.trials`, and the
nextline, Python and pydantic versions. A file of another key, damaged, not ours or
writable by others is ignored and rebuilt; writes are atomic, 0600 in a 0700 folder. The
prepared catalog holds trials and medicine, no health data.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline.gc_pause import collector_back_on, collector_paused
from nextline.trials.prepared import PreparedCatalog

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.settings import Settings
    from nextline.trials.catalog_model import Catalog

CACHE_NAME = "trial-prepared"
# Bump when what is pickled changes shape in a way the source hash would not show.
CACHE_FORMAT = "2"
_TRIALS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ReadyCatalog:
    """A catalog prepared for matching, with its `{"source", "trials", "updated"}`."""

    prepared: PreparedCatalog
    metadata: dict[str, Any]


def code_key() -> str:
    """SHA-256 of every source file of `nextline.trials` (the parser, the readers, the
    preparation and the models pickled) and of the versions that shape a pickle."""
    import pydantic

    from nextline import __version__
    from nextline.trials.eligibility import PARSER_VERSION

    digest = hashlib.sha256(
        f"{CACHE_FORMAT}|{PARSER_VERSION}|{__version__}|{sys.version}|{pydantic.VERSION}".encode()
    )
    for path in sorted(_TRIALS_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(_TRIALS_DIR)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def knowledge_key() -> str:
    """The default knowledge base's content key (find-out words and parsing read it)."""
    from nextline.knowledge.cache import DATA_DIR, content_key

    return content_key(DATA_DIR)


def cache_key(catalog_key: str, metadata: dict[str, Any]) -> str:
    """The key of a prepared catalog: what it was made from and the code that made it."""
    digest = hashlib.sha256()
    for part in (
        catalog_key,
        json.dumps(metadata, sort_keys=True),
        knowledge_key(),
        code_key(),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def prepare(catalog: Catalog, kb: Knowledge, folder: Path | None) -> PreparedCatalog:
    """The uncached path: parsed criteria (from their own cache in `folder`), then every
    trial prepared."""
    from nextline.trials.eligibility.cache import parsed_criteria
    from nextline.trials.prepared import prepare_catalog

    parsed = parsed_criteria(catalog.trials, kb, folder)
    return prepare_catalog(catalog.trials, kb, parsed)


def ready_catalog(
    kb: Knowledge,
    settings: Settings | None = None,
    *,
    before_build: Callable[[Catalog], None] | None = None,
) -> ReadyCatalog:
    """The catalog `load_catalog(settings)` gives, prepared for matching: from the cache
    when its key matches, else read, prepared and kept. `before_build` is called with the
    catalog when it must be prepared (to say that the first time takes longer).

    `kb` must be the default knowledge base (`load_knowledge()`): its key is part of the
    cache key."""
    from nextline.knowledge.cache import cached_as
    from nextline.trials.catalog import stored_trials

    stored = stored_trials(settings)
    if stored is not None:
        described: dict[str, Any] = stored.load_catalog_meta()
        catalog_key = stored.content_digest()
    else:
        from nextline.trials import catalog as bundled

        described = {"source": bundled.DEFAULT_SOURCE, "updated": str(bundled.DEFAULT_UPDATED)}
        try:
            catalog_key = bundled.snapshot_key()
        except OSError:
            catalog_key = ""

    def build() -> ReadyCatalog:
        from nextline.trials.catalog import load_default_catalog

        # parsing criteria makes garbage with cycles: collect as usual meanwhile
        with collector_back_on():
            catalog = stored.load_catalog() if stored is not None else load_default_catalog()
            if before_build is not None:
                before_build(catalog)
            return ReadyCatalog(prepare(catalog, kb, _data_dir(settings)), catalog.metadata())

    # Unpickling makes about a hundred thousand small objects and no garbage: the cyclic
    # collector, run again and again while they appear, would add a third to the read.
    with collector_paused():
        if not catalog_key:
            return build()
        key = cache_key(catalog_key, described)
        return cached_as(CACHE_NAME, key, ReadyCatalog, build)


def _data_dir(settings: Settings | None) -> Path:
    """The data folder the parsed criteria are kept in. Only when the catalog must be
    prepared: reading the cache needs no settings object."""
    if settings is None:
        from nextline.settings import Settings

        settings = Settings()
    return settings.data_dir
