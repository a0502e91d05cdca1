"""Benchmark the navigator's view (`/navigator`) for a navigator following --people people.

Run: `.venv/bin/python bench/bench_navigator.py [--people 80] [--repeat 5]`.

Stores --people people in a fresh SQLite store in a temporary folder: copies of the three
example people, and as every fourth a person whose treatment turned "probably not working"
at the latest scan (stored in two versions, so the view also reads the version before), with
an appointment this week and two open questions. Then, through the app in this process:

- cold: the first page after start-up (every person's record read, built and assessed; the
  knowledge base is read before, as the server's warm-up does);
- warm: the page again (the facts come from the per-version cache; each person's kept trial
  snapshot, one small file, is read each time);
- after one change: one person's record changed, the page again;
- server mode, warm: a signed-in navigator of everyone (the access check reads the session;
  the view writes one audit line per person listed, in one transaction).

CPU time of this process (`time.process_time`), best of --repeat for the warm figure; the
shared machine's wall-clock time is noisy, so it is printed only beside it.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

AS_OF = dt.date(2025, 6, 1)


def _lesions(a: int, b: int, node: int, c: int) -> list[dict[str, Any]]:
    return [
        {"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": a},
        {"id": "liver-2", "organ": "liver", "role": "target", "longest_mm": b},
        {"id": "node-1", "organ": "lymph node", "node": True, "role": "target",
         "short_axis_mm": node},
        {"id": "liver-3", "organ": "liver", "role": "target", "longest_mm": c},
    ]  # fmt: skip


def store_people(app: Any, people: int) -> list[str]:
    from nextline.examples import EXAMPLE_IDS, example_path
    from nextline.record import patient_file_data, read_patient_file
    from nextline.record.validate import validate_record
    from nextline.trials.history import Snapshot, save_snapshot

    state = app.state.web
    bases = [patient_file_data(read_patient_file(example_path(i))) for i in EXAMPLE_IDS]
    ids = []
    for n in range(people):
        data = copy.deepcopy(bases[n % len(bases)])
        data["patient"] = {**data["patient"], "id": f"person-{n:03d}", "name": f"Person {n}"}
        turned = n % 4 == 3
        if turned:
            data = copy.deepcopy(bases[0])
            data["patient"] = {**data["patient"], "id": f"person-{n:03d}", "name": f"Person {n}"}
            data["therapies"].append(
                {"setting": "metastatic", "drugs": ["capecitabine"], "start": "2024-04-15"}
            )
            data["imaging"].append(
                {"date": "2024-07-01", "modality": "CT", "lesions": _lesions(22, 13, 9, 10)}
            )
            data["appointments"] = [{"date": "2025-06-03", "what": "oncology visit"}]
            data["questions"] = [
                {"text": "What comes next?", "order": 0},
                {"text": "Can I travel?", "order": 1},
            ]
        file = validate_record(data, state.kb, AS_OF).file
        person_id, version = state.store.save(file, "bench", base=None)
        if turned:
            data["imaging"].append(
                {"date": "2025-05-20", "modality": "CT", "lesions": _lesions(40, 30, 20, 25)}
            )
            grown = validate_record(data, state.kb, AS_OF).file
            state.store.save(grown, "scan", base=version)
        # a kept trial match for each, as after `nextline trials rematch`: the view reads it
        save_snapshot(
            state.settings.data_dir,
            person_id,
            Snapshot(AS_OF.isoformat(), None, {"NCT00000001": "possibly_eligible"}),
        )
        ids.append(person_id)
    return ids


def _cpu(fn: Any) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from nextline.record import patient_file_data, validate_patient_data
    from nextline.settings import Settings
    from nextline.web import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(home=Path(folder)), as_of=AS_OF)
        ids = store_people(app, args.people)
        app.state.web.kb  # noqa: B018 - read the knowledge base first, as the server's warm-up does
        with TestClient(app, base_url="http://127.0.0.1:8321") as client:

            def page() -> None:
                response = client.get("/navigator")
                assert response.status_code == 200, response.status_code
                assert response.text.count("<tr data-person=") == args.people

            cold = _cpu(page)
            warm = min(_cpu(page) for _ in range(args.repeat))
            state = app.state.web
            file, version = state.store.get_latest(ids[0])
            data = patient_file_data(file)
            data.setdefault("questions", []).append({"text": "Is it working?", "order": 9})
            state.store.save(validate_patient_data(data), "bench change", base=version)
            one_change = _cpu(page)
            # server mode: a signed-in navigator of everyone; each view also writes one audit
            # line per person (one transaction) and the access check reads the session
            from nextline.accounts.principal import Role
            from nextline.accounts.store import AccountStore
            from nextline.web.signed_in import SESSION_COOKIE

            accounts = AccountStore(state.store.engine)
            account = accounts.create_account("nav", "Nav", password="a bench password")
            for person_id in ids:
                accounts.grant(account, person_id, Role.NAVIGATOR)
            client.cookies.set(SESSION_COOKIE, accounts.start_session(account, "127.0.0.1"))
            signed_in = min(_cpu(page) for _ in range(args.repeat))
    print(f"navigator page, {args.people} people (CPU s, wall s beside):")
    print(f"  cold (nothing cached)      {cold[0]:.3f}  ({cold[1]:.3f})")
    print(f"  warm, best of {args.repeat:<2}         {warm[0]:.3f}  ({warm[1]:.3f})")
    print(f"  after one person changed   {one_change[0]:.3f}  ({one_change[1]:.3f})")
    print(f"  server mode, warm, best    {signed_in[0]:.3f}  ({signed_in[1]:.3f})")


if __name__ == "__main__":
    main()
