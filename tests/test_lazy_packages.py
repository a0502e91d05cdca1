"""`nextline.record`, `nextline.knowledge`, `nextline.assess` and `nextline.plan` import their
parts when a name is first asked for: every public name still resolves to the object its module
defines, an unknown name is still an error, and importing one part loads none of the others."""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import pytest

PACKAGES = ("nextline.record", "nextline.knowledge", "nextline.assess", "nextline.plan")
DEFINED_HERE = {"nextline.record": {"load_record"}}  # functions of the package itself


def _names() -> list[tuple[str, str]]:
    return [
        (package, name)
        for package in PACKAGES
        for name in sorted(importlib.import_module(package).__all__)
    ]


@pytest.mark.parametrize(("package", "name"), _names())
def test_every_public_name_is_the_object_its_module_defines(package: str, name: str) -> None:
    module: ModuleType = importlib.import_module(package)
    value = getattr(module, name)
    assert name in dir(module)
    if name in DEFINED_HERE.get(package, set()):
        assert callable(value)
        return
    defining = importlib.import_module(f"{package}.{module._WHERE[name]}")
    assert value is getattr(defining, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_an_unknown_name_is_an_attribute_error_naming_it(package: str) -> None:
    module = importlib.import_module(package)
    missing = "no_such_thing"
    with pytest.raises(AttributeError, match=missing):
        getattr(module, missing)
    with pytest.raises(ImportError):
        exec(f"from {package} import {missing}", {})


@pytest.mark.parametrize(
    ("statement", "not_loaded"),
    [
        (
            "from nextline.record import PatientRecord, PatientFile",
            ("yaml", "nextline.record.build", "nextline.record.parse", "nextline.record.export"),
        ),
        (
            "from nextline.knowledge import cache",
            ("nextline.knowledge.base", "nextline.knowledge.options_schema", "pydantic"),
        ),
        (
            "from nextline.assess.recist import assess_one_line",
            ("nextline.assess.status", "nextline.assess.red_flags", "nextline.assess.blood_counts"),
        ),
    ],
)
def test_one_part_loads_none_of_the_others(statement: str, not_loaded: tuple[str, ...]) -> None:
    code = f"import sys\n{statement}\nprint([m for m in {not_loaded!r} if m in sys.modules])\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
