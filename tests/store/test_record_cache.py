"""A stored person's normalised record is built once and read back by the next command: the
same record and the same output, rebuilt whenever the stored text, the knowledge base, the
record code or the check date changes, rebuilt when the kept file is damaged or not
private, never kept when the record is not valid, and gone when the person is deleted."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.cli._common import stored_record
from nextline.errors import RecordInvalid
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge, cache, load_knowledge
from nextline.knowledge.base import _load_cached
from nextline.record import PatientRecord, file_to_record, validate_patient_data
from nextline.store import open_store, record_cache
from nextline.store.quick_read import embedded_database, latest_content

runner = CliRunner()
TODAY = dt.date.today()


pytestmark = pytest.mark.usefixtures("fresh_knowledge")


def _import_file(path: Path) -> None:
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output


def _import(*people: str) -> None:
    for person in people:
        _import_file(example_path(person))


def _database() -> Path:
    database = embedded_database()
    assert database is not None
    return database


def _kept_file(person: str) -> Path:
    return record_cache._file(record_cache.records_folder(_database()), person)


def _fresh_build(person: str, kb: Knowledge, checked_on: dt.date) -> PatientRecord:
    found = latest_content(person)
    assert found is not None
    content, version = found
    file = validate_patient_data(json.loads(content), f"{person}@{version}")
    return file_to_record(file, kb, checked_on, person)


class _Counting:
    """A `build` that counts its calls and builds the record as the CLI would."""

    def __init__(self, person: str, kb: Knowledge, checked_on: dt.date) -> None:
        self.calls = 0
        self.person, self.kb, self.checked_on = person, kb, checked_on

    def __call__(self) -> PatientRecord:
        self.calls += 1
        return _fresh_build(self.person, self.kb, self.checked_on)


def _read(person: str, build: Callable[[], PatientRecord], checked_on: dt.date) -> PatientRecord:
    found = latest_content(person)
    assert found is not None
    content, version = found
    return record_cache.cached_record(_database(), person, version, content, checked_on, build)


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_a_kept_record_is_the_record_built_from_the_stored_file(person: str, kb: Knowledge) -> None:
    _import(person)
    built = _Counting(person, kb, TODAY)
    first = _read(person, built, TODAY)
    again = _read(person, built, TODAY)
    assert built.calls == 1
    assert again == first == _fresh_build(person, kb, TODAY)
    assert again is not first  # read back from the file, not a memo
    assert again.warnings == first.warnings
    assert again.lines == first.lines


def test_the_kept_file_is_private_in_a_private_folder() -> None:
    _import("hr-positive-esr1")
    stored_record("hr-positive-esr1", None, TODAY)
    path = _kept_file("hr-positive-esr1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert b"hr-positive-esr1" not in path.name.encode()  # the file name hides the id
    assert list(path.parent.glob(".kb-*")) == []  # no temporary file left behind


def test_each_input_of_the_record_is_in_its_key(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import("hr-positive-esr1")
    person = "hr-positive-esr1"
    found = latest_content(person)
    assert found is not None
    content, version = found
    base = record_cache.record_key(person, version, content, "kb", TODAY)
    changed = {
        record_cache.record_key("other", version, content, "kb", TODAY),
        record_cache.record_key(person, version + 1, content, "kb", TODAY),
        record_cache.record_key(person, version, content + " ", "kb", TODAY),
        record_cache.record_key(person, version, content, "kb2", TODAY),
        record_cache.record_key(person, version, content, "kb", TODAY + dt.timedelta(days=1)),
    }
    monkeypatch.setattr(record_cache, "_code_version", lambda: b"other code")
    changed.add(record_cache.record_key(person, version, content, "kb", TODAY))
    assert base not in changed
    assert len(changed) == 6


@pytest.mark.parametrize(
    "change",
    ["knowledge", "code", "date", "new version"],
)
def test_a_change_to_any_input_builds_the_record_again(
    change: str, kb: Knowledge, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    person = "her2-positive-brain"
    _import(person)
    built = _Counting(person, kb, TODAY)
    _read(person, built, TODAY)
    checked_on = TODAY
    if change == "knowledge":
        monkeypatch.setattr(cache, "content_key", lambda _dir: "another knowledge base")
    elif change == "code":
        monkeypatch.setattr(record_cache, "_code_version", lambda: b"a newer record module")
    elif change == "date":
        checked_on = TODAY + dt.timedelta(days=1)
        built.checked_on = checked_on
    else:  # the person's file edited and imported again: a new stored version
        edited = tmp_path / "edited.yaml"
        text = example_path(person).read_text(encoding="utf-8")
        edited.write_text(text.replace("Aisha (example)", "Aisha B. (example)"), "utf-8")
        _import_file(edited)
        assert _read(person, built, checked_on).name == "Aisha B. (example)"
        assert built.calls == 2
        return
    again = _read(person, built, checked_on)
    assert built.calls == 2
    assert again == _fresh_build(person, kb, checked_on)
    assert _read(person, built, checked_on) == again  # and that one is kept in its place
    assert built.calls == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"nextline-kb\n", b"not a cache file at all", b"nextline-kb\nKEY\n\x80\x05junk"],
)
def test_a_damaged_kept_file_is_built_again_and_replaced(damage: bytes, kb: Knowledge) -> None:
    person = "triple-negative-brca"
    _import(person)
    built = _Counting(person, kb, TODAY)
    first = _read(person, built, TODAY)
    path = _kept_file(person)
    path.write_bytes(damage)
    assert _read(person, built, TODAY) == first
    assert built.calls == 2
    assert path.read_bytes().startswith(cache.MAGIC)
    assert _read(person, built, TODAY) == first
    assert built.calls == 2


def test_a_truncated_kept_file_is_built_again(kb: Knowledge) -> None:
    person = "triple-negative-brca"
    _import(person)
    built = _Counting(person, kb, TODAY)
    first = _read(person, built, TODAY)
    path = _kept_file(person)
    path.write_bytes(path.read_bytes()[:-40])
    assert _read(person, built, TODAY) == first
    assert built.calls == 2


def test_a_kept_file_others_could_write_is_never_read(kb: Knowledge) -> None:
    person = "hr-positive-esr1"
    _import(person)
    built = _Counting(person, kb, TODAY)
    _read(person, built, TODAY)
    path = _kept_file(person)
    os.chmod(path, 0o666)
    _read(person, built, TODAY)
    assert built.calls == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # replaced by a private one


def test_an_invalid_record_is_never_kept(kb: Knowledge) -> None:
    person = "hr-positive-esr1"
    _import(person)
    # a stored record whose entries are after the check date is not valid on that date
    early = dt.date(2000, 1, 1)
    with pytest.raises(RecordInvalid) as raised:
        _read(person, lambda: _fresh_build(person, kb, early), early)
    assert "after the as-of date" in str(raised.value)
    assert not _kept_file(person).exists()


def test_the_cli_keeps_the_record_and_gives_the_same_output() -> None:
    person = "hr-positive-esr1"
    _import(person)
    args = ["status", person, "--as-of", "2024-04-15", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    path = _kept_file(person)
    assert path.is_file()
    _load_cached.cache_clear()
    path.write_bytes(b"damaged")
    second = runner.invoke(app, args)
    assert second.stdout == first.stdout
    _load_cached.cache_clear()
    third = runner.invoke(app, args)  # from the kept file this time
    assert third.stdout == first.stdout


def test_deleting_a_person_removes_their_kept_record() -> None:
    _import("hr-positive-esr1", "her2-positive-brain")
    stored_record("hr-positive-esr1", None, TODAY)
    stored_record("her2-positive-brain", load_knowledge(), TODAY)
    open_store().delete("hr-positive-esr1")
    assert not _kept_file("hr-positive-esr1").exists()
    assert _kept_file("her2-positive-brain").is_file()


def test_a_person_read_through_the_store_is_not_kept(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No kept copy where the quick path does not answer (PostgreSQL, a schema to migrate)."""
    from nextline.store import quick_read

    _import("hr-positive-esr1")
    monkeypatch.setattr(quick_read, "latest_content", lambda _id: None)
    record = stored_record("hr-positive-esr1", kb, TODAY)
    assert record.id == "hr-positive-esr1"
    assert not record_cache.records_folder(_database()).exists()


def test_a_record_built_with_another_knowledge_base_is_not_kept() -> None:
    """The key names the bundled knowledge base: a record built with any other (a test's, a
    copy checked without the cache) is built fresh and never kept under that key."""
    import pickle

    _import("hr-positive-esr1")
    other = pickle.loads(pickle.dumps(load_knowledge()))  # equal, but not the one loaded
    record = stored_record("hr-positive-esr1", other, TODAY)
    assert record.id == "hr-positive-esr1"
    assert not _kept_file("hr-positive-esr1").exists()
    stored_record("hr-positive-esr1", load_knowledge(), TODAY)
    assert _kept_file("hr-positive-esr1").is_file()
