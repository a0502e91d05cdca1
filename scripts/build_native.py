"""Compile the engine's hottest modules (`nextline._native.NATIVE`) with mypyc, in place.

Run by `make setup`. Skips the build when every compiled file is there and was built from
the current sources. Never fails the setup: where the machine cannot compile (no C compiler,
no Python headers), nextline runs as plain Python, with the same results, more slowly; the
reason is printed. Every earlier compiled file of these modules is removed before a build, so
a failed build can never leave an old one behind (and `nextline._native` ignores one whose
source changed in any case).

Usage: .venv/bin/python scripts/build_native.py [--force] [--clean]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nextline import _native

SRC = Path(__file__).resolve().parent.parent / "src"
# mypy's settings for the build: the modules' own package is read, every other import is
# taken as it comes (plain Python objects); the project's strict check is `make test`'s mypy.
CONFIG = """\
[mypy]
follow_imports = skip
ignore_missing_imports = True
[mypy-nextline.assess.*,nextline.record.scan_readings]
follow_imports = normal
"""


def sources() -> dict[str, Path]:
    return {name: SRC / (name.replace(".", "/") + ".py") for name in _native.NATIVE}


def up_to_date() -> bool:
    built = _native.built_hashes()
    return set(built) == set(_native.NATIVE) and all(
        _native.runs_compiled(name, path, built) for name, path in sources().items()
    )


def remove_old() -> None:
    """Every compiled file of a listed module, and the record of the last build."""
    record = _native.BUILT
    try:
        files = json.loads(record.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        files = []
    for rel in files:
        (SRC / rel).unlink(missing_ok=True)
    for path in sources().values():
        for old in path.parent.glob(path.stem + ".*.so"):
            old.unlink()
    record.unlink(missing_ok=True)


def build() -> list[str]:
    """Compile into `src/`; the files it wrote, relative to `src/`."""
    before = {p for p in SRC.rglob("*.so")}
    hashes = {name: _native.source_hash(path) for name, path in sources().items()}
    with tempfile.TemporaryDirectory(prefix="nextline-native-") as tmp:
        config = Path(tmp) / "mypyc.ini"
        config.write_text(CONFIG, encoding="utf-8")
        setup_py = Path(tmp) / "setup.py"
        files = [str(p.relative_to(SRC)) for p in sources().values()]
        arguments = ["--config-file", str(config), *files]
        setup_py.write_text(
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"setup(name='nextline-native', ext_modules=mypycify({arguments!r},"
            f" opt_level='3', target_dir={str(Path(tmp) / 'c')!r}))\n",
            encoding="utf-8",
        )
        env = {**os.environ, "MYPY_CACHE_DIR": str(Path(tmp) / "cache")}
        subprocess.run(
            [
                sys.executable,
                str(setup_py),
                "--quiet",
                "build_ext",
                "--inplace",
                "--build-temp",
                str(Path(tmp) / "temp"),
            ],
            cwd=SRC,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        shutil.rmtree(SRC / "build", ignore_errors=True)
    # a source edited during the build is not what was compiled: leave the build unrecorded
    if any(_native.source_hash(p) != hashes[n] for n, p in sources().items()):
        raise RuntimeError("a source changed while it was being compiled")
    written = sorted(str(p.relative_to(SRC)) for p in set(SRC.rglob("*.so")) - before)
    _native.BUILT.write_text(
        json.dumps({"suffix": _native._suffix(), "modules": hashes, "files": written}, indent=1)
        + "\n",
        encoding="utf-8",
    )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build even when up to date")
    parser.add_argument("--clean", action="store_true", help="remove the compiled files only")
    args = parser.parse_args(argv)
    if args.clean:
        remove_old()
        print("native build: removed; nextline runs as plain Python")
        return 0
    if up_to_date() and not args.force:
        print("native build: up to date")
        return 0
    remove_old()
    started = time.perf_counter()
    try:
        written = build()
    except (subprocess.CalledProcessError, OSError, RuntimeError) as error:
        remove_old()
        detail = getattr(error, "stdout", "") or str(error)
        print(
            "native build: not built; nextline runs as plain Python (same results, slower). "
            f"Reason: {detail.strip().splitlines()[-1] if detail.strip() else error}"
        )
        return 0
    print(
        f"native build: compiled {', '.join(_native.NATIVE)} in "
        f"{time.perf_counter() - started:.0f} s ({len(written)} files)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
