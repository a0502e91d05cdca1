"""The compiled engine modules (`nextline._native`): never stale, never different.

`make setup` compiles the modules in `NATIVE` with mypyc when the machine can; these tests
check the guard that keeps an out-of-date compiled file from running, and that the compiled
and the plain-Python engines give byte-identical answers (the stored digests are checked on
whichever runs in this process by tests/bench/test_engine_digest.py; here the plain-Python
run, in a separate process, is compared with this one)."""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nextline import _native

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
ROOT = Path(__file__).resolve().parent.parent


def _package(tmp_path: Path, source: str, built_from: str | None) -> tuple[Path, Path]:
    """A package folder holding `fast.py` and a (fake) compiled file beside it, and a build
    record saying which source the compiled file was built from."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "fast.py").write_text(source)
    (folder / f"fast{SUFFIX}").write_bytes(b"not really compiled")
    record = tmp_path / "built.json"
    hashes = {} if built_from is None else {"pkg.fast": _native.source_hash_of(built_from)}
    record.write_text(json.dumps({"suffix": SUFFIX, "modules": hashes}))
    return folder, record


def test_a_compiled_file_built_from_this_very_source_is_left_to_the_usual_finders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(_native.PURE_ENV, raising=False)
    folder, record = _package(tmp_path, "X = 1\n", built_from="X = 1\n")
    guard = _native._StaleGuard(record, ("pkg.fast",))
    assert guard.find_spec("pkg.fast", [str(folder)]) is None  # the extension file is taken


@pytest.mark.parametrize(
    "built_from", ["X = 1\n# edited after the build\n", None], ids=["edited", "unrecorded"]
)
def test_a_source_changed_since_the_build_or_never_built_is_imported_as_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_from: str | None
) -> None:
    monkeypatch.delenv(_native.PURE_ENV, raising=False)
    folder, record = _package(tmp_path, "X = 1\n", built_from=built_from)
    spec = _native._StaleGuard(record, ("pkg.fast",)).find_spec("pkg.fast", [str(folder)])
    assert spec is not None and spec.origin == str(folder / "fast.py")


def test_one_sibling_edited_sends_every_module_of_the_build_back_to_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compiled module imports its compiled siblings past any finder: so when any source
    of the build changed, none of its modules may run compiled."""
    monkeypatch.delenv(_native.PURE_ENV, raising=False)
    folder, record = _package(tmp_path, "X = 1\n", built_from="X = 1\n")
    (folder / "sibling.py").write_text("Y = 2\n# edited after the build\n")
    (folder / f"sibling{SUFFIX}").write_bytes(b"not really compiled")
    data = json.loads(record.read_text())
    data["modules"]["pkg.sibling"] = _native.source_hash_of("Y = 2\n")
    record.write_text(json.dumps(data))
    guard = _native._StaleGuard(record, ("pkg.fast", "pkg.sibling"))
    spec = guard.find_spec("pkg.fast", [str(folder)])
    assert spec is not None and spec.origin == str(folder / "fast.py")
    (folder / "sibling.py").write_text("Y = 2\n")  # as built: both may run compiled
    assert (
        _native._StaleGuard(record, ("pkg.fast", "pkg.sibling")).find_spec(
            "pkg.fast", [str(folder)]
        )
        is None
    )


def test_the_pure_python_switch_always_imports_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_native.PURE_ENV, "1")
    folder, record = _package(tmp_path, "X = 1\n", built_from="X = 1\n")
    spec = _native._StaleGuard(record, ("pkg.fast",)).find_spec("pkg.fast", [str(folder)])
    assert spec is not None and spec.origin == str(folder / "fast.py")


def test_a_record_from_another_interpreter_counts_as_no_build(tmp_path: Path) -> None:
    record = tmp_path / "built.json"
    record.write_text(json.dumps({"suffix": ".cpython-399-other.so", "modules": {"a": "b"}}))
    assert _native.built_hashes(record) == {}
    record.write_text("{not json")
    assert _native.built_hashes(record) == {}


def test_other_modules_pass_straight_through(tmp_path: Path) -> None:
    guard = _native._StaleGuard(tmp_path / "none.json", ("pkg.fast",))
    assert guard.find_spec("json", None) is None
    assert guard.find_spec("pkg.other", [str(tmp_path)]) is None


def test_when_the_build_is_recorded_the_engine_really_runs_compiled() -> None:
    """A build that succeeded but is not used would make every speed figure a lie."""
    if not _native.built_hashes() or os.environ.get(_native.PURE_ENV):
        pytest.skip("no native build on this machine (nextline runs as plain Python)")
    import nextline.assess.status  # noqa: F401  (imports every compiled module)

    assert _native.compiled_now() == list(_native.NATIVE)


_DIGESTS = """
import json, sys
sys.path.insert(0, "bench")
import engine_digest as d
from nextline import _native
from nextline.knowledge import load_knowledge
out = d.status_digests(load_knowledge(), 30, 4)
print(json.dumps({"compiled": _native.compiled_now(), "digests": out}))
"""


def test_plain_python_and_this_process_give_byte_identical_answers() -> None:
    """The status (the compiled engine's output) of the first 30 of the assess bench's
    people and of the examples at every 4th of their dates, in a plain-Python process and
    in this one."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import engine_digest
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from nextline.knowledge import load_knowledge

    here = engine_digest.status_digests(load_knowledge(), 30, 4)
    env = {**os.environ, _native.PURE_ENV: "1"}
    done = subprocess.run(
        [sys.executable, "-c", _DIGESTS], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    pure = json.loads(done.stdout.strip().splitlines()[-1])
    assert pure["compiled"] == []
    assert sorted(pure["digests"]) == sorted(here) and len(here) > 20
    changed = [item for item, value in here.items() if pure["digests"][item] != value]
    assert not changed, changed
