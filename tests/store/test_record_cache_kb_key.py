"""A kept record and a person's kept note readings are keyed by the content key of the
knowledge base the command holds (`knowledge.cache.key_of`), not by hashing every knowledge
file again: the same key as from the files, and a knowledge base of other content still
never reads an old record."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.cli._common import stored_record
from nextline.examples import example_path
from nextline.knowledge import cache, load_knowledge
from nextline.knowledge.base import _load_cached
from nextline.store import record_cache

runner = CliRunner()
TODAY = dt.date.today()


pytestmark = pytest.mark.usefixtures("fresh_knowledge")


def test_the_loaded_knowledge_base_carries_the_key_of_its_files() -> None:
    kb = load_knowledge()
    assert cache.key_of(kb) == cache.content_key(cache.DATA_DIR)
    _load_cached.cache_clear()
    again = load_knowledge()  # read back from the file this time
    assert again is not kb
    assert cache.key_of(again) == cache.key_of(kb)


def test_an_object_not_loaded_through_the_cache_has_no_key() -> None:
    kb = load_knowledge()
    assert cache.key_of(copy.copy(kb)) is None
    assert cache.key_of(load_knowledge(use_cache=False)) is None
    assert cache.key_of(object()) is None


def test_a_stored_record_read_with_the_loaded_knowledge_hashes_no_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert runner.invoke(app, ["import", str(example_path("hr-positive-esr1"))]).exit_code == 0
    kb = load_knowledge()
    first = stored_record("hr-positive-esr1", kb, TODAY)  # built and kept
    monkeypatch.setattr(cache, "content_key", lambda _dir: pytest.fail("hashed the files"))
    again = stored_record("hr-positive-esr1", kb, TODAY)
    assert again == first
    assert again is not first  # read back from the kept file


def test_a_knowledge_base_of_other_content_does_not_read_the_kept_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert runner.invoke(app, ["import", str(example_path("hr-positive-esr1"))]).exit_code == 0
    kb = load_knowledge()
    stored_record("hr-positive-esr1", kb, TODAY)
    built: list[str] = []
    real_build = record_cache.cached_record

    def counting(*args: object, **kwargs: object) -> object:
        build = args[5]

        def counted() -> object:
            built.append("again")
            return build()  # type: ignore[operator]

        return real_build(*args[:5], counted, *args[6:], **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(record_cache, "cached_record", counting)
    stored_record("hr-positive-esr1", kb, TODAY)
    assert built == []  # same knowledge: read back
    monkeypatch.setitem(cache._KEYS, id(kb), (kb, "a knowledge base of other content"))
    stored_record("hr-positive-esr1", kb, TODAY)
    assert built == ["again"]


def test_a_persons_note_readings_are_opened_without_hashing_the_knowledge_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nextline.store import note_readings

    assert runner.invoke(app, ["import", str(example_path("hr-positive-esr1"))]).exit_code == 0
    kb = load_knowledge()
    expected = note_readings._key(cache.content_key(cache.DATA_DIR))
    monkeypatch.setattr(cache, "content_key", lambda _dir: pytest.fail("hashed the files"))
    note_readings.open_for("hr-positive-esr1", kb)
    try:
        assert [opened.key for opened in note_readings._pending] == [expected]
    finally:
        note_readings._pending.clear()
