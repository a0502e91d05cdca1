"""A catalog of trials with where it came from and when: the one type both the bundled
snapshot (`catalog.py`) and the store (`store.py`) give back.

Why its own module: `catalog.py` chooses between the store and the bundled snapshot, so it
reaches the store; the store returns a `Catalog`. With the type here, neither imports the
other in a circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nextline.errors import NotFound
from nextline.trials.models import Trial


@dataclass(frozen=True)
class Catalog:
    """A list of trials plus where they came from (`source`) and when (`updated`)."""

    trials: list[Trial]
    source: str
    updated: dt.date | None = None
    _by_id: dict[str, Trial] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((t.nct_id, t) for t in self.trials)

    def __len__(self) -> int:
        return len(self.trials)

    def get(self, nct_id: str) -> Trial:
        """The trial with this NCT id (case-insensitive), or `NotFound`."""
        trial = self._by_id.get(nct_id.strip().upper())
        if trial is None:
            raise NotFound("trial", nct_id)
        return trial

    def __contains__(self, nct_id: object) -> bool:
        return isinstance(nct_id, str) and nct_id.strip().upper() in self._by_id

    def metadata(self) -> dict[str, Any]:
        """`{"source", "trials", "updated"}` as in the `trials match --json` contract."""
        return {
            "source": self.source,
            "trials": len(self.trials),
            "updated": self.updated.isoformat() if self.updated else None,
        }

    def filter(self, keep: Iterable[str]) -> Catalog:
        """The same catalog holding only the given NCT ids (in catalog order)."""
        wanted = {k.upper() for k in keep}
        return Catalog([t for t in self.trials if t.nct_id in wanted], self.source, self.updated)
