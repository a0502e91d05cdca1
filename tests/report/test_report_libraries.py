"""WeasyPrint's system libraries are found from one reading of the library cache, with the
answers the standard library gives, and the usual search is still there when that fails."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from nextline.report.libraries import cache_finder, import_quickly, read_library_cache

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the library cache is read on Linux only"
)


@linux_only
@pytest.mark.parametrize(
    "name", ["c", "m", "pango-1.0", "gobject-2.0", "harfbuzz", "fontconfig", "pangoft2-1.0"]
)
def test_a_library_in_the_cache_is_found_as_the_standard_library_finds_it(name: str) -> None:
    usual = ctypes.util.find_library(name)
    if usual is None:
        pytest.skip(f"lib{name} is not installed here (scripts/system-deps)")
    assert cache_finder(read_library_cache())(name) == usual


@linux_only
@pytest.mark.parametrize(
    "name", ["libgobject-2.0-0", "gobject-2.0-0", "harfbuzz-0.0", "no-such-library-at-all"]
)
def test_a_name_the_cache_does_not_hold_is_not_found(name: str) -> None:
    assert cache_finder(read_library_cache())(name) is None


def test_the_finder_reads_only_entries_of_this_machines_abi() -> None:
    real = read_library_cache()
    if b"libc.so.6" not in real:
        pytest.skip("no glibc library cache here")
    own = next(line for line in real.splitlines() if b"libc.so.6 " in line)
    other_abi = b"\tlibpretend.so.1 (libc6,pretend-abi) => /opt/libpretend.so.1"
    finder = cache_finder(b"123 libs found in cache\n" + other_abi + b"\n" + own + b"\n")
    assert finder("c") == "libc.so.6"
    assert finder("pretend") is None  # listed, but for another ABI
    assert finder("libc") is None  # "liblibc." is not listed


def test_an_empty_cache_finds_nothing() -> None:
    assert cache_finder(b"")("c") is None


@pytest.fixture
def new_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Writes a module `name` importable from a fresh folder, never imported yet."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(name: str, body: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
        monkeypatch.delitem(sys.modules, name, raising=False)

    return write


@linux_only
def test_a_module_imported_quickly_sees_the_cache_finder_and_it_is_put_back(
    new_module: Callable[[str, str], None],
) -> None:
    new_module(
        "needs_libc_quickly",
        """
        import ctypes, ctypes.util
        FINDER = ctypes.util.find_library.__module__
        LIBC = ctypes.CDLL(ctypes.util.find_library("c"))
        """,
    )
    usual = ctypes.util.find_library
    module = import_quickly("needs_libc_quickly")
    assert module.FINDER == "nextline.report.libraries"
    assert module.LIBC.strlen(b"four") == 4
    assert ctypes.util.find_library is usual


@linux_only
def test_when_the_quick_way_fails_the_usual_search_is_used(
    new_module: Callable[[str, str], None],
) -> None:
    new_module(
        "fails_without_usual_search",
        """
        import ctypes.util
        if ctypes.util.find_library.__module__ != "ctypes.util":
            raise OSError("cannot load library 'libpretend.so'")
        FINDER = ctypes.util.find_library.__module__
        """,
    )
    module = import_quickly("fails_without_usual_search")
    assert module.FINDER == "ctypes.util"


def test_a_library_missing_every_way_is_still_an_error(
    new_module: Callable[[str, str], None],
) -> None:
    new_module("never_loads", "raise OSError(\"cannot load library 'libpango'\")\n")
    with pytest.raises(OSError, match="libpango"):
        import_quickly("never_loads")


def test_off_linux_the_import_is_the_usual_one(
    new_module: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    new_module(
        "records_its_finder",
        "import ctypes.util\nFINDER = ctypes.util.find_library.__module__\n",
    )
    monkeypatch.setattr(sys, "platform", "darwin")
    assert import_quickly("records_its_finder").FINDER == "ctypes.util"


@linux_only
def test_importing_weasyprint_starts_one_program_not_dozens() -> None:
    """In a fresh interpreter: the quick import starts only `ldconfig`, once; the usual
    import starts a program for every name WeasyPrint tries that is not a file."""
    count = textwrap.dedent(
        """
        import subprocess, sys, warnings
        warnings.simplefilter("ignore")
        started = []
        usual = subprocess.Popen.__init__
        def counting(self, args, *rest, **kw):
            started.append(args[0])
            usual(self, args, *rest, **kw)
        subprocess.Popen.__init__ = counting
        if sys.argv[1] == "quick":
            from nextline.report.libraries import import_quickly
            import_quickly("weasyprint")
        else:
            import weasyprint
        print(len(started))
        """
    )

    def started(how: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", count, how], capture_output=True, text=True, check=True
        )
        return int(done.stdout.split()[-1])

    assert started("quick") == 1
    assert started("usual") > 1
