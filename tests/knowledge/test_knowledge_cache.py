"""The checked knowledge base kept on disk: the same object as a fresh check, rebuilt when a
knowledge file or the code changes, never read when damaged, foreign or not private."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextline.errors import KnowledgeInvalid
from nextline.knowledge import Knowledge, cache
from nextline.knowledge.base import DATA_DIR, _load_cached, load_knowledge

BROKEN = Path(__file__).parent / "broken"


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    """Each load reads the disk, not this process's memo of an earlier load."""
    _load_cached.cache_clear()
    yield
    _load_cached.cache_clear()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the built-in knowledge folder, free to edit."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "kb"))


def _cache_files() -> list[Path]:
    return sorted(cache.cache_folder().glob("knowledge-*.pickle"))


def test_cached_knowledge_equals_a_fresh_check_cold_and_warm() -> None:
    fresh = load_knowledge(use_cache=False)
    _load_cached.cache_clear()
    cold = load_knowledge()
    assert len(_cache_files()) == 1
    _load_cached.cache_clear()
    warm = load_knowledge()
    assert cold == fresh
    assert warm == fresh
    assert warm.unit_factors == fresh.unit_factors
    assert len(warm.unit_factors) > 100


def test_cache_lives_in_nextline_home_and_is_private(tmp_path: Path) -> None:
    load_knowledge()
    [file] = _cache_files()
    assert file.parent == tmp_path / "home" / "cache"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700


def test_a_changed_knowledge_file_gives_a_new_key_and_is_read_again(data_dir: Path) -> None:
    before = load_knowledge(data_dir)
    assert before.drugs["fulvestrant"].name == "fulvestrant"
    drugs = data_dir / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    assert "name: fulvestrant\n" in text
    drugs.write_text(text.replace("name: fulvestrant\n", "name: Fulvestrant (edited)\n", 1))
    _load_cached.cache_clear()
    after = load_knowledge(data_dir)
    assert after.drugs["fulvestrant"].name == "Fulvestrant (edited)"
    assert len(_cache_files()) == 1  # the stale file is removed


def test_a_new_source_file_changes_the_key(data_dir: Path) -> None:
    key = cache.content_key(data_dir)
    (data_dir / "sources" / "extra.yaml").write_text("format_version: 1\nsources: []\n")
    assert cache.content_key(data_dir) != key


def test_changed_code_changes_the_key(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.content_key(data_dir)
    monkeypatch.setattr(cache, "CACHE_FORMAT", "another")
    assert cache.content_key(data_dir) != key


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a cache at all",
        b"nextline-kb\nwrong-key\n" + pickle.dumps("x"),
        "header-then-garbage",
        "another-kind",
        "truncated",
    ],
)
def test_a_damaged_cache_is_rebuilt_silently(data_dir: Path, damage: bytes | str) -> None:
    fresh = load_knowledge(data_dir, use_cache=False)
    key = cache.content_key(data_dir)
    path = cache.cache_file(cache.cache_folder(), key)
    path.parent.mkdir(parents=True)
    header = cache.MAGIC + key.encode() + b"\n"
    good = header + pickle.dumps(fresh)
    payload = {
        "header-then-garbage": header + b"\x80\x05garbage",
        "another-kind": header + pickle.dumps({"drugs": {}}),
        "truncated": good[: len(good) // 2],
    }.get(str(damage), damage)
    assert isinstance(payload, bytes)
    path.write_bytes(payload)
    os.chmod(path, 0o600)
    _load_cached.cache_clear()
    assert load_knowledge(data_dir) == fresh
    assert cache.read(path, key, Knowledge) == fresh  # rewritten whole


def test_a_cache_others_can_write_is_never_read(data_dir: Path) -> None:
    real = load_knowledge(data_dir, use_cache=False)
    planted = Knowledge(version="planted", sources={}, classes={}, drugs={}, lab_tests={})
    key = cache.content_key(data_dir)
    path = cache.cache_file(cache.cache_folder(), key)
    path.parent.mkdir(parents=True)
    path.write_bytes(cache.MAGIC + key.encode() + b"\n" + pickle.dumps(planted))
    os.chmod(path, 0o666)
    assert cache.read(path, key, Knowledge) is None
    _load_cached.cache_clear()
    assert load_knowledge(data_dir) == real
    os.chmod(path, 0o600)
    assert cache.read(path, key, Knowledge) == real  # replaced by a private, checked copy


def test_invalid_knowledge_is_never_cached() -> None:
    folder = BROKEN / "contains_unknown_drug"
    for _ in range(2):
        _load_cached.cache_clear()
        with pytest.raises(KnowledgeInvalid):
            load_knowledge(folder)
    assert _cache_files() == []


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, data_dir: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder would go")
    assert load_knowledge(data_dir) == load_knowledge(data_dir, use_cache=False)


def test_without_nextline_home_the_users_cache_folder_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NEXTLINE_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_folder() == tmp_path / "xdg" / "nextline"
