"""Parsed criteria kept on disk, so a catalog is read once, not at every command.

One gzip JSON file per parser version in the data folder, keyed by a hash of everything the
parser reads from a trial (criteria text, title, conditions, age and sex limits). A changed
trial gets a new key; a new parser version starts a new file. Writes go to a temporary file
that replaces the old one, so a crash never leaves half a cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from nextline.knowledge import Knowledge
from nextline.trials.eligibility import PARSER_VERSION, ParsedEligibility, parse_trial
from nextline.trials.models import Trial

_ADAPTER = TypeAdapter(dict[str, ParsedEligibility])


def trial_key(trial: Trial) -> str:
    """A hash of what the parser reads from a trial."""
    parts = [
        trial.eligibility_text,
        trial.title,
        "\x1f".join(trial.conditions),
        str(trial.minimum_age_years),
        str(trial.maximum_age_years),
        str(trial.sex),
    ]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:32]


def cache_path(folder: Path) -> Path:
    return folder / f"trial-criteria-v{PARSER_VERSION}.json.gz"


# The bundled catalog's criteria, read ahead of time by `scripts/build-criteria-seed` and
# shipped with nextline, so the first trial search takes seconds rather than a minute. Keys
# are content hashes and the file name carries the parser version, so a seed from another
# parser version is simply not found, and a changed trial simply misses.
SEED_DIR = Path(__file__).resolve().parents[1] / "data"


def seed_path() -> Path:
    return cache_path(SEED_DIR)


def _read(path: Path) -> dict[str, ParsedEligibility]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return _ADAPTER.validate_python(json.load(handle))
    except (OSError, EOFError, ValueError, ValidationError):
        return {}  # a missing or damaged cache is rebuilt, never trusted


def _write(path: Path, entries: dict[str, ParsedEligibility]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _ADAPTER.dump_python(entries, mode="json", exclude_defaults=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".criteria-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parsed_criteria(
    trials: Sequence[Trial], kb: Knowledge, folder: Path | None
) -> dict[str, ParsedEligibility]:
    """NCT id -> parsed criteria for `trials`, from the cache in `folder` where present,
    parsing (and saving) the rest. `folder=None` parses everything and saves nothing."""
    cached = _read(cache_path(folder)) if folder is not None else {}
    seed = _read(seed_path())
    out: dict[str, ParsedEligibility] = {}
    changed = False
    for trial in trials:
        key = trial_key(trial)
        parsed = cached.get(key) or seed.get(key)
        if parsed is None:
            parsed = parse_trial(trial, kb)
            cached[key] = parsed
            changed = True
        out[trial.nct_id] = parsed
    if folder is not None and changed:
        _write(cache_path(folder), cached)
    return out
