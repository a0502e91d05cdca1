"""A whole program's re-match, the pure part: one person's stored record against a prepared
catalog, compared with that person's last kept match; and the summary of a run.

Why a module of its own: the navigator's nightly job (`nextline trials rematch`) runs this
for every stored person, in parallel processes (`trials/rematch_run.py` does the processes
and the file and database I/O). Keeping the per-person step pure makes it the same step on
one core, on many, or on a cluster engine (docs/scaling.md), and lets the tests compare a
run with matching each person one by one.

No I/O, no clock: the as-of date, the earlier snapshot and the record come in as arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nextline.errors import NextlineError
from nextline.knowledge import Knowledge
from nextline.record import PatientFile
from nextline.trials.history import Changes, Snapshot, compare, snapshot
from nextline.trials.prepared import PreparedCatalog


@dataclass(frozen=True)
class PersonRematch:
    """What changed for one person; `error` is set (and nothing else) when the record could
    not be read or matched. Trial ids and counts only: no health data."""

    person_id: str
    fits: int = 0  # trials that may fit now (likely or possibly eligible)
    new: tuple[str, ...] = ()  # NCT ids that may fit now and did not at the last match
    gone: tuple[str, ...] = ()  # NCT ids that no longer fit (or left the catalog)
    moved: tuple[str, ...] = ()  # NCT ids whose verdict changed
    first: bool = False  # no earlier match was kept: this one is the baseline
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"patient": self.person_id, "error": self.error}
        return {
            "patient": self.person_id,
            "trials_that_may_fit": self.fits,
            "new": list(self.new),
            "no_longer_fit": list(self.gone),
            "verdict_changed": list(self.moved),
            "first_match": self.first,
        }


def rematch_person(
    file: PatientFile,
    kb: Knowledge,
    prepared: PreparedCatalog,
    as_of: dt.date,
    checked_on: dt.date,
    catalog_updated: str | None,
    before: Snapshot | None,
) -> tuple[Snapshot, Changes]:
    """Match one stored record (validated as of `checked_on`, read as of `as_of`) against
    the prepared catalog; the new snapshot and what changed since `before`.

    Raises `RecordInvalid` when the stored record no longer validates (a knowledge change,
    a later rule); the caller reports it by id and goes on.
    """
    from nextline.record import file_to_record
    from nextline.trials.matching import match_trials

    record = file_to_record(file, kb, checked_on, file.patient.id)
    # Only trials that may fit are kept in a snapshot: the ineligible ones are not built.
    matches = match_trials(record, kb, prepared, as_of, include_ineligible=False)
    now = snapshot(matches, as_of.isoformat(), catalog_updated)
    return now, compare(before, now)


def outcome(person_id: str, now: Snapshot, found: Changes) -> PersonRematch:
    """The counts kept for the run's summary."""
    return PersonRematch(
        person_id=person_id,
        fits=len(now.fits),
        new=tuple(nct for nct, _, _ in found.new),
        gone=tuple(nct for nct, _ in found.gone),
        moved=tuple(nct for nct, _, _, _ in found.moved),
        first=found.since is None,
    )


def failure(person_id: str, exc: BaseException) -> PersonRematch:
    """A person who could not be re-matched, with the reason in one line."""
    if isinstance(exc, NextlineError):
        reason = " ".join(str(exc).split())
    else:  # a bug must not stop the night's run; its kind and message name it
        reason = f"could not be matched ({type(exc).__name__}: {' '.join(str(exc).split())})"
    return PersonRematch(person_id=person_id, error=reason[:500])


@dataclass(frozen=True)
class RematchSummary:
    """The whole run: every person's outcome, in person-id order."""

    as_of: str
    catalog: dict[str, Any]  # {"source", "trials", "updated"}
    people: tuple[PersonRematch, ...]

    @property
    def errors(self) -> tuple[PersonRematch, ...]:
        return tuple(p for p in self.people if p.error is not None)

    @property
    def with_new(self) -> tuple[PersonRematch, ...]:
        """People with at least one trial that may fit now and did not before."""
        return tuple(p for p in self.people if p.new)

    @property
    def first(self) -> int:
        return sum(1 for p in self.people if p.first)

    def as_json(self) -> dict[str, Any]:
        """The `trials rematch --json` document."""
        return {
            "as_of": self.as_of,
            "catalog": self.catalog,
            "people": len(self.people),
            "trials": self.catalog["trials"],
            "people_with_new_fits": len(self.with_new),
            "first_matches": self.first,
            "errors": [{"patient": p.person_id, "reason": p.error} for p in self.errors],
            "results": [p.as_json() for p in self.people],
        }


def summarise(
    as_of: dt.date, catalog: dict[str, Any], results: Iterable[PersonRematch]
) -> RematchSummary:
    """One summary from results that came back in any order (sorted by id, so one worker
    and many give the same document)."""
    ordered = sorted(results, key=lambda p: p.person_id)
    return RematchSummary(as_of.isoformat(), dict(catalog), tuple(ordered))


def chunks(ids: Sequence[str], size: int) -> list[list[str]]:
    """Person ids in runs of `size` (the unit of work sent to a process)."""
    if size < 1:
        raise ValueError("a chunk holds at least one person")
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]
