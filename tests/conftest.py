"""Shared fixtures: fresh state for every test (no NEXTLINE_* leaking in), a fresh data
folder per test, and the bundled example people."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge, load_knowledge
from nextline.record import PatientRecord, load_record

EXAMPLES_AS_OF = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("NEXTLINE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEXTLINE_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def examples(kb: Knowledge) -> dict[str, PatientRecord]:
    """The three example people as records, as of 2025-06-01."""
    return {i: load_record(example_path(i), kb, EXAMPLES_AS_OF) for i in EXAMPLE_IDS}


POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")  # set by scripts/with-postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for the embedded SQLite store, or the URL of a private, throw-away PostgreSQL
    schema: tests that take it run on both databases."""
    if request.param == "sqlite":
        yield None
        return
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: run through `make test` (scripts/with-postgres starts one)")
    from sqlalchemy import text

    from nextline.store import create_db_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URL}&options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def fresh_knowledge_memo() -> Iterator[None]:
    """A new knowledge object per test, so in-process memos kept on it (the symptom-note
    reader's among them) start empty, as in a fresh process."""
    from nextline.knowledge.base import _load_cached

    _load_cached.cache_clear()
    yield
    _load_cached.cache_clear()


# The files that take longest (measured with `--durations`), handed out first. With
# `--dist loadfile` a file runs whole on one worker; a long file handed out last keeps one
# worker busy while the other waits, and the suite's wall time is the later worker's. The
# order only moves whole files (each file's tests stay together, in their order); a file
# not listed keeps its place after these.
_LONGEST_FIRST = (
    "tests/store/test_note_readings.py",
    "tests/bench/test_bench_web.py",
    "tests/web/test_e2e_every_page.py",
    "tests/trials/test_prepared_cache.py",
    "tests/report/test_report_inputs.py",
    "tests/trials/test_matching_examples.py",
    "tests/web/test_openapi_contract.py",
    "tests/cli/test_reading_imports.py",
    "tests/cli/test_bench_cli.py",
    "tests/report/test_report_trials.py",
    "tests/bench/test_engine_digest.py",
    "tests/cli/test_plan_commands.py",
    "tests/web/test_trials.py",
    "tests/web/test_trial_changes.py",
    "tests/bench/test_bench_web_trials.py",
    "tests/store/test_private_files.py",
    "tests/knowledge/test_knowledge_cache.py",
    "tests/assess/test_recist_varied_histories.py",
    "tests/web/test_sharing_probe_s12.py",
    "tests/assess/test_red_flags_structured_s12.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first (see `_LONGEST_FIRST`); a stable sort keeps every other order."""
    rank = {name: i for i, name in enumerate(_LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
