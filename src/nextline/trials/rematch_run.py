"""Running the re-match over every stored person, in parallel processes on this machine.

How: the person ids are cut into chunks; a `ProcessPoolExecutor` of `workers` processes
each reads the knowledge base and the catalog once (its initializer), prepares the catalog
for matching, then takes chunks: reads each person's latest record from the store, matches
it (`trials.rematch.rematch_person`, pure), compares with the person's kept snapshot and
saves the new one (the files `nextline trials changes` reads). Only ids and counts travel
back to this process, so the work grows with people, not with what is sent between them.

Why processes and `spawn`: matching is CPU-bound Python, so threads would share one core;
`spawn` starts clean interpreters, safe whatever threads (a progress bar, a database pool)
this process holds. One worker runs in this process, with no pool at all.

A person whose record cannot be read or matched is reported by id and reason; the run goes
on. The prepared catalog (`trials/prepared_cache.py`) is made and kept here before the
workers start, so each of them only reads it.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nextline.errors import NextlineError
from nextline.gc_pause import collector_paused
from nextline.trials.rematch import (
    PersonRematch,
    RematchSummary,
    chunks,
    failure,
    outcome,
    rematch_person,
    summarise,
)

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.settings import Settings
    from nextline.trials.prepared_cache import ReadyCatalog

CHUNK_LIMIT = 50  # people per unit of work: small enough to balance, large enough to batch
Progress = Callable[[int, int], None]  # (people done, people in all)


@dataclass(frozen=True)
class RematchJob:
    """What every worker needs to know: where the data is, and the dates."""

    settings: Settings
    as_of: dt.date  # the date the engines look from
    checked_on: dt.date  # the date records are validated as of (today, or a later as-of)


class _Worker:
    """One process's catalog, prepared once, and its handle on the store."""

    def __init__(
        self,
        job: RematchJob,
        kb: Knowledge | None = None,
        ready: ReadyCatalog | None = None,
    ) -> None:
        from nextline.knowledge import load_knowledge
        from nextline.store import open_store
        from nextline.trials.prepared_cache import ready_catalog

        self.job = job
        self.kb = kb or load_knowledge()
        # the parent prepared and kept the catalog before starting the workers: each reads it
        ready = ready or ready_catalog(self.kb, job.settings)
        self.prepared = ready.prepared
        self.updated: str | None = ready.metadata["updated"]
        self.store = open_store(job.settings)
        self.folder = job.settings.data_dir

    def run(self, ids: list[str]) -> list[PersonRematch]:
        out: list[PersonRematch] = []
        # A person's match makes thousands of small objects and no cycles: reference
        # counting frees them, and the cyclic collector (which would walk them again and
        # again) waits until the chunk is done.
        with collector_paused():
            self._run(ids, out)
        return out

    def _run(self, ids: list[str], out: list[PersonRematch]) -> None:
        from nextline.trials.history import load_snapshot, save_snapshot

        for person_id in ids:
            try:
                file = self.store.get(person_id)
                now, found = rematch_person(
                    file,
                    self.kb,
                    self.prepared,
                    self.job.as_of,
                    self.job.checked_on,
                    self.updated,
                    load_snapshot(self.folder, person_id),
                )
                save_snapshot(self.folder, person_id, now)
                out.append(outcome(person_id, now, found))
            except Exception as exc:  # reported by id and reason; the run goes on
                out.append(failure(person_id, exc))


_worker: _Worker | None = None  # this process's worker, set by `_start` in a pool process


def _start(job: RematchJob) -> None:
    global _worker
    _worker = _Worker(job)
    # The prepared catalog lives as long as the process: out of the cyclic collector's
    # sight, each person's garbage is collected without walking the whole catalog again.
    gc.freeze()


def _run_chunk(ids: list[str]) -> list[PersonRematch]:
    if _worker is None:  # pragma: no cover - the pool always runs `_start` first
        raise RuntimeError("the re-match worker was not started")
    return _worker.run(ids)


def default_workers() -> int:
    """One process per core this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def chunk_size(people: int, workers: int) -> int:
    """About four chunks per worker (so a slow chunk does not leave the others idle), at
    most `CHUNK_LIMIT` people each."""
    return max(1, min(CHUNK_LIMIT, math.ceil(people / (workers * 4))))


def rematch_all(
    settings: Settings,
    as_of: dt.date,
    checked_on: dt.date,
    *,
    workers: int | None = None,
    on_progress: Progress | None = None,
) -> RematchSummary:
    """Re-match every stored person against the catalog in use; keep each new snapshot and
    return what changed, person by person. `workers=1` runs in this process."""
    from nextline.knowledge import load_knowledge
    from nextline.store import open_store
    from nextline.trials.prepared_cache import ready_catalog

    if workers is not None and workers < 1:
        raise NextlineError("--workers: at least one worker is needed")
    ids = [p.id for p in open_store(settings).list()]
    kb = load_knowledge()
    report = on_progress or (lambda done, total: None)
    # Read every trial's criteria and prepare the catalog once, here, and keep it on disk:
    # each worker reads the kept copy instead of preparing its own.
    ready = ready_catalog(kb, settings)
    meta = ready.metadata
    job = RematchJob(settings, as_of, checked_on)
    report(0, len(ids))
    if not ids:
        return summarise(as_of, meta, [])
    count = min(workers or default_workers(), len(ids))
    parts = chunks(ids, chunk_size(len(ids), count))
    results: list[PersonRematch] = []
    if count == 1:
        worker = _Worker(job, kb, ready)
        for part in parts:
            results.extend(worker.run(part))
            report(len(results), len(ids))
        return summarise(as_of, meta, results)
    del ready  # the workers read their own; this copy is not needed while they run
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(count, context, initializer=_start, initargs=(job,)) as pool:
            pending: set[Future[list[PersonRematch]]] = {
                pool.submit(_run_chunk, part) for part in parts
            }
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    results.extend(future.result())
                report(len(results), len(ids))
    except BrokenProcessPool as exc:
        raise NextlineError(
            f"a re-match worker process stopped ({exc}); the people matched before it keep "
            "their new match: run `nextline trials rematch` again, or with fewer --workers"
        ) from None
    return summarise(as_of, meta, results)
