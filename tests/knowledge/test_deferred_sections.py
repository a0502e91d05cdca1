"""The knowledge base's `plan` and `options` sections are pickled apart and unpickled on
first use: the same sections as a fresh check, whatever the order they are read in, through
a second round trip, and without importing their schema modules until then."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from nextline.knowledge import Knowledge
from nextline.knowledge.base import DEFERRED_SECTIONS, _load_cached, load_knowledge


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    _load_cached.cache_clear()
    yield
    _load_cached.cache_clear()


@pytest.fixture(scope="module")
def fresh() -> Knowledge:
    """Checked from the YAML, never pickled."""
    return load_knowledge(use_cache=False)


def test_the_deferred_sections_are_plan_and_options() -> None:
    assert DEFERRED_SECTIONS == ("plan", "options")


def test_a_round_trip_gives_every_field_back(fresh: Knowledge) -> None:
    thawed = pickle.loads(pickle.dumps(fresh))
    assert "options" not in vars(thawed) and "plan" not in vars(thawed)  # not read yet
    assert thawed.options == fresh.options
    assert thawed.options is not None and len(thawed.options.regimens) > 0
    assert thawed.plan == fresh.plan
    assert thawed.plan is not None
    assert thawed.assess == fresh.assess
    assert thawed.drugs == fresh.drugs
    assert thawed == fresh


@pytest.mark.parametrize("read_first", [(), ("plan",), ("options",), ("plan", "options")])
def test_a_partly_read_knowledge_base_pickles_whole_again(
    fresh: Knowledge, read_first: tuple[str, ...]
) -> None:
    thawed = pickle.loads(pickle.dumps(fresh))
    for name in read_first:
        getattr(thawed, name)
    again = pickle.loads(pickle.dumps(thawed))
    assert again == fresh
    assert again.options == fresh.options and again.plan == fresh.plan


def test_a_section_is_read_once_and_then_is_a_plain_field(fresh: Knowledge) -> None:
    thawed = pickle.loads(pickle.dumps(fresh))
    first = thawed.options
    assert thawed.options is first
    assert vars(thawed)["options"] is first


def test_threads_reading_a_section_at_once_see_one_object(fresh: Knowledge) -> None:
    thawed = pickle.loads(pickle.dumps(fresh))
    seen: list[object] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        seen.append(thawed.options)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert len({id(section) for section in seen}) == 1


def test_a_missing_attribute_is_still_an_attribute_error(fresh: Knowledge) -> None:
    thawed = pickle.loads(pickle.dumps(fresh))
    missing = "no_such_section"
    with pytest.raises(AttributeError, match=missing):
        getattr(thawed, missing)
    with pytest.raises(AttributeError):
        getattr(fresh, missing)
    assert getattr(thawed, missing, "absent") == "absent"


def test_a_knowledge_base_without_the_sections_keeps_none() -> None:
    bare = Knowledge(version="x", sources={}, classes={}, drugs={}, lab_tests={})
    thawed = pickle.loads(pickle.dumps(bare))
    assert thawed.plan is None and thawed.options is None
    assert thawed == bare
    assert copy.deepcopy(thawed) == bare


def test_the_cached_knowledge_base_leaves_the_section_schemas_unimported() -> None:
    """Reading the cached knowledge base imports neither the plan's nor the options' schema
    until a section is read (the cache is warmed by the first load)."""
    code = (
        "import sys\n"
        "from nextline.knowledge import load_knowledge\n"
        "from nextline.knowledge.base import _load_cached\n"
        "load_knowledge(); _load_cached.cache_clear()\n"
        "for m in ('nextline.knowledge.options_schema', 'nextline.knowledge.plan_schema',"
        " 'nextline.knowledge.options_load'):\n"
        "    sys.modules.pop(m, None)\n"
        "kb = load_knowledge()\n"
        "before = 'nextline.knowledge.options_schema' in sys.modules\n"
        "n = len(kb.options.regimens)\n"
        "print(before, 'nextline.knowledge.options_schema' in sys.modules, n > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]
