"""The keeper: one low-priority process beside `nextline serve` that keeps every stored
person's dashboard ready before anyone asks, and keeps it ready as records change.

Why: a dashboard computed on the spot costs 7-10 ms of CPU (build the record, assess, list
the options, prepare the questions, draw the page); a kept one costs one read (about 1.5
ms). With 16 people asking at once on 2 cores, computed dashboards queue to p95 over 300 ms
where kept ones stay under 50 ms (`bench/bench_web.py`). Keeping only at start left out
everyone changed afterwards outside the web app (an import, a FHIR file, a second server)
and everyone after midnight (a dashboard is kept per date).

Why a process and not a thread in a server process: a thread holds that process's
interpreter lock while it computes, so the requests of that process wait behind it. A
separate process at the lowest CPU priority (nice 19) gets only the CPU time the server
leaves idle: under load it all but stops, and it catches up when the load eases.

What it does:
1. at start, the `at_start` people changed last (everyone by default), most recent first;
2. then, every `FOLLOW_SECONDS`, the people whose latest stored version is newer than the
   newest it has seen (saved by any process, any command), most recent first;
3. when the date turns, everyone again, as at start.
One keeper per data folder (the keep-views lock, `web.keep_views.only_one`); it stops when
the server that started it is gone. It computes exactly what a request would
(`web.keep_views.keep_views`), so a kept dashboard is byte for byte the computed one.
Nothing is logged but the kind of a failure: no names, ids or health data.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from nextline.settings import Settings
    from nextline.store import RecordStore

log = logging.getLogger("nextline.web")

FOLLOW_SECONDS = 2.0  # how often the keeper looks for changed people
LOWEST_PRIORITY = 19  # nice: CPU time only when the server leaves a core idle


def newest_version(store: RecordStore) -> int:
    """The newest stored version's row id (0 for an empty store): row ids only grow."""
    from sqlalchemy import func, select

    from nextline.store.tables import RecordVersion

    with store.engine.connect() as connection:
        found = connection.execute(select(func.max(RecordVersion.id))).scalar()
    return int(found or 0)


def _while(alive: Callable[[], bool], people: Iterable[str]) -> Iterator[str]:
    for person in people:
        if not alive():
            return
        yield person


def keep_and_follow(
    app: FastAPI,
    *,
    at_start: int | None,
    follow: bool,
    alive: Callable[[], bool],
    every: float = FOLLOW_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Keep the `at_start` people changed last (None: everyone), then, while `follow` and
    `alive()`, the people changed since, and everyone again when the date turns. Returns how
    many dashboards it computed (the ones it found kept already are read, not computed)."""
    from nextline.web.keep_views import changed_after, keep_views, recently_changed

    state = app.state.web
    store = state.store
    computed = 0
    day = state.today()
    newest = newest_version(store)  # before the list: a save meanwhile is seen next round
    if at_start != 0:
        everyone = recently_changed(store, at_start)
        computed += keep_views(app, _while(alive, everyone)).computed
    while follow and alive():
        sleep(every)
        if not alive():
            break
        if state.today() != day:  # a new date: every kept dashboard is of yesterday
            day = state.today()
            newest = newest_version(store)
            everyone = recently_changed(store, at_start)
            computed += keep_views(app, _while(alive, everyone)).computed
            continue
        changed = changed_after(store, newest)
        if changed:
            newest = changed[0][1]  # the one stored last comes first
            people = [person for person, _ in changed]
            computed += keep_views(app, _while(alive, people)).computed
    return computed


def run(settings: Settings, *, at_start: int | None, follow: bool, parent: int) -> int:
    """The keeper process's work: take the data folder's lock (or leave at once: another
    keeper has it), then keep and follow until the `parent` process is gone."""
    from nextline.web import create_app
    from nextline.web.keep_views import only_one
    from nextline.web.security import sign_in_on

    app = create_app(settings, authentication=sign_in_on(settings))
    state = app.state.web
    if state.kept_views() is None:  # the data folder cannot hold the views' key
        return 0
    with only_one(state.settings.data_dir) as mine:
        if not mine:
            return 0
        return keep_and_follow(
            app, at_start=at_start, follow=follow, alive=lambda: os.getppid() == parent
        )


def start(settings: Settings, *, at_start: int | None, follow: bool) -> subprocess.Popen[bytes]:
    """Start the keeper for this server (this process is its parent: it stops when this
    one is gone). The settings reach it as the server's own do: through the environment."""
    env = dict(os.environ)
    env["NEXTLINE_HOST"] = settings.host
    env["NEXTLINE_PORT"] = str(settings.port)
    command = [sys.executable, "-m", "nextline.web.keeper", "--parent", str(os.getpid())]
    if at_start is not None:
        command += ["--at-start", str(at_start)]
    if not follow:
        command.append("--no-follow")
    return subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the keeper (it would stop by itself at its next look; this is sooner)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> int:
    import argparse

    from nextline.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m nextline.web.keeper", description=__doc__)
    parser.add_argument("--parent", type=int, required=True, help="stop when it is gone")
    parser.add_argument("--at-start", type=int, default=None, help="default: everyone")
    parser.add_argument("--no-follow", dest="follow", action="store_false")
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError):  # where it is not allowed, it works less politely
        os.nice(LOWEST_PRIORITY)
    try:
        run(Settings(), at_start=args.at_start, follow=args.follow, parent=args.parent)
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # a nicety, never fatal to the server; no health data
        log.warning("keeping dashboards stopped: %s", type(exc).__name__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
