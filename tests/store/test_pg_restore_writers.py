"""A PostgreSQL restore while the web app writes (issue 15, left open by the fourth probe).

`nextline restore --replace` on PostgreSQL replaces every table with the backup's. A write
acknowledged before that must not vanish: it is in the copy of the store kept before the
restore, or it waits and lands on the restored store. A write that cannot land says so
clearly. One pass on PostgreSQL (SQLite's restore is tested in `test_writers_meet_store.py`).
"""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import pytest

from nextline.errors import Conflict, NotFound, StoreError
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.store import backup as backups
from nextline.store import open_store
from tests.store.test_two_writers import PERSON, _values, _with_lab


def _kept_values(dump: Path, settings: Settings) -> set[int]:
    """The lab values of the person's latest version in a kept custom-format dump (read as
    SQL text with pg_restore, without restoring it anywhere)."""
    env, _ = backups._pg_environment(settings.effective_database_url)
    text = subprocess.run(
        [
            backups._pg_tool("pg_restore"),
            "--data-only",
            "--table=record_versions",
            "-f",
            "-",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        int(v) for v in re.findall(r'"date": "2025-01-02", "test": "CA 15-3", "value": (\d+)', text)
    }


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_writes_meeting_a_postgresql_restore_are_kept_or_land_after_it(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    store = open_store(settings)
    store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    saved = backups.backup(settings, tmp_path / "saved.pgdump")
    acked: list[int] = []
    unclear: list[str] = []
    stop = threading.Event()
    started = threading.Event()

    def writer() -> None:
        for value in range(300, 700):
            if stop.is_set():
                return
            try:
                store.update(PERSON, lambda f, v=value: _with_lab(f, v), "lab from the web")
                acked.append(value)
            except (Conflict, NotFound):
                pass  # a clear refusal: nothing acknowledged
            except StoreError as exc:
                if "nothing was stored" not in str(exc) and "busy" not in str(exc):
                    unclear.append(str(exc))
            except Exception as exc:
                unclear.append(f"{type(exc).__name__}: {exc}")
            if len(acked) >= 3:
                started.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(30)
    backups.restore(settings, saved.path, replace=True)
    after_restore = len(acked)
    threading.Event().wait(0.3)  # a few writes land on the restored store
    stop.set()
    thread.join(timeout=60)
    assert unclear == []
    in_store = set(_values(store.get(PERSON)))
    kept = sorted(settings.data_dir.glob("*before-restore*"))
    assert kept, "no copy of the store was kept before the restore replaced it"
    in_kept = _kept_values(kept[-1], settings)
    lost = [v for v in acked if v not in in_store and v not in in_kept]
    assert lost == []
    assert len(acked) > after_restore  # writing goes on after the restore
    store.engine.dispose()
