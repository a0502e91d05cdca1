"""`nextline trials rematch`: every stored person against the catalog, in parallel; the same
results as matching each person one by one, what changed kept per person, a broken record
reported by id without stopping the run, and one worker or two giving the same document."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from nextline.cli import app
from nextline.errors import NextlineError
from nextline.knowledge import Knowledge
from nextline.record import file_to_record, validate_patient_data
from nextline.settings import Settings
from nextline.store import open_store
from nextline.trials.catalog import DEFAULT_UPDATED, is_breast_trial, load_default_catalog
from nextline.trials.eligibility.cache import parsed_criteria
from nextline.trials.history import FOLDER, Snapshot, load_snapshot, save_snapshot, snapshot
from nextline.trials.matching import match_trials
from nextline.trials.models import Trial
from nextline.trials.rematch import PersonRematch, chunks, failure, summarise
from nextline.trials.rematch_run import chunk_size, rematch_all
from nextline.trials.store import open_trial_store
from tests.bench_scripts import load_bench

AS_OF = dt.date(2025, 10, 1)
BENCH = Path(__file__).parents[2] / "bench" / "bench_rematch.py"


def _bench() -> ModuleType:
    sys.path.insert(0, str(BENCH.parent))
    module = load_bench("bench_rematch.py")
    return module


def _catalog() -> list[Trial]:
    """A small catalog: breast cancer trials and a few others from the bundled snapshot
    (their criteria are in the bundled seed, so nothing is parsed with spaCy here)."""
    trials = load_default_catalog().trials
    breast = [t for t in trials if is_breast_trial(t)][:30]
    other = [t for t in trials if not is_breast_trial(t)][:5]
    return breast + other


def _fill(home: Path, people: int) -> Settings:
    """A data folder with `people` varied people (the bench generator) and the catalog."""
    settings = Settings(home=home)
    store = open_store(settings)
    for data in _bench().synthetic_people(people, seed=11):
        store.save(validate_patient_data(data), "test", base=None)
    open_trial_store(settings).save_trials(_catalog(), "test catalog", DEFAULT_UPDATED)
    return settings


def _break(settings: Settings, person_id: str, content: str) -> None:
    """Overwrite a stored record's latest version in place, as a damaged database would."""
    engine = open_store(settings).engine
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE record_versions SET content = :c WHERE person_id = :p"),
            {"c": content, "p": person_id},
        )


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine people and the catalog, stored once; each test copies the folder."""
    home = tmp_path_factory.mktemp("rematch") / "home"
    _fill(home, 9)
    return home


@pytest.fixture
def settings(filled: Path, tmp_path: Path) -> Settings:
    home = tmp_path / "copy"
    shutil.copytree(filled, home)
    return Settings(home=home)


def test_rematch_equals_matching_each_person_one_by_one(settings: Settings, kb: Knowledge) -> None:
    summary = rematch_all(settings, AS_OF, AS_OF, workers=1)
    store = open_store(settings)
    catalog = open_trial_store(settings).load_catalog()
    parsed = parsed_criteria(catalog.trials, kb, settings.data_dir)
    assert [p.person_id for p in summary.people] == [f"rematch-{n:05d}" for n in range(9)]
    assert summary.errors == ()
    assert summary.catalog == {"source": "test catalog", "trials": 35, "updated": "2026-01-05"}
    fits_seen = set()
    for person in summary.people:
        record = file_to_record(store.get(person.person_id), kb, AS_OF)
        alone = match_trials(record, kb, catalog.trials, AS_OF, parsed=parsed)
        expected = snapshot(alone, AS_OF.isoformat(), "2026-01-05")
        assert load_snapshot(settings.data_dir, person.person_id) == expected
        assert person.fits == len(expected.fits)
        assert person.first is True
        assert person.new == ()
        fits_seen.add(person.fits)
    assert len(fits_seen) > 1  # the people differ, and so do their matches


def test_a_second_run_records_what_changed_per_person(settings: Settings) -> None:
    first = rematch_all(settings, AS_OF, AS_OF, workers=1)
    person = first.people[0]
    kept = load_snapshot(settings.data_dir, person.person_id)
    assert kept is not None and len(kept.fits) >= 2
    # An older match: one trial that now fits was not there; one that left the catalog was.
    dropped = sorted(kept.fits)[0]
    older = Snapshot(
        "2025-09-01",
        kept.catalog_updated,
        {**{k: v for k, v in kept.fits.items() if k != dropped}, "NCT99999999": "likely_eligible"},
        {"NCT99999999": "A study that closed"},
    )
    save_snapshot(settings.data_dir, person.person_id, older)
    second = rematch_all(settings, AS_OF, AS_OF, workers=1)
    changed = second.people[0]
    assert changed.person_id == person.person_id
    assert changed.new == (dropped,)
    assert changed.gone == ("NCT99999999",)
    assert changed.first is False
    assert [p.person_id for p in second.with_new] == [person.person_id]
    assert all(p.new == () and p.gone == () for p in second.people[1:])
    # the kept snapshot is tonight's again: `nextline trials changes` compares with it next
    assert load_snapshot(settings.data_dir, person.person_id) == kept


def test_a_broken_record_is_reported_by_id_and_the_run_goes_on(settings: Settings) -> None:
    _break(settings, "rematch-00002", '{"nextline": 1, "patient": {"sex": "female"}}')
    _break(settings, "rematch-00005", "{not json")
    summary = rematch_all(settings, AS_OF, AS_OF, workers=1)
    errors = {p.person_id: p.error or "" for p in summary.errors}
    assert sorted(errors) == ["rematch-00002", "rematch-00005"]
    assert "rematch-00002@1" in errors["rematch-00002"]
    assert "patient.id" in errors["rematch-00002"]
    assert "JSONDecodeError" in errors["rematch-00005"]
    matched = [p for p in summary.people if p.error is None]
    assert len(matched) == 7
    assert all(p.fits > 0 for p in matched)
    assert load_snapshot(settings.data_dir, "rematch-00002") is None


def test_one_worker_and_two_give_the_same_document_and_snapshots(settings: Settings) -> None:
    _break(settings, "rematch-00004", "{not json")
    progress: list[tuple[int, int]] = []
    one = rematch_all(settings, AS_OF, AS_OF, workers=1)
    folder = settings.data_dir / FOLDER
    files_one = {p.name: p.read_bytes() for p in folder.iterdir()}
    shutil.rmtree(folder)
    two = rematch_all(
        settings, AS_OF, AS_OF, workers=2, on_progress=lambda d, t: progress.append((d, t))
    )
    files_two = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert two.as_json() == one.as_json()
    assert files_two == files_one
    assert len(files_one) == 8
    assert progress[0] == (0, 9)
    assert progress[-1] == (9, 9)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_the_command_prints_the_summary_and_fails_on_a_broken_record(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTLINE_HOME", str(settings.data_dir))
    runner = CliRunner()
    args = ["trials", "rematch", "--workers", "1", "--as-of", AS_OF.isoformat()]
    first = runner.invoke(app, [*args, "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["people"] == 9
    assert data["trials"] == 35
    assert data["first_matches"] == 9
    assert data["errors"] == []
    assert len(data["results"]) == 9
    _break(settings, "rematch-00003", "{not json")
    second = runner.invoke(app, args)
    assert second.exit_code == 1
    assert "Matched 9 people against 35 trials as of 2025-10-01" in second.stdout
    assert "Records that could not be read: 1" in second.stdout
    assert "! rematch-00003: could not be matched (JSONDecodeError" in second.stderr


def test_workers_must_be_at_least_one(settings: Settings) -> None:
    result = CliRunner().invoke(app, ["trials", "rematch", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output
    with pytest.raises(NextlineError, match="--workers"):
        rematch_all(settings, AS_OF, AS_OF, workers=0)


def test_an_empty_store_matches_nobody(tmp_path: Path) -> None:
    summary = rematch_all(Settings(home=tmp_path / "empty"), AS_OF, AS_OF)
    assert summary.people == ()
    assert summary.as_json()["people"] == 0
    assert summary.catalog["trials"] == len(load_default_catalog().trials)


def test_chunks_cover_every_person_once_in_order() -> None:
    ids = [f"p{n}" for n in range(23)]
    for size in (1, 4, 23, 50):
        parts = chunks(ids, size)
        assert [i for part in parts for i in part] == ids
        assert max(len(p) for p in parts) == min(size, 23)
    assert chunk_size(10_000, 2) == 50
    assert chunk_size(9, 2) == 2
    assert chunk_size(1, 8) == 1
    with pytest.raises(ValueError, match="at least one"):
        chunks(ids, 0)


def test_the_summary_is_in_id_order_whatever_order_results_came_back() -> None:
    results = [
        PersonRematch("b", fits=2, new=("NCT1",)),
        failure("c", NextlineError("c: the record is damaged")),
        PersonRematch("a", fits=1, first=True),
        failure("d", KeyError("patient")),
    ]
    summary = summarise(AS_OF, {"source": "s", "trials": 3, "updated": None}, results)
    assert [p.person_id for p in summary.people] == ["a", "b", "c", "d"]
    data = summary.as_json()
    assert data["people_with_new_fits"] == 1
    assert data["first_matches"] == 1
    assert data["errors"] == [
        {"patient": "c", "reason": "c: the record is damaged"},
        {"patient": "d", "reason": "could not be matched (KeyError: 'patient')"},
    ]
    assert data["results"][1] == {
        "patient": "b",
        "trials_that_may_fit": 2,
        "new": ["NCT1"],
        "no_longer_fit": [],
        "verdict_changed": [],
        "first_match": False,
    }


def test_bench_profile_on_a_tiny_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The benchmark's short profile (no timing asserted): it stores the people and the
    replicated catalog, runs two nights and prints every figure with the aim beside it."""
    assert _bench().main(["--people", "6", "--trials", "40", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "stored 6 people and 40 trials" in out
    assert "rematch, first night (baselines): 6 people x 40 trials" in out
    assert "first matches: 6; errors: 0" in out
    assert "a sync added 1 trial(s)" in out
    assert "rematch, second night (compares): 6 people x 41 trials" in out
    assert "first matches: 0; errors: 0" in out
    assert out.count("trials from this run's wall clock") == 2
    assert "ms per person (6 people)" in out
    assert "projected for 10,000 people x 41 trials with 1 worker(s) on cores of their own" in out
    assert out.count("(aim under 300 s:") == 3
