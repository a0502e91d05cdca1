"""Each person's last trial match, kept so `nextline trials changes` can say which trials
are new since then and which no longer fit (after a record change or a catalog sync).

Why a file and not the record store: the snapshot is derived (it can always be rebuilt by
matching again) and per machine; it lives beside the parsed-criteria cache in the data
folder, one small JSON file per person, named by a hash of the person's id so the folder
listing names nobody. It holds trial ids, titles and verdicts only.

`snapshot` and `compare` are pure; `load_snapshot` and `save_snapshot` do the file I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextline.trials.matching import TrialMatch

SHOWN = ("likely_eligible", "possibly_eligible")
FOLDER = "trial-matches"


@dataclass(frozen=True)
class Snapshot:
    """The trials that may fit one person, as of one date and one catalog."""

    as_of: str
    catalog_updated: str | None
    fits: dict[str, str]  # NCT id -> verdict
    titles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Changes:
    since: str | None  # the as-of date of the earlier match; None on the first run
    new: list[tuple[str, str, str]]  # (NCT id, title, verdict) that may fit now
    gone: list[tuple[str, str]]  # (NCT id, title) that no longer fit (or left the catalog)
    moved: list[tuple[str, str, str, str]]  # (NCT id, title, before, now) verdict changes


def snapshot(matches: Sequence[TrialMatch], as_of: str, catalog_updated: str | None) -> Snapshot:
    shown = [m for m in matches if m.verdict in SHOWN]
    return Snapshot(
        as_of=as_of,
        catalog_updated=catalog_updated,
        fits={m.nct_id: m.verdict for m in shown},
        titles={m.nct_id: m.title for m in shown},
    )


def compare(before: Snapshot | None, now: Snapshot) -> Changes:
    """What changed between two matches of the same person (new, gone, verdict moved)."""
    if before is None:
        return Changes(since=None, new=[], gone=[], moved=[])
    new = [
        (nct, now.titles.get(nct, ""), verdict)
        for nct, verdict in now.fits.items()
        if nct not in before.fits
    ]
    gone = [(nct, before.titles.get(nct, "")) for nct in before.fits if nct not in now.fits]
    moved = [
        (nct, now.titles.get(nct, ""), before.fits[nct], verdict)
        for nct, verdict in now.fits.items()
        if nct in before.fits and before.fits[nct] != verdict
    ]
    return Changes(since=before.as_of, new=new, gone=gone, moved=moved)


def _path(folder: Path, person_id: str) -> Path:
    digest = hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:24]
    return folder / FOLDER / f"{digest}.json"


def load_snapshot(folder: Path, person_id: str) -> Snapshot | None:
    """The last saved match, or None (none saved, or unreadable: then it is rebuilt)."""
    path = _path(folder, person_id)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return Snapshot(
            as_of=str(data["as_of"]),
            catalog_updated=data.get("catalog_updated"),
            fits={str(k): str(v) for k, v in data["fits"].items()},
            titles={str(k): str(v) for k, v in data.get("titles", {}).items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def forget_snapshot(folder: Path, person_id: str) -> None:
    """Remove a person's kept match (the person was deleted: a later record under the same id
    must not be compared with, or shown, theirs)."""
    _path(folder, person_id).unlink(missing_ok=True)


def save_snapshot(folder: Path, person_id: str, snap: Snapshot) -> None:
    """Write the snapshot whole or not at all (a temporary file, then a rename)."""
    path = _path(folder, person_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(
        {
            "as_of": snap.as_of,
            "catalog_updated": snap.catalog_updated,
            "fits": snap.fits,
            "titles": snap.titles,
        },
        ensure_ascii=False,
    )
    from nextline.store.files import write_private

    write_private(path, body.encode("utf-8"))
