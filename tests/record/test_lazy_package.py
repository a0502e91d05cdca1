"""`nextline.record` imports its parts when a name is first asked for: every public name
still resolves to the object its module defines, and reading a `PatientRecord` alone loads
neither the builder nor the YAML library."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import nextline.record as record_package


@pytest.mark.parametrize("name", sorted(record_package.__all__))
def test_every_public_name_is_the_object_its_module_defines(name: str) -> None:
    value = getattr(record_package, name)
    if name == "load_record":
        assert callable(value)
        return
    module = importlib.import_module(f"nextline.record.{record_package._WHERE[name]}")
    assert value is getattr(module, name)
    assert name in dir(record_package)


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = record_package.no_such_thing  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        from nextline.record import no_such_thing  # type: ignore[attr-defined]  # noqa: F401


def test_reading_a_record_type_loads_neither_the_builder_nor_yaml() -> None:
    code = (
        "import sys\n"
        "from nextline.record import PatientRecord, PatientFile\n"
        "heavy = ('yaml', 'nextline.record.build', 'nextline.record.parse',"
        " 'nextline.record.export', 'nextline.record.validate')\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "print(PatientRecord.__name__, PatientFile.__name__, loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["PatientRecord", "PatientFile", "[]"]
