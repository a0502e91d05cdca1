"""The server's keeper (`web.keeper`): everyone's dashboard kept at start, then each person
as soon as their record changes from anywhere, and everyone again when the date turns; one
keeper per data folder, at the lowest priority, gone when its server is gone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from nextline.examples import EXAMPLE_IDS
from nextline.settings import Settings
from nextline.store.tables import DashboardPageRow, DashboardViewRow
from nextline.web import keep_views as keeping
from nextline.web import keeper
from tests.web.conftest import AS_OF, MARIA, make_app
from tests.web.kept_helpers import app_at, kept_rows, renamed


class Rounds:
    """`alive` and `sleep` for `keep_and_follow`: alive for `rounds` rounds of following,
    with `between(round)` run in each sleep (what other processes do meanwhile)."""

    def __init__(self, rounds: int, between=lambda _round: None) -> None:
        self.rounds = rounds
        self.slept = 0
        self.between = between

    def alive(self) -> bool:
        return self.slept <= self.rounds

    def sleep(self, seconds: float) -> None:
        assert seconds == keeper.FOLLOW_SECONDS
        self.slept += 1
        if self.slept <= self.rounds:
            self.between(self.slept)


def follow(app, rounds: Rounds, at_start: int | None = None, on: bool = True) -> int:
    return keeper.keep_and_follow(
        app, at_start=at_start, follow=on, alive=rounds.alive, sleep=rounds.sleep
    )


def test_at_start_it_keeps_everyone_by_default_and_as_many_as_asked(
    tmp_path: Path, work: dict[str, list[str]]
) -> None:
    app = make_app(tmp_path / "home", trials=False)
    assert follow(app, Rounds(0), on=False) == len(EXAMPLE_IDS)
    assert [p for p, _, _ in kept_rows(app, DashboardViewRow)] == sorted(EXAMPLE_IDS)
    assert [p for p, _, _ in kept_rows(app, DashboardPageRow)] == sorted(EXAMPLE_IDS)
    assert follow(app, Rounds(0), on=False) == 0  # all kept already: read, not computed

    other = make_app(tmp_path / "other", trials=False)
    other.state.web.store.update(MARIA, renamed("Maria Now"), "renamed")
    assert follow(other, Rounds(0), at_start=1, on=False) == 1
    assert [p for p, _, _ in kept_rows(other, DashboardViewRow)] == [MARIA]  # changed last

    none = make_app(tmp_path / "none", trials=False)
    assert follow(none, Rounds(0), at_start=0, on=False) == 0
    assert kept_rows(none, DashboardViewRow) == []
    assert len(work["built"]) == len(EXAMPLE_IDS) + 1


def test_a_change_from_any_process_is_kept_at_the_next_look(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = make_app(home, trials=False)
    elsewhere = app_at(home)  # an import, a FHIR file or another server: not this process
    versions: list[int] = []

    def change(round_: int) -> None:
        if round_ == 1:
            versions.append(elsewhere.state.web.store.update(MARIA, renamed("Maria B"), "b"))
        if round_ == 3:  # two changes in one round: the newest is kept
            elsewhere.state.web.store.update(MARIA, renamed("Maria C"), "c")
            versions.append(elsewhere.state.web.store.update(MARIA, renamed("Maria D"), "d"))

    computed = follow(app, Rounds(4, change))
    assert computed == len(EXAMPLE_IDS) + 2  # everyone, then Maria twice (round 2 saw nothing)
    kept = {p: v for p, v, _ in kept_rows(app, DashboardViewRow)}
    assert kept[MARIA] == versions[-1]
    page = {p: v for p, v, _ in kept_rows(app, DashboardPageRow)}
    assert page[MARIA] == versions[-1]  # the page too: the first view is one read


def test_a_person_deleted_meanwhile_is_passed_over(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = make_app(home, trials=False)
    elsewhere = app_at(home)

    def change(round_: int) -> None:
        if round_ == 1:
            elsewhere.state.web.store.update(MARIA, renamed("Maria B"), "b")
            elsewhere.state.web.store.delete(MARIA)

    assert follow(app, Rounds(2, change)) == len(EXAMPLE_IDS)
    assert MARIA not in {p for p, _, _ in kept_rows(app, DashboardViewRow)}


def test_when_the_date_turns_everyone_is_kept_again(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    state = app.state.web
    tomorrow = AS_OF + dt.timedelta(days=1)

    def turn(round_: int) -> None:
        if round_ == 2:
            state.as_of = tomorrow

    assert follow(app, Rounds(3, turn)) == 2 * len(EXAMPLE_IDS)
    assert {d for _, _, d in kept_rows(app, DashboardViewRow)} == {tomorrow}


def test_it_stops_between_people_once_its_server_is_gone(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    asked = []

    def alive() -> bool:
        asked.append(1)
        return len(asked) <= 1  # alive for the first person only

    assert keeper.keep_and_follow(app, at_start=None, follow=True, alive=alive) == 1
    assert len(kept_rows(app, DashboardViewRow)) == 1


def test_a_second_keeper_on_one_data_folder_does_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_app(home, trials=False)
    settings = Settings(home=home)
    with keeping.only_one(settings.data_dir) as mine:
        assert mine
        assert keeper.run(settings, at_start=None, follow=False, parent=os.getppid()) == 0
    assert kept_rows(app_at(home), DashboardViewRow) == []
    assert keeper.run(settings, at_start=None, follow=False, parent=os.getppid()) == len(
        EXAMPLE_IDS
    )


def _gone(pid: int) -> bool:
    """Whether the process has ended (a zombie nobody has reaped yet counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in {"Z", "X"}


def test_the_keeper_process_keeps_everyone_at_the_lowest_priority(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_app(home, people=EXAMPLE_IDS, trials=False)
    env = {"NEXTLINE_HOME": str(home)}
    os.environ.update(env)
    try:
        process = keeper.start(Settings(home=home), at_start=None, follow=False)
        seen = set()  # its niceness at each look: 0 only before its first line runs
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            try:
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1]
                seen.add(int(fields.split()[16]))
            except (FileNotFoundError, IndexError):
                pass
            time.sleep(0.02)
    finally:
        for name in env:
            os.environ.pop(name, None)
    assert process.returncode == 0
    assert keeper.LOWEST_PRIORITY in seen  # it computes (a second or more) at the lowest
    today = dt.date.today()
    assert [(p, d) for p, _, d in kept_rows(app_at(home), DashboardViewRow)] == [
        (p, today) for p in sorted(EXAMPLE_IDS)
    ]


def test_the_keeper_process_stops_when_its_server_is_gone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_app(home, people=(MARIA,), trials=False)
    server = subprocess.run(  # a server that starts its keeper and is then gone
        [
            sys.executable,
            "-c",
            "from nextline.settings import Settings; from nextline.web import keeper; "
            "print(keeper.start(Settings(), at_start=0, follow=True).pid)",
        ],
        env={**os.environ, "NEXTLINE_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pid = int(server.stdout.strip())
    deadline = time.monotonic() + 60
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)
