"""With pydantic plugins off, the `nextline` command answers pydantic's plugin question
without loading `importlib.metadata` (`cli._pydantic_plugins`), and pydantic behaves as
with its own loader. Each case runs in a fresh interpreter: the loader is process-wide."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

from nextline.cli._pydantic_plugins import ALL_OFF, LOADER

PROBE = """
import json, os, sys
from nextline.cli._pydantic_plugins import LOADER, _StandIn, plugins_off_loader
placed = plugins_off_loader()
import datetime as dt
from pydantic import BaseModel, TypeAdapter
class Visit(BaseModel):
    day: dt.date
    note: str | None = None
checked = Visit.model_validate({"day": "2024-02-29"}).model_dump_json()
listed = TypeAdapter(list[int]).validate_python(["1", 2])
from pydantic.plugin._loader import get_plugins
print(json.dumps({
    "placed": placed,
    "stand_in": isinstance(sys.modules[LOADER], _StandIn),
    "metadata_loaded": "importlib.metadata" in sys.modules,
    "plugins": list(get_plugins()),
    "checked": checked,
    "listed": listed,
}))
"""


def _probe(setting: str | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    )
    import json

    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("setting", ALL_OFF)
def test_plugins_off_pydantic_works_without_loading_package_metadata(setting: str) -> None:
    result = _probe(setting)
    assert result == {
        "placed": True,
        "stand_in": True,
        "metadata_loaded": False,
        "plugins": [],
        "checked": '{"day":"2024-02-29","note":null}',
        "listed": [1, 2],
    }


@pytest.mark.parametrize("setting", [None, "", "false", "some_plugin"])
def test_plugins_not_off_pydantic_keeps_its_own_loader(setting: str | None) -> None:
    result = _probe(setting)
    assert result["placed"] is False
    assert result["stand_in"] is False  # pydantic's own module answered
    assert result["checked"] == '{"day":"2024-02-29","note":null}'


def test_the_stand_in_gives_way_to_pydantics_loader_when_the_setting_changes() -> None:
    code = (
        "import os, sys\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "from nextline.cli._pydantic_plugins import LOADER, _StandIn, plugins_off_loader\n"
        "assert plugins_off_loader()\n"
        "loader = sys.modules[LOADER]\n"
        "assert list(loader.get_plugins()) == []\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = ''\n"
        "assert list(loader.get_plugins()) == []  # none installed, now looked for\n"
        "real = sys.modules[LOADER]\n"
        "assert not isinstance(real, _StandIn) and 'importlib.metadata' in sys.modules\n"
        "assert loader.PYDANTIC_ENTRY_POINT_GROUP == real.PYDANTIC_ENTRY_POINT_GROUP\n"
        "import pydantic.plugin\n"
        "assert pydantic.plugin._loader is real\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr


def test_pydantic_asks_its_loader_only_for_what_the_stand_in_answers() -> None:
    """Every name pydantic imports from its plugin loader (the stand-in would load the real
    module for any other: slower, still right). A new one here: teach the stand-in."""
    package = Path(pydantic.__file__).parent
    asked: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_loader"):
                asked |= {alias.name for alias in node.names}
    assert sorted(asked) == ["get_plugins"]
    assert LOADER == "pydantic.plugin._loader"
